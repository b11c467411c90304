"""Reading roster files (CSV or XLSX) into checked rows; knows nothing of the database.

File-level problems (empty, unreadable, wrong headers, too big) raise RosterError. Problems in
single rows stay with the row, so that a preview can list every one of them by row and column.
Row numbers are the ones a spreadsheet shows: the header is row 1.
"""

import csv
import io
import itertools
import re
import warnings
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime

from babel.lists import format_list
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from eduplatform.clock import local_today
from eduplatform.errors import Invalid

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 2000
MAX_COLUMNS = 64
MAX_RECORDS = 20 * MAX_ROWS  # blank lines included: a bound on the work a file can ask for
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s.]+$")

# Header spellings, compared after lower-casing and collapsing spaces, dots and underscores.
HEADER_NAMES = {
    "nisn": ("nisn",),
    "full_name": ("nama", "nama lengkap", "nama siswa", "name", "full name"),
    "email": ("email", "e-mail", "surel"),
    "gender": ("jenis kelamin", "jk", "l/p", "gender", "sex"),
    "birth_date": ("tanggal lahir", "tgl lahir", "date of birth", "birth date", "birthdate", "dob"),
}
HEADERS = {name: key for key, names in HEADER_NAMES.items() for name in names}
# A numbering column ("No") is what school exports start with; it carries nothing to import.
IGNORED_HEADERS = {"no", "nomor", "#"}
# The headers the upload form's help text tells teachers to type ("Columns: NISN, Nama, ...").
COLUMN_NAMES = {
    "nisn": "NISN",
    "full_name": "Nama",
    "email": "Email",
    "gender": "Jenis kelamin",
    "birth_date": "Tanggal lahir",
}
REQUIRED = ("nisn", "full_name")
GENDER_NAMES = {
    "L": ("l", "lk", "laki-laki", "laki laki", "pria", "m", "male"),
    "P": ("p", "pr", "perempuan", "wanita", "f", "female"),
}
GENDERS = {name: code for code, names in GENDER_NAMES.items() for name in names}
DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y")


class RosterError(Invalid):
    """The roster file as a whole was refused; nothing was read from it."""


@dataclass
class RosterRow:
    row: int
    nisn: str
    full_name: str
    email: str | None = None
    gender: str | None = None
    birth_date: date | None = None
    errors: list = field(default_factory=list)

    def refuse(self, column, message):
        self.errors.append({"row": self.row, "column": column, "message": message})


@dataclass
class Roster:
    rows: list
    headers: dict  # our key -> the header text as the file spells it

    @property
    def errors(self):
        return [error for row in self.rows for error in row.errors]


def _file_error(message, row=None, column=None):
    return RosterError([{"row": row, "column": column, "message": message}])


def parse_roster(data: bytes) -> Roster:
    """Read a roster from the bytes of a CSV or XLSX file (recognized by content, not name)."""
    if len(data) > MAX_BYTES:
        raise _file_error(_l("The file is larger than 5 MB."))
    if not data.strip():
        raise _file_error(_l("The file is empty."))
    if data.startswith(b"PK\x03\x04"):
        records = _xlsx_records(data)
    elif data.startswith(b"\xd0\xcf\x11\xe0"):
        raise _file_error(
            _l("This is an old Excel (.xls) file. Save it as .xlsx or as CSV UTF-8 and try again.")
        )
    else:
        records = _csv_records(data)
    return _read_records(records)


