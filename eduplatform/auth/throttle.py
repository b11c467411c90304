"""Sign-in limits that hold under concurrency: count first, atomically, then check.

Each attempt increments its counters in the rate-limit store (Redis in production, so every
worker and host shares them; memory in development) before the password or code is checked,
and the increment's result decides: 25 parallel guesses get exactly `limit` checks, never 25.
An attempt that turns out not to be a guess (the right password, a form refused before any
check, or one that was refused here) is refunded, so only wrong passwords and codes count.

Counters are a sliding window: the current period's count plus the previous period's, weighted
by how much of it still lies inside the window (no double burst across a period boundary).
"""

import time
from dataclasses import dataclass, field

from flask import abort, current_app, request
from limits import parse

from eduplatform.extensions import limiter


@dataclass
class Counter:
    """One incremented counter: refund() takes the attempt back."""

    key: str
    expiry: int
    refunded: bool = False

    def refund(self):
        if not self.refunded:
            self.refunded = True
            limiter.storage.incr(self.key, self.expiry, amount=-1)


@dataclass
class Attempt:
    """The counters an attempt incremented; refund() when it was not a wrong guess."""

    counters: list = field(default_factory=list)

    def refund(self):
        for counter in self.counters:
            counter.refund()


def _count(scope, key, setting):
    """Increment the counter of `key` in `scope`; None (and nothing counted) when over the limit."""
    limit = parse(current_app.config[setting])
    period = limit.get_expiry()
    now = time.time()
    window = int(now // period)
    # RATELIMIT_KEY_PREFIX (Flask-Limiter's setting) keeps apps sharing one Redis apart.
    namespace = current_app.config.get("RATELIMIT_KEY_PREFIX") or "eduplatform"
    prefix = f"{namespace}/{scope}/{key}/"
    counter = Counter(prefix + str(window), expiry=2 * period)
    count = limiter.storage.incr(counter.key, counter.expiry)
    previous = limiter.storage.get(prefix + str(window - 1))
    weight = 1 - (now - window * period) / period
    if count + previous * weight > limit.amount:  # no rounding down at a period's start
        counter.refund()
        return None
    return counter


def begin(scope, *, account, per_account, per_address):
    """Count an attempt for this account key and this client address, or answer 429.

    `per_account` and `per_address` name the settings holding the limits ("10 per 15 minutes").
    """
    attempt = Attempt()
    for name, key, setting in (
        ("address", request.remote_addr or "unknown", per_address),
        ("account", account, per_account),
    ):
        counter = _count(f"{scope}-{name}", key, setting)
        if counter is None:
            attempt.refund()
            abort(429)
        attempt.counters.append(counter)
    return attempt


def account_key(user, typed):
    """One key per account, whichever of its names (email or NISN) was typed."""
    if user is not None:
        return f"user:{user.id}"
    return "name:" + (typed or "").strip().casefold()[:254]
