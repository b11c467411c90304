"""Industry placements (PKL, Praktik Kerja Lapangan): companies (DUDI) and their supervisors,
placements, the student's daily journal, supervisor links, monitoring visits, the final
assessment.

A company is an Organization of kind industry; `Company` carries what only companies have.
Supervisors (pembimbing industri) have no account: they act through `SupervisorLink`s, of
which only a hash is stored.
"""

from datetime import date, datetime, time
from enum import StrEnum

from sqlalchemy import CheckConstraint, Column, ForeignKey, Index, Integer, UniqueConstraint, text
from sqlmodel import Field, SQLModel

from eduplatform.credentials.models import STATUS_LIST_SIZE
from eduplatform.sqltypes import UTCDateTime, utcnow


class Sector(StrEnum):
    DEALER_WORKSHOP = "dealer_workshop"
    INDEPENDENT_WORKSHOP = "independent_workshop"
    FLEET_OPERATOR = "fleet_operator"
    BATTERY = "battery"
    CONVERSION = "conversion"
    MANUFACTURING = "manufacturing"
    CHARGING = "charging"
    OTHER = "other"


class PlacementStatus(StrEnum):
    PLANNED = "planned"
    RUNNING = "running"
    FINISHED = "finished"
    ENDED_EARLY = "ended_early"


class DayKind(StrEnum):
    PRESENT = "present"
    SICK = "sick"
    PERMITTED = "permitted"
    ABSENT = "absent"


class EntryStatus(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    RETURNED = "returned"


class LinkPurpose(StrEnum):
    COUNTERSIGN = "countersign"
    ASSESSMENT = "assessment"


ATTITUDES = ("discipline", "safety", "teamwork", "initiative", "communication")
LEVELS = (1, 2, 3, 4)


def _in(column, values):
    return f"{column} IN ({', '.join(repr(str(v)) for v in values)})"


def _fk(target, ondelete, nullable=False, index=True):
    return Column(Integer, ForeignKey(target, ondelete=ondelete), nullable=nullable, index=index)


class Company(SQLModel, table=True):
    """What an industry organization (a DUDI) has beyond its name, address and contact."""

    __table_args__ = (
        CheckConstraint(_in("sector", Sector), name="ck_company_sector"),
        CheckConstraint("npwp IS NULL OR length(npwp) IN (15, 16)", name="ck_company_npwp"),
        CheckConstraint("nib IS NULL OR length(nib) = 13", name="ck_company_nib"),
    )

    organization_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey("organization.id", ondelete="CASCADE"), primary_key=True
        )
    )
    sector: str = Field(max_length=30, index=True)
    # Taxpayer number (15 digits, or 16 since the NIK-based format) and business licence number
    # (Nomor Induk Berusaha, 13 digits), both optional, stored as digits only.
    npwp: str | None = Field(default=None, max_length=16)
    nib: str | None = Field(default=None, max_length=13)
    created_by_id: int | None = Field(
        default=None, sa_column=_fk("user.id", "SET NULL", nullable=True, index=False)
    )
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class Supervisor(SQLModel, table=True):
    """A company's mentor of students on placement (pembimbing industri); no account."""

    __tablename__ = "industry_supervisor"
    __table_args__ = (
        CheckConstraint("phone <> '' OR email <> ''", name="ck_industry_supervisor_reachable"),
        CheckConstraint("locale IN ('id', 'en', 'zh')", name="ck_industry_supervisor_locale"),
    )

    id: int | None = Field(default=None, primary_key=True)
    company_id: int = Field(sa_column=_fk("organization.id", "CASCADE"))
    full_name: str = Field(max_length=200)
    position: str = Field(default="", max_length=100)
    phone: str = Field(default="", max_length=30)
    email: str = Field(default="", max_length=254)
    locale: str = Field(default="id", max_length=5)
    created_by_id: int | None = Field(
        default=None, sa_column=_fk("user.id", "SET NULL", nullable=True, index=False)
    )
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


RUNNING = "status = 'running'"


