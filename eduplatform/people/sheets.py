"""Reading a list of people from a spreadsheet (CSV or XLSX) and finding its header.

Files come as schools have them: Dapodik exports with a title block above a two-row merged
header and dozens of columns, or a school's own CSV in whatever encoding Excel chose. This module
turns the bytes into records (one per spreadsheet row, so record i is row i + 1), finds the row
that holds the columns an import needs, reads a second header row under it when there is one,
and says which columns it will ignore. It knows nothing of students or teachers.
"""

import csv
import io
import re
from dataclasses import dataclass, field

from babel.lists import format_list
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l

from eduplatform.errors import Invalid
from eduplatform.workbooks import WorkbookRefused, read_first_sheet

MAX_BYTES = 5 * 1024 * 1024
MAX_COLUMNS = 100  # a Dapodik export has about 65
MAX_RECORDS = 50_000  # blank lines included: a bound on the work a file can ask for
HEADER_SEARCH_ROWS = 30  # a title block is a few rows; the header is never further down
DELIMITERS = (";", ",", "\t")
# A numbering column ("No") is what school exports start with; it carries nothing to import.
NUMBERING = {"no", "nomor", "#", "no urut"}


class SheetError(Invalid):
    """The file as a whole was refused; nothing was read from it."""


def file_error(message, row=None, column=None):
    return SheetError([{"row": row, "column": column, "message": message}])


def read_records(data: bytes) -> list:
    """The file's rows as lists of cell values (recognized by content, not by name)."""
    if len(data) > MAX_BYTES:
        raise file_error(_l("The file is larger than 5 MB."))
    if not data.strip():
        raise file_error(_l("The file is empty."))
    if data.startswith(b"PK\x03\x04"):
        try:
            records = read_first_sheet(data, max_rows=MAX_RECORDS + 1, max_columns=MAX_COLUMNS)
            return _bounded(records)
        except WorkbookRefused as refused:
            raise file_error(refused.errors[0]["message"]) from None
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise file_error(
            _l("This is an old Excel (.xls) file. Save it as .xlsx or as CSV UTF-8 and try again.")
        )
    return _csv_records(_decode(data))


