"""The session check sent ahead (issue 21): on PostgreSQL the statement goes to the database as
the first of the request's hooks, and its answer is read when the request first asks for the
user, so that the database works while the worker runs the other hooks. Nothing about the check
changes: the row is read in that same request, once, and a revoked session is refused; a
connection is never pooled again with an answer unread, and anything that goes wrong runs the
statement the usual way."""

import time

import pytest
from flask import g
from sqlalchemy import create_engine, text, update
from sqlalchemy.pool import NullPool
from sqlmodel import select

from eduplatform.auth import service
from eduplatform.db import Sent, _numbered, get_engine
from eduplatform.people.models import UserSession
from eduplatform.sqltypes import utcnow

KNOWN_TOKEN = "a-known-token"


def _on_postgresql(app):
    return get_engine(app).dialect.name == "postgresql"


def _known_token(db, user):
    """The user's session row, its token now one the test knows (only its hash is stored)."""
    row = db.exec(select(UserSession).where(UserSession.user_id == user.id)).one()
    db.exec(
        update(UserSession)
        .where(UserSession.id == row.id)
        .values(token_hash=service.hash_token(KNOWN_TOKEN))
    )
    db.commit()  # the test's own session gives its connection back: the pool's count is ours
    return row


def _checked_out(app):
    return get_engine(app).pool.checkedout()


def test_the_check_is_sent_before_the_other_hooks_and_read_by_the_page(app, client, login):
    seen = {}

    @app.before_request
    def look():  # registered after create_app(): it runs after the check was sent
        seen["sent"] = g.get("session_check")
        seen["checked_out"] = _checked_out(app)

    user = login("student")
    response = client.get("/profile")
    assert response.status_code == 200
    assert user.full_name in response.get_data(as_text=True)
    if _on_postgresql(app):
        assert isinstance(seen["sent"], Sent)
        assert seen["checked_out"] == 1  # its connection, waiting for the answer
    else:
        assert seen["sent"] is None  # SQLite: no round trip to overlap
    assert _checked_out(app) == 0


def test_a_request_without_a_session_cookie_sends_nothing(app, client):
    seen = {}

    @app.before_request
    def look():
        seen["sent"] = g.get("session_check", "absent")

    assert client.get("/login").status_code == 200
    assert seen["sent"] == "absent"


def test_a_revoked_session_is_refused_by_the_check_sent_ahead(app, client, login, db):
    user = login("teacher")
    assert client.get("/profile").status_code == 200
    db.exec(update(UserSession).where(UserSession.user_id == user.id).values(revoked_at=utcnow()))
    db.commit()
    response = client.get("/profile")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert _checked_out(app) == 0


def test_an_answer_no_one_read_is_read_before_its_connection_is_pooled_again(app, login, db):
    user = login("student")
    _known_token(db, user)
    engine = get_engine(app)
    with app.test_request_context("/"):
        # Sent and never read, more times than the pool keeps connections: each is given back
        # with its answer read, and the pool's connections answer their next statements.
        for _ in range(engine.pool.size() + 2):
            sent = service.send_session_check(engine, user_id=str(user.id), token=KNOWN_TOKEN)
            assert (sent is not None) == _on_postgresql(app)
            if sent is not None:
                sent.close()
                sent.close()  # twice: nothing more happens
        assert _checked_out(app) == 0
        for _ in range(engine.pool.size() + 2):
            with engine.connect() as connection:
                assert connection.execute(text("SELECT 41 + 1")).scalar() == 42
            checked = service.check_session(
                engine, user_id=str(user.id), token=KNOWN_TOKEN, config=app.config
            )
            assert checked is not None and checked[0].id == user.id


