"""Confirmation before destruction (issue 14 section 5), in Indonesian and Chinese at phone and
desktop width: deactivating a school or an account and making a new calendar address each ask
once, naming what ends and what stays, and asking changes nothing."""

from playwright.sync_api import expect
from sqlmodel import select

from eduplatform.people.models import Cohort, CohortTeacher, Organization, User
from tests.e2e.conftest import assert_fits_the_screen


def _new_address_made(t):
    return t(
        "A new calendar address was made. Calendars subscribed to the old one no longer "
        "receive activities: subscribe again with the new address."
    )


def test_deactivating_a_new_school_asks_first(db, make_user, sign_in, page, live_server, lang, t):
    rina = make_user("office", full_name="Rina Wulandari", locale=lang)
    sign_in(rina)
    page.goto(f"{live_server}/schools/new")
    page.get_by_label(t("School name")).fill("SMK Negeri 9 Surakarta")
    page.get_by_label("NPSN").fill("20300009")
    page.get_by_role("button", name=t("Save")).click()
    expect(page.get_by_role("status")).to_contain_text(
        t("%(name)s was enrolled.", name="SMK Negeri 9 Surakarta")
    )
    # No big red button: the way in is a quiet link-like button at the end of the page.
    expect(page.locator("main .button.danger")).to_have_count(0)
    page.get_by_role("button", name=t("Deactivate school…")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        t("Deactivate %(name)s?", name="SMK Negeri 9 Surakarta")
    )
    expect(
        page.get_by_text(
            t.n(
                "%(num)d class keeps its students, teachers and history.",
                "%(num)d classes keep their students, teachers and history.",
                0,
            )
        )
    ).to_be_visible()
    assert_fits_the_screen(page)
    school = db.exec(select(Organization).where(Organization.npsn == "20300009")).one()
    assert school.active  # asking changed nothing

    page.get_by_role("link", name=t("Keep the school active")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("SMK Negeri 9 Surakarta")
    page.get_by_role("button", name=t("Deactivate school…")).click()
    page.get_by_role("button", name=t("Deactivate %(name)s", name="SMK Negeri 9 Surakarta")).click()
    expect(page.get_by_role("status")).to_contain_text(
        t("The school was deactivated; its classes and history are kept.")
    )
    expect(page.get_by_role("heading", level=1)).to_contain_text(t("Deactivated"))


def test_deactivating_a_teacher_names_the_class_left_without_one(
    db, make_org, make_user, sign_in, page, live_server, lang, t
):
    school = make_org("school", name="SMK Negeri 2 Surakarta")
    budi = make_user("teacher", organization=school, full_name="Budi Santoso")
    cohort = Cohort(school_id=school.id, name="XI TKRO 1", academic_year="2025/2026")
    db.add(cohort)
    db.commit()
    db.add(CohortTeacher(cohort_id=cohort.id, teacher_id=budi.id))
    db.commit()
    sign_in(make_user("admin", locale=lang))
    page.goto(f"{live_server}/admin/users/{budi.id}")
    page.get_by_role("button", name=t("Deactivate account…")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        t("Deactivate the account of %(name)s?", name="Budi Santoso")
    )
    expect(page.locator(".class-losses")).to_contain_text("XI TKRO 1")
    assert_fits_the_screen(page)
    assert db.get(User, budi.id, populate_existing=True).active  # asking changed nothing

    page.get_by_role("link", name=t("Keep the account active")).click()
    page.get_by_role("button", name=t("Deactivate account…")).click()
    page.get_by_role("button", name=t("Deactivate the account"), exact=True).click()
    expect(page.get_by_role("status")).to_contain_text(
        t("Account deactivated; its sessions have ended.")
    )
    assert not db.get(User, budi.id, populate_existing=True).active


def test_a_new_calendar_address_is_made_only_when_confirmed(
    app, make_org, make_user, sign_in, page, live_server, lang, t
):
    app.config["BASE_URL"] = live_server
    school = make_org("school", name="SMK Negeri 2 Surakarta", npsn="20300002")
    sign_in(make_user("teacher", organization=school, full_name="Budi Santoso", locale=lang))
    page.goto(f"{live_server}/exchange/schools/{school.npsn}/feed")
    page.get_by_role("button", name=t("Create the calendar address")).click()
    # The first address breaks nothing, so it says nothing about an old one.
    expect(page.locator(".flash-success")).to_be_visible()
    expect(page.locator(".flash-success")).not_to_contain_text(_new_address_made(t))
    first = page.locator("#feed-url").input_value()

    page.get_by_role("button", name=t("Make a new address…")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(t("Make a new calendar address?"))
    expect(page.locator("main")).to_contain_text(
        t(
            "Every calendar subscribed to the current address of %(school)s stops receiving its "
            "activities.",
            school="SMK Negeri 2 Surakarta",
        )
    )
    assert_fits_the_screen(page)
    page.get_by_role("link", name=t("Keep the current address")).click()
    assert page.locator("#feed-url").input_value() == first  # asking changed nothing

    page.get_by_role("button", name=t("Make a new address…")).click()
    page.get_by_role("button", name=t("Yes, make a new address")).click()
    expect(page.locator(".flash-success")).to_contain_text(_new_address_made(t))
    assert page.locator("#feed-url").input_value() != first
    assert page.request.get(first).status == 404
