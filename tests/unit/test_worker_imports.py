"""What a worker loads before its first request: not the libraries only a few requests use.

cryptography and PyJWT sign and check credentials and seal backups' keys; a worker serving
pages never needs them, and holding them cost each worker about 6 MB (issue 21's worker memory
target). They are loaded by the first request that signs, as the credential tests exercise.
"""

import json
import subprocess
import sys

SIGNING_LIBRARIES = ("cryptography", "jwt")


def test_creating_the_app_loads_no_signing_library(tmp_path):
    script = f"""
import json, sys
from eduplatform import create_app
app = create_app({{
    "DATABASE_URL": "sqlite:///{tmp_path / "worker.sqlite3"}",
    "RATELIMIT_STORAGE_URL": "memory://",
}})
app.test_client().get("/login")
loaded = [name for name in sys.modules if name.split(".")[0] in {SIGNING_LIBRARIES!r}]
print(json.dumps(sorted(loaded)))
"""
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=120
    )
    assert json.loads(done.stdout.strip().splitlines()[-1]) == []


def test_signing_loads_them_when_it_is_needed(tmp_path):
    script = f"""
import json, sys
from eduplatform import create_app
from eduplatform.credentials import keys, vcjwt
app = create_app({{
    "DATABASE_URL": "sqlite:///{tmp_path / "worker.sqlite3"}",
    "RATELIMIT_STORAGE_URL": "memory://",
    "SIGNING_KEY_DIR": "{tmp_path / "keys"}",
    "BASE_URL": "https://eduplatform.example.org",
}})
with app.test_request_context():
    key = keys.signing_key("rsa")
    token = vcjwt.sign(
        {{"id": "urn:uuid:1", "issuer": "did:web:example.org", "validFrom": "2026-12-07T00:00:00Z",
          "credentialSubject": {{"id": "urn:uuid:2"}}}},
        key,
    )
print(json.dumps([token.count("."), "jwt" in sys.modules]))
"""
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=120
    )
    assert json.loads(done.stdout.strip().splitlines()[-1]) == [2, True]
