"""Notifications in Chromium, at phone and desktop width, in Indonesian and Chinese: Siti's bell
after her teacher's review, and Pak Budi's bell after the daily reminder of submissions left
waiting (issue 15 item 5)."""

from datetime import timedelta

from sqlmodel import update

from eduplatform.sqltypes import utcnow
from eduplatform.training.models import UnitCompletion
from tests.e2e.conftest import assert_fits_the_screen
from tests.training.conftest import (  # noqa: F401 - fixtures shared with the training tests
    add_module,
    enrol,
    log,
    quick_password_hashes,
    session,
    training,
    verified,
)


def _speaks(db, lang, *people):
    for person in people:
        person.locale = lang
        db.add(person)
    db.commit()


def test_student_sees_the_bell_opens_the_notification_and_lands_on_the_record(
    db,
    page,
    live_server,
    sign_in,
    training,  # noqa: F811 - fixtures imported above
    verified,  # noqa: F811
    lang,
    t,
):
    _speaks(db, lang, training.student)
    (completion,) = verified("EV-101-U1")
    sign_in(training.student)
    bell = page.locator("#bell")
    assert bell.get_attribute("aria-label") == t.n(
        "Notifications: %(num)d unread", "Notifications: %(num)d unread", 1
    )
    assert bell.locator(".bell-count").inner_text() == "1"
    box = bell.bounding_box()
    assert box["width"] >= 44 and box["height"] >= 44  # a thumb's target
    bell.click()
    title = {"id": "Bahaya tegangan tinggi", "zh": "高压危害"}[lang]
    text = t(
        "%(unit)s was verified by %(teacher)s.",
        unit=f"EV-101-U1 {title}",
        teacher=training.teacher.full_name,
    )
    item = page.get_by_role("button", name=text)
    assert t("New") in item.inner_text()
    assert_fits_the_screen(page)
    item.click()
    page.wait_for_url(f"{live_server}/training/completions/{completion.id}")
    assert page.locator("#bell .bell-count").count() == 0  # read now
    assert page.locator("#bell").get_attribute("aria-label") == t("Notifications")


def test_teacher_is_reminded_of_waiting_submissions_and_goes_to_the_queue(
    db,
    page,
    live_server,
    sign_in,
    runner,
    training,  # noqa: F811 - fixtures imported above
    log,  # noqa: F811
    lang,
    t,
):
    _speaks(db, lang, training.teacher)
    waiting = log("EV-101-U1")
    db.exec(
        update(UnitCompletion)
        .where(UnitCompletion.id == waiting.id)
        .values(created_at=utcnow() - timedelta(days=5))
    )
    db.commit()
    assert runner.invoke(args=["notifications", "send-reminders"]).exit_code == 0
    sign_in(training.teacher)
    assert page.locator("#bell .bell-count").inner_text() == "1"
    page.locator("#bell").click()
    page.get_by_role(
        "button",
        name=t.n(
            "%(num)d submission has waited more than %(days)d days for your review.",
            "%(num)d submissions have waited more than %(days)d days for your review.",
            1,
            days=3,
        ),
    ).click()
    page.wait_for_url(f"{live_server}/training/verification")
    assert page.locator("#left-count").inner_text() == t.n("%(num)d left", "%(num)d left", 1)
    assert_fits_the_screen(page)
    page.get_by_role("link", name=t("Notifications"), exact=True).click()  # the bell, read now
    page.get_by_role("button", name=t("Mark all as read")).wait_for(state="detached")
