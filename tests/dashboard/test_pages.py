"""Dashboard pages by role, bad filters, exports, and pages that follow every change at once."""

import csv
import io
import re
from datetime import timedelta

import pytest
from openpyxl import load_workbook

from eduplatform.dashboard import periods, service
from tests.conftest import PASSWORD
from tests.dashboard.conftest import THIS_YEAR, text

STUDENT_NAMES = ("Siti Rahayu", "Agus Pratama", "Rina Kusuma", "Wati Lestari")


def test_office_dashboard_shows_figures_charts_and_tables_without_student_names(
    client, login, scenario
):
    login(scenario.office)
    response = client.get("/dashboard/?lang=en")
    page = text(response)
    assert response.status_code == 200
    for heading in (
        "Schools taking part",
        "Units verified this month",
        "Units and certificates per month",
        "Schools compared",
        "How far students get in EV-101",
        "Exchange activities by kind and term",
    ):
        assert heading in page
    assert page.count("<svg") >= 5 and page.count("<table") >= 5
    assert "SMK Lain" in page and "How is this counted?" in page and "Data as of" in page
    assert not any(name in page for name in STUDENT_NAMES)
    # The CSP allows neither inline styles nor inline scripts: every script is a static file.
    assert 'style="' not in page
    scripts = re.findall(r"<script([^>]*)>(.*?)</script>", page, re.S)
    assert all('src="/static/' in attrs and not body.strip() for attrs, body in scripts)


def test_office_drills_into_a_school(client, login, scenario):
    login(scenario.office)
    response = client.get(f"/dashboard/schools/{scenario.school.id}?lang=en")
    page = text(response)
    assert response.status_code == 200
    assert "SMK Negeri 2 Surakarta" in page and "Classes" in page and "XI TKRO 1" in page
    assert "Partnerships" in page and "EV battery training" in page
    assert "Schools compared" not in page
    assert not any(name in page for name in STUDENT_NAMES)


def test_teacher_sees_their_own_school_only(client, login, scenario):
    login(scenario.teacher)
    page = text(client.get("/dashboard/?lang=en"))
    assert "SMK Negeri 2 Surakarta" in page and "Schools compared" not in page
    assert client.get(f"/dashboard/schools/{scenario.other_school.id}").status_code == 404
    assert client.get(f"/dashboard/?school={scenario.other_school.id}").status_code == 404
    assert client.get(f"/dashboard/schools/{scenario.school.id}").status_code == 200


def test_author_sees_aggregates_only_with_small_counts_suppressed(client, login, scenario):
    login(scenario.author)
    response = client.get("/dashboard/?lang=en")
    page = text(response)
    assert response.status_code == 200
    assert "&lt;5" in response.get_data(as_text=True) or "<5" in page
    assert "Schools compared" not in page and "SMK Lain" not in page
    assert not any(name in page for name in STUDENT_NAMES)
    assert client.get(f"/dashboard/schools/{scenario.school.id}").status_code == 404
    assert client.get(f"/dashboard/?school={scenario.school.id}").status_code == 404


def test_students_have_no_dashboard(client, login, scenario):
    login(scenario.students[0])
    assert client.get("/dashboard/").status_code == 403


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("year=2025-2026", "Choose an academic year such as 2025/2026."),
        ("program=NOPE", "Choose a program from the list."),
        ("module=EV-999", "Choose a module from the list."),
        ("school=abc", "Choose a school from the list."),
        ("since=2026-05&until=2026-01", "The end month is before the start month."),
        ("since=May", "Enter a month as YYYY-MM."),
    ],
)
def test_unknown_filter_values_get_a_clear_message(client, login, scenario, query, message):
    login(scenario.office)
    response = client.get(f"/dashboard/?lang=en&{query}")
    assert response.status_code == 400
    assert message in text(response)
    assert client.get(f"/dashboard/export/months.csv?lang=en&{query}").status_code == 400


def test_an_unknown_school_answers_404(client, login, scenario):
    login(scenario.office)
    assert client.get("/dashboard/?school=999999").status_code == 404
    assert client.get("/dashboard/schools/999999").status_code == 404
    assert client.get("/dashboard/export/nothing.csv").status_code == 404
    assert client.get("/dashboard/export/months.pdf").status_code == 404


def test_the_page_follows_a_verification_at_once(client, login, scenario, work):
    login(scenario.office)

    def verified_total():
        page = text(client.get("/dashboard/?lang=en"))
        start = page.index('id="figure-units_verified"')
        return page[start : start + 400]

    before = verified_total()
    assert ">5<" in before
    work.verify(scenario.other_student, "EV-102-U2")
    assert ">6<" in verified_total()


