"""Signing in and out: credentials, server-side session records, their revocation."""

import hashlib
import secrets
from datetime import timedelta

from sqlalchemy import bindparam, func, update
from sqlalchemy import select as sa_select
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import class_mapper, make_transient_to_detached
from sqlmodel import Session, col, select
from werkzeug.security import check_password_hash

from eduplatform.api.models import ApiToken
from eduplatform.audit.service import record_event
from eduplatform.db import DriverStatement
from eduplatform.notifications.models import Notification
from eduplatform.people.models import Role, User, UserSession
from eduplatform.people.service import normalize_email, revoke_sessions
from eduplatform.sqltypes import utcnow

# Checking a made-up hash keeps "unknown account" as slow as "wrong password".
_DUMMY_HASH = "scrypt:32768:8:1$3hQ4AqxzNnH3Sxjm$" + "0" * 128


def hash_token(token):
    return hashlib.sha256(token.encode()).hexdigest()


def find_login(session: Session, login):
    """The user a sign-in name (email or NISN) refers to."""
    login = (login or "").strip()
    if login.isdigit():
        return session.exec(select(User).where(User.nisn == login)).first()
    return session.exec(select(User).where(User.email == normalize_email(login))).first()


def authenticate(session: Session, *, account, login, password):
    """The active user with these credentials, or None; failures are audited.

    `account` is what find_login() found for `login` (None for no account), read before the
    sign-in limits were counted, outside the write lock (db.lock_free_reads).
    """
    usable = account is not None and account.active and bool(account.password_hash)
    password_hash = account.password_hash if usable else _DUMMY_HASH
    # Hashing takes a while: not inside a transaction (on SQLite one holds the write lock).
    session.rollback()
    if check_password_hash(password_hash, password or "") and usable:
        return session.get(User, account.id)
    record_event(
        session,
        actor=None,
        action="auth.login_failed",
        target=account,
        details={"login": (login or "")[:254]},
    )
    session.commit()
    return None


def start_session(session: Session, *, user):
    """Record a new signed-in session; returns the token for the cookie."""
    token = secrets.token_urlsafe(32)
    session.add(UserSession(user_id=user.id, token_hash=hash_token(token)))
    user.last_login_at = utcnow()
    user.reset_notice_at = None  # told once, at this sign-in
    session.add(user)
    record_event(session, actor=user, action="auth.login", target=user)
    session.commit()
    return token


def sign_out_everywhere(session: Session, user, *, keep_session_hash=None):
    """End every signed-in session (but the one kept) and every API token of the user."""
    revoke_sessions(session, user, keep_token_hash=keep_session_hash)
    now = utcnow()
    for token in session.exec(
        select(ApiToken).where(ApiToken.user_id == user.id, col(ApiToken.revoked_at).is_(None))
    ):
        token.revoked_at = now
        session.add(token)


def end_session(session: Session, *, token):
    row = session.exec(
        select(UserSession).where(UserSession.token_hash == hash_token(token))
    ).first()
    if row and row.revoked_at is None:
        row.revoked_at = utcnow()
        session.add(row)
        session.commit()


