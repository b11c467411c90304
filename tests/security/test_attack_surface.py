"""What an attacker tries: forms posted from another site, stolen or forged cookies, password
guessing, NUL characters, forged proxy headers.

(That every response carries the security headers and cookie flags, and that reading any page
as any role changes no table, is checked while walking every route in
test_authorization_matrix.py; hostile values in the forms are in test_hostile_input.py.)
"""

import pytest
from itsdangerous import URLSafeTimedSerializer
from sqlalchemy import select

from eduplatform import create_app
from eduplatform.db import get_engine
from eduplatform.ops.backup import table_checksums
from eduplatform.people.models import User
from tests.conftest import PASSWORD, csrf_token
from tests.security.crawl import WRITE_METHODS, build_url, routes

SESSION_COOKIE = "eduplatform_session"


@pytest.fixture
def csrf_app(app_config):
    app = create_app({**app_config, "WTF_CSRF_ENABLED": True})
    yield app
    get_engine(app).dispose()


def sign_in_with_token(client, user):
    token = csrf_token(client.get("/login"))
    response = client.post(
        "/login", data={"login": user.email, "password": PASSWORD, "csrf_token": token}
    )
    assert response.status_code == 302


def checksums(app):
    with get_engine(app).connect() as connection:
        return table_checksums(connection)


@pytest.mark.parametrize("role", ["anonymous", "student", "admin"])
def test_every_form_route_refuses_a_post_without_a_csrf_token(csrf_app, world, role):
    client = csrf_app.test_client()
    actor = None if role == "anonymous" else world.actor(role)
    if actor:
        sign_in_with_token(client, actor)
    before = checksums(csrf_app)
    posted = 0
    for key, rule, method in routes(csrf_app):
        if method not in WRITE_METHODS or rule.rule.startswith("/api/"):
            continue
        url = build_url(world, actor, rule, "own")
        for data in ({}, {"csrf_token": "forged-token-from-another-site"}):
            response = client.open(url, method=method, data=data)
            assert response.status_code == 400, f"{key} answered {response.status_code}"
            posted += 1
    assert posted > 60
    assert checksums(csrf_app) == before


def test_the_api_takes_no_session_cookie_so_other_sites_cannot_ride_it(csrf_app, world):
    client = csrf_app.test_client()
    sign_in_with_token(client, world.admin)
    before = checksums(csrf_app)
    for key, rule, method in routes(csrf_app):
        if method not in WRITE_METHODS or not rule.rule.startswith("/api/v1/"):
            continue
        response = client.open(build_url(world, world.admin, rule, "own"), method=method, json={})
        assert response.status_code in (401, 404), f"{key} answered {response.status_code}"
    assert checksums(csrf_app) == before


def _sign_in(app, user):
    client = app.test_client()
    assert (
        client.post("/login", data={"login": user.email, "password": PASSWORD}).status_code == 302
    )
    return client


def _log_out(app, world, device):
    device.post("/logout")


def _change_password_on_another_device(app, world, device):
    phone = _sign_in(app, world.a.teacher)
    response = phone.post(
        "/profile",
        data={
            "pw-current_password": PASSWORD,
            "pw-new_password": "a new passphrase, long enough",
            "pw-confirm": "a new passphrase, long enough",
            "pw-submit": "1",
        },
    )
    assert response.status_code == 302
    assert phone.get("/profile").status_code == 200  # the device that changed it stays in


def _deactivate(app, world, device):
    admin = _sign_in(app, world.admin)
    response = admin.post(
        f"/admin/users/{world.a.teacher.id}/active", data={"active": "0", "confirm": "1"}
    )
    assert response.status_code == 302


@pytest.mark.parametrize("event", [_log_out, _change_password_on_another_device, _deactivate])
def test_a_stolen_session_cookie_stops_working_after(app, world, event):
    device = _sign_in(app, world.a.teacher)
    stolen = device.get_cookie(SESSION_COOKIE).value
    thief = app.test_client()
    thief.set_cookie(SESSION_COOKIE, stolen)
    assert thief.get("/classes/").status_code == 200  # the copy works until...

    event(app, world, device)

    for path in ("/classes/", "/profile", f"/students/{world.a.student.id}"):
        thief.set_cookie(SESSION_COOKIE, stolen)  # ...and is sent again just as it was
        response = thief.get(path)
        assert response.status_code == 302 and "/login" in response.headers["Location"], path


def test_a_session_cookie_signed_with_another_key_is_ignored(app, world):
    client = app.test_client()
    client.post("/login", data={"login": world.admin.email, "password": PASSWORD})
    genuine = client.get_cookie(SESSION_COOKIE).value
    forger = URLSafeTimedSerializer("not-the-secret-key", salt="cookie-session")
    forged = forger.dumps({"_user_id": str(world.admin.id), "sid": "guessed"})
    attacker = app.test_client()
    for value in (forged, genuine[:-3] + "abc"):
        attacker.set_cookie(SESSION_COOKIE, value)
        assert attacker.get("/admin/users").status_code == 302