def test_a_worker_keeps_only_the_current_data_versions_pages(app, client, login, scenario, work):
    """Every unit logged or reviewed moves the data version: pages kept for an older one are
    never asked for again, so they are dropped, not held until the caches are full."""
    login(scenario.office)
    for query in ("?lang=en", "?lang=zh", "?lang=id"):
        assert client.get(f"/dashboard/{query}").status_code == 200
    pages = app.extensions["eduplatform.dashboard.pages"]
    whole = app.extensions["eduplatform.dashboard.whole_pages"]
    assert len(pages.entries) == 3 and len(whole.entries) == 3
    versions = {key[0] for key in pages.entries}
    assert len(versions) == 1

    work.verify(scenario.other_student, "EV-102-U2")
    assert client.get("/dashboard/?lang=en").status_code == 200
    assert len(pages.entries) == 1 and len(whole.entries) == 1
    assert {key[0] for key in pages.entries} != versions


def test_this_months_figure_starts_again_on_the_first_of_the_next_month(
    client, login, scenario, monkeypatch
):
    login(scenario.office)

    def this_month():
        page = text(client.get("/dashboard/?lang=en"))
        start = page.index('id="figure-units_verified_month"')
        return page[start : start + 400]

    assert ">0<" not in this_month()  # the scenario verified units this month
    next_month = periods.local_now().replace(day=28) + timedelta(days=7)
    monkeypatch.setattr(periods, "local_now", lambda: next_month)
    monkeypatch.setattr(service, "local_now", lambda: next_month)
    assert ">0<" in this_month()  # nothing changed in the data, but the calendar did


def csrf_tokens(page):
    return set(re.findall(r'name="csrf_token" value="([^"]+)"', page))


def test_a_kept_page_is_its_own_sessions_and_never_keeps_a_message(app, login, scenario):
    office, colleague = app.test_client(), app.test_client()
    for browser in (office, colleague):
        response = browser.post(
            "/login", data={"login": scenario.office.email, "password": PASSWORD}
        )
        assert response.status_code == 302
    first = text(office.get("/dashboard/"))
    assert text(office.get("/dashboard/")) == first  # read again: the kept page
    theirs = text(colleague.get("/dashboard/"))
    assert csrf_tokens(first) and csrf_tokens(theirs)
    assert not csrf_tokens(first) & csrf_tokens(theirs)  # each session its own token

    with office.session_transaction() as session:
        session["_flashes"] = [("success", "A message shown once")]
    assert "A message shown once" in text(office.get("/dashboard/"))
    assert "A message shown once" not in text(office.get("/dashboard/"))


def test_csv_export_has_the_tables_rows_with_filters_applied(client, login, scenario):
    login(scenario.office)
    response = client.get(f"/dashboard/export/schools.csv?lang=en&year={THIS_YEAR}")
    assert response.status_code == 200
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith('attachment; filename="dashboard-schools_')
    assert THIS_YEAR.replace("/", "-") in disposition and disposition.endswith('.csv"')
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0][:3] == ["School", "NPSN", "Active students"]
    by_name = {row[0]: row for row in rows[1:]}
    # students of this year's class; units verified this year (last year's class's too)
    assert by_name["SMK Negeri 2 Surakarta"][2:5] == ["3", "4", "1"]


def test_xlsx_export_has_the_table_and_what_it_shows(client, login, scenario):
    login(scenario.office)
    response = client.get("/dashboard/export/figures.xlsx?lang=en")
    assert response.status_code == 200
    assert response.mimetype.endswith("spreadsheetml.sheet")
    book = load_workbook(io.BytesIO(response.data))
    sheet = book[book.sheetnames[0]]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("Figure", "Value", "How it is counted", "Data as of")
    values = {row[0]: row[1] for row in rows[1:]}
    assert values["Units verified in total"] == 5 and values["Schools taking part"] == 2
    about = dict(book["About this file"].iter_rows(values_only=True))
    assert about["Academic year"] == "Every year"


def test_school_classes_export_and_author_exports_suppress_small_counts(client, login, scenario):
    login(scenario.office)
    response = client.get(f"/dashboard/export/cohorts.csv?lang=en&school={scenario.school.id}")
    assert response.status_code == 200 and "XI TKRO 1" in response.get_data(as_text=True)
    client.post("/logout")
    login(scenario.author)
    funnel = client.get("/dashboard/export/funnel.csv?lang=en&module=EV-101")
    assert "<5" in funnel.get_data(as_text=True)
    assert client.get("/dashboard/export/schools.csv").status_code == 404


def test_dashboard_is_in_the_menu_of_office_teacher_and_author(client, login, scenario):
    login(scenario.author)
    assert 'href="/dashboard/"' in client.get("/").get_data(as_text=True)


@pytest.mark.parametrize("lang", ["id", "en", "zh"])
def test_the_data_time_says_its_zone(client, login, scenario, lang):
    """A lecturer in China read "Data as of 7 Dec 2026 14:05" an hour off: the city's zone is
    said beside it, as beside every other time (the figures and their PDF report)."""
    login(scenario.office)
    page = text(client.get(f"/dashboard/?lang={lang}"))
    stamps = re.findall(r'<p class="muted">([^<]*)</p>', page)
    assert any(stamp.endswith(" WIB (UTC+7)") for stamp in stamps), stamps
    figures = re.findall(r'<p class="muted small">([^<]*WIB \(UTC\+7\))</p>', page)
    assert figures
