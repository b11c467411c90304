"""Reading XLSX workbooks from strangers: every limit is checked before openpyxl reads a byte.

An XLSX is a ZIP of XML parts. A small file can ask for enormous work: a 65 KiB workbook with
1.5 million shared strings, a sheet whose one row has a million cells, an entity bomb in a DTD.
So a workbook is inspected first: the ZIP directory (number of parts, unpacked sizes, packing
ratios), then one streaming pass of expat over every part that counts elements and stops at the
first limit (shared strings, rows, columns, cells, a DOCTYPE). Only a workbook that passes is
opened, by openpyxl in read-only mode, and only its first sheet's rows are read.

Every place the app reads an XLSX goes through `read_first_sheet`.
"""

import io
import warnings
import xml.parsers.expat
import zipfile
import zlib
from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l

from eduplatform.archives import ArchiveRefused, MiB, ZipLimits, open_zip

CHUNK = 64 * 1024
# What every workbook the app writes is sent as.
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class WorkbookRefused(ArchiveRefused):
    """The workbook was refused; openpyxl never saw it."""


@dataclass(frozen=True)
class WorkbookLimits:
    zip: ZipLimits = field(default_factory=ZipLimits)
    shared_strings: int = 200_000  # distinct texts in the workbook
    rows: int = 50_000  # rows of one sheet, counted and by number
    columns: int = 256  # column of any cell
    cells: int = 500_000  # cells of one sheet
    part_elements: int = 200_000  # elements of any other part (styles, workbook, relations)
    elements: int = 2_000_000  # XML elements of all parts together: the bound on the whole pass


LIMITS = WorkbookLimits()


def _unreadable():
    return _l("The XLSX file could not be read. Open it in Excel and save it again.")


def inspect_workbook(data: bytes, limits: WorkbookLimits = LIMITS) -> None:
    """Refuse (WorkbookRefused) a workbook that exceeds `limits`, without building anything."""
    try:
        archive = open_zip(
            data,
            limits.zip,
            unreadable=_unreadable(),
            too_big=_l(
                "The XLSX file unpacks to more than %(mb)d MB. Copy the list into a new "
                "workbook, save it and try again.",
                mb=limits.zip.total_bytes // MiB,
            ),
        )
    except ArchiveRefused as refused:
        raise WorkbookRefused(refused.errors[0]["message"]) from None
    with archive:
        if "xl/workbook.xml" not in archive.namelist():
            raise WorkbookRefused(_l("The file is neither a CSV nor an XLSX spreadsheet."))
        budget = _Budget(limits)
        for member in archive.infolist():
            if not member.is_dir():
                _scan_part(archive, member, budget)


class _Budget:
    """What the streaming pass has seen in all parts together."""

    def __init__(self, limits):
        self.limits = limits
        self.elements = 0


class _Part:
    """The expat handlers for one part of the workbook; raise WorkbookRefused at a limit."""

    def __init__(self, budget):
        self.budget = budget
        self.limits = budget.limits
        self.root = None
        self.elements = self.strings = self.rows = self.cells = self.column = 0

    def start(self, name, attributes):
        tag = name.rpartition(" ")[2]
        limits = self.limits
        self.budget.elements += 1
        self.elements += 1
        if self.budget.elements > limits.elements:
            raise WorkbookRefused(
                _l(
                    "The XLSX file holds more than %(n)d XML elements, far more than a list "
                    "needs; it was not opened.",
                    n=limits.elements,
                )
            )
        if self.root is None:
            self.root = tag
        if self.root == "worksheet":
            if tag == "c":
                self._cell(attributes)
            elif tag == "row":
                self._row(attributes)
        elif self.root == "sst":
            if tag == "si":
                self.strings += 1
                if self.strings > limits.shared_strings:
                    raise WorkbookRefused(
                        _l(
                            "The XLSX file holds more than %(n)d different texts, far more "
                            "than a list needs; it was not opened.",
                            n=limits.shared_strings,
                        )
                    )
        elif self.elements > limits.part_elements:
            raise WorkbookRefused(
                _l(
                    "A part of the XLSX file holds more than %(n)d XML elements; "
                    "it was not opened.",
                    n=limits.part_elements,
                )
            )

    def _row(self, attributes):
        self.rows += 1
        self.column = 0
        number = attributes.get("r", "")
        row = int(number) if number.isdigit() and len(number) < 10 else self.rows
        if max(row, self.rows) > self.limits.rows:
            raise WorkbookRefused(
                _l(
                    "A sheet in the XLSX file has more than %(n)d rows; it was not opened.",
                    n=self.limits.rows,
                )
            )

    def _cell(self, attributes):
        self.cells += 1
        self.column = _column(attributes.get("r", ""), self.column + 1)
        if self.column > self.limits.columns:
            raise WorkbookRefused(
                _l(
                    "A sheet in the XLSX file has more than %(n)d columns; it was not opened.",
                    n=self.limits.columns,
                )
            )
        if self.cells > self.limits.cells:
            raise WorkbookRefused(
                _l(
                    "A sheet in the XLSX file has more than %(n)d cells; it was not opened.",
                    n=self.limits.cells,
                )
            )

    def doctype(self, *_args):
        raise WorkbookRefused(
            _l(
                "The XLSX file contains an XML declaration (DOCTYPE) that spreadsheets never "
                "use; it was not opened."
            )
        )


def _column(reference, default):
    """The column number of a cell reference such as "AB12" (A = 1); `default` without one."""
    letters = reference.rstrip("0123456789")
    if not letters or len(letters) > 4 or not letters.isalpha() or not letters.isascii():
        return default
    number = 0
    for letter in letters.upper():
        number = number * 26 + ord(letter) - ord("A") + 1
    return number


def _scan_part(archive, member, budget):
    part = _Part(budget)
    parser = xml.parsers.expat.ParserCreate(namespace_separator=" ")
    parser.StartElementHandler = part.start
    parser.StartDoctypeDeclHandler = part.doctype
    parser.EntityDeclHandler = part.doctype
    try:
        with archive.open(member) as stream:
            while chunk := stream.read(CHUNK):
                parser.Parse(chunk, False)
            parser.Parse(b"", True)
    except xml.parsers.expat.ExpatError:
        return  # not XML (an image, a printer setting): openpyxl reads no such part as XML
    except (zipfile.BadZipFile, zlib.error, RuntimeError, NotImplementedError, EOFError, OSError):
        raise WorkbookRefused(_unreadable()) from None


def read_first_sheet(data: bytes, *, max_rows: int, max_columns: int, limits=LIMITS) -> list:
    """The values of the first sheet's rows (at most `max_rows` x `max_columns`), row 1 first.

    Raises WorkbookRefused for a workbook over `limits` (before openpyxl opens it) or one that
    openpyxl cannot read.
    """
    inspect_workbook(data, limits)
    from openpyxl import load_workbook

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl warns about styles it does not need
            workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
            try:
                if not workbook.worksheets:
                    raise WorkbookRefused(_l("The XLSX file has no sheet."))
                rows = workbook.worksheets[0].iter_rows(
                    max_row=max_rows, max_col=max_columns, values_only=True
                )
                return [list(values) for values in rows]
            finally:
                workbook.close()
    except WorkbookRefused:
        raise
    except Exception:  # noqa: BLE001 - a damaged workbook fails in many ways; all mean "unreadable"
        raise WorkbookRefused(_unreadable()) from None
