"""A title typed as one long word (200 "L"s) wraps on a 390 px phone: before, an activity's
heading stood in a flex row (.page-head), kept the word's full width (3,059 px) and the page
scrolled sideways, while the company page's plain heading wrapped."""

from datetime import timedelta

import pytest

from eduplatform.clock import local_today
from eduplatform.exchange import partnerships, service
from tests.e2e.conftest import assert_fits_the_screen

pytestmark = pytest.mark.layout  # CSS only: left out of the PostgreSQL run

LONG_WORD = "L" * 200


@pytest.mark.parametrize("viewport", [{"width": 390, "height": 844}], ids=["390px"])
def test_an_activity_with_a_one_word_title_fits_a_phone(
    db, make_org, make_user, page, live_server, sign_in
):
    school = make_org("school", name="SMK Negeri 2 Surakarta")
    university = make_org("university", name="Xi'an Automotive University")
    teacher = make_user("teacher", organization=school)
    partnership = partnerships.create_partnership(
        db,
        actor=make_user("office", password=None),
        school=school,
        partner=university,
        kind="university",
        status="active",
    )
    activity = service.create_activity(
        db,
        actor=teacher,
        partnership=partnership,
        kind="joint_workshop",
        title=LONG_WORD,
        starts_on=local_today(),
        ends_on=local_today() + timedelta(days=1),
        place=LONG_WORD,
        currency="IDR",
    )
    sign_in(teacher)
    page.goto(f"{live_server}/exchange/activities/{activity.id}")
    heading = page.get_by_role("heading", level=1).bounding_box()
    assert heading["width"] <= 390, f"the title is {heading['width']}px wide"
    assert_fits_the_screen(page)
