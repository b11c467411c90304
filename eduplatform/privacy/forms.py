"""The confirmation step before a student is anonymised."""

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, TextAreaField
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
