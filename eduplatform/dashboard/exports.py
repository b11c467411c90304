"""Each dashboard table as CSV or XLSX, with the filters applied and named for what and when.

Times are written in the reporting time zone, as the page shows them: in CSV as ISO 8601 with
their offset (2026-11-23T23:09:30+07:00), in XLSX as date-time cells in local time (a
spreadsheet has no time zones; the "about" sheet names it).
"""

import csv
import io
from datetime import datetime

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from eduplatform.dashboard.periods import reporting_zone

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
SMALL = "<5"
FORMATS = ("csv", "xlsx")
DATETIME_FORMAT = "d mmm yyyy hh:mm"  # as the page writes it: 23 Nov 2026 23:09


def local_time(moment):
    """An aware moment in the reporting time zone, to the second."""
    return moment.astimezone(reporting_zone()).replace(microsecond=0)


def zone_text(moment):
    """The reporting time zone and its offset at `moment`: "Asia/Jakarta (UTC+07:00)"."""
    offset = local_time(moment).strftime("%z")
    return f"{reporting_zone().key} (UTC{offset[:3]}:{offset[3:]})"


def file_name(table_name, filter_parts, moment, extension):
    """For example dashboard-schools_2025-2026_EV-MECH_2026-11-23-1306.xlsx (local time)."""
    stamp = local_time(moment).strftime("%Y-%m-%d-%H%M")
    words = [f"dashboard-{table_name}", *filter_parts, stamp]
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
    """A date-time cell in local time (without tzinfo: a spreadsheet cannot keep one)."""
    cell = WriteOnlyCell(sheet, value=local_time(moment).replace(tzinfo=None))
    cell.number_format = DATETIME_FORMAT
    return cell


def xlsx_bytes(table, about):
    """A workbook: the table on the first sheet, then what it shows (`about`: label, value)."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(title=str(table.name)[:31])
    bold = Font(bold=True)
    header = []
    for column in table.columns:
        cell = WriteOnlyCell(sheet, value=str(column.label))
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    for row in table.rows:
        cells = []
        for column in table.columns:
            value = _value(row.get(column.key), column.kind)
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
    notes = book.create_sheet(title="about")
    for label, value in about:
        if isinstance(value, datetime):
            cell = _time_cell(notes, value)
        else:
            cell = WriteOnlyCell(notes, value=str(value) if value is not None else "")
            cell.data_type = "s"
        notes.append([WriteOnlyCell(notes, value=str(label)), cell])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
