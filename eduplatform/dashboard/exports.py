"""Each dashboard table as CSV or XLSX, with the filters applied and named for what and when.

Times are written in the reporting time zone, as the page shows them: in CSV as ISO 8601 with
their offset (2026-11-23T23:09:30+07:00), in XLSX as date-time cells in local time (a
spreadsheet has no time zones; the sheet about the file names it).
"""

import csv
import io
import re
from datetime import datetime

from flask_babel import gettext as _

from eduplatform.dashboard.periods import reporting_zone

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
SMALL = "<5"
FORMATS = ("csv", "xlsx")
DATETIME_FORMAT = "d mmm yyyy hh:mm"  # as the page writes it: 23 Nov 2026 23:09
SHEET_TITLE_LENGTH = 31  # Excel's limit
SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")  # characters Excel refuses in a sheet name
MAX_WIDTH = 60  # characters: a column no wider, whatever its longest text


def local_time(moment):
    """An aware moment in the reporting time zone, to the second."""
    return moment.astimezone(reporting_zone()).replace(microsecond=0)


def zone_text(moment):
    """The reporting time zone and its offset at `moment`: "Asia/Jakarta (UTC+07:00)"."""
    offset = local_time(moment).strftime("%z")
    return f"{reporting_zone().key} (UTC{offset[:3]}:{offset[3:]})"


def file_name(table_name, filter_parts, moment, extension, prefix="dashboard-"):
    """For example dashboard-schools_2025-2026_EV-MECH_2026-11-23-1306.xlsx (local time)."""
    stamp = local_time(moment).strftime("%Y-%m-%d-%H%M")
    words = [f"{prefix}{table_name}", *filter_parts, stamp]
    safe = ["".join(c if c.isalnum() or c in "-." else "-" for c in str(w)) for w in words]
    return "_".join(safe) + "." + extension


def _value(value, kind):
    if value is None:
        return SMALL if kind in ("count",) else ""
    if isinstance(value, datetime):
        return local_time(value)
    if kind == "percent":
        return round(float(value), 4)
    if kind == "hours":
        return float(value)
    if isinstance(value, int | float):
        return value
    return str(value)


def _text_cell(value):
    """A text cell a spreadsheet will not run as a formula."""
    return "'" + value if isinstance(value, str) and value.startswith(FORMULA_STARTS) else value


