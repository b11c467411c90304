"""The confirmation step before a student is anonymised."""

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, SelectField, TextAreaField
from wtforms.validators import DataRequired

from eduplatform.forms import Form


class AnonymiseForm(Form):
    reason = TextAreaField(
        _l("Reason (optional)"),
        description=_l("For example: the parent asked on 3 March; the student left the school."),
        render_kw={"maxlength": 500, "rows": 3},
    )
    confirmed = BooleanField(
        _l("I understand that the student's personal details are removed for good."),
        validators=[DataRequired(message=_l("Tick the box to confirm."))],
    )


class ExportForm(Form):
    language = SelectField(
        _l("Language of the readable document"),
        description=_l(
            "The archive holds the data as files for computers, and once more as a document to "
            "read: choose the language of the parent or guardian who asked."
        ),
    )
