"""Training records: logged units and their review, certificates, the public skills passport."""

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

from sqlalchemy import CheckConstraint, Column, ForeignKey, Index, Integer, Numeric, text
from sqlmodel import Field, SQLModel

from eduplatform.sqltypes import UTCDateTime, utcnow


class CompletionStatus(StrEnum):
    SUBMITTED = "submitted"
    VERIFIED = "verified"
    REJECTED = "rejected"


OPEN_STATUSES = "status IN ('submitted', 'verified')"


def _fk(target, ondelete, nullable=False, index=True):
    return Column(Integer, ForeignKey(target, ondelete=ondelete), nullable=nullable, index=index)


class UnitCompletion(SQLModel, table=True):
    """A student's record of a practical unit done, with evidence, waiting for or after review."""

    __tablename__ = "unit_completion"
    __table_args__ = (
        CheckConstraint(
            "status IN ('submitted', 'verified', 'rejected')", name="ck_unit_completion_status"
        ),
        CheckConstraint("hours > 0 AND hours <= 24", name="ck_unit_completion_hours"),
        # At most one record per student and unit that is awaiting review or verified;
        # rejected records stay as history next to the new attempt.
        Index(
            "uq_unit_completion_open",
            "student_id",
            "unit_id",
            unique=True,
            sqlite_where=text(OPEN_STATUSES),
            postgresql_where=text(OPEN_STATUSES),
        ),
        Index("ix_unit_completion_status_created", "status", "created_at"),
        # A school's verification queue: the records of its classes in one state, oldest first
        # (without it the queue read every record of the city in that state, then the school's).
        Index("ix_unit_completion_cohort_status_created", "cohort_id", "status", "created_at"),
        # The student's phone names each entry once (a key it makes): sending it again, after a
        # lost answer or from the offline queue, finds this record instead of making another.
        # Per student: one student's key says nothing about another's records.
        Index(
            "uq_unit_completion_idempotency_key",
            "student_id",
            "idempotency_key",
            unique=True,
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    student_id: int = Field(sa_column=_fk("user.id", "CASCADE"))
    unit_id: int = Field(sa_column=_fk("unit.id", "RESTRICT"))
    cohort_id: int = Field(sa_column=_fk("cohort.id", "RESTRICT"))
    performed_on: date
    hours: Decimal = Field(sa_type=Numeric(4, 1))
    note: str = Field(max_length=1000)
    photo_name: str | None = Field(default=None, max_length=64)
    photo_mime_type: str | None = Field(default=None, max_length=40)
    photo_size: int | None = None
    status: str = Field(default=CompletionStatus.SUBMITTED, max_length=20)
    reviewer_id: int | None = Field(
        default=None, sa_column=_fk("user.id", "SET NULL", nullable=True, index=False)
    )
    reviewed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    feedback: str | None = Field(default=None, max_length=1000)
    # Why the reviewer verified the record although not every assessment criterion was ticked.
    criteria_override: str | None = Field(default=None, max_length=500)
    idempotency_key: str | None = Field(default=None, max_length=64)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class CompletionCriterion(SQLModel, table=True):
    """The reviewer's tick for one of the unit's assessment criteria, kept with the review.

    `number` is the criterion's place in the unit's list (1 = first); a published unit is
    frozen, so the number always names the same criterion.
    """

    __tablename__ = "completion_criterion"
    __table_args__ = (CheckConstraint("number >= 1", name="ck_completion_criterion_number"),)

    completion_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey("unit_completion.id", ondelete="CASCADE"), primary_key=True
        )
    )
    number: int = Field(primary_key=True)
    met: bool


class Certificate(SQLModel, table=True):
    """Proof that a student had every unit of a module version verified; publicly checkable."""

    __table_args__ = (
        Index(
            "uq_certificate_valid",
            "student_id",
            "version_id",
            unique=True,
            sqlite_where=text("revoked_at IS NULL"),
            postgresql_where=text("revoked_at IS NULL"),
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=16, unique=True)
    student_id: int = Field(sa_column=_fk("user.id", "CASCADE"))
    version_id: int = Field(sa_column=_fk("module_version.id", "RESTRICT"))
    school_id: int = Field(sa_column=_fk("organization.id", "RESTRICT"))
    cohort_id: int | None = Field(default=None, sa_column=_fk("cohort.id", "SET NULL", True))
    issued_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    revoked_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    revoked_by_id: int | None = Field(
        default=None, sa_column=_fk("user.id", "SET NULL", nullable=True, index=False)
    )
    revoke_reason: str | None = Field(default=None, max_length=500)

    @property
    def valid(self):
        return self.revoked_at is None


class SkillsPassport(SQLModel, table=True):
    """A student's choice to publish verified work at /passport/<slug>, and the consent for it."""

    __tablename__ = "skills_passport"

    student_id: int = Field(
        sa_column=Column(Integer, ForeignKey("user.id", ondelete="CASCADE"), primary_key=True)
    )
    enabled: bool = Field(default=False)
    slug: str | None = Field(default=None, max_length=32, unique=True)
    enabled_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    guardian_name: str | None = Field(default=None, max_length=200)
    guardian_relationship: str | None = Field(default=None, max_length=60)
    consent_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    consent_by_id: int | None = Field(
        default=None, sa_column=_fk("user.id", "SET NULL", nullable=True, index=False)
    )
