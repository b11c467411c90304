"""The site's signing keys inside a backup: a set of files, sealed with a passphrase.

The key files are packed into one zip held in memory and encrypted with AES-256-GCM under a
key derived from the passphrase with scrypt (salt and cost stored beside it). GCM's tag makes
a wrong passphrase and a damaged blob fail the same way: nothing is ever half-decrypted.
"""

import io
import os
import zipfile
from dataclasses import dataclass
from pathlib import Path

from eduplatform.errors import Invalid

SCHEME = "scrypt+aes-256-gcm"
COST = {"n": 2**15, "r": 8, "p": 1}  # 32 MiB and ~0.1 s per attempt on one core
# A backup names its own cost; one that asks for more than this is refused, not computed.
MAX_COST = {"n": 2**20, "r": 16, "p": 4}
AAD = b"eduplatform signing keys"
MAX_KEYS_BYTES = 1024 * 1024
MAX_KEY_FILES = 1000


@dataclass(frozen=True)
class KeyFile:
    name: str  # the file's name inside the key directory
    data: bytes


def read_key_files(paths):
    return [KeyFile(Path(path).name, Path(path).read_bytes()) for path in paths]


def _derive(passphrase, salt, cost):
    # cryptography is loaded by the backup commands, not by every worker (see credentials.keys).
    from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

    return Scrypt(salt=salt, length=32, **cost).derive(passphrase.encode())


def _pack(key_files):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for key in key_files:
            archive.writestr(key.name, key.data)
    return buffer.getvalue()


def _unpack(blob):
    with zipfile.ZipFile(io.BytesIO(blob)) as archive:
        members = archive.infolist()
        if len(members) > MAX_KEY_FILES or sum(m.file_size for m in members) > MAX_KEYS_BYTES:
            raise Invalid.field("file", "The backup holds more signing keys than a site has.")
        return [KeyFile(Path(m.filename).name, archive.read(m)) for m in members]


def seal(key_files, passphrase):
    """(header, ciphertext): the header goes into the manifest, the ciphertext into a member."""
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    salt, nonce = os.urandom(16), os.urandom(12)
    sealed = AESGCM(_derive(passphrase, salt, COST)).encrypt(nonce, _pack(key_files), AAD)
    header = {"scheme": SCHEME, "salt": salt.hex(), "nonce": nonce.hex(), **COST}
    return header, sealed


def open_sealed(header, sealed, passphrase):
    """The key files of a sealed blob; Invalid for a wrong passphrase or a damaged blob."""
    from cryptography.exceptions import InvalidTag
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    try:
        cost = {name: int(header[name]) for name in ("n", "r", "p")}
        salt, nonce = bytes.fromhex(header["salt"]), bytes.fromhex(header["nonce"])
        known = header["scheme"] == SCHEME
    except (KeyError, TypeError, ValueError):
        known = False
    if (
        len(sealed) > MAX_KEYS_BYTES + 64
        or not known
        or any(cost[k] > MAX_COST[k] or cost[k] < 1 for k in cost)
    ):
        raise Invalid.field("file", "The backup's signing keys are sealed in an unknown way.")
    try:
        plain = AESGCM(_derive(passphrase, salt, cost)).decrypt(nonce, sealed, AAD)
    except (InvalidTag, ValueError):
        raise Invalid.field(
            "passphrase", "The passphrase does not open the signing keys in this backup."
        ) from None
    try:
        return _unpack(plain)
    except zipfile.BadZipFile:
        raise Invalid.field("file", "The backup's signing keys are unreadable.") from None
