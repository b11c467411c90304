"""Reading student lists (a Dapodik export or a school's own CSV/XLSX) into checked rows.

Knows nothing of the database. File-level problems (empty, unreadable, no NISN or name column,
too big) raise RosterError. Problems in single rows stay with the row, so that a preview can
list every one of them by row and column. Row numbers are the ones a spreadsheet shows.
"""

import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime

from flask_babel import lazy_gettext as _l

from eduplatform.clock import local_today
from eduplatform.people.sheets import (
    MAX_BYTES,
    Columns,
    SheetError,
    cell_text,
    data_rows,
    find_header,
    mark_duplicates,
    read_records,
)

__all__ = ["MAX_BYTES", "MAX_ROWS", "Roster", "RosterError", "RosterRow", "parse_roster"]

MAX_ROWS = 5000  # a whole school's Dapodik list; one class is chosen from it
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s.]+$")
NISN_LENGTH = 10

# Header spellings, compared after lower-casing and collapsing spaces, dots and underscores:
# the names in Dapodik's "Daftar Peserta Didik", in the template, and their English names.
STUDENT_COLUMNS = Columns(
    spellings={
        "nisn": ("nisn",),
        "full_name": (
            "nama",
            "nama lengkap",
            "nama siswa",
            "nama peserta didik",
            "name",
            "full name",
        ),
        "email": ("email", "e-mail", "surel"),
        "gender": ("jenis kelamin", "jk", "l/p", "gender", "sex"),
        "birth_date": (
            "tanggal lahir",
            "tgl lahir",
            "date of birth",
            "birth date",
            "birthdate",
            "dob",
        ),
        "birth_place": ("tempat lahir", "place of birth", "birth place", "birthplace"),
        "student_number": ("nipd", "nis", "nomor induk", "no induk", "student number"),
        "rombel": ("rombel saat ini", "rombel", "rombongan belajar"),
    },
    required=("nisn", "full_name"),
    # The headers the upload form's help text and the template use.
    help_names={
        "nisn": "NISN",
        "full_name": "Nama",
        "email": "Email",
        "gender": "JK",
        "birth_date": "Tanggal Lahir",
        "birth_place": "Tempat Lahir",
        "student_number": "NIPD",
        "rombel": "Rombel Saat Ini",
    },
)
TEMPLATE_COLUMNS = ("nisn", "full_name", "gender", "birth_place", "birth_date", "student_number")
GENDER_NAMES = {
    "L": ("l", "lk", "laki-laki", "laki laki", "pria", "m", "male"),
    "P": ("p", "pr", "perempuan", "wanita", "f", "female"),
}
GENDERS = {name: code for code, names in GENDER_NAMES.items() for name in names}
DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y")
LIMITS = {"full_name": 200, "birth_place": 100, "student_number": 30}

RosterError = SheetError


@dataclass
class RosterRow:
    row: int
    nisn: str
    full_name: str
    email: str | None = None
    gender: str | None = None
    birth_date: date | None = None
    birth_place: str | None = None
    student_number: str | None = None
    rombel: str | None = None
    nisn_padded: bool = False  # a number the spreadsheet stored without its leading zeros
    errors: list = field(default_factory=list)

    def refuse(self, column, message):
        self.errors.append({"row": self.row, "column": column, "message": message})


@dataclass
class Roster:
    rows: list
    headers: dict  # our key -> the header text as the file spells it
    ignored: list = field(default_factory=list)  # headers of the columns not imported

    @property
    def errors(self):
        return [error for row in self.rows for error in row.errors]

    @property
    def rombels(self):
        """The classes (Dapodik's "rombel") the file lists, with their number of students."""
        return Counter(row.rombel for row in self.rows if row.rombel)


def parse_roster(data: bytes) -> Roster:
    """Read a student list from the bytes of a CSV or XLSX file (recognized by content)."""
    records = read_records(data)
    header = find_header(records, STUDENT_COLUMNS)
    if header.errors:
        raise RosterError(header.errors)
    rows = data_rows(
        records,
        header,
        _read_row,
        most=MAX_ROWS,
        too_many=_l("A roster may have at most %(n)d students; split the file.", n=MAX_ROWS),
        empty=_l("The file has column names but no students."),
    )
    _mark_duplicates(rows, "nisn", header.names)
    _mark_duplicates(rows, "email", header.names)
    return Roster(rows=rows, headers=header.names, ignored=header.ignored)