def _decode(data):
    """UTF-8 (with or without BOM), UTF-16 with a BOM, else Windows-1252 as Excel saves it."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            raise file_error(_l("The CSV file could not be read as text.")) from None
    if b"\x00" in data:
        raise file_error(_l("The file is neither a CSV nor an XLSX spreadsheet."))
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        raise file_error(
            _l(
                "The CSV file could not be read as text. In your spreadsheet choose Save As, "
                'type "CSV UTF-8", and upload that file.'
            )
        ) from None


def _delimiter(text):
    """The separator that splits some line into the most cells (a title line may have none)."""
    lines = [line for line in text.splitlines()[:HEADER_SEARCH_ROWS] if line.strip()]
    return max(DELIMITERS, key=lambda d: max((line.count(d) for line in lines), default=0))


def _csv_records(text):
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text))
    records = []
    try:
        for record in reader:
            records.append(record[:MAX_COLUMNS])
            if len(records) > MAX_RECORDS:
                break
    except csv.Error:
        raise file_error(_l("The CSV file could not be read; check its quotes.")) from None
    return _bounded(records)


def _bounded(records):
    if len(records) > MAX_RECORDS:
        raise file_error(_l("The file has more than %(n)d rows; split it.", n=MAX_RECORDS))
    return records


def cell_text(value):
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return re.sub(r"\s+", " ", str(value).replace("\u00a0", " ")).strip()


def has_values(record):
    return any(cell_text(v) for v in record)


def header_key(text):
    return re.sub(r"[\s._:]+", " ", text.casefold()).strip()


@dataclass
class Header:
    """Where the header is and what each column is."""

    row: int  # spreadsheet row of the header (its first row when it has two)
    data_row: int  # spreadsheet row of the first record below the header
    columns: dict  # our key -> column index
    names: dict  # our key -> the header as the file spells it
    ignored: list = field(default_factory=list)  # the other columns' headers, once each
    errors: list = field(default_factory=list)  # duplicated columns


@dataclass
class Columns:
    """What an import reads: our key -> the header spellings that mean it."""

    spellings: dict
    required: tuple
    help_names: dict  # our key -> the name the upload form's help text uses

    def key(self, text):
        wanted = header_key(text)
        for key, names in self.spellings.items():
            if wanted in names:
                return key
        return None


def find_header(records, columns: Columns) -> Header:
    """The header: the first row (of the first few) that holds every required column.

    Raises SheetError naming the missing columns when no row does.
    """
    candidates = []
    for index, record in enumerate(records[:HEADER_SEARCH_ROWS]):
        if not has_values(record):
            continue
        found = {columns.key(cell_text(v)) for v in record} - {None}
        if all(key in found for key in columns.required):
            return _read_header(records, index, columns)
        candidates.append((len(found), index))
    if not candidates:
        raise file_error(_l("The file is empty."))
    # The row that looks most like a header names what is missing.
    _count, index = max(candidates, key=lambda c: (c[0], -c[1]))
    header = _read_header(records, index, columns)
    missing = [key for key in columns.required if key not in header.columns]
    raise SheetError(
        [
            {"row": index + 1, "column": columns.help_names[key], "message": _missing(columns, key)}
            for key in missing
        ]
    )


def _missing(columns, key):
    """The column named as the help text spells it, with the other spellings that match it."""
    name = columns.help_names[key]
    others = [n for n in columns.spellings[key] if n != header_key(name)]
    if not others:
        return _l('The column "%(name)s" is missing.', name=name)
    locale = get_locale() or "en"
    spelled = format_list([f'"{n.capitalize()}"' for n in others], style="or", locale=locale)
    return _l(
        'The column "%(name)s" is missing. It may also be called %(names)s.',
        name=name,
        names=spelled,
    )


def _read_header(records, index, columns):
    top = [cell_text(v) for v in records[index]]
    below = records[index + 1] if index + 1 < len(records) else []
    sub = [cell_text(v) for v in below]
    two_rows = _is_sub_header(top, sub, below, columns)
    names = _column_names(top, sub if two_rows else [])
    header = Header(row=index + 1, data_row=index + (3 if two_rows else 2), columns={}, names={})
    for position, (group, name) in enumerate(names):
        if not name:
            continue
        shown = f"{group}: {name}" if group else name
        key = None if group else columns.key(name)
        if key is None:
            if header_key(name) not in NUMBERING and shown not in header.ignored:
                header.ignored.append(shown)
        elif key in header.columns:
            header.errors.append(
                {
                    "row": header.row,
                    "column": name,
                    "message": _l('The column "%(name)s" appears twice.', name=name),
                }
            )
        else:
            header.columns[key], header.names[key] = position, name
    return header


def _is_sub_header(top, sub, below, columns):
    """Whether the row under the header is its second row (Dapodik's "Data Ayah" / "Nama").

    It is when it has text only, nothing under the columns the import needs (those header cells
    are merged over both rows), and text under a column whose first header row is empty (the
    merged group's other columns).
    """
    if not any(sub) or any(v is not None and not isinstance(v, str) for v in below if v != ""):
        return False
    for position, text in enumerate(top):
        if columns.key(text) in columns.required and position < len(sub) and sub[position]:
            return False
    return any(
        text and (position >= len(top) or not top[position]) for position, text in enumerate(sub)
    )


def _column_names(top, sub):
    """(group, name) per column: a second-row name belongs to the group above it or to its left."""
    width = max(len(top), len(sub))
    names, group = [], ""
    for position in range(width):
        above = top[position] if position < len(top) else ""
        under = sub[position] if position < len(sub) else ""
        if above:
            group = above
        if under:
            names.append((group, under))
        else:
            names.append(("", above))
    return names


def data_rows(records, header: Header, read, *, most, too_many, empty):
    """The rows below the header, each `read(row number, cells, header names)` (cells: our key
    -> the cell's value, None past the record's end); blank records are skipped. A file with
    more than `most` rows is refused with `too_many`, one with none with `empty`."""
    rows = []
    for index in range(header.data_row - 1, len(records)):
        record = records[index]
        if not has_values(record):
            continue
        if len(rows) == most:
            raise file_error(too_many)
        cells = {key: (record[i] if i < len(record) else None) for key, i in header.columns.items()}
        rows.append(read(index + 1, cells, header.names))
    if not rows:
        raise file_error(empty)
    return rows


def mark_duplicates(rows, key, column, message):
    """Refuse every row whose `key` another row has too; `message(others)` names the others."""
    seen = {}
    for row in rows:
        value = getattr(row, key)
        if value:
            seen.setdefault(value, []).append(row)
    for same in seen.values():
        if len(same) < 2:
            continue
        for row in same:
            row.refuse(column, message(", ".join(str(r.row) for r in same if r is not row)))
