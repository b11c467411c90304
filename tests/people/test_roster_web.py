import csv
import io
import re

import openpyxl
import pytest
from itsdangerous import URLSafeSerializer
from sqlmodel import func, select
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from eduplatform.people.models import ActivationCode, Enrollment, User
from eduplatform.sqltypes import utcnow
from tests.conftest import PASSWORD
from tests.people.conftest import preview_choices, roster_csv, roster_xlsx, students
from tests.xlsx_bombs import reported_bomb, wide_row_bomb

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _upload(client, cohort_id, data, name="roster.csv"):
    return client.post(
        f"/classes/{cohort_id}/import?lang=en",
        data={"file": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
    )


def _students(db):
    return db.exec(select(func.count()).select_from(User).where(User.role == "student")).one()


def test_upload_shows_a_preview_and_writes_nothing(client, login, db, world):
    login(world.teacher)
    response = _upload(client, world.cohort.id, roster_csv(students(40)))
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Import 40 students" in page and "Nur&#39;aini Santoso 0" in page
    assert page.count('class="badge ok">New<') == 40
    assert _students(db) == 0


def test_commit_imports_the_previewed_rows_and_shows_codes_once(client, login, db, world):
    login(world.teacher)
    preview = _upload(client, world.cohort.id, roster_xlsx(students(40)), name="kelas.xlsx")
    response = client.post(
        f"/classes/{world.cohort.id}/import/commit?lang=en",
        data=preview_choices(preview.get_data(as_text=True)),
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "Roster imported" in page
    assert _students(db) == 40
    assert db.exec(select(func.count()).select_from(ActivationCode)).one() == 40
    codes = re.findall(r'<code class="act-code">(\w{4}) (\w{4})</code>', page)
    assert len(codes) == 40
    stored = db.exec(select(ActivationCode)).all()
    assert all("".join(codes[0]) not in c.code_hash for c in stored)  # only hashes are stored


def test_the_same_file_again_previews_as_unchanged(client, login, world):
    login(world.teacher)
    data = roster_csv(students(5))
    first = _upload(client, world.cohort.id, data).get_data(as_text=True)
    client.post(f"/classes/{world.cohort.id}/import/commit", data=preview_choices(first))
    again = _upload(client, world.cohort.id, data).get_data(as_text=True)
    assert again.count('class="badge">Unchanged<') == 5


def test_rejected_rows_are_listed_by_row_and_column_and_there_is_no_commit_button(
    client, login, db, world
):
    rows = students(20)
    rows[15] = ("123456789", *rows[15][1:])
    login(world.teacher)
    page = _upload(client, world.cohort.id, roster_csv(rows)).get_data(as_text=True)
    assert "Nothing was imported" in page
    assert "Import 20 students" not in page and "Import 19 students" not in page
    row_17 = re.search(r'<tr class="rejected">\s*<td class="num">17</td>.*?</tr>', page, re.S)
    assert row_17 and "Column NISN" in row_17.group(0) and "has 9" in row_17.group(0)
    assert _students(db) == 0


def test_file_level_problems_show_on_the_upload_page(client, login, world):
    login(world.teacher)
    response = _upload(client, world.cohort.id, b"Nama;Kelas\nSiti;XI\n")
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "The column &#34;NISN&#34; is missing." in page
    assert "Row 1" in page


def test_a_missing_column_is_named_as_the_upload_help_tells(client, login, world):
    login(world.teacher)
    page = _upload(client, world.cohort.id, b"NISN;Siswa\n0012345678;Siti\n").get_data(as_text=True)
    assert "the columns NISN and Nama," in page  # the help text under the file field
    assert "column Nama: The column &#34;Nama&#34; is missing." in page
    assert "&#34;Nama lengkap&#34;" in page and "&#34;Full name&#34;" in page
    assert "full name&#34; is missing" not in page


def test_text_from_the_file_is_escaped_on_the_page(client, login, world):
    login(world.teacher)
    data = b"NISN;Nama;<b>y</b>\n0012345678;<b>x</b>;z\n"
    page = _upload(client, world.cohort.id, data).get_data(as_text=True)
    assert "<b>x</b>" not in page and "&lt;b&gt;x&lt;/b&gt;" in page
    assert "<b>y</b>" not in page and "&lt;b&gt;y&lt;/b&gt;" in page  # an ignored column


def test_a_tampered_preview_payload_is_refused(client, login, db, world):
    login(world.teacher)
    forged = URLSafeSerializer("not-the-secret", salt="roster-preview").dumps(
        {
            "cohort": world.cohort.id,
            "headers": {},
            "rows": [[2, "0012345678", "X", None, None, None]],
        }
    )
    response = client.post(f"/classes/{world.cohort.id}/import/commit", data={"payload": forged})
    assert response.status_code == 400
    assert _students(db) == 0


def test_a_preview_for_one_class_cannot_be_committed_to_another(client, login, db, world):
    other = world.cohort.__class__(
        school_id=world.school.id, name="XI TKRO 2", academic_year="2025/2026"
    )
    db.add(other)
    db.commit()
    login(world.teacher)
    page = _upload(client, world.cohort.id, roster_csv(students(2))).get_data(as_text=True)
    response = client.post(f"/classes/{other.id}/import/commit", data=preview_choices(page))
    assert response.status_code == 400


def test_commit_checks_the_database_again(client, login, db, world, make_user):
    login(world.teacher)
    page = _upload(client, world.cohort.id, roster_csv(students(3))).get_data(as_text=True)
    make_user("student", organization=world.other_school, nisn="0008000001")  # meanwhile
    response = client.post(
        f"/classes/{world.cohort.id}/import/commit?lang=en", data=preview_choices(page)
    )
    assert response.status_code == 409
    text = response.get_data(as_text=True)
    assert "nothing was imported" in text and "This NISN cannot be used for this school" in text
    assert db.exec(select(func.count()).select_from(Enrollment)).one() == 0


def test_the_office_may_import_too(client, login, db, world):
    login(world.office)
    page = _upload(client, world.other_cohort.id, roster_csv(students(2))).get_data(as_text=True)
    response = client.post(
        f"/classes/{world.other_cohort.id}/import/commit", data=preview_choices(page)
    )
    assert response.status_code == 200
    assert _students(db) == 2


def _import(client, world, count=3):
    page = _upload(client, world.cohort.id, roster_csv(students(count))).get_data(as_text=True)
    done = client.post(
        f"/classes/{world.cohort.id}/import/commit?lang=en", data=preview_choices(page)
    ).get_data(as_text=True)
    return re.search(r'name="sheet" value="([^"]+)"', done).group(1), done


def test_printable_sheet_has_one_card_per_student_with_the_address(client, login, world):
    login(world.teacher)
    sheet, done = _import(client, world)
    page = client.post("/activation-codes/sheet", data={"sheet": sheet}).get_data(as_text=True)
    assert page.count('class="code-card"') == 3
    assert "http://localhost/activate" in page and "0008000002" in page
    first_code = re.search(r'<code class="act-code">(\w{4} \w{4})</code>', done).group(1)
    assert first_code in page


def test_codes_csv_download_opens_in_a_spreadsheet(client, login, world):
    login(world.teacher)
    sheet, _ = _import(client, world)
    response = client.post("/activation-codes/csv?lang=en", data={"sheet": sheet})
    assert (
        response.mimetype == "text/csv" and "attachment" in response.headers["Content-Disposition"]
    )
    rows = list(
        csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff")), delimiter=";")
    )
    assert rows[0] == ["Name", "NISN", "Activation code", "Valid until", "Address"]
    assert len(rows) == 4 and all(len(r[2]) == 8 for r in rows[1:])
    assert sorted(r[1] for r in rows[1:]) == ["0008000000", "0008000001", "0008000002"]


def _import_nisns(client, world, nisns):
    rows = [(nisn, f"Siswa {n}", None, "L", None) for n, nisn in enumerate(nisns)]
    page = _upload(client, world.cohort.id, roster_csv(rows)).get_data(as_text=True)
    done = client.post(
        f"/classes/{world.cohort.id}/import/commit?lang=en", data=preview_choices(page)
    ).get_data(as_text=True)
    return re.search(r'name="sheet" value="([^"]+)"', done).group(1), done


@pytest.mark.parametrize(
    ("lang", "title", "header"),
    [
        ("id", "Kode aktivasi", ["Nama", "NISN", "Kode aktivasi", "Berlaku sampai", "Alamat"]),
        ("zh", "激活码", ["名称", "NISN", "激活码", "有效期至", "地址"]),
    ],
)
def test_codes_workbook_keeps_nisn_and_codes_as_text(client, login, world, lang, title, header):
    """Opened by double-click, a NISN keeps its leading zeros and a code stays as written:
    text cells in the text format, under a header and a sheet name in the teacher's language."""
    login(world.teacher)
    sheet, done = _import_nisns(client, world, ["0061234567", "0000000042"])
    response = client.post(f"/activation-codes/xlsx?lang={lang}", data={"sheet": sheet})
    assert response.mimetype == XLSX
    assert response.headers["Content-Disposition"] == "attachment; filename=activation-codes.xlsx"
    assert response.headers["Cache-Control"] == "no-store"
    book = openpyxl.load_workbook(io.BytesIO(response.data))
    assert book.sheetnames == [title]
    sheet_rows = list(book[title].iter_rows())
    assert [cell.value for cell in sheet_rows[0]] == header
    by_nisn = {row[1].value: row for row in sheet_rows[1:]}
    assert set(by_nisn) == {"0061234567", "0000000042"}
    shown = dict(re.findall(r"<td>(\d{10})</td><td><code class=\"act-code\">(\w{4} \w{4})", done))
    for nisn, row in by_nisn.items():
        for cell in (row[1], row[2]):
            assert cell.data_type == "s" and cell.number_format == "@"
        assert row[2].value == shown[nisn].replace(" ", "")
        assert row[3].is_date and row[4].value == "http://localhost/activate"
    assert by_nisn["0061234567"][1].value == "0061234567"
    widths = book[title].column_dimensions
    assert widths["B"].width >= len("0061234567") and widths["E"].width >= len(row[4].value)


def test_codes_page_offers_the_workbook_first(client, login, world):
    login(world.teacher)
    _sheet, done = _import(client, world)
    buttons = re.findall(r'<button type="submit" class="(button[^"]*)">([^<]+)</button>', done)
    assert buttons[0] == ("button primary", "Download Excel (XLSX)")
    assert [label for _, label in buttons[1:3]] == ["Printable sheet", "Download CSV"]
    assert "button primary" not in {css for css, _label in buttons[1:3]}


def test_code_sheets_are_only_for_the_teacher_who_generated_them(client, login, world, make_user):
    login(world.teacher)
    sheet, _ = _import(client, world)
    client.post("/logout")
    login(make_user("teacher", organization=world.school))
    response = client.post("/activation-codes/sheet", data={"sheet": sheet})
    assert response.status_code == 302  # refused: back to the class list
    assert client.post("/activation-codes/csv", data={"sheet": "junk"}).status_code == 302
    assert client.post("/activation-codes/xlsx", data={"sheet": sheet}).status_code == 302


def test_new_codes_for_selected_students_replace_their_old_codes(client, login, db, world):
    login(world.teacher)
    _import(client, world, count=2)
    ids = [u.id for u in db.exec(select(User).where(User.role == "student")).all()]
    response = client.post(
        "/activation-codes?lang=en", data={"student": [str(ids[0])], "cohort": str(world.cohort.id)}
    )
    assert response.status_code == 200 and "Printable sheet" in response.get_data(as_text=True)
    codes = db.exec(
        select(ActivationCode).where(ActivationCode.user_id == ids[0]).order_by(ActivationCode.id)
    ).all()
    assert len(codes) == 2 and codes[0].expires_at <= codes[1].created_at


def test_reloading_the_new_codes_page_keeps_the_codes_it_showed(client, login, db, world):
    """The browser sends the form again when the page of new codes is reloaded: the class
    page's key is known, no code is issued or voided (the printed sheet still works), and the
    class page says why. The class page shown again issues new codes."""
    login(world.teacher)
    _import(client, world, count=2)
    ids = [u.id for u in db.exec(select(User).where(User.role == "student")).all()]
    page = client.get(f"/classes/{world.cohort.id}?lang=en").get_data(as_text=True)
    key = re.search(r'name="form_key" value="([0-9a-f]{32})"', page)[1]
    values = {"student": [str(ids[0])], "cohort": str(world.cohort.id), "form_key": key}
    assert client.post("/activation-codes?lang=en", data=values).status_code == 200
    shown = db.exec(select(ActivationCode).where(ActivationCode.user_id == ids[0])).all()
    live = [code for code in shown if code.expires_at > utcnow()]
    again = client.post("/activation-codes?lang=en", data=values, follow_redirects=True)
    assert "This form was sent before" in again.get_data(as_text=True)
    db.expire_all()
    after = db.exec(select(ActivationCode).where(ActivationCode.user_id == ids[0])).all()
    assert len(after) == len(shown)
    assert [c.id for c in after if c.expires_at > utcnow()] == [c.id for c in live]
    page = client.get(f"/classes/{world.cohort.id}?lang=en").get_data(as_text=True)
    fresh = re.search(r'name="form_key" value="([0-9a-f]{32})"', page)[1]
    assert fresh != key
    issued = client.post("/activation-codes?lang=en", data={**values, "form_key": fresh})
    assert issued.status_code == 200 and "Printable sheet" in issued.get_data(as_text=True)


def test_too_large_upload_is_refused(client, login, world):
    login(world.teacher)
    data = b"NISN,Name\n" + b"x" * (5 * 1024 * 1024 + 10)
    boundary, body = encode_multipart({"file": FileStorage(io.BytesIO(data), "big.csv")})
    response = client.post(
        f"/classes/{world.cohort.id}/import?lang=en",
        data=body,
        content_type=f"multipart/form-data; boundary={boundary}",
    )
    assert response.status_code == 422
    assert "larger than 5 MB" in response.get_data(as_text=True)


def test_a_deactivated_schools_class_takes_no_upload_or_commit(client, login, db, world):
    login(world.office)
    page = _upload(client, world.cohort.id, roster_csv(students(2))).get_data(as_text=True)
    world.school.active = False
    db.add(world.school)
    db.commit()
    response = client.post(f"/classes/{world.cohort.id}/import/commit", data=preview_choices(page))
    assert response.status_code == 302
    assert "This school is deactivated." in client.get(
        response.headers["Location"] + "?lang=en"
    ).get_data(as_text=True)
    assert "This school is deactivated." in _upload(
        client, world.cohort.id, roster_csv(students(2))
    ).get_data(as_text=True)
    assert _students(db) == 0


def test_the_activation_address_ignores_a_forged_host(forged_client, db, world):
    forged_client.post("/login", data={"login": world.teacher.email, "password": PASSWORD})
    sheet, _done = _import(forged_client, world)
    page = forged_client.post("/activation-codes/sheet", data={"sheet": sheet})
    listing = forged_client.post("/activation-codes/csv?lang=en", data={"sheet": sheet})
    for response in (page, listing):
        body = response.get_data(as_text=True)
        assert response.status_code == 200 and "evil.example" not in body
        assert "http://localhost/activate" in body


@pytest.mark.parametrize(
    ("bomb", "message"),
    [(reported_bomb, "compressed 411 to 1"), (wide_row_bomb, "more than 256 columns")],
)
def test_a_workbook_bomb_is_refused_on_the_upload_page_before_opening_it(
    client, login, db, world, monkeypatch, bomb, message
):
    def never(*_args, **_kwargs):
        raise AssertionError("openpyxl opened the bomb")

    monkeypatch.setattr(openpyxl, "load_workbook", never)
    login(world.teacher)
    response = _upload(client, world.cohort.id, bomb(), name="kelas.xlsx")
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert _students(db) == 0


def test_the_preview_says_a_row_cannot_be_used_never_whose_nisn_or_email_it_is(
    client, login, db, world, make_user
):
    """Issue 13.3: school B learns that a row cannot be used, not that school A has the person."""
    make_user(
        "student",
        organization=world.other_school,
        nisn="0008000000",
        full_name="Rahasia Sekolah Lain",
        email="rahasia@example.org",
    )
    make_user(
        "teacher", organization=world.other_school, full_name="Guru Lain", email="guru@example.org"
    )
    rows = students(4)
    rows[1] = (rows[1][0], rows[1][1], "guru@example.org", None, None)  # a teacher's email
    rows[2] = (rows[2][0], rows[2][1], "RAHASIA@example.org", None, None)  # a student's email
    login(world.teacher)
    page = _upload(client, world.cohort.id, roster_csv(rows)).get_data(as_text=True)
    for secret in (
        "another school",
        "already in use",
        "Rahasia",
        "Guru Lain",
        "SMK Lain",
        "teacher",
    ):
        assert secret not in page
    shown = dict(re.findall(r'<tr class="\w+">\s*<td class="num">(\d+)</td>(.*?)</tr>', page, re.S))
    assert "Column NISN" in shown["2"] and "This NISN cannot be used for this school." in shown["2"]
    assert "education office can tell you why" in shown["2"]
    email_rows = [n for n, row in shown.items() if "This email address cannot be used" in row]
    assert email_rows == ["3", "4"]  # the same words for a teacher's and a student's address
    assert _students(db) == 1  # only the other school's student: nothing was written
