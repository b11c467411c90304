import contextlib
import io
from datetime import date, datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from eduplatform.errors import Invalid
from eduplatform.people.roster import MAX_ROWS, RosterError, parse_roster
from tests.people.conftest import roster_csv, roster_xlsx, students


def _messages(errors):
    return " | ".join(str(e["message"]) for e in errors)


def test_semicolon_csv_with_bom_and_apostrophes_reads_40_students():
    roster = parse_roster(roster_csv(students(40)))
    assert len(roster.rows) == 40
    first = roster.rows[0]
    assert (first.row, first.nisn, first.full_name) == (2, "0008000000", "Nur'aini Santoso 0")
    assert first.gender == "L" and first.birth_date == date(2009, 1, 1)
    assert roster.errors == []
    assert roster.headers["nisn"] == "NISN"  # the header as the file spells it (no BOM inside)


def test_comma_csv_without_bom_reads_the_same_rows():
    semicolon = parse_roster(roster_csv(students(5)))
    comma = parse_roster(roster_csv(students(5), delimiter=",", bom=False))
    assert [(r.nisn, r.full_name, r.birth_date) for r in comma.rows] == [
        (r.nisn, r.full_name, r.birth_date) for r in semicolon.rows
    ]


def test_xlsx_with_real_dates_reads_40_students():
    roster = parse_roster(roster_xlsx(students(40)))
    assert len(roster.rows) == 40 and roster.errors == []
    assert roster.rows[39].birth_date == students(40)[39][4]


def test_format_is_recognized_by_content_not_by_name():
    # parse_roster never sees a file name: an XLSX is a zip, everything else is read as text
    assert len(parse_roster(roster_xlsx(students(2))).rows) == 2
    assert len(parse_roster(roster_csv(students(2))).rows) == 2


def test_headers_match_in_indonesian_or_english_in_any_case():
    data = b"nisn;NAMA;Surel;Jenis Kelamin;Tgl. Lahir\n0012345678;Siti;S@X.org;perempuan;2009-02-03"
    row = parse_roster(data).rows[0]
    assert (row.full_name, row.email, row.gender, row.birth_date) == (
        "Siti",
        "s@x.org",
        "P",
        date(2009, 2, 3),
    )


@pytest.mark.parametrize(
    ("text", "code"),
    [("L", "L"), ("p", "P"), ("M", "L"), ("F", "P"), ("Laki-laki", "L"), ("female", "P")],
)
def test_gender_spellings(text, code):
    data = f"NISN,Name,Sex\n0012345678,Siti,{text}\n".encode()
    assert parse_roster(data).rows[0].gender == code


@pytest.mark.parametrize("text", ["2009-02-03", "03/02/2009", "03-02-2009", "2009-02-03 00:00:00"])
def test_date_spellings(text):
    data = f"NISN,Name,DOB\n0012345678,Siti,{text}\n".encode()
    assert parse_roster(data).rows[0].birth_date == date(2009, 2, 3)


def test_numeric_nisns_from_excel_get_their_leading_zeros_back_and_are_marked():
    rows = [
        ("1234567890", "Ten Digits", None, None, None),
        ("0123456789", "Lost Zero", None, None, None),
        ("0081234567", "Lost Two Zeros", None, None, None),
    ]
    roster = parse_roster(roster_xlsx(rows, numeric_nisn=True))
    assert [(r.nisn, r.nisn_padded, r.errors) for r in roster.rows] == [
        ("1234567890", False, []),
        ("0123456789", True, []),
        ("0081234567", True, []),
    ]


def test_a_nisn_typed_as_text_with_9_digits_is_still_refused_in_a_workbook():
    rows = [("123456789", "Nine As Text", None, None, None)]
    problem = parse_roster(roster_xlsx(rows)).rows[0].errors[0]
    assert (problem["row"], problem["column"]) == (2, "NISN")
    assert "format the NISN column as Text" in str(problem["message"])


