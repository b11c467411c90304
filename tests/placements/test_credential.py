"""The placement certificate as an Open Badges 3.0 credential naming the company: issued with
the school's grade, downloaded by the student and from the public check, checked by the
independent verifiers (openbadgeslib from PyPI, npm's @digitalbazaar verifiers and jose),
revoked by the office through its own status list."""

import json
import re

import jwt
import pytest
from jsonschema import Draft201909Validator
from openbadgeslib.ob3 import OB3LdpVerifier, OB3VerificationError, OB3Verifier
from sqlmodel import select

from eduplatform.db import new_session
from eduplatform.people.models import User
from eduplatform.placements import links
from eduplatform.placements.models import (
    Company,
    Placement,
    PlacementAssessment,
    PlacementCredentialStatus,
)
from tests.credentials import js
from tests.credentials.conftest import fetch  # noqa: F401 - fixture
from tests.credentials.test_python_verifier import DID, JWT_CLAIMS, SCHEMA, _pem_of_kid

ATTITUDES = {"discipline": "4", "safety": "4", "teamwork": "3", "initiative": "3",
             "communication": "2"}  # fmt: skip
JWT_TYPE = "application/vc+jwt"


@pytest.fixture
def graded(app, client, login, db, pkl, make_placement):
    """A placement the supervisor assessed and the teacher graded (88): its certificate."""
    details = db.get(Company, pkl.company.id)
    details.nib = "1234567890123"
    db.add(details)
    db.commit()
    placement = make_placement()
    with app.test_request_context("/?lang=en"), new_session(app) as session:
        token = links.issue_link(
            session, actor=session.get(User, pkl.teacher.id),
            placement=session.get(Placement, placement.id), purpose="assessment",
        )[0]  # fmt: skip
    page = client.get(f"/pkl/{token}").get_data(as_text=True)
    csrf = re.search(r'name="csrf" value="([0-9a-f]+)"', page).group(1)
    units = {f"unit_{u.id}": "4" for u in pkl.units.values()}
    client.post(f"/pkl/{token}/assessment", data={"csrf": csrf, **ATTITUDES, **units})
    login(pkl.teacher)
    client.post(f"/placements/{placement.id}/grade", data={"grade": "88"})
    client.post("/logout")
    found = db.get(PlacementAssessment, placement.id)
    db.refresh(found)
    assert found.certificate_code
    return db.get(Placement, placement.id), found.certificate_code


def _download(client, code, lang="en"):
    base = f"/placements/verify/{code}/credential?lang={lang}"
    document = client.get(base).get_json()
    token = client.get(base, headers={"Accept": JWT_TYPE}).get_data(as_text=True)
    return document, token


def _revoke(client, login, pkl, placement, reason="Journal entries were invented"):
    login(pkl.office)
    response = client.post(
        f"/placements/{placement.id}/certificate/revoke", data={"reason": reason}
    )
    client.post("/logout")
    return response


