"""The placements section of the dashboard pages and its exports: who sees what (office, teacher,
author), CSV and XLSX read back with the csv module and openpyxl, and a page that follows the
placements' own changes at once. "Today" is Monday 16 March 2026 (tests/dashboard/placement_data).
"""

import csv
import io
from datetime import datetime

import pytest
from openpyxl import load_workbook
from sqlmodel import select

from eduplatform.dashboard import periods, service
from eduplatform.db import new_session
from eduplatform.people.models import User
from eduplatform.placements import links
from eduplatform.placements import service as placement_service
from eduplatform.placements.models import JournalEntry, Placement
from tests.dashboard.conftest import text
from tests.dashboard.placement_data import WIB, YEAR, add_company, add_placement, placement_world

NOW = datetime(2026, 3, 16, 10, 0, tzinfo=WIB)
FORMULA = '=HYPERLINK("http://x.example","Klik")'


@pytest.fixture
def world(db, city, person, monkeypatch):
    monkeypatch.setattr(periods, "local_now", lambda: NOW)
    monkeypatch.setattr(service, "local_now", lambda: NOW)
    return placement_world(
        db, person, city.school, city.other_school, city.students, city.other_student
    )


def figure(page, key):
    start = page.index(f'id="figure-{key}"')
    value = page.index('class="figure-value">', start) + len('class="figure-value">')
    return page[value : page.index("<", value)]


def csv_rows(response):
    assert response.status_code == 200, response.status_code
    assert response.mimetype == "text/csv"
    return list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))


def xlsx_rows(response):
    assert response.status_code == 200, response.status_code
    book = load_workbook(io.BytesIO(response.data))
    return book, list(book[book.sheetnames[0]].iter_rows(values_only=True))


def test_office_sees_the_citys_placements_with_definitions(client, login, world, city):
    login(city.office)
    page = text(client.get("/dashboard/?lang=en"))
    assert "Industry placements (PKL)" in page
    assert figure(page, "placements_now") == "4"
    assert figure(page, "placement_hours") == "63.0"
    assert figure(page, "placement_companies") == "3"
    assert figure(page, "countersign_median") == "1" and figure(page, "countersign_p90") == "6"
    assert figure(page, "countersign_pending") == "3"
    assert f"Companies taking students in {YEAR}" in page
    assert "counting only the entries the company&#39;s supervisor countersigned" in page or (
        "counting only the entries the company's supervisor countersigned" in page
    )
    for heading in ("Placements by company", "Placements by sector", "Placements by school"):
        assert heading in page
    assert "Daur Ulang Baterai" in page and "SMK Lain" in page

    indonesian = text(client.get("/dashboard/?lang=id"))
    assert figure(indonesian, "placement_hours") == "63,0"
    assert "Praktik Kerja Lapangan (PKL)" in indonesian and "Jam di tempat PKL" in indonesian


def test_office_exports_the_placement_tables_as_csv_and_xlsx(client, login, world, city, db):
    login(city.office)

    response = client.get("/dashboard/export/placement_companies.csv?lang=en")
    assert response.headers["Content-Disposition"].startswith(
        'attachment; filename="dashboard-placement-companies_2026-03-16-'
    )
    rows = csv_rows(response)
    assert rows[0] == [
        "Company",
        "Sector",
        "Students on placement now",
        f"Students placed in {YEAR}",
        "Hours at the workplace",
    ]
    assert rows[1:] == [
        ["Bengkel EV Sejahtera", "Dealer's workshop", "2", "3", "32.0"],
        ["Armada Listrik Solo", "Fleet operator", "1", "2", "17.0"],
        ["Daur Ulang Baterai", "Battery service or recycling", "1", "1", "6.0"],
        ["Konversi Motor", "EV conversion", "0", "0", "8.0"],
    ]

    book, rows = xlsx_rows(client.get("/dashboard/export/placement_schools.xlsx?lang=en"))
    assert rows == [
        (
            "School",
            "NPSN",
            "Students on placement now",
            "Hours at the workplace",
            "Countersign delay, median (days)",
            "Countersign delay, 90th percentile (days)",
            "Entries waiting more than 7 days",
        ),
        ("SMK Lain", city.other_school.npsn, 1, 6.0, 10, 10, 1),
        ("SMK Negeri 2 Surakarta", city.school.npsn, 3, 57.0, 1, 6, 2),
    ]
    assert book.sheetnames == ["Placements by school", "About this file"]

    book, rows = xlsx_rows(
        client.get(f"/dashboard/export/placement_figures.xlsx?lang=en&year={YEAR}")
    )
    assert rows[0] == ("Figure", "Value", "How it is counted", "Data as of")
    values = {row[0]: row[1] for row in rows[1:]}
    assert values == {
        "Students on placement now": 4,
        "Hours at the workplace": 55.0,
        f"Companies taking students in {YEAR}": 3,
        "Countersign delay, median (days)": 1,
        "Countersign delay, 90th percentile (days)": 10,
        "Entries waiting more than 7 days": 3,
    }
    definitions = {row[0]: row[2] for row in rows[1:]}
    assert (
        "only the entries the company's supervisor countersigned"
        in (definitions["Hours at the workplace"])
    )
    assert isinstance(rows[1][3], datetime)
    about = dict(book["About this file"].iter_rows(values_only=True))
    assert about["Academic year"] == YEAR


