"""Language selection and the helpers templates use for it."""

from flask import current_app, has_request_context, request
from flask_babel import get_locale
from flask_login import current_user

from eduplatform.config import LANGUAGES
from eduplatform.navigation import nav_items


def select_locale():
    """?lang=, then the account's choice, then the cookie, then the browser, then Indonesian."""
    languages = current_app.config["LANGUAGES"]
    if not has_request_context():
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    asked = request.args.get("lang")
    if asked in languages:
        return asked
    if current_user and current_user.is_authenticated and current_user.locale in languages:
        return current_user.locale
    cookie = request.cookies.get("lang")
    if cookie in languages:
        return cookie
    return (
        request.accept_languages.best_match(languages) or current_app.config["BABEL_DEFAULT_LOCALE"]
    )


def current_language():
    return str(get_locale() or current_app.config["BABEL_DEFAULT_LOCALE"])


def role_label(role):
    from eduplatform.people.forms import ROLE_LABELS

    return ROLE_LABELS.get(role, role)


def org_kind_label(kind):
    from eduplatform.people.forms import ORG_KIND_LABELS

    return ORG_KIND_LABELS.get(kind, kind)


def template_globals():
    return {
        "LANGUAGES": LANGUAGES,
        "current_language": current_language(),
        "nav_items": nav_items,
        "role_label": role_label,
        "org_kind_label": org_kind_label,
        "has_endpoint": lambda endpoint: endpoint in current_app.view_functions,
    }
