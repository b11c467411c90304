"""Defaults; instance/config.py and EDUPLATFORM_* environment variables override them."""

import secrets
from pathlib import Path
from urllib.parse import urlsplit

LANGUAGES = {"id": "Bahasa Indonesia", "en": "English", "zh": "中文"}


class ConfigurationError(RuntimeError):
    """A setting the app cannot start without is missing or wrong (the message says which)."""


class MissingSecretKey(ConfigurationError):
    """Raised at start-up when production runs without EDUPLATFORM_SECRET_KEY."""


class BadBaseUrl(ConfigurationError):
    """Raised at start-up when EDUPLATFORM_BASE_URL is missing in production or malformed."""


# What links point at in development when EDUPLATFORM_BASE_URL is unset: `make run`'s address.
DEVELOPMENT_BASE_URL = "http://127.0.0.1:5000"


DEFAULTS = {
    "ENV": "development",
    "SECRET_KEY": None,
    "DATABASE_URL": None,  # filled with the SQLite file in instance/ when unset
    "DATABASE_ECHO": False,
    "RATELIMIT_STORAGE_URL": "memory://",
    # A moving window: a burst cannot straddle a fixed window's boundary to double its quota.
    "RATELIMIT_STRATEGY": "moving-window",
    "RATELIMIT_LOGIN_PER_ACCOUNT": "10 per 15 minutes",
    "RATELIMIT_LOGIN_PER_ADDRESS": "60 per 15 minutes",
    # "Forgot password" requests: per account (address typed) and per client address.
    "RATELIMIT_PASSWORD_RESET_PER_ACCOUNT": "3 per hour",
    "RATELIMIT_PASSWORD_RESET_PER_ADDRESS": "20 per hour",
    "INVITATION_VALID_DAYS": 7,  # a staff invitation's link
    "SUPERVISOR_LINK_VALID_DAYS": 45,  # an industry supervisor's link (placements)
    "PASSWORD_RESET_VALID_MINUTES": 60,  # a "forgot password" link
    "UPLOAD_DIR": None,  # instance/uploads when unset
    # The directory of the keys that sign credentials (RSA for VC-JWT, Ed25519 for Data
    # Integrity proofs); instance/signing_keys when unset. Shared by every host.
    "SIGNING_KEY_DIR": None,
    # The issuer's name in credentials (the platform's did:web Profile).
    "ISSUER_NAME": "eduplatform",
    "MAX_CONTENT_LENGTH": 16 * 1024 * 1024,  # a 15 MB photo and its form
    "BABEL_DEFAULT_LOCALE": "id",
    "BABEL_DEFAULT_TIMEZONE": "Asia/Jakarta",
    "LANGUAGES": list(LANGUAGES),
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "SESSION_COOKIE_NAME": "eduplatform_session",
    "PREFERRED_URL_SCHEME": "http",
    # The public address of the site (scheme, host, optional port and path): every absolute link
    # that leaves the app (credentials, QR codes, calendar feeds, emails) starts with it.
    # Required in production; there the app answers 400 to any other Host header.
    "BASE_URL": None,
    # More host names production accepts besides the base URL's (comma-separated), e.g. the
    # internal name a load balancer's health check uses. A leading dot admits subdomains.
    "EXTRA_TRUSTED_HOSTS": "",
    # Strict-Transport-Security max-age in seconds, sent when PREFERRED_URL_SCHEME is https.
    "HSTS_MAX_AGE": 365 * 24 * 3600,
    "HSTS_INCLUDE_SUBDOMAINS": False,
    "WTF_CSRF_TIME_LIMIT": None,  # the token lives as long as the session
    "PASSWORD_MIN_LENGTH": 10,
    # Signed-in sessions end after an absolute lifetime and after sitting idle; staff (every
    # role but student: they see other people's records) sooner.
    "SESSION_LIFETIME_HOURS": 30 * 24,
    "SESSION_IDLE_HOURS": 7 * 24,
    "STAFF_SESSION_LIFETIME_HOURS": 7 * 24,
    "STAFF_SESSION_IDLE_HOURS": 3 * 24,
    "SESSION_TOUCH_SECONDS": 300,  # how often a session's last-seen time is written, at most
    "LOG_FORMAT": "text",  # "json" in production: one JSON object per line with the request id
    "METRICS_TOKEN": None,  # lets a Prometheus scraper read /metrics without an admin session
    # Answer each request with a Server-Timing header (the time and the CPU time the app spent
    # on it), for load tests and a browser's developer tools; off in production by default, as
    # it tells every client how long the server worked.
    "SERVER_TIMING": False,
    # Reverse proxies in front of the app whose X-Forwarded-For/-Proto/-Host are believed: 0 when
    # clients connect directly (then those headers are ignored: anyone could forge them).
    "TRUSTED_PROXIES": 0,
    # Teachers are reminded (by `eduplatform notifications send-reminders`, run daily) of
    # submissions that have waited longer than this many days for review.
    "REVIEW_REMINDER_DAYS": 3,
    # Email (eduplatform/mail.py). Without MAIL_HOST, development writes messages to MAIL_DIR.
    "MAIL_HOST": None,
    "MAIL_PORT": 587,
    "MAIL_SECURITY": "starttls",  # starttls (port 587), ssl (port 465) or none
    "MAIL_USERNAME": None,
    "MAIL_PASSWORD": None,
    "MAIL_SENDER": "eduplatform <no-reply@localhost>",
    "MAIL_TIMEOUT": 10,  # seconds to wait for the mail server
    "MAIL_CA_FILE": None,  # a CA bundle for a mail server with a private certificate
    "MAIL_DIR": None,  # instance/mail when unset
}


