"""Each dashboard table as CSV or XLSX, with the filters applied and named for what and when."""

import csv
import io

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
SMALL = "<5"
FORMATS = ("csv", "xlsx")


def file_name(table_name, filter_parts, moment, extension):
    """For example dashboard-schools_2025-2026_EV-MECH_2026-11-23-1306.xlsx."""
    words = [f"dashboard-{table_name}", *filter_parts, moment.strftime("%Y-%m-%d-%H%M")]
    safe = ["".join(c if c.isalnum() or c in "-." else "-" for c in str(w)) for w in words]
    return "_".join(safe) + "." + extension


def _value(value, kind):
    if value is None:
        return SMALL if kind in ("count",) else ""
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
        writer.writerow(
            [_text_cell(_value(row.get(column.key), column.kind)) for column in table.columns]
        )
    return ("\ufeff" + out.getvalue()).encode("utf-8")


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
        cell = WriteOnlyCell(notes, value=str(value) if value is not None else "")
        cell.data_type = "s"
        notes.append([WriteOnlyCell(notes, value=str(label)), cell])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
