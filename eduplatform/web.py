"""Web hardening: headers on every response, NUL characters refused, trusted proxies only."""

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


def security_headers(response):
    """CSP without inline scripts, no sniffing, no framing, a strict referrer policy."""
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Permissions-Policy", "geolocation=(), microphone=()")
    if response.mimetype == "text/html":
        headers.setdefault("Cache-Control", "no-store")
    return response


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
    with a server error), so it only comes from a broken client or an attack.
    """
    from flask import abort, request

    texts = [request.path, *request.args.keys(), *request.args.values()]
    texts += [*request.form.keys(), *request.form.values()]
    if any("\x00" in (text or "") for text in texts):  # a nameless form part has key None
        abort(400)
    if request.is_json and _has_nul(request.get_json(silent=True)):
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
