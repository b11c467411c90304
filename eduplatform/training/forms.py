"""Forms of the training pages; the service checks the rules, these only carry the input."""

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import Optional

from eduplatform.forms import Form


class LogUnitForm(Form):
    performed_on = DateField(_l("Date you did it"), validators=[Optional()])
    hours = StringField(
        _l("Hours"),
        description=_l("For example 2 or 1.5"),
        render_kw={"inputmode": "decimal", "autocomplete": "off"},
    )
    note = TextAreaField(
        _l("What did you do?"),
        description=_l("One or two sentences, at most 1000 characters."),
        render_kw={"maxlength": 1000, "rows": 4},
    )
    photo = FileField(
        _l("Photo of your work (optional)"),
        description=_l(
            "JPEG, PNG or WebP, at most 15 MB. A big photo is made smaller on the phone before "
            "it is sent."
        ),
        render_kw={"accept": "image/jpeg,image/png,image/webp"},
    )
    # The entry's own key (made when the form is shown, or by the phone's offline queue):
    # sending the same entry twice makes one record.
    idempotency_key = HiddenField()
    # The account that made a queued entry, when the phone's offline queue sends it.
    owner = HiddenField()


class ReviewForm(Form):
    # The unit's assessment criteria by number; the template lists them with their texts.
    criteria = SelectMultipleField(_l("Assessment criteria"), coerce=int, validate_choice=False)
    feedback = TextAreaField(
        _l("Feedback for the student"),
        description=_l("Required when you reject."),
        render_kw={"maxlength": 1000, "rows": 3},
    )
    override_reason = TextAreaField(
        _l("Reason to approve anyway"),
        description=_l(
            "Needed only when you verify with a criterion not ticked, for example: shown to me "
            "in the workshop, the photo does not show it."
        ),
        render_kw={"maxlength": 500, "rows": 2},
    )


class BulkApproveForm(Form):
    criteria_checked = BooleanField(
        _l("Each of these records meets every assessment criterion of its unit.")
    )


class RevokeForm(Form):
    reason = TextAreaField(_l("Reason for revoking"), render_kw={"maxlength": 500, "rows": 3})


class ConsentForm(Form):
    guardian_name = StringField(_l("Parent or guardian's name"), render_kw={"maxlength": 200})
    relationship = StringField(
        _l("Relationship to the student"),
        description=_l("For example mother, father or guardian."),
        render_kw={"maxlength": 60},
    )
    confirmed = BooleanField(
        _l(
            "I have this parent's or guardian's signed consent to make the student's skills "
            "passport public."
        )
    )
