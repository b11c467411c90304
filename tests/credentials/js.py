"""Runs tests/credentials/verifiers/verify.mjs (npm's @digitalbazaar/vc, eddsa-rdfc-2022,
vc-bitstring-status-list, jose, jsonld) under the machine's Node.js, offline."""

import json
import shutil
import subprocess
from pathlib import Path

import jwt

from eduplatform.credentials import jsonld as contexts

FOLDER = Path(__file__).parent / "verifiers"
PROJECT = Path(__file__).parents[2]
# The reference copies beside the project (shared/schemas), else the app's shipped copies.
REFERENCE = PROJECT.parent / "shared" / "schemas"
REFERENCE_FILES = {contexts.OB_V3: "ob_v3p0_context-3.0.3.json",
                   contexts.CLR_V2: "clr_v2p0_context-2.0.1.json"}  # fmt: skip


def reference_contexts():
    found = {}
    for url, name in REFERENCE_FILES.items():
        path = REFERENCE / name
        found[url] = (
            json.loads(path.read_text()) if path.exists() else contexts.context_document(url)
        )
    return found


def node_ready():
    """The message that says why the verifiers cannot run, or None."""
    if shutil.which("node") is None:
        return "Node.js is not installed"
    if not (FOLDER / "node_modules" / "@digitalbazaar" / "vc").is_dir():
        return "run `make install-test` (npm ci in tests/credentials/verifiers)"
    return None


def run(mode, credential, documents, jwks=None, issuer=None):
    problem = node_ready()
    assert problem is None, problem
    payload = {"mode": mode, "credential": credential, "documents": documents,
               "jwks": jwks, "issuer": issuer}  # fmt: skip
    finished = subprocess.run(  # noqa: S603 - our script, our input
        ["node", "verify.mjs"], cwd=FOLDER, input=json.dumps(payload), capture_output=True,
        text=True, timeout=120, check=False,
    )  # fmt: skip
    assert finished.returncode == 0, finished.stderr
    return json.loads(finished.stdout)


def documents_for(client, document_or_jwt):
    """What a verifier's loader may fetch for this credential, read from the app."""
    credential = document_or_jwt
    if isinstance(credential, str):
        credential = jwt.decode(credential, options={"verify_signature": False})
    found = reference_contexts()
    found["did:web:localhost"] = client.get("/.well-known/did.json").get_json()
    status_url = credential["credentialStatus"]["statusListCredential"]
    found[status_url] = client.get(status_url.removeprefix("http://localhost")).get_json()
    return found
