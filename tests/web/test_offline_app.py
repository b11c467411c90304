# ruff: noqa: F811 - the training fixtures are imported from tests.training.conftest
"""The installable web app's server side (issue 20): the manifest in id/en/zh, the service
worker from the site's root, which pages the phone may keep, the queue's session check, and
the weight budget of the service worker and its script."""

import gzip
from pathlib import Path

import pytest

import eduplatform
from tests.training.conftest import (  # noqa: F401 - the training world
    add_module,
    enrol,
    quick_password_hashes,
    training,
)

STATIC = Path(eduplatform.__file__).parent / "static"
SW_BUDGET = 15 * 1024  # bytes, gzip-compressed: the worker and the script it imports


@pytest.mark.parametrize(
    ("lang", "name"),
    [
        ("id", "eduplatform: pelatihan mekanik EV"),
        ("en", "eduplatform: EV mechanic training"),
        ("zh", "eduplatform：电动汽车机修培训"),
    ],
)
def test_the_manifest_names_the_app_in_each_language(client, lang, name):
    response = client.get(f"/manifest.webmanifest?lang={lang}")
    assert response.mimetype == "application/manifest+json"
    manifest = response.get_json()
    assert manifest["name"] == name and manifest["lang"] == lang
    assert manifest["start_url"] == "/" and manifest["scope"] == "/"
    assert manifest["display"] == "standalone" and manifest["theme_color"] == "#0b6e4f"
    sizes = {icon["sizes"] for icon in manifest["icons"]}
    assert {"192x192", "512x512"} <= sizes
    for icon in manifest["icons"]:
        assert client.get(icon["src"]).status_code == 200


def test_every_page_links_the_manifest(client):
    page = client.get("/login").get_data(as_text=True)
    assert '<link rel="manifest" href="/manifest.webmanifest?lang=' in page


def test_the_service_worker_is_served_from_the_root_as_script_within_the_csp(client):
    response = client.get("/sw.js")
    assert response.status_code == 200
    assert response.mimetype == "text/javascript"
    assert response.headers["Cache-Control"] == "no-cache"
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    body = response.get_data(as_text=True)
    assert 'importScripts("/static/js/queue.js")' in body
    assert "http://" not in body and "https://" not in body  # nothing from another site


def test_the_service_worker_and_its_script_stay_within_the_budget():
    sizes = {
        name: len(gzip.compress((STATIC / "js" / name).read_bytes(), compresslevel=9))
        for name in ("sw.js", "queue.js")
    }
    print(f"service worker, gzip: {sizes} = {sum(sizes.values())} bytes of {SW_BUDGET}")
    assert sum(sizes.values()) < SW_BUDGET


def test_the_students_own_pages_are_marked_for_the_phone_to_keep(client, login, training):
    login(training.student)
    unit = training.units["EV-101-U1"]
    module = training.safety
    for path in (
        "/",
        f"/training/units/{unit.id}/log",
        "/certificates",
        f"/curriculum/modules/{module.code}",
    ):
        response = client.get(path)
        assert response.status_code == 200, path
        assert response.headers["X-Offline-Cache"] == "1", path
        assert response.headers["X-Offline-User"] == str(training.student.id)
    # Not kept: the profile (tokens, password), photos.
    assert "X-Offline-Cache" not in client.get("/profile").headers


def test_staff_pages_are_never_kept(client, login, training):
    login(training.teacher)
    for path in ("/", "/certificates", f"/curriculum/modules/{training.safety.code}"):
        response = client.get(path)
        assert "X-Offline-Cache" not in response.headers, path
        assert response.headers["X-Offline-User"] == str(training.teacher.id)


def test_a_signed_out_page_names_no_account(client):
    response = client.get("/login")
    assert "X-Offline-User" not in response.headers


def test_the_queue_asks_who_is_signed_in_and_gets_a_fresh_token(app, client, login, training):
    app.config["WTF_CSRF_ENABLED"] = True
    response = client.get("/offline/session", headers={"Accept": "application/json"})
    assert response.status_code == 401
    app.config["WTF_CSRF_ENABLED"] = False
    login(training.student)
    app.config["WTF_CSRF_ENABLED"] = True
    response = client.get("/offline/session")
    assert response.headers["Cache-Control"] == "no-store"
    answer = response.get_json()
    assert answer["user"] == str(training.student.id) and answer["csrf_token"]


def test_the_unit_page_kept_offline_has_the_task_outcomes_and_criteria(client, login, training):
    login(training.student)
    unit = training.units["EV-101-U1"]
    page = client.get(f"/training/units/{unit.id}/log?lang=en").get_data(as_text=True)
    assert "Task EV-101-U1" in page
    assert "Assessment criteria" in page and "<li>Criterion</li>" in page
