"""What a worker loads: not the libraries only a few requests use, nor tools of the command line.

cryptography and PyJWT sign and check credentials and seal backups' keys; a worker serving
pages never needs them, and holding them cost each worker about 6 MB (issue 21's worker memory
target). They are loaded by the first request that signs, as the credential tests exercise.
Alembic (with Mako and Pygments) migrates the database; readiness only reads the scripts.
"""

import json
import subprocess
import sys

from alembic import command

from eduplatform.cli import alembic_config
from eduplatform.db import make_engine, migration_connection

SIGNING_LIBRARIES = ("cryptography", "jwt")


def _fresh_process(script):
    """What `script`, run in a new interpreter, printed last (as JSON)."""
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=120
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


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
    assert _fresh_process(script) == []


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
    assert _fresh_process(script) == [2, True]


def test_readiness_loads_neither_alembic_nor_its_templates(tmp_path):
    """A worker that answers /healthz keeps what it loaded: Alembic, Mako and Pygments would be
    9 MB of it."""
    url = f"sqlite:///{tmp_path / 'ready.sqlite3'}"
    engine = make_engine(url)
    with migration_connection(engine) as connection:
        command.upgrade(alembic_config(connection), "heads")
    engine.dispose()
    script = f"""
import json, sys
from eduplatform import create_app
app = create_app({{"DATABASE_URL": "{url}", "RATELIMIT_STORAGE_URL": "memory://"}})
status = app.test_client().get("/healthz").status_code
loaded = sorted({{name.split(".")[0] for name in sys.modules}} & {{"alembic", "mako", "pygments"}})
print(json.dumps([status, loaded]))
"""
    assert _fresh_process(script) == [200, []]
