"""Rollup tables: the dashboard's figures kept up to date in the transaction that changes them.

Every table here is derived data: `eduplatform rollups rebuild` recomputes it from the raw rows
and `eduplatform rollups check` compares the two. The tables carry no foreign keys (a rollup
row must never block deleting or correcting the records it summarises; `check` finds drift).

Months are "YYYY-MM" in the reporting time zone (the app's BABEL_DEFAULT_TIMEZONE); academic
years are the cohort's ("2025/2026"), or "" for a certificate whose class no longer exists.
`school_id` 0 marks the city-wide row next to the per-school rows, so that city figures read a
few rows whatever the number of schools.
"""

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import BigInteger, Column, Index, Integer, Numeric
from sqlmodel import Field, SQLModel

from eduplatform.sqltypes import JSONDocument, UTCDateTime, utcnow

CITY = 0


def _key():
    # Part of a composite key, or a key copied from another table: never a sequence.
    return Column(Integer, primary_key=True, autoincrement=False)


def _count():
    return Field(default=0)


def _hours():
    return Field(default=Decimal("0"), sa_type=Numeric(12, 1))


def _updated():
    return Field(default_factory=utcnow, sa_type=UTCDateTime)


class TrainingMonth(SQLModel, table=True):
    """Logged, reviewed and certified work per school (and city), class year, module and month."""

    __tablename__ = "rollup_training_month"

    school_id: int = Field(sa_column=_key())
    academic_year: str = Field(primary_key=True, max_length=9)
    module_id: int = Field(sa_column=_key())
    month: str = Field(primary_key=True, max_length=7)
    logged: int = _count()  # by the month the record was logged
    verified: int = _count()  # by the month of the review
    rejected: int = _count()
    verified_hours: Decimal = _hours()
    certificates_issued: int = _count()
    certificates_revoked: int = _count()  # by the month of the revocation
    updated_at: datetime = _updated()


class CohortModule(SQLModel, table=True):
    """The same counts per class and module, all months together (cohort 0: class removed)."""

    __tablename__ = "rollup_cohort_module"
    __table_args__ = (Index("ix_rollup_cohort_module_year_school", "academic_year", "school_id"),)

    school_id: int = Field(sa_column=_key())
    cohort_id: int = Field(sa_column=_key())
    module_id: int = Field(sa_column=_key())
    academic_year: str = Field(max_length=9)  # the class's year, kept current when it changes
    logged: int = _count()
    verified: int = _count()
    rejected: int = _count()
    verified_hours: Decimal = _hours()
    certificates_issued: int = _count()
    certificates_revoked: int = _count()
    updated_at: datetime = _updated()


class UnitReached(SQLModel, table=True):
    """Students with a unit verified, per school (and city) and class year: the module funnel.

    A student holds at most one verified record per unit, so verified records count students.
    """

    __tablename__ = "rollup_unit"

    school_id: int = Field(sa_column=_key())
    unit_id: int = Field(sa_column=_key())
    academic_year: str = Field(primary_key=True, max_length=9)
    verified: int = _count()
    updated_at: datetime = _updated()


class CohortEnrollment(SQLModel, table=True):
    """Enrollments of a class by status; the class's school, year and program copied alongside."""

    __tablename__ = "rollup_enrollment"
    __table_args__ = (Index("ix_rollup_enrollment_year_school", "academic_year", "school_id"),)

    cohort_id: int = Field(sa_column=_key())
    school_id: int = Field(index=True)
    academic_year: str = Field(max_length=9)
    program_id: int = Field(default=0)  # 0: the class follows no program
    active: int = _count()
    completed: int = _count()
    moved: int = _count()
    withdrawn: int = _count()
    updated_at: datetime = _updated()


class ActivityMonth(SQLModel, table=True):
    """Completed exchange activities and their participants' hours, per school (and city),
    month of the start date and kind; the school is the partnership's."""

    __tablename__ = "rollup_activity"

    school_id: int = Field(sa_column=_key())
    month: str = Field(primary_key=True, max_length=7)
    kind: str = Field(primary_key=True, max_length=30)
    completed: int = _count()
    participant_hours: Decimal = _hours()
    updated_at: datetime = _updated()


class ActivityLedger(SQLModel, table=True):
    """What one completed activity adds to the rollups, so that a change adds only the difference.

    `trainees` maps the platform users taking part (as participants) in a teacher training to
    their credited hours, as {"<user id>": "<hours>"}.
    """

    __tablename__ = "rollup_activity_ledger"

    activity_id: int = Field(sa_column=_key())
    school_id: int
    month: str = Field(max_length=7)
    kind: str = Field(max_length=30)
    participant_hours: Decimal = _hours()
    trainees: dict = Field(default_factory=dict, sa_type=JSONDocument)
    updated_at: datetime = _updated()


class TeacherTraining(SQLModel, table=True):
    """Completed teacher-training activities a person took part in, per academic year.

    Whether the person counts as a teacher (and for which school) is read from their account
    when the figure is shown, so a role or school change never leaves this table stale.
    """

    __tablename__ = "rollup_teacher_training"

    user_id: int = Field(sa_column=_key())
    academic_year: str = Field(primary_key=True, max_length=9)
    activities: int = _count()
    hours: Decimal = _hours()
    updated_at: datetime = _updated()


class PlacementHours(SQLModel, table=True):
    """Minutes at the workplace of countersigned (approved) journal days, per school, company and
    month of the day. Recomputed school by school (dashboard.placements.recompute)."""

    __tablename__ = "rollup_placement_hours"

    school_id: int = Field(sa_column=_key())
    company_id: int = Field(sa_column=_key())
    month: str = Field(primary_key=True, max_length=7)
    minutes: int = _count()
    updated_at: datetime = _updated()


class CountersignDelay(SQLModel, table=True):
    """Decided (approved or returned) journal entries per school, month of the decision and
    calendar days from written to decided."""

    __tablename__ = "rollup_countersign_delay"

    school_id: int = Field(sa_column=_key())
    month: str = Field(primary_key=True, max_length=7)
    days: int = Field(sa_column=Column(Integer, primary_key=True, autoincrement=False))
    entries: int = _count()
    updated_at: datetime = _updated()


class CountersignPending(SQLModel, table=True):
    """Journal entries waiting for the countersign per school and day written (or sent again)."""

    __tablename__ = "rollup_countersign_pending"

    school_id: int = Field(sa_column=_key())
    day: date = Field(primary_key=True)
    entries: int = _count()
    updated_at: datetime = _updated()


class RollupState(SQLModel, table=True):
    """One row: a version bumped by every transaction that changes what the dashboard shows.

    Pages rendered for one version stay right until it moves (see dashboard.cache).
    """

    __tablename__ = "rollup_state"

    id: int = Field(sa_column=_key())
    version: int = Field(default=0, sa_type=BigInteger)
    changed_at: datetime = _updated()


ROLLUP_MODELS = (
    TrainingMonth,
    CohortModule,
    UnitReached,
    CohortEnrollment,
    ActivityMonth,
    ActivityLedger,
    TeacherTraining,
)
