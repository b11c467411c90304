"""Personal access tokens: made on the profile page or the command line, shown once, stored
hashed, revocable, expiring; the API accepts only them, never the session cookie."""

import json
import re
from contextlib import contextmanager
from datetime import timedelta

from sqlalchemy import event, text
from sqlmodel import select

from eduplatform.api.models import ApiToken
from eduplatform.audit.models import AuditEvent
from eduplatform.config import DEFAULTS
from eduplatform.db import get_engine
from eduplatform.once import FormSubmission
from eduplatform.sqltypes import utcnow
from tests.api.conftest import TODAY, problem
from tests.conftest import csrf_token

SESSION_LIFETIMES = (DEFAULTS["SESSION_LIFETIME_HOURS"], DEFAULTS["STAFF_SESSION_LIFETIME_HOURS"])


def events(db, action):
    return db.exec(select(AuditEvent).where(AuditEvent.action == action)).all()


def test_cli_creates_a_token_that_the_api_accepts(runner, client, world):
    result = runner.invoke(
        args=["tokens", "create", "--email", world.student.email, "--scope", "read", "--json"]
    )
    assert result.exit_code == 0, result.output
    payload = json.loads(result.output)
    assert re.fullmatch(r"edu_[A-Za-z0-9_-]{43}", payload["token"])
    assert payload["scope"] == "read" and payload["expires_on"] is None
    response = client.get("/api/v1/me", headers={"Authorization": f"Bearer {payload['token']}"})
    assert response.status_code == 200
    assert response.get_json()["id"] == world.student.id


def test_cli_refuses_an_unknown_email_or_a_past_expiry(runner, world, db):
    unknown = runner.invoke(args=["tokens", "create", "--email", "nobody@example.org", "--json"])
    assert unknown.exit_code == 1
    assert json.loads(unknown.output)["errors"][0]["field"] == "email"
    past = (TODAY - timedelta(days=1)).isoformat()
    expired = runner.invoke(
        args=["tokens", "create", "--email", world.teacher.email, "--expires", past, "--json"]
    )
    assert expired.exit_code == 1
    assert json.loads(expired.output)["errors"][0]["field"] == "expires_on"
    assert db.exec(select(ApiToken)).all() == []


def test_cli_revokes_a_token(runner, api, world, token, db):
    raw = token(world.teacher)
    assert api("GET", "/me", raw).status_code == 200
    row = db.exec(select(ApiToken)).one()
    result = runner.invoke(args=["tokens", "revoke", "--id", str(row.id), "--json"])
    assert result.exit_code == 0, result.output
    assert api("GET", "/me", raw).status_code == 401


def test_only_the_hash_is_stored_and_the_audit_never_holds_the_token(token, world, db):
    raw = token(world.teacher, name="SIS sync")
    row = db.exec(select(ApiToken)).one()
    assert row.token_hash != raw and raw not in row.token_hash
    assert row.hint == raw[:8]
    event = events(db, "token.created")[0]
    assert event.actor_id == world.teacher.id
    assert raw not in json.dumps(event.details)
    assert event.details["name"] == "SIS sync"


def test_profile_page_creates_a_token_and_shows_it_once(client, login, world, db, app):
    login(world.teacher)
    page = client.get("/profile?lang=en").get_data(as_text=True)
    assert 'id="api-tokens"' in page and "New token" in page
    created = client.post(
        "/profile/tokens?lang=en",
        data={
            "token-name": "Mobile app",
            "token-scope": "read-write",
            "token-expires_on": (TODAY + timedelta(days=30)).isoformat(),
        },
    )
    assert created.status_code == 200
    html = created.get_data(as_text=True)
    raw = re.search(r'value="(edu_[^"]+)"', html).group(1)
    assert created.headers["Cache-Control"] == "no-store"
    me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {raw}"})
    assert me.status_code == 200
    listing = client.get("/profile?lang=en").get_data(as_text=True)
    assert "Mobile app" in listing and raw not in listing and raw[:8] in listing