def test_float_looking_nisn_in_csv_is_read():
    row = parse_roster(b"NISN,Name\n1234567890.0,Siti\n").rows[0]
    assert row.nisn == "1234567890" and not row.errors


def test_nine_digit_nisn_is_an_error_on_its_spreadsheet_row():
    rows = students(20)
    rows[15] = ("008000015"[:9], *rows[15][1:])
    roster = parse_roster(roster_csv(rows))
    errors = roster.errors
    assert len(errors) == 1
    assert (errors[0]["row"], errors[0]["column"]) == (17, "NISN")  # header is row 1
    assert "has 9" in str(errors[0]["message"])


def test_row_problems_are_listed_with_row_and_column():
    data = (
        b"NISN;Nama;Email;JK;Tanggal Lahir\n"
        b"0012345678;;not-an-email;X;31/02/2009\n"
        b"12AB;Budi;;;\n"
        b"1.23457E+09;Ani;;;\n"
    )
    errors = parse_roster(data).errors
    found = {(e["row"], e["column"]) for e in errors}
    assert found == {
        (2, "Nama"),
        (2, "Email"),
        (2, "JK"),
        (2, "Tanggal Lahir"),
        (3, "NISN"),
        (4, "NISN"),
    }
    assert "rounded number" in _messages(errors)


def test_duplicated_nisn_and_email_within_the_file_name_both_rows():
    data = b"NISN,Name,Email\n0012345678,A,a@x.org\n0012345679,B,a@x.org\n0012345678,C,\n"
    errors = parse_roster(data).errors
    assert {(e["row"], e["column"]) for e in errors} == {
        (2, "NISN"),
        (4, "NISN"),
        (2, "Email"),
        (3, "Email"),
    }
    assert "also on row 4" in _messages(errors)


def test_blank_lines_are_skipped_but_keep_row_numbers():
    roster = parse_roster(b"NISN,Name\n\n0012345678,Siti\n, \n,\n0012345679,Budi\n")
    assert [r.row for r in roster.rows] == [3, 6]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "The file is empty."),
        (b"   \n\n", "The file is empty."),
        (b"NISN,Name\n", "column names but no students"),
        (b"Name,Email\nA,a@x.org\n", 'The column "NISN" is missing.'),
        (b"NISN,Email\n0012345678,a@x.org\n", 'The column "Nama" is missing.'),
        (b"NISN,Nama,Name\n0012345678,A,B\n", "appears twice"),
        (b"\x00\x01\x02binary\x00", "neither a CSV nor an XLSX"),
        (b"PK\x03\x04not really a zip", "could not be read"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1old excel", "old Excel"),
        (b"x" * (5 * 1024 * 1024 + 1), "larger than 5 MB"),
    ],
)
def test_file_level_problems_raise_roster_error(data, message):
    with pytest.raises(RosterError) as refused:
        parse_roster(data)
    assert message in _messages(refused.value.errors)
    assert isinstance(refused.value, Invalid)


def test_a_missing_column_is_named_as_the_help_text_spells_it_with_its_aliases():
    with pytest.raises(RosterError) as refused:
        parse_roster(b"NISN,Nama Murid\n0012345678,Siti\n")
    missing = [e for e in refused.value.errors if "missing" in str(e["message"])]
    assert [e["column"] for e in missing] == ["Nama"]
    message = str(missing[0]["message"])
    assert message.startswith('The column "Nama" is missing.')
    for alias in ("Nama lengkap", "Nama siswa", "Name", "Full name"):
        assert f'"{alias}"' in message
        parse_roster(f"NISN,{alias}\n0012345678,Siti\n".encode())  # each one is accepted


def test_a_missing_column_without_aliases_lists_none():
    with pytest.raises(RosterError) as refused:
        parse_roster(b"Nama\nSiti\n")
    assert [str(e["message"]) for e in refused.value.errors] == ['The column "NISN" is missing.']


