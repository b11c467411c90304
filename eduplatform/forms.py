"""The form base class every form uses, and glue between service refusals and WTForms."""

from flask_babel import get_translations
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext as _ln
from flask_wtf import FlaskForm
from markupsafe import Markup
from wtforms import BooleanField, FileField, SelectChoice
from wtforms.fields.choices import SelectFieldBase
from wtforms.validators import DataRequired, InputRequired


class _CatalogTranslations:
    """WTForms' own messages from our catalogues (WTForms ships no Indonesian)."""

    def gettext(self, string):
        return get_translations().ugettext(string)

    def ngettext(self, singular, plural, n):
        return get_translations().ungettext(singular, plural, n)


_TRANSLATIONS = _CatalogTranslations()


class Form(FlaskForm):
    """FlaskForm with CSRF; built-in messages follow the user's language and name the field."""

    class Meta(FlaskForm.Meta):
        def get_translations(self, form):
            return _TRANSLATIONS

    def validate(self, extra_validators=None):
        valid = super().validate(extra_validators)
        # WTForms' required message cannot name its field; a page can show several at once.
        for field in self:
            _name_the_field_left_empty(field)
        return valid


def _name_the_field_left_empty(field):
    """Replace WTForms' generic required message on `field` by one that names it."""
    if not any(
        isinstance(v, DataRequired | InputRequired) and v.message is None for v in field.validators
    ):
        return  # a validator's own message= stays as written
    generic = field.gettext("This field is required.")
    if generic not in field.errors:
        return
    typed = any(str(raw).strip() for raw in (field.raw_data or ()))
    if typed and field.process_errors:
        # Something was typed that is not a value of the field ("2026-02-30" for a date): the
        # required check cleared that reason and said "fill it in"; say the reason instead.
        field.errors = [e for e in field.errors if e != generic] + list(field.process_errors)
    elif message := _required_message(field):
        field.errors = [message if error == generic else error for error in field.errors]


def _required_message(field):
    """'Fill in “Label”.' in the page's language, worded for the field's type; None unlabelled."""
    if getattr(field.widget, "input_type", None) == "hidden":
        return None
    text = field.label.text
    text = Markup(text).striptags() if hasattr(text, "__html__") else str(text)
    label = text.strip().rstrip(":：*").strip()
    if not label:
        return None
    if isinstance(field, BooleanField):
        return _("Tick “%(label)s”.", label=label)
    if isinstance(field, SelectFieldBase | FileField):
        return _("Choose “%(label)s”.", label=label)
    return _("Fill in “%(label)s”.", label=label)


def choices(pairs, blank=None):
    """SelectField/RadioField choices from (value, label) pairs, with an optional blank first."""
    options = [SelectChoice(str(value), label) for value, label in pairs]
    return [SelectChoice("", blank), *options] if blank is not None else options


class ConfirmForm(Form):
    """The confirmation step of a destructive action: its CSRF token, nothing to fill in."""


def refused_by_form(form):
    """A submission WTForms refused (CSRF aside): the service's own checks are wanted as well.

    Without them a page shows the form's errors (an amount that is no number) and keeps the
    service's (no place given) for the next submit: the person fixes one field at a time.
    """
    return form.is_submitted() and "csrf_token" not in form.errors


def apply_errors(form, refused):
    """Show each of the service's field errors next to its field (or at the form's top).

    A field WTForms already faulted keeps its own message: its value did not reach the service
    (an unreadable date arrives empty), so the service's word on it would be beside the point.
    """
    faulted = {field.name for field in form if field.errors}
    for error in refused.errors:
        field = getattr(form, error.get("field") or "", None)
        if getattr(field, "name", None) in faulted:
            continue
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
        "'%(value)s' is not a valid choice for this field.",
        "'%(value)s' are not valid choices for this field.",
        1,
    ),
    _ln(
        "Field must be exactly %(max)d character long.",
        "Field must be exactly %(max)d characters long.",
        1,
    ),
)


# Fields rendered without errors, per process: (form, fields, language, values) at most.
KEPT_FIELDS = 256


def kept_fields(form, *names, attributes=None):
    """The named fields as _macros.html's field() renders them, one after the other.

    On a GET, where none of them shows an error, what they render depends only on the form's
    class and prefix, the page's language and each field's value, which make the key: rendered
    once per process (a profile page renders eight fields through WTForms' widgets otherwise).
    After a POST they are rendered every time (nothing a person typed is kept). The CSRF token
    is not a field rendered here. `attributes`: {field name: {attribute: value}} added to a
    field's input (part of the key too).
    """
    from flask import current_app, request
    from markupsafe import Markup

    from eduplatform.dashboard.cache import RenderCache
    from eduplatform.i18n import current_language

    fields = [form[name] for name in names]
    attributes = attributes or {}
    macro = current_app.jinja_env.get_template("_macros.html").module.field

    def render():
        return Markup("\n").join(
            macro(field, **attributes.get(name, {}))
            for name, field in zip(names, fields, strict=True)
        )

    if request.method != "GET" or any(field.errors for field in fields):
        return render()
    key = (
        type(form),
        form._prefix,
        names,
        current_language(),
        tuple((field.type, repr(field.data), repr(field.raw_data)) for field in fields),
        tuple((name, tuple(sorted(attributes[name].items()))) for name in sorted(attributes)),
    )
    cache = current_app.extensions.setdefault("forms.kept_fields", RenderCache(KEPT_FIELDS))
    html = cache.get(key)
    if html is None:
        html = render()
        cache.put(key, html)
    return html
