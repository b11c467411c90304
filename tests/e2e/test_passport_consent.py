"""Siti is 16: her mother signs the consent form, Pak Budi records it, she shares her passport."""

import re

import pytest

from tests.conftest import PASSWORD
from tests.e2e.conftest import DESKTOP, PHONE
from tests.training.conftest import (  # noqa: F401 - fixtures shared with the training tests
    add_module,
    enrol,
    log,
    quick_password_hashes,
    session,
    training,
    verified,
)


@pytest.mark.parametrize("viewport", [PHONE])
def test_the_teacher_records_the_guardians_consent_then_the_passport_goes_public(
    app,
    db,
    browser,
    page,
    live_server,
    sign_in,
    training,  # noqa: F811 - the fixtures imported above
    verified,  # noqa: F811
):
    for person in (training.student, training.teacher):
        person.locale = "en"
        db.add(person)
    db.commit()
    verified("EV-101-U1")

    # Siti cannot tick it herself: the page says who records it.
    sign_in(training.student)
    page.goto(f"{live_server}/passport/settings")
    page.get_by_text("give it to your teacher").wait_for()
    assert page.get_by_role("button", name="Make my passport public").count() == 0

    # Pak Budi, with the signed form on his desk.
    desk = browser.new_context(viewport=DESKTOP, locale="id-ID")
    teacher = desk.new_page()
    teacher.goto(f"{live_server}/login")
    teacher.get_by_label("Email atau NISN").fill(training.teacher.email)
    teacher.get_by_label("Kata sandi").fill(PASSWORD)
    teacher.get_by_role("button", name="Masuk").click()
    teacher.goto(f"{live_server}/training/progress/students/{training.student.id}")
    teacher.get_by_label("Parent or guardian's name").fill("Ibu Sri Wahyuni")
    teacher.get_by_label("Relationship to the student").fill("ibu")
    teacher.get_by_role("button", name="Record consent").click()
    teacher.get_by_text("Confirm that you have their signed consent.").wait_for()
    teacher.get_by_label(re.compile("signed consent")).check()
    teacher.get_by_role("button", name="Record consent").click()
    teacher.get_by_text("The guardian's consent is recorded.").wait_for()
    teacher.get_by_text(re.compile(r"Recorded on .*Ibu Sri Wahyuni \(ibu\)")).wait_for()
    desk.close()

    # Siti turns the passport on and opens its public link.
    page.goto(f"{live_server}/passport/settings")
    page.get_by_role("button", name="Make my passport public").click()
    page.get_by_text("Your skills passport is public now.").wait_for()
    page.locator("main p.break a").click()  # the passport's public link
    page.get_by_role("heading", name=re.compile("Skills passport of")).wait_for()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
