"""Production serves only its own host names and keeps browsers on https (#13.14, #13.15)."""

import pytest

from eduplatform import create_app
from eduplatform.db import get_engine


@pytest.fixture
def production(app_config):
    """An app in production mode behind https://smk.example.id, with one extra internal name."""
    made = []

    def make(**overrides):
        config = {
            **app_config,
            "ENV": "production",
            "BASE_URL": "https://smk.example.id",
            "PREFERRED_URL_SCHEME": "https",
            "EXTRA_TRUSTED_HOSTS": "app-1.internal",
            **overrides,
        }
        made.append(create_app(config))
        return made[-1]

    yield make
    for app in made:
        get_engine(app).dispose()


def test_production_answers_400_to_a_host_it_does_not_serve(production):
    client = production().test_client()
    for host in ("evil.example", "smk.example.id.evil.example", "127.0.0.1"):
        response = client.get("/healthz/live", headers={"Host": host})
        assert response.status_code == 400, host
    assert client.get("/verify", headers={"Host": "evil.example"}).status_code == 400
    for host in ("smk.example.id", "smk.example.id:443", "app-1.internal:8000"):
        assert client.get("/healthz/live", headers={"Host": host}).status_code == 200, host


def test_a_forwarded_host_from_a_trusted_proxy_is_checked_too(production):
    client = production(TRUSTED_PROXIES=1).test_client()
    forged = {"Host": "smk.example.id", "X-Forwarded-Host": "evil.example"}
    assert client.get("/healthz/live", headers=forged).status_code == 400
    genuine = {"Host": "app-1.internal", "X-Forwarded-Host": "smk.example.id"}
    assert client.get("/healthz/live", headers=genuine).status_code == 200


def test_https_sites_send_strict_transport_security_with_the_configured_max_age(production):
    client = production().test_client()
    response = client.get("/healthz/live", headers={"Host": "smk.example.id"})
    assert response.headers["Strict-Transport-Security"] == "max-age=31536000"
    client = production(HSTS_MAX_AGE=600, HSTS_INCLUDE_SUBDOMAINS=True).test_client()
    response = client.get("/verify", headers={"Host": "smk.example.id"})
    assert response.headers["Strict-Transport-Security"] == "max-age=600; includeSubDomains"


def test_plain_http_sites_send_no_strict_transport_security(client):
    assert "Strict-Transport-Security" not in client.get("/healthz/live").headers