def test_reloading_the_new_tokens_page_makes_no_other_token(client, login, world, db):
    """The browser sends the form again when the page that showed the token is reloaded: the
    page's key is known, nothing is made, and the profile says why."""
    login(world.teacher)
    page = client.get("/profile?lang=en").get_data(as_text=True)
    key = re.search(r'name="token-form_key"[^>]*value="([0-9a-f]{32})"', page)[1]
    values = {"token-name": "Mobile app", "token-scope": "read", "token-form_key": key}
    assert client.post("/profile/tokens?lang=en", data=values).status_code == 200
    again = client.post("/profile/tokens?lang=en", data=values, follow_redirects=True)
    assert "This form was sent before" in again.get_data(as_text=True)
    assert len(db.exec(select(ApiToken)).all()) == 1
    # A key is one page's: the profile shown again gives the next token a new one.
    page = client.get("/profile?lang=en").get_data(as_text=True)
    assert key not in page


def test_keys_of_pages_that_can_no_longer_be_sent_are_forgotten(client, login, world, db):
    """A key outlives every session that could send its page, then goes at the person's next
    such submission (another person's old keys are theirs to prune)."""
    login(world.teacher)
    longest = max(SESSION_LIFETIMES)
    old = utcnow() - timedelta(hours=longest + 1)
    recent = utcnow() - timedelta(hours=longest - 1)
    db.add_all(
        [
            FormSubmission(user_id=world.teacher.id, form_key="a" * 32, created_at=old),
            FormSubmission(user_id=world.teacher.id, form_key="b" * 32, created_at=recent),
            FormSubmission(user_id=world.office.id, form_key="c" * 32, created_at=old),
        ]
    )
    db.commit()
    values = {"token-name": "Mobile app", "token-scope": "read", "token-form_key": "d" * 32}
    assert client.post("/profile/tokens?lang=en", data=values).status_code == 200
    kept = {row.form_key[0] for row in db.exec(select(FormSubmission)).all()}
    assert kept == {"b", "c", "d"}


def test_a_refused_token_form_sent_again_corrected_makes_the_token(client, login, world, db):
    login(world.teacher)
    key = "0123456789abcdef0123456789abcdef"
    refused = {"token-name": "", "token-scope": "read", "token-form_key": key}
    assert client.post("/profile/tokens?lang=en", data=refused).status_code == 422
    corrected = {**refused, "token-name": "Mobile app"}
    assert client.post("/profile/tokens?lang=en", data=corrected).status_code == 200
    assert [t.name for t in db.exec(select(ApiToken)).all()] == ["Mobile app"]


