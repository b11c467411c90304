# ruff: noqa: F811 - the credentials fixtures imported below are used by name
"""A withdrawn endorsement is revoked in the copies already downloaded: each EndorsementCredential
carries a Bitstring Status List entry, checked by independent verifiers (npm's @digitalbazaar/vc
with the bitstring status checker and jose; openbadgeslib's endorsement and status checks): it
verifies while the school meets the plan, reports revoked once the school falls below it (also
when signed by a key rotated out since), and a re-endorsement is a new credential."""

from types import SimpleNamespace

import jwt
import pytest
from openbadgeslib.ob3 import OB3VerificationError
from openbadgeslib.ob3.status import check_credential_status
from openbadgeslib.ob3.verifier import verify_endorsement_jwt
from sqlmodel import select

from eduplatform.db import new_session
from eduplatform.people.models import User
from eduplatform.quality import service
from eduplatform.quality.models import (
    QualityAction,
    QualityEndorsement,
    QualityEndorsementStatus,
    QualitySample,
)
from eduplatform.training.models import Certificate
from tests.credentials import js
from tests.credentials.conftest import JWT_TYPE, fetch, rotate  # noqa: F401 - fixtures
from tests.credentials.test_python_verifier import _pem_of_kid

DID = "did:web:localhost"


@pytest.fixture
def school_term(app, db, make_user, enrol, quality, training, verified, set_plan):
    """EV-101 decisions of the school: Siti's two (her certificate), Agus's two and a third
    student's one, sampled in that order; review(*opinions) reviews the next ones as Ms. Chen,
    answer() answers every open action as the teacher. Endorsed at 60% over 4 reviews."""
    set_plan(agreement_threshold=60, minimum_reviews=4)
    third = make_user("student", organization=training.school, full_name="Dewi Lestari")
    enrol(third, training.cohort)
    done = (
        verified("EV-101-U1", "EV-101-U2")
        + verified("EV-101-U1", "EV-101-U2", student=training.classmate)
        + verified("EV-101-U1", student=third)
    )
    samples = [
        db.exec(select(QualitySample).where(QualitySample.completion_id == c.id)).one().id
        for c in done
    ]

    def review(*opinions):
        with app.test_request_context("/?lang=en"), new_session(app) as session:
            reviewer = session.get(User, quality.reviewer.id)
            for agrees in opinions:
                service.submit_review(
                    session, actor=reviewer, sample=session.get(QualitySample, samples.pop(0)),
                    agrees=agrees, rating=4 if agrees else 2,
                    feedback="" if agrees else "Show the lock-out tag.",
                )  # fmt: skip

    def answer():
        with app.test_request_context("/?lang=en"), new_session(app) as session:
            teacher = session.get(User, training.teacher.id)
            for action in session.exec(select(QualityAction)).all():
                if action.status == "open":
                    service.answer_action(session, actor=teacher, action=action,
                                          response="Re-assessed with the student.")  # fmt: skip

    certificate = db.exec(
        select(Certificate).where(Certificate.student_id == training.student.id)
    ).one()
    return SimpleNamespace(review=review, answer=answer, certificate=certificate)


def _download(client, certificate):
    url = f"/verify/{certificate.code}/endorsement?lang=en"
    response = client.get(url)
    if response.status_code == 404:
        return None
    token = client.get(url, headers={"Accept": JWT_TYPE}).get_data(as_text=True)
    return SimpleNamespace(document=response.get_json(), jwt=token)


def _js_verdicts(client, copy):
    """(Data Integrity form, VC-JWT form) as @digitalbazaar/vc and jose see them, status too."""
    ldp = js.run("ldp", copy.document, js.documents_for(client, copy.document))
    jwks = client.get("/.well-known/jwks.json").get_json()
    signed = js.run("jwt", copy.jwt, js.documents_for(client, copy.jwt), jwks, DID)
    return ldp, signed


def _openbadgeslib(copy, fetch):
    """openbadgeslib: the endorsement's signature (by the key its `kid` URL serves, as OB 3.0
    tells a verifier), then its status, the list's own signature checked too (signed by the key
    that signs now: the same key here, no rotation)."""
    pem = _pem_of_kid(copy.jwt, fetch)
    found = verify_endorsement_jwt(copy.jwt, endorser_pubkey_pem=pem)
    claims = jwt.decode(copy.jwt, options={"verify_signature": False})
    credential = SimpleNamespace(issuer=SimpleNamespace(id=claims["issuer"]["id"]),
                                 credential_status=[claims["credentialStatus"]])  # fmt: skip
    check_credential_status(credential, download=lambda url: fetch(url, jwt=True),
                            verify_list=True, list_pubkey_pem=pem)  # fmt: skip
    return found