def test_session_cookies_are_secure_over_https(app_config, world):
    app = create_app({**app_config, "PREFERRED_URL_SCHEME": "https"})
    client = app.test_client()
    response = client.post(
        "/login",
        data={"login": world.admin.email, "password": PASSWORD},
        base_url="https://localhost",
    )
    cookie = response.headers["Set-Cookie"]
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    get_engine(app).dispose()


def test_guessing_from_one_address_is_throttled_without_locking_anyone_out(app, world, db):
    app.config["RATELIMIT_LOGIN_PER_ADDRESS"] = "5 per 15 minutes"
    attacker = app.test_client()
    attacker.environ_base["REMOTE_ADDR"] = "203.0.113.66"
    targets = [world.a.teacher, world.b.teacher, world.office]
    answers = []
    for n in range(8):
        response = attacker.post(
            "/login?lang=en",
            data={"login": targets[n % 3].email, "password": f"guess number {n}"},
        )
        answers.append(response.status_code)
    assert answers[:5] == [200] * 5 and set(answers[5:]) == {429}
    assert "Too many attempts" in response.get_data(as_text=True)
    # The same accounts sign in at once from their own addresses: nobody is locked out.
    for user in targets:
        owner = app.test_client()
        owner.environ_base["REMOTE_ADDR"] = "198.51.100.7"
        assert (
            owner.post("/login", data={"login": user.email, "password": PASSWORD}).status_code
            == 302
        )
    assert all(u.active for u in db.exec(select(User)).scalars())


def test_guessing_one_account_from_many_addresses_is_throttled_per_account(app, world, db):
    app.config["RATELIMIT_LOGIN_PER_ACCOUNT"] = "4 per 15 minutes"
    target = world.a.teacher
    statuses = []
    for n in range(6):
        client = app.test_client()
        client.environ_base["REMOTE_ADDR"] = f"203.0.113.{n + 1}"
        response = client.post("/login", data={"login": target.email, "password": f"guess {n}"})
        statuses.append(response.status_code)
    assert statuses == [200] * 4 + [429] * 2
    # Other accounts are not affected, from any of those addresses; the target stays active.
    client.post("/login", data={"login": world.a.author.email, "password": PASSWORD})
    assert client.get("/profile").status_code == 200
    assert db.get(User, target.id, populate_existing=True).active


NUL_REQUESTS = {
    "query": {"method": "GET", "path": "/admin/users?q=a%00b"},
    "path": {"method": "GET", "path": "/verify/AB%00CD"},
    "form": {"method": "POST", "path": "/login", "data": {"login": "x\x00y", "password": "p"}},
    "json": {"method": "POST", "path": "/api/v1/completions", "json": {"note": "a\x00b"}},
}


@pytest.mark.parametrize("where", NUL_REQUESTS)
def test_a_nul_character_anywhere_is_refused_before_it_reaches_the_database(client, world, where):
    client.post("/login", data={"login": world.admin.email, "password": PASSWORD})
    sent = dict(NUL_REQUESTS[where])
    response = client.open(sent.pop("path"), **sent)
    assert response.status_code == 400


def test_behind_a_trusted_proxy_each_client_has_its_own_login_budget(app_config, world):
    app = create_app(
        {**app_config, "TRUSTED_PROXIES": 1, "RATELIMIT_LOGIN_PER_ADDRESS": "3 per 15 minutes"}
    )
    proxy = app.test_client()
    proxy.environ_base["REMOTE_ADDR"] = "10.0.0.2"  # every request arrives from the proxy

    def attempt(client_address, login, password):
        return proxy.post(
            "/login",
            data={"login": login, "password": password},
            headers={"X-Forwarded-For": client_address},
        ).status_code

    guesses = [attempt("203.0.113.66", world.a.teacher.email, f"guess {n}") for n in range(5)]
    assert guesses == [200, 200, 200, 429, 429]
    assert attempt("198.51.100.7", world.a.author.email, PASSWORD) == 302
    get_engine(app).dispose()


def test_without_trusted_proxies_a_forged_forwarded_for_does_not_escape_the_limit(app, world):
    app.config["RATELIMIT_LOGIN_PER_ADDRESS"] = "3 per 15 minutes"
    client = app.test_client()
    answers = [
        client.post(
            "/login",
            data={"login": world.a.teacher.email, "password": f"guess {n}"},
            headers={"X-Forwarded-For": f"192.0.2.{n}"},
        ).status_code
        for n in range(5)
    ]
    assert answers == [200, 200, 200, 429, 429]