def load(app, overrides=None):
    """Apply defaults, instance/config.py, EDUPLATFORM_* variables, then test overrides."""
    app.config.from_mapping(DEFAULTS)
    app.config.from_pyfile("config.py", silent=True)
    app.config.from_prefixed_env("EDUPLATFORM")
    if overrides:
        app.config.from_mapping(overrides)

    instance = Path(app.instance_path)
    if not app.config["DATABASE_URL"]:
        app.config["DATABASE_URL"] = f"sqlite:///{instance / 'eduplatform.sqlite3'}"
    if not app.config["UPLOAD_DIR"]:
        app.config["UPLOAD_DIR"] = str(instance / "uploads")
    app.config["RATELIMIT_STORAGE_URI"] = app.config["RATELIMIT_STORAGE_URL"]
    if app.config["PREFERRED_URL_SCHEME"] == "https":
        app.config["SESSION_COOKIE_SECURE"] = True
    if not app.config["SECRET_KEY"]:
        app.config["SECRET_KEY"] = _development_secret(app, instance)
    app.config["BASE_URL"] = _base_url(app)
    if app.config["ENV"] == "production" and app.config.get("TRUSTED_HOSTS") is None:
        app.config["TRUSTED_HOSTS"] = trusted_hosts(app.config)


def _base_url(app):
    configured = (app.config["BASE_URL"] or "").strip()
    if not configured:
        if app.config["ENV"] == "production":
            raise BadBaseUrl(
                "EDUPLATFORM_BASE_URL is not set. In production every link in credentials, QR "
                "codes, calendar feeds and emails is built from it, and only its host is "
                "served (for example: export EDUPLATFORM_BASE_URL=https://smk.example.go.id)."
            )
        return DEVELOPMENT_BASE_URL
    parts = urlsplit(configured)
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.query or parts.fragment:
        raise BadBaseUrl(
            f"EDUPLATFORM_BASE_URL={configured!r} is not a site address: give the scheme and "
            "host, optionally a port and a path, without a query (for example "
            "https://smk.example.go.id or https://example.go.id/eduplatform)."
        )
    return configured.rstrip("/")


def trusted_hosts(config):
    """The Host header values production serves: the base URL's host and the configured extras."""
    extras = config.get("EXTRA_TRUSTED_HOSTS") or []
    if isinstance(extras, str):
        extras = extras.split(",")
    hosts = [urlsplit(config["BASE_URL"]).hostname, *(h.strip() for h in extras)]
    return list(dict.fromkeys(h for h in hosts if h))


def _development_secret(app, instance):
    if app.config["ENV"] == "production":
        raise MissingSecretKey(
            "EDUPLATFORM_SECRET_KEY is not set. In production the secret key must come from "
            "the environment (for example: export EDUPLATFORM_SECRET_KEY=$(python3 -c "
            "'import secrets; print(secrets.token_hex(32))'))."
        )
    key_file = instance / "secret_key"
    if not key_file.exists():
        instance.mkdir(parents=True, exist_ok=True)
        key_file.write_text(secrets.token_hex(32))
        key_file.chmod(0o600)
    return key_file.read_text().strip()
