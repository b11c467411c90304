from flask_babel import lazy_gettext as _l
from wtforms import EmailField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, Length, Optional

from eduplatform.forms import Form, choices

ROLE_LABELS = {
    "admin": _l("Administrator"),
    "office": _l("Education office"),
    "author": _l("Curriculum author"),
    "teacher": _l("Teacher"),
    "student": _l("Student"),
}
ORG_KIND_LABELS = {
    "school": _l("Vocational school"),
    "university": _l("University"),
    "office": _l("Education office"),
    "industry": _l("Company (industry)"),
}


class UserForm(Form):
    full_name = StringField(_l("Full name"), validators=[DataRequired(), Length(max=200)])
    email = EmailField(_l("Email"), validators=[Optional(), Length(max=254)])
    # No role is preselected: a form sent without one must not make anyone an administrator.
    role = SelectField(
        _l("Role"), choices=choices(ROLE_LABELS.items(), blank="—"), validators=[DataRequired()]
    )
    organization_id = SelectField(_l("Organization"), coerce=str, validate_choice=True)
    nisn = StringField(
        _l("NISN (students)"),
        validators=[Optional(), Length(max=10)],
        render_kw={"inputmode": "numeric"},
    )
    password = PasswordField(
        _l("Initial password"),
        validators=[Optional(), Length(max=256)],
        description=_l("Leave empty for students who activate with a code."),
        render_kw={"autocomplete": "new-password"},
    )


class UserEditForm(Form):
    full_name = StringField(_l("Full name"), validators=[DataRequired(), Length(max=200)])
    email = EmailField(_l("Email"), validators=[Optional(), Length(max=254)])
    role = SelectField(
        _l("Role"), choices=choices(ROLE_LABELS.items(), blank="—"), validators=[DataRequired()]
    )
    organization_id = SelectField(_l("Organization"), coerce=str)


class OrganizationNamesForm(Form):
    """The organization's name as readers of each language know it (optional)."""

    name_id = StringField(_l("Name in Indonesian"), validators=[Optional(), Length(max=200)])
    name_en = StringField(_l("Name in English"), validators=[Optional(), Length(max=200)])
    name_zh = StringField(
        _l("Name in Chinese"),
        description=_l("For example a Chinese university's own Chinese name."),
        validators=[Optional(), Length(max=200)],
    )

    def names(self):
        return {lang: getattr(self, f"name_{lang}").data for lang in ("id", "en", "zh")}


class OrganizationForm(OrganizationNamesForm):
    kind = SelectField(
        _l("Kind"),
        # Companies are added on the placements pages, with their sector and supervisors.
        choices=choices((k, v) for k, v in ORG_KIND_LABELS.items() if k != "industry"),
    )
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    npsn = StringField(
        _l("NPSN (Indonesian schools)"),
        validators=[Optional(), Length(max=20)],
        render_kw={"inputmode": "numeric"},
    )
    city = StringField(_l("City"), validators=[Optional(), Length(max=100)])
    country = StringField(
        _l("Country code"), default="ID", validators=[DataRequired(), Length(min=2, max=2)]
    )
    address = StringField(_l("Address"), validators=[Optional(), Length(max=300)])
    contact = StringField(_l("Contact"), validators=[Optional(), Length(max=200)])


def organization_choices(organizations, blank=None):
    return choices(
        ((o.id, f"{o.name} ({ORG_KIND_LABELS[o.kind]})") for o in organizations), blank=blank
    )
