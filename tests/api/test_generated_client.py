"""A client generated from the OpenAPI document by openapi-python-client (PyPI) downloads both
credential forms with strict settings: the JSON-LD form as a model, the VC-JWT as a string."""

import importlib
import json
import subprocess
import sys
import threading
from pathlib import Path

import jwt
import pytest
from werkzeug.serving import make_server

GENERATOR = Path(sys.executable).with_name("openapi-python-client")


@pytest.fixture
def live_api(app):
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/api/v1"
    server.shutdown()
    thread.join(timeout=5)


@pytest.fixture
def generated(client, tmp_path, monkeypatch):
    """The package openapi-python-client generates from /api/v1/openapi.json, imported."""
    document = tmp_path / "openapi.json"
    document.write_text(json.dumps(client.get("/api/v1/openapi.json").get_json()))
    finished = subprocess.run(  # noqa: S603 - the installed generator on our own document
        [str(GENERATOR), "generate", "--path", str(document), "--meta", "none",
         "--output-path", str(tmp_path / "edu_client")],
        capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert finished.returncode == 0, finished.stdout + finished.stderr
    # Nothing about the credential operations was dropped or left unparsed.
    assert "/certificates" not in finished.stdout, finished.stdout
    monkeypatch.syspath_prepend(str(tmp_path))
    yield importlib.import_module("edu_client")
    for name in [m for m in sys.modules if m == "edu_client" or m.startswith("edu_client.")]:
        del sys.modules[name]


def test_generated_client_downloads_both_credential_forms(
    generated, live_api, api, token, world, verified
):
    verified("EV-101-U1", "EV-101-U2")
    code = api("GET", "/certificates", world.student).get_json()["items"][0]["code"]
    certificates = importlib.import_module("edu_client.api.certificates")
    importlib.import_module("edu_client.api.certificates.get_credential")
    importlib.import_module("edu_client.api.certificates.get_credential_jwt")
    caller = generated.AuthenticatedClient(
        base_url=live_api, token=token(world.student), raise_on_unexpected_status=True
    )
    with caller as session:
        document = certificates.get_credential.sync(client=session, code=code)
        signed = certificates.get_credential_jwt.sync(client=session, code=code)
    as_dict = document.to_dict()
    assert as_dict["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert as_dict["proof"][0]["cryptosuite"] == "eddsa-rdfc-2022"
    assert isinstance(signed, str)
    assert jwt.decode(signed, options={"verify_signature": False})["jti"] == as_dict["id"]