class Placement(SQLModel, table=True):
    """A student's placement at a company, with the school's accompanying teacher."""

    __table_args__ = (
        CheckConstraint(_in("status", PlacementStatus), name="ck_placement_status"),
        CheckConstraint("ends_on > starts_on", name="ck_placement_dates"),
        CheckConstraint(
            "status <> 'ended_early' OR (end_reason IS NOT NULL AND ended_on IS NOT NULL)",
            name="ck_placement_end_reason",
        ),
        # A student has at most one running placement.
        Index(
            "uq_placement_one_running",
            "student_id",
            unique=True,
            sqlite_where=text(RUNNING),
            postgresql_where=text(RUNNING),
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    student_id: int = Field(sa_column=_fk("user.id", "CASCADE"))
    school_id: int = Field(sa_column=_fk("organization.id", "RESTRICT"))
    company_id: int = Field(sa_column=_fk("organization.id", "RESTRICT"))
    supervisor_id: int = Field(sa_column=_fk("industry_supervisor.id", "RESTRICT"))
    teacher_id: int | None = Field(default=None, sa_column=_fk("user.id", "SET NULL", True))
    starts_on: date
    ends_on: date
    status: str = Field(default=PlacementStatus.PLANNED, max_length=20, index=True)
    # Why the academic-year check was passed over (a placement across two years).
    dates_note: str = Field(default="", max_length=300)
    ended_on: date | None = None
    end_reason: str | None = Field(default=None, max_length=500)
    created_by_id: int | None = Field(
        default=None, sa_column=_fk("user.id", "SET NULL", nullable=True, index=False)
    )
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class PlacementUnit(SQLModel, table=True):
    """A curriculum unit the placement is expected to cover."""

    __tablename__ = "placement_unit"

    placement_id: int = Field(
        sa_column=Column(Integer, ForeignKey("placement.id", ondelete="CASCADE"), primary_key=True)
    )
    unit_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey("unit.id", ondelete="RESTRICT"), primary_key=True, index=True
        )
    )


class JournalEntry(SQLModel, table=True):
    """One day of the student's placement journal (jurnal PKL), countersigned by the supervisor."""

    __tablename__ = "journal_entry"
    __table_args__ = (
        CheckConstraint(_in("kind", DayKind), name="ck_journal_entry_kind"),
        CheckConstraint(_in("status", EntryStatus), name="ck_journal_entry_status"),
        CheckConstraint(
            "kind <> 'present' OR (arrived_at IS NOT NULL AND left_at IS NOT NULL "
            "AND left_at > arrived_at)",
            name="ck_journal_entry_times",
        ),
        # One entry per student and day, whichever placement it belongs to.
        UniqueConstraint("student_id", "day", name="uq_journal_entry_student_day"),
        Index("ix_journal_entry_placement_day", "placement_id", "day"),
        # The API client's key for an entry (Idempotency-Key), unique per student: sending the
        # entry again finds it instead of making another; one student's key says nothing of
        # another's entries.
        Index("uq_journal_entry_idempotency_key", "student_id", "idempotency_key", unique=True),
    )

    id: int | None = Field(default=None, primary_key=True)
    placement_id: int = Field(sa_column=_fk("placement.id", "CASCADE", index=False))
    student_id: int = Field(sa_column=_fk("user.id", "CASCADE", index=False))
    day: date
    kind: str = Field(default=DayKind.PRESENT, max_length=20)
    arrived_at: time | None = None
    left_at: time | None = None
    activities: str = Field(default="", max_length=2000)
    photo_name: str | None = Field(default=None, max_length=64)
    photo_mime_type: str | None = Field(default=None, max_length=40)
    photo_size: int | None = None
    status: str = Field(default=EntryStatus.PENDING, max_length=20, index=True)
    supervisor_comment: str | None = Field(default=None, max_length=1000)
    countersigned_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    countersigned_by_id: int | None = Field(
        default=None, sa_column=_fk("industry_supervisor.id", "SET NULL", True, index=False)
    )
    countersign_link_id: int | None = Field(
        default=None, sa_column=_fk("supervisor_link.id", "SET NULL", True, index=False)
    )
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    idempotency_key: str | None = Field(default=None, max_length=64)


class JournalEntryUnit(SQLModel, table=True):
    """A unit practised on that day (one of the placement's units)."""

    __tablename__ = "journal_entry_unit"

    entry_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey("journal_entry.id", ondelete="CASCADE"), primary_key=True
        )
    )
    unit_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey("unit.id", ondelete="RESTRICT"), primary_key=True, index=True
        )
    )


