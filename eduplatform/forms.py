"""The form base class every form uses, and glue between service refusals and WTForms."""

from flask_babel import get_translations
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext as _ln
from flask_wtf import FlaskForm
from wtforms import SelectChoice


class _CatalogTranslations:
    """WTForms' own messages from our catalogues (WTForms ships no Indonesian)."""

    def gettext(self, string):
        return get_translations().ugettext(string)

    def ngettext(self, singular, plural, n):
        return get_translations().ungettext(singular, plural, n)


_TRANSLATIONS = _CatalogTranslations()


class Form(FlaskForm):
    """FlaskForm with CSRF, whose built-in validation messages follow the user's language."""

    class Meta(FlaskForm.Meta):
        def get_translations(self, form):
            return _TRANSLATIONS


def choices(pairs, blank=None):
    """SelectField/RadioField choices from (value, label) pairs, with an optional blank first."""
    options = [SelectChoice(str(value), label) for value, label in pairs]
    return [SelectChoice("", blank), *options] if blank is not None else options


def apply_errors(form, refused):
    """Show each of the service's field errors next to its field (or at the form's top)."""
    for error in refused.errors:
        field = getattr(form, error.get("field") or "", None)
        if field is not None and hasattr(field, "errors"):
            if isinstance(field.errors, tuple):
                field.errors = list(field.errors)
            field.errors.append(error["message"])
        else:
            form.form_errors.append(error["message"])


# WTForms' built-in messages, listed so that extraction puts them in our catalogues.
WTFORMS_MESSAGES = (
    _l("This field is required."),
    _l("Invalid input."),
    _l("Invalid email address."),
    _l("Invalid URL."),
    _l("Not a valid choice."),
    _l("Invalid Choice: could not coerce."),
    _l("Invalid choice(s): one or more data inputs could not be coerced."),
    _l("Not a valid datetime value."),
    _l("Not a valid date value."),
    _l("Not a valid time value."),
    _l("Not a valid integer value."),
    _l("Not a valid decimal value."),
    _l("Not a valid float value."),
    _l("Field must be equal to %(other_name)s."),
    _l("Field must be between %(min)d and %(max)d characters long."),
    _l("Number must be at least %(min)s."),
    _l("Number must be at most %(max)s."),
    _l("Number must be between %(min)s and %(max)s."),
    _l("Date must be at least %(min)s."),
    _l("Date must be at most %(max)s."),
    _l("Date must be between %(min)s and %(max)s."),
    _l("Invalid value, must be one of: %(values)s."),
    _ln(
        "Field must be at least %(min)d character long.",
        "Field must be at least %(min)d characters long.",
        1,
    ),
    _ln(
        "Field cannot be longer than %(max)d character.",
        "Field cannot be longer than %(max)d characters.",
        1,
    ),
    _ln(
        "Field must be exactly %(max)d character long.",
        "Field must be exactly %(max)d characters long.",
        1,
    ),
)