def test_exports_are_excel_safe(client, login, world, city, db):
    a = add_company(db, FORMULA, "other")
    b = add_company(db, "+62 Bengkel", "other")
    wati = db.get(User, world.students["Wati"].id)
    add_placement(db, wati, a, city.school, NOW.date(), NOW.date().replace(month=6))
    eko = db.get(User, world.students["Eko"].id)
    add_placement(db, eko, b, city.school, NOW.date(), NOW.date().replace(month=6))
    login(city.office)
    rows = csv_rows(client.get("/dashboard/export/placement_companies.csv?lang=en"))
    names = [row[0] for row in rows[1:]]
    assert "'" + FORMULA in names and "'+62 Bengkel" in names
    book = load_workbook(
        io.BytesIO(client.get("/dashboard/export/placement_companies.xlsx?lang=en").data)
    )
    cells = [row[0] for row in book[book.sheetnames[0]].iter_rows(min_row=2)]
    formula_cell = next(cell for cell in cells if cell.value == FORMULA)
    assert formula_cell.data_type == "s"  # text, never run as a formula


def test_a_teacher_sees_and_exports_their_schools_placements_only(client, login, world, city):
    login(city.teacher)
    page = text(client.get("/dashboard/?lang=en"))
    assert figure(page, "placements_now") == "3"
    assert figure(page, "countersign_pending") == "2"
    assert "Daur Ulang Baterai" not in page and "Placements by school" not in page
    rows = csv_rows(client.get("/dashboard/export/placement_companies.csv?lang=en"))
    assert [row[0] for row in rows[1:]] == [
        "Bengkel EV Sejahtera",
        "Armada Listrik Solo",
        "Konversi Motor",
    ]
    other = city.other_school.id
    assert client.get(f"/dashboard/?school={other}").status_code == 404
    assert (
        client.get(f"/dashboard/export/placement_companies.csv?school={other}").status_code == 404
    )
    assert client.get("/dashboard/export/placement_schools.csv").status_code == 404

    client.post("/logout")
    login(city.other_teacher)
    rows = csv_rows(client.get("/dashboard/export/placement_figures.csv?lang=en"))
    values = {row[0]: row[1] for row in rows[1:]}
    assert values["Students on placement now"] == "1"
    assert values["Countersign delay, median (days)"] == "10"


def test_the_office_on_a_schools_page_sees_that_schools_placements(client, login, world, city):
    login(city.office)
    page = text(client.get(f"/dashboard/schools/{city.other_school.id}?lang=en"))
    assert figure(page, "placements_now") == "1"
    assert "Daur Ulang Baterai" in page and "Bengkel EV Sejahtera" not in page
    page = text(client.get(f"/dashboard/?lang=en&school={city.school.id}"))
    assert figure(page, "placements_now") == "3"


def test_authors_see_no_placements(client, login, world, city):
    login(city.author)
    page = text(client.get("/dashboard/?lang=en"))
    assert "Industry placements (PKL)" not in page and "Bengkel EV Sejahtera" not in page
    for name in ("placement_figures", "placement_companies", "placement_sectors"):
        assert client.get(f"/dashboard/export/{name}.csv").status_code == 404
    book = load_workbook(io.BytesIO(client.get("/dashboard/export/all.xlsx?lang=en").data))
    assert not [name for name in book.sheetnames if "lacement" in name]


def test_the_page_follows_status_changes_entries_and_countersigns_at_once(
    app, client, login, world, city, db
):
    login(city.office)
    page = text(client.get("/dashboard/?lang=en"))
    assert figure(page, "placements_now") == "4" and figure(page, "countersign_pending") == "3"
    siti = world.placements["Siti"]
    with app.test_request_context("/?lang=en"), new_session(app) as session:
        teacher = session.get(User, city.teacher.id)
        placement_service.change_status(
            session, actor=teacher, placement=session.get(Placement, siti.id), action="finish"
        )
    assert figure(text(client.get("/dashboard/?lang=en")), "placements_now") == "3"

    agus = world.placements["Agus"]
    waiting = db.exec(
        select(JournalEntry).where(
            JournalEntry.placement_id == agus.id, JournalEntry.status == "pending"
        )
    ).all()
    oldest = min(waiting, key=lambda e: e.updated_at)
    with app.test_request_context("/?lang=en"), new_session(app) as session:
        teacher = session.get(User, city.teacher.id)
        _token, link = links.issue_link(
            session,
            actor=teacher,
            placement=session.get(Placement, agus.id),
            purpose="countersign",
        )
        links.countersign(session, link=link, entry_id=oldest.id, decision="approve")
    page = text(client.get("/dashboard/?lang=en"))
    assert figure(page, "countersign_pending") == "2"
    assert figure(page, "placement_hours") == "71.0"  # Agus's 4 March, 08:00 to 16:00


