"""Pak Budi imports his class from the school office's spreadsheet: preview, fix, commit."""

from playwright.sync_api import expect

from eduplatform.people.models import Cohort
from tests.people.conftest import roster_csv, students


def test_teacher_previews_fixes_and_imports_a_roster(
    page, live_server, sign_in, db, make_org, make_user
):
    school = make_org("school", name="SMK Negeri 2 Surakarta")
    teacher = make_user("teacher", organization=school, full_name="Budi Santoso", locale="en")
    cohort = Cohort(school_id=school.id, name="XI TKRO 1", academic_year="2025/2026")
    db.add(cohort)
    db.commit()
    rows = students(40)
    broken = list(rows)
    broken[15] = ("123456789", *rows[15][1:])  # Excel ate a leading zero on row 17
    sign_in(teacher)

    page.goto(f"{live_server}/classes/{cohort.id}")
    page.get_by_role("link", name="Import roster").click()
    upload = {"name": "xi-tkro-1.csv", "mimeType": "text/csv"}
    page.get_by_label("Roster file (CSV or XLSX)").set_input_files(
        {**upload, "buffer": roster_csv(broken)}
    )
    page.get_by_role("button", name="Check the file").click()

    rejected = page.locator("tr.rejected")
    expect(rejected).to_have_count(1)
    expect(rejected.locator("td").first).to_have_text("17")
    expect(rejected).to_contain_text("Column NISN")
    expect(page.get_by_text("Nothing was imported")).to_be_visible()
    expect(page.get_by_role("button", name="Import 40 students")).to_have_count(0)

    page.get_by_label("Roster file (CSV or XLSX)").set_input_files(
        {**upload, "buffer": roster_csv(rows)}
    )
    page.get_by_role("button", name="Check the file").click()
    expect(page.locator("tr.create")).to_have_count(40)
    expect(page.get_by_text("Nur'aini Santoso 0")).to_be_visible()
    page.get_by_role("button", name="Import 40 students").click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("Roster imported")
    expect(page.locator("code.act-code")).to_have_count(40)
    expect(page.get_by_role("button", name="Printable sheet")).to_be_visible()

    page.get_by_role("link", name="Back to the class").click()
    expect(page.get_by_text("Awaiting activation")).to_have_count(40)
