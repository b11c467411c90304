"""Forms of the class pages: classes, enrolments and roster uploads."""

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import SelectField, SelectMultipleField, StringField
from wtforms.validators import DataRequired, Length
from wtforms.widgets import CheckboxInput, ListWidget

from eduplatform.forms import Form


class CheckboxesField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class CohortForm(Form):
    name = StringField(
        _l("Class name"),
        validators=[DataRequired(), Length(max=60)],
        description=_l("For example XI TKRO 1."),
    )
    academic_year = StringField(
        _l("Academic year"),
        validators=[DataRequired(), Length(max=9)],
        description=_l("For example 2025/2026."),
        render_kw={"inputmode": "numeric", "placeholder": "2025/2026"},
    )
    program_id = SelectField(_l("Program"), coerce=str, default="", validate_choice=True)
    teachers = CheckboxesField(_l("Teachers"), coerce=int, validate_choice=True)


class EnrolForm(Form):
    nisn = StringField(
        _l("NISN of a student of this school"),
        validators=[DataRequired(), Length(max=20)],
        render_kw={"inputmode": "numeric", "autocomplete": "off"},
    )


class MoveForm(Form):
    cohort_id = SelectField(_l("Move to class"), coerce=int, validate_choice=True)


class RosterUploadForm(Form):
    file = FileField(
        _l("Roster file (CSV or XLSX)"),
        validators=[FileRequired(_l("Choose a file."))],
        description=_l(
            "Columns: NISN, Nama, and optionally Email, Jenis kelamin (L/P), Tanggal lahir. "
            "At most 2000 students and 5 MB."
        ),
        render_kw={"accept": ".csv,.xlsx,text/csv"},
    )
