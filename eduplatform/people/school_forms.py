"""Forms of the school pages (education office)."""

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import EmailField, HiddenField, PasswordField, StringField
from wtforms.validators import DataRequired, Length, Optional

from eduplatform.forms import Form
from eduplatform.people.teacher_list import MAX_TEACHERS


class SchoolForm(Form):
    name = StringField(_l("School name"), validators=[DataRequired(), Length(max=200)])
    npsn = StringField(
        _l("NPSN"),
        validators=[DataRequired(), Length(max=20)],
        description=_l("The 8-digit national school number (spaces are fine)."),
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
        description=_l("The teacher keeps their other schools and classes."),
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


class TeacherListUploadForm(Form):
    file = FileField(
        _l("Teacher list (CSV or XLSX)"),
        validators=[FileRequired(_l("Choose a file."))],
        description=_l(
            "The list exported from Dapodik (GTK) as it is, or your own list with the columns "
            "Nama and NUPTK, and optionally JK (L/P), Email and Jenis PTK. Other columns are "
            "ignored. At most %(n)d rows and 5 MB.",
            n=MAX_TEACHERS,
        ),
        render_kw={"accept": ".csv,.xlsx,text/csv"},
    )


class TeacherListConfirmForm(Form):
    """The checked rows of a previewed teacher list, signed, sent back to import them."""

    payload = HiddenField()
