"""The printable certificate: A4 landscape PDF with a QR code of its public verification page."""

import io
import re

import segno
from flask_babel import format_date, format_decimal
from flask_babel import gettext as _
from reportlab.lib.colors import HexColor
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen import canvas

from eduplatform.i18n import translated

CJK_FONT = "STSong-Light"  # a CID font every PDF reader has: no font file to ship
BRAND = HexColor("#0b6e4f")
MUTED = HexColor("#5b6573")
ACCENT = HexColor("#f2a900")
INK = HexColor("#1c2430")


def _register_fonts():
    if CJK_FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(CJK_FONT))


def _is_cjk(char):
    return ord(char) >= 0x2E80  # CJK radicals, punctuation, kana, ideographs, full-width forms


TOKENS = re.compile(r"[\u2e80-\uffff]|[^\s\u2e80-\uffff]+\s*|\s+")


class _Page:
    """Draws text in runs: Latin in Helvetica, Chinese in the CID font, wrapped by width."""

    def __init__(self, pdf, width):
        self.pdf = pdf
        self.width = width

    @staticmethod
    def runs(text, bold=False):
        latin = "Helvetica-Bold" if bold else "Helvetica"
        found = []
        for char in text:
            font = CJK_FONT if _is_cjk(char) else latin
            if found and found[-1][0] == font:
                found[-1][1] += char
            else:
                found.append([font, char])
        return found

    def measure(self, text, size, bold=False):
        return sum(stringWidth(t, f, size) for f, t in self.runs(text, bold))

    def wrap(self, text, size, bold, max_width):
        lines, line = [], ""
        for token in TOKENS.findall(text):
            if line and self.measure(line + token, size, bold) > max_width:
                lines.append(line.rstrip())
                line = token.lstrip()
            else:
                line += token
        return [*lines, line.rstrip()] if line.strip() or not lines else lines

    def write(self, x, y, text, size, *, bold=False, colour=None):
        self.pdf.setFillColor(colour or INK)
        for font, part in self.runs(text, bold):
            self.pdf.setFont(font, size)
            self.pdf.drawString(x, y, part)
            x += stringWidth(part, font, size)

    def centred(self, y, text, size, *, bold=False, colour=None):
        """Draw wrapped, centred lines; returns the y below them."""
        for line in self.wrap(text, size, bold, self.width - 160):
            x = (self.width - self.measure(line, size, bold)) / 2
            self.write(x, y, line, size, bold=bold, colour=colour)
            y -= size * 1.3
        return y


def qr_png(url):
    buffer = io.BytesIO()
    segno.make(url, error="m").save(buffer, kind="png", scale=8, border=4)
    return buffer.getvalue()


def certificate_pdf(view, *, verify_url, locale):
    """The certificate as PDF bytes, in the request's language."""
    _register_fonts()
    width, height = landscape(A4)
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=(width, height), pageCompression=1)
    title = translated(view.version.title, locale) or view.module.code
    pdf.setTitle(_("Certificate %(code)s", code=view.code))
    pdf.setAuthor(view.school.name)
    pdf.setSubject(f"{view.module.code} {title}")

    pdf.setStrokeColor(BRAND)
    pdf.setLineWidth(6)
    pdf.rect(24, 24, width - 48, height - 48)
    pdf.setStrokeColor(ACCENT)
    pdf.setLineWidth(1.5)
    pdf.rect(36, 36, width - 72, height - 72)

    page = _Page(pdf, width)
    y = page.centred(height - 100, _("Certificate of competence"), 30, bold=True, colour=BRAND)
    y = page.centred(y - 16, _("This certifies that"), 14, colour=MUTED)
    y = page.centred(y - 10, view.student.full_name, 26, bold=True)
    y = page.centred(
        y - 8,
        _("had every practical unit of this module verified by a teacher:"),
        14,
        colour=MUTED,
    )
    y = page.centred(y - 8, title, 18, bold=True)
    y = page.centred(
        y - 2, _("%(code)s, version %(number)d", code=view.module.code,
                 number=view.version.number), 12, colour=MUTED,
    )  # fmt: skip
    page.centred(
        y - 6,
        _(
            "%(units)d units, %(hours)s hours of verified practical work",
            units=len(view.units),
            hours=format_decimal(float(view.hours)),  # 6,5 in Indonesian
        ),
        12,
        colour=MUTED,
    )

    facts = [
        (_("Issued by"), view.school.name),
        (_("Partner university"), view.partner.name if view.partner else "—"),
        (_("Date of issue"), format_date(view.certificate.issued_at, "long")),
        (_("Verification code"), view.code),
    ]
    y = 170
    for label, value in facts:
        page.write(80, y, label, 10, colour=MUTED)
        page.write(230, y, value, 12, bold=True)
        y -= 22

    qr_size = 120
    qr_x, qr_y = width - 80 - qr_size, 70
    pdf.drawImage(ImageReader(io.BytesIO(qr_png(verify_url))), qr_x, qr_y, qr_size, qr_size)
    note = _("Scan to check this certificate")
    page.write(qr_x + (qr_size - page.measure(note, 8)) / 2, qr_y - 10, note, 8, colour=MUTED)
    pdf.setFillColor(MUTED)
    pdf.setFont("Helvetica", 7)
    pdf.drawCentredString(qr_x + qr_size / 2, qr_y - 20, verify_url)

    pdf.showPage()
    pdf.save()
    return buffer.getvalue()
