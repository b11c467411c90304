"""Forms of the class pages: classes, enrolments and roster uploads."""

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import HiddenField, RadioField, SelectField, SelectMultipleField, StringField
from wtforms.validators import DataRequired, Length
from wtforms.widgets import CheckboxInput, ListWidget

from eduplatform.forms import Form, choices
from eduplatform.people.roster import MAX_ROWS


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
        _l("Student list (CSV or XLSX)"),
        validators=[FileRequired(_l("Choose a file."))],
        description=_l(
            "The list exported from Dapodik (Daftar Peserta Didik) as it is, or your own list "
            "with the columns NISN and Nama, and optionally JK (L/P), Tempat Lahir, Tanggal "
            "Lahir, NIPD and Email. Other columns are ignored. At most %(n)d students and 5 MB.",
            n=MAX_ROWS,
        ),
        render_kw={"accept": ".csv,.xlsx,text/csv"},
    )


class RosterPreviewForm(Form):
    """The preview's choices, sent with the checked rows to preview again or to import."""

    payload = HiddenField()
    previewed = HiddenField()  # the choices the page shows, to notice a change before importing
    rombel = SelectField(_l("Class in the file (rombel) to import"), validate_choice=False)
    names = RadioField(
        _l("Names and places written in capitals"),
        choices=choices(
            [("title", _l("Write them in title case")), ("keep", _l("Keep them as in the file"))]
        ),
        default="title",
        validate_choice=False,
    )
