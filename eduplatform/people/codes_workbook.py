"""Fresh activation codes as an Excel workbook, the download a school clerk opens by double-click.

A CSV opened that way loses a NISN's leading zeros (0061234567 becomes 61234567) and may show a
code such as 2E345678 as a number in scientific notation: the clerk would hand out wrong
numbers. In the workbook every such cell is a text cell in the text format ("@"), so it stays
as written, and stays text when someone types over it.
"""

import io
from datetime import date

MAX_WIDTH = 60  # characters: a column no wider, whatever its longest text
DATE_FORMAT = "d mmm yyyy"


def codes_xlsx(header, rows, *, title, text_columns):
    """An XLSX of `header` then `rows` on a sheet called `title` (cut to Excel's 31 characters).

    Cells of the columns in `text_columns` (indexes) are text cells formatted as text; a date is
    a date cell; anything else is a text cell, never a formula or a link.
    """
    import xlsxwriter  # imported when a workbook is made

    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(
        buffer, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False}
    )
    bold = book.add_format({"bold": True})
    text = book.add_format({"num_format": "@"})
    day = book.add_format({"num_format": DATE_FORMAT})
    sheet = book.add_worksheet(str(title)[:31])
    rows = [list(row) for row in rows]
    for index, label in enumerate(header):
        longest = max([len(str(label))] + [_shown_length(row[index]) for row in rows])
        column_format = text if index in text_columns else None
        sheet.set_column(index, index, min(longest + 2, MAX_WIDTH), column_format)
        sheet.write_string(0, index, str(label), bold)
    sheet.freeze_panes(1, 0)
    for number, row in enumerate(rows, start=1):
        for index, value in enumerate(row):
            if isinstance(value, date):
                sheet.write_datetime(number, index, value, day)
            else:
                sheet.write_string(number, index, str(value), text)
    book.close()
    return buffer.getvalue()


def _shown_length(value):
    return len("23 Nov 2026") if isinstance(value, date) else len(str(value))