def _endorsement(db):
    db.expire_all()
    return db.exec(select(QualityEndorsement)).one()


def test_an_endorsement_verifies_while_valid_and_reports_revoked_after_withdrawal(
    client,
    db,
    school_term,
    fetch,
):
    school_term.review(True, True, True, False)
    school_term.answer()
    assert _endorsement(db).active  # 3 of 4 agree: 75%, no open action
    copy = _download(client, school_term.certificate)
    entry = copy.document["credentialStatus"]
    assert entry["type"] == "BitstringStatusListEntry" and entry["statusPurpose"] == "revocation"
    assert entry["statusListCredential"] == "http://localhost/credentials/endorsements/status/1"
    assert copy.document["id"].startswith("urn:uuid:")
    assert jwt.decode(copy.jwt, options={"verify_signature": False})["jti"] == copy.document["id"]
    ldp, signed = _js_verdicts(client, copy)
    assert ldp["error"] is None and ldp["verified"] is True and ldp["revoked"] is False
    assert ldp["statusChecked"] is True
    assert signed["error"] is None and signed["verified"] is True and signed["revoked"] is False
    found = _openbadgeslib(copy, fetch)
    assert found["issuer"] == DID and found["endorses"].endswith("/achievements/EV-101/v1")
    # the same credential at every download
    assert _download(client, school_term.certificate).document["id"] == copy.document["id"]

    # The reviewers disagree with the next decision: the school falls below the plan.
    school_term.review(False)
    endorsement = _endorsement(db)
    assert not endorsement.active
    assert _download(client, school_term.certificate) is None  # no longer served
    credential = client.get(f"/verify/{school_term.certificate.code}/credential").get_json()
    assert "endorsement" not in credential["credentialSubject"]["achievement"]
    # ... and the copy downloaded before now reports revoked, in both forms, to every verifier.
    ldp, signed = _js_verdicts(client, copy)
    assert ldp["signature"] is True and ldp["revoked"] is True and ldp["verified"] is False
    assert signed["signature"] is True and signed["revoked"] is True
    assert signed["verified"] is False
    with pytest.raises(OB3VerificationError, match="'revocation' is set"):
        _openbadgeslib(copy, fetch)
    pem = _pem_of_kid(copy.jwt, fetch)
    assert verify_endorsement_jwt(copy.jwt, endorser_pubkey_pem=pem)["issuer"] == DID  # signed
    listed = client.get("/credentials/endorsements/status/1").get_json()
    assert listed["type"] == ["VerifiableCredential", "BitstringStatusListCredential"]
    assert "eddsa-rdfc-2022" in str(listed["proof"])


def test_a_re_endorsement_is_a_new_credential_and_the_old_one_stays_revoked(
    client,
    db,
    school_term,
    fetch,
):
    school_term.review(True, True, True, False)
    school_term.answer()
    first = _download(client, school_term.certificate)
    school_term.review(False)  # 3 of 5 with an action open: withdrawn
    assert _download(client, school_term.certificate) is None
    school_term.answer()  # 3 of 5 agree is 60%, the plan's threshold: endorsed again
    assert _endorsement(db).active
    second = _download(client, school_term.certificate)
    assert second.document["id"] != first.document["id"]
    assert second.document["validFrom"] >= first.document["validFrom"]
    old_entry, new_entry = (c.document["credentialStatus"] for c in (first, second))
    assert new_entry["statusListIndex"] != old_entry["statusListIndex"]
    rows = db.exec(select(QualityEndorsementStatus).order_by(QualityEndorsementStatus.id)).all()
    assert [row.withdrawn_at is None for row in rows] == [False, True]

    ldp, signed = _js_verdicts(client, second)
    assert ldp["verified"] is True and ldp["revoked"] is False
    assert signed["verified"] is True and signed["revoked"] is False
    _openbadgeslib(second, fetch)
    ldp, signed = _js_verdicts(client, first)
    assert ldp["revoked"] is True and signed["revoked"] is True
    with pytest.raises(OB3VerificationError, match="'revocation' is set"):
        _openbadgeslib(first, fetch)


def test_a_copy_signed_before_a_key_rotation_still_verifies_and_reports_its_withdrawal(
    client,
    db,
    school_term,
    rotate,
    fetch,
):
    school_term.review(True, True, True, False)
    school_term.answer()
    before = _download(client, school_term.certificate)
    rotate()
    assert _download(client, school_term.certificate).jwt != before.jwt  # the new key signs
    ldp, signed = _js_verdicts(client, before)
    assert ldp["verified"] is True and signed["verified"] is True  # the old key stays published
    school_term.review(False)
    ldp, signed = _js_verdicts(client, before)
    assert ldp["signature"] is True and ldp["revoked"] is True
    assert signed["signature"] is True and signed["revoked"] is True
