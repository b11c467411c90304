"""Bu Sari hands out activation codes from her phone: the workbook keeps every NISN as written."""

import io
from pathlib import Path

import openpyxl
import pytest
from playwright.sync_api import expect

from eduplatform.people.models import Cohort, Enrollment
from tests.e2e.conftest import assert_fits_the_screen


@pytest.mark.parametrize("viewport", [{"width": 390, "height": 844}])
def test_codes_page_on_a_phone_offers_the_workbook_and_the_csv(
    page, live_server, sign_in, db, make_org, make_user
):
    school = make_org("school", name="SMK Negeri 2 Surakarta")
    teacher = make_user("teacher", organization=school, full_name="Sari Wulandari", locale="en")
    cohort = Cohort(school_id=school.id, name="X TKRO 2", academic_year="2025/2026")
    db.add(cohort)
    db.commit()
    student = make_user(
        "student",
        organization=school,
        full_name="Dewi Lestari",
        nisn="0061234567",
        email=None,
        password=None,
    )
    db.add(Enrollment(cohort_id=cohort.id, student_id=student.id))
    db.commit()
    sign_in(teacher)

    page.goto(f"{live_server}/classes/{cohort.id}")
    page.get_by_label("Select Dewi Lestari").check()
    page.get_by_role("button", name="New activation codes for the selected students").click()
    expect(page.locator("code.act-code")).to_have_count(1)
    workbook = page.get_by_role("button", name="Download Excel (XLSX)")
    listing = page.get_by_role("button", name="Download CSV")
    for button in (workbook, listing, page.get_by_role("button", name="Printable sheet")):
        expect(button).to_be_visible()
        box = button.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 390
    assert_fits_the_screen(page)

    with page.expect_download() as downloaded:
        workbook.click()
    assert downloaded.value.suggested_filename == "activation-codes.xlsx"
    book = openpyxl.load_workbook(io.BytesIO(Path(downloaded.value.path()).read_bytes()))
    nisn = book.active["B2"]
    assert nisn.value == "0061234567" and nisn.data_type == "s"
