"""VC-JWT as Open Badges 3.0 (section 8.2) says: RS256, header alg/typ/kid only, the credential
as the payload with iss, jti, nbf, sub (and exp when the credential has validUntil)."""

from datetime import datetime

from eduplatform.urls import public_url

ALGORITHM = "RS256"


def key_url(thumbprint):
    """The `kid`: a URL that dereferences to the public key as a JWK."""
    return public_url("credentials.jwk", thumbprint=thumbprint)


def _seconds(value):
    return int(datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp())


def sign(credential, key):
    """The compact JWS of `credential` signed with the RSA `key` (a keys.SigningKey)."""
    import jwt  # see keys.py: loaded by the first worker request that signs

    claims = dict(credential)
    issuer = credential["issuer"]
    claims["iss"] = issuer["id"] if isinstance(issuer, dict) else issuer
    claims["jti"] = credential["id"]
    claims["nbf"] = _seconds(credential["validFrom"])
    subject = credential["credentialSubject"]
    if isinstance(subject, dict) and subject.get("id"):
        claims["sub"] = subject["id"]
    if credential.get("validUntil"):
        claims["exp"] = _seconds(credential["validUntil"])
    headers = {"kid": key_url(key.thumbprint), "typ": "JWT"}
    return jwt.encode(claims, key.private, algorithm=ALGORITHM, headers=headers)
