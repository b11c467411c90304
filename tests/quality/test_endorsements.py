"""Endorsements: when a school's reviewed decisions for a module meet the plan, its certificates
of that module carry the university's OB 3.0 EndorsementCredential, signed like the certificates'
own credentials and checked by independent verifiers; certificates are never held back."""

import json
from pathlib import Path

import jwt
import pytest
from jsonschema import Draft201909Validator
from sqlmodel import select

from eduplatform.audit.models import AuditEvent
from eduplatform.db import new_session
from eduplatform.people.models import User
from eduplatform.quality import service
from eduplatform.quality.models import QualityAction, QualityEndorsement, QualitySample
from eduplatform.training.models import Certificate
from tests.credentials import js

SCHEMA = json.loads(
    (
        Path(__file__).parents[1] / "training/schemas/ob_v3p0_achievementcredential.schema.json"
    ).read_text()
)


def _validator(definition=None):
    if definition is None:
        return Draft201909Validator(SCHEMA)
    return Draft201909Validator(
        {"$schema": SCHEMA["$schema"], "$defs": SCHEMA["$defs"], "$ref": f"#/$defs/{definition}"}
    )


@pytest.fixture
def reviewed_term(app, db, quality, training, verified, set_plan):
    """Four EV-101 decisions of the school sampled: Siti's two (her certificate) and Agus's two.
    review(agrees...) reviews the next ones in order as Ms. Chen."""
    set_plan(agreement_threshold=75, minimum_reviews=4)
    done = verified("EV-101-U1", "EV-101-U2") + verified(
        "EV-101-U1", "EV-101-U2", student=training.classmate
    )
    samples = [
        db.exec(select(QualitySample).where(QualitySample.completion_id == c.id)).one()
        for c in done
    ]

    def review(*opinions):
        with app.test_request_context("/?lang=en"), new_session(app) as session:
            reviewer = session.get(User, quality.reviewer.id)
            for agrees in opinions:
                sample = samples.pop(0)
                service.submit_review(
                    session,
                    actor=reviewer,
                    sample=session.get(QualitySample, sample.id),
                    agrees=agrees,
                    rating=4 if agrees else 2,
                    feedback="" if agrees else "Show the lock-out tag.",
                )

    return review


def _certificate(db, training):
    return db.exec(select(Certificate).where(Certificate.student_id == training.student.id)).one()


def _endorsement(db, training):
    db.expire_all()
    return db.exec(
        select(QualityEndorsement).where(QualityEndorsement.school_id == training.school.id)
    ).first()


def _answer_all(app, training):
    with app.test_request_context("/?lang=en"), new_session(app) as session:
        teacher = session.get(User, training.teacher.id)
        for action in session.exec(select(QualityAction)).all():
            service.answer_action(session, actor=teacher, action=action,
                                  response="Re-assessed with the student.")  # fmt: skip


def test_the_module_is_endorsed_once_agreement_meets_the_plan_and_actions_are_answered(
    app, db, training, reviewed_term
):
    certificate = _certificate(db, training)  # issued at once, before any sampling
    assert certificate.student_id == training.student.id
    reviewed_term(True, True, True)
    assert _endorsement(db, training) is None  # 3 reviews, the plan asks for 4
    reviewed_term(False)
    assert _endorsement(db, training) is None  # 75% agree, but the teacher's action is open
    _answer_all(app, training)
    endorsement = _endorsement(db, training)
    assert endorsement.active and (endorsement.agreed, endorsement.reviewed) == (3, 4)
    assert endorsement.module_id == training.safety.id
    event = db.exec(select(AuditEvent).where(AuditEvent.action == "quality.endorsed")).one()
    # Granted by the plan: not credited to the teacher whose answer it followed, who is named.
    assert event.actor_id is None
    assert event.details["triggered_by_id"] == training.teacher.id


def test_an_agreement_below_the_threshold_endorses_nothing(app, db, training, reviewed_term,
                                                           set_plan):  # fmt: skip
    set_plan(agreement_threshold=80, minimum_reviews=4)
    reviewed_term(True, True, True, False)
    _answer_all(app, training)
    assert _endorsement(db, training) is None


def test_the_verification_page_and_the_credential_carry_the_endorsement(
    app, client, db, training, reviewed_term
):
    certificate = _certificate(db, training)
    page = client.get(f"/verify/{certificate.code}?lang=en").get_data(as_text=True)
    assert "Endorsed by" not in page
    assert client.get(f"/verify/{certificate.code}/endorsement").status_code == 404
    reviewed_term(True, True, True, False)
    _answer_all(app, training)
    page = client.get(f"/verify/{certificate.code}?lang=en").get_data(as_text=True)
    assert "Endorsed by Xi&#39;an Partner Automotive University" in page
    assert "agreed with 3 of 4" in page
    zh = client.get(f"/verify/{certificate.code}?lang=zh").get_data(as_text=True)
    assert "认可" in zh
    credential = client.get(f"/verify/{certificate.code}/credential?lang=en").get_json()
    achievement = credential["credentialSubject"]["achievement"]
    (endorsement,) = achievement["endorsement"]
    _validator().validate(credential)
    assert "EndorsementCredential" in endorsement["type"] and endorsement["proof"]
    assert endorsement["credentialSubject"]["id"] == achievement["id"]


def test_the_endorsement_credential_is_signed_and_verifies_independently(
    app, client, db, training, reviewed_term
):
    reviewed_term(True, True, True, False)
    _answer_all(app, training)
    certificate = _certificate(db, training)
    url = f"/verify/{certificate.code}/endorsement?lang=en"
    document = client.get(url).get_json()
    assert document["type"] == ["VerifiableCredential", "EndorsementCredential"]
    subject = document["credentialSubject"]
    assert subject["type"] == ["EndorsementSubject"]
    assert subject["id"].endswith("/achievements/EV-101/v1")
    assert "Xi'an Partner Automotive University endorses EV-101" in subject["endorsementComment"]
    assert "Siti" not in json.dumps(document)  # about the achievement, not the student
    _validator("EndorsementCredential").validate(document)
    documents = js.documents_for(client, document)  # the DID document and the status list
    assert js.run("expand", document, documents)["verified"] is True
    result = js.run("ldp", document, documents)
    assert result["error"] is None and result["verified"] is True and result["revoked"] is False
    token = client.get(url, headers={"Accept": "application/vc+jwt"}).get_data(as_text=True)
    jwks = client.get("/.well-known/jwks.json").get_json()
    kid = jwt.get_unverified_header(token)["kid"]
    (key,) = [k for k in jwks["keys"] if k["kid"] == kid]
    claims = jwt.decode(token, jwt.PyJWK(key).key, algorithms=["RS256"],
                        options={"verify_aud": False})  # fmt: skip
    assert claims["iss"] == "did:web:localhost" and claims["credentialSubject"] == subject
    # The signed certificate credential with its endorsement still verifies independently.
    credential = client.get(f"/verify/{certificate.code}/credential?lang=en").get_json()
    result = js.run("ldp", credential, js.documents_for(client, credential))
    assert result["error"] is None and result["verified"] is True
