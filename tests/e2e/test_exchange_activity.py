"""Pak Budi's exchange journey in the city-wide sister-school programme, in Indonesian and
Chinese, at phone and desktop width: he plans a joint workshop with the university's lecturers
(times, languages from a list, the cost as he types it), edits it, adds participants and an
interpreter, completes the report with hours, and finds it in his school's calendar feed and in
his training hours; the lecturer in Xi'an reads its times in China time (issue 14 section 3).
Every time says its zone with its UTC offset, and the form's time labels the zone they are typed
in, following the zone chosen."""

import re

import pytest
from babel.numbers import format_decimal
from icalendar import Calendar
from playwright.sync_api import expect

from eduplatform.clock import local_today
from eduplatform.exchange import partnerships
from eduplatform.exchange.forms import language_name
from eduplatform.people.models import Organization


@pytest.fixture
def city(db, make_org, make_user, lang):
    """The city's MoU with the university; Pak Budi's school and another are members."""
    office = make_user("office", password=None)
    school = make_org("school", name="SMK Negeri 2 Surakarta")
    other = make_org("school", name="SMK Negeri 5 Surakarta")
    university = make_org("university", name="Xi'an Automotive University")
    partnership = partnerships.create_partnership(
        db,
        actor=office,
        school=db.get(Organization, office.organization_id),
        partner=university,
        kind="sister_school",
        status="active",
        mou_reference="MOU/KOTA/2025",
        member_schools=[school, other],
    )
    people = {
        "budi": make_user("teacher", organization=school, full_name="Budi Santoso", locale=lang),
        "agus": make_user("teacher", organization=other, full_name="Agus Wibowo", password=None),
        "chen": make_user("author", organization=university, full_name="Chen Jing", locale=lang),
    }
    return partnership, people


def test_pak_budi_runs_a_joint_workshop_of_the_city_programme(
    app, page, live_server, sign_in, city, lang, t
):
    partnership, people = city
    app.config["BASE_URL"] = live_server  # the public address the feed's links are made from
    sign_in(people["budi"])

    page.goto(f"{live_server}/exchange/partnerships")
    page.get_by_role("link", name=re.compile("Org")).first.click()  # the education office's MoU
    expect(page.get_by_role("heading", level=1)).to_contain_text("Xi'an Automotive University")
    page.get_by_role("link", name=t("Plan an activity")).click()

    indonesian, chinese = language_name("id", lang), language_name("zh", lang)
    page.get_by_label(t("Kind of activity")).select_option("joint_workshop")
    page.get_by_label(t("Title"), exact=True).fill("Lokakarya diagnosis BMS bersama")
    expect(page.get_by_label(t("Member school"), exact=True)).to_have_value(
        str(people["budi"].organization_id)
    )
    page.get_by_label(t("Start date")).fill(local_today().isoformat())
    zone = page.get_by_label(t("Time zone of these times"))
    zone.select_option("Asia/Shanghai")  # the labels follow the zone chosen
    expect(page.locator("label[for=start_time]")).to_have_text(
        t("Start time, %(zone)s", zone="CST (UTC+8)")
    )
    zone.select_option("Asia/Jakarta")
    page.get_by_label(t("Start time, %(zone)s", zone="WIB (UTC+7)")).fill("09:00")
    page.get_by_label(t("End time, %(zone)s", zone="WIB (UTC+7)")).fill("15:00")
    page.get_by_label(t("Place"), exact=True).fill("Bengkel TKRO")
    page.get_by_label(indonesian, exact=True).check()
    page.get_by_label(chinese, exact=True).check()
    page.get_by_label(t("Travel")).fill("Rp 1.500.000")  # as an Indonesian types it
    page.get_by_role("button", name=t("Save")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Lokakarya diagnosis BMS")
    facts = page.locator("dl.facts").first
    expect(facts).to_contain_text("09:00–15:00 WIB (UTC+7)")
    expect(facts).to_contain_text(indonesian)
    expect(facts).to_contain_text(chinese)
    expect(page.locator("body")).to_contain_text(format_decimal(1500000, locale=lang))

    page.get_by_role("link", name=t("Edit"), exact=True).click()  # a saved activity saves again
    page.get_by_role("button", name=t("Save")).click()
    expect(page.locator(".flash-success")).to_contain_text(t("Changes saved."))

    def add(person=None, guest=None, role="participant"):
        if person is not None:
            page.get_by_label(t("Person on the platform")).select_option(str(person.id))
        if guest is not None:
            page.get_by_label(t("Or a guest's name")).fill(guest)
        page.get_by_label(t("Role"), exact=True).last.select_option(role)
        page.get_by_role("button", name=t("Add participant")).click()
        expect(page.locator(".flash-success")).to_contain_text(t("Participant added."))

    add(person=people["chen"], role="facilitator")
    add(person=people["budi"])
    add(person=people["agus"])  # a teacher of another member school, with his account
    add(guest="Wang Fang", role="interpreter")
    expect(page.locator("#participants tbody")).to_contain_text("Agus Wibowo")

    page.get_by_role("link", name=t("Complete with report")).click()
    page.get_by_label(t("Outcomes"), exact=True).fill("Guru dapat membaca kode kesalahan BMS.")
    page.get_by_label(t("Number of hours"), exact=True).fill("6")
    page.get_by_label(t("Hours credited to %(name)s", name="Wang Fang")).fill("5,5")
    page.get_by_label(t("What follows from it")).fill("Lokakarya kedua pada bulan Maret.")
    page.get_by_role("button", name=t("Complete with this report")).click()
    expect(page.locator(".flash-success")).to_contain_text(
        t("The activity is completed and its report saved.")
    )
    rows = page.locator("#participants tbody")
    expect(rows.locator("tr", has_text="Agus Wibowo")).to_contain_text("6")
    expect(rows.locator("tr", has_text="Wang Fang")).to_contain_text(
        format_decimal(5.5, locale=lang)
    )

    page.goto(f"{live_server}/exchange/activities")
    page.get_by_role("link", name=t("Calendar feed")).click()
    page.get_by_role("button", name=t("Create the calendar address")).click()
    address = page.locator("#feed-url").input_value()
    expect(page.get_by_role("link", name=t("Subscribe in my calendar app"))).to_have_attribute(
        "href", "webcal://" + address.split("://", 1)[1]
    )
    page.get_by_role("button", name=t("Copy address")).click()
    expect(page.locator("[data-copy-status]")).not_to_be_empty()
    feed = page.request.get(address)
    assert feed.status == 200
    calendar = Calendar.from_ical(feed.body())
    event = next(e for e in calendar.walk("VEVENT") if "BMS" in str(e["summary"]))
    assert event.decoded("dtstart").hour == 9 and str(event.decoded("dtstart").tzinfo) == (
        "Asia/Jakarta"
    )
    assert [str(z["tzid"]) for z in calendar.walk("VTIMEZONE")] == ["Asia/Jakarta"]

    page.goto(f"{live_server}/profile")
    section = page.locator("#exchange-participation")
    expect(section).to_contain_text("Lokakarya diagnosis BMS bersama")
    expect(section.locator("dd").nth(1)).to_have_text("6")  # of which training and workshops

    # Ms. Chen in Xi'an reads the workshop's times in China time, with the school's own after.
    page.context.clear_cookies()
    sign_in(people["chen"])
    page.goto(f"{live_server}/exchange/activities")
    page.get_by_role("link", name="Lokakarya diagnosis BMS bersama").click()
    expect(page.locator("dl.facts").first).to_contain_text(
        "10:00–16:00 CST (UTC+8) / 09:00–15:00 WIB (UTC+7)"
    )
