"""The student list a school already has: Dapodik's export as it is, and the CSVs Excel makes.

The files under tests/people/files/ are built by make_files.py with the structure of the real
exports (title block, two-row merged header, 48 columns, NISN as text or as numbers) and
made-up people. Issue 16 section 1, issue 15 item 12.
"""

import io
import json
import re
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlmodel import func, select

from eduplatform.audit.models import AuditEvent
from eduplatform.people.models import Cohort, Enrollment, User
from eduplatform.people.names import in_capitals, title_case
from eduplatform.people.roster import RosterError, parse_roster
from tests.people.conftest import preview_choices

FILES = Path(__file__).parent / "files"
DAPODIK = "dapodik_peserta_didik.xlsx"
NUMERIC = "dapodik_peserta_didik_nisn_angka.xlsx"
DAPODIK_CSV = "dapodik_peserta_didik.csv"
SCHOOL_CSV = "daftar_siswa_windows1252.csv"
FIRST_DATA_ROW = 9  # five title rows, a blank one, the two header rows


def _file(name):
    return (FILES / name).read_bytes()


def _students(db, **where):
    query = select(User).where(User.role == "student")
    for key, value in where.items():
        query = query.where(getattr(User, key) == value)
    return db.exec(query.order_by(User.nisn)).all()


def _upload(client, cohort_id, data, name):
    return client.post(
        f"/classes/{cohort_id}/import?lang=en",
        data={"file": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
    )


def _commit(client, cohort_id, page, **changes):
    return client.post(
        f"/classes/{cohort_id}/import/commit?lang=en", data=preview_choices(page, **changes)
    )


# The parser ------------------------------------------------------------------------------


def test_the_dapodik_export_is_read_below_its_title_block_and_two_row_header():
    roster = parse_roster(_file(DAPODIK))
    assert len(roster.rows) == 48 and roster.errors == []
    first = roster.rows[0]
    assert first.row == FIRST_DATA_ROW
    assert (first.nisn, first.full_name, first.gender) == ("0089900000", "AGUS RAHMAWATI", "L")
    assert (first.birth_place, first.student_number, first.rombel) == (
        "SURAKARTA",
        "2324100",
        "XI TKRO 1",
    )
    assert str(first.birth_date) == "2008-01-01"
    # the student's "Nama", never the father's "Nama" under the merged "Data Ayah"
    assert roster.headers["full_name"] == "Nama" and roster.rows[1].full_name == "SITI PRATAMA"
    assert dict(roster.rombels) == {"XI TKRO 1": 36, "XI TKRO 2": 12}


def test_unused_dapodik_columns_are_listed_once_with_their_group():
    ignored = parse_roster(_file(DAPODIK)).ignored
    assert len(ignored) == len(set(ignored)) == 39
    assert ignored[:3] == ["NIK", "Agama", "Alamat"]
    assert "Data Ayah: Nama" in ignored and "Data Ibu: NIK" in ignored
    assert "No" not in ignored and "Nama" not in ignored


def test_numeric_nisns_are_padded_back_to_the_text_export_and_marked():
    text, numeric = parse_roster(_file(DAPODIK)), parse_roster(_file(NUMERIC))
    assert [r.nisn for r in numeric.rows] == [r.nisn for r in text.rows]
    assert all(r.nisn_padded for r in numeric.rows) and not any(r.nisn_padded for r in text.rows)
    assert numeric.errors == []


def test_a_text_nisn_of_the_wrong_length_is_refused_on_its_spreadsheet_row():
    book = load_workbook(FILES / DAPODIK)
    book.active["E12"] = "089900003"  # 9 digits typed as text
    out = io.BytesIO()
    book.save(out)
    errors = parse_roster(out.getvalue()).errors
    assert [(e["row"], e["column"]) for e in errors] == [(12, "NISN")]
    assert "this one has 9" in str(errors[0]["message"])


def test_the_csv_excel_saves_from_the_export_reads_the_same_students():
    xlsx, csv = parse_roster(_file(DAPODIK)), parse_roster(_file(DAPODIK_CSV))
    fields = ("row", "nisn", "full_name", "gender", "birth_date", "birth_place", "rombel")
    assert [[getattr(r, f) for f in fields] for r in csv.rows] == [
        [getattr(r, f) for f in fields] for r in xlsx.rows
    ]
    assert csv.ignored == xlsx.ignored


def test_a_windows_1252_csv_with_excels_curly_apostrophe_is_read():
    roster = parse_roster(_file(SCHOOL_CSV))
    assert len(roster.rows) == 36 and roster.errors == []
    assert "Nur\u2019aini Pratama" in [r.full_name for r in roster.rows]


def test_a_file_without_nisn_names_the_missing_column_on_the_header_row():
    book = load_workbook(FILES / DAPODIK)
    book.active["E7"] = "Nomor Siswa"
    out = io.BytesIO()
    book.save(out)
    with pytest.raises(RosterError) as refused:
        parse_roster(out.getvalue())
    assert [(e["row"], e["column"]) for e in refused.value.errors] == [(7, "NISN")]


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("SITI RAHMAWATI", "Siti Rahmawati"),
        ("NUR'AINI PRATAMA", "Nur'aini Pratama"),
        ("WULAN AL-FATIH", "Wulan Al-Fatih"),
        ("MUHAMMAD BIN YUSUF", "Muhammad bin Yusuf"),
        ("M. RIZKI", "M. Rizki"),
    ],
)
def test_names_in_capitals_become_title_case(name, expected):
    assert in_capitals(name) and title_case(name) == expected


