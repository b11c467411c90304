import re

import pytest

from eduplatform import create_app
from eduplatform.db import get_engine
from tests.conftest import PASSWORD, csrf_token


@pytest.fixture
def csrf_client(app_config):
    app = create_app({**app_config, "WTF_CSRF_ENABLED": True})
    yield app.test_client()
    get_engine(app).dispose()


def test_pages_carry_security_headers(client):
    response = client.get("/login")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"


def test_templates_contain_no_inline_scripts_or_styles(client):
    page = client.get("/login").get_data(as_text=True)
    assert not re.search(r"<script(?![^>]*\bsrc=)", page)
    assert "style=" not in page


def test_session_cookie_is_httponly_and_samesite_lax(client, make_user):
    make_user("teacher", email="c@example.org")
    response = client.post("/login", data={"login": "c@example.org", "password": PASSWORD})
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_forms_without_a_csrf_token_are_refused(csrf_client, make_user):
    make_user("teacher", email="x@example.org")
    response = csrf_client.post("/login", data={"login": "x@example.org", "password": PASSWORD})
    assert response.status_code == 400


def test_forms_with_the_csrf_token_work(csrf_client, make_user):
    make_user("teacher", email="y@example.org")
    token = csrf_token(csrf_client.get("/login"))
    response = csrf_client.post(
        "/login", data={"login": "y@example.org", "password": PASSWORD, "csrf_token": token}
    )
    assert response.status_code == 302


def test_logout_and_language_need_csrf_too(csrf_client):
    assert csrf_client.post("/logout").status_code == 400
    assert csrf_client.post("/language", data={"locale": "en"}).status_code == 400


def test_json_callers_get_problem_documents(client):
    response = client.get("/admin/users", headers={"Accept": "application/json"})
    assert response.status_code == 401
    assert response.mimetype == "application/problem+json"


def test_translated_messages_with_user_text_are_escaped_in_pages(app):
    from flask import render_template_string
    from flask_babel import lazy_gettext

    with app.test_request_context("/?lang=en"):
        message = lazy_gettext("Hello, %(name)s", name="<script>alert(1)</script>")
        page = render_template_string("{{ message }}", message=message)
    assert "<script>" not in page and "&lt;script&gt;" in page