def test_other_columns_are_ignored_and_listed_once():
    roster = parse_roster(b"No;NISN;Nama;Hobby;Kelas;Hobby\n1;0012345678;A;chess;XI;go\n")
    assert roster.ignored == ["Hobby", "Kelas"]  # "No" only numbers the rows
    assert roster.errors == []


def test_windows_1252_and_utf_16_csv_files_are_read():
    for data in (
        "NISN;Nama\r\n0012345678;Müller Ñoño\r\n".encode("cp1252"),
        "NISN\tNama\r\n0012345678\tMüller Ñoño\r\n".encode("utf-16"),
    ):
        assert parse_roster(data).rows[0].full_name == "Müller Ñoño"


def test_a_missing_column_points_at_the_row_that_looks_like_the_header():
    data = b"Daftar Peserta Didik\nSMK Contoh\n\nNISN;Nama Murid;JK\n0012345678;Siti;P\n"
    with pytest.raises(RosterError) as refused:
        parse_roster(data)
    assert [(e["row"], e["column"]) for e in refused.value.errors] == [(4, "Nama")]


def test_a_zip_that_is_no_workbook_is_neither_csv_nor_xlsx():
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("hello.txt", "hi")
    with pytest.raises(RosterError) as refused:
        parse_roster(out.getvalue())
    assert "neither a CSV nor an XLSX" in _messages(refused.value.errors)


def test_more_students_than_a_school_has_are_refused():
    data = "NISN,Name\n" + "".join(f"{i:010d},S{i}\n" for i in range(MAX_ROWS + 1))
    with pytest.raises(RosterError) as refused:
        parse_roster(data.encode())
    assert f"at most {MAX_ROWS} students" in _messages(refused.value.errors)
    exactly = "NISN,Name\n" + "".join(f"{i:010d},S{i}\n" for i in range(MAX_ROWS))
    assert len(parse_roster(exactly.encode()).rows) == MAX_ROWS


def test_xlsx_with_bad_cells_reports_them_by_row():
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["NISN", "Nama", "Tanggal Lahir"])
    sheet.append([True, "Bool NISN", datetime(2009, 2, 3, 0, 0)])
    sheet.append(["0012345678", "", "tomorrow"])
    out = io.BytesIO()
    workbook.save(out)
    errors = parse_roster(out.getvalue()).errors
    assert {(e["row"], e["column"]) for e in errors} == {
        (2, "NISN"),
        (3, "Nama"),
        (3, "Tanggal Lahir"),
    }


CSVISH = st.lists(
    st.lists(
        st.one_of(
            st.text(max_size=12),
            st.sampled_from(
                [
                    "NISN",
                    "nama",
                    "email",
                    "jk",
                    "dob",
                    "0012345678",
                    "L",
                    "P",
                    "03/02/2009",
                    '"',
                    "\r",
                ]
            ),
        ),
        max_size=6,
    ),
    max_size=8,
)


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(st.binary(max_size=2000))
def test_random_bytes_raise_nothing_but_roster_error(data):
    with contextlib.suppress(RosterError):
        parse_roster(data)


@settings(max_examples=300, deadline=None)
@given(CSVISH, st.sampled_from([";", ",", "\t"]), st.booleans())
def test_random_csv_like_text_raises_nothing_but_roster_error(cells, delimiter, bom):
    text = "\n".join(delimiter.join(row) for row in cells)
    with contextlib.suppress(RosterError):
        parse_roster(("\ufeff" if bom else "").encode() + text.encode("utf-8", "surrogatepass"))


@settings(max_examples=60, deadline=None)
@given(st.binary(min_size=1, max_size=300), st.integers(min_value=0, max_value=4000))
def test_damaged_xlsx_raises_nothing_but_roster_error(noise, position):
    data = bytearray(roster_xlsx(students(3)))
    position %= len(data)
    data[position : position + len(noise)] = noise
    with contextlib.suppress(RosterError):
        parse_roster(bytes(data))
