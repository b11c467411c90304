"""A required field left empty is named by its label, in the page's language, by field type."""

import re

from markupsafe import Markup
from werkzeug.datastructures import MultiDict
from wtforms import BooleanField, DateField, HiddenField, SelectField, StringField
from wtforms.validators import DataRequired, InputRequired

from eduplatform.forms import Form, choices


def _field_errors(page, name):
    """The error messages shown next to the field `name` (the `field` macro's markup)."""
    return re.findall(rf'<p class="error" id="{name}-error">([^<]*)</p>', page)


def _post(client, url, data):
    return client.post(url, data=data).get_data(as_text=True)


def test_an_empty_sign_in_names_each_field(client):
    page = _post(client, "/login?lang=en", {"login": "", "password": ""})
    assert _field_errors(page, "login") == ["Fill in “Email or NISN”."]
    assert _field_errors(page, "password") == ["Fill in “Password”."]


def test_an_empty_class_names_its_name_and_year(client, login):
    login("teacher")
    page = _post(client, "/classes/new?lang=en", {"name": "", "academic_year": ""})
    assert _field_errors(page, "name") == ["Fill in “Class name”."]
    assert _field_errors(page, "academic_year") == ["Fill in “Academic year”."]


def test_a_role_not_chosen_asks_to_choose_it(client, login):
    login("admin")
    page = _post(client, "/admin/users/new?lang=en", {"full_name": "", "role": ""})
    assert _field_errors(page, "full_name") == ["Fill in “Full name”."]
    assert _field_errors(page, "role") == ["Choose “Role”."]


def test_the_indonesian_and_chinese_pages_name_the_field_by_its_translated_label(client):
    page = _post(client, "/login?lang=id", {"login": "", "password": ""})
    [message] = _field_errors(page, "login")
    assert "Email atau NISN" in message and message != "Kolom ini wajib diisi."
    page = _post(client, "/login?lang=zh", {"login": "", "password": ""})
    [message] = _field_errors(page, "login")
    assert "电子邮箱或 NISN" in message and message != "此字段为必填项。"


class _Sample(Form):
    class Meta:
        csrf = False

    agreed = BooleanField(Markup("I <em>agree</em>:"), validators=[DataRequired()])
    colour = SelectField(
        "Colour *", choices=choices([("red", "Red")], blank="—"), validators=[InputRequired()]
    )
    nickname = StringField("Nickname", validators=[DataRequired(message="Pick a nickname.")])
    token = HiddenField(validators=[DataRequired()])


def test_the_wording_fits_the_field_type_and_custom_or_hidden_messages_stay(app):
    with app.test_request_context("/?lang=en", method="POST"):
        form = _Sample(formdata=MultiDict())
        assert not form.validate()
        assert form.agreed.errors == ["Tick “I agree”."]
        assert form.colour.errors == ["Choose “Colour”."]
        assert form.nickname.errors == ["Pick a nickname."]
        assert form.token.errors == ["This field is required."]


class _Dated(Form):
    class Meta:
        csrf = False

    starts_on = DateField("Start date", validators=[DataRequired()])


def test_a_typed_value_that_is_not_a_date_is_called_so_not_empty(app):
    """ "2026-02-30" typed in a required date: the page says it is not a valid date (it said
    "fill in", as if nothing had been typed); left empty, it still names the field."""
    with app.test_request_context("/?lang=en", method="POST"):
        form = _Dated(formdata=MultiDict({"starts_on": "2026-02-30"}))
        assert not form.validate()
        assert form.starts_on.errors == ["Not a valid date value."]
        form = _Dated(formdata=MultiDict({"starts_on": " "}))
        assert not form.validate()
        assert form.starts_on.errors == ["Fill in “Start date”."]
    with app.test_request_context("/?lang=id", method="POST"):
        form = _Dated(formdata=MultiDict({"starts_on": "30/02/2026"}))
        assert not form.validate()
        assert form.starts_on.errors == ["Tanggal tidak valid."]
