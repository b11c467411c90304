"""Language selection and the helpers templates use for it."""

import re
import unicodedata
from datetime import date, datetime
from functools import lru_cache

import flask_babel
from babel import Locale
from babel import dates as babel_dates
from babel import numbers as babel_numbers
from flask import current_app, g, has_request_context, request
from flask_babel import get_locale, get_translations
from flask_babel import gettext as _
from flask_babel.speaklater import LazyString
from flask_login import current_user
from jinja2 import pass_context
from markupsafe import Markup, escape

from eduplatform.config import LANGUAGES
from eduplatform.navigation import header_nav, language_switch, nav_items, static_url


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
    # A page for someone without an account (an industry supervisor's link) in their language.
    if g.get("page_locale") in languages:
        return g.page_locale
    if current_user and current_user.is_authenticated and current_user.locale in languages:
        return current_user.locale
    cookie = request.cookies.get("lang")
    if cookie in languages:
        return cookie
    return (
        request.accept_languages.best_match(languages) or current_app.config["BABEL_DEFAULT_LOCALE"]
    )


def asked_language():
    """{"lang": code} when the address asks for a language (?lang=) this platform has, else {}:
    for a redirect or a form that should keep the page in the language its link asked for."""
    asked = request.args.get("lang") if has_request_context() else None
    return {"lang": asked} if asked in current_app.config["LANGUAGES"] else {}


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


# privacy.service stores this name for an anonymised student (a fixed marker, in no one's
# language); every page shows it in the reader's language.
ANONYMISED_NAME = re.compile(r"Anonymised student #(\d+)")


def person_name(name):
    """A person's name as shown: an anonymised student's marker in the page's language."""
    found = ANONYMISED_NAME.fullmatch(name) if isinstance(name, str) else None
    return _("Anonymised student %(number)s", number=found.group(1)) if found else name


def finalize(value):
    """Every {{ value }} of a template passes here: names of anonymised students translate."""
    if isinstance(value, str) and value.startswith("Anonymised student #"):
        return person_name(value)
    return value


def format_skeleton(value, skeleton):
    """A date or time in the page's language from a CLDR skeleton ("yMMM": Dec 2026,
    Des 2026, 2026年12月), in the app's time zone for datetimes: the order and words each
    language uses, where a fixed pattern such as "d MMM y" reads "5 12月 2026" in Chinese."""
    from babel.dates import format_skeleton as babel_skeleton
    from flask_babel import to_user_timezone

    if isinstance(value, datetime):
        value = to_user_timezone(value)
    return babel_skeleton(skeleton, value, locale=get_locale())


def org_name(organization, locale=None):
    """An organization's name in the page's language where it has one, else its official name."""
    if organization is None:
        return ""
    names = organization.name_translations or {}
    return names.get(locale or current_language()) or organization.name


def role_label(role):
    from eduplatform.people.forms import ROLE_LABELS

    return ROLE_LABELS.get(role, role)


def org_kind_label(kind):
    from eduplatform.people.forms import ORG_KIND_LABELS

    return ORG_KIND_LABELS.get(kind, kind)


def _page_translations(context):
    """The catalogue a page renders with: looked up once per render (a page has a hundred
    strings, and each look-up through Flask-Babel walks its context and names the locale)."""
    translations = context.get("babel_translations")
    return translations if translations is not None else get_translations()


def _formatted(context, translated, variables):
    """Jinja's newstyle gettext formatting (the %-arguments escaped), with one step of ours:
    an anonymised student's marker given as an argument ("Select %(name)s") reads in the
    page's language, as `finalize` does for a name printed on its own."""
    for name, value in variables.items():
        if type(value) is str and value.startswith("Anonymised student #"):
            variables[name] = person_name(value)
    if context.eval_ctx.autoescape:
        translated = Markup(translated)
    return translated % variables


# Each is what jinja2.ext's newstyle wrapper would make of a plain gettext callable, in one call
# instead of two: a page asks for a hundred strings.
@pass_context
def _template_gettext(__context, __string, **variables):
    translated = _page_translations(__context).ugettext(__string)
    return _formatted(__context, translated, variables)


@pass_context
def _template_ngettext(__context, __singular, __plural, __num, **variables):
    variables.setdefault("num", __num)
    translated = _page_translations(__context).ungettext(__singular, __plural, __num)
    return _formatted(__context, translated, variables)


@pass_context
def _template_pgettext(__context, __string_ctx, __string, **variables):
    variables.setdefault("context", __string_ctx)
    translated = _page_translations(__context).upgettext(__string_ctx, __string)
    return _formatted(__context, translated, variables)


@pass_context
def _template_npgettext(__context, __string_ctx, __singular, __plural, __num, **variables):
    variables.setdefault("context", __string_ctx)
    variables.setdefault("num", __num)
    translated = _page_translations(__context).unpgettext(__string_ctx, __singular, __plural, __num)
    return _formatted(__context, translated, variables)