def _csv_records(data):
    if b"\x00" in data:
        raise _file_error(_l("The file is neither a CSV nor an XLSX spreadsheet."))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise _file_error(
            _l(
                "The file is not UTF-8 text. In your spreadsheet choose Save As, "
                'type "CSV UTF-8", and upload that file.'
            )
        ) from None
    header_line = next((line for line in text.splitlines() if line.strip()), "")
    delimiter = max((";", ",", "\t"), key=header_line.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        for record in reader:
            yield record[:MAX_COLUMNS]
    except csv.Error:
        raise _file_error(_l("The CSV file could not be read; check its quotes.")) from None


def _xlsx_records(data):
    from openpyxl import load_workbook

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            is_workbook = "xl/workbook.xml" in archive.namelist()
        if not is_workbook:
            raise _file_error(_l("The file is neither a CSV nor an XLSX spreadsheet."))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl warns about styles it does not need
            workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
            try:
                rows = workbook.worksheets[0].iter_rows(max_col=MAX_COLUMNS, values_only=True)
                records = [list(values) for values in itertools.islice(rows, MAX_RECORDS + 1)]
            finally:
                workbook.close()
    except RosterError:
        raise
    except Exception:  # noqa: BLE001 - a damaged workbook fails in many ways; all mean "unreadable"
        raise _file_error(
            _l("The XLSX file could not be read. Open it in Excel and save it again.")
        ) from None
    return records


def _cell_text(value):
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return re.sub(r"\s+", " ", str(value).replace("\u00a0", " ")).strip()


def _header_key(text):
    return re.sub(r"[\s._]+", " ", text.casefold()).strip()


def _read_headers(header):
    columns, headers, errors = {}, {}, []
    for index, value in enumerate(header):
        text = _cell_text(value)
        key = _header_key(text)
        if not key or key in IGNORED_HEADERS:
            continue
        ours = HEADERS.get(key)
        if ours is None:
            errors.append(
                {
                    "row": 1,
                    "column": text,
                    # gettext, not a lazy string: the file's text must stay HTML-escaped
                    "message": _(
                        'Unknown column "%(name)s". Use NISN, Nama, Email, Jenis kelamin and '
                        "Tanggal lahir (or their English names).",
                        name=text,
                    ),
                }
            )
        elif ours in columns:
            errors.append(
                {
                    "row": 1,
                    "column": text,
                    "message": _('The column "%(name)s" appears twice.', name=text),
                }
            )
        else:
            columns[ours], headers[ours] = index, text
    for key in REQUIRED:
        if key not in columns:
            errors.append({"row": 1, "column": COLUMN_NAMES[key], "message": _missing(key)})
    if errors:
        raise RosterError(errors)
    return columns, headers


def _missing(key):
    """The column named as the help text spells it, with the other spellings that match it."""
    name = COLUMN_NAMES[key]
    others = [n for n in HEADER_NAMES[key] if n != _header_key(name)]
    if not others:
        return _l('The column "%(name)s" is missing.', name=name)
    locale = get_locale() or "en"
    spelled = format_list([f'"{n.capitalize()}"' for n in others], style="or", locale=locale)
    return _l(
        'The column "%(name)s" is missing. It may also be called %(names)s.',
        name=name,
        names=spelled,
    )


def _read_records(records):
    records = iter(records)
    header = next(records, None)
    if header is None or not _has_values(header):
        if header is not None and any(_has_values(r) for r in records):
            # blank lines above the header would shift every row number the teacher sees
            raise _file_error(_l("Put the column names in the first row."), row=1)
        raise _file_error(_l("The file is empty."))
    columns, headers = _read_headers(header)
    rows = []
    for index, record in enumerate(records, start=2):
        if index > MAX_RECORDS or len(rows) == MAX_ROWS and _has_values(record):
            raise _file_error(
                _l("A roster may have at most %(n)d students; split the file.", n=MAX_ROWS)
            )
        if not _has_values(record):
            continue
        cells = {key: (record[i] if i < len(record) else None) for key, i in columns.items()}
        rows.append(_read_row(index, cells, headers))
    if not rows:
        raise _file_error(_l("The file has column names but no students."))
    _mark_duplicates(rows, "nisn", headers)
    _mark_duplicates(rows, "email", headers)
    return Roster(rows=rows, headers=headers)


def _has_values(record):
    return any(_cell_text(v) for v in record)


def _read_row(number, cells, headers):
    row = RosterRow(row=number, nisn="", full_name="")
    row.nisn = _read_nisn(row, cells["nisn"], headers["nisn"])
    row.full_name = _cell_text(cells["full_name"])
    if not row.full_name:
        row.refuse(headers["full_name"], _l("The name is empty."))
    elif len(row.full_name) > 200:
        row.refuse(headers["full_name"], _l("Use at most 200 characters."))
    if "email" in cells:
        email = _cell_text(cells["email"]).casefold()
        if email and (len(email) > 254 or not EMAIL_RE.match(email)):
            row.refuse(headers["email"], _l("Enter a valid email address."))
        row.email = email or None
    if "gender" in cells:
        gender = _cell_text(cells["gender"])
        row.gender = GENDERS.get(gender.casefold())
        if gender and row.gender is None:
            row.refuse(headers["gender"], _l("Use L or P (laki-laki or perempuan)."))
    if "birth_date" in cells:
        row.birth_date = _read_date(row, cells["birth_date"], headers["birth_date"])
    return row


def _read_nisn(row, value, column):
    if isinstance(value, bool | datetime | date):
        row.refuse(column, _l("A NISN is 10 digits."))
        return _cell_text(value)
    text = _cell_text(value).lstrip("'")
    if re.fullmatch(r"\d+\.0+", text):
        text = text.split(".")[0]
    if re.fullmatch(r"\d+", text) and len(text) == 10:
        return text
    if not text:
        row.refuse(column, _l("The NISN is empty."))
    elif re.fullmatch(r"\d+", text) and len(text) < 10:
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
        text = _cell_text(value)
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
    seen = {}
    for row in rows:
        value = getattr(row, key)
        if value:
            seen.setdefault(value, []).append(row)
    for same in seen.values():
        if len(same) < 2:
            continue
        for row in same:
            others = ", ".join(str(r.row) for r in same if r is not row)
            message = (
                _l("The same NISN is also on row %(rows)s.", rows=others)
                if key == "nisn"
                else _l("The same email is also on row %(rows)s.", rows=others)
            )
            row.refuse(headers[key], message)
