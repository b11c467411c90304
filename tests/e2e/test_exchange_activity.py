"""Pak Budi plans a joint workshop, adds participants, completes it with a report, sees hours."""

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from eduplatform.clock import local_today
from eduplatform.exchange import partnerships


@pytest.fixture
def people(db, make_org, make_user):
    """A school's teacher (working in English) and an author at its partner university."""
    school = make_org("school", name="SMK Negeri 2 Surakarta")
    university = make_org("university", name="Xi'an Automotive University")
    partnership = partnerships.create_partnership(
        db,
        actor=make_user("office", password=None),
        school=school,
        partner=university,
        kind="university",
        status="active",
    )
    teacher = make_user("teacher", organization=school, full_name="Budi Santoso", locale="en")
    author = make_user("author", organization=university, full_name="Chen Jing", password=None)
    return partnership, teacher, author


def test_teacher_plans_and_completes_an_activity(page, live_server, sign_in, people):
    partnership, teacher, author = people
    sign_in(teacher)

    page.goto(f"{live_server}/exchange/partnerships/{partnership.id}")
    page.get_by_role("link", name="Plan an activity").click()
    page.get_by_label("Kind of activity").select_option("joint_workshop")
    page.get_by_label("Title").fill("Joint BMS diagnostics workshop")
    today = local_today()
    page.get_by_label("Start date").fill(today.isoformat())
    page.get_by_label("End date").fill((today + timedelta(days=1)).isoformat())
    page.get_by_label("Place").fill("Workshop B")
    page.get_by_label("Languages used").fill("id, zh")
    page.get_by_label("Travel").fill("1500000")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Joint BMS diagnostics workshop")

    def add(person=None, guest=None, role="participant", hours="0"):
        if person is not None:
            page.locator("#p-user_id").select_option(str(person.id))
        if guest is not None:
            page.locator("#p-guest_name").fill(guest)
        page.locator("#p-role").select_option(role)
        page.locator("#p-hours").fill(hours)
        page.get_by_role("button", name="Add participant").click()
        expect(page.locator(".flash-success")).to_contain_text("Participant added")

    add(person=teacher, hours="12")
    add(person=author, role="facilitator", hours="12")
    add(guest="Wang Fang", role="interpreter", hours="10")
    participants = page.locator("#participants tbody")
    expect(participants).to_contain_text("Chen Jing")
    expect(participants).to_contain_text("Wang Fang")

    page.get_by_role("link", name="Complete with report").click()
    page.get_by_label("Number of hours").fill("99")
    page.get_by_label("Outcomes").fill("Teachers can read BMS fault codes.")
    page.get_by_label("What follows from it").fill("A second workshop in March.")
    page.get_by_role("button", name="Complete with this report").click()
    expect(page.locator("#hours-error")).to_be_visible()  # more than two days allow
    page.get_by_label("Number of hours").fill("14")
    page.get_by_role("button", name="Complete with this report").click()
    expect(page.locator(".badge.ok").first).to_have_text("Completed")
    expect(page.locator("#report")).to_contain_text("Teachers can read BMS fault codes.")

    page.goto(f"{live_server}/exchange/activities?when=all")
    expect(page.get_by_role("link", name="Joint BMS diagnostics workshop")).to_be_visible()

    page.goto(f"{live_server}/profile")
    section = page.locator("#exchange-participation")
    expect(section).to_contain_text("Joint BMS diagnostics workshop")
    expect(section.locator("tfoot")).to_contain_text("12")
