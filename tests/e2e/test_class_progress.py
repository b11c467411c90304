"""Pak Budi checks on his phone and at his desk who is behind in his class, in Indonesian and
Chinese: every module at once, flagged, sorted by progress, without the page scrolling
sideways (issue 15 item 4)."""

from datetime import date

from babel.numbers import format_percent
from playwright.sync_api import expect
from sqlmodel import update

from eduplatform.people.models import Cohort, Enrollment
from tests.e2e.conftest import assert_fits_the_screen
from tests.training.conftest import (  # noqa: F401 - fixtures shared with the training tests
    TODAY,
    add_module,
    enrol,
    log,
    quick_password_hashes,
    session,
    training,
    verified,
)


def test_teacher_sees_who_is_behind_across_all_modules(
    db,
    page,
    live_server,
    sign_in,
    training,  # noqa: F811 - fixtures imported above
    verified,  # noqa: F811
    lang,
    t,
):
    start = TODAY.year if TODAY.month >= 7 else TODAY.year - 1
    db.exec(update(Cohort).values(academic_year=f"{start}/{start + 1}"))
    db.exec(update(Enrollment).values(enrolled_on=date(start, 7, 1)))
    training.teacher.locale = lang
    db.add(training.teacher)
    db.commit()
    verified("EV-101-U1", "EV-101-U2", "EV-102-U1")
    sign_in(training.teacher)
    page.goto(f"{live_server}/training/progress")
    page.get_by_role("link", name="XI TKRO 1").click()
    rows = page.locator(".standing-row")
    expect(rows).to_have_count(2)  # the click navigates: wait for the class's page
    assert_fits_the_screen(page)
    page.get_by_role("link", name=t("progress, lowest first")).click()
    first = rows.first
    expect(first.locator(".standing-name")).to_have_text("Agus Pratama")  # once re-sorted
    assert first.locator(".flag").inner_text() == t("Behind")
    behind = t("%(points)s points behind the class median", points="@").split("@")[-1].strip()
    assert behind in first.locator(".standing-reason").inner_text()
    assert rows.nth(1).locator(".percent").inner_text() == format_percent(0.75, locale=lang)
    page.get_by_text(t("How “behind” is decided")).click()
    page.get_by_text(t("Against the class: the class's median progress.")).wait_for()
    assert_fits_the_screen(page)
    first.get_by_role("link", name="EV-102").click()
    page.get_by_role("table").wait_for()  # the module's units, student by student
