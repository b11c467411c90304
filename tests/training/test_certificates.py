"""Certificates: issued with the last verification, public check, revocation, PDF, credential."""

import io
import threading
from pathlib import Path

import pytest
import zxingcpp
from PIL import Image
from pypdf import PdfReader
from sqlmodel import select

from eduplatform.audit.models import AuditEvent
from eduplatform.db import new_session
from eduplatform.errors import Conflict, Invalid
from eduplatform.people.models import User
from eduplatform.training import service
from eduplatform.training.models import Certificate, UnitCompletion

SCHEMA = Path(__file__).parent / "schemas" / "ob_v3p0_achievementcredential.schema.json"
JWT_CLAIMS = {"iss", "jti", "nbf", "sub", "exp", "iat"}


def _certificates(db):
    return db.exec(select(Certificate)).all()


@pytest.fixture
def certified(app, db, training, verified):
    """The student completed EV-101: both its units verified; returns the certificate."""
    verified("EV-101-U1", "EV-101-U2")
    (certificate,) = _certificates(db)
    return certificate


@pytest.mark.usefixtures("app_context")
def test_certificate_is_issued_with_the_verification_of_the_last_unit(db, training, verified):
    verified("EV-101-U1")
    assert _certificates(db) == []
    verified("EV-101-U2")
    (certificate,) = _certificates(db)
    assert certificate.student_id == training.student.id
    assert certificate.school_id == training.school.id
    assert len(certificate.code) == 10 and certificate.valid
    issued = db.exec(select(AuditEvent).where(AuditEvent.action == "certificate.issued")).all()
    assert [e.object_id for e in issued] == [str(certificate.id)]
    verification = db.exec(
        select(AuditEvent).where(AuditEvent.action == "completion.verified")
    ).all()[-1]
    # Same transaction: the certificate is never there without the verification, or late.
    assert abs((issued[0].created_at - verification.created_at).total_seconds()) < 5


