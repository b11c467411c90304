"""Forms that must act once: their page carries a key, and a second submission with it is known.

A browser sends a POST again when its answer is reloaded (after asking, which one tap confirms),
and a second tap can follow the first. For most forms that is harmless (the second is refused,
or saves the same values); for a form whose answer is shown only once it is not: a reload made
another API token nobody saw, and issued new activation codes that voided the printed sheet.
Such a form carries `FIELD` (a random key made when the page was shown); the action records the
key in its own transaction with first_time(), and a key sent again by the same person is known
(the view then says so instead of acting).

A key is kept as long as the page that holds it could still be sent: its CSRF token lives as
long as the session, so a person's keys older than the longest session are forgotten at their
next such submission (the table holds a few recent rows per person, never years of them).
"""

import re
import uuid
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import Column, ForeignKey, Integer, UniqueConstraint, delete
from sqlalchemy.exc import IntegrityError
from sqlmodel import Field, SQLModel

from eduplatform.sqltypes import UTCDateTime, utcnow

FIELD = "form_key"
_KEY = re.compile(r"^[0-9a-f]{32}$")


class FormSubmission(SQLModel, table=True):
    """A submission of a form that acts once, by its page's key."""

    __tablename__ = "form_submission"
    __table_args__ = (UniqueConstraint("user_id", "form_key", name="uq_form_submission_key"),)

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(
        sa_column=Column(Integer, ForeignKey("user.id", ondelete="CASCADE"), nullable=False)
    )
    form_key: str = Field(max_length=32)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


def new_key():
    """The key a page puts in its form when it is shown."""
    return uuid.uuid4().hex


def first_time(session, *, actor, key):
    """Record this submission (in the caller's transaction; no commit). False when `actor` sent
    a form with this key before. A missing or malformed key (a page shown before the form had
    one) is a first time: the form acts as it always did."""
    key = (key or "").strip().lower()
    if not _KEY.match(key):
        return True
    try:
        with session.begin_nested():
            session.add(FormSubmission(user_id=actor.id, form_key=key))
    except IntegrityError:
        return False
    session.execute(
        delete(FormSubmission).where(
            FormSubmission.user_id == actor.id, FormSubmission.created_at < _oldest_sendable()
        )
    )
    return True


def _oldest_sendable():
    """Before this, no page's form can still be sent: its session (and CSRF token) has ended."""
    config = current_app.config
    hours = max(config["SESSION_LIFETIME_HOURS"], config["STAFF_SESSION_LIFETIME_HOURS"])
    return utcnow() - timedelta(hours=hours)
