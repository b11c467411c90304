"""Data Integrity proofs with the eddsa-rdfc-2022 cryptosuite (W3C vc-di-eddsa, section 3.3).

Create: canonicalize the unsecured document and the proof configuration (the proof options with
the document's @context) with RDFC-1.0, hash each with SHA-256, sign proofConfigHash ||
documentHash with Ed25519, and embed the proof with its `proofValue` as base58btc multibase.
"""

import copy
import hashlib

from eduplatform.credentials.jsonld import canonize
from eduplatform.credentials.keys import base58btc, from_base58btc

CRYPTOSUITE = "eddsa-rdfc-2022"


def _hash_data(document, proof_config):
    config_hash = hashlib.sha256(canonize(proof_config).encode()).digest()
    document_hash = hashlib.sha256(canonize(document).encode()).digest()
    return config_hash + document_hash


def add_proof(document, *, private_key, verification_method, created):
    """A copy of `document` with an embedded DataIntegrityProof (eddsa-rdfc-2022)."""
    unsecured = {k: v for k, v in document.items() if k != "proof"}
    options = {
        "type": "DataIntegrityProof",
        "cryptosuite": CRYPTOSUITE,
        "created": created,
        "verificationMethod": verification_method,
        "proofPurpose": "assertionMethod",
    }
    config = {"@context": unsecured["@context"], **options}
    signature = private_key.sign(_hash_data(unsecured, config))
    secured = copy.deepcopy(unsecured)
    # A list: Open Badges 3.0's schema wants `proof` as an array (a set of proofs to Data
    # Integrity, here of one).
    secured["proof"] = [{**options, "proofValue": "z" + base58btc(signature)}]
    return secured


def verify_proof(document, *, public_key):
    """True when the document's eddsa-rdfc-2022 proof checks with `public_key`."""
    from cryptography.exceptions import InvalidSignature

    proofs = document.get("proof") or []
    proofs = proofs if isinstance(proofs, list) else [proofs]
    if len(proofs) != 1:
        return False
    proof = dict(proofs[0])
    value = proof.pop("proofValue", "")
    if proof.get("cryptosuite") != CRYPTOSUITE or not value.startswith("z"):
        return False
    unsecured = {k: v for k, v in document.items() if k != "proof"}
    config = {"@context": unsecured["@context"], **proof}
    try:
        public_key.verify(from_base58btc(value[1:]), _hash_data(unsecured, config))
    except (InvalidSignature, ValueError):
        return False
    return True
