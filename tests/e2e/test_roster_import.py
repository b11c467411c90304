"""Pak Budi imports his class from the school office's spreadsheet: preview, fix, commit."""

from pathlib import Path

from playwright.sync_api import expect
from sqlmodel import select

from eduplatform.people.models import Cohort, User
from tests.e2e.conftest import assert_fits_the_screen
from tests.people.conftest import roster_csv, students

FILES = Path(__file__).parents[1] / "people" / "files"


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
    page.get_by_label("Student list (CSV or XLSX)").set_input_files(
        {**upload, "buffer": roster_csv(broken)}
    )
    page.get_by_role("button", name="Check the file").click()

    rejected = page.locator("tr.rejected")
    expect(rejected).to_have_count(1)
    expect(rejected.locator("td").first).to_have_text("17")
    expect(rejected).to_contain_text("Column NISN")
    expect(page.get_by_text("Nothing was imported")).to_be_visible()
    expect(page.get_by_role("button", name="Import 40 students")).to_have_count(0)

    page.get_by_label("Student list (CSV or XLSX)").set_input_files(
        {**upload, "buffer": roster_csv(rows)}
    )
    page.get_by_role("button", name="Check the file").click()
    expect(page.locator("tr.create")).to_have_count(40)
    expect(page.get_by_text("Nur'aini Santoso 0")).to_be_visible()
    page.get_by_role("button", name="Import 40 students").click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("Roster imported")
    expect(page.locator("code.act-code")).to_have_count(40)
    with page.context.expect_page() as opened:  # the sheet opens in a new tab, ready to print
        page.get_by_role("button", name="Printable sheet").click()
    sheet = opened.value
    expect(sheet.locator("code.act-code")).to_have_count(40)
    expect(sheet.get_by_role("button", name="Print")).to_be_visible()  # shown by print.js
    sheet.close()

    page.get_by_role("link", name="Back to the class").click()
    expect(page.get_by_text("Awaiting activation")).to_have_count(40)

    # New codes for the whole class, a student who lost hers excepted: one tap ticks the 40,
    # the tick-all box shows "some" once one is cleared, and the 39 get new codes.
    every = page.get_by_label("Select every student")
    every.check()
    picks = page.locator("input[name=student]")
    expect(picks.and_(page.locator(":checked"))).to_have_count(40)
    page.get_by_label("Select Nur'aini Santoso 0").uncheck()
    assert every.evaluate("box => box.indeterminate && !box.checked")
    assert picks.first.evaluate("box => box.getBoundingClientRect().width") >= 20
    page.get_by_role("button", name="New activation codes for the selected students").click()
    expect(page.locator("code.act-code")).to_have_count(39)


def test_pak_budi_imports_the_dapodik_export_as_it_is(
    page, live_server, sign_in, db, make_org, make_user
):
    """Issue 16.1: the Dapodik list, NISNs turned into numbers by Excel, in Indonesian."""
    school = make_org("school", name="SMK Negeri 99 Contoh")
    teacher = make_user("teacher", organization=school, full_name="Budi Santoso")
    cohort = Cohort(school_id=school.id, name="XI TKRO 1", academic_year="2025/2026")
    db.add(cohort)
    db.commit()
    sign_in(teacher)

    page.goto(f"{live_server}/classes/{cohort.id}")
    page.get_by_role("link", name="Impor daftar siswa").click()
    page.get_by_label("Daftar siswa (CSV atau XLSX)").set_input_files(
        FILES / "dapodik_peserta_didik_nisn_angka.xlsx"
    )
    page.get_by_role("button", name="Periksa berkas").click()

    ignored = page.locator("details.ignored-columns")
    expect(ignored).to_have_count(1)
    expect(ignored).to_contain_text("Kolom yang tidak diimpor (39):")
    ignored.locator("summary").click()
    expect(ignored.get_by_text("Data Ayah: Nama", exact=False)).to_be_visible()
    expect(page.locator("p.padded-note")).to_contain_text("36 NISN tersimpan di berkas")
    expect(page.locator("tr.create.padded")).to_have_count(36)
    expect(page.get_by_label("Rombel dalam berkas yang diimpor")).to_have_value("XI TKRO 1")
    title_case = page.get_by_label('Tulis dengan huruf besar di awal kata: "Agus Rahmawati"')
    expect(title_case).to_be_checked()
    first = page.locator("tr.create").first
    expect(first).to_contain_text("Agus Rahmawati")
    expect(first).to_contain_text("di berkas: AGUS RAHMAWATI")
    expect(first).to_contain_text("NISN 0089900000")
    assert_fits_the_screen(page)

    page.get_by_role("button", name="Impor 36 siswa").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Daftar siswa diimpor")
    expect(page.locator("code.act-code")).to_have_count(36)
    assert_fits_the_screen(page)
    names = db.exec(
        select(User.full_name).where(User.organization_id == school.id, User.role == "student")
    ).all()
    assert len(names) == 36 and "Muhammad bin Yusuf" in names
