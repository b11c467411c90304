"""Each dashboard table as CSV or XLSX, with the filters applied and named for what and when.

Times are written in the reporting time zone, as the page shows them: in CSV as ISO 8601 with
their offset (2026-11-23T23:09:30+07:00), in XLSX as date-time cells in local time (a
spreadsheet has no time zones; the "about" sheet names it).
"""

import csv
import io
import re
from datetime import datetime

from eduplatform.dashboard.periods import reporting_zone

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
SMALL = "<5"
FORMATS = ("csv", "xlsx")
DATETIME_FORMAT = "d mmm yyyy hh:mm"  # as the page writes it: 23 Nov 2026 23:09
ABOUT_SHEET = "about"
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


def _time_cell(sheet, moment):
    from openpyxl.cell import WriteOnlyCell

    """A date-time cell in local time (without tzinfo: a spreadsheet cannot keep one)."""
    cell = WriteOnlyCell(sheet, value=local_time(moment).replace(tzinfo=None))
    cell.number_format = DATETIME_FORMAT
    return cell


def _sheet_table(sheet, table):
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    """Write `table` on a write-only sheet: bold frozen header, sensible widths, typed cells."""
    rows = [
        [_value(row.get(column.key), column.kind) for column in table.columns] for row in table.rows
    ]
    for index, column in enumerate(table.columns):
        width = max([len(str(column.label))] + [_shown_length(row[index]) for row in rows])
        sheet.column_dimensions[get_column_letter(index + 1)].width = min(width + 2, MAX_WIDTH)
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    header = []
    for column in table.columns:
        cell = WriteOnlyCell(sheet, value=str(column.label))
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    for values in rows:
        cells = []
        for column, value in zip(table.columns, values, strict=True):
            if isinstance(value, datetime):
                cells.append(_time_cell(sheet, value))
                continue
            cell = WriteOnlyCell(sheet, value=value)
            if isinstance(value, str):
                cell.data_type = "s"  # never a formula, whatever the text starts with
            elif column.kind == "percent":
                cell.number_format = "0.0%"
            elif column.kind == "hours":
                cell.number_format = "#,##0.0"
            cells.append(cell)
        sheet.append(cells)


def _shown_length(value):
    """About how many characters a spreadsheet shows for a cell's value."""
    if isinstance(value, datetime):
        return len("23 Nov 2026 23:09")
    if isinstance(value, float):
        return len(f"{value:,.1f}") + 1
    return max((len(line) for line in str(value).splitlines()), default=0)


def _sheet_about(sheet, about):
    from openpyxl.cell import WriteOnlyCell

    """What the file shows (`about`: label, value) on a write-only sheet."""
    widest = max((len(str(label)) for label, _ in about), default=0)
    sheet.column_dimensions["A"].width = min(widest + 2, MAX_WIDTH)
    sheet.column_dimensions["B"].width = MAX_WIDTH
    for label, value in about:
        if isinstance(value, datetime):
            cell = _time_cell(sheet, value)
        else:
            cell = WriteOnlyCell(sheet, value=str(value) if value is not None else "")
            cell.data_type = "s"
        sheet.append([WriteOnlyCell(sheet, value=str(label)), cell])


def _saved(book):
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def xlsx_bytes(table, about):
    """A workbook: the table on the first sheet, then what it shows (`about`: label, value)."""
    from openpyxl import Workbook  # imported when a workbook is made: a worker's memory

    book = Workbook(write_only=True)
    _sheet_table(book.create_sheet(title=str(table.name)[:31]), table)
    _sheet_about(book.create_sheet(title=ABOUT_SHEET), about)
    return _saved(book)


def workbook_bytes(tables, about):
    """One workbook of several tables: what it shows first, then one sheet per table.

    Each sheet is named by its table's (translated) title, as Excel allows: see sheet_titles.
    """
    from openpyxl import Workbook  # imported when a workbook is made: a worker's memory

    book = Workbook(write_only=True)
    _sheet_about(book.create_sheet(title=ABOUT_SHEET), about)
    for table, title in zip(tables, sheet_titles(tables, taken=[ABOUT_SHEET]), strict=True):
        _sheet_table(book.create_sheet(title=title), table)
    return _saved(book)


def sheet_titles(tables, taken=()):
    """Sheet names from the tables' titles: no []:*?/\\, at most 31 characters, each unique.

    Excel compares sheet names without case, keeps "History" for itself and refuses a name that
    starts or ends with an apostrophe; a repeated name gets " (2)", " (3)"... within the 31.
    """
    used = {name.casefold() for name in (*taken, "History")}
    titles = []
    for table in tables:
        text = " ".join(SHEET_FORBIDDEN.sub(" ", str(table.title)).split()).strip("'")
        base = text[:SHEET_TITLE_LENGTH].rstrip(" '") or str(table.name)[:SHEET_TITLE_LENGTH]
        title, number = base, 1
        while title.casefold() in used:
            number += 1
            suffix = f" ({number})"
            title = base[: SHEET_TITLE_LENGTH - len(suffix)].rstrip(" '") + suffix
        used.add(title.casefold())
        titles.append(title)
    return titles
