"""What a credential carries and where it points: VC-JWT as OB 3.0 says, keys that rotate, the
status list, the holder's privacy, languages, and /verify's machine-readable answer."""

import base64
import io
import json
import re
import stat
from datetime import date

import jwt
import pytest
import zxingcpp
from PIL import Image
from sqlmodel import delete, select

from eduplatform.credentials import keys, status
from eduplatform.credentials.models import CredentialHolder, CredentialStatus
from eduplatform.training.models import Certificate


def _claims(token):
    return jwt.decode(token, options={"verify_signature": False})


def test_the_vc_jwt_has_exactly_the_header_and_claims_open_badges_asks_for(client, issued):
    item = issued("EV-101-U1", "EV-101-U2")
    header = jwt.get_unverified_header(item.jwt)
    assert set(header) == {"alg", "typ", "kid"}
    assert header["alg"] == "RS256" and header["typ"] == "JWT"
    assert re.fullmatch(r"http://localhost/credentials/keys/[\w-]{43}", header["kid"])
    jwk = client.get(header["kid"].removeprefix("http://localhost")).get_json()
    assert jwk["kid"] == header["kid"] and jwk["kty"] == "RSA" and "d" not in jwk
    claims = jwt.decode(item.jwt, jwt.PyJWK(jwk).key, algorithms=["RS256"])
    document = item.document
    assert claims["iss"] == document["issuer"]["id"] == "did:web:localhost"
    assert claims["jti"] == document["id"] == f"http://localhost/verify/{item.certificate.code}"
    assert claims["sub"] == document["credentialSubject"]["id"]
    assert claims["nbf"] == int(item.certificate.issued_at.timestamp())
    assert "exp" not in claims and "validUntil" not in document


def test_a_rotation_adds_a_key_and_keeps_the_old_ones_published(app, client, runner, issued):
    before = issued("EV-101-U1", "EV-101-U2")
    old_kid = jwt.get_unverified_header(before.jwt)["kid"]
    result = runner.invoke(args=["keys", "rotate", "--json"])
    assert result.exit_code == 0, result.output
    rotated = json.loads(result.output)
    assert rotated["generation"] == 2
    assert [(k["generation"], k["kind"], k["signs"]) for k in rotated["keys"]] == [
        (1, "ed25519", False), (1, "rsa", False), (2, "ed25519", True), (2, "rsa", True)
    ]  # fmt: skip
    published = client.get("/.well-known/jwks.json").get_json()["keys"]
    assert len(published) == 2 and old_kid in [k["kid"] for k in published]
    assert all("d" not in k and k["alg"] == "RS256" for k in published)
    did = client.get("/.well-known/did.json").get_json()
    assert did["id"] == "did:web:localhost" and len(did["verificationMethod"]) == 2
    assert did["assertionMethod"] == [m["id"] for m in did["verificationMethod"]]
    assert before.document["proof"][0]["verificationMethod"] in did["assertionMethod"]
    after = client.get(f"/verify/{before.certificate.code}/credential.jwt").get_data(as_text=True)
    assert jwt.get_unverified_header(after)["kid"] != old_kid  # new downloads: the new key
    files = keys.key_files(app)
    assert [f.name for f in files] == [
        "0001-ed25519.pem", "0001-rsa.pem", "0002-ed25519.pem", "0002-rsa.pem"
    ]  # fmt: skip
    assert all(stat.S_IMODE(f.stat().st_mode) == 0o600 for f in files)
    listed = runner.invoke(args=["keys", "list"])
    assert listed.exit_code == 0 and listed.output.count("verifies") == 2


def test_revoking_sets_the_credentials_bit_at_once(client, issued, revoke):
    item = issued("EV-101-U1", "EV-101-U2")
    entry = item.document["credentialStatus"]
    assert entry["type"] == "BitstringStatusListEntry" and entry["statusPurpose"] == "revocation"
    path = entry["statusListCredential"].removeprefix("http://localhost")
    listed = client.get(path).get_json()
    assert listed["type"] == ["VerifiableCredential", "BitstringStatusListCredential"]
    assert status.decode(listed["credentialSubject"]["encodedList"]) == set()
    revoke(item.certificate)
    listed = client.get(path).get_json()
    assert status.decode(listed["credentialSubject"]["encodedList"]) == {
        int(entry["statusListIndex"])
    }
    as_jwt = client.get(path, headers={"Accept": "application/vc+jwt"})
    assert as_jwt.mimetype == "application/vc+jwt"
    assert (
        _claims(as_jwt.get_data(as_text=True))["credentialSubject"] == listed["credentialSubject"]
    )
    assert client.get("/credentials/status/7").status_code == 404


