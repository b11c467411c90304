"""Open Badges 3.0 credentials for certificates, signed as JWT-VCs with the platform's Ed25519 key.

The private key lives in a file (EDUPLATFORM_SIGNING_KEY_FILE, default instance/signing_key.pem),
created on first use with mode 0600; every app process and host must share that one file. The
public key is published as a JWK Set at /.well-known/jwks.json, so anyone can check a credential
offline. The student appears only as a salted SHA-256 hash of their NISN.
"""

import base64
import contextlib
import hashlib
import json
import os
import tempfile
from datetime import datetime
from pathlib import Path

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from flask import current_app
from jwt.algorithms import OKPAlgorithm

from eduplatform.i18n import translated

ALGORITHM = "EdDSA"
CONTEXTS = [
    "https://www.w3.org/ns/credentials/v2",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
]


def signing_key_path(app=None):
    app = app or current_app
    configured = app.config.get("SIGNING_KEY_FILE")
    return Path(configured) if configured else Path(app.instance_path) / "signing_key.pem"


def _create_key_file(path):
    """Write a new key next to `path` and link it in place; the first writer wins a race."""
    path.parent.mkdir(parents=True, exist_ok=True)
    pem = Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=".signing-key-")
    try:
        os.fchmod(fd, 0o600)
        os.write(fd, pem)
        os.fsync(fd)
        os.close(fd)
        with contextlib.suppress(FileExistsError):
            os.link(temporary, path)
    finally:
        os.unlink(temporary)


def signing_key(app=None):
    """The platform's Ed25519 private key, created on first use."""
    path = signing_key_path(app)
    if not path.exists():
        _create_key_file(path)
    return serialization.load_pem_private_key(path.read_bytes(), password=None)


def _b64(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def public_jwk(key=None):
    """The public key as a JWK with its RFC 7638 thumbprint as `kid`."""
    key = key or signing_key()
    jwk = json.loads(OKPAlgorithm.to_jwk(key.public_key()))
    canonical = json.dumps(
        {"crv": jwk["crv"], "kty": jwk["kty"], "x": jwk["x"]}, separators=(",", ":")
    )
    kid = _b64(hashlib.sha256(canonical.encode()).digest())
    return {
        "kty": "OKP",
        "crv": jwk["crv"],
        "x": jwk["x"],
        "kid": kid,
        "use": "sig",
        "alg": ALGORITHM,
    }


def jwks():
    return {"keys": [public_jwk()]}


def identity_hash(identifier, salt):
    return "sha256$" + hashlib.sha256(f"{identifier}{salt}".encode()).hexdigest()


def _timestamp(moment):
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def _profile(base_url, organization):
    return {
        "id": f"{base_url}/issuers/{organization.id}",
        "type": ["Profile"],
        "name": organization.name,
    }


def build_credential(view, *, base_url, verify_url, locale):
    """The OpenBadgeCredential (JSON-LD) of a certificate, unsigned."""
    title = translated(view.version.title, locale) or view.module.code
    summary = translated(view.version.summary, locale) or title
    student = view.student
    salt = view.certificate.identity_salt
    if student.nisn:
        identifier = {"identityType": "nationalIdentityNumber", "value": student.nisn}
    else:
        identifier = {"identityType": "emailAddress", "value": student.email}
    unit_codes = ", ".join(u.code for u in view.units)
    achievement = {
        "id": f"{base_url}/achievements/{view.module.code}/v{view.version.number}",
        "type": ["Achievement"],
        "achievementType": "Certificate",
        "name": title,
        "description": summary,
        "humanCode": view.module.code,
        "version": str(view.version.number),
        "inLanguage": locale,
        "criteria": {
            "narrative": (
                f"Every practical unit of {view.module.code} version {view.version.number} "
                f"logged by the learner and verified by a teacher: {unit_codes}."
            )
        },
    }
    if view.partner is not None:
        achievement["creator"] = _profile(base_url, view.partner)
    return {
        "@context": CONTEXTS,
        "id": verify_url,
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": title,
        "issuer": _profile(base_url, view.school),
        "validFrom": _timestamp(view.certificate.issued_at),
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "identifier": [
                {
                    "type": "IdentityObject",
                    "hashed": True,
                    "identityHash": identity_hash(identifier["value"], salt),
                    "identityType": identifier["identityType"],
                    "salt": salt,
                }
            ],
            "achievement": achievement,
        },
    }


def sign_credential(credential, *, jwks_url):
    """A compact JWS (VC-JWT) of the credential with the registered claims OB 3.0 asks for."""
    claims = dict(credential)
    claims.update(
        iss=credential["issuer"]["id"],
        jti=credential["id"],
        nbf=int(_parse_timestamp(credential["validFrom"])),
    )
    headers = {"kid": public_jwk()["kid"], "jku": jwks_url, "typ": "JWT"}
    return jwt.encode(claims, signing_key(), algorithm=ALGORITHM, headers=headers)


def _parse_timestamp(value):
    return datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp()
