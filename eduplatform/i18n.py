"""Language selection and the helpers templates use for it."""

from flask import current_app, has_request_context, request
from flask_babel import get_locale
from flask_babel.speaklater import LazyString
from flask_login import current_user
from markupsafe import escape

from eduplatform.config import LANGUAGES
from eduplatform.navigation import nav_items


def _escaped_html(lazy):
    return escape(str(lazy))


# Flask-Babel's lazy strings declare themselves safe HTML, so a message such as
# _l("Column %(name)s is unknown", name=<what a file said>) would reach the page unescaped.
# Our messages never contain markup: render every lazy string escaped, like any other text.
LazyString.__html__ = _escaped_html


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


FALLBACK_CHAIN = ("id", "en")


class Translation(str):
    """A text in one language; `fallback` is true when it is not in the language asked for."""

    def __new__(cls, text, lang, fallback):
        translation = super().__new__(cls, text)
        translation.text, translation.lang, translation.fallback = text, lang, fallback
        return translation


def translated(text, locale=None):
    """The text in `locale` (default: the UI language), else Indonesian, else English.

    A text in none of those falls back to any language it has, so nothing is hidden.
    """
    text = text or {}
    locale = locale or current_language()
    if text.get(locale):
        return Translation(text[locale], locale, False)
    others = [lang for lang in (*FALLBACK_CHAIN, *sorted(text)) if lang != locale]
    for lang in others:
        if text.get(lang):
            return Translation(text[lang], lang, True)
    return Translation("", None, True)


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
        "tr": translated,
    }
