"""Checks shared by the exchange's rules: collected field errors, text, dates, amounts and
hours, and numbers as people type them."""

import re
from datetime import date
from decimal import Decimal, InvalidOperation

from babel.numbers import NumberFormatError, parse_decimal
from flask_babel import format_date
from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString

from eduplatform.clock import local_today
from eduplatform.errors import Invalid

MAX_AMOUNT = Decimal("9999999999.99")
# The programmes recorded here (the sister-school exchange, placements) are of this century: a
# date before 2000 is a slip of the keyboard (1900 for 2000, a lost digit), never a record.
EARLIEST_DATE = date(2000, 1, 1)


class Errors(list):
    """Problems collected while checking input, each naming its field."""

    def add(self, field, message):
        self.append({"field": field, "message": message})

    def raise_any(self):
        if self:
            raise Invalid(list(self))


def clean_text(value):
    return (value or "").strip()


def years_after(day, years):
    """The same day `years` later (or earlier, when negative); 29 February becomes the 28th."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def check_date_range(errors, field, value, *, latest, earliest=EARLIEST_DATE):
    """Refuse a date outside [earliest, latest]; a latest of today says "in the future"."""
    if value < earliest:
        errors.add(
            field,
            _l(
                "The date cannot be before %(date)s.",
                date=LazyString(format_date, earliest, "long"),
            ),
        )
    elif value > latest:
        if latest == local_today():
            errors.add(field, _l("The date cannot be in the future."))
        else:
            errors.add(
                field,
                _l(
                    "The date cannot be after %(date)s.",
                    date=LazyString(format_date, latest, "long"),
                ),
            )


def check_length(errors, field, value, limit, required=False, missing=None):
    """At most `limit` characters; when `required`, something (`missing` says what to write)."""
    if required and not value:
        errors.add(field, missing or _l("This field is required."))
    elif len(value) > limit:
        errors.add(field, _l("Use at most %(count)d characters.", count=limit))


def to_decimal(value):
    """A Decimal from a form, CLI or JSON value; floats are refused by going through str."""
    if value is None or value == "":
        return None
    if isinstance(value, float):
        raise InvalidOperation("floats are not accepted for money or hours")
    number = Decimal(str(value).strip())
    if not number.is_finite():
        raise InvalidOperation("not a finite number")
    return number


# What may stand before or after an amount: "Rp 1.500.000,-", "IDR 250000", "¥ 1,200", "800 元".
CURRENCY_AFFIX = re.compile(
    r"^(?:rp\.?|idr|cny|rmb|usd|us\$|\$|¥|￥)|(?:,-|\.-|rp|idr|cny|rmb|usd|元)$", re.IGNORECASE
)
PLAIN_NUMBER = re.compile(r"^[0-9]+(?:\.[0-9]+)?$")


def read_number(text, locale):
    """A Decimal from a number as a person types it, or ValueError.

    Read in the page's language first ("1.500.000,50" in Indonesian, "1,500,000.50" in English
    and Chinese), then as Indonesians write numbers, then as machines do ("1500000.50"); a
    currency sign or code before or after it and spaces between digit groups are ignored.
    """
    raw = (text or "").strip().replace("\u00a0", " ").replace("\u202f", " ")
    while True:
        stripped = CURRENCY_AFFIX.sub("", raw).strip()
        if stripped == raw:
            break
        raw = stripped
    raw = raw.replace(" ", "")
    if not raw or raw.startswith(("+", "-")) and not raw[1:]:
        raise ValueError("no number")
    for number_locale in dict.fromkeys((str(locale or "id"), "id")):
        try:
            return parse_decimal(raw, locale=number_locale, strict=True)
        except (NumberFormatError, ValueError):
            continue
    if PLAIN_NUMBER.match(raw.lstrip("-")):
        return Decimal(raw)
    raise ValueError(f"not a number: {text!r}")


def check_amount(errors, field, raw):
    try:
        amount = to_decimal(raw)
    except (InvalidOperation, ValueError):
        errors.add(field, _l("Enter an amount such as 1.500.000 or 1.500.000,50."))
        return Decimal("0.00")
    if amount is None:
        return Decimal("0.00")
    if not amount.is_finite():
        return Decimal("0.00")
    if amount < 0:
        errors.add(field, _l("An amount cannot be negative."))
        return Decimal("0.00")  # (a huge one cannot even be rounded to cents)
    if amount > MAX_AMOUNT:
        errors.add(field, _l("The amount is too large."))
        return Decimal("0.00")
    if amount != amount.quantize(Decimal("0.01")):
        errors.add(field, _l("Use at most two decimal places."))
    return amount.quantize(Decimal("0.01")) if amount.is_finite() else Decimal("0.00")


def check_hours(errors, field, raw, *, limit, required=False, too_many=None):
    """Hours as a Decimal with one decimal place, between 0 and `limit` (`too_many` says why
    not more); None when missing."""
    try:
        hours = to_decimal(raw)
    except (InvalidOperation, ValueError):
        errors.add(field, _l("Enter a number of hours, such as 6 or 7.5."))
        return None
    if hours is None:
        if required:
            errors.add(field, _l("Enter the number of hours."))
        return None
    if hours < 0:
        errors.add(field, _l("Hours cannot be negative."))
    elif hours > limit:
        errors.add(field, too_many or _l("At most %(hours)s hours fit this activity.", hours=limit))
    elif hours != hours.quantize(Decimal("0.1")):
        errors.add(field, _l("Use at most one decimal place."))
    return hours