class SupervisorLink(SQLModel, table=True):
    """A personal, expiring, revocable link for one supervisor and one placement.

    Only a hash of the token is stored; the plaintext exists in the email or the QR code.
    """

    __tablename__ = "supervisor_link"
    __table_args__ = (
        CheckConstraint(_in("purpose", LinkPurpose), name="ck_supervisor_link_purpose"),
    )

    id: int | None = Field(default=None, primary_key=True)
    placement_id: int = Field(sa_column=_fk("placement.id", "CASCADE"))
    supervisor_id: int = Field(sa_column=_fk("industry_supervisor.id", "CASCADE"))
    purpose: str = Field(max_length=20)
    token_hash: str = Field(max_length=64, unique=True)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    expires_at: datetime = Field(sa_type=UTCDateTime)
    revoked_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    last_used_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    sent_to: str | None = Field(default=None, max_length=254)
    created_by_id: int | None = Field(
        default=None, sa_column=_fk("user.id", "SET NULL", nullable=True, index=False)
    )
    revoked_by_id: int | None = Field(
        default=None, sa_column=_fk("user.id", "SET NULL", nullable=True, index=False)
    )


class MonitoringVisit(SQLModel, table=True):
    """The accompanying teacher's visit to the workplace."""

    __tablename__ = "monitoring_visit"

    id: int | None = Field(default=None, primary_key=True)
    placement_id: int = Field(sa_column=_fk("placement.id", "CASCADE"))
    teacher_id: int | None = Field(default=None, sa_column=_fk("user.id", "SET NULL", True))
    visited_on: date
    notes: str = Field(max_length=2000)
    issues: str = Field(default="", max_length=2000)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class PlacementAssessment(SQLModel, table=True):
    """The supervisor's final assessment and the school's grade; one per placement."""

    __tablename__ = "placement_assessment"
    __table_args__ = tuple(
        CheckConstraint(f"{name} BETWEEN 1 AND 4", name=f"ck_placement_assessment_{name}")
        for name in ATTITUDES
    ) + (
        CheckConstraint(
            "school_grade IS NULL OR (school_grade >= 0 AND school_grade <= 100)",
            name="ck_placement_assessment_grade",
        ),
    )

    placement_id: int = Field(
        sa_column=Column(Integer, ForeignKey("placement.id", ondelete="CASCADE"), primary_key=True)
    )
    supervisor_id: int | None = Field(
        default=None, sa_column=_fk("industry_supervisor.id", "SET NULL", True, index=False)
    )
    link_id: int | None = Field(
        default=None, sa_column=_fk("supervisor_link.id", "SET NULL", True, index=False)
    )
    discipline: int
    safety: int
    teamwork: int
    initiative: int
    communication: int
    comment: str = Field(default="", max_length=2000)
    submitted_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    school_grade: int | None = None
    school_comment: str = Field(default="", max_length=1000)
    graded_by_id: int | None = Field(
        default=None, sa_column=_fk("user.id", "SET NULL", nullable=True, index=False)
    )
    graded_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    certificate_code: str | None = Field(default=None, max_length=16, unique=True)
    # The office or an admin withdraws a placement certificate (its credential's status bit).
    revoked_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    revoked_by_id: int | None = Field(
        default=None, sa_column=_fk("user.id", "SET NULL", nullable=True, index=False)
    )
    revoke_reason: str | None = Field(default=None, max_length=500)


class PlacementCredentialStatus(SQLModel, table=True):
    """A placement certificate's entry in the placements' own Bitstring Status Lists."""

    __tablename__ = "placement_credential_status"
    __table_args__ = (
        UniqueConstraint("list_id", "list_index", name="uq_placement_credential_status_position"),
        CheckConstraint(
            f"list_index >= 0 AND list_index < {STATUS_LIST_SIZE}",
            name="ck_placement_credential_status_index",
        ),
        CheckConstraint("list_id >= 1", name="ck_placement_credential_status_list"),
    )

    placement_id: int = Field(
        sa_column=Column(
            Integer,
            ForeignKey("placement_assessment.placement_id", ondelete="CASCADE"),
            primary_key=True,
        )
    )
    list_id: int = Field(default=1)
    list_index: int


class AssessmentUnit(SQLModel, table=True):
    """The supervisor's level of technical competence in one expected unit."""

    __tablename__ = "assessment_unit"
    __table_args__ = (CheckConstraint("level BETWEEN 1 AND 4", name="ck_assessment_unit_level"),)

    placement_id: int = Field(
        sa_column=Column(
            Integer,
            ForeignKey("placement_assessment.placement_id", ondelete="CASCADE"),
            primary_key=True,
        )
    )
    unit_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey("unit.id", ondelete="RESTRICT"), primary_key=True, index=True
        )
    )
    level: int
