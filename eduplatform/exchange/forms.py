"""Forms and display labels of the exchange pages."""

import json
from datetime import datetime, time
from zoneinfo import ZoneInfo

from babel import Locale, UnknownLocaleError
from flask_babel import format_decimal, get_locale
from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from markupsafe import Markup, escape
from wtforms import (
    BooleanField,
    DateField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from eduplatform.exchange.times import utc_offset, zone_label
from eduplatform.exchange.validation import read_number
from eduplatform.forms import Form, choices
from eduplatform.i18n import org_name

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
TIME_ZONE_LABELS = {
    "Asia/Jakarta": _l("Western Indonesia Time (WIB, Jakarta)"),
    "Asia/Makassar": _l("Central Indonesia Time (WITA, Makassar)"),
    "Asia/Jayapura": _l("Eastern Indonesia Time (WIT, Jayapura)"),
    "Asia/Shanghai": _l("China Standard Time (Beijing, Xi'an)"),
}
# A time field's label with the zone its time is typed in ('Start time, WIB (UTC+7)').
TIME_LABELS = {
    "start_time": _l("Start time, %(zone)s"),
    "end_time": _l("End time, %(zone)s"),
}
# The languages an activity is usually held in, first in the list; their names come from Babel.
COMMON_LANGUAGES = ("id", "en", "zh", "jv", "ms", "ar", "ja", "ko", "de")
LABELS = {
    "partnership_kind": PARTNERSHIP_KIND_LABELS,
    "partnership_status": PARTNERSHIP_STATUS_LABELS,
    "area": AREA_LABELS,
    "activity_kind": ACTIVITY_KIND_LABELS,
    "activity_status": ACTIVITY_STATUS_LABELS,
    "participant_role": PARTICIPANT_ROLE_LABELS,
    "cost": COST_LABELS,
    "time_zone": TIME_ZONE_LABELS,
}

DECIMAL = {"inputmode": "decimal", "autocomplete": "off"}


def language_name(code, locale=None):
    """A language's name in the page's language (the code itself if Babel does not know it)."""
    try:
        name = Locale.parse(code).get_display_name(locale or get_locale())
    except (UnknownLocaleError, ValueError, TypeError):
        return code
    return name[:1].upper() + name[1:] if name else code


def language_choices(chosen=()):
    """The common languages, then any other already chosen (so an old value never fails)."""
    codes = list(COMMON_LANGUAGES) + [c for c in chosen or () if c not in COMMON_LANGUAGES]
    return choices((code, language_name(code)) for code in codes)


class NumberField(StringField):
    """A number typed as people do ("1.500.000,50", "Rp 1.500.000", "7,5"): `data` is a Decimal
    (None when empty); a value shown again is written in the page's language."""

    def __init__(self, label=None, validators=None, *, invalid, places="#,##0.##", **kwargs):
        super().__init__(label, validators, **kwargs)
        self.invalid, self.places, self.raw = invalid, places, None

    def process_formdata(self, valuelist):
        self.raw = valuelist[0] if valuelist else ""
        self.data = None
        if self.raw.strip():
            try:
                self.data = read_number(self.raw, get_locale())
            except ValueError:
                raise ValueError(str(self.invalid)) from None

    def _value(self):
        if self.raw is not None:
            return self.raw
        if self.data is None or self.data == "":
            return ""
        return format_decimal(self.data, format=self.places)


def amount_field(label):
    return NumberField(
        label,
        validators=[Optional()],
        render_kw=DECIMAL,
        invalid=_l("Enter an amount such as 1.500.000 or 1.500.000,50."),
    )


def hours_field(label, validators=None, **kwargs):
    return NumberField(
        label,
        validators=validators or [Optional()],
        render_kw=DECIMAL,
        places="#,##0.#",
        invalid=_l("Enter a number of hours, such as 6 or 7,5."),
        **kwargs,
    )


class PartnershipForm(Form):
    school_id = SelectField(
        _l("School, or the city"),
        coerce=str,
        validate_choice=False,
        description=_l(
            "For a city-wide partnership choose the education office and tick its member "
            "schools below."
        ),
    )
    member_schools = SelectMultipleField(
        _l("Member schools (city-wide partnership)"), coerce=str, validate_choice=False
    )
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
    school_id = SelectField(
        _l("Member school"),
        coerce=str,
        validate_choice=False,
        description=_l("The school whose activity this is; empty: open to every member school."),
    )
    description = TextAreaField(_l("Description"), validators=[Optional(), Length(max=4000)])
    starts_on = DateField(_l("Start date"), validators=[DataRequired()])
    start_time = TimeField(
        _l("Start time"),
        validators=[Optional()],
        description=_l("Leave both times empty for whole days."),
    )
    ends_on = DateField(_l("End date"), validators=[Optional()])
    end_time = TimeField(_l("End time"), validators=[Optional()])
    timezone = SelectField(
        _l("Time zone of these times"),
        choices=choices(TIME_ZONE_LABELS.items()),
        default="Asia/Jakarta",
    )
    place = StringField(_l("Place"), validators=[Optional(), Length(max=200)])
    online_url = StringField(
        _l("Online link"),
        validators=[Optional(), Length(max=500)],
        render_kw={"inputmode": "url"},
        description=_l("For online classes: the meeting link."),
    )
    languages = SelectMultipleField(_l("Languages used"), coerce=str, validate_choice=False)
    sending_org_id = SelectField(_l("Sending organization"), coerce=str, validate_choice=False)
    receiving_org_id = SelectField(_l("Receiving organization"), coerce=str, validate_choice=False)
    funding_source = StringField(_l("Funding source"), validators=[Optional(), Length(max=200)])
    currency = StringField(
        _l("Currency"),
        default="IDR",
        validators=[DataRequired(), Length(min=3, max=3)],
        description=_l("ISO 4217 code, such as IDR, CNY or USD."),
    )
    cost_travel = amount_field(_l("Travel"))
    cost_subsistence = amount_field(_l("Subsistence"))
    cost_fees = amount_field(_l("Fees"))
    cost_other = amount_field(_l("Other costs"))

    def name_the_time_zone(self, day):
        """Each zone offered, and the labels of the times, say the zone with its UTC offset (the
        one chosen; forms.js follows a change of the choice): a lecturer in China and a teacher
        in Indonesia read a bare "09:00" an hour apart."""
        noons = {key: datetime.combine(day, time(12), ZoneInfo(key)) for key in TIME_ZONE_LABELS}
        labels = {key: zone_label(ZoneInfo(key), noon) for key, noon in noons.items()}
        self.timezone.choices = choices(
            (key, f"{utc_offset(noons[key])} · {name}") for key, name in TIME_ZONE_LABELS.items()
        )
        self.timezone.render_kw = {"data-zone-labels": json.dumps(labels)}
        chosen = labels.get(self.timezone.data) or labels[self.timezone.default]
        zone = Markup('<span class="no-break" data-zone-of="{}">{}</span>').format(
            self.timezone.name, chosen
        )
        for name, label in TIME_LABELS.items():
            self[name].label.text = escape(str(label)) % {"zone": zone}


class CompleteForm(Form):
    outcomes = TextAreaField(_l("Outcomes"), validators=[DataRequired(), Length(max=4000)])
    hours = hours_field(
        _l("Number of hours"),
        validators=[InputRequired()],
        # The view says how long the activity lasted (participation.report_hours_help).
        description=_l("The hours the activity took."),
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
    hours = hours_field(_l("Hours credited"))


class ReflectionForm(Form):
    body = TextAreaField(_l("Your reflection"), validators=[DataRequired(), Length(max=2000)])


class AttachmentForm(Form):
    attachment = FileField(
        _l("File"),
        description=_l("A PDF document or an image (JPEG, PNG, WebP), at most 15 MB."),
        render_kw={"accept": "application/pdf,image/jpeg,image/png,image/webp"},
    )


def organization_choices(organizations, blank):
    """Organizations by their name in the page's language (a university's Chinese name)."""
    return choices(((o.id, org_name(o)) for o in organizations), blank)