def test_an_answer_sent_for_another_session_is_dropped_and_the_right_one_read(app, login, db):
    """Signing in (or out) within a request changes the session: the check sent ahead for the
    old one is not taken for the new one."""
    first = login("student")
    _known_token(db, first)
    other = login("teacher")
    other_row = db.exec(select(UserSession).where(UserSession.user_id == other.id)).one()
    db.exec(
        update(UserSession)
        .where(UserSession.id == other_row.id)
        .values(token_hash=service.hash_token("the other token"))
    )
    db.commit()
    engine = get_engine(app)
    with app.test_request_context("/"):
        sent = service.send_session_check(engine, user_id=str(first.id), token=KNOWN_TOKEN)
        checked = service.check_session(
            engine, user_id=str(other.id), token="the other token", config=app.config, sent=sent
        )
        assert checked is not None and checked[0].id == other.id
        assert _checked_out(app) == 0
        sent = service.send_session_check(engine, user_id=str(first.id), token=KNOWN_TOKEN)
        assert (
            service.check_session(
                engine, user_id=str(first.id), token="not the token", config=app.config, sent=sent
            )
            is None
        )
        assert _checked_out(app) == 0


def _ended(url, backend):
    """End a backend from a connection of its own (a restart or failover, seen from the pool),
    and wait until the server has let it go."""
    other = create_engine(url, poolclass=NullPool)
    try:
        with other.connect() as connection:
            connection.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": backend})
            for _ in range(100):
                alive = connection.execute(
                    text("SELECT count(*) FROM pg_stat_activity WHERE pid = :pid"),
                    {"pid": backend},
                ).scalar()
                if not alive:
                    return
                time.sleep(0.05)
    finally:
        other.dispose()
    raise AssertionError(f"backend {backend} still running")


def test_a_check_sent_on_a_connection_the_server_dropped_runs_again(app, login, db):
    if not _on_postgresql(app):
        pytest.skip("SQLite: nothing is sent ahead")
    user = login("student")
    _known_token(db, user)
    db.close()
    engine = get_engine(app)
    engine.dispose()  # the pool is empty: the check below makes its one connection
    with app.test_request_context("/"):
        sent = service.send_session_check(engine, user_id=str(user.id), token=KNOWN_TOKEN)
        backend = sent._connection.dbapi_connection.pgconn.backend_pid
        assert sent.first()[0] == user.id
        assert engine.pool.checkedin() == 1
        _ended(engine.url, backend)
        # The pooled connection is dead: sending on it, or reading its answer, fails, and the
        # statement runs again the usual way (which replaces the pool's dead connections).
        sent = service.send_session_check(engine, user_id=str(user.id), token=KNOWN_TOKEN)
        checked = service.check_session(
            engine, user_id=str(user.id), token=KNOWN_TOKEN, config=app.config, sent=sent
        )
        assert checked is not None and checked[0].id == user.id
        assert _checked_out(app) == 0
        for _ in range(3):  # and the dead connection is not pooled again
            again = service.send_session_check(engine, user_id=str(user.id), token=KNOWN_TOKEN)
            assert again._connection.dbapi_connection.pgconn.backend_pid != backend
            assert again.first()[0] == user.id


def test_the_hook_runs_first_and_the_leftover_check_is_closed_at_teardown(app, login, db):
    from eduplatform.auth.views import close_session_check, send_session_check

    assert app.before_request_funcs[None][0] is send_session_check
    assert close_session_check in app.teardown_appcontext_funcs
    user = login("student")
    _known_token(db, user)
    with app.app_context():
        g.session_check = service.send_session_check(
            get_engine(app), user_id=str(user.id), token=KNOWN_TOKEN
        )
        assert _checked_out(app) == (1 if _on_postgresql(app) else 0)
    assert _checked_out(app) == 0  # the app context's teardown read it and gave it back


def test_values_are_numbered_for_libpq_in_order_of_first_use():
    numbered, names = _numbered("SELECT %(b)s, %(a)s::INTEGER WHERE x = %(b)s AND y LIKE '10%%'")
    assert numbered == "SELECT $1, $2::INTEGER WHERE x = $1 AND y LIKE '10%'"
    assert names == ("b", "a")
