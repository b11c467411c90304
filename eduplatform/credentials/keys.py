"""The platform's signing keys: files in one directory, rotated, every one of them published.

EDUPLATFORM_SIGNING_KEY_DIR (default instance/signing_keys) holds PKCS#8 PEM files, mode 0600:
`NNNN-rsa.pem` (RS256, signs VC-JWTs) and `NNNN-ed25519.pem` (signs eddsa-rdfc-2022 Data
Integrity proofs), NNNN the key generation. The newest generation signs; every older one stays
published (JWK Set, DID document), so a credential signed before a rotation still verifies.
Every app process and host must share the directory; `key_files()` lists what a backup takes.

`cryptography` (and PyJWT, in vcjwt) is imported by the functions that use it: a worker that
never signs or checks a credential (most requests are pages) does not hold their 6 MB.
"""

import base64
import contextlib
import hashlib
import json
import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path

from flask import current_app

KINDS = ("rsa", "ed25519")
KEY_FILE = re.compile(r"^(\d{4,})-(rsa|ed25519)\.pem$")
RSA_BITS = 2048  # RS256 with a 2048-bit key: what OB 3.0 and every JOSE library accept
# Multicodec prefix of an Ed25519 public key in a Multikey (0xed, varint-encoded).
ED25519_MULTICODEC = b"\xed\x01"
BASE58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"


@dataclass(frozen=True)
class SigningKey:
    generation: int
    kind: str
    path: Path
    private: object

    @property
    def public(self):
        return self.private.public_key()

    @property
    def thumbprint(self):
        return jwk_thumbprint(public_jwk(self.public))


def key_dir(app=None):
    app = app or current_app
    configured = app.config.get("SIGNING_KEY_DIR")
    return Path(configured) if configured else Path(app.instance_path) / "signing_keys"


def key_files(app=None):
    """Every key file (private keys: back them up, keep them secret), oldest first."""
    directory = key_dir(app)
    if not directory.is_dir():
        return []
    return sorted(p for p in directory.iterdir() if KEY_FILE.match(p.name))


def _generations(app=None):
    return sorted({int(KEY_FILE.match(p.name).group(1)) for p in key_files(app)})


def _new_private_key(kind):
    from cryptography.hazmat.primitives.asymmetric import ed25519, rsa

    if kind == "rsa":
        return rsa.generate_private_key(public_exponent=65537, key_size=RSA_BITS)
    return ed25519.Ed25519PrivateKey.generate()


def _write_key(path, kind):
    """Write a new key to `path` unless it exists; the first writer wins a race between hosts."""
    from cryptography.hazmat.primitives import serialization

    path.parent.mkdir(parents=True, exist_ok=True)
    pem = _new_private_key(kind).private_bytes(
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


def _create_generation(generation, app=None):
    for kind in KINDS:
        _write_key(key_dir(app) / f"{generation:04d}-{kind}.pem", kind)


def ensure_keys(app=None):
    """Create the first generation of keys when the directory has none."""
    if not _generations(app):
        _create_generation(1, app)


def rotate(app=None):
    """Add a new generation of keys, which signs from now on; the old ones stay published.
    (On an empty directory: the first generation.)"""
    existing = _generations(app)
    generation = existing[-1] + 1 if existing else 1
    _create_generation(generation, app)
    return generation


def all_keys(kind, app=None):
    """Every key of `kind` ("rsa" or "ed25519"), newest first."""
    from cryptography.hazmat.primitives import serialization

    ensure_keys(app)
    found = []
    for path in key_files(app):
        match = KEY_FILE.match(path.name)
        if match.group(2) == kind:
            private = serialization.load_pem_private_key(path.read_bytes(), password=None)
            found.append(SigningKey(int(match.group(1)), kind, path, private))
    return sorted(found, key=lambda key: key.generation, reverse=True)


def signing_key(kind, app=None):
    """The key of `kind` that signs now: the newest generation's."""
    return all_keys(kind, app)[0]


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def public_jwk(public_key):
    """The public key as a JWK (members of RFC 7638 only; never a private member)."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    if isinstance(public_key, rsa.RSAPublicKey):
        numbers = public_key.public_numbers()
        return {
            "kty": "RSA",
            "n": b64url(numbers.n.to_bytes((numbers.n.bit_length() + 7) // 8, "big")),
            "e": b64url(numbers.e.to_bytes((numbers.e.bit_length() + 7) // 8, "big")),
        }
    raw = public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return {"kty": "OKP", "crv": "Ed25519", "x": b64url(raw)}


def jwk_thumbprint(jwk):
    """RFC 7638 thumbprint: SHA-256 of the required members in lexicographic order."""
    required = {"RSA": ("e", "kty", "n"), "OKP": ("crv", "kty", "x")}[jwk["kty"]]
    canonical = json.dumps({k: jwk[k] for k in required}, separators=(",", ":"), sort_keys=True)
    return b64url(hashlib.sha256(canonical.encode()).digest())


def base58btc(data):
    number = int.from_bytes(data, "big")
    encoded = ""
    while number:
        number, remainder = divmod(number, 58)
        encoded = BASE58[remainder] + encoded
    return "1" * (len(data) - len(data.lstrip(b"\0"))) + encoded


def from_base58btc(text):
    number = 0
    for character in text:
        number = number * 58 + BASE58.index(character)
    body = number.to_bytes((number.bit_length() + 7) // 8, "big") if number else b""
    return b"\0" * (len(text) - len(text.lstrip("1"))) + body


def multikey(public_key):
    """An Ed25519 public key as a Multikey `publicKeyMultibase` (z6Mk...)."""
    from cryptography.hazmat.primitives import serialization

    raw = public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return "z" + base58btc(ED25519_MULTICODEC + raw)
