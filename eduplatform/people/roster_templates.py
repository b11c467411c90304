"""Empty student lists to fill in: the columns the import reads, as Dapodik names them.

The XLSX keeps NISN and NIPD as text (Excel would drop a NISN's leading zeros), offers L/P for
JK, and explains each column on a second sheet in the teacher's language.
"""

import io

from flask_babel import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.worksheet.datavalidation import DataValidation

from eduplatform.people.roster import MAX_ROWS, STUDENT_COLUMNS

COLUMNS = ("nisn", "full_name", "gender", "birth_place", "birth_date", "student_number", "email")
TEXT_COLUMNS = ("nisn", "student_number")
WIDTHS = {"full_name": 32, "birth_place": 18, "birth_date": 14, "email": 28}


def headers():
    return [STUDENT_COLUMNS.help_names[key] for key in COLUMNS]


def template_csv():
    """A header line as Excel's "CSV UTF-8" with the Indonesian list separator writes it."""
    return ("\ufeff" + ";".join(headers()) + "\r\n").encode("utf-8")


def _explanations():
    return {
        "nisn": _("10 digits, with the leading zeros (the column is formatted as text)."),
        "full_name": _("The student's full name."),
        "gender": _("L (laki-laki) or P (perempuan). Optional."),
        "birth_place": _("Place of birth. Optional."),
        "birth_date": _("Date of birth as DD/MM/YYYY or YYYY-MM-DD. Optional."),
        "student_number": _("The school's student number (NIPD). Optional."),
        "email": _("The student's own email address, if they have one. Optional."),
    }


def template_xlsx():
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Siswa"
    sheet.append(headers())
    last = MAX_ROWS + 1
    for position, key in enumerate(COLUMNS, start=1):
        cell = sheet.cell(row=1, column=position)
        cell.font = Font(bold=True)
        letter = cell.column_letter
        sheet.column_dimensions[letter].width = WIDTHS.get(key, 14)
        if key in TEXT_COLUMNS:
            for row in sheet.iter_rows(min_row=2, max_row=last, min_col=position, max_col=position):
                row[0].number_format = "@"
        if key == "gender":
            choice = DataValidation(type="list", formula1='"L,P"', allow_blank=True)
            choice.add(f"{letter}2:{letter}{last}")
            sheet.add_data_validation(choice)
    sheet.freeze_panes = "A2"
    help_sheet = workbook.create_sheet(_("Instructions")[:31])
    help_sheet.append([_("Column"), _("What to write")])
    for cell in help_sheet[1]:
        cell.font = Font(bold=True)
    explanations = _explanations()
    for key in COLUMNS:
        help_sheet.append([STUDENT_COLUMNS.help_names[key], explanations[key]])
    help_sheet.append([])
    help_sheet.append([_("Only the first sheet is read. Other columns are ignored.")])
    help_sheet.column_dimensions["A"].width = 16
    help_sheet.column_dimensions["B"].width = 80
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
