"""The one setting people have about notifications."""

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField

from eduplatform.forms import Form


class EmailSettingForm(Form):
    email = BooleanField(_l("Email me a copy of my notifications"))
