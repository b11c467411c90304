"""W3C Bitstring Status List v1.0: a certificate's entry and the published list credential."""

import base64
import gzip

from eduplatform.credentials.jsonld import VC_V2
from eduplatform.credentials.models import STATUS_LIST_SIZE
from eduplatform.urls import public_url

PURPOSE = "revocation"


def list_url(list_id):
    return public_url("credentials.status_list", list_id=list_id)


def entry(list_id, index, url=None):
    """The credentialStatus of a credential whose revocation bit is `index` of list `list_id`
    (at `url`: the module certificates' lists unless another area's is named)."""
    url = url or list_url(list_id)
    return {
        "id": f"{url}#{index}",
        "type": "BitstringStatusListEntry",
        "statusPurpose": PURPOSE,
        "statusListIndex": str(index),
        "statusListCredential": url,
    }


def encode(set_indexes, size=STATUS_LIST_SIZE):
    """The multibase (base64url, no padding) GZIP of the bitstring; index 0 is the first bit."""
    bits = bytearray(size // 8)
    for index in set_indexes:
        bits[index // 8] |= 0x80 >> (index % 8)
    compressed = gzip.compress(bytes(bits), mtime=0)  # the same bytes for the same bits
    return "u" + base64.urlsafe_b64encode(compressed).rstrip(b"=").decode()


def decode(encoded):
    data = encoded.removeprefix("u")
    bits = gzip.decompress(base64.urlsafe_b64decode(data + "=" * (-len(data) % 4)))
    return {i * 8 + bit for i, byte in enumerate(bits) for bit in range(8) if byte & (0x80 >> bit)}


def list_credential(list_id, *, issuer, valid_from, revoked_indexes, url=None):
    """The unsigned BitstringStatusListCredential of list `list_id` (at `url`, see entry)."""
    url = url or list_url(list_id)
    return {
        "@context": [VC_V2],
        "id": url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": issuer,
        "validFrom": valid_from,
        "credentialSubject": {
            "id": f"{url}#list",
            "type": "BitstringStatusList",
            "statusPurpose": PURPOSE,
            "encodedList": encode(revoked_indexes),
        },
    }
