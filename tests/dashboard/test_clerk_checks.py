"""What an education-office clerk checked: export times in the reporting time zone, the school
comparison under a school filter, the month filter's bounds, and a school's own headline figures.
"""

import csv
import io
import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook

from eduplatform.dashboard import exports, periods
from tests.dashboard.conftest import THIS_YEAR, text

JAKARTA = ZoneInfo("Asia/Jakarta")
# 16:09:30 UTC is 23:09:30 in Jakarta: the moment of the clerk's report.
MOMENT = datetime(2026, 11, 23, 16, 9, 30, 123456, tzinfo=UTC)


def csv_rows(response):
    return list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))


def workbook(response):
    return load_workbook(io.BytesIO(response.data))


def section(page, name):
    """The HTML of one dashboard table's section."""
    start = page.index(f'id="{name}"')
    return page[start : page.index("</section>", start)]


# -- 1. times in the reporting time zone --------------------------------------------------------


def test_export_file_name_and_about_sheet_use_the_reporting_time_zone(
    client, login, scenario, monkeypatch
):
    monkeypatch.setattr(periods, "local_now", lambda: MOMENT.astimezone(JAKARTA))
    login(scenario.office)
    response = client.get("/dashboard/export/figures.xlsx?lang=en")
    assert response.status_code == 200
    disposition = response.headers["Content-Disposition"]
    assert disposition == 'attachment; filename="dashboard-figures_2026-11-23-2309.xlsx"'
    about = dict(workbook(response)["About this file"].iter_rows(values_only=True))
    assert about["Exported at"] == datetime(2026, 11, 23, 23, 9, 30)  # local, no tzinfo
    assert about["Time zone"] == "Asia/Jakarta (UTC+07:00)"

    csv_response = client.get("/dashboard/export/figures.csv?lang=en")
    assert csv_response.headers["Content-Disposition"].endswith('_2026-11-23-2309.csv"')


def test_xlsx_data_as_of_is_a_local_date_time_cell(client, login, scenario):
    login(scenario.office)
    before = datetime.now(JAKARTA).replace(tzinfo=None, microsecond=0)
    response = client.get("/dashboard/export/figures.xlsx?lang=en")
    after = datetime.now(JAKARTA).replace(tzinfo=None)
    sheet = workbook(response).worksheets[0]  # the table first, named by its title
    rows = list(sheet.iter_rows(min_row=2))
    as_of = {row[0].value: row[3] for row in rows}
    for cell in as_of.values():
        assert isinstance(cell.value, datetime) and cell.value.tzinfo is None
        assert cell.is_date and "hh:mm" in cell.number_format
    # "Schools taking part" is counted when asked: its time is now, on the page's clock.
    assert before <= as_of["Schools taking part"].value <= after
    # The file's name carries the same local clock.
    stamp = re.search(r"_(\d{4}-\d\d-\d\d-\d{4})\.xlsx", response.headers["Content-Disposition"])
    assert stamp.group(1) in {moment.strftime("%Y-%m-%d-%H%M") for moment in (before, after)}


def test_csv_data_as_of_is_local_iso_time_with_its_offset(client, login, scenario):
    login(scenario.office)
    rows = csv_rows(client.get("/dashboard/export/figures.csv?lang=en"))
    assert rows[0][3] == "Data as of"
    now = datetime.now(JAKARTA)
    for row in rows[1:]:
        moment = datetime.fromisoformat(row[3])
        assert row[3].endswith("+07:00") and "." not in row[3]  # to the second
        assert abs(moment - now) < timedelta(days=1)


def test_export_helpers_turn_utc_into_local_time(app):
    with app.app_context():
        assert exports.file_name("months", ["2025-2026"], MOMENT, "csv") == (
            "dashboard-months_2025-2026_2026-11-23-2309.csv"
        )
        assert exports.local_time(MOMENT).isoformat() == "2026-11-23T23:09:30+07:00"
        assert exports.zone_text(MOMENT) == "Asia/Jakarta (UTC+07:00)"


# -- 2. the school comparison follows the school filter -----------------------------------------


