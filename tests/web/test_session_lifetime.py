"""Signed-in sessions end after an absolute lifetime and after sitting idle, shorter for staff,
on every worker (they are database rows), without a write on every request (issue 13 item 7)."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import select

from eduplatform.people.models import UserSession
from eduplatform.sqltypes import utcnow


def _session_row(db, user):
    return db.exec(
        select(UserSession)
        .where(UserSession.user_id == user.id)
        .execution_options(populate_existing=True)
    ).one()


def _age(db, user, *, created=None, seen=None):
    row = _session_row(db, user)
    if created is not None:
        row.created_at = created
    if seen is not None:
        row.last_seen_at = seen
    db.add(row)
    db.commit()


def _signed_in(client):
    return client.get("/profile").status_code == 200


def test_a_session_from_2020_does_not_sign_in(client, login, db):
    user = login("student")
    old = datetime(2020, 1, 6, 8, 0, tzinfo=UTC)
    _age(db, user, created=old, seen=utcnow())  # even if it was used a moment ago
    assert not _signed_in(client)


@pytest.mark.parametrize(
    ("role", "idle_days", "signed_in"),
    [("student", 6, True), ("student", 8, False), ("teacher", 2, True), ("teacher", 4, False),
     ("admin", 4, False)],
)  # fmt: skip
def test_idle_sessions_end_sooner_for_staff(client, login, db, role, idle_days, signed_in):
    user = login(role)
    now = utcnow()
    _age(
        db, user, created=now - timedelta(days=idle_days + 1), seen=now - timedelta(days=idle_days)
    )
    assert _signed_in(client) is signed_in


def test_the_absolute_lifetime_holds_for_a_session_in_daily_use(client, login, db):
    user = login("student")
    now = utcnow()
    _age(db, user, created=now - timedelta(days=31), seen=now - timedelta(minutes=1))
    assert not _signed_in(client)


def test_lifetimes_come_from_the_settings(app, client, login, db):
    app.config["SESSION_IDLE_HOURS"] = 1
    user = login("student")
    now = utcnow()
    _age(db, user, seen=now - timedelta(hours=2))
    assert not _signed_in(client)


def test_last_seen_is_written_at_most_every_few_minutes(client, login, db):
    user = login("student")
    recent = utcnow() - timedelta(minutes=2)
    _age(db, user, seen=recent)
    assert _signed_in(client)
    assert _session_row(db, user).last_seen_at == recent  # within the interval: no write
    stale = utcnow() - timedelta(minutes=30)
    _age(db, user, seen=stale)
    assert _signed_in(client)
    assert _session_row(db, user).last_seen_at > stale + timedelta(minutes=29)