def test_verify_answers_machines_with_the_same_status_as_the_api(client, issued, revoke):
    item = issued("EV-101-U1", "EV-101-U2")
    code = item.certificate.code
    answer = client.get(f"/verify/{code}", headers={"Accept": "application/json"}).get_json()
    assert answer["status"] == "valid" and answer["id"] == item.document["id"]
    assert answer["credentialStatus"] == item.document["credentialStatus"]
    assert answer["credential"]["json"] == f"http://localhost/verify/{code}/credential"
    # The link the page calls JSON-LD gives JSON-LD to a client that takes anything (curl,
    # a script's library); the VC-JWT goes to one that names its type.
    anything = client.get(f"/verify/{code}/credential", headers={"Accept": "*/*"})
    assert anything.mimetype == "application/json" and anything.get_json()["proof"]
    page = client.get(f"/verify/{code}?lang=en").get_data(as_text=True)
    assert f'href="http://localhost/verify/{code}/credential"' in page
    # The QR code a wallet scans: the credential's own address, to import it by URL.
    data = re.search(r'src="data:image/png;base64,([^"]+)"', page).group(1)
    image = Image.open(io.BytesIO(base64.b64decode(data)))
    decoded = [r.text for r in zxingcpp.read_barcodes(image)]
    assert decoded == [f"http://localhost/verify/{code}/credential"]
    revoke(item.certificate)
    answer = client.get(f"/verify/{code}", headers={"Accept": "application/json"}).get_json()
    assert answer["status"] == "revoked" and answer["revoked_at"]
    unknown = client.get("/verify/ZZZZZZZZZZ", headers={"Accept": "application/json"})
    assert unknown.status_code == 404 and unknown.get_json()["status"] == "unknown"
    page = client.get(f"/verify/{code}?lang=en").get_data(as_text=True)
    assert "revoked" in page
    # Still there for a machine to check; no longer offered to a wallet.
    assert f'href="http://localhost/verify/{code}/credential"' in page
    assert "data:image/png" not in page and "learner wallet" not in page


def test_nothing_about_the_holder_but_the_name_is_in_either_form(db, training, issued):
    student = training.student
    student.nisn, student.birth_date = "0012345678", date(2009, 8, 17)
    db.add(student)
    db.commit()
    item = issued("EV-101-U1", "EV-101-U2")
    published = json.dumps(item.document) + json.dumps(_claims(item.jwt))
    for private in (student.nisn, student.email, "2009-08-17", "17/08/2009", "20090817"):
        assert private not in published, private
    subject = item.document["credentialSubject"]
    assert re.fullmatch(r"urn:uuid:[0-9a-f-]{36}", subject["id"])
    assert subject["identifier"] == [{"type": "IdentityObject", "identityHash": "Siti Rahayu",
                                      "identityType": "name", "hashed": False}]  # fmt: skip
    holder = db.get(CredentialHolder, student.id)
    assert holder.subject_id == subject["id"]
    second = issued("EV-102-U1", "EV-102-U2")  # the same holder: the same subject id
    assert second.document["credentialSubject"]["id"] == subject["id"]


@pytest.mark.parametrize(
    ("lang", "narrative"),
    [("id", "Setiap unit praktik EV-101"), ("en", "Every practical unit of EV-101"),
     ("zh", "EV-101 第 1 版的每个实操单元")],
)  # fmt: skip
def test_texts_are_in_the_language_the_holder_chooses(
    client, login, training, issued, lang, narrative
):
    item = issued("EV-101-U1", "EV-101-U2")
    login(training.student)
    base = f"/certificates/{item.certificate.code}/credential?lang={lang}"
    document = json.loads(client.get(base + "&format=json").data)
    achievement = document["credentialSubject"]["achievement"]
    assert achievement["inLanguage"] == lang
    assert achievement["criteria"]["narrative"].startswith(narrative)
    assert achievement["name"] == {"id": "Modul EV-101", "en": "Module EV-101",
                                   "zh": "模块 EV-101"}[lang]  # fmt: skip
    claims = _claims(client.get(base).get_data(as_text=True))
    assert claims["credentialSubject"]["achievement"] == achievement


def test_a_certificate_made_without_its_rows_gets_them_at_its_first_download(db, client, issued):
    item = issued("EV-101-U1", "EV-101-U2")
    db.exec(delete(CredentialStatus))
    db.exec(delete(CredentialHolder))
    again = client.get(f"/verify/{item.certificate.code}/credential").get_json()
    (row,) = db.exec(select(CredentialStatus)).all()
    assert again["credentialStatus"]["statusListIndex"] == str(row.list_index)
    assert db.exec(select(Certificate)).one().id == row.certificate_id


def test_the_first_rotation_on_an_empty_directory_makes_the_first_keys(app, runner):
    result = runner.invoke(args=["keys", "rotate", "--json"])
    assert result.exit_code == 0 and json.loads(result.output)["generation"] == 1
    assert [f.name for f in keys.key_files(app)] == ["0001-ed25519.pem", "0001-rsa.pem"]
