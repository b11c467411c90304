"""Reading a school's teacher list (Dapodik's GTK export, or the school's own) into checked rows.

The same header finding and column mapping as the student list (people.sheets): a title block
above the header, columns the import does not use listed once and ignored. Knows nothing of the
database. Row numbers are the ones a spreadsheet shows.
"""

import re
from dataclasses import dataclass, field
from datetime import date, datetime

from flask_babel import lazy_gettext as _l

from eduplatform.people.roster import read_email_and_gender
from eduplatform.people.sheets import (
    Columns,
    SheetError,
    cell_text,
    data_rows,
    find_header,
    mark_duplicates,
    read_records,
)

MAX_TEACHERS = 1000  # a large SMK has about 150 teachers and staff
NUPTK_LENGTH = 16
# Excel keeps 15 significant digits of a number: a 16-digit NUPTK typed into a number cell
# loses its last digit (it becomes 0).
EXCEL_DIGITS = 15

TEACHER_COLUMNS = Columns(
    spellings={
        "nuptk": ("nuptk",),
        "full_name": ("nama", "nama lengkap", "nama guru", "nama ptk", "name", "full name"),
        "email": ("email", "e-mail", "surel", "alamat email"),
        "gender": ("jenis kelamin", "jk", "l/p", "gender", "sex"),
        "kind": ("jenis ptk",),
    },
    required=("nuptk", "full_name"),
    help_names={
        "nuptk": "NUPTK",
        "full_name": "Nama",
        "email": "Email",
        "gender": "JK",
        "kind": "Jenis PTK",
    },
)
# Dapodik's "Jenis PTK" says whether someone teaches ("Guru Mapel", "Guru BK", "Kepala
# Sekolah") or is education staff ("Tenaga Administrasi Sekolah", "Laboran", ...). Only
# teachers become teacher accounts: a teacher account sees the school's students.
TEACHING = ("guru", "kepala sekolah", "instruktur")


@dataclass
class TeacherRow:
    row: int
    full_name: str
    nuptk: str | None = None
    email: str | None = None
    gender: str | None = None
    kind: str | None = None  # Dapodik's Jenis PTK, as the file spells it
    nuptk_from_number: bool = False  # a number cell: completed with leading zeros, to check
    errors: list = field(default_factory=list)

    def refuse(self, column, message):
        self.errors.append({"row": self.row, "column": column, "message": message})

    @property
    def teaches(self):
        """Whether the row is a teacher's (an empty Jenis PTK counts as one)."""
        kind = (self.kind or "").casefold()
        return not kind or any(word in kind for word in TEACHING)


@dataclass
class TeacherList:
    rows: list
    headers: dict  # our key -> the header text as the file spells it
    ignored: list = field(default_factory=list)

    @property
    def errors(self):
        return [error for row in self.rows for error in row.errors]


def parse_teacher_list(data: bytes) -> TeacherList:
    """Read a teacher list from the bytes of a CSV or XLSX file (recognized by content)."""
    records = read_records(data)
    header = find_header(records, TEACHER_COLUMNS)
    if header.errors:
        raise SheetError(header.errors)
    rows = data_rows(
        records,
        header,
        _read_row,
        most=MAX_TEACHERS,
        too_many=_l("A teacher list may have at most %(n)d rows; split the file.", n=MAX_TEACHERS),
        empty=_l("The file has column names but no teachers."),
    )
    mark_duplicates(
        rows,
        "nuptk",
        header.names["nuptk"],
        lambda others: _l("The same NUPTK is also on row %(rows)s.", rows=others),
    )
    if "email" in header.names:
        mark_duplicates(
            rows,
            "email",
            header.names["email"],
            lambda others: _l("The same email is also on row %(rows)s.", rows=others),
        )
    return TeacherList(rows=rows, headers=header.names, ignored=header.ignored)


def _read_row(number, cells, headers):
    row = TeacherRow(row=number, full_name=cell_text(cells["full_name"]))
    if not row.full_name:
        row.refuse(headers["full_name"], _l("The name is empty."))
    elif len(row.full_name) > 200:
        row.refuse(headers["full_name"], _l("Use at most %(n)d characters.", n=200))
    row.nuptk = _read_nuptk(row, cells["nuptk"], headers["nuptk"])
    read_email_and_gender(row, cells, headers)
    if "kind" in cells:
        row.kind = cell_text(cells["kind"])[:60] or None
    return row


def _read_nuptk(row, value, column):
    """The 16 digits, or None when the cell is empty (a new teacher may not have one yet)."""
    if isinstance(value, bool | datetime | date):
        row.refuse(column, _l("A NUPTK is 16 digits."))
        return None
    if isinstance(value, int | float) and value >= 0 and float(value).is_integer():
        digits = str(int(value))
        if len(digits) > EXCEL_DIGITS and digits.endswith("0"):
            row.refuse(
                column,
                _l(
                    "This NUPTK was stored as a number, and Excel keeps only 15 digits of a "
                    "number: its last digit may have become 0. Format the NUPTK column as Text "
                    "and type the number again."
                ),
            )
            return None
        if len(digits) < NUPTK_LENGTH:
            row.nuptk_from_number = True  # the number lost its leading zeros: to be checked
            return digits.zfill(NUPTK_LENGTH)
        if len(digits) == NUPTK_LENGTH:
            return digits
    text = re.sub(r"[\s-]", "", cell_text(value).lstrip("'"))
    if not text:
        return None
    if re.fullmatch(r"\d+", text) and len(text) == NUPTK_LENGTH:
        return text
    if re.fullmatch(r"[\d.,]+[eE]\+?\d+", text):
        row.refuse(
            column,
            _l("The NUPTK was saved as a rounded number; format the NUPTK column as Text."),
        )
    elif re.fullmatch(r"\d+", text):
        row.refuse(
            column,
            _l("A NUPTK has 16 digits; this one has %(n)d.", n=len(text)),
        )
    else:
        row.refuse(column, _l("A NUPTK is 16 digits."))
    return None


PAYLOAD_FIELDS = ("row", "full_name", "nuptk", "email", "gender", "kind", "nuptk_from_number")


def teachers_to_payload(teachers):
    """A checked list as plain data, for the preview's signed hidden field."""
    rows = [
        [
            *(getattr(row, name) for name in PAYLOAD_FIELDS),
            [[e["column"], str(e["message"])] for e in row.errors],
        ]
        for row in teachers.rows
    ]
    return {"headers": teachers.headers, "ignored": teachers.ignored, "rows": rows}


def teachers_from_payload(payload):
    rows = []
    for *values, errors in payload["rows"]:
        row = TeacherRow(**dict(zip(PAYLOAD_FIELDS, values, strict=True)))
        for column, message in errors:
            row.refuse(column, message)
        rows.append(row)
    return TeacherList(rows=rows, headers=payload["headers"], ignored=payload["ignored"])
