from flask_babel import lazy_gettext as _l
from wtforms import DateField, HiddenField, RadioField, StringField
from wtforms.validators import Optional

from eduplatform.api.models import TokenScope
from eduplatform.forms import Form, choices

SCOPE_LABELS = {
    TokenScope.READ: _l("Read only"),
    TokenScope.READ_WRITE: _l("Read and write"),
}


class TokenForm(Form):
    name = StringField(
        _l("Token name"),
        description=_l("What the token is for, e.g. the school's administration system."),
        render_kw={"autocomplete": "off", "maxlength": 100},
    )
    scope = RadioField(_l("Access"), choices=choices(SCOPE_LABELS.items()), default=TokenScope.READ)
    expires_on = DateField(
        _l("Expires after"),
        validators=[Optional()],
        description=_l("Optional: the last day the token works."),
    )
    # The page's key (eduplatform.once): its answer shows the token once, and a reload of that
    # answer sends the form again, which must not make another token.
    form_key = HiddenField()