def install_template_gettext(app):
    """Jinja's _(), ngettext() ... reading the page's catalogue, with newstyle formatting: Jinja
    still escapes the %-arguments of every translated string. The extension is told newstyle
    (its {% trans %} blocks pass their variables), then given these already-newstyle callables
    in place of the wrappers it makes. `_` is gettext itself: Jinja's alias would look gettext
    up and call it through the context again on each of a page's hundred strings."""
    env = app.jinja_env
    env.install_gettext_callables(
        gettext=_template_gettext,
        ngettext=_template_ngettext,
        pgettext=_template_pgettext,
        npgettext=_template_npgettext,
        newstyle=True,
    )
    env.globals.update(
        _=_template_gettext,
        gettext=_template_gettext,
        ngettext=_template_ngettext,
        pgettext=_template_pgettext,
        npgettext=_template_npgettext,
        asked_language=asked_language,
    )


@lru_cache(maxsize=4096)
def _date_in(value, format, locale):
    return babel_dates.format_date(value, format, locale=locale)


@lru_cache(maxsize=4096, typed=True)
def _decimal_in(number, format, locale):
    return babel_numbers.format_decimal(number, format=format, locale=locale)


def _cached_dateformat(value=None, format=None, rebase=True):
    """Flask-Babel's `dateformat` filter, each (date, format, language) worked out once per
    process: a list of fifty records asked Babel fifty times for a handful of dates. A datetime
    goes through Flask-Babel itself (it is moved to the reader's time zone first)."""
    if type(value) is not date:
        return flask_babel.format_date(value, format, rebase)
    pattern = flask_babel._get_format("date", format)
    return _date_in(value, pattern, str(get_locale()))


def local_date(value):
    """The day a moment fell on in the reader's time zone, as `dateformat` writes it (each
    day worked out once per process): a list shows when fifty records were sent."""
    if value is None:
        return ""
    return _cached_dateformat(flask_babel.to_user_timezone(value).date(), "medium")


def _cached_decimalformat(number, format=None):
    """Flask-Babel's `decimalformat` filter, each (number, format, language) worked out once
    per process (the hours of a list's records are a few values)."""
    try:
        return _decimal_in(number, format, str(get_locale()))
    except TypeError:  # an unhashable number type: as Flask-Babel does it
        return flask_babel.format_decimal(number, format)


@lru_cache(maxsize=64)
def _spaced_currency_pattern(currency, locale):
    """The language's currency pattern with CLDR's currency spacing, which Babel leaves out:
    a sign whose side next to the digits is a letter stands a no-break space apart from them
    ("IDR 1,500,000", "Rp 1.500.000"); a symbol such as "¥" touches them ("¥8,200.00")."""
    pattern = Locale.parse(locale).currency_formats["standard"].pattern
    sign = babel_numbers.get_currency_symbol(currency, locale)

    def stands_apart(char):
        return unicodedata.category(char)[0] not in "SZ"

    if stands_apart(sign[-1]):
        pattern = re.sub("¤(?=[#0])", "¤\u00a0", pattern)
    if stands_apart(sign[0]):
        pattern = re.sub("(?<=[#0])¤", "\u00a0¤", pattern)
    return pattern


def format_money(amount, currency):
    """An amount in the page's language with the currency's own decimals (none for IDR); an
    amount with more, such as sen, gets the language's decimals rather than being rounded
    away: Rp 1.500.000, Rp 0,50, ¥8,200.00."""
    locale = str(get_locale())
    digits = babel_numbers.get_currency_precision(currency)
    return babel_numbers.format_currency(
        amount,
        currency,
        format=_spaced_currency_pattern(currency, locale),
        locale=locale,
        currency_digits=amount == round(amount, digits),
        decimal_quantization=False,
    )


def moment_format(value):
    """A moment as pages show it beside dates: the date as `dateformat("medium")` writes it
    and the time without seconds, in the app's time zone, joined as the language joins them,
    then the zone ("6 Des 2026 23.51 WIB (UTC+7)", "Dec 6, 2026, 11:51 PM WIB (UTC+7)",
    "2026年12月6日 23:51 WIB (UTC+7)"): a lecturer in China reads the city's time, not his
    own an hour off, as beside the dashboard's and the exchange's times."""
    from eduplatform.exchange.times import zone_label

    if value is None:
        return ""
    locale = get_locale()
    joined = str(locale.datetime_formats["medium"])
    day = flask_babel.format_date(value, "medium")
    time = flask_babel.format_time(value, "short")
    zone = zone_label(flask_babel.get_timezone(), flask_babel.to_user_timezone(value))
    return f"{joined.replace('{1}', day).replace('{0}', time)} {zone}"


def install_cached_formats(app):
    app.jinja_env.filters["dateformat"] = _cached_dateformat
    app.jinja_env.filters["momentformat"] = moment_format
    app.jinja_env.filters["localdate"] = local_date
    app.jinja_env.filters["decimalformat"] = _cached_decimalformat


def template_globals():
    return {
        "babel_translations": get_translations(),
        "LANGUAGES": LANGUAGES,
        "current_language": current_language(),
        "nav_items": nav_items,
        "header_nav": header_nav,
        "language_switch": language_switch,
        "static_url": static_url,
        "role_label": role_label,
        "org_kind_label": org_kind_label,
        "has_endpoint": lambda endpoint: endpoint in current_app.view_functions,
        "tr": translated,
        "org_name": org_name,
        "format_skeleton": format_skeleton,
    }
