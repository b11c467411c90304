"""Ibu Rina reads the placements section of the dashboard on her phone and at her desk, in
Indonesian and in Chinese: the figures with how each is counted, the tables by company, sector
and school, and no horizontal scroll. "Today" is Monday 16 March 2026 (the hand-counted data
set of tests/dashboard/placement_data.py)."""

from datetime import datetime

import pytest
from playwright.sync_api import expect

from eduplatform.dashboard import periods, service
from tests.dashboard.conftest import city, person, quick_password_hashes  # noqa: F401 - fixtures
from tests.dashboard.placement_data import WIB, YEAR, placement_world
from tests.e2e.conftest import assert_fits_the_screen

NOW = datetime(2026, 3, 16, 10, 0, tzinfo=WIB)
HOURS_DEFINITION = (
    "Hours from arrival to leaving on the journal days at the workplace, counting only the "
    "entries the company's supervisor countersigned (approved); entries waiting for the "
    "countersign or returned to the student do not count, nor do missed days. By the day of the "
    "entry: within the chosen academic year or months, or ever. Of the chosen school's students."
)


@pytest.fixture
def office(db, city, person, monkeypatch, lang):  # noqa: F811 - the imported fixtures
    monkeypatch.setattr(periods, "local_now", lambda: NOW)
    monkeypatch.setattr(service, "local_now", lambda: NOW)
    placement_world(db, person, city.school, city.other_school, city.students, city.other_student)
    user = db.get(type(city.office), city.office.id)
    user.locale = lang
    db.add(user)
    db.commit()
    return user


def test_the_placements_section_reads_and_fits(page, live_server, sign_in, office, lang, t):
    sign_in(office)
    page.goto(f"{live_server}/dashboard/")
    section = page.locator("#placements")
    expect(
        section.get_by_role("heading", name=t("Industry placements (PKL)"), level=2)
    ).to_be_visible()
    expect(section.locator("#figure-placements_now .figure-value")).to_have_text("4")
    expect(section.locator("#figure-placement_hours .figure-value")).to_have_text(
        "63,0" if lang == "id" else "63.0"
    )
    expect(section.locator("#figure-placement_companies .figure-label")).to_have_text(
        t("Companies taking students in %(year)s", year=YEAR)
    )
    expect(section.locator("#figure-countersign_p90 .figure-value")).to_have_text("6")
    expect(section.locator("#figure-countersign_pending .figure-label")).to_have_text(
        t("Entries waiting more than %(days)d days", days=7)
    )
    section.locator("#figure-placement_hours summary").click()
    expect(section.locator("#figure-placement_hours .figure-definition p")).to_have_text(
        t(HOURS_DEFINITION)
    )

    companies = section.locator("#placement_companies")
    expect(companies.get_by_role("heading", name=t("Placements by company"))).to_be_visible()
    first = companies.locator("tbody tr").first
    expect(first.get_by_role("rowheader")).to_have_text("Bengkel EV Sejahtera")
    expect(first.locator("td").first).to_have_text(t("Dealer's workshop"))
    sectors = section.locator("#placement_sectors")
    expect(sectors.get_by_role("rowheader", name=t("Fleet operator"))).to_be_visible()
    schools = section.locator("#placement_schools")
    expect(schools.get_by_role("heading", name=t("Placements by school"))).to_be_visible()
    expect(schools.get_by_role("link", name="SMK Lain")).to_be_visible()

    section.scroll_into_view_if_needed()
    assert_fits_the_screen(page)
