"""Form fields rendered once per process (forms.kept_fields): the profile page's fields are in
the reader's language, show the reader's own values, and show errors after a refused POST."""

import re

from tests.conftest import PASSWORD


def _checked_locale(page):
    return re.search(
        r'<input checked id="lang-locale-\d" name="lang-locale"[^>]*value="(\w+)"', page
    )


def test_the_profile_fields_follow_the_language_and_each_readers_values(app, make_user):
    readers = {}
    for locale in ("en", "zh"):
        user = make_user("teacher", locale=locale)
        client = app.test_client()
        client.post("/login", data={"login": user.email, "password": PASSWORD})
        readers[locale] = client
    for _round in range(2):  # the second round reads the fields from the cache
        english = readers["en"].get("/profile").get_data(as_text=True)
        chinese = readers["zh"].get("/profile").get_data(as_text=True)
        assert 'for="pw-current_password">Current password</label>' in english
        assert "Current password" not in chinese
        assert _checked_locale(english).group(1) == "en"
        assert _checked_locale(chinese).group(1) == "zh"
        assert 'id="token-name"' in english and 'id="token-name"' in chinese


def test_a_refused_password_change_shows_its_errors_and_keeps_nothing_typed(client, login):
    login("teacher", locale="en")
    client.get("/profile")
    response = client.post(
        "/profile",
        data={"pw-current_password": "wrong password", "pw-new_password": "short",
              "pw-confirm": "other", "pw-submit": "1"},
    )  # fmt: skip
    page = response.get_data(as_text=True)
    assert 'class="error" id="pw-confirm-error"' in page
    assert "wrong password" not in page
    # The next GET is the plain form again, no error left over.
    page = client.get("/profile").get_data(as_text=True)
    assert 'class="error"' not in page and 'aria-invalid="true"' not in page


def test_attributes_given_to_a_kept_field_are_part_of_what_names_it(app):
    """The log form's date field carries today's date as its `max`: a field kept with one
    day's attributes is never shown with another's."""
    from eduplatform.forms import kept_fields
    from eduplatform.training.forms import LogUnitForm

    shown = {}
    for _round in range(2):  # the second round reads both from the cache
        for day in ("2026-12-04", "2026-12-05"):
            with app.test_request_context("/?lang=en"):
                form = LogUnitForm(meta={"csrf": False})
                attributes = {"performed_on": {"max": day}}
                html = str(kept_fields(form, "performed_on", attributes=attributes))
            assert f'max="{day}"' in html
            assert shown.setdefault(day, html) == html
    assert shown["2026-12-04"] != shown["2026-12-05"]
