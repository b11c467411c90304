"""Every table of a dashboard page in one workbook (/dashboard/export/all.xlsx): the sheet
about the file first, then one sheet per table with the rows its own XLSX export has, for the same
people and filters.
"""

import io
import re
from datetime import datetime
from pathlib import Path

import pytest
from babel.support import Translations
from openpyxl import load_workbook

import eduplatform
from eduplatform.dashboard import exports
from eduplatform.dashboard.tables import Table
from tests.dashboard.conftest import THIS_YEAR, text

PLACEMENTS = ("placement_figures", "placement_companies", "placement_sectors")
DASHBOARD_TABLES = (
    ("figures", "months", "schools", "modules", "funnel", "activities")
    + PLACEMENTS
    + ("placement_schools",)
)
SCHOOL_TABLES = ("figures", "months", "cohorts", "funnel", "activities", *PLACEMENTS)
NAMES = (
    "Siti Rahayu",
    "Agus Pratama",
    "Rina Kusuma",
    "Wati Lestari",
    "Joko Widodo Lain",
    "Budi Santoso",
    "Dewi Lestari",
    "Lecturer Zhang",
    "SMK Negeri 2 Surakarta",
    "SMK Lain",
)


def book_of(response):
    assert response.status_code == 200, response.status_code
    assert response.mimetype.endswith("spreadsheetml.sheet")
    return load_workbook(io.BytesIO(response.data))


def rows_of(sheet):
    """The sheet's values; a date-time as "<time>" (a figure counted when asked is "now")."""
    return [
        tuple("<time>" if isinstance(value, datetime) else value for value in row)
        for row in sheet.iter_rows(values_only=True)
    ]


def column_width(sheet, column):
    """The width the file gives a column (1 is A); a <col> entry may cover several columns of
    the same width, which openpyxl keys by the first one's letter."""
    (width,) = [
        dimension.width
        for dimension in sheet.column_dimensions.values()
        if dimension.min <= column <= dimension.max
    ]
    return width


def single(client, name, query):
    """The rows of one table's own XLSX export."""
    book = book_of(client.get(f"/dashboard/export/{name}.xlsx?{query}"))
    return rows_of(book[book.sheetnames[0]])


def export_all_link(page):
    return re.search(r'id="export-all" href="([^"]+)"', page).group(1)


def assert_same_as_single_exports(client, book, query, names):
    assert book.sheetnames[0] == "About this file"
    assert len(book.sheetnames) == len(names) + 1
    for sheet_name, name in zip(book.sheetnames[1:], names, strict=True):
        assert rows_of(book[sheet_name]) == single(client, name, query), name


def test_office_workbook_has_about_then_every_table_of_the_dashboard(client, login, scenario):
    login(scenario.office)
    query = f"lang=en&year={THIS_YEAR}"
    page = text(client.get(f"/dashboard/?{query}"))
    assert "Download every table (XLSX)" in page
    link = export_all_link(page)
    assert link.startswith("/dashboard/export/all.xlsx?") and "view=" not in link

    response = client.get(f"{link}&lang=en")
    book = book_of(response)
    disposition = response.headers["Content-Disposition"]
    assert re.fullmatch(
        r'attachment; filename="dashboard_2\d{3}-2\d{3}_\d{4}-\d\d-\d\d-\d{4}\.xlsx"', disposition
    )
    assert THIS_YEAR.replace("/", "-") in disposition
    assert response.headers["Cache-Control"] == "private, no-store"
    assert book.sheetnames == [
        "About this file",
        "Headline figures",
        "Units and certificates per…",  # the title cut after a word, in Excel's 31 characters
        "Schools compared",
        "Modules",
        "How far students get in EV-101",
        "Exchange activities by kind…",
        "Industry placements",
        "Placements by company",
        "Placements by sector",
        "Placements by school",
    ]
    assert_same_as_single_exports(client, book, query, DASHBOARD_TABLES)

    about = dict(book["About this file"].iter_rows(values_only=True))
    assert about["Tables"].startswith("Headline figures, Units and certificates per month, ")
    assert about["Academic year"] == THIS_YEAR and about["School"] == "Every school"
    assert isinstance(about["Exported at"], datetime) and about["Exported at"].tzinfo is None
    assert about["Time zone"].startswith("Asia/Jakarta (UTC+07:00)")

    figures = book["Headline figures"]
    values = {row[0]: row[1] for row in figures.iter_rows(min_row=2, values_only=True)}
    # every unit was verified this month, last year's class's included: all in this year
    assert values["Units verified in total"] == 5 and values["Schools taking part"] == 2
    for sheet in book.worksheets[1:]:
        assert sheet.freeze_panes == "A2"
        assert all(cell.font.b for cell in sheet[1])
        widths = [column_width(sheet, cell.column) for cell in sheet[1]]
        assert all(
            len(str(cell.value)) < width <= 60 for cell, width in zip(sheet[1], widths, strict=True)
        )