def test_the_printable_report_has_the_placement_tables(client, login, world, city):
    from tests.dashboard.test_report import flat, report_text

    login(city.office)
    response = client.get("/dashboard/report.pdf?lang=en")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    words = flat(report_text(response))
    for title in ("Industry placements", "Placements by company", "Placements by school"):
        assert flat(title) in words, title
    assert flat("Daur Ulang Baterai") in words


def test_the_rollups_follow_every_kind_of_change_and_match_a_rebuild(
    app, client, login, world, city, db, consistent
):
    """Entries written, changed, countersigned one by one and by the week, returned, a placement
    finished and one deleted: the placement rollups equal the journals after each."""
    from datetime import date, time

    from eduplatform.placements import journal

    consistent()
    rina = world.placements["Rina"]
    with app.test_request_context("/?lang=en"), new_session(app) as session:
        student = session.get(User, city.students[2].id)
        placement = session.get(Placement, rina.id)
        entry = journal.write_entry(
            session, actor=student, placement=placement, day=date(2026, 3, 10), kind="present",
            arrived_at=time(8), left_at=time(15), activities="Checked cells.",
            today=date(2026, 3, 16),
        )  # fmt: skip
    consistent()
    with app.test_request_context("/?lang=en"), new_session(app) as session:
        teacher = session.get(User, city.teacher.id)
        _token, link = links.issue_link(
            session, actor=teacher, placement=session.get(Placement, rina.id),
            purpose="countersign",
        )  # fmt: skip
        links.countersign(session, link=link, entry_id=entry.id, decision="return", comment="More.")
    consistent()
    with app.test_request_context("/?lang=en"), new_session(app) as session:
        student = session.get(User, city.students[2].id)
        journal.change_entry(
            session, actor=student, entry=session.get(JournalEntry, entry.id), kind="present",
            arrived_at=time(8), left_at=time(16), activities="Checked every cell.",
            today=date(2026, 3, 16),
        )  # fmt: skip
    consistent()
    with app.test_request_context("/?lang=en"), new_session(app) as session:
        link = session.get(type(link), link.id)
        assert links.approve_week(session, link=link, week_start=date(2026, 3, 9)) == 1
    consistent()
    login(city.office)
    page = text(client.get("/dashboard/?lang=en"))
    assert figure(page, "placement_hours") == "71.0"  # Rina's 10 March, 08:00 to 16:00

    joko = world.placements["Joko"]
    with new_session(app) as session:
        session.delete(session.get(Placement, joko.id))
        session.commit()
    consistent()
    page = text(client.get("/dashboard/?lang=en"))
    assert figure(page, "placement_hours") == "65.0" and figure(page, "countersign_pending") == "2"


def test_a_journal_change_adds_its_difference_and_never_recomputes_a_school(
    app, world, city, consistent, monkeypatch
):
    """Writing, changing, countersigning and deleting entries add each entry's difference; only
    moving a placement to another company (all its entries' keys change) recomputes a school."""
    from datetime import date, time

    from eduplatform.dashboard import placements
    from eduplatform.placements import journal

    recomputed = []
    whole = placements.recompute
    monkeypatch.setattr(
        placements,
        "recompute",
        lambda session, ids=None: recomputed.append(ids) or whole(session, ids),
    )
    rina = world.placements["Rina"]
    with app.test_request_context("/?lang=en"), new_session(app) as session:
        student = session.get(User, city.students[2].id)
        entries = [
            journal.write_entry(
                session,
                actor=student,
                placement=session.get(Placement, rina.id),
                day=date(2026, 3, day),
                kind="present",
                arrived_at=time(8),
                left_at=time(15),
                activities="Checked cells.",
                today=date(2026, 3, 16),
            )  # fmt: skip
            for day in (9, 10, 11)
        ]
    consistent()
    with app.test_request_context("/?lang=en"), new_session(app) as session:
        teacher = session.get(User, city.teacher.id)
        _token, link = links.issue_link(
            session, actor=teacher, placement=session.get(Placement, rina.id),
            purpose="countersign",
        )  # fmt: skip
        links.countersign(session, link=link, entry_id=entries[0].id, decision="approve")
        links.countersign(
            session, link=link, entry_id=entries[1].id, decision="return", comment="More."
        )
    consistent()
    with new_session(app) as session:  # the ORM's own changes: an edit and a deletion
        entry = session.get(JournalEntry, entries[0].id)
        entry.left_at = time(17)
        session.delete(session.get(JournalEntry, entries[2].id))
        session.commit()
    consistent()
    assert recomputed == []
    with new_session(app) as session:
        placement = session.get(Placement, rina.id)
        placement.company_id = world.companies["D"].id
        session.commit()
    consistent()
    assert recomputed == [{rina.school_id}]
