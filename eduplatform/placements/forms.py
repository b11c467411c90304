"""Forms and display labels of the placement pages."""

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import (
    DateField,
    HiddenField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import InputRequired, Length, Optional

from eduplatform.forms import Form, choices

SECTOR_LABELS = {
    "dealer_workshop": _l("Dealer's workshop"),
    "independent_workshop": _l("Independent workshop"),
    "fleet_operator": _l("Fleet operator"),
    "battery": _l("Battery service or recycling"),
    "conversion": _l("EV conversion"),
    "manufacturing": _l("Manufacturing"),
    "charging": _l("Charging network"),
    "other": _l("Other"),
}
STATUS_LABELS = {
    "planned": _l("Planned"),
    "running": _l("Running"),
    "finished": _l("Finished"),
    "ended_early": _l("Ended early"),
}
DAY_KIND_LABELS = {
    "present": _l("At the workplace"),
    "sick": _l("Sick"),
    "permitted": _l("Permitted absence"),
    "absent": _l("Absent"),
}
ENTRY_STATUS_LABELS = {
    "pending": _l("Waiting for countersign"),
    "approved": _l("Countersigned"),
    "returned": _l("Returned"),
}
LANGUAGE_LABELS = {"id": "Bahasa Indonesia", "en": "English", "zh": "中文"}


class CompanyForm(Form):
    name = StringField(_l("Company name"), validators=[InputRequired(), Length(max=200)])
    name_zh = StringField(
        _l("Name in Chinese (optional)"), validators=[Optional(), Length(max=200)]
    )
    sector = SelectField(_l("Sector"), choices=choices(SECTOR_LABELS.items(), blank="—"))
    address = StringField(_l("Address"), validators=[Optional(), Length(max=300)])
    city = StringField(_l("City"), validators=[Optional(), Length(max=100)])
    country = StringField(
        _l("Country (two letters)"), default="ID", validators=[Optional(), Length(max=2)]
    )
    contact = StringField(_l("Contact (phone or email)"), validators=[Optional(), Length(max=200)])
    npwp = StringField(
        _l("NPWP (optional)"),
        validators=[Optional(), Length(max=30)],
        render_kw={"inputmode": "numeric"},
    )
    nib = StringField(
        _l("NIB (optional)"),
        validators=[Optional(), Length(max=30)],
        render_kw={"inputmode": "numeric"},
    )


class SupervisorForm(Form):
    full_name = StringField(_l("Name"), validators=[InputRequired(), Length(max=200)])
    position = StringField(_l("Position"), validators=[Optional(), Length(max=100)])
    phone = StringField(
        _l("Phone"), validators=[Optional(), Length(max=30)], render_kw={"inputmode": "tel"}
    )
    email = StringField(_l("Email"), validators=[Optional(), Length(max=254)])
    locale = SelectField(
        _l("Language of the supervisor's pages"), choices=choices(LANGUAGE_LABELS.items())
    )


class SupervisorLanguageForm(Form):
    locale = SelectField(
        _l("Language of the supervisor's pages"), choices=choices(LANGUAGE_LABELS.items())
    )


class PlacementForm(Form):
    student_id = SelectField(_l("Student"))
    company_id = SelectField(_l("Company"))
    supervisor_id = SelectField(_l("Supervisor at the company"))
    teacher_id = SelectField(_l("Accompanying teacher"))
    starts_on = DateField(_l("First day"), validators=[Optional()])
    ends_on = DateField(_l("Last day"), validators=[Optional()])
    dates_note = StringField(
        _l("Note on the dates (if outside the academic year)"),
        validators=[Optional(), Length(max=300)],
    )
    unit_ids = SelectMultipleField(_l("Units the placement is expected to cover"))


class StatusForm(Form):
    action = HiddenField()
    reason = StringField(_l("Why does the placement end early?"), validators=[Optional()])


class VisitForm(Form):
    visited_on = DateField(_l("Date of the visit"), validators=[Optional()])
    notes = TextAreaField(
        _l("Notes"), validators=[Optional(), Length(max=2000)], render_kw={"rows": 3}
    )
    issues = TextAreaField(
        _l("Issues to follow up (optional)"),
        validators=[Optional(), Length(max=2000)],
        render_kw={"rows": 2},
    )


class LinkForm(Form):
    purpose = SelectField(
        _l("The link is for"),
        choices=choices(
            (
                ("countersign", _l("Countersigning the journal")),
                ("assessment", _l("The final assessment")),
            )
        ),
    )
    delivery = SelectField(
        _l("Give it"),
        choices=choices(
            (("qr", _l("Show a QR code to scan now")), ("email", _l("Send it by email")))
        ),
    )


class EntryForm(Form):
    day = DateField(_l("Date"), validators=[Optional()])
    kind = SelectField(_l("This day"), choices=choices(DAY_KIND_LABELS.items()))
    arrived_at = TimeField(_l("Arrived at"), validators=[Optional()])
    left_at = TimeField(_l("Left at"), validators=[Optional()])
    activities = TextAreaField(
        _l("What I did"), validators=[Optional(), Length(max=2000)], render_kw={"rows": 4}
    )
    unit_ids = SelectMultipleField(_l("Units practised"))
    photo = FileField(_l("Photo (optional)"), render_kw={"accept": "image/*"})
