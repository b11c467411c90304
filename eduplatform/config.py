"""Defaults; instance/config.py and EDUPLATFORM_* environment variables override them."""

import secrets
from pathlib import Path

LANGUAGES = {"id": "Bahasa Indonesia", "en": "English", "zh": "中文"}


class MissingSecretKey(RuntimeError):
    """Raised at start-up when production runs without EDUPLATFORM_SECRET_KEY."""


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
    "UPLOAD_DIR": None,  # instance/uploads when unset
    "SIGNING_KEY_FILE": None,  # Ed25519 key for credentials; instance/signing_key.pem when unset
    "MAX_CONTENT_LENGTH": 16 * 1024 * 1024,  # a 15 MB photo and its form
    "BABEL_DEFAULT_LOCALE": "id",
    "BABEL_DEFAULT_TIMEZONE": "Asia/Jakarta",
    "LANGUAGES": list(LANGUAGES),
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "SESSION_COOKIE_NAME": "eduplatform_session",
    "PREFERRED_URL_SCHEME": "http",
    "WTF_CSRF_TIME_LIMIT": None,  # the token lives as long as the session
    "PASSWORD_MIN_LENGTH": 10,
    "LOG_FORMAT": "text",  # "json" in production: one JSON object per line with the request id
    "METRICS_TOKEN": None,  # lets a Prometheus scraper read /metrics without an admin session
    # Reverse proxies in front of the app whose X-Forwarded-For/-Proto/-Host are believed: 0 when
    # clients connect directly (then those headers are ignored: anyone could forge them).
    "TRUSTED_PROXIES": 0,
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
