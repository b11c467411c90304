"""Notifications of one person, and whether they want email copies."""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, Column, ForeignKey, Index, Integer, text
from sqlmodel import Field, SQLModel

from eduplatform.sqltypes import JSONDocument, UTCDateTime, utcnow


class Kind(StrEnum):
    COMPLETION_VERIFIED = "completion_verified"
    COMPLETION_REJECTED = "completion_rejected"
    CERTIFICATE_ISSUED = "certificate_issued"
    REVIEWS_WAITING = "reviews_waiting"
    COMPLETION_DISPUTED = "completion_disputed"  # to the teacher whose decision it was
    DISPUTE_REVIEWED = "dispute_reviewed"  # to the student, once a reviewer gave their opinion
    # A quality reviewer disagreed with a teacher's decision: the teacher has an action to answer.
    ACTION_OPENED = "quality_action_opened"
    ACTION_ANSWERED = "quality_action_answered"  # to the reviewer, once the teacher answered


class EmailState(StrEnum):
    NONE = "none"  # no copy: no address, or turned off
    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"  # tried and failed; the reminders command tries again


KINDS = ", ".join(f"'{k}'" for k in Kind)
EMAIL_STATES = ", ".join(f"'{s}'" for s in EmailState)


def _fk(target, ondelete, nullable=False, index=True):
    return Column(Integer, ForeignKey(target, ondelete=ondelete), nullable=nullable, index=index)


class Notification(SQLModel, table=True):
    """Something a person should know; its words are made when it is shown, in their language."""

    __table_args__ = (
        CheckConstraint(f"kind IN ({KINDS})", name="ck_notification_kind"),
        CheckConstraint(f"email_state IN ({EMAIL_STATES})", name="ck_notification_email_state"),
        # A reminder is sent once per person and key (e.g. per day): running the daily command
        # twice, or on two hosts, notifies nobody twice.
        Index(
            "uq_notification_dedupe",
            "user_id",
            "dedupe_key",
            unique=True,
            sqlite_where=text("dedupe_key IS NOT NULL"),
            postgresql_where=text("dedupe_key IS NOT NULL"),
        ),
        Index("ix_notification_user_unread", "user_id", "read_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(sa_column=_fk("user.id", "CASCADE", index=False))
    kind: str = Field(max_length=40)
    completion_id: int | None = Field(
        default=None, sa_column=_fk("unit_completion.id", "CASCADE", nullable=True)
    )
    certificate_id: int | None = Field(
        default=None, sa_column=_fk("certificate.id", "CASCADE", nullable=True)
    )
    # What the words need beyond the records above (e.g. how many submissions wait).
    details: dict = Field(default_factory=dict, sa_type=JSONDocument)
    dedupe_key: str | None = Field(default=None, max_length=80)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    read_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    email_state: str = Field(default=EmailState.NONE, max_length=20)
    email_attempts: int = Field(default=0)
    emailed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class NotificationSetting(SQLModel, table=True):
    """A person's choice about email copies (no row: copies are on)."""

    __tablename__ = "notification_setting"

    user_id: int = Field(
        sa_column=Column(Integer, ForeignKey("user.id", ondelete="CASCADE"), primary_key=True)
    )
    email: bool = Field(default=True)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
