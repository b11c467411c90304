"""The printable certificate: A4 landscape PDF with a QR code of its public verification page."""

import io
import json

from flask_babel import format_date, format_decimal
from flask_babel import gettext as _
from reportlab.lib.colors import HexColor
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen import canvas

from eduplatform.i18n import org_name, translated
from eduplatform.pdf import fonts, pdfa

BRAND = HexColor("#0b6e4f")
MUTED = HexColor("#5b6573")
ACCENT = HexColor("#f2a900")
INK = HexColor("#1c2430")


class _Page:
    """Writes text in the embedded fonts, wrapped and centred on the page's width."""

    def __init__(self, pdf, width):
        self.pdf = pdf
        self.width = width

    def measure(self, text, size, bold=False):
        return fonts.width(text, size, bold)

    def write(self, x, y, text, size, *, bold=False, colour=None):
        self.pdf.setFillColor(colour or INK)
        fonts.draw(self.pdf, x, y, text, size, bold)

    def centred(self, y, text, size, *, bold=False, colour=None):
        """Draw wrapped, centred lines; returns the y below them."""
        for line in fonts.wrap(text, size, self.width - 160, bold):
            x = (self.width - self.measure(line, size, bold)) / 2
            self.write(x, y, line, size, bold=bold, colour=colour)
            y -= size * 1.3
        return y


def qr_png(url):
    import segno  # imported when a QR code is drawn: 9 MB a worker that never draws one keeps

    buffer = io.BytesIO()
    segno.make(url, error="m").save(buffer, kind="png", scale=8, border=4)
    return buffer.getvalue()


def write_endorsements(page, y, endorsements, locale):
    """Each endorsement under the module's lines: who endorsed and when, then what the
    university states (its credential's words), in the certificate's language."""
    for item in endorsements:
        endorsed = _(
            "Endorsed by %(university)s on %(date)s",
            university=org_name(item.university, locale),
            date=format_date(item.endorsed_at, "long"),
        )
        y = page.centred(y, endorsed, 11, bold=True, colour=BRAND)
        y = page.centred(y, item.statement(locale), 9, colour=MUTED) - 4
    return y


def certificate_pdf(view, *, verify_url, locale, credential, signed_credential, endorsements=()):
    """The certificate as PDF/A-3 bytes in the request's language, carrying its credential:
    the Open Badges JSON (what it states) and its signed form (what a verifier checks), with
    the university's endorsements of the school's certificates (a certificate has one at most:
    its module's university, so they fit above the facts)."""
    fonts.register()
    width, height = landscape(A4)
    buffer = io.BytesIO()
    pdf = canvas.Canvas(
        buffer, pagesize=(width, height), pageCompression=1, initialFontName=fonts.REGULAR
    )
    title = translated(view.version.title, locale) or view.module.code

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
    y = page.centred(
        y - 6,
        _(
            "%(units)d units, %(hours)s hours of verified practical work",
            units=len(view.units),
            hours=format_decimal(float(view.hours)),  # 6,5 in Indonesian
        ),
        12,
        colour=MUTED,
    )
    write_endorsements(page, y - 12, endorsements, locale)

    facts = [
        # As the certificate's web page names them: in the certificate's language where the
        # organization has a name in it.
        (_("Issued by"), org_name(view.school, locale)),
        (_("Partner university"), org_name(view.partner, locale) if view.partner else "—"),
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
    page.write(qr_x + (qr_size - page.measure(verify_url, 7)) / 2, qr_y - 20, verify_url, 7,
               colour=MUTED)  # fmt: skip

    pdf.showPage()
    pdf.save()
    return pdfa.archival(
        buffer.getvalue(),
        title=_("Certificate %(code)s", code=view.code),
        author=view.school.name,
        subject=f"{view.module.code} {title}",
        language=locale,
        attachments=[
            pdfa.Attachment(
                name=f"credential-{view.code}.json",
                data=json.dumps(credential, ensure_ascii=False, indent=2).encode(),
                mime_type="application/json",
                description=_("This certificate's Open Badges 3.0 credential"),
                relationship="Data",
            ),
            pdfa.Attachment(
                name=f"credential-{view.code}.jwt",
                data=signed_credential.encode(),
                mime_type="application/vc+jwt",
                description=_(
                    "The same credential signed by the platform (VC-JWT): check it against "
                    "the key published at /.well-known/jwks.json"
                ),
                relationship="Alternative",
            ),
        ],
    )