# Every signed-in request runs this: the session row, its user's row and the count the bell in
# every page's header shows, in one statement run on the driver (db.DriverStatement); its row
# becomes the User the ORM would have loaded.
_USER_COLUMNS = tuple(User.__table__.columns)
_USER_KEYS = tuple(column.key for column in _USER_COLUMNS)
_SESSIONS = UserSession.__table__
_NOTIFICATIONS = Notification.__table__
_UNREAD = (
    sa_select(func.count())
    .select_from(_NOTIFICATIONS)
    .where(
        _NOTIFICATIONS.c.user_id == User.__table__.c.id,
        _NOTIFICATIONS.c.read_at.is_(None),
    )
    .scalar_subquery()
)
_SESSION_USER = DriverStatement(
    sa_select(
        *_USER_COLUMNS,
        _SESSIONS.c.id,
        _SESSIONS.c.created_at,
        _SESSIONS.c.last_seen_at,
        _UNREAD.label("unread"),
    )
    .select_from(User.__table__.join(_SESSIONS, _SESSIONS.c.user_id == User.__table__.c.id))
    .where(
        User.__table__.c.id == bindparam("user_id"),
        _SESSIONS.c.token_hash == bindparam("token_hash"),
        _SESSIONS.c.revoked_at.is_(None),
        User.__table__.c.active.is_(True),
    )
)
_TOUCH = (
    update(UserSession)
    .where(UserSession.id == bindparam("session_id"), UserSession.last_seen_at < bindparam("due"))
    .values(last_seen_at=bindparam("now"))
)
_NEW_USER = class_mapper(User).class_manager.new_instance


def session_limits(config, role):
    """(absolute lifetime, idle timeout) of a signed-in session of this role."""
    prefix = "" if role == Role.STUDENT else "STAFF_"
    return (
        timedelta(hours=config[f"{prefix}SESSION_LIFETIME_HOURS"]),
        timedelta(hours=config[f"{prefix}SESSION_IDLE_HOURS"]),
    )


def _loaded_user(values):
    """A detached User holding `values` (every column), as if the ORM had just loaded it:
    nothing marked changed; db.adopt() makes it the request Session's own."""
    user = _NEW_USER()
    user.__dict__.update(zip(_USER_KEYS, values, strict=True))
    make_transient_to_detached(user)
    return user


def _session_params(user_id, token):
    if not token or not str(user_id).isdigit() or len(str(user_id)) > 18:
        return None
    return {"user_id": int(user_id), "token_hash": hash_token(token)}


def send_session_check(engine, *, user_id, token):
    """The session check's statement sent to the database ahead of its use (db.Sent, or None on
    SQLite or when sending failed): check_session(sent=...) reads its answer."""
    params = _session_params(user_id, token)
    return None if params is None else _SESSION_USER.send(engine, params)


def check_session(engine, *, user_id, token, config, sent=None):
    """(user, touch, unread) for a live session token, or None when it was revoked, the user
    deactivated, or the session outlived its lifetime or sat idle too long (limits in `config`,
    per role). One statement, read on every request: revocation holds on every worker at once.

    `user` is detached (db.adopt() attaches it); `touch` is None, or the arguments for
    touch_session() when the session's last-seen time is due: it is written at most every
    SESSION_TOUCH_SECONDS, not on every request; `unread` is how many of the user's
    notifications are unread (the header's bell), read in the same statement.

    `sent` is the statement sent ahead by send_session_check(): its answer is read when it was
    sent for this user and token (else it is dropped, and the statement runs now).
    """
    params = _session_params(user_id, token)
    if sent is not None and sent.params != params:
        sent.close()
        sent = None
    if params is None:
        return None
    row = _SESSION_USER.first(engine, params) if sent is None else sent.first()
    if row is None:
        return None
    *values, session_id, created_at, last_seen_at, unread = row
    user = _loaded_user(values)
    now = utcnow()
    lifetime, idle = session_limits(config, user.role)
    if now - created_at > lifetime or now - last_seen_at > idle:
        return None
    touch_every = timedelta(seconds=config["SESSION_TOUCH_SECONDS"])
    touch = None
    if now - last_seen_at > touch_every:
        touch = {"session_id": session_id, "now": now, "due": now - touch_every}
    return user, touch, unread


def touch_session(session, *, session_id, now, due):
    """Record that the session is in use; skipped (next request tries again) when the database
    is busy, and never mixed into a request's own unsaved changes."""
    if session.new or session.dirty or session.deleted:
        return
    try:
        session.exec(_TOUCH, params={"session_id": session_id, "now": now, "due": due})
        session.commit()
    except OperationalError:
        session.rollback()