def read_email_and_gender(row, cells, headers):
    """The optional email and gender columns of a person's row (students' and teachers')."""
    if "email" in cells:
        email = cell_text(cells["email"]).casefold()
        if email and (len(email) > 254 or not EMAIL_RE.match(email)):
            row.refuse(headers["email"], _l("Enter a valid email address."))
        row.email = email or None
    if "gender" in cells:
        gender = cell_text(cells["gender"])
        row.gender = GENDERS.get(gender.casefold())
        if gender and row.gender is None:
            row.refuse(headers["gender"], _l("Use L or P (laki-laki or perempuan)."))


def _read_row(number, cells, headers):
    row = RosterRow(row=number, nisn="", full_name="")
    row.nisn = _read_nisn(row, cells["nisn"], headers["nisn"])
    row.full_name = _read_text(row, cells, headers, "full_name")
    if not row.full_name:
        row.refuse(headers["full_name"], _l("The name is empty."))
    read_email_and_gender(row, cells, headers)
    if "birth_date" in cells:
        row.birth_date = _read_date(row, cells["birth_date"], headers["birth_date"])
    if "birth_place" in cells:
        row.birth_place = _read_text(row, cells, headers, "birth_place") or None
    if "student_number" in cells:
        row.student_number = _read_text(row, cells, headers, "student_number") or None
    if "rombel" in cells:
        row.rombel = cell_text(cells["rombel"])[:60] or None
    return row


def _read_text(row, cells, headers, key):
    text = cell_text(cells.get(key))
    if len(text) > LIMITS[key]:
        row.refuse(headers[key], _l("Use at most %(n)d characters.", n=LIMITS[key]))
    return text


def _read_nisn(row, value, column):
    if isinstance(value, bool | datetime | date):
        row.refuse(column, _l("A NISN is 10 digits."))
        return cell_text(value)
    if isinstance(value, int | float) and value >= 0 and float(value).is_integer():
        digits = str(int(value))
        if len(digits) < NISN_LENGTH:
            # A numeric cell lost the leading zeros; the preview marks the row to be checked.
            row.nisn_padded = True
            return digits.zfill(NISN_LENGTH)
    text = cell_text(value).lstrip("'")
    if re.fullmatch(r"\d+\.0+", text):
        text = text.split(".")[0]
    if re.fullmatch(r"\d+", text) and len(text) == NISN_LENGTH:
        return text
    if not text:
        row.refuse(column, _l("The NISN is empty."))
    elif re.fullmatch(r"\d+", text) and len(text) < NISN_LENGTH:
        row.refuse(
            column,
            _l(
                "A NISN has 10 digits; this one has %(n)d. If the file comes from Excel, "
                "a leading zero may have been lost: format the NISN column as Text and type "
                "the number again.",
                n=len(text),
            ),
        )
    elif re.fullmatch(r"[\d.,]+[eE]\+?\d+", text):
        row.refuse(
            column,
            _l("The NISN was saved as a rounded number; format the NISN column as Text."),
        )
    else:
        row.refuse(column, _l("A NISN is 10 digits."))
    return text[:40]


def _read_date(row, value, column):
    if isinstance(value, datetime):
        value = value.date()
    if not isinstance(value, date):
        text = cell_text(value)
        if not text:
            return None
        text = re.sub(r"[ T]00:00(:00)?$", "", text)
        value = None
        for pattern in DATE_FORMATS:
            try:
                value = datetime.strptime(text, pattern).date()
                break
            except ValueError:
                continue
    if value is None or not date(1900, 1, 1) <= value <= local_today():
        row.refuse(column, _l("Write the date of birth as YYYY-MM-DD or DD/MM/YYYY."))
        return None
    return value


def _mark_duplicates(rows, key, headers):
    def message(others):
        if key == "nisn":
            return _l("The same NISN is also on row %(rows)s.", rows=others)
        return _l("The same email is also on row %(rows)s.", rows=others)

    mark_duplicates(rows, key, headers.get(key), message)