def test_workbook_follows_the_school_filter_and_the_school_page_adds_its_classes(
    client, login, scenario
):
    login(scenario.office)
    school = scenario.school.id
    query = f"lang=en&year={THIS_YEAR}&school={school}"
    book = book_of(client.get(f"/dashboard/export/all.xlsx?{query}"))
    assert_same_as_single_exports(client, book, query, DASHBOARD_TABLES)
    schools = [row[0] for row in book["Schools compared"].iter_rows(min_row=2, values_only=True)]
    assert schools == ["SMK Negeri 2 Surakarta"]
    about = dict(book["About this file"].iter_rows(values_only=True))
    assert "Only the chosen school is shown" in about["Note"]

    page = text(client.get(f"/dashboard/schools/{school}?lang=en&year={THIS_YEAR}"))
    link = export_all_link(page)
    assert "view=school" in link and f"school={school}" in link
    response = client.get(f"{link}&lang=en")
    book = book_of(response)
    assert 'filename="dashboard-school_' in response.headers["Content-Disposition"]
    assert "Classes" in book.sheetnames and "Schools compared" not in book.sheetnames
    assert rows_of(book["Classes"]) == single(client, "cohorts", query)
    # The school's page leaves out "Schools taking part" (it says nothing there).
    figures = single(client, "figures", query)
    assert rows_of(book["Headline figures"]) == [
        row for row in figures if row[0] != "Schools taking part"
    ]
    for sheet_name, name in zip(book.sheetnames[2:], SCHOOL_TABLES[1:], strict=True):
        assert rows_of(book[sheet_name]) == single(client, name, query), name

    assert client.get("/dashboard/export/all.xlsx?view=school").status_code == 404


def test_teacher_gets_their_own_schools_workbook_and_not_anothers(client, login, scenario):
    login(scenario.teacher)
    page = text(client.get("/dashboard/?lang=en"))
    book = book_of(client.get(f"{export_all_link(page)}&lang=en"))
    assert "Classes" in book.sheetnames and "Schools compared" not in book.sheetnames
    assert rows_of(book["Classes"]) == single(client, "cohorts", "lang=en")
    assert book_of(client.get("/dashboard/export/all.xlsx?lang=en")).sheetnames == book.sheetnames

    other = scenario.other_school.id
    assert client.get(f"/dashboard/export/cohorts.xlsx?school={other}").status_code == 404
    assert client.get(f"/dashboard/export/all.xlsx?school={other}").status_code == 404
    assert client.get(f"/dashboard/export/all.xlsx?school={other}&view=school").status_code == 404


def test_authors_workbook_suppresses_small_counts_and_names_no_one(client, login, scenario):
    login(scenario.author)
    query = "lang=en"
    book = book_of(client.get(f"/dashboard/export/all.xlsx?{query}"))
    names = ("figures", "months", "modules", "funnel", "activities")
    assert_same_as_single_exports(client, book, query, names)
    cells = [
        str(value)
        for sheet in book.worksheets
        for row in sheet.iter_rows(values_only=True)
        for value in row
        if value is not None
    ]
    assert exports.SMALL in cells
    for name in NAMES:
        assert not [cell for cell in cells if name in cell], name
    about = dict(book["About this file"].iter_rows(values_only=True))
    assert "Counts from 1 to 4" in about["Note"]

    school = scenario.school.id
    assert client.get(f"/dashboard/export/schools.xlsx?school={school}").status_code == 404
    assert client.get(f"/dashboard/export/all.xlsx?school={school}").status_code == 404
    assert client.get("/dashboard/export/all.xlsx?view=school").status_code == 404


@pytest.mark.parametrize(
    "query", ["year=2025-2026", "program=NOPE", "module=EV-999", "school=abc", "since=May"]
)
def test_bad_filter_values_answer_as_the_single_exports_do(client, login, scenario, query):
    login(scenario.office)
    single_response = client.get(f"/dashboard/export/months.xlsx?lang=en&{query}")
    response = client.get(f"/dashboard/export/all.xlsx?lang=en&{query}")
    assert response.status_code == single_response.status_code == 400
    assert "Some filters are not valid" in text(response)


