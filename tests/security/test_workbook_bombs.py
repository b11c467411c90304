"""Workbooks made to overload the server are refused before openpyxl reads them (issue 13.10).

Each bomb is built here, in memory, the way an attacker would: a tiny, valid ZIP whose parts ask
for enormous work. The tests assert where the refusal happens (openpyxl is never called, the
streaming pass stops at the limit), never how long it took.
"""

import io
import struct
import zipfile

import openpyxl
import pytest
from openpyxl import Workbook

from eduplatform import workbooks
from eduplatform.people.roster import RosterError, parse_roster
from eduplatform.workbooks import LIMITS, WorkbookRefused, inspect_workbook, read_first_sheet
from tests.xlsx_bombs import HEADER_ROW, MAIN, shared_strings_bomb, sheet_part, strings_part, xlsx


@pytest.fixture
def openpyxl_never_called(monkeypatch):
    """Fails the test if openpyxl is asked to open anything."""

    def refuse(*_args, **_kwargs):
        raise AssertionError("openpyxl.load_workbook was called on a bomb")

    monkeypatch.setattr(openpyxl, "load_workbook", refuse)


@pytest.fixture
def elements_seen(monkeypatch):
    """How many XML elements the streaming pass looked at before it stopped."""
    seen = {"n": 0}
    start = workbooks._Part.start

    def counting(self, name, attributes):
        seen["n"] += 1
        return start(self, name, attributes)

    monkeypatch.setattr(workbooks._Part, "start", counting)
    return seen


def _refusal(data):
    with pytest.raises(WorkbookRefused) as refused:
        inspect_workbook(data)
    return str(refused.value.errors[0]["message"])


def test_the_minimal_workbook_itself_is_read():
    rows = read_first_sheet(xlsx(), max_rows=10, max_columns=3)
    assert rows == [["NISN", "Nama", None]]


def test_the_reported_65_kib_file_with_1_5_million_shared_strings_is_refused_unopened(
    openpyxl_never_called, elements_seen
):
    data = xlsx(strings=strings_part("<si><t>a</t></si>" * 1_500_000, count=1_500_000))
    assert len(data) < 100 * 1024
    assert "compressed" in _refusal(data)
    assert elements_seen["n"] == 0  # refused from the ZIP directory: nothing was unpacked


def test_too_many_shared_strings_stop_the_streaming_pass_at_the_limit(
    openpyxl_never_called, elements_seen
):
    data = xlsx(strings=strings_part("<si><t>a</t></si>" * 300_000, count=2), stored=True)
    message = _refusal(data)
    assert f"more than {LIMITS.shared_strings} different texts" in message
    # 2 elements per string: the pass stopped at the limit, not at the end of the part
    assert elements_seen["n"] < 2 * LIMITS.shared_strings + 100


def test_a_row_with_60000_cells_is_refused_at_the_column_limit(
    openpyxl_never_called, elements_seen
):
    row = '<row r="2">' + "<c/>" * 60_000 + "</row>"
    message = _refusal(xlsx(sheet=sheet_part(HEADER_ROW + row)))
    assert f"more than {LIMITS.columns} columns" in message
    assert elements_seen["n"] < LIMITS.columns + 100


def test_a_compressed_sheet_bomb_is_refused_from_the_directory(openpyxl_never_called):
    row = "<row>" + "<c><v>1</v></c>" * 200 + "</row>"
    assert "compressed" in _refusal(xlsx(sheet=sheet_part(row * 5_000)))


def test_a_cell_addressed_far_to_the_right_is_refused(openpyxl_never_called):
    row = '<row r="2"><c r="XFD2"><v>1</v></c></row>'
    assert f"more than {LIMITS.columns} columns" in _refusal(
        xlsx(sheet=sheet_part(HEADER_ROW + row))
    )


def test_a_row_numbered_a_million_is_refused(openpyxl_never_called):
    # openpyxl would hand over every empty row in between
    row = '<row r="1048576"><c r="A1048576"><v>1</v></c></row>'
    assert f"more than {LIMITS.rows} rows" in _refusal(xlsx(sheet=sheet_part(HEADER_ROW + row)))


