import pytest

from eduplatform import create_app
from eduplatform.config import BadBaseUrl, MissingSecretKey


def test_production_without_secret_key_refuses_to_start(tmp_path, monkeypatch):
    monkeypatch.delenv("EDUPLATFORM_SECRET_KEY", raising=False)
    with pytest.raises(MissingSecretKey, match="EDUPLATFORM_SECRET_KEY"):
        create_app({"ENV": "production", "DATABASE_URL": f"sqlite:///{tmp_path}/x.db"})


def test_development_key_is_generated_once_into_the_instance_folder(tmp_path, monkeypatch):
    monkeypatch.delenv("EDUPLATFORM_SECRET_KEY", raising=False)
    first = create_app({"DATABASE_URL": f"sqlite:///{tmp_path}/x.db"})
    second = create_app({"DATABASE_URL": f"sqlite:///{tmp_path}/x.db"})
    assert first.config["SECRET_KEY"] == second.config["SECRET_KEY"]
    assert len(first.config["SECRET_KEY"]) == 64


def test_environment_variables_override_defaults(tmp_path, monkeypatch):
    monkeypatch.setenv("EDUPLATFORM_DATABASE_URL", f"sqlite:///{tmp_path}/env.db")
    monkeypatch.setenv("EDUPLATFORM_SECRET_KEY", "from-env")
    monkeypatch.setenv("EDUPLATFORM_RATELIMIT_STORAGE_URL", "memory://")
    app = create_app()
    assert app.config["DATABASE_URL"].endswith("env.db")
    assert app.config["SECRET_KEY"] == "from-env"
    assert app.config["RATELIMIT_STORAGE_URI"] == "memory://"


def test_https_deployments_get_secure_cookies(tmp_path):
    app = create_app(
        {
            "PREFERRED_URL_SCHEME": "https",
            "SECRET_KEY": "x",
            "DATABASE_URL": f"sqlite:///{tmp_path}/x.db",
        }
    )
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["SESSION_COOKIE_HTTPONLY"] is True
    assert app.config["SESSION_COOKIE_SAMESITE"] == "Lax"


def test_production_without_a_base_url_refuses_to_start(tmp_path, monkeypatch):
    monkeypatch.delenv("EDUPLATFORM_BASE_URL", raising=False)
    with pytest.raises(BadBaseUrl, match="EDUPLATFORM_BASE_URL is not set"):
        create_app(
            {"ENV": "production", "SECRET_KEY": "x", "DATABASE_URL": f"sqlite:///{tmp_path}/x.db"}
        )


@pytest.mark.parametrize(
    "value", ["smk.example.id", "ftp://smk.example.id", "https://", "https://smk.example.id/?a=1"]
)
def test_a_base_url_that_is_no_site_address_is_refused(tmp_path, value):
    with pytest.raises(BadBaseUrl, match="is not a site address"):
        create_app({"BASE_URL": value, "DATABASE_URL": f"sqlite:///{tmp_path}/x.db"})


def test_production_trusts_the_base_urls_host_and_the_configured_extras(tmp_path):
    app = create_app(
        {
            "ENV": "production",
            "SECRET_KEY": "x",
            "BASE_URL": "https://smk.example.id/",
            "EXTRA_TRUSTED_HOSTS": "app-1.internal, .lb.internal",
            "DATABASE_URL": f"sqlite:///{tmp_path}/x.db",
        }
    )
    assert app.config["BASE_URL"] == "https://smk.example.id"
    assert app.config["TRUSTED_HOSTS"] == ["smk.example.id", "app-1.internal", ".lb.internal"]
