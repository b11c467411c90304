"""An independent Python verifier (openbadgeslib, from PyPI) accepts a fresh and a rotated-key
credential in both proof forms and reports a revoked one as revoked; both forms validate against
the Open Badges 3.0 schema."""

import json
from pathlib import Path

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from jsonschema import Draft201909Validator
from openbadgeslib.ob3 import OB3LdpVerifier, OB3VerificationError, OB3Verifier

SCHEMA = json.loads(
    (
        Path(__file__).parents[1] / "training/schemas/ob_v3p0_achievementcredential.schema.json"
    ).read_text()
)
JWT_CLAIMS = {"iss", "jti", "nbf", "sub", "exp"}
DID = "did:web:localhost"


def _pem_of_kid(token, fetch):
    """Dereference the JWT's `kid` (a URL) to its JWK, as OB 3.0 tells a verifier to."""
    jwk = json.loads(fetch(jwt.get_unverified_header(token)["kid"]))
    key = jwt.PyJWK(jwk).key
    return key.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )


@pytest.mark.parametrize("case", ["fresh", "rotated", "revoked"])
def test_both_forms_validate_against_the_open_badges_schema(three, case):
    item = three[case]
    Draft201909Validator(SCHEMA).validate(item.document)
    claims = jwt.decode(item.jwt, options={"verify_signature": False})
    Draft201909Validator(SCHEMA).validate({k: v for k, v in claims.items() if k not in JWT_CLAIMS})
    unsigned = {k: v for k, v in item.document.items() if k != "proof"}
    assert {k: v for k, v in claims.items() if k not in JWT_CLAIMS} == unsigned


@pytest.mark.parametrize("case", ["fresh", "rotated"])
def test_openbadgeslib_accepts_the_data_integrity_form(three, fetch, case):
    verifier = OB3LdpVerifier.for_issuer_did(DID, download=fetch)
    credential = verifier.verify(
        three[case].document, check_status=True, download=fetch, verify_status_list=False
    )
    assert credential.issuer.id == DID


@pytest.mark.parametrize("case", ["fresh", "rotated"])
def test_openbadgeslib_accepts_the_vc_jwt(three, fetch, case):
    token = three[case].jwt
    verifier = OB3Verifier(pubkey_pem=_pem_of_kid(token, fetch))
    credential = verifier.verify(
        token,
        check_status=True,
        download=lambda url: fetch(url, jwt=True),
        # The list is signed by the key that signs now: check its signature when that is the
        # key this credential was signed with (a pinned key verifies one key only).
        verify_status_list=case == "fresh",
    )
    assert credential.issuer.id == DID


def test_openbadgeslib_reports_the_revoked_credential_as_revoked_in_both_forms(three, fetch):
    item = three["revoked"]
    verifier = OB3LdpVerifier.for_issuer_did(DID, download=fetch)
    with pytest.raises(OB3VerificationError, match="'revocation' is set"):
        verifier.verify(item.document, check_status=True, download=fetch,
                        verify_status_list=False)  # fmt: skip
    jwt_verifier = OB3Verifier(pubkey_pem=_pem_of_kid(item.jwt, fetch))
    with pytest.raises(OB3VerificationError, match="'revocation' is set"):
        jwt_verifier.verify(item.jwt, check_status=True, verify_status_list=True,
                            download=lambda url: fetch(url, jwt=True))  # fmt: skip
    # Without the status check the signature itself is still good: revocation is the status.
    assert jwt_verifier.verify(item.jwt).issuer.id == DID


def test_a_tampered_credential_fails_in_both_forms(three, fetch):
    item = three["fresh"]
    forged = json.loads(json.dumps(item.document))
    forged["credentialSubject"]["identifier"][0]["identityHash"] = "Someone Else"
    with pytest.raises(OB3VerificationError):
        OB3LdpVerifier.for_issuer_did(DID, download=fetch).verify(forged)
    header, payload, signature = item.jwt.split(".")
    claims = jwt.decode(item.jwt, options={"verify_signature": False})
    claims["name"] = "Forged"
    body = jwt.utils.base64url_encode(json.dumps(claims).encode()).decode()
    with pytest.raises(OB3VerificationError, match="signature"):
        OB3Verifier(pubkey_pem=_pem_of_kid(item.jwt, fetch)).verify(f"{header}.{body}.{signature}")
