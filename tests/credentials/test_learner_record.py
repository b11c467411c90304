"""The skills passport's Comprehensive Learner Record (CLR 2.0): the structure the CLR spec asks
for, every bundled credential valid against the OB 3.0 schema and verifiable on its own, the
whole expanding in JSON-LD safe mode, and its proof checked by an independent verifier."""

import json
from datetime import date
from pathlib import Path

import jwt
from jsonschema import Draft201909Validator
from openbadgeslib.ob3 import OB3LdpVerifier

from eduplatform.credentials.jsonld import CLR_V2, VC_V2
from eduplatform.training.models import SkillsPassport
from tests.credentials import js
from tests.training.conftest import TODAY

SCHEMA = json.loads(
    (
        Path(__file__).parents[1] / "training/schemas/ob_v3p0_achievementcredential.schema.json"
    ).read_text()
)


def _keys(document):
    """Every key of a JSON document, at any depth."""
    if isinstance(document, dict):
        for key, value in document.items():
            yield key
            yield from _keys(value)
    elif isinstance(document, list):
        for item in document:
            yield from _keys(item)


def _record(client, login, training, issued, revoke):
    issued("EV-101-U1", "EV-101-U2")
    second = issued("EV-102-U1", "EV-102-U2")
    revoke(second.certificate)  # a revoked certificate is not bundled; its units stay verified
    login(training.student)
    response = client.get("/passport/clr?lang=en")
    assert response.status_code == 200 and "attachment" in response.headers["Content-Disposition"]
    return json.loads(response.data)


def test_the_learner_record_follows_the_clr_structure(client, login, training, issued, revoke):
    record = _record(client, login, training, issued, revoke)
    assert record["@context"][:2] == [VC_V2, CLR_V2]
    assert {"VerifiableCredential", "ClrCredential"} <= set(record["type"])
    assert record["issuer"]["id"] == "did:web:localhost"
    subject = record["credentialSubject"]
    assert subject["type"] == ["ClrSubject"]
    assert subject["identifier"][0]["identityHash"] == "Siti Rahayu"
    (bundled,) = subject["verifiableCredential"]  # the valid certificate only
    Draft201909Validator(SCHEMA).validate(bundled)
    assert bundled["credentialSubject"]["id"] == subject["id"]
    codes = [a["humanCode"] for a in subject["achievement"]]
    assert codes == ["EV-101-U1", "EV-101-U2", "EV-102-U1", "EV-102-U2"]
    parents = {a["sourceId"].rsplit("/", 1)[1]: a["targetId"] for a in subject["association"]}
    assert parents["EV-102-U1"] == "http://localhost/achievements/EV-102/v1"
    assert all(a["associationType"] == "isChildOf" for a in subject["association"])
    # Nothing that identifies the student beyond the name: no email, no NISN, no field for one.
    # (Not "nisn" anywhere in the text: a key id or signature, random base64, may spell it.)
    text = json.dumps(record)
    assert training.student.nisn and training.student.nisn not in text
    assert training.student.email not in text
    assert not [key for key in _keys(record) if "nisn" in key.lower() or "email" in key.lower()]


def test_the_record_and_its_credentials_verify_independently(
    client, fetch, login, training, issued, revoke
):
    record = _record(client, login, training, issued, revoke)
    documents = js.documents_for(client, record["credentialSubject"]["verifiableCredential"][0])
    expanded = js.run("expand", record, documents)
    assert expanded == {"verified": True, "revoked": None, "error": None}
    checked = js.run("ldp", record, documents)
    assert checked["error"] is None and checked["verified"] is True
    forged = json.loads(json.dumps(record))
    forged["credentialSubject"]["achievement"][0]["name"] = "Forged unit"
    assert js.run("ldp", forged, documents)["verified"] is False
    (bundled,) = record["credentialSubject"]["verifiableCredential"]
    verifier = OB3LdpVerifier.for_issuer_did("did:web:localhost", download=fetch)
    verifier.verify(bundled, check_status=True, download=fetch, verify_status_list=False)


def test_the_record_is_also_a_vc_jwt_and_public_only_with_the_passport(
    client, db, login, training, issued
):
    training.student.birth_date = date(TODAY.year - 19, 1, 1)
    db.add(training.student)
    db.commit()
    issued("EV-101-U1", "EV-101-U2")
    login(training.student)
    token = client.get("/passport/clr?format=jwt&lang=zh").get_data(as_text=True)
    jwk = client.get(jwt.get_unverified_header(token)["kid"].removeprefix("http://localhost"))
    claims = jwt.decode(token, jwt.PyJWK(jwk.get_json()).key, algorithms=["RS256"])
    assert "ClrCredential" in claims["type"] and claims["name"] == "Siti Rahayu 的综合学习记录"
    client.post("/passport/settings", data={"action": "enable"})
    slug = db.get(SkillsPassport, training.student.id).slug
    public = client.get(f"/passport/{slug}/clr")
    assert public.status_code == 200 and public.get_json()["type"][1] == "ClrCredential"
    assert f"/passport/{slug}/clr" in client.get(f"/passport/{slug}").get_data(as_text=True)
    client.post("/passport/settings", data={"action": "disable"})
    assert client.get(f"/passport/{slug}/clr").status_code == 404


def test_no_record_before_the_first_certificate(client, login, training):
    """Before the first certificate there is nothing to download, and the passport's settings
    offer no link to it (only the note saying when it comes), in no language."""
    login(training.student)
    assert client.get("/passport/clr").status_code == 404
    page = client.get("/passport/settings").get_data(as_text=True)
    assert "/passport/clr" not in page
    assert "Tersedia setelah Anda memiliki sertifikat." in page


def test_the_settings_link_the_record_once_there_is_a_certificate(client, login, training, issued):
    issued("EV-101-U1", "EV-101-U2")
    login(training.student)
    page = client.get("/passport/settings").get_data(as_text=True)
    for lang in ("id", "en", "zh"):
        link = f"/passport/clr?lang={lang}"
        assert link in page
        assert client.get(link).status_code == 200