def test_school_comparison_export_follows_the_school_filter(client, login, scenario):
    login(scenario.office)
    query = f"lang=en&year={THIS_YEAR}&school={scenario.school.id}"
    rows = csv_rows(client.get(f"/dashboard/export/schools.csv?{query}"))
    assert [row[0] for row in rows[1:]] == ["SMK Negeri 2 Surakarta"]
    assert rows[1][2:5] == ["3", "4", "1"]  # this year's students; this year's work

    book = workbook(client.get(f"/dashboard/export/schools.xlsx?{query}"))
    names = [row[0] for row in book["Schools compared"].iter_rows(min_row=2, values_only=True)]
    assert names == ["SMK Negeri 2 Surakarta"]
    about = dict(book["About this file"].iter_rows(values_only=True))
    assert about["School"] == "SMK Negeri 2 Surakarta"
    assert "Only the chosen school is shown" in about["Note"]

    everyone = csv_rows(client.get(f"/dashboard/export/schools.csv?lang=en&year={THIS_YEAR}"))
    assert {row[0] for row in everyone[1:]} == {"SMK Negeri 2 Surakarta", "SMK Lain"}


def test_school_comparison_on_the_page_follows_the_school_filter_and_says_so(
    client, login, scenario
):
    login(scenario.office)
    chosen = section(
        text(client.get(f"/dashboard/?lang=en&school={scenario.school.id}")), "schools"
    )
    assert "SMK Negeri 2 Surakarta" in chosen and "SMK Lain" not in chosen
    assert "Only the chosen school is shown" in chosen
    every = section(text(client.get("/dashboard/?lang=en")), "schools")
    assert "SMK Negeri 2 Surakarta" in every and "SMK Lain" in every
    assert "Only the chosen school is shown" not in every


# -- 3. months the filter accepts ---------------------------------------------------------------


def this_month():
    return datetime.now(JAKARTA).strftime("%Y-%m")


def this_month_in_words():
    return datetime.now(JAKARTA).strftime("%B %Y")  # "December 2026", as English reads it


def next_month():
    return periods.shift_month(this_month(), 1)


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ("since=1900-01", "since", "Choose January 2000 or a later month."),
        ("until=1999-12", "until", "Choose January 2000 or a later month."),
        ("since=1900-01&until=2026-01", "since", "Choose January 2000 or a later month."),
        ("since={next}", "since", "Choose {this} (this month) or an earlier month."),
        ("since=2026-01&until=2099-12", "until", "Choose {this} (this month) or an earlier month."),
    ],
)
def test_months_before_the_programme_or_after_this_month_are_refused_on_their_field(
    client, login, scenario, query, field, message
):
    login(scenario.office)
    query = query.format(next=next_month())
    message = message.format(this=this_month_in_words())
    response = client.get(f"/dashboard/?lang=en&{query}")
    page = text(response)
    assert response.status_code == 400
    assert f'<p class="error" id="{field}-error">{message}</p>' in page
    assert "at most 60 months" not in page  # one message: the month out of bounds
    export = client.get(f"/dashboard/export/months.csv?lang=en&{query}")
    assert export.status_code == 400


def test_a_refused_month_is_named_in_the_pages_language(client, login, scenario):
    """Never an ISO month in a message (issue 15 item 9): Chinese puts the year first."""
    login(scenario.office)

    def error(query):
        page = text(client.get(f"/dashboard/?lang=zh&{query}"))
        return re.search(r'<p class="error" id="since-error">(.*?)</p>', page)[1]

    year, month = (int(part) for part in this_month().split("-"))
    assert f"{year}年{month}月" in error(f"since={next_month()}")
    assert "2000年1月" in error("since=1900-01")
    assert not re.search(r"\d{4}-\d{2}", error("since=1900-01"))


@pytest.mark.parametrize(
    "query",
    ["since=2000-01", "since={this}", "until={this}", "since={earlier}&until={this}"],
)
def test_months_from_2000_to_this_month_are_accepted(client, login, scenario, query):
    login(scenario.office)
    query = query.format(this=this_month(), earlier=periods.shift_month(this_month(), -59))
    assert client.get(f"/dashboard/?lang=en&{query}").status_code == 200
    assert client.get(f"/dashboard/export/months.csv?lang=en&{query}").status_code == 200


# -- 4. a school's own page ---------------------------------------------------------------------


def test_a_schools_own_page_leaves_out_schools_taking_part(client, login, scenario):
    login(scenario.office)
    own = text(client.get(f"/dashboard/schools/{scenario.school.id}?lang=en"))
    assert 'id="figure-schools"' not in own and "Schools taking part" not in own
    assert 'id="figure-active_students"' in own and 'id="figure-units_verified"' in own
    # The city's page keeps it, with or without a school chosen.
    assert 'id="figure-schools"' in text(client.get("/dashboard/?lang=en"))
    filtered = text(client.get(f"/dashboard/?lang=en&school={scenario.school.id}"))
    assert 'id="figure-schools"' in filtered
    client.post("/logout")
    login(scenario.teacher)  # a teacher's dashboard is their school's own page
    assert 'id="figure-schools"' not in text(client.get("/dashboard/?lang=en"))
