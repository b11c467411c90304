# ruff: noqa: F811 - the training fixtures imported below are used by name
"""Certificates issued through the real services, their credentials fetched as a wallet does, and a
`fetch` that answers a verifier's URLs from the app (no network: the base URL is localhost)."""

from dataclasses import dataclass
from urllib.parse import urlsplit

import pytest
from sqlmodel import select

from eduplatform.training import service
from eduplatform.training.models import Certificate
from tests.training.conftest import (  # noqa: F401 - fixtures shared with the training tests
    add_module,
    app_context,
    enrol,
    log,
    quick_password_hashes,
    session,
    training,
    verified,
)

JWT_TYPE = "application/vc+jwt"


@pytest.fixture
def fetch(client):
    """fetch(url, jwt=False): the bytes a verifier gets for one of the app's public URLs."""

    def get(url, jwt=False):
        parts = urlsplit(url)
        if url.startswith("did:web:"):
            raise AssertionError(f"resolve {url} through its document URL")
        assert parts.hostname == "localhost", url  # a verifier never leaves the machine
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        response = client.get(path, headers={"Accept": JWT_TYPE if jwt else "application/json"})
        assert response.status_code == 200, (url, response.status_code)
        return response.data

    return get


@dataclass
class Issued:
    """One certificate's credential in both proof forms, as downloaded (texts in English)."""

    certificate: Certificate
    document: dict
    jwt: str


@pytest.fixture
def issued(app, client, db, training, verified):
    """issued(*codes, student): verify the units, then download the certificate's credential."""

    def make(*codes, student=None):
        student = student or training.student
        verified(*codes, student=student)
        certificate = db.exec(
            select(Certificate)
            .where(Certificate.student_id == student.id)
            .order_by(Certificate.id.desc())
        ).first()
        base = f"/verify/{certificate.code}/credential?lang=en"
        document = client.get(base).get_json()
        token = client.get(base, headers={"Accept": JWT_TYPE}).get_data(as_text=True)
        return Issued(certificate, document, token)

    return make


@pytest.fixture
def rotate(runner):
    def run():
        result = runner.invoke(args=["keys", "rotate", "--json"])
        assert result.exit_code == 0, result.output
        return result

    return run


@pytest.fixture
def revoke(app, session, training):
    def run(certificate):
        with app.test_request_context("/?lang=en"):
            found = session.get(Certificate, certificate.id)
            service.revoke_certificate(
                session, actor=training.admin, certificate=found, reason="Evidence was copied"
            )

    return run


@pytest.fixture
def three(issued, rotate, revoke, training):
    """A credential issued before a key rotation, one after it, and one revoked afterwards."""
    before = issued("EV-101-U1", "EV-101-U2")
    rotate()
    fresh = issued("EV-102-U1", "EV-102-U2")
    revoked = issued("EV-101-U1", "EV-101-U2", student=training.classmate)
    revoke(revoked.certificate)
    return {"rotated": before, "fresh": fresh, "revoked": revoked}
