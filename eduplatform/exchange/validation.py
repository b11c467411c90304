"""Checks shared by the exchange's rules: collected field errors, text, amounts and hours."""

from decimal import Decimal, InvalidOperation

from flask_babel import lazy_gettext as _l

from eduplatform.errors import Invalid

MAX_AMOUNT = Decimal("9999999999.99")


class Errors(list):
    """Problems collected while checking input, each naming its field."""

    def add(self, field, message):
        self.append({"field": field, "message": message})

    def raise_any(self):
        if self:
            raise Invalid(list(self))


def clean_text(value):
    return (value or "").strip()


def check_length(errors, field, value, limit, required=False):
    if required and not value:
        errors.add(field, _l("This field is required."))
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


def check_amount(errors, field, raw):
    try:
        amount = to_decimal(raw)
    except (InvalidOperation, ValueError):
        errors.add(field, _l("Enter an amount such as 1500000 or 1250.50."))
        return Decimal("0.00")
    if amount is None:
        return Decimal("0.00")
    if amount < 0:
        errors.add(field, _l("An amount cannot be negative."))
    elif amount > MAX_AMOUNT:
        errors.add(field, _l("The amount is too large."))
    elif amount != amount.quantize(Decimal("0.01")):
        errors.add(field, _l("Use at most two decimal places."))
    return amount.quantize(Decimal("0.01")) if amount.is_finite() else Decimal("0.00")


def check_hours(errors, field, raw, *, limit, required=False):
    """Hours as a Decimal with one decimal place, between 0 and `limit`; None when missing."""
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
        errors.add(field, _l("At most %(hours)s hours fit this activity.", hours=limit))
    elif hours != hours.quantize(Decimal("0.1")):
        errors.add(field, _l("Use at most one decimal place."))
    return hours
