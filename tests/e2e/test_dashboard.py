"""Ibu Rina opens the dashboard, filters to one school, drills into it: charts and tables."""

from datetime import date

import pytest
from babel.dates import format_skeleton
from playwright.sync_api import expect

from tests.dashboard.conftest import (  # noqa: F401 - fixtures of the dashboard's small city
    LAST_YEAR,
    THIS_YEAR,
    city,
    person,
    quick_password_hashes,
    scenario,
    spread,
    work,
)
from tests.e2e.conftest import assert_fits_the_screen


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


def test_office_filters_to_an_academic_year_and_the_figures_add_up(
    page,
    live_server,
    sign_in,
    db,
    spread,  # noqa: F811 - the imported fixture
    lang,
    t,
):
    """Ibu Rina filters to last year, then to this year, in Indonesian and Chinese: each
    headline figure is the sum of the month chart beside it, and the page says what the year
    filter counts (issue 14 section 6)."""
    office = db.get(type(spread.office), spread.office.id)
    office.locale = lang
    db.add(office)
    db.commit()
    sign_in(office)
    page.goto(f"{live_server}/dashboard/")

    def verified_in_chart():
        cells = page.locator("#months tbody tr td:nth-of-type(2)").all_inner_texts()
        return sum(int(cell.replace(",", "").replace(".", "") or 0) for cell in cells)

    for year, total in ((LAST_YEAR, 1), (THIS_YEAR, 4)):
        page.get_by_label(t("Academic year")).select_option(year)
        page.get_by_role("button", name=t("Show")).click()
        expect(page.locator("#period-note")).to_contain_text(year)
        expect(page.locator("#figure-units_verified .figure-value")).to_have_text(str(total))
        assert verified_in_chart() == total
        assert_fits_the_screen(page)
    page.get_by_label(t("Academic year")).select_option(LAST_YEAR)
    page.get_by_role("button", name=t("Show")).click()
    june = format_skeleton("yMMMM", date(int(LAST_YEAR[5:]), 6, 1), locale=lang)
    expect(page.locator("#period-note")).to_contain_text(june)
    expect(page.locator("#figure-units_verified_month .figure-label")).to_contain_text(june)
    expect(page.locator("#figure-units_verified_month .figure-value")).to_have_text("0")
