"""Workbooks built by hand, part by part, the way an attacker crafts them (issue 13.10)."""

import io
import zipfile

CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" '
    'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
    "</Types>"
)
RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'
)
WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/worksheet" Target="worksheets/sheet1.xml"/>'
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>'
)
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
HEADER_ROW = '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row>'


def sheet_part(rows_xml):
    body = f"<sheetData>{rows_xml}</sheetData>"
    return f'<?xml version="1.0"?><worksheet xmlns="{MAIN}">{body}</worksheet>'


def strings_part(body, count=2):
    return f'<?xml version="1.0"?><sst xmlns="{MAIN}" count="{count}">{body}</sst>'


def xlsx(sheet=None, strings=None, extra=None, *, stored=False):
    """A minimal valid workbook: a header NISN | Nama, with any part replaced or added.

    `stored` writes the parts uncompressed, so that a bomb passes the directory's ratio check
    and reaches the streaming pass.
    """
    parts = {
        "[Content_Types].xml": CONTENT_TYPES,
        "_rels/.rels": RELS,
        "xl/workbook.xml": WORKBOOK,
        "xl/_rels/workbook.xml.rels": WORKBOOK_RELS,
        "xl/worksheets/sheet1.xml": sheet or sheet_part(HEADER_ROW),
        "xl/sharedStrings.xml": strings or strings_part("<si><t>NISN</t></si><si><t>Nama</t></si>"),
        **(extra or {}),
    }
    out = io.BytesIO()
    method = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
    with zipfile.ZipFile(out, "w", method) as archive:
        for name, text in parts.items():
            archive.writestr(name, text.encode() if isinstance(text, str) else text)
    return out.getvalue()


def shared_strings_bomb(count=300_000, *, stored=True):
    """Many shared strings; stored uncompressed, it passes the directory and reaches the count."""
    return xlsx(strings=strings_part("<si><t>a</t></si>" * count, count=count), stored=stored)


def reported_bomb():
    """The report's file: 1.5 million shared strings packed into about 65 KiB."""
    return xlsx(strings=strings_part("<si><t>a</t></si>" * 1_500_000, count=1_500_000))


def wide_row_bomb(cells=60_000):
    """One row of `cells` empty cells: a few KiB packed, below the ratio check's size."""
    return xlsx(sheet=sheet_part(HEADER_ROW + '<row r="2">' + "<c/>" * cells + "</row>"))
