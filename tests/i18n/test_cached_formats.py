"""The `dateformat` and `decimalformat` filters keep what they worked out per process (a list
of records asks for the same few dates and hours many times): the same words as Flask-Babel's
own filters, in the reader's language, never another language's."""

from datetime import UTC, date, datetime
from decimal import Decimal

import flask_babel
import pytest

from eduplatform import i18n

FORMATS = (None, "short", "medium", "long", "full", "d MMM y")
NUMBERS = (2, 2.5, Decimal("1.25"), 1234.5, Decimal("0"), 24)


@pytest.mark.parametrize("lang", ["id", "en", "zh"])
def test_the_kept_filters_say_what_flask_babel_says(app, lang):
    dateformat = app.jinja_env.filters["dateformat"]
    decimalformat = app.jinja_env.filters["decimalformat"]
    day = date(2026, 12, 5)
    kept_before = i18n._date_in.cache_info().hits + i18n._decimal_in.cache_info().hits
    with app.test_request_context(f"/?lang={lang}"):
        for _round in range(2):  # the second round answers from what was kept
            for format in FORMATS:
                assert dateformat(day, format) == flask_babel.format_date(day, format)
            for number in NUMBERS:
                assert decimalformat(number) == flask_babel.format_decimal(number)
            # A datetime is the reader's time zone's day: Flask-Babel's own path.
            late = datetime(2026, 12, 5, 23, 30, tzinfo=UTC)
            assert dateformat(late, "long") == flask_babel.format_date(late, "long")
    kept = i18n._date_in.cache_info().hits + i18n._decimal_in.cache_info().hits - kept_before
    assert kept >= len(FORMATS) + len(NUMBERS)  # the pages' filters are the kept ones


def test_each_language_gets_its_own_words(app):
    dateformat = app.jinja_env.filters["dateformat"]
    decimalformat = app.jinja_env.filters["decimalformat"]
    day = date(2026, 12, 5)
    shown = {}
    for lang in ("id", "en", "zh", "en", "id"):
        with app.test_request_context(f"/?lang={lang}"):
            shown.setdefault(lang, set()).add((dateformat(day, "long"), decimalformat(2.5)))
    assert shown["id"] == {("5 Desember 2026", "2,5")}
    assert shown["en"] == {("December 5, 2026", "2.5")}
    assert shown["zh"] == {("2026年12月5日", "2.5")}
