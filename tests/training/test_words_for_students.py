"""What a student reads: a locked module says why, naming the units by title; dates in
messages are written as the page's language writes them; the enrolment date is the school's."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from babel.dates import format_date

from eduplatform import create_app
from eduplatform.db import get_engine
from eduplatform.people.models import Enrollment
from tests.training.conftest import TODAY


def test_a_locked_module_names_the_units_to_verify_first_by_title(
    client, db, login, training, add_module
):
    add_module(
        training.program, "EV-109",
        [("EV-109-U1", {"id": "Penanganan baterai", "en": "Battery handling"}, True, [])],
        owner=training.university, position=9,
    )  # fmt: skip
    login(training.student)
    page = client.get("/?lang=en").get_data(as_text=True)
    card = page.split('id="module-')[3]  # EV-101, EV-102, then EV-109
    assert card.startswith(str(db.exec(_module_id("EV-109")).one()))
    summary = card.split("</summary>")[0]
    assert "Locked" in summary
    assert (
        "Verify the high-voltage safety units first: "
        "EV-101-U1 High-voltage hazards; EV-101-U2 De-energising"
    ) in summary
    safety_card = page.split('id="module-')[1].split("</summary>")[0]
    assert "lock-reason" not in safety_card  # the module to start with is open


def _module_id(code):
    from sqlmodel import select

    from eduplatform.curriculum.models import Module

    return select(Module.id).where(Module.code == code)


@pytest.mark.parametrize("lang", ["id", "en", "zh"])
def test_the_enrolment_date_in_a_message_is_written_in_the_pages_language(
    client, db, login, training, lang
):
    joined = TODAY - timedelta(days=10)
    enrollment = db.get(Enrollment, _enrollment_id(db, training.student))
    enrollment.enrolled_on = joined
    db.add(enrollment)
    db.commit()
    login(training.student)
    unit = training.units["EV-101-U1"]
    page = client.post(
        f"/training/units/{unit.id}/log?lang={lang}",
        data={"performed_on": (joined - timedelta(days=5)).isoformat(), "hours": "2",
              "note": "Done."},
    ).get_data(as_text=True)  # fmt: skip
    assert format_date(joined, "long", locale=lang) in page  # 4 Desember 2026, 2026年12月4日
    assert joined.isoformat() not in page.split("</form>")[0].split('type="date"')[0]


def _enrollment_id(db, student):
    from sqlmodel import select

    return db.exec(select(Enrollment.id).where(Enrollment.student_id == student.id)).one()


@pytest.mark.parametrize("zone", ["Pacific/Kiritimati", "Pacific/Pago_Pago"])
def test_a_new_enrolment_is_dated_by_the_schools_calendar(app_config, zone):
    """UTC+14 and UTC-11 are never on the same date: the default follows the app's zone."""
    app = create_app({**app_config, "BABEL_DEFAULT_TIMEZONE": zone})
    try:
        with app.app_context():
            assert Enrollment(cohort_id=1, student_id=1).enrolled_on == (
                datetime.now(ZoneInfo(zone)).date()
            )
    finally:
        get_engine(app).dispose()
