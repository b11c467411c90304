"""Password policy: long enough, not one of the passwords everybody tries first."""

from functools import cache
from importlib.resources import files

from flask import current_app
from flask_babel import lazy_gettext as _l


@cache
def _common_passwords():
    text = files("eduplatform.auth").joinpath("common_passwords.txt").read_text("utf-8")
    return frozenset(line.strip().casefold() for line in text.splitlines() if line.strip())


def password_problem(password, *, min_length=None):
    """The reason a password is refused, or None when it is acceptable."""
    min_length = min_length or current_app.config["PASSWORD_MIN_LENGTH"]
    if len(password) < min_length:
        return _l("Use at least %(n)d characters.", n=min_length)
    if len(password) > 256:
        return _l("Use at most 256 characters.")
    if password.casefold() in _common_passwords():
        return _l("This password is among the most commonly used; choose another.")
    return None
