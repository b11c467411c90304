"""A forged Host header never reaches a credential, a QR code or a page's public links (#13.14)."""

import base64
import io

import pytest
import zxingcpp
from PIL import Image
from pypdf import PdfReader

from eduplatform.training.models import Certificate
from tests.conftest import PASSWORD


@pytest.fixture
def certified(db, training, verified):
    verified("EV-101-U1", "EV-101-U2")
    return db.exec(Certificate.__table__.select()).first()


@pytest.fixture
def forged(forged_client):
    """get(path, user=None): a request carrying `Host: evil.example`, signed in as `user`."""

    def get(path, user=None):
        if user is not None:
            forged_client.post("/login", data={"login": user.email, "password": PASSWORD})
        response = forged_client.get(path)
        assert response.status_code == 200, path
        return response

    return get


def _jwt_text(token):
    """Every part of a compact JWS, decoded, as one text."""
    parts = token.split(".")
    return " ".join(base64.urlsafe_b64decode(p + "=" * (-len(p) % 4)).decode("latin-1")
                    for p in parts)  # fmt: skip


def test_the_credential_names_only_the_configured_site(forged, training, certified):
    token = forged(f"/certificates/{certified.code}/credential", training.student).get_data(
        as_text=True
    )
    signed = _jwt_text(token)
    assert "evil.example" not in signed
    assert "http://localhost/verify/" in signed and "http://localhost/issuers/" in signed


def test_the_pdfs_qr_code_points_at_the_configured_site(forged, training, certified):
    data = forged(f"/certificates/{certified.code}/pdf", training.student).data
    (picture,) = PdfReader(io.BytesIO(data)).pages[0].images
    decoded = [r.text for r in zxingcpp.read_barcodes(Image.open(io.BytesIO(picture.data)))]
    assert decoded == [f"http://localhost/verify/{certified.code}"]
    assert b"evil.example" not in data


def test_public_links_on_pages_use_the_configured_site(forged, training, certified):
    pages = [
        forged(f"/certificates/{certified.code}", training.student),
        forged("/passport/settings"),
        forged(f"/verify/{certified.code}"),
        forged(f"/issuers/{training.school.id}"),
    ]
    for page in pages:
        assert "evil.example" not in page.get_data(as_text=True), page.request.path
    assert "http://localhost/verify/" in pages[0].get_data(as_text=True)
