"""Web hardening: headers on every response, NUL characters refused, trusted proxies only; and
the app's Flask class, which does once per process what Flask would do on every request."""

import threading
import time

from flask import Flask, abort, request
from flask.sessions import SecureCookieSessionInterface
from itsdangerous import BadSignature

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data: blob:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


SECURITY_HEADERS_KEY = "eduplatform.security_headers"
FORM_TYPES = frozenset({"application/x-www-form-urlencoded", "multipart/form-data"})


def install_security_headers(app):
    """Send the security headers on every response (a view may set its own first)."""
    app.after_request(lambda response: security_headers(response, app))


def _default_headers(app):
    """(lower-case name, name, value) of every header sent by default: built once per app."""
    config = app.config
    headers = [
        ("Content-Security-Policy", CONTENT_SECURITY_POLICY),
        ("X-Content-Type-Options", "nosniff"),
        ("Referrer-Policy", "strict-origin-when-cross-origin"),
        ("X-Frame-Options", "DENY"),
        ("Permissions-Policy", "geolocation=(), microphone=()"),
    ]
    hsts = strict_transport_security(config)
    if hsts:
        headers.append(("Strict-Transport-Security", hsts))
    return _headers_key(config), tuple((name.lower(), name, value) for name, value in headers)


def _headers_key(config):
    return config["PREFERRED_URL_SCHEME"], config["HSTS_MAX_AGE"], config["HSTS_INCLUDE_SUBDOMAINS"]


def security_headers(response, app):
    """CSP without inline scripts, no sniffing, no framing, a strict referrer policy; HTML is
    not stored by caches."""
    key, defaults = app.extensions.get(SECURITY_HEADERS_KEY) or ((), ())
    if key != _headers_key(app.config):  # the settings changed (tests do)
        key, defaults = app.extensions[SECURITY_HEADERS_KEY] = _default_headers(app)
    headers = response.headers
    present = {name.lower() for name, _value in headers}
    for lower, name, value in defaults:
        if lower not in present:
            headers.add(name, value)
    if "cache-control" not in present and response.mimetype == "text/html":
        headers.add("Cache-Control", "no-store")
    return response


def strict_transport_security(config):
    """The HSTS header's value when the site is served over https (browsers then never try http)."""
    if config["PREFERRED_URL_SCHEME"] != "https":
        return None
    value = f"max-age={int(config['HSTS_MAX_AGE'])}"
    if config["HSTS_INCLUDE_SUBDOMAINS"]:
        value += "; includeSubDomains"
    return value


def _has_nul(value):
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_nul(v) for v in value)
    return False


def refuse_nul_characters():
    """400 for a NUL character in the URL, the query, form fields or a JSON body.

    No text the platform keeps may hold one (PostgreSQL cannot store it: the write would fail
    with a server error), so it only comes from a broken client or an attack. A form is only
    read when the body is one (the only bodies Werkzeug parses into `request.form`).
    """
    current = request._get_current_object()
    texts = [current.path, *current.args.keys(), *current.args.values()]
    if current.mimetype in FORM_TYPES:
        texts += [*current.form.keys(), *current.form.values()]
    if any("\x00" in (text or "") for text in texts):  # a nameless form part has key None
        abort(400)
    if current.is_json and _has_nul(current.get_json(silent=True)):
        abort(400)


def trust_proxies(app):
    """Take the client's address and scheme from the trusted reverse proxies' headers.

    Without this, every request behind a proxy comes from the proxy's address: one person
    guessing passwords would throttle everyone's sign-in, and the audit log would name the proxy.
    """
    hops = int(app.config.get("TRUSTED_PROXIES") or 0)
    if hops > 0:
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)


class SessionCookies(SecureCookieSessionInterface):
    """Flask's signed-cookie sessions, with the signing serializer made once per secret key
    rather than twice per request, and a cookie verified once per worker.

    A browser sends the same cookie on every request until its session changes: the signature
    check and decoding of that exact text are remembered (for a cookie holding only plain
    values), and its age is checked against the lifetime on every request. The cookie only
    names the server-side session: that row is still read on every request (auth.service).
    """

    VERIFIED_COOKIES = 4096  # per worker: more than its active users

    def _serializer(self, app):
        key = (app.secret_key, tuple(app.config["SECRET_KEY_FALLBACKS"] or ()))
        cached = app.extensions.get("eduplatform.session_serializer")
        if cached is None or cached[0] != key:
            serializer = super().get_signing_serializer(app)
            cached = (key, serializer, {}, threading.Lock())
            app.extensions["eduplatform.session_serializer"] = cached
        return cached

    def get_signing_serializer(self, app):
        return self._serializer(app)[1]

    def open_session(self, app, request):
        _key, serializer, verified, lock = self._serializer(app)
        if serializer is None:
            return None
        value = request.cookies.get(self.get_cookie_name(app))
        if not value:
            return self.session_class()
        max_age = int(app.permanent_session_lifetime.total_seconds())
        known = verified.get(value)
        if known is not None and 0 <= int(time.time()) - known[1] <= max_age:
            return self.session_class(known[0])  # a copy: the values are immutable
        try:
            data, signed_at = serializer.loads(value, max_age=max_age, return_timestamp=True)
        except BadSignature:
            return self.session_class()
        if isinstance(data, dict) and all(type(v) in _PLAIN for v in data.values()):
            with lock:
                if len(verified) >= self.VERIFIED_COOKIES:
                    verified.pop(next(iter(verified)))
                verified[value] = (dict(data), int(signed_at.timestamp()))
        return self.session_class(data)


_PLAIN = frozenset({str, int, float, bool, type(None)})


class App(Flask):
    """The eduplatform app's Flask."""

    session_interface = SessionCookies()

    def ensure_sync(self, func):
        """Flask asks, for every hook and view on every request, whether it is a coroutine
        function: the answer never changes, so it is worked out once per function."""
        cache = self.__dict__.setdefault("_sync_functions", {})
        try:
            return cache[func]
        except KeyError:
            cache[func] = wrapped = super().ensure_sync(func)
            return wrapped
        except TypeError:  # an unhashable callable
            return super().ensure_sync(func)
