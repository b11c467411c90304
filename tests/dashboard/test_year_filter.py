"""The academic-year filter counts every dated figure by the month it happened in (1 July to 30
June), so the headline figures and the charts never disagree (issue #14, section 6).

Before: filtered to last year a school showed this month's "units verified" beside an all-zero
month chart (the figure counted this month's work of last year's classes), and filtered to this
year the units were 0 (no class of this year had any).
"""

import re
from datetime import datetime

import pytest

from eduplatform.dashboard import service
from eduplatform.dashboard.periods import reference_month, shift_month, year_months
from eduplatform.db import new_session
from tests.dashboard.conftest import LAST_YEAR, THIS_YEAR, TODAY, text

NEXT_YEAR = f"{int(THIS_YEAR[:4]) + 1}/{int(THIS_YEAR[:4]) + 2}"
THIS_MONTH = TODAY.strftime("%Y-%m")


@pytest.fixture
def dashboard(app):
    def build(actor, **args):
        with app.test_request_context("/?lang=en"), new_session(app, write=False) as session:
            filters = service.resolve_filters(session, actor=actor, args=args)
            return service.build(session, actor=actor, filters=filters)

    return build


FILTERS = [
    {},
    {"year": THIS_YEAR},
    {"year": LAST_YEAR},
    {"year": NEXT_YEAR},
    {"year": LAST_YEAR, "school": "school"},
    {"year": THIS_YEAR, "module": "EV-101"},
    {"since": year_months(LAST_YEAR)[0], "until": THIS_MONTH},
    {"year": LAST_YEAR, "since": year_months(LAST_YEAR)[6]},
]


@pytest.mark.parametrize("args", FILTERS, ids=lambda a: ",".join(f"{k}={v}" for k, v in a.items()))
def test_headline_figures_are_the_sums_of_the_charts(spread, dashboard, args):
    args = {k: str(spread.school.id) if v == "school" else v for k, v in args.items()}
    built = dashboard(spread.office, **args)
    figures = {figure.key: figure for figure in built.figures}
    months = built.table("months").rows
    period = [row["month"] for row in months] if len(args) else None
    shown = reference_month(period, THIS_MONTH)
    by_month = {row["month"]: row for row in months}

    assert figures["units_verified_month"].value == by_month[shown]["verified"]
    if period:  # a chosen year or months: the totals are the chart's sums
        assert figures["units_verified"].value == sum(row["verified"] for row in months)
        issued = sum(row["certificates_issued"] - row["certificates_revoked"] for row in months)
        assert figures["certificates"].value == issued
    schools = built.table("schools")
    if schools is not None and not args.get("school"):
        assert sum(row["verified"] for row in schools.rows) == figures["units_verified"].value
    assert sum(row["verified"] for row in built.table("modules").rows) == (
        figures["units_verified"].value
    )
    activities = built.table("activities")
    term_column = next(
        column.key
        for column in activities.columns
        if str(column.label).endswith(shown_term_label(shown))
    )
    assert figures["activities_term"].value == sum(row[term_column] for row in activities.rows)


def shown_term_label(month):
    year, number = int(month[:4]), int(month[5:7])
    start = year if number >= 7 else year - 1
    return f"Term {1 if number >= 7 else 2} {start}/{start + 1}"


def test_last_years_figures_are_last_years_not_this_months(spread, dashboard):
    """The reported case: filtered to last year, no figure shows this month's work."""
    this_year = {f.key: f for f in dashboard(spread.office, year=THIS_YEAR).figures}
    last_year = {f.key: f for f in dashboard(spread.office, year=LAST_YEAR).figures}
    assert this_year["units_verified"].value == 4  # Siti 2, Agus 1, Joko 1 (start of year)
    assert last_year["units_verified"].value == 1  # Wati, in March
    june = year_months(LAST_YEAR)[-1]
    assert last_year["units_verified_month"].value == 0  # June of last year
    assert str(last_year["units_verified_month"].label) == (
        f"Units verified in {datetime(int(june[:4]), 6, 1):%B %Y}"
    )
    assert str(this_year["units_verified_month"].label) == "Units verified this month"
    assert last_year["activities_term"].value == 1  # the other school's March training
    assert this_year["teachers_trained"].value == 1 and last_year["teachers_trained"].value == 1
    assert last_year["active_students"].value == 0  # nobody is still in last year's class


def test_the_page_says_what_the_year_filter_counts(client, login, spread):
    login(spread.office)
    page = text(client.get(f"/dashboard/?lang=en&year={LAST_YEAR}"))
    assert 'id="period-note"' in page
    first, last = year_months(LAST_YEAR)[0], year_months(LAST_YEAR)[-1]
    assert f"from July {first[:4]} to June {last[:4]}" in page
    assert f"count the classes of {LAST_YEAR}" in page


def test_months_outside_the_chosen_year_are_refused_on_their_field(client, login, spread):
    login(spread.office)
    outside = shift_month(year_months(LAST_YEAR)[0], -1)
    page = text(client.get(f"/dashboard/?lang=en&year={LAST_YEAR}&since={outside}"))
    assert f"Choose a month of the academic year {LAST_YEAR}" in page


def test_the_chosen_years_months_read_year_first_in_chinese(client, login, spread):
    """The period note and last year's 'units verified in June' name the month as Chinese
    writes it (2026年6月), never in a European order (六月 2026) (issue 15 item 10)."""
    login(spread.office)
    first, last = year_months(LAST_YEAR)[0], year_months(LAST_YEAR)[-1]
    page = text(client.get(f"/dashboard/?lang=zh&year={LAST_YEAR}"))
    assert f"{int(first[:4])}年7月" in page and f"{int(last[:4])}年6月" in page
    assert f"六月 {last[:4]}" not in page
    indonesian = text(client.get(f"/dashboard/?lang=id&year={LAST_YEAR}"))
    assert f"Juli {first[:4]}" in indonesian and f"Juni {last[:4]}" in indonesian


def test_a_chosen_year_without_classes_shows_as_chosen(client, login, spread):
    """A year can hold events (units verified, activities) without a class of that year: the
    year filter then shows that year chosen, as the note beside it says, not 'Every year'."""
    login(spread.office)
    page = client.get("/dashboard/?lang=en&year=2019/2020").get_data(as_text=True)
    chosen = r'<option selected value="2019/2020">|<option value="2019/2020" selected'
    assert re.search(chosen, page)
    assert "(academic year 2019/2020)" in page