def test_the_credential_is_issued_with_the_grade_and_names_the_company(client, db, pkl, graded):
    placement, code = graded
    # Issued in the grade's transaction: its status entry exists before anyone downloads it.
    assert db.get(PlacementCredentialStatus, placement.id) is not None
    document, token = _download(client, code)
    subject = document["credentialSubject"]
    achievement = subject["achievement"]
    assert document["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert document["issuer"]["id"] == DID
    assert document["name"] == "Industry placement (PKL) at Bengkel EV Sejahtera"
    assert "Bengkel EV Sejahtera" in achievement["description"]
    assert "SMK Negeri 2 Surakarta" in achievement["description"]
    assert "Bengkel EV Sejahtera" in achievement["criteria"]["narrative"]
    assert achievement["achievementType"] == "ApprenticeshipCertificate"
    assert achievement["creator"]["name"] == "SMK Negeri 2 Surakarta"
    company = subject["source"]
    assert company["type"] == ["Profile"] and company["name"] == "Bengkel EV Sejahtera"
    assert company["id"].endswith(f"/issuers/{pkl.company.id}")
    assert company["address"]["addressLocality"] == "Surakarta"
    assert company["otherIdentifier"] == [
        {"type": "IdentifierEntry", "identifier": "1234567890123", "identifierType": "ext:NIB"}
    ]
    assert subject["identifier"][0]["identityHash"] == "Siti Rahma"
    assert subject["activityStartDate"] == f"{placement.starts_on.isoformat()}T00:00:00Z"
    assert subject["result"][0]["value"] == "88"
    assert document["credentialStatus"]["statusListCredential"].startswith(
        "http://localhost/placements/credentials/status/"
    )
    # The company's public profile resolves.
    assert client.get(company["id"].removeprefix("http://localhost")).get_json()["name"] == (
        "Bengkel EV Sejahtera"
    )
    # Both forms validate against the OB 3.0 schema and say the same.
    Draft201909Validator(SCHEMA).validate(document)
    claims = jwt.decode(token, options={"verify_signature": False})
    payload = {k: v for k, v in claims.items() if k not in JWT_CLAIMS}
    Draft201909Validator(SCHEMA).validate(payload)
    assert payload == {k: v for k, v in document.items() if k != "proof"}
    # Other languages: the same credential, texts translated.
    chinese, _token = _download(client, code, lang="zh")
    assert chinese["credentialSubject"]["achievement"]["inLanguage"] == "zh"
    assert chinese["name"] != document["name"] and "Bengkel EV Sejahtera" in chinese["name"]


@pytest.mark.parametrize("form", ["document", "jwt"])
def test_the_credential_expands_in_json_ld_safe_mode(client, graded, form):
    """Every property is one OB 3.0's context defines (safe mode refuses any other)."""
    document, token = _download(client, graded[1])
    if form == "jwt":
        document = jwt.decode(token, options={"verify_signature": False})
        document.pop("jti")
    result = js.run("expand", document, js.documents_for(client, document))
    assert result == {"verified": True, "revoked": None, "error": None}


def test_openbadgeslib_accepts_both_forms_and_then_reports_the_revoked_one(
    client,
    login,
    pkl,
    graded,
    fetch,  # noqa: F811
):
    placement, code = graded
    document, token = _download(client, code)
    verifier = OB3LdpVerifier.for_issuer_did(DID, download=fetch)
    credential = verifier.verify(document, check_status=True, download=fetch,
                                 verify_status_list=False)  # fmt: skip
    assert credential.issuer.id == DID
    jwt_verifier = OB3Verifier(pubkey_pem=_pem_of_kid(token, fetch))
    jwt_status = {"check_status": True, "verify_status_list": True,
                  "download": lambda url: fetch(url, jwt=True)}  # fmt: skip
    assert jwt_verifier.verify(token, **jwt_status).issuer.id == DID

    assert _revoke(client, login, pkl, placement).status_code == 302
    with pytest.raises(OB3VerificationError, match="'revocation' is set"):
        verifier.verify(document, check_status=True, download=fetch, verify_status_list=False)
    with pytest.raises(OB3VerificationError, match="'revocation' is set"):
        jwt_verifier.verify(token, **jwt_status)


def test_digitalbazaar_and_jose_accept_it_and_then_report_it_revoked(client, login, pkl, graded):
    placement, code = graded
    document, token = _download(client, code)
    jwks = client.get("/.well-known/jwks.json").get_json()
    ldp = js.run("ldp", document, js.documents_for(client, document))
    assert ldp["error"] is None and ldp["verified"] is True and ldp["revoked"] is False
    assert ldp["statusChecked"] is True
    signed = js.run("jwt", token, js.documents_for(client, token), jwks, DID)
    assert signed["error"] is None and signed["verified"] is True and signed["revoked"] is False
    forged = dict(document, name="Industry placement at Another Company")
    assert js.run("ldp", forged, js.documents_for(client, forged))["signature"] is False

    _revoke(client, login, pkl, placement)
    ldp = js.run("ldp", document, js.documents_for(client, document))
    assert ldp["signature"] is True and ldp["revoked"] is True and ldp["verified"] is False
    signed = js.run("jwt", token, js.documents_for(client, token), jwks, DID)
    assert signed["revoked"] is True and signed["verified"] is False


def test_the_student_downloads_it_and_others_cannot(client, login, pkl, graded):
    placement, code = graded
    login(pkl.student)
    page = client.get("/placements/journal?lang=en").get_data(as_text=True)
    assert f"/placements/{placement.id}/credential?format=json" in page
    response = client.get(f"/placements/{placement.id}/credential?format=json&lang=id")
    assert response.status_code == 200 and response.mimetype == "application/json"
    assert "attachment" in response.headers["Content-Disposition"]
    proof = json.loads(response.data)["proof"]
    assert (proof[0] if isinstance(proof, list) else proof)["cryptosuite"] == "eddsa-rdfc-2022"
    token = client.get(f"/placements/{placement.id}/credential").get_data(as_text=True)
    assert jwt.get_unverified_header(token)["alg"] == "RS256"
    client.post("/logout")
    login(pkl.classmate)
    assert client.get(f"/placements/{placement.id}/credential").status_code == 404
    client.post("/logout")
    login(pkl.other_teacher)
    assert client.get(f"/placements/{placement.id}/credential").status_code == 404
    client.post("/logout")
    check = client.get(f"/placements/verify/{code}?lang=en").get_data(as_text=True)
    assert f"/placements/verify/{code}/credential" in check
    assert client.get(f"/placements/verify/{code}/credential.jwt").mimetype == JWT_TYPE
    assert client.get("/placements/verify/NOTACODE00/credential").status_code == 404


def test_only_the_office_or_an_admin_revokes_with_a_reason(client, login, db, pkl, graded):
    placement, code = graded
    login(pkl.teacher)
    assert client.post(f"/placements/{placement.id}/certificate/revoke",
                       data={"reason": "x"}).status_code == 403  # fmt: skip
    client.post("/logout")
    login(pkl.office)
    page = client.get(f"/placements/{placement.id}?lang=en").get_data(as_text=True)
    assert "Revoke the placement certificate" in page
    client.post("/logout")
    _revoke(client, login, pkl, placement, reason="")
    found = db.get(PlacementAssessment, placement.id)
    db.refresh(found)
    assert found.revoked_at is None
    _revoke(client, login, pkl, placement)
    db.refresh(found)
    assert found.revoked_at is not None and found.revoked_by_id == pkl.office.id
    check = client.get(f"/placements/verify/{code}?lang=en").get_data(as_text=True)
    assert "This placement certificate was revoked on" in check
    # The bit is set in the placements' list; the module certificates' list is another one.
    status_url = client.get(f"/placements/verify/{code}/credential").get_json()["credentialStatus"]
    listed = client.get(status_url["statusListCredential"].removeprefix("http://localhost"))
    from eduplatform.credentials.status import decode

    bits = decode(listed.get_json()["credentialSubject"]["encodedList"])
    assert bits == {int(status_url["statusListIndex"])}
    assert (
        client.get("/credentials/status/1").get_json()["credentialSubject"]["encodedList"]
        != (listed.get_json()["credentialSubject"]["encodedList"])
    )
    login(pkl.student)
    assert client.get(f"/placements/{placement.id}/credential").status_code == 404
    assert client.get(f"/placements/{placement.id}/certificate.pdf").status_code == 404
    assert "/credential?format=json" not in client.get("/placements/journal").get_data(as_text=True)
    assert db.exec(select(PlacementCredentialStatus)).all()


def test_the_public_skills_passport_links_the_placement_credential(
    app, client, login, db, pkl, graded
):
    from eduplatform.training import service as training
    from tests.placements.conftest import TODAY

    placement, code = graded
    with app.test_request_context("/?lang=en"), new_session(app) as session:
        student = session.get(User, pkl.student.id)
        training.record_consent(
            session, actor=session.get(User, pkl.teacher.id), student=student,
            guardian_name="Ibu Siti", relationship="mother", confirmed=True,
        )  # fmt: skip
        slug = training.enable_passport(session, actor=student, today=TODAY).slug
    page = client.get(f"/passport/{slug}?lang=en").get_data(as_text=True)
    assert "Bengkel EV Sejahtera" in page and f"/placements/verify/{code}/credential" in page
    _revoke(client, login, pkl, placement)
    page = client.get(f"/passport/{slug}?lang=en").get_data(as_text=True)
    assert "Bengkel EV Sejahtera" in page and f"/placements/verify/{code}" not in page


def test_the_learner_record_bundles_the_placement_credential_until_it_is_revoked(
    client,
    login,
    pkl,
    graded,
    fetch,  # noqa: F811
):
    """The student's CLR holds the placement certificate's credential next to the module
    certificates' (here the only one), and verifiers accept the record and the credential."""
    placement, code = graded
    login(pkl.student)
    response = client.get("/passport/clr?lang=en")
    assert response.status_code == 200
    record = response.get_json()
    subject = record["credentialSubject"]
    (bundled,) = subject["verifiableCredential"]
    Draft201909Validator(SCHEMA).validate(bundled)
    assert bundled["id"].endswith(f"/placements/verify/{code}")
    assert bundled["credentialSubject"]["id"] == subject["id"]
    assert bundled["credentialSubject"]["source"]["name"] == "Bengkel EV Sejahtera"
    documents = js.documents_for(client, bundled)
    checked = js.run("ldp", record, documents)
    assert checked["error"] is None and checked["verified"] is True
    verifier = OB3LdpVerifier.for_issuer_did(DID, download=fetch)
    verifier.verify(bundled, check_status=True, download=fetch, verify_status_list=False)
    client.post("/logout")

    _revoke(client, login, pkl, placement)
    login(pkl.student)
    assert client.get("/passport/clr?lang=en").status_code == 404  # nothing valid to bundle


def test_the_placement_achievement_id_answers_once_the_school_graded_one_there(client, pkl, graded):
    """An employer following the credential's achievement id reads what it certifies; a JSON
    client gets the achievement the credential embeds; a school and company with no graded
    placement between them are nobody's achievement."""
    _placement, code = graded
    document, _token = _download(client, code)
    embedded = document["credentialSubject"]["achievement"]
    path = embedded["id"].removeprefix("http://localhost")
    assert path == f"/achievements/placements/{pkl.school.id}/{pkl.company.id}"
    answered = client.get(f"{path}?lang=en", headers={"Accept": "application/ld+json"})
    assert answered.status_code == 200 and answered.mimetype == "application/ld+json"
    assert {k: v for k, v in answered.get_json().items() if k != "@context"} == embedded
    page = client.get(f"{path}?lang=id", headers={"Accept": "text/html"})
    assert page.status_code == 200 and page.mimetype == "text/html"
    text = page.get_data(as_text=True)
    assert "Bengkel EV Sejahtera" in text and "SMK Negeri 2 Surakarta" in text
    assert '<html lang="id"' in text
    for missing in (
        f"/achievements/placements/{pkl.company.id}/{pkl.school.id}",
        f"/achievements/placements/{pkl.school.id}/999999",
    ):
        assert client.get(missing, headers={"Accept": "application/ld+json"}).status_code == 404
