"""Ibu Rina opens the dashboard, filters to one school, drills into it: charts and tables."""

import pytest
from playwright.sync_api import expect

from tests.dashboard.conftest import (  # noqa: F401 - fixtures of the dashboard's small city
    city,
    person,
    quick_password_hashes,
    scenario,
    work,
)


@pytest.fixture
def office(db, scenario):  # noqa: F811 - the imported fixture
    """The office account, working in English."""
    user = db.get(type(scenario.office), scenario.office.id)
    user.locale = "en"
    db.add(user)
    db.commit()
    return user


def test_office_filters_to_a_school_and_drills_into_it(page, live_server, sign_in, office):
    sign_in(office)
    page.goto(f"{live_server}/dashboard/")
    expect(page.get_by_role("heading", name="Dashboard", level=1)).to_be_visible()
    expect(page.locator("#figure-units_verified .figure-value")).to_have_text("5")
    assert page.locator("svg.chart-svg").count() >= 5

    page.get_by_label("School", exact=True).select_option(label="SMK Negeri 2 Surakarta")
    page.get_by_role("button", name="Show").click()
    expect(page.locator("#figure-units_verified .figure-value")).to_have_text("4")

    page.locator("#schools").get_by_role("link", name="SMK Negeri 2 Surakarta").click()
    expect(page.get_by_role("heading", name="SMK Negeri 2 Surakarta", level=1)).to_be_visible()
    classes = page.locator("#cohorts")
    expect(classes.get_by_role("heading", name="Units verified per class")).to_be_visible()
    expect(classes.locator("svg.chart-svg")).to_be_visible()
    expect(classes.get_by_role("rowheader", name="XI TKRO 1").first).to_be_visible()
    expect(page.locator("#months table")).to_be_visible()
    expect(page.get_by_role("heading", name="Partnerships")).to_be_visible()
    page.locator("#figure-units_verified summary").click()
    expect(
        page.locator("#figure-units_verified").get_by_text("A student has at most one")
    ).to_be_visible()
