# ruff: noqa: F811 - the fixtures imported below are used by name
"""The placement journal on a 390 px phone: the teacher's Photo link is a full tap target, and a
student whose session ended keeps the entry she typed when the form is refused."""

from datetime import time, timedelta

import pytest
from playwright.sync_api import expect

from eduplatform.placements.models import JournalEntry
from tests.e2e.conftest import assert_fits_the_screen
from tests.placements.conftest import TODAY, make_placement, pkl  # noqa: F401 - fixtures
from tests.training.conftest import add_module, enrol  # noqa: F401 - fixtures pkl uses

PHONE_390 = {"width": 390, "height": 844}
REFUSED = (
    "This form could not be sent: the page is too old or you were signed out. What you "
    "typed is below: copy it, open the form again (sign in if asked), paste it and send "
    "it again."
)
TYPED = "Membantu mekanik memeriksa tegangan modul baterai dan mencatat hasilnya."


@pytest.fixture
def app_config(app_config):
    """Forms carry their CSRF token, as in production."""
    return {**app_config, "WTF_CSRF_ENABLED": True}


@pytest.mark.parametrize("viewport", [PHONE_390], ids=["phone-390"])
def test_the_teachers_photo_link_is_a_tap_target(db, pkl, make_placement, page, live_server,
                                                 sign_in, t):  # fmt: skip
    placement = make_placement()
    db.add(
        JournalEntry(
            placement_id=placement.id,
            student_id=pkl.student.id,
            day=TODAY - timedelta(days=1),
            arrived_at=time(8),
            left_at=time(16),
            activities="Memeriksa baterai.",
            photo_name="a" * 32 + ".jpg",
            photo_mime_type="image/jpeg",
        )
    )
    db.commit()
    sign_in(pkl.teacher)
    page.goto(f"{live_server}/placements/{placement.id}")
    link = page.locator("#journal").get_by_role("link", name=t("Photo"))
    box = link.bounding_box()
    assert box["height"] >= 44, box


@pytest.mark.parametrize("viewport", [PHONE_390], ids=["phone-390"])
def test_a_refused_entry_says_why_and_what_was_typed_is_kept(db, pkl, make_placement, page,
                                                             live_server, sign_in, t):  # fmt: skip
    make_placement()
    sign_in(pkl.student)
    form_url = f"{live_server}/placements/journal/new"
    page.goto(form_url)
    page.get_by_label(t("What I did")).fill(TYPED)
    page.context.clear_cookies()  # the session ended while she was typing
    with page.expect_response(form_url) as sent:
        page.get_by_role("button", name=t("Save")).click()
    assert sent.value.status == 400
    expect(page.locator("main")).to_contain_text(t(REFUSED))
    # Her text is on the page to copy: the Back button would bring the form's page back only
    # to be sent to the sign-in page.
    expect(page.get_by_label(t("What you typed"))).to_have_value(TYPED)
    assert_fits_the_screen(page)
    back = page.locator("main").get_by_role("link", name=t("Open the form again"))
    assert back.get_attribute("href") == "/placements/journal/new"
    back.click()
    expect(page.get_by_label(t("Email or NISN"))).to_be_visible()
