"""Forms of the school pages (education office)."""

from flask_babel import lazy_gettext as _l
from wtforms import EmailField, PasswordField, StringField
from wtforms.validators import DataRequired, Length, Optional

from eduplatform.forms import Form


class SchoolForm(Form):
    name = StringField(_l("School name"), validators=[DataRequired(), Length(max=200)])
    npsn = StringField(
        _l("NPSN"),
        validators=[DataRequired(), Length(max=8)],
        description=_l("The 8-digit national school number."),
        render_kw={"inputmode": "numeric", "autocomplete": "off"},
    )
    address = StringField(_l("Address"), validators=[Optional(), Length(max=300)])
    city = StringField(_l("City"), validators=[Optional(), Length(max=100)])
    contact = StringField(
        _l("Contact"),
        validators=[Optional(), Length(max=200)],
        description=_l("Phone or email of the school office."),
    )


class AssignTeacherForm(Form):
    email = EmailField(
        _l("Email of an existing teacher account"),
        validators=[DataRequired(), Length(max=254)],
        render_kw={"autocomplete": "off"},
    )


class NewTeacherForm(Form):
    full_name = StringField(_l("Full name"), validators=[DataRequired(), Length(max=200)])
    email = EmailField(_l("Email"), validators=[DataRequired(), Length(max=254)])
    password = PasswordField(
        _l("Initial password"),
        validators=[DataRequired(), Length(max=256)],
        description=_l("Give it to the teacher in person; they change it on their profile."),
        render_kw={"autocomplete": "new-password"},
    )
