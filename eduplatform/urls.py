"""Absolute links that leave the app, built from the configured public base URL only.

Credentials, QR codes, calendar feeds and emails outlive the request that made them and are read
elsewhere, so they never take the host from the request (a forged `Host` header would end up in a
signed credential). `EDUPLATFORM_BASE_URL` is the one address people and machines reach the site
by; it is required in production (see config.py).
"""

from urllib.parse import urlsplit

from flask import current_app


def base_url(app=None):
    """The configured public base URL, without a trailing slash (e.g. https://smk.example.id)."""
    return (app or current_app).config["BASE_URL"].rstrip("/")


def public_host(app=None):
    """The host name (and port, if any) of the public base URL."""
    return urlsplit(base_url(app)).netloc


def public_url(endpoint, **values):
    """The absolute public URL of `endpoint` (a full endpoint name), like url_for(_external=True).

    Works with or without a request (commands and background work build the same links).
    """
    base = urlsplit(base_url())
    adapter = current_app.url_map.bind(
        base.netloc, script_name=base.path or "/", url_scheme=base.scheme
    )
    return adapter.build(endpoint, values, force_external=True)
