from flask_babel import lazy_gettext as _l
from wtforms import EmailField, HiddenField, PasswordField, RadioField, SelectField, StringField
from wtforms.validators import DataRequired, EqualTo, Length, ValidationError

from eduplatform.auth.passwords import password_problem
from eduplatform.config import LANGUAGES
from eduplatform.forms import Form, choices
from eduplatform.people.service import EMAIL_RE


def acceptable_password(form, field):
    """The password policy, said with the form's other errors (a short password was reported
    only once the two passwords matched); the service checks it again before saving."""
    problem = password_problem(field.data or "") if field.data else None
    if problem:
        raise ValidationError(problem)


class LoginForm(Form):
    login = StringField(
        _l("Email or NISN"),
        validators=[DataRequired(), Length(max=254)],
        render_kw={"autocomplete": "username", "autocapitalize": "none"},
    )
    password = PasswordField(
        _l("Password"),
        validators=[DataRequired(), Length(max=256)],
        render_kw={"autocomplete": "current-password"},
    )
    next = HiddenField()


class PasswordForm(Form):
    current_password = PasswordField(
        _l("Current password"),
        validators=[DataRequired()],
        render_kw={"autocomplete": "current-password"},
    )
    new_password = PasswordField(
        _l("New password"),
        validators=[DataRequired(), Length(max=256), acceptable_password],
        description=_l("At least 10 characters. A short sentence is easy to remember."),
        render_kw={"autocomplete": "new-password"},
    )
    confirm = PasswordField(
        _l("Repeat the new password"),
        validators=[DataRequired(), EqualTo("new_password", message=_l("The passwords differ."))],
        render_kw={"autocomplete": "new-password"},
    )


class LanguageForm(Form):
    locale = RadioField(
        _l("Language"), choices=choices(LANGUAGES.items()), validators=[DataRequired()]
    )


class ActivationForm(Form):
    nisn = StringField(
        _l("NISN"),
        validators=[DataRequired(), Length(max=20)],
        render_kw={"inputmode": "numeric", "autocomplete": "username"},
    )
    code = StringField(
        _l("Activation code"),
        validators=[DataRequired(), Length(max=20)],
        description=_l("The 8 letters and digits on the sheet from your teacher."),
        render_kw={"autocomplete": "one-time-code", "autocapitalize": "characters"},
    )
    password = PasswordField(
        _l("New password"),
        validators=[DataRequired(), Length(max=256), acceptable_password],
        description=_l("At least 10 characters. A short sentence is easy to remember."),
        render_kw={"autocomplete": "new-password"},
    )
    confirm = PasswordField(
        _l("Repeat the new password"),
        validators=[DataRequired(), EqualTo("password", message=_l("The passwords differ."))],
        render_kw={"autocomplete": "new-password"},
    )


class ForgotPasswordForm(Form):
    email = EmailField(
        _l("Email"),
        validators=[DataRequired(), Length(max=254)],
        render_kw={"autocomplete": "email", "autocapitalize": "none"},
    )

    def validate_email(self, field):
        # Only the address's shape is checked: whether an account has it stays unsaid.
        if not EMAIL_RE.match((field.data or "").strip()):
            raise ValidationError(_l("Enter a valid email address."))


class SetPasswordForm(Form):
    password = PasswordField(
        _l("New password"),
        validators=[DataRequired(), Length(max=256), acceptable_password],
        description=_l("At least 10 characters. A short sentence is easy to remember."),
        render_kw={"autocomplete": "new-password"},
    )
    confirm = PasswordField(
        _l("Repeat the new password"),
        validators=[DataRequired(), EqualTo("password", message=_l("The passwords differ."))],
        render_kw={"autocomplete": "new-password"},
    )


class InvitationForm(Form):
    full_name = StringField(_l("Full name"), validators=[DataRequired(), Length(max=200)])
    email = EmailField(
        _l("Email"),
        validators=[DataRequired(), Length(max=254)],
        render_kw={"autocapitalize": "none"},
    )
    role = SelectField(_l("Role"), validators=[DataRequired()])
    organization_id = SelectField(_l("School or organization"), coerce=str)
    locale = SelectField(
        _l("Language of the email"), choices=choices(LANGUAGES.items()), default="id"
    )