def test_names_already_in_mixed_case_are_not_in_capitals():
    assert not in_capitals("Siti Rahmawati") and not in_capitals("A") and not in_capitals("")


# The web upload --------------------------------------------------------------------------


def test_pak_budi_imports_the_dapodik_export_into_his_class(client, login, db, world):
    login(world.teacher)
    preview = _upload(client, world.cohort.id, _file(DAPODIK), DAPODIK)
    page = preview.get_data(as_text=True)
    assert preview.status_code == 200
    assert page.count("Columns not imported (39):") == 1 and "Data Ayah: Nama" in page
    assert "36 rows to import" in page and "12 students, not imported" in page
    assert '<option selected value="XI TKRO 1">XI TKRO 1 (36)</option>' in page
    assert "Write them in title case: &#34;Agus Rahmawati&#34;" in page
    assert "Agus Rahmawati" in page and "in the file: AGUS RAHMAWATI" in page
    assert "Import 36 students" in page and _students(db) == []

    done = _commit(client, world.cohort.id, page)
    assert done.status_code == 200 and "Roster imported" in done.get_data(as_text=True)
    students = _students(db)
    assert len(students) == 36
    agus = _students(db, nisn="0089900000")[0]
    assert (agus.full_name, agus.birth_place, agus.student_number, agus.gender) == (
        "Agus Rahmawati",
        "Surakarta",
        "2324100",
        "L",
    )
    assert _students(db, nisn="0089900002")[0].full_name == "Muhammad bin Yusuf"
    assert db.exec(select(func.count()).select_from(Enrollment)).one() == 36
    event = db.exec(select(AuditEvent).where(AuditEvent.action == "roster.imported")).one()
    assert event.details == {"created": 36, "updated": 0, "unchanged": 0, "skipped": 12}


def test_the_teacher_may_keep_names_in_capitals(client, login, db, world):
    login(world.teacher)
    page = _upload(client, world.cohort.id, _file(DAPODIK), DAPODIK).get_data(as_text=True)
    again = _commit(client, world.cohort.id, page, names="keep")
    shown = again.get_data(as_text=True)
    # a changed choice is previewed first, never imported unseen
    assert "Check the preview of your choice" in shown and _students(db) == []
    assert 'class="muted in-file"' not in shown and "AGUS RAHMAWATI" in shown
    _commit(client, world.cohort.id, shown)
    assert _students(db, nisn="0089900000")[0].full_name == "AGUS RAHMAWATI"
    assert _students(db, nisn="0089900000")[0].birth_place == "SURAKARTA"


def test_padded_nisns_are_marked_in_the_preview(client, login, db, world):
    login(world.teacher)
    page = _upload(client, world.cohort.id, _file(NUMERIC), NUMERIC).get_data(as_text=True)
    assert "36 NISNs were stored in the file as numbers" in page
    assert page.count('class="create padded"') == 36
    assert page.count("leading zeros added: check") == 36
    _commit(client, world.cohort.id, page)
    assert [s.nisn for s in _students(db)][:2] == ["0089900000", "0089900002"]


def test_another_class_of_the_file_can_be_chosen(client, login, db, world):
    login(world.teacher)
    page = _upload(client, world.cohort.id, _file(DAPODIK), DAPODIK).get_data(as_text=True)
    other = client.post(
        f"/classes/{world.cohort.id}/import/preview?lang=en",
        data=preview_choices(page, rombel="XI TKRO 2"),
    ).get_data(as_text=True)
    assert "12 rows to import" in other and "36 students, not imported" in other
    _commit(client, world.cohort.id, other)
    assert len(_students(db)) == 12
    assert {s.student_number for s in _students(db)} == {str(2324100 + i) for i in range(36, 48)}


def test_a_class_named_unlike_any_rombel_must_choose_one_first(client, login, db, world):
    cohort = Cohort(school_id=world.school.id, name="EV Pilot", academic_year="2025/2026")
    db.add(cohort)
    db.commit()
    login(world.teacher)
    page = _upload(client, cohort.id, _file(DAPODIK), DAPODIK).get_data(as_text=True)
    assert "several classes (rombel): XI TKRO 1 (36), XI TKRO 2 (12)" in page
    assert "Import " not in page and "rows to import" not in page
    refused = _commit(client, cohort.id, page)
    assert _students(db) == [] and refused.status_code in (200, 302)
    chosen = client.post(
        f"/classes/{cohort.id}/import/preview?lang=en",
        data=preview_choices(page, rombel="XI TKRO 1"),
    ).get_data(as_text=True)
    assert "Import 36 students" in chosen