@pytest.mark.usefixtures("app_context")
def test_the_last_two_units_verified_at_the_same_moment_give_exactly_one_certificate(
    app, db, session, training, add_module, log
):
    _module, _version, units = add_module(
        training.program, "EV-103",
        [("EV-103-U1", {"id": "Satu"}, False, []), ("EV-103-U2", {"id": "Dua"}, False, [])],
    )  # fmt: skip
    training.units.update(units)
    ids = [log("EV-103-U1").id, log("EV-103-U2").id]
    barrier = threading.Barrier(2)
    errors = []

    def approve(teacher_id, completion_id):
        try:
            with app.test_request_context("/?lang=en"), new_session(app) as own:
                teacher, record = own.get(User, teacher_id), own.get(UnitCompletion, completion_id)
                own.commit()
                barrier.wait(timeout=10)
                service.approve_completion(own, actor=teacher, completion=record, criteria_met=[1])
        except Exception as error:  # noqa: BLE001 - reported by the assertion below
            errors.append(error)

    threads = [
        threading.Thread(target=approve, args=(training.teacher.id, ids[0])),
        threading.Thread(target=approve, args=(training.other_teacher.id, ids[1])),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == []
    assert len(_certificates(db)) == 1


def test_verify_page_shows_holder_module_school_partner_and_date_and_nothing_else(
    client, db, training, certified
):
    response = client.get(f"/verify/{certified.code}?lang=en")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    for shown in ("Valid certificate", "Siti Rahayu", "Module EV-101", training.school.name,
                  "Xi&#39;an Partner Automotive University", certified.code):  # fmt: skip
        assert shown in page, shown
    birth_year = str(training.student.birth_date.year)
    for hidden in (training.student.nisn, "Did the task", "feedback", birth_year, "@example.org"):
        assert hidden not in page, hidden


def test_verify_page_speaks_the_visitors_language(client, certified):
    page = client.get(f"/verify/{certified.code}?lang=zh").get_data(as_text=True)
    assert "模块 EV-101" in page


def test_verify_form_takes_a_typed_code_forgiving_case_and_dashes(client, certified):
    # An employer with a code and no account finds the form from the site's front page.
    assert 'href="/verify"' in client.get("/?lang=en").get_data(as_text=True)
    typed = f"{certified.code[:5].lower()}-{certified.code[5:]}"
    response = client.get(f"/verify?code={typed}")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/verify/{certified.code}")
    assert client.get("/verify").status_code == 200


def test_an_unknown_code_answers_404(client, certified):
    assert client.get("/verify/ABCDEFGHJK").status_code == 404
    assert client.get("/verify?code=nope").status_code == 422


@pytest.mark.usefixtures("app_context")
def test_only_office_or_admin_revoke_with_a_reason_and_the_public_page_says_so(
    client, db, session, training, certified
):
    certificate = session.get(Certificate, certified.id)
    with pytest.raises(Invalid):
        service.revoke_certificate(
            session, actor=training.teacher, certificate=certificate, reason="x"
        )
    with pytest.raises(Invalid) as refused:
        service.revoke_certificate(
            session, actor=training.office, certificate=certificate, reason=""
        )
    assert refused.value.for_field("reason")
    service.revoke_certificate(
        session, actor=training.office, certificate=certificate, reason="Evidence was copied."
    )
    with pytest.raises(Conflict):
        service.revoke_certificate(
            session, actor=training.admin, certificate=certificate, reason="again"
        )
    session.commit()
    events = db.exec(select(AuditEvent).where(AuditEvent.action == "certificate.revoked")).all()
    assert len(events) == 1
    page = client.get(f"/verify/{certified.code}?lang=en").get_data(as_text=True)
    assert "revoked" in page and "Valid certificate" not in page
    assert "Evidence was copied" not in page  # the reason is for the office, not the public


def test_office_revokes_through_the_certificate_page(client, login, training, certified):
    login(training.office)
    response = client.post(f"/certificates/{certified.code}", data={"reason": ""})
    assert response.status_code == 422
    response = client.post(f"/certificates/{certified.code}", data={"reason": "Mistake"})
    assert response.status_code == 302
    assert "revoked" in client.get(f"/verify/{certified.code}?lang=en").get_data(as_text=True)


def test_teacher_cannot_revoke(client, login, training, certified):
    login(training.teacher)
    assert client.post(f"/certificates/{certified.code}", data={"reason": "x"}).status_code == 403


def test_pdf_downloads_with_a_qr_code_that_decodes_to_the_verification_page(
    client, login, training, certified
):
    login(training.student)
    response = client.get(f"/certificates/{certified.code}/pdf?lang=en")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert "attachment" in response.headers["Content-Disposition"]
    reader = PdfReader(io.BytesIO(response.data))
    (page,) = reader.pages
    assert page.mediabox.width > page.mediabox.height  # landscape
    text = page.extract_text()
    assert "Siti Rahayu" in text and certified.code in text
    (picture,) = page.images
    decoded = [r.text for r in zxingcpp.read_barcodes(Image.open(io.BytesIO(picture.data)))]
    assert decoded == [f"http://localhost/verify/{certified.code}"]


def test_pdf_in_chinese_embeds_a_cjk_font(client, login, training, certified):
    login(training.student)
    data = client.get(f"/certificates/{certified.code}/pdf?lang=zh").data
    assert b"NotoSansCJKsc" in data and b"STSong-Light" not in data
    assert "模块" in PdfReader(io.BytesIO(data)).pages[0].extract_text()


def test_holder_teachers_of_the_school_and_office_see_a_certificate_others_get_404(
    client, login, make_user, training, certified
):
    paths = [f"/certificates/{certified.code}", f"/certificates/{certified.code}/pdf",
             f"/certificates/{certified.code}/credential"]  # fmt: skip
    for who, status in [
        (training.classmate, 404),
        (training.foreign_teacher, 404),
        (make_user("author"), 403),
        (training.other_teacher, 200),
        (training.office, 200),
        (training.student, 200),
    ]:
        login(who)
        for path in paths:
            assert client.get(path).status_code == status, (who.full_name, path)
        client.post("/logout")


def test_certificate_list_is_scoped(client, login, training, certified):
    login(training.classmate)
    assert certified.code not in client.get("/certificates").get_data(as_text=True)
    client.post("/logout")
    login(training.student)
    assert certified.code in client.get("/certificates").get_data(as_text=True)
