"""PDF attachments are read with a real parser: active content is refused wherever and however
it is written, and no attachment is ever shown inline."""

import io

import pytest
from pypdf import PdfReader, PdfWriter
from reportlab.pdfgen import canvas
from sqlmodel import select

from eduplatform.exchange.models import ActivityAttachment
from tests import poppler
from tests.exchange import crafted_pdfs as crafted
from tests.exchange.conftest import text

LINK_PAGE = (
    b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /Contents 4 0 R /Annots [5 0 R] >>"
)
PAGE_WITH_AA = (
    b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /Contents 4 0 R"
    b" /A#41 << /O << /S /JavaScript /JS (app.alert(1)) >> >> >>"
)

HOSTILE = {
    # The reported bypass: the name tree's /JavaScript written with a hex escape.
    "hex-escaped JavaScript name tree": crafted.pdf(
        b"/Names << /JavaScrip#74 << /Names [(a) 5 0 R] >> >> ",
        extra_objects=[b"<< /S /JavaScrip#74 /JS (app.alert\\(1\\)) >>"],
    ),
    "hex-escaped action type": crafted.pdf(
        b"/OpenAction 5 0 R ", extra_objects=[b"<< /S /#4A#61vaScript /JS (app.alert(1)) >>"]
    ),
    "Launch in a link": crafted.pdf(
        page=LINK_PAGE,
        extra_objects=[
            b"<< /Type /Annot /Subtype /Link /Rect [0 0 200 200]"
            b" /A << /S /Launch /F (cmd.exe) >> >>"
        ],
    ),
    "page additional actions": crafted.pdf(page=PAGE_WITH_AA),
    "embedded file": crafted.pdf(
        b"/Names << /EmbeddedFiles << /Names [(x.exe) 5 0 R] >> >> ",
        extra_objects=[b"<< /Type /Filespec /F (x.exe) /EF << /F 6 0 R >> >>", b"<< >>"],
    ),
    "rich media annotation": crafted.pdf(
        page=LINK_PAGE,
        extra_objects=[b"<< /Type /Annot /Subtype /RichMedia /Rect [0 0 9 9] >>"],
    ),
    "XFA form": crafted.pdf(b"/AcroForm << /Fields [] /XFA 5 0 R >> ", extra_objects=[b"<< >>"]),
    "object nothing refers to": crafted.pdf(extra_objects=[b"<< /S /Launch /F (cmd.exe) >>"]),
    "compressed object stream": crafted.pdf_with_object_stream(
        b"<< /#4A#61#76#61Script << /Names [(a) << /S /JavaScript /JS (x) >>] >> >>"
    ),
    "incremental update": crafted.incremental_update(
        crafted.pdf(),
        1,
        b"<< /Type /Catalog /Pages 2 0 R /OpenAction << /S /JavaScript /JS (x) >> >>",
    ),
}


@pytest.fixture
def teacher(db, world, login):
    """The school's teacher, signed in, reading the site in English."""
    world.teacher.locale = "en"
    db.add(world.teacher)
    db.commit()
    login(world.teacher)
    return world.teacher


def _post(client, activity, data, name="report.pdf"):
    return client.post(
        f"/exchange/activities/{activity.id}/attachments",
        data={"a-attachment": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
    )


def _report_pdf():
    out = io.BytesIO()
    pdf = canvas.Canvas(out)
    pdf.drawString(72, 720, "Joint workshop report")
    pdf.showPage()
    pdf.save()
    return out.getvalue()


def test_poppler_runs_the_hex_escaped_script_that_the_old_filter_let_through(tmp_path):
    """The test file is a real bypass: a viewer decodes /JavaScrip#74 and finds the script."""
    data = HOSTILE["hex-escaped JavaScript name tree"]
    assert b"/javascript" not in data.lower()  # all the old byte filter looked for
    path = tmp_path / "bypass.pdf"
    path.write_bytes(data)
    assert "app.alert(1)" in poppler.run("pdfinfo", "-js", str(path))


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_pdf_with_active_content_is_refused(client, teacher, db, plan, case):
    activity = plan()
    response = _post(client, activity, HOSTILE[case])
    assert response.status_code == 422, response.headers.get("Location")
    assert "This PDF contains active content and was refused." in text(response)
    assert db.exec(select(ActivityAttachment)).all() == []


def test_password_protected_and_damaged_pdfs_are_refused(client, teacher, db, plan):
    activity = plan()
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(_report_pdf())))
    writer.encrypt("secret")
    locked = io.BytesIO()
    writer.write(locked)
    response = _post(client, activity, locked.getvalue())
    assert response.status_code == 422
    assert "protected by a password" in text(response)
    response = _post(client, activity, b"%PDF-1.7\n1 0 obj << /Type /Cat")
    assert response.status_code == 422
    assert "could not be read" in text(response)
    assert db.exec(select(ActivityAttachment)).all() == []


def test_plain_pdf_is_stored_as_rewritten_and_always_downloads(client, teacher, db, plan):
    activity = plan()
    # Bytes after %%EOF are where a second document hides for viewers that read them.
    original = _report_pdf() + b"\n<html><script>alert(1)</script></html>\n"
    assert _post(client, activity, original).status_code == 302
    (attachment,) = db.exec(select(ActivityAttachment)).all()
    for query in ("", "?view=1"):
        with client.get(
            f"/exchange/activities/{activity.id}/attachments/{attachment.id}{query}"
        ) as served:
            assert served.status_code == 200
            assert served.headers["Content-Disposition"].startswith("attachment;")
            assert served.headers["X-Content-Type-Options"] == "nosniff"
            assert served.mimetype == "application/pdf"
            assert b"<script" not in served.data
            assert (
                "Joint workshop report"
                in PdfReader(io.BytesIO(served.data)).pages[0].extract_text()
            )


def test_an_image_attachment_downloads_too(client, teacher, db, plan):
    from tests.exchange.test_participants import _png

    activity = plan()
    assert _post(client, activity, _png(), name="photo.png").status_code == 302
    (attachment,) = db.exec(select(ActivityAttachment)).all()
    with client.get(f"/exchange/activities/{activity.id}/attachments/{attachment.id}") as served:
        assert served.headers["Content-Disposition"].startswith("attachment;")
        assert served.headers["X-Content-Type-Options"] == "nosniff"