def test_refused_rows_come_first_with_their_count(client, login, db, world):
    book = load_workbook(FILES / DAPODIK)
    book.active["E30"] = "12345"
    book.active["G12"] = "31/02/2009"
    out = io.BytesIO()
    book.save(out)
    login(world.teacher)
    page = _upload(client, world.cohort.id, out.getvalue(), DAPODIK).get_data(as_text=True)
    assert "2 rows cannot be imported" in page and "34 rows to import" in page
    assert page.index("2 rows cannot be imported") < page.index("34 rows to import")
    rows = re.findall(r'<tr class="(\w+)[^"]*">\s*<td class="num">(\d+)</td>', page)
    assert rows[:2] == [("rejected", "12"), ("rejected", "30")]
    assert "Import " not in page and _students(db) == []


# The command line ------------------------------------------------------------------------


def _import(runner, path, *args):
    result = runner.invoke(
        args=["roster", "import", "--school", "2030 0001", "--cohort", "XI TKRO 1", str(path)]
        + list(args)
        + ["--json"]
    )
    return result, json.loads(result.output)


def test_the_command_imports_the_dapodik_export(runner, world, db):
    result, payload = _import(runner, FILES / DAPODIK)
    assert result.exit_code == 0, result.output
    assert (payload["created"], payload["updated"], payload["unchanged"]) == (36, 0, 0)
    assert payload["errors"] == [] and payload["skipped_other_rombel"] == 12
    assert len(payload["ignored_columns"]) == 39 and "padded_nisn_rows" not in payload
    assert _students(db, nisn="0089900000")[0].full_name == "Agus Rahmawati"


def test_the_command_reports_padded_nisns_and_may_keep_capitals(runner, world, db):
    result, payload = _import(runner, FILES / NUMERIC, "--keep-capitals", "--rombel", "XI TKRO 2")
    assert result.exit_code == 0, result.output
    assert payload["created"] == 12
    assert payload["padded_nisn_rows"] == list(range(FIRST_DATA_ROW + 36, FIRST_DATA_ROW + 48))
    assert _students(db, nisn="0089900036")[0].full_name == "AGUS SAPUTRA"


def test_the_command_reads_the_windows_1252_csv(runner, world, db):
    result, payload = _import(runner, FILES / SCHOOL_CSV)
    assert result.exit_code == 0, result.output
    assert (payload["created"], payload["errors"], payload["activation_codes"]) == (36, [], 36)
    assert "ignored_columns" not in payload  # "No" only numbers the rows
    assert _students(db, nisn="0099900011")[0].full_name == "Nur\u2019aini Pratama"


def test_the_command_refuses_a_wrong_text_nisn_with_its_row(runner, world, db, tmp_path):
    lines = _file(DAPODIK_CSV).decode("utf-8-sig").split("\r\n")
    lines[16] = lines[16].replace("0089900008", "089900008")  # row 17
    path = tmp_path / "kelas.csv"
    path.write_bytes(("\ufeff" + "\r\n".join(lines)).encode())
    result, payload = _import(runner, path)
    assert result.exit_code == 1
    assert payload["errors"][0]["row"] == 17 and payload["errors"][0]["column"] == "NISN"
    assert _students(db) == []


# The CSVs through the web upload and the command line (issue 16.1: "the same for the CSV") ---


def test_the_dapodik_csv_is_imported_through_the_web_upload_like_the_xlsx(client, login, db, world):
    login(world.teacher)
    page = _upload(client, world.cohort.id, _file(DAPODIK_CSV), DAPODIK_CSV).get_data(as_text=True)
    assert page.count("Columns not imported (39):") == 1 and "Data Ayah: Nama" in page
    assert "36 rows to import" in page and "12 students, not imported" in page
    _commit(client, world.cohort.id, page)
    agus = _students(db, nisn="0089900000")[0]
    assert (agus.full_name, agus.birth_place, str(agus.birth_date)) == (
        "Agus Rahmawati",
        "Surakarta",
        "2008-01-01",
    )
    assert len(_students(db)) == 36


def test_the_windows_1252_csv_is_imported_through_the_web_upload(client, login, db, world):
    login(world.teacher)
    page = _upload(client, world.cohort.id, _file(SCHOOL_CSV), SCHOOL_CSV).get_data(as_text=True)
    assert "36 rows to import" in page and "Nur\u2019aini Pratama" in page
    _commit(client, world.cohort.id, page)
    assert _students(db, nisn="0099900011")[0].full_name == "Nur\u2019aini Pratama"


def test_the_command_imports_the_dapodik_csv(runner, world, db):
    result, payload = _import(runner, FILES / DAPODIK_CSV)
    assert result.exit_code == 0, result.output
    assert (payload["created"], payload["errors"], payload["skipped_other_rombel"]) == (36, [], 12)
    assert len(payload["ignored_columns"]) == 39
