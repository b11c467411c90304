"""Forms and display labels of the exchange pages."""

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    DateField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, Optional

from eduplatform.forms import Form, choices

PARTNERSHIP_KIND_LABELS = {
    "sister_school": _l("Sister school"),
    "industry": _l("Industry partner"),
    "university": _l("University partner"),
}
PARTNERSHIP_STATUS_LABELS = {
    "proposed": _l("Proposed"),
    "active": _l("Active"),
    "ended": _l("Ended"),
}
AREA_LABELS = {
    "education": _l("Education"),
    "culture": _l("Culture"),
    "economy": _l("Economy"),
    "environment": _l("Environment"),
    "waste_management": _l("Waste management"),
    "tourism": _l("Tourism"),
}
ACTIVITY_KIND_LABELS = {
    "teacher_training": _l("Teacher training"),
    "student_exchange": _l("Student exchange"),
    "joint_workshop": _l("Joint workshop"),
    "online_class": _l("Online class"),
    "guest_lecture": _l("Guest lecture"),
    "cultural_visit": _l("Cultural visit"),
    "curriculum_workshop": _l("Curriculum workshop"),
}
ACTIVITY_STATUS_LABELS = {
    "planned": _l("Planned"),
    "completed": _l("Completed"),
    "cancelled": _l("Cancelled"),
}
PARTICIPANT_ROLE_LABELS = {
    "participant": _l("Participant"),
    "facilitator": _l("Facilitator"),
    "interpreter": _l("Interpreter"),
}
COST_LABELS = {
    "travel": _l("Travel"),
    "subsistence": _l("Subsistence"),
    "fees": _l("Fees"),
    "other": _l("Other costs"),
}
LABELS = {
    "partnership_kind": PARTNERSHIP_KIND_LABELS,
    "partnership_status": PARTNERSHIP_STATUS_LABELS,
    "area": AREA_LABELS,
    "activity_kind": ACTIVITY_KIND_LABELS,
    "activity_status": ACTIVITY_STATUS_LABELS,
    "participant_role": PARTICIPANT_ROLE_LABELS,
    "cost": COST_LABELS,
}

DECIMAL = {"inputmode": "decimal", "autocomplete": "off"}


class PartnershipForm(Form):
    school_id = SelectField(_l("School"), coerce=str, validate_choice=False)
    kind = SelectField(
        _l("Kind of partnership"),
        choices=choices(PARTNERSHIP_KIND_LABELS.items()),
        description=_l(
            "Sister school: the partner is another school or a university. University partner: "
            "a university. Industry partner: a company, entered by its name."
        ),
    )
    partner_id = SelectField(
        _l("Partner organization on the platform"),
        coerce=str,
        validate_choice=False,
        description=_l("Or leave empty and enter the partner's name below."),
    )
    partner_name = StringField(
        _l("Partner's name (not on the platform)"), validators=[Optional(), Length(max=200)]
    )
    register_partner = BooleanField(_l("Add this university to the platform as an organization"))
    partner_country = StringField(
        _l("Partner's country code"),
        validators=[Optional(), Length(max=2)],
        description=_l("Two letters, such as CN; needed when adding the university."),
    )
    areas = SelectMultipleField(_l("Areas of cooperation"), choices=choices(AREA_LABELS.items()))
    mou_reference = StringField(_l("MoU reference"), validators=[Optional(), Length(max=100)])
    mou_signed_on = DateField(_l("MoU signed on"), validators=[Optional()])
    started_on = DateField(_l("Starts on"), validators=[Optional()])
    ended_on = DateField(_l("Ends on"), validators=[Optional()])
    status = SelectField(_l("Status"), choices=choices(PARTNERSHIP_STATUS_LABELS.items()))
    contacts = TextAreaField(
        _l("Contacts"),
        validators=[Optional(), Length(max=3000)],
        description=_l("One per line: name; email; phone."),
    )
    notes = TextAreaField(_l("Notes"), validators=[Optional(), Length(max=2000)])


class ActivityForm(Form):
    kind = SelectField(_l("Kind of activity"), choices=choices(ACTIVITY_KIND_LABELS.items()))
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    description = TextAreaField(_l("Description"), validators=[Optional(), Length(max=4000)])
    starts_on = DateField(_l("Start date"), validators=[DataRequired()])
    ends_on = DateField(_l("End date"), validators=[Optional()])
    place = StringField(_l("Place"), validators=[Optional(), Length(max=200)])
    online_url = StringField(
        _l("Online link"),
        validators=[Optional(), Length(max=500)],
        render_kw={"inputmode": "url"},
        description=_l("For online classes: the meeting link."),
    )
    languages = StringField(
        _l("Languages used"),
        validators=[Optional(), Length(max=40)],
        description=_l("Language codes separated by commas, such as id, zh, en."),
    )
    sending_org_id = SelectField(_l("Sending organization"), coerce=str, validate_choice=False)
    receiving_org_id = SelectField(_l("Receiving organization"), coerce=str, validate_choice=False)
    funding_source = StringField(_l("Funding source"), validators=[Optional(), Length(max=200)])
    currency = StringField(
        _l("Currency"),
        default="IDR",
        validators=[DataRequired(), Length(min=3, max=3)],
        description=_l("ISO 4217 code, such as IDR, CNY or USD."),
    )
    cost_travel = StringField(_l("Travel"), validators=[Optional()], render_kw=DECIMAL)
    cost_subsistence = StringField(_l("Subsistence"), validators=[Optional()], render_kw=DECIMAL)
    cost_fees = StringField(_l("Fees"), validators=[Optional()], render_kw=DECIMAL)
    cost_other = StringField(_l("Other costs"), validators=[Optional()], render_kw=DECIMAL)


class CompleteForm(Form):
    outcomes = TextAreaField(_l("Outcomes"), validators=[DataRequired(), Length(max=4000)])
    hours = StringField(
        _l("Number of hours"),
        validators=[DataRequired()],
        render_kw=DECIMAL,
        description=_l("The hours the activity took, at most 24 per day."),
    )
    follow_up = TextAreaField(
        _l("What follows from it"), validators=[DataRequired(), Length(max=2000)]
    )


class CancelForm(Form):
    reason = TextAreaField(_l("Reason"), validators=[Optional(), Length(max=500)])


class ParticipantForm(Form):
    user_id = SelectField(_l("Person on the platform"), coerce=str, validate_choice=False)
    guest_name = StringField(_l("Or a guest's name"), validators=[Optional(), Length(max=200)])
    guest_affiliation = StringField(
        _l("Guest's organization"), validators=[Optional(), Length(max=200)]
    )
    role = SelectField(_l("Role"), choices=choices(PARTICIPANT_ROLE_LABELS.items()))
    hours = StringField(_l("Hours credited"), validators=[Optional()], render_kw=DECIMAL)


class ReflectionForm(Form):
    body = TextAreaField(_l("Your reflection"), validators=[DataRequired(), Length(max=2000)])


class AttachmentForm(Form):
    attachment = FileField(
        _l("File"),
        description=_l("A PDF document or an image (JPEG, PNG, WebP), at most 15 MB."),
        render_kw={"accept": "application/pdf,image/jpeg,image/png,image/webp"},
    )


def organization_choices(organizations, blank):
    return choices(((o.id, o.name) for o in organizations), blank)


def languages_list(text):
    return [code.strip() for code in (text or "").replace(";", ",").split(",") if code.strip()]
