"""Personal access tokens: create (shown once), list, revoke, and check a bearer token.

A token is "edu_" followed by 32 random bytes (URL-safe base64); only its SHA-256 hash is kept.
An expiry date is the last day the token works, in the schools' time zone.
"""

import re
import secrets
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask import current_app, has_app_context
from flask_babel import lazy_gettext as _l
from sqlalchemy import bindparam, or_
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm.attributes import set_committed_value
from sqlmodel import Session, col, select, update

from eduplatform.api.models import ApiToken, TokenScope
from eduplatform.audit.service import record_event
from eduplatform.auth.service import hash_token
from eduplatform.errors import Invalid
from eduplatform.people.models import User
from eduplatform.sqltypes import utcnow

PREFIX = "edu_"
TOKEN_RE = re.compile(r"^edu_[A-Za-z0-9_-]{43}$")
HINT_LENGTH = 8
MAX_NAME = 100
# last_used_at is written at most this often, so that reading the API stays read-only mostly.
USE_RESOLUTION = timedelta(minutes=1)


def new_token():
    return PREFIX + secrets.token_urlsafe(32)


def _timezone():
    name = "Asia/Jakarta"
    if has_app_context():
        name = current_app.config.get("BABEL_DEFAULT_TIMEZONE") or name
    return ZoneInfo(name)


def local_today():
    return datetime.now(_timezone()).date()


def end_of_day(day):
    """The moment (UTC) a token expiring on `day` stops working: the next local midnight."""
    return datetime.combine(day + timedelta(days=1), time.min, tzinfo=_timezone())


def expiry_date(token):
    """The last local day the token works, or None when it does not expire."""
    if token.expires_at is None:
        return None
    return (token.expires_at.astimezone(_timezone()) - timedelta(days=1)).date()


def create_token(session: Session, *, actor, user, name, scope=TokenScope.READ, expires_on=None):
    """Make a token for `user`; returns (ApiToken, the token itself, which is never stored)."""
    name = (name or "").strip()
    errors = []
    if not name:
        errors.append({"field": "name", "message": _l("Give the token a name.")})
    elif len(name) > MAX_NAME:
        errors.append({"field": "name", "message": _l("Use at most 100 characters.")})
    if scope not in set(TokenScope):
        errors.append({"field": "scope", "message": _l("Choose read or read-write.")})
    if expires_on is not None and (not isinstance(expires_on, date) or expires_on < local_today()):
        errors.append({"field": "expires_on", "message": _l("The expiry date is in the past.")})
    if not user.active:
        errors.append({"field": "email", "message": _l("This account is deactivated.")})
    if errors:
        raise Invalid(errors)
    raw = new_token()
    token = ApiToken(
        user_id=user.id,
        name=name,
        scope=scope,
        token_hash=hash_token(raw),
        hint=raw[:HINT_LENGTH],
        expires_at=end_of_day(expires_on) if expires_on else None,
    )
    session.add(token)
    session.flush()
    record_event(
        session,
        actor=actor,
        action="token.created",
        target=token,
        details={
            "user_id": user.id,
            "name": name,
            "scope": scope,
            "expires_on": expires_on.isoformat() if expires_on else None,
        },
    )
    session.commit()
    return token, raw


def revoke_token(session: Session, *, actor, token):
    """Stop a token at once; revoking it again changes nothing."""
    if token.revoked_at is not None:
        return token
    token.revoked_at = utcnow()
    session.add(token)
    record_event(
        session,
        actor=actor,
        action="token.revoked",
        target=token,
        details={"user_id": token.user_id, "name": token.name},
    )
    session.commit()
    return token


# Built once (the profile page lists them on every visit).
USER_TOKENS = (
    select(ApiToken)
    .where(ApiToken.user_id == bindparam("user_id"))
    .order_by(col(ApiToken.created_at).desc(), col(ApiToken.id).desc())
)


def user_tokens(session, user_id):
    """The user's tokens, newest first (revoked and expired ones too)."""
    return session.exec(USER_TOKENS, params={"user_id": user_id}).all()


def user_token(session, *, user_id, token_id):
    token = session.get(ApiToken, token_id)
    return token if token is not None and token.user_id == user_id else None


def token_state(token, now=None):
    """'active', 'expired' or 'revoked'."""
    if token.revoked_at is not None:
        return "revoked"
    if not token.is_live(now or utcnow()):
        return "expired"
    return "active"


def authenticate(session: Session, raw, now=None):
    """(token, user) for a live token of an active user, or None; notes when it was used."""
    if not raw or not TOKEN_RE.match(raw):
        return None
    now = now or utcnow()
    row = session.exec(
        select(ApiToken, User)
        .join(User, col(User.id) == ApiToken.user_id)
        .where(ApiToken.token_hash == hash_token(raw))
    ).first()
    if row is None:
        return None
    token, user = row
    if not token.is_live(now) or not user.active:
        return None
    if token.last_used_at is None or now - token.last_used_at >= USE_RESOLUTION:
        _note_use(session, token, now)
    return token, user


# Built once: conditional, so that of two requests noting the same minute only one writes.
_NOTE_USE = (
    update(ApiToken)
    .where(
        col(ApiToken.id) == bindparam("token_id"),
        or_(col(ApiToken.last_used_at).is_(None), col(ApiToken.last_used_at) <= bindparam("due")),
    )
    .values(last_used_at=bindparam("now"))
    .execution_options(synchronize_session=False)
)


def _note_use(session, token, now):
    """Write when the token was used, in a transaction of its own; skipped (the next request
    tries again) when the database stays busy, and never mixed into a request's own changes.

    The read that found the token is ended first. On SQLite a reading request's transaction
    cannot become a writing one once another connection has written since it began: the UPDATE
    failed at once with "database is locked" (no busy wait), and a GET of the API answered 500
    now and then while others logged units (the load test's smoke run). A transaction that
    starts with the UPDATE waits for the write lock instead.
    """
    if session.new or session.dirty or session.deleted:
        return
    session.commit()  # ends the read; nothing of the request's is pending (checked above)
    try:
        written = session.exec(
            _NOTE_USE, params={"token_id": token.id, "now": now, "due": now - USE_RESOLUTION}
        ).rowcount
        session.commit()
    except OperationalError:
        session.rollback()
        return
    if written:
        set_committed_value(token, "last_used_at", now)