def test_only_an_xlsx_workbook_and_only_for_dashboard_viewers(client, login, scenario):
    assert client.get("/dashboard/export/all.xlsx").status_code in (302, 401)
    login(scenario.office)
    assert client.get("/dashboard/export/all.csv").status_code == 404
    assert client.get("/dashboard/export/all.pdf").status_code == 404
    assert client.get("/dashboard/export/all.xlsx?school=999999").status_code == 404
    client.post("/logout")
    login(scenario.students[0])
    assert client.get("/dashboard/export/all.xlsx").status_code == 403


def test_sheet_titles_are_what_excel_accepts(app):
    def table(title, name="t"):
        return Table(name, title, [])

    long = "Units and certificates per month of every school"
    titles = exports.sheet_titles(
        [
            table("Figures [a/b]: *what*? \\ x"),
            table(long),
            table(long),
            table("figures [A/B]: *WHAT*? \\ X"),
            table("About"),
            table("'quoted'"),
            table("???", name="cohorts"),
            table("History"),
            table("课程与证书"),
            table("课程与证书" * 7),
        ],
        taken=["about"],
    )
    assert titles[0] == "Figures a b what x"
    assert titles[1] == "Units and certificates per…"
    assert titles[2] == "Units and certificates per… (2)"
    assert titles[3] == "figures A B WHAT X (2)"
    assert titles[4] == "About (2)" and titles[5] == "quoted" and titles[6] == "cohorts"
    assert titles[7] == "History (2)" and titles[8] == "课程与证书"
    assert titles[9] == ("课程与证书" * 7)[:30] + "…"  # no spaces: cut anywhere
    for title in titles:
        assert len(title) <= 31 and not set("[]:*?/\\") & set(title)
    assert len({title.casefold() for title in titles}) == len(titles)


@pytest.mark.parametrize("lang", ["id", "zh"])
def test_sheets_are_named_by_the_translated_titles(client, login, scenario, lang):
    login(scenario.office)
    book = book_of(client.get(f"/dashboard/export/all.xlsx?lang={lang}"))
    english = book_of(client.get("/dashboard/export/all.xlsx?lang=en"))
    assert len(book.sheetnames) == len(english.sheetnames) == len(DASHBOARD_TABLES) + 1
    assert book.sheetnames[0] == about_title(lang)
    assert not set(book.sheetnames[1:]) & set(english.sheetnames[1:])
    for title in book.sheetnames:
        assert len(title) <= 31 and not set("[]:*?/\\") & set(title)
    # A table's own workbook names its sheet as the workbook of every table does.
    months = book_of(client.get(f"/dashboard/export/months.xlsx?lang={lang}"))
    assert months.sheetnames[0] in book.sheetnames[1:]
    assert months.sheetnames[1] == about_title(lang)


def about_title(lang):
    """The sheet about the file as the language's catalogue names it (id "Keterangan")."""
    catalogue = Translations.load(str(Path(eduplatform.__file__).parent / "translations"), [lang])
    return catalogue.gettext("About this file")


@pytest.mark.parametrize("lang", ["en", "id", "zh"])
def test_the_sheet_about_the_file_is_named_in_the_readers_language(client, login, scenario, lang):
    """Not "about" for everyone: the reader's word, the same in every export of one language
    (a single table's, the whole page's, the quality figures')."""
    login(scenario.office)
    expected = about_title(lang)
    assert expected != "about" and (lang != "en" or expected == "About this file")
    book = book_of(client.get(f"/dashboard/export/all.xlsx?lang={lang}"))
    single_table = book_of(client.get(f"/dashboard/export/months.xlsx?lang={lang}"))
    assert book.sheetnames[0] == single_table.sheetnames[1] == expected
    about = list(book[expected].iter_rows(values_only=True))
    assert about[0][1].startswith(book.sheetnames[1])  # "Tables": the first table's title...


def test_the_sheet_about_the_file_keeps_to_excels_rules_whatever_the_translation(app, monkeypatch):
    """A translation with characters Excel refuses, or longer than 31, still names a sheet."""
    monkeypatch.setattr(exports, "_", lambda text: "  'Info [a/b]: *was*? \\ und mehr, viel mehr'")
    with app.test_request_context("/"):
        title = exports.about_sheet_title()
    assert title == "Info a b was und mehr, viel…"
    assert len(title) <= 31 and not set("[]:*?/\\") & set(title)