def csv_bytes(table):
    """UTF-8 CSV with a byte-order mark (spreadsheets then read accents right)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([str(column.label) for column in table.columns])
    for row in table.rows:
        values = [_value(row.get(column.key), column.kind) for column in table.columns]
        writer.writerow(
            [
                value.isoformat() if isinstance(value, datetime) else _text_cell(value)
                for value in values
            ]
        )
    return ("\ufeff" + out.getvalue()).encode("utf-8")


class _Book:
    """An XLSX workbook being written (XlsxWriter: 3 MB of a worker's memory where openpyxl took
    22 MB, kept by every worker that ever wrote an export) and its cell formats."""

    def __init__(self):
        import xlsxwriter  # imported when a workbook is made

        self.buffer = io.BytesIO()
        self.book = xlsxwriter.Workbook(
            self.buffer,
            # Values are written by type (write_string, write_number...): nothing a text holds
            # becomes a formula or a link.
            {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False},
        )
        add = self.book.add_format
        self.bold = add({"bold": True})
        self.moment = add({"num_format": DATETIME_FORMAT})
        self.number = {
            "percent": add({"num_format": "0.0%"}),
            "hours": add({"num_format": "#,##0.0"}),
        }

    def sheet(self, title):
        return self.book.add_worksheet(title)

    def cell(self, sheet, row, col, value, kind=None):
        """One typed cell: a date-time in local time (without tzinfo: a spreadsheet cannot
        keep one), a number in the column's format, anything else as text (never a formula,
        whatever the text starts with)."""
        if isinstance(value, datetime):
            sheet.write_datetime(row, col, local_time(value).replace(tzinfo=None), self.moment)
        elif isinstance(value, bool):
            sheet.write_boolean(row, col, value)
        elif isinstance(value, int | float):
            sheet.write_number(row, col, value, self.number.get(kind))
        else:
            sheet.write_string(row, col, str(value))

    def saved(self):
        self.book.close()
        return self.buffer.getvalue()


def _width(characters):
    """The width to ask for a column of this many characters: at most MAX_WIDTH as written in
    the file (XlsxWriter adds a cell's padding, under a character, to the width it is given)."""
    return min(characters + 2, MAX_WIDTH) - 1


def _sheet_table(book, sheet, table):
    """Write `table` on a sheet: bold frozen header, sensible widths, typed cells."""
    rows = [
        [_value(row.get(column.key), column.kind) for column in table.columns] for row in table.rows
    ]
    for index, column in enumerate(table.columns):
        width = max([len(str(column.label))] + [_shown_length(row[index]) for row in rows])
        sheet.set_column(index, index, _width(width))
    sheet.freeze_panes(1, 0)
    for index, column in enumerate(table.columns):
        sheet.write_string(0, index, str(column.label), book.bold)
    for number, values in enumerate(rows, start=1):
        for index, (column, value) in enumerate(zip(table.columns, values, strict=True)):
            book.cell(sheet, number, index, value, column.kind)


def _shown_length(value):
    """About how many characters a spreadsheet shows for a cell's value."""
    if isinstance(value, datetime):
        return len("23 Nov 2026 23:09")
    if isinstance(value, float):
        return len(f"{value:,.1f}") + 1
    return max((len(line) for line in str(value).splitlines()), default=0)


def _sheet_about(book, sheet, about):
    """What the file shows (`about`: label, value), one pair a row."""
    widest = max((len(str(label)) for label, _ in about), default=0)
    sheet.set_column(0, 0, _width(widest))
    sheet.set_column(1, 1, _width(MAX_WIDTH))
    for number, (label, value) in enumerate(about):
        sheet.write_string(number, 0, str(label))
        if isinstance(value, datetime):
            book.cell(sheet, number, 1, value)
        else:
            sheet.write_string(number, 1, str(value) if value is not None else "")


def about_sheet_title():
    """The name of the sheet about the file, in the reader's language ("Keterangan", "说明"),
    as Excel allows it (see sheet_titles); the same name for every file in one language."""
    text = " ".join(SHEET_FORBIDDEN.sub(" ", _("About this file")).split()).strip("'")
    return _shortened(text, SHEET_TITLE_LENGTH) or "about"


def xlsx_bytes(table, about):
    """A workbook: the table on the first sheet, then what it shows (`about`: label, value)."""
    book = _Book()
    about_title = about_sheet_title()
    # Named by its translated title, as in the workbook of every table ("Classes", "Kelas"),
    # not by the table's code name.
    (title,) = sheet_titles([table], taken=[about_title])
    _sheet_table(book, book.sheet(title), table)
    _sheet_about(book, book.sheet(about_title), about)
    return book.saved()


def workbook_bytes(tables, about):
    """One workbook of several tables: what it shows first, then one sheet per table.

    Each sheet is named by its table's (translated) title, as Excel allows: see sheet_titles.
    """
    book = _Book()
    about_title = about_sheet_title()
    _sheet_about(book, book.sheet(about_title), about)
    for table, title in zip(tables, sheet_titles(tables, taken=[about_title]), strict=True):
        _sheet_table(book, book.sheet(title), table)
    return book.saved()


def sheet_titles(tables, taken=()):
    """Sheet names from the tables' titles: no []:*?/\\, at most 31 characters, each unique.

    Excel compares sheet names without case, keeps "History" for itself and refuses a name that
    starts or ends with an apostrophe; a repeated name gets " (2)", " (3)"... within the 31. A
    longer title is cut after a whole word, with an ellipsis ("Exchange activities by kind…").
    """
    used = {name.casefold() for name in (*taken, "History")}
    titles = []
    for table in tables:
        text = " ".join(SHEET_FORBIDDEN.sub(" ", str(table.title)).split()).strip("'")
        base = _shortened(text, SHEET_TITLE_LENGTH) or str(table.name)[:SHEET_TITLE_LENGTH]
        title, number = base, 1
        while title.casefold() in used:
            number += 1
            suffix = f" ({number})"
            title = _shortened(base, SHEET_TITLE_LENGTH - len(suffix)) + suffix
        used.add(title.casefold())
        titles.append(title)
    return titles


def _shortened(text, limit):
    """`text` in at most `limit` characters: whole, or cut after its last whole word that fits
    (anywhere, in a text without spaces) with an ellipsis; no apostrophe or space at its end."""
    text = text.rstrip(" '")
    if len(text) <= limit:
        return text
    kept = text[:limit]  # the ellipsis takes the place of the character after the cut
    cut = kept.rfind(" ")
    kept = kept[:cut] if cut > 0 else kept[: limit - 1]
    return kept.rstrip(" '.,;") + "…"
