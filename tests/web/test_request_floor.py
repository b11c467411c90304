"""What every signed-in request does, made cheap (issue 21) without loosening any of it: the
session row is read on every request, by one statement on the driver, and its user is the ORM's
own object; the cookie is neither rewritten nor trusted beyond naming the session; rate limits
and the NUL check still apply where they did."""

from datetime import timedelta

import pytest
from flask import g
from sqlalchemy import inspect, update
from sqlmodel import select

from eduplatform import create_app
from eduplatform.auth import service
from eduplatform.db import adopt, get_engine, get_session
from eduplatform.people.models import User, UserSession
from eduplatform.sqltypes import utcnow


def test_a_signed_in_page_neither_rewrites_the_cookie_nor_writes_the_session_row(client, login, db):
    user = login("student")
    client.get("/profile")  # its forms' CSRF token joins the session (one new cookie)
    seen = db.exec(select(UserSession.last_seen_at).where(UserSession.user_id == user.id)).one()
    for _ in range(3):
        response = client.get("/profile")
        assert response.status_code == 200
        assert "Set-Cookie" not in response.headers
        assert "Cookie" in response.headers["Vary"]
    again = db.exec(select(UserSession.last_seen_at).where(UserSession.user_id == user.id)).one()
    assert again == seen


def test_a_cookie_verified_before_is_refused_once_its_session_is_revoked(app, client, login, db):
    user = login("student")
    assert client.get("/profile").status_code == 200  # the cookie is now known to this process
    db.exec(update(UserSession).where(UserSession.user_id == user.id).values(revoked_at=utcnow()))
    assert client.get("/profile").status_code == 302


def test_a_tampered_cookie_is_refused_after_the_genuine_one_was_accepted(app, client, login):
    login("student")
    assert client.get("/profile").status_code == 200
    genuine = client.get_cookie("eduplatform_session").value
    forged = genuine[:-2] + ("AA" if not genuine.endswith("AA") else "BB")
    other = app.test_client()
    other.set_cookie("eduplatform_session", forged)
    assert other.get("/profile").status_code == 302


def test_an_expired_cookie_is_refused_even_when_verified_before(app, client, login):
    login("student")
    assert client.get("/profile").status_code == 200
    app.permanent_session_lifetime = timedelta(seconds=-1)  # every cookie is now too old
    assert client.get("/profile").status_code == 302


def test_the_session_check_reads_the_user_as_the_orm_does(app, client, login, db):
    user = login("teacher")
    db.exec(update(User).where(User.id == user.id).values(locale="zh"))
    token_row = db.exec(select(UserSession).where(UserSession.user_id == user.id)).one()
    with app.test_request_context("/"):
        engine = get_engine()
        # The token itself is not stored: check with a session whose hash we know.
        token = "a-known-token"
        db.exec(
            update(UserSession)
            .where(UserSession.id == token_row.id)
            .values(token_hash=service.hash_token(token))
        )
        checked = service.check_session(
            engine, user_id=str(user.id), token=token, config=app.config
        )
        assert checked is not None
        loaded, touch, unread = checked
        assert unread == 0
        assert touch is None
        expected = db.exec(
            select(User).where(User.id == user.id).execution_options(populate_existing=True)
        ).one()
        for column in User.__table__.columns:
            assert getattr(loaded, column.key) == getattr(expected, column.key), column.key
            assert type(getattr(loaded, column.key)) is type(getattr(expected, column.key))
        assert loaded.created_at.tzinfo is not None and loaded.locale == "zh"
        assert service.check_session(
            engine, user_id=str(user.id), token="another token", config=app.config
        ) is None  # fmt: skip


def test_the_signed_in_user_is_the_request_sessions_own_clean_object(app, login, client):
    user = login("student")
    with app.test_request_context("/"):
        row = get_session().exec(select(User).where(User.id == user.id)).one()
        built = service._loaded_user([getattr(row, c.key) for c in User.__table__.columns])
        assert adopt(built) is row  # the Session had already loaded this row: its object

    with app.test_request_context("/"):
        built = service._loaded_user([getattr(row, c.key) for c in User.__table__.columns])
        assert adopt(built) is built and "db_session" not in g  # no Session made for it
        session = get_session()
        assert built in session and not session.dirty
        assert inspect(built).persistent
        assert session.exec(select(User).where(User.id == user.id)).one() is built
        built.locale = "en"
        assert built in session.dirty  # changes to the signed-in user are saved as before


@pytest.fixture
def default_limited_app(app_config):
    app = create_app({**app_config, "RATELIMIT_DEFAULT": "2 per minute"})
    yield app
    get_engine(app).dispose()


def test_a_configured_default_limit_still_applies_to_every_page(default_limited_app):
    client = default_limited_app.test_client()
    codes = [client.get("/healthz/live").status_code for _ in range(3)]
    assert codes == [200, 200, 429]


def test_pages_without_limits_skip_the_limit_check_and_the_api_keeps_it(app):
    check = app.before_request_funcs
    assert not any("check_request_limit" in repr(f) for f in check.get(None, []))
    assert any("check_request_limit" in repr(f) for f in check.get("api", []))


def test_a_nul_character_in_a_form_body_is_still_refused(client, login):
    login("student")
    response = client.post("/profile", data={"pw-current_password": "a\x00b"})
    assert response.status_code == 400


def test_security_headers_are_on_every_answer_once(client, login):
    login("student")
    for path in ("/profile", "/login", "/no-such-page"):
        response = client.get(path)
        for name in ("Content-Security-Policy", "X-Content-Type-Options", "X-Frame-Options"):
            assert len(response.headers.getlist(name)) == 1, (path, name)
