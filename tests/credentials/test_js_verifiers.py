"""Independent JavaScript verifiers from npm accept a fresh and a rotated-key credential in both
proof forms and report a revoked one as revoked; each expands in JSON-LD safe mode."""

import jwt
import pytest

from tests.credentials import js


@pytest.mark.parametrize("form", ["document", "jwt"])
@pytest.mark.parametrize("case", ["fresh", "rotated", "revoked"])
def test_the_credential_expands_in_json_ld_safe_mode(client, three, case, form):
    """Both forms: the JSON-LD document with its proof, and the VC-JWT's payload: the same
    credential with the claims OB 3.0 adds. Of those, VC 2.0's context defines iss, sub and nbf
    but not `jti` (a JOSE claim, never read as JSON-LD): it is left out here."""
    item = three[case]
    document = item.document
    if form == "jwt":
        document = jwt.decode(item.jwt, options={"verify_signature": False})
        assert document.pop("jti") == item.document["id"]
    result = js.run("expand", document, js.documents_for(client, document))
    assert result == {"verified": True, "revoked": None, "error": None}


@pytest.mark.parametrize("case", ["fresh", "rotated"])
def test_digitalbazaar_vc_accepts_the_data_integrity_form(client, three, case):
    document = three[case].document
    result = js.run("ldp", document, js.documents_for(client, document))
    assert result["error"] is None and result["verified"] is True and result["revoked"] is False
    assert result["statusChecked"] is True


@pytest.mark.parametrize("case", ["fresh", "rotated"])
def test_jose_accepts_the_vc_jwt_and_its_status_is_good(client, three, case):
    token = three[case].jwt
    jwks = client.get("/.well-known/jwks.json").get_json()
    result = js.run("jwt", token, js.documents_for(client, token), jwks, "did:web:localhost")
    assert result["error"] is None and result["verified"] is True and result["revoked"] is False
    assert set(result["header"]) == {"alg", "kid", "typ"} and result["header"]["alg"] == "RS256"


def test_the_revoked_credential_is_reported_revoked_in_both_forms(client, three):
    item = three["revoked"]
    ldp = js.run("ldp", item.document, js.documents_for(client, item.document))
    assert ldp["signature"] is True and ldp["revoked"] is True and ldp["verified"] is False
    assert ldp["statusChecked"] is True
    jwks = client.get("/.well-known/jwks.json").get_json()
    signed = js.run("jwt", item.jwt, js.documents_for(client, item.jwt), jwks, "did:web:localhost")
    assert signed["revoked"] is True and signed["verified"] is False


def test_a_tampered_credential_fails(client, three):
    document = dict(three["fresh"].document, name="Forged")
    result = js.run("ldp", document, js.documents_for(client, document))
    assert result["verified"] is False and result["signature"] is False
