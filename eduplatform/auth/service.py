"""Signing in and out: credentials, server-side session records, their revocation."""

import hashlib
import secrets

from sqlalchemy import bindparam
from sqlmodel import Session, col, select
from werkzeug.security import check_password_hash

from eduplatform.audit.service import record_event
from eduplatform.people.models import User, UserSession
from eduplatform.people.service import normalize_email
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


def authenticate(session: Session, *, login, password):
    """The active user with these credentials, or None; failures are audited."""
    user = find_login(session, login)
    if user is None or not user.active or not user.password_hash:
        check_password_hash(_DUMMY_HASH, password or "")
        record_event(
            session, actor=None, action="auth.login_failed", details={"login": (login or "")[:254]}
        )
        session.commit()
        return None
    if not user.check_password(password or ""):
        record_event(
            session,
            actor=None,
            action="auth.login_failed",
            target=user,
            details={"login": (login or "")[:254]},
        )
        session.commit()
        return None
    return user


def start_session(session: Session, *, user):
    """Record a new signed-in session; returns the token for the cookie."""
    token = secrets.token_urlsafe(32)
    session.add(UserSession(user_id=user.id, token_hash=hash_token(token)))
    user.last_login_at = utcnow()
    session.add(user)
    record_event(session, actor=user, action="auth.login", target=user)
    session.commit()
    return token


def end_session(session: Session, *, token):
    row = session.exec(
        select(UserSession).where(UserSession.token_hash == hash_token(token))
    ).first()
    if row and row.revoked_at is None:
        row.revoked_at = utcnow()
        session.add(row)
        session.commit()


# Built once: every signed-in request runs it, and building a statement costs more than the query.
_SESSION_USER = (
    select(User)
    .join(UserSession, col(UserSession.user_id) == User.id)
    .where(
        User.id == bindparam("user_id"),
        UserSession.token_hash == bindparam("token_hash"),
        col(UserSession.revoked_at).is_(None),
        col(User.active).is_(True),
    )
)


def load_session_user(session: Session, *, user_id, token):
    """The user of a live session token, or None when it was revoked or the user deactivated."""
    if not token or not str(user_id).isdigit():
        return None
    return session.exec(
        _SESSION_USER, params={"user_id": int(user_id), "token_hash": hash_token(token)}
    ).first()
