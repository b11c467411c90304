"""The placement certificate: an A4 landscape PDF/A in the embedded fonts, with a QR code of its
public verification page, issued when the school grades the supervisor-assessed placement."""

import io

from flask_babel import format_date
from flask_babel import gettext as _
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen import canvas

from eduplatform.i18n import org_name
from eduplatform.pdf import fonts, pdfa
from eduplatform.training.pdf import ACCENT, BRAND, MUTED, _Page, qr_png


def placement_pdf(*, student, school, company, placement, assessment, verify_url, locale):
    """The certificate's PDF bytes in the request's language."""
    fonts.register()
    width, height = landscape(A4)
    buffer = io.BytesIO()
    pdf = canvas.Canvas(
        buffer, pagesize=(width, height), pageCompression=1, initialFontName=fonts.REGULAR
    )
    pdf.setStrokeColor(BRAND)
    pdf.setLineWidth(6)
    pdf.rect(24, 24, width - 48, height - 48)
    pdf.setStrokeColor(ACCENT)
    pdf.setLineWidth(1.5)
    pdf.rect(36, 36, width - 72, height - 72)
    page = _Page(pdf, width)
    y = page.centred(height - 100, _("Industry placement certificate"), 30, bold=True, colour=BRAND)
    y = page.centred(y - 16, _("This certifies that"), 14, colour=MUTED)
    y = page.centred(y - 10, student.full_name, 26, bold=True)
    y = page.centred(y - 8, _("completed an industry placement (PKL) at"), 14, colour=MUTED)
    page.centred(y - 8, org_name(company, locale), 20, bold=True)
    ended = placement.ended_on or placement.ends_on
    facts = [
        (_("School"), school.name),
        (
            _("Dates"),
            f"{format_date(placement.starts_on, 'long')} – {format_date(ended, 'long')}",
        ),
        (_("School's grade"), str(assessment.school_grade)),
        (_("Verification code"), assessment.certificate_code),
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
    pdf.showPage()
    pdf.save()
    return pdfa.archival(
        buffer.getvalue(),
        title=_("Certificate %(code)s", code=assessment.certificate_code),
        author=school.name,
        subject=company.name,
        language=locale,
    )