def test_profile_form_errors_are_shown_next_to_the_field(client, login, world, db):
    login(world.teacher)
    response = client.post(
        "/profile/tokens?lang=en",
        data={
            "token-name": "",
            "token-scope": "read",
            "token-expires_on": (TODAY - timedelta(days=2)).isoformat(),
        },
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Give the token a name." in html and "The expiry date is in the past." in html
    assert db.exec(select(ApiToken)).all() == []


def test_revoking_on_the_profile_page_stops_the_token(client, login, world, token, db):
    raw = token(world.teacher)
    row = db.exec(select(ApiToken)).one()
    login(world.teacher)
    response = client.post(f"/profile/tokens/{row.id}/revoke")
    assert response.status_code == 302
    denied = client.get("/api/v1/me", headers={"Authorization": f"Bearer {raw}"})
    assert denied.status_code == 401
    assert 'error="invalid_token"' in denied.headers["WWW-Authenticate"]
    assert len(events(db, "token.revoked")) == 1


def test_nobody_revokes_another_users_token(client, login, world, token, db):
    token(world.teacher)
    row = db.exec(select(ApiToken)).one()
    login(world.classmate)
    assert client.post(f"/profile/tokens/{row.id}/revoke").status_code == 404
    assert db.get(ApiToken, row.id).revoked_at is None


def test_profile_token_forms_need_their_csrf_token(app, client, login, world, db):
    login(world.teacher)
    app.config["WTF_CSRF_ENABLED"] = True
    refused = client.post("/profile/tokens", data={"token-name": "x", "token-scope": "read"})
    assert refused.status_code == 400
    page = client.get("/profile")
    made = client.post(
        "/profile/tokens",
        data={"token-name": "x", "token-scope": "read", "token-csrf_token": csrf_token(page)},
    )
    assert made.status_code == 200
    assert db.exec(select(ApiToken)).one().name == "x"


def test_api_needs_no_csrf_token(app, api, world):
    app.config["WTF_CSRF_ENABLED"] = True
    response = api(
        "POST",
        "/completions",
        world.student,
        json={"unit": "EV-101-U1", "performed_on": TODAY.isoformat(), "hours": 2, "note": "Done."},
    )
    assert response.status_code == 201


def test_the_session_cookie_is_not_accepted(client, login, world):
    login(world.teacher)
    response = client.get("/api/v1/me")
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    problem(response)


def test_missing_malformed_and_unknown_tokens_answer_401(client, world):
    for header in (
        {},
        {"Authorization": "Basic dXNlcjpwYXNz"},
        {"Authorization": "Bearer"},
        {"Authorization": "Bearer edu_" + "x" * 43},
    ):
        response = client.get("/api/v1/me", headers=header)
        assert response.status_code == 401, header
        assert "Bearer" in response.headers["WWW-Authenticate"]
        problem(response)


def test_an_expired_token_answers_401(api, world, token, db):
    raw = token(world.teacher, expires_on=TODAY)
    assert api("GET", "/me", raw).status_code == 200
    row = db.exec(select(ApiToken)).one()
    row.expires_at = utcnow() - timedelta(seconds=1)
    db.add(row)
    db.commit()
    response = api("GET", "/me", raw)
    assert response.status_code == 401
    assert 'error="invalid_token"' in response.headers["WWW-Authenticate"]


def test_a_deactivated_accounts_token_answers_401(api, world, token, db):
    raw = token(world.teacher)
    world.teacher.active = False
    db.add(world.teacher)
    db.commit()
    assert api("GET", "/me", raw).status_code == 401


def test_a_read_token_cannot_write(api, world):
    response = api(
        "POST",
        "/completions",
        world.student,
        scope="read",
        json={"unit": "EV-101-U1", "performed_on": TODAY.isoformat(), "hours": 2, "note": "Done."},
    )
    assert response.status_code == 403
    assert 'error="insufficient_scope"' in response.headers["WWW-Authenticate"]
    problem(response)
    assert api("GET", "/completions", world.student, scope="read").status_code == 200


def test_use_is_noted_on_the_token(api, world, token, db):
    raw = token(world.teacher)
    assert db.exec(select(ApiToken)).one().last_used_at is None
    api("GET", "/me", raw)
    assert db.exec(select(ApiToken)).one().last_used_at is not None


@contextmanager
def on_statement(app, when, starts, do):
    """Run do(engine) once, at the first statement starting with `starts` (`when`:
    before_cursor_execute or after_cursor_execute); yields the statements it ran at."""
    engine = get_engine(app)
    seen = []

    def hook(_conn, _cursor, statement, *_args):
        if not seen and statement.lstrip().startswith(starts):
            seen.append(statement)
            do(engine)

    event.listen(engine, when, hook)
    try:
        yield seen
    finally:
        event.remove(engine, when, hook)


def test_a_write_by_someone_else_while_a_token_is_checked_is_no_error(
    app, api, world, verified, token, db
):
    """The load test's flaky 500 on GET /api/v1/completions?status=verified: on SQLite the
    request's read could not become the write that notes the token's use once another
    connection had written in between ("database is locked", at once, no busy wait)."""
    (done,) = verified("EV-101-U1")
    raw = token(world.teacher)

    def another_user_writes(engine):  # e.g. a student logging a unit, from another worker
        with engine.connect() as other, other.begin():
            other.execute(
                text("UPDATE unit_completion SET note = note || '.' WHERE id = :id"),
                {"id": done.id},
            )

    with on_statement(
        app, "after_cursor_execute", "SELECT api_token.", another_user_writes
    ) as hooked:
        response = api("GET", "/completions?status=verified", raw)
    assert hooked, "the hook did not run"
    assert response.status_code == 200, response.get_data(as_text=True)
    assert [item["id"] for item in response.get_json()["items"]] == [done.id]
    assert db.exec(select(ApiToken)).one().last_used_at is not None


def test_a_database_too_busy_to_note_the_use_still_answers(app, api, world, token, db):
    """Noting the use is skipped when the write cannot be had; the next request tries again."""
    raw = token(world.teacher)

    def busy(engine):
        raise engine.dialect.loaded_dbapi.OperationalError("database is locked")

    with on_statement(app, "before_cursor_execute", "UPDATE api_token", busy) as refused:
        response = api("GET", "/me", raw)
    assert refused and response.status_code == 200, response.get_data(as_text=True)
    assert response.get_json()["id"] == world.teacher.id
    assert db.exec(select(ApiToken)).one().last_used_at is None
    assert api("GET", "/me", raw).status_code == 200
    assert db.exec(select(ApiToken)).one().last_used_at is not None
