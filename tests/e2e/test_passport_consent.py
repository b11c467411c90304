"""Siti is 16: her mother signs the consent form, Pak Budi records it, she shares her passport."""

import re
from datetime import date

import pytest

from tests.conftest import PASSWORD
from tests.e2e.conftest import DESKTOP, PHONE, assert_fits_the_screen
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
    page.get_by_role("link", name="Open my passport").click()  # the passport's public link
    page.get_by_role("heading", name=re.compile("Skills passport of")).wait_for()
    assert_fits_the_screen(page)


def test_the_passport_link_is_shared_through_the_phones_share_sheet_or_copied(
    db,
    browser,
    live_server,
    training,  # noqa: F811 - the fixtures imported above
    verified,  # noqa: F811
):
    from eduplatform.training import service  # noqa: PLC0415

    training.student.locale = "en"
    training.student.birth_date = date(2000, 1, 1)  # an adult: no consent needed
    db.add(training.student)
    db.commit()
    verified("EV-101-U1")

    # A phone whose browser has a share sheet (navigator.share), stood in for by the test.
    phone = browser.new_context(viewport=PHONE, locale="id-ID")
    phone.add_init_script(
        "navigator.share = (data) => { window.shared = data; return Promise.resolve(); };"
    )
    page = phone.new_page()
    page.goto(f"{live_server}/login")
    page.get_by_label("Email atau NISN").fill(training.student.email)
    page.get_by_label("Kata sandi").fill(PASSWORD)
    page.get_by_role("button", name="Masuk").click()
    page.goto(f"{live_server}/passport/settings")
    page.get_by_role("button", name="Make my passport public").click()
    page.get_by_text("Your skills passport is public now.").wait_for()
    db.expire_all()
    link = f"{live_server}/passport/{service.passport_of(db, training.student.id).slug}"
    assert page.get_by_label("Your link:").input_value() == link
    page.get_by_role("button", name="Share…").click()
    page.wait_for_function("() => window.shared !== undefined")
    shared = page.evaluate("window.shared")
    assert shared["url"] == link and "Siti Rahayu" in shared["title"]
    phone.close()

    # A browser without one: the share button stays hidden, the link is copied.
    desk = browser.new_context(viewport=DESKTOP, locale="id-ID")
    desk.add_init_script("delete Navigator.prototype.share;")
    desk.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server)
    page = desk.new_page()
    page.goto(f"{live_server}/login")
    page.get_by_label("Email atau NISN").fill(training.student.email)
    page.get_by_label("Kata sandi").fill(PASSWORD)
    page.get_by_role("button", name="Masuk").click()
    page.goto(f"{live_server}/passport/settings")
    assert page.get_by_role("button", name="Share…").count() == 0  # hidden without a sheet
    page.get_by_role("button", name="Copy link").click()
    page.get_by_text("Link copied.").wait_for()
    assert page.evaluate("navigator.clipboard.readText()") == link
    desk.close()
