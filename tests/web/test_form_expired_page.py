"""A form refused for its CSRF token (the session ended) says what happened in the page's
language and hands back the text that was typed; other 400 pages stay as they were."""

import pytest

from eduplatform import create_app
from eduplatform.db import get_engine

TYPED = "Membantu mekanik memeriksa tegangan modul baterai."


@pytest.fixture
def csrf_client(app_config):
    app = create_app({**app_config, "WTF_CSRF_ENABLED": True})
    yield app.test_client()
    get_engine(app).dispose()


def test_a_refused_form_explains_and_gives_back_the_typed_text(csrf_client):
    response = csrf_client.post(
        "/placements/journal/new?lang=en",
        data={"activities": TYPED, "password": "a secret of thirty characters!!", "day": "x"},
        headers={
            "Referer": "http://localhost/placements/journal/new?lang=en",
            "Origin": "http://localhost",
        },
    )
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "the page is too old or you were signed out" in page
    assert f">{TYPED}</textarea>" in page and "a secret of thirty" not in page
    assert 'href="/placements/journal/new?lang=en">Open the form again</a>' in page
    assert "could not be understood" not in page


def test_another_sites_form_gets_no_text_of_its_own_on_the_page(csrf_client):
    """A forged cross-site form (no CSRF token, as any other site's) cannot put its words on
    our page: what a form carried is shown back only when the browser says it came from here."""
    for headers in ({"Origin": "https://evil.example"}, {"Sec-Fetch-Site": "cross-site"}, {}):
        response = csrf_client.post(
            "/placements/journal/new?lang=en", data={"activities": TYPED}, headers=headers
        )
        page = response.get_data(as_text=True)
        assert response.status_code == 400 and TYPED not in page and "<textarea" not in page
    same_site = csrf_client.post(
        "/placements/journal/new?lang=en",
        data={"activities": TYPED},
        headers={"Sec-Fetch-Site": "same-origin"},
    )
    assert TYPED in same_site.get_data(as_text=True)


def test_the_form_link_stays_on_this_site_and_the_page_follows_the_language(csrf_client):
    response = csrf_client.post(
        "/placements/journal/new?lang=zh",
        data={"day": "2026-11-23"},
        headers={"Referer": "https://evil.example/placements/journal/new"},
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert 'href="/placements/journal/new?lang=zh"' in page and "evil.example" not in page
    assert '<html lang="zh"' in page and "<textarea" not in page


def test_json_callers_get_the_reason_too(csrf_client):
    response = csrf_client.post("/logout?lang=en", headers={"Accept": "application/json"})
    assert response.status_code == 400
    assert "signed out" in response.get_json()["detail"]


def test_other_bad_requests_keep_their_page(client):
    response = client.post("/language?lang=en", data={"locale": "en\x00"})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "The request could not be understood" in page and "too old" not in page