def test_too_many_rows_are_refused(openpyxl_never_called, elements_seen):
    rows = "<row/>" * (LIMITS.rows + 10_000)
    assert f"more than {LIMITS.rows} rows" in _refusal(xlsx(sheet=sheet_part(rows)))
    assert elements_seen["n"] < LIMITS.rows + 100


def test_too_many_cells_in_a_sheet_are_refused(openpyxl_never_called):
    row = "<row>" + "<c/>" * 200 + "</row>"
    rows = row * (LIMITS.cells // 200 + 10)
    assert f"more than {LIMITS.cells} cells" in _refusal(xlsx(sheet=sheet_part(rows), stored=True))


def test_a_styles_part_with_a_million_elements_is_refused(openpyxl_never_called):
    styles = (
        f'<styleSheet xmlns="{MAIN}"><cellXfs>' + "<xf/>" * 1_000_000 + "</cellXfs></styleSheet>"
    )
    message = _refusal(xlsx(extra={"xl/styles.xml": styles}, stored=True))
    assert f"more than {LIMITS.part_elements} XML elements" in message


def test_an_entity_bomb_is_refused_at_its_doctype(openpyxl_never_called):
    laughs = (
        '<?xml version="1.0"?><!DOCTYPE sst [<!ENTITY a "aaaaaaaaaa">'
        + "".join(f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">' for i in range(8))
        + f']><sst xmlns="{MAIN}"><si><t>&i;</t></si></sst>'
    )
    assert "DOCTYPE" in _refusal(xlsx(strings=laughs))


def test_a_part_that_unpacks_too_big_is_refused_from_the_directory(
    openpyxl_never_called, elements_seen
):
    big = " " * (LIMITS.zip.member_bytes + 1)
    message = _refusal(xlsx(extra={"docProps/custom.xml": big}))
    assert f"unpacks to more than {LIMITS.zip.total_bytes // (1024 * 1024)} MB" in message
    assert elements_seen["n"] == 0  # refused from the directory, before unpacking anything


def test_a_part_packed_far_tighter_than_xml_packs_is_refused(openpyxl_never_called):
    dense = "<a>" + "0" * (4 * 1024 * 1024) + "</a>"
    assert "compressed" in _refusal(xlsx(extra={"docProps/custom.xml": dense}))


def test_too_many_parts_are_refused_before_the_directory_is_read(monkeypatch):
    extra = {f"xl/media/p{i}.xml": "<a/>" for i in range(LIMITS.zip.members + 1)}
    data = xlsx(extra=extra)

    def no_directory(*_args, **_kwargs):
        raise AssertionError("zipfile parsed the directory")

    monkeypatch.setattr(zipfile, "ZipFile", no_directory)
    assert "more parts than it should" in _refusal(data)


def _lie_about_size(data, name, size):
    """The central directory claims `size` unpacked bytes for member `name`."""
    data = bytearray(data)
    at = data.find(b"PK\x01\x02")
    while at >= 0:
        name_length = struct.unpack("<H", data[at + 28 : at + 30])[0]
        if data[at + 46 : at + 46 + name_length] == name.encode():
            data[at + 24 : at + 28] = struct.pack("<L", size)
            return bytes(data)
        at = data.find(b"PK\x01\x02", at + 4)
    raise AssertionError(name)


def test_a_member_that_lies_about_its_size_is_unreadable_not_unpacked(openpyxl_never_called):
    bomb = xlsx(strings=strings_part("<si><t>a</t></si>" * 300_000), stored=True)
    liar = _lie_about_size(bomb, "xl/sharedStrings.xml", 100)
    # zipfile never unpacks more than the directory says: the member fails its check instead
    assert "could not be read" in _refusal(liar)


def test_a_real_2000_student_workbook_passes():
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet()
    for row in range(2000):
        sheet.append([f"{row:010d}"] + [f"Teks {row} {column}" for column in range(19)])
    out = io.BytesIO()
    workbook.save(out)
    inspect_workbook(out.getvalue())
    rows = read_first_sheet(out.getvalue(), max_rows=3000, max_columns=2)
    assert len(rows) == 2000 and rows[1999] == ["0000001999", "Teks 1999 0"]


def test_the_roster_upload_refuses_a_bomb_with_the_guards_message(openpyxl_never_called):
    with pytest.raises(RosterError) as refused:
        parse_roster(shared_strings_bomb())
    assert "different texts" in str(refused.value.errors[0]["message"])
