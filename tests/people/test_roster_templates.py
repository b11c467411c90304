"""Empty student lists to download, and NPSNs typed with spaces (issue 15 item 12)."""

import io

import pytest
from openpyxl import load_workbook
from sqlmodel import select

from eduplatform.people.models import Organization
from eduplatform.people.roster import RosterError, parse_roster

HEADERS = ["NISN", "Nama", "JK", "Tempat Lahir", "Tanggal Lahir", "NIPD", "Email"]


def test_the_csv_template_opens_in_excel_with_the_dapodik_column_names(client, login, world):
    login(world.teacher)
    response = client.get("/rosters/template.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    assert response.data.startswith(b"\xef\xbb\xbf")  # Excel reads UTF-8 only with a BOM
    assert response.data.decode("utf-8-sig").strip().split(";") == HEADERS


def test_the_xlsx_template_keeps_nisns_as_text_and_reads_back(client, login, world):
    login(world.teacher)
    response = client.get("/rosters/template.xlsx?lang=id")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.data))
    sheet = book.worksheets[0]
    assert [c.value for c in sheet[1]] == HEADERS
    assert sheet["A2"].number_format == "@" and sheet["F2"].number_format == "@"
    assert book.sheetnames[1] == "Petunjuk"  # the instructions, in the teacher's language
    with pytest.raises(RosterError, match="no students"):
        parse_roster(response.data)  # the header is found; nothing else is in it yet
    sheet.append(["0081234567", "SITI AMINAH", "P", "Klaten", "14/03/2009", "2324001", ""])
    out = io.BytesIO()
    book.save(out)
    row = parse_roster(out.getvalue()).rows[0]
    assert (row.nisn, row.full_name, row.gender, row.student_number) == (
        "0081234567",
        "SITI AMINAH",
        "P",
        "2324001",
    )


def test_the_upload_page_links_both_templates(client, login, world):
    login(world.teacher)
    page = client.get(f"/classes/{world.cohort.id}/import").get_data(as_text=True)
    assert 'href="/rosters/template.xlsx"' in page and 'href="/rosters/template.csv"' in page


def test_an_npsn_typed_with_spaces_enrols_the_school(client, login, db, world):
    login(world.office)
    response = client.post(
        "/schools/new", data={"name": "SMK Negeri 7 Contoh", "npsn": " 2030 0077 ", "city": "Solo"}
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    school = db.exec(select(Organization).where(Organization.name == "SMK Negeri 7 Contoh")).one()
    assert school.npsn == "20300077"
