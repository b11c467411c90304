"""Sister-school partnerships, their exchange activities, participants, reflections, attachments.

A partnership is a school's, or the city's: then its Indonesian side is the education office
(an organization of kind office) and its member schools take part in it (PartnershipSchool).
Money is Numeric(12, 2) with an ISO 4217 currency code on the activity; hours are Numeric(6, 1).
An activity lasts whole days, or runs from a start to an end time in its own time zone.
"""

from datetime import date, datetime, time
from decimal import ROUND_CEILING, Decimal
from enum import StrEnum
from zoneinfo import ZoneInfo

from sqlalchemy import (
    CheckConstraint,
    Column,
    ForeignKey,
    Integer,
    Numeric,
    PrimaryKeyConstraint,
    UniqueConstraint,
)
from sqlmodel import Field, Relationship, SQLModel

from eduplatform.sqltypes import JSONDocument, UTCDateTime, utcnow


class PartnershipKind(StrEnum):
    SISTER_SCHOOL = "sister_school"
    INDUSTRY = "industry"
    UNIVERSITY = "university"


class PartnershipStatus(StrEnum):
    PROPOSED = "proposed"
    ACTIVE = "active"
    ENDED = "ended"


class Area(StrEnum):
    EDUCATION = "education"
    CULTURE = "culture"
    ECONOMY = "economy"
    ENVIRONMENT = "environment"
    WASTE_MANAGEMENT = "waste_management"
    TOURISM = "tourism"


class ActivityKind(StrEnum):
    TEACHER_TRAINING = "teacher_training"
    STUDENT_EXCHANGE = "student_exchange"
    JOINT_WORKSHOP = "joint_workshop"
    ONLINE_CLASS = "online_class"
    GUEST_LECTURE = "guest_lecture"
    CULTURAL_VISIT = "cultural_visit"
    CURRICULUM_WORKSHOP = "curriculum_workshop"


class ActivityStatus(StrEnum):
    PLANNED = "planned"
    COMPLETED = "completed"
    CANCELLED = "cancelled"


class ParticipantRole(StrEnum):
    PARTICIPANT = "participant"
    FACILITATOR = "facilitator"
    INTERPRETER = "interpreter"


# The time zones of Indonesia (WIB, WITA, WIT) and of the partner university in China.
TIME_ZONES = ("Asia/Jakarta", "Asia/Makassar", "Asia/Jayapura", "Asia/Shanghai")
COST_CATEGORIES = ("travel", "subsistence", "fees", "other")


def activity_length(starts_on, ends_on, start_time=None, end_time=None, timezone=TIME_ZONES[0]):
    """How many hours an activity lasts: from its start to its end time in its zone, or every
    hour of its whole days (rounded up to a tenth, the precision hours are credited in)."""
    if start_time is None or end_time is None:
        return Decimal(((ends_on - starts_on).days + 1) * 24)
    zone = ZoneInfo(timezone)
    start = datetime.combine(starts_on, start_time, zone)
    end = datetime.combine(ends_on, end_time, zone)
    hours = Decimal(int((end - start).total_seconds())) / 3600
    return max(hours, Decimal(0)).quantize(Decimal("0.1"), rounding=ROUND_CEILING)


ATTACHMENT_TYPES = ("application/pdf", "image/jpeg", "image/png", "image/webp")


def _in(column, values):
    return f"{column} IN ({', '.join(repr(str(v)) for v in values)})"


def _fk(target, ondelete, nullable=False, index=True):
    return Column(Integer, ForeignKey(target, ondelete=ondelete), nullable=nullable, index=index)


def _money():
    return Column(Numeric(12, 2), nullable=False, default=Decimal("0.00"))


class PartnershipSchool(SQLModel, table=True):
    """A member school of a city-wide partnership: its teachers and students can take part."""

    __tablename__ = "partnership_school"
    __table_args__ = (PrimaryKeyConstraint("partnership_id", "school_id"),)

    partnership_id: int = Field(sa_column=_fk("partnership.id", "CASCADE", index=False))
    school_id: int = Field(sa_column=_fk("organization.id", "RESTRICT"))
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class Partnership(SQLModel, table=True):
    """A school's (or the city's) cooperation with a platform organization or a named partner.

    `school_id` is the Indonesian side: a school, or the education office for a city-wide
    partnership, whose member schools are `schools`.
    """

    __table_args__ = (
        CheckConstraint(_in("kind", PartnershipKind), name="ck_partnership_kind"),
        CheckConstraint(_in("status", PartnershipStatus), name="ck_partnership_status"),
        CheckConstraint(
            "(partner_id IS NULL) <> (partner_name IS NULL)", name="ck_partnership_one_partner"
        ),
        CheckConstraint(
            "partner_id IS NULL OR partner_id <> school_id", name="ck_partnership_not_self"
        ),
        CheckConstraint(
            "started_on IS NULL OR ended_on IS NULL OR ended_on >= started_on",
            name="ck_partnership_dates",
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    school_id: int = Field(sa_column=_fk("organization.id", "RESTRICT"))
    partner_id: int | None = Field(
        default=None, sa_column=_fk("organization.id", "RESTRICT", nullable=True)
    )
    partner_name: str | None = Field(default=None, max_length=200)
    kind: str = Field(max_length=20, index=True)
    areas: list = Field(default_factory=list, sa_type=JSONDocument)
    mou_reference: str = Field(default="", max_length=100)
    mou_signed_on: date | None = None
    started_on: date | None = None
    ended_on: date | None = None
    status: str = Field(default=PartnershipStatus.PROPOSED, max_length=20, index=True)
    contacts: list = Field(default_factory=list, sa_type=JSONDocument)
    notes: str = Field(default="", max_length=2000)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    created_by_id: int | None = Field(
        default=None, sa_column=_fk("user.id", "SET NULL", nullable=True, index=False)
    )
    schools: list[PartnershipSchool] = Relationship(
        sa_relationship_kwargs={
            "lazy": "selectin",
            "cascade": "all, delete-orphan",
            "order_by": "PartnershipSchool.school_id",
        }
    )

    @property
    def member_school_ids(self):
        """The member schools of a city-wide partnership (none for a school's own)."""
        return {member.school_id for member in self.schools}

    @property
    def member_ids(self):
        """The platform organizations taking part: both sides and the member schools."""
        partner = {self.partner_id} if self.partner_id else set()
        return {self.school_id} | partner | self.member_school_ids


class ExchangeActivity(SQLModel, table=True):
    __tablename__ = "exchange_activity"
    __table_args__ = (
        CheckConstraint(_in("kind", ActivityKind), name="ck_exchange_activity_kind"),
        CheckConstraint(_in("status", ActivityStatus), name="ck_exchange_activity_status"),
        CheckConstraint("ends_on >= starts_on", name="ck_exchange_activity_dates"),
        CheckConstraint(
            "length(currency) = 3 AND currency = upper(currency)",
            name="ck_exchange_activity_currency",
        ),
        CheckConstraint(
            "cost_travel >= 0 AND cost_subsistence >= 0 AND cost_fees >= 0 AND cost_other >= 0",
            name="ck_exchange_activity_costs",
        ),
        CheckConstraint(
            "report_hours IS NULL OR report_hours >= 0", name="ck_exchange_activity_hours"
        ),
        CheckConstraint(
            "status <> 'completed' OR (outcomes IS NOT NULL AND report_hours IS NOT NULL "
            "AND follow_up IS NOT NULL)",
            name="ck_exchange_activity_report",
        ),
        CheckConstraint(
            "sending_org_id IS NULL OR receiving_org_id IS NULL "
            "OR sending_org_id <> receiving_org_id",
            name="ck_exchange_activity_sides",
        ),
        CheckConstraint(
            "(start_time IS NULL) = (end_time IS NULL)", name="ck_exchange_activity_times"
        ),
        CheckConstraint(_in("timezone", TIME_ZONES), name="ck_exchange_activity_timezone"),
    )

    id: int | None = Field(default=None, primary_key=True)
    partnership_id: int = Field(sa_column=_fk("partnership.id", "RESTRICT"))
    kind: str = Field(max_length=30, index=True)
    title: str = Field(max_length=200)
    description: str = Field(default="", max_length=4000)
    starts_on: date = Field(index=True)
    ends_on: date = Field(index=True)
    # Both empty: whole days. Both set: local times on the first and the last day, in `timezone`.
    start_time: time | None = None
    end_time: time | None = None
    timezone: str = Field(default="Asia/Jakarta", max_length=40)
    # A city-wide partnership's activity for one member school (empty: for the whole city).
    school_id: int | None = Field(
        default=None, sa_column=_fk("organization.id", "RESTRICT", nullable=True)
    )
    place: str = Field(default="", max_length=200)
    online_url: str = Field(default="", max_length=500)
    languages: list = Field(default_factory=list, sa_type=JSONDocument)
    sending_org_id: int | None = Field(
        default=None, sa_column=_fk("organization.id", "RESTRICT", nullable=True)
    )
    receiving_org_id: int | None = Field(
        default=None, sa_column=_fk("organization.id", "RESTRICT", nullable=True)
    )
    funding_source: str = Field(default="", max_length=200)
    currency: str = Field(default="IDR", max_length=3)
    cost_travel: Decimal = Field(default=Decimal("0.00"), sa_column=_money())
    cost_subsistence: Decimal = Field(default=Decimal("0.00"), sa_column=_money())
    cost_fees: Decimal = Field(default=Decimal("0.00"), sa_column=_money())
    cost_other: Decimal = Field(default=Decimal("0.00"), sa_column=_money())
    status: str = Field(default=ActivityStatus.PLANNED, max_length=20, index=True)
    outcomes: str | None = Field(default=None, max_length=4000)
    report_hours: Decimal | None = Field(default=None, sa_type=Numeric(6, 1))
    follow_up: str | None = Field(default=None, max_length=2000)
    completed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    completed_by_id: int | None = Field(
        default=None, sa_column=_fk("user.id", "SET NULL", nullable=True, index=False)
    )
    cancelled_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    cancel_reason: str = Field(default="", max_length=500)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    created_by_id: int | None = Field(
        default=None, sa_column=_fk("user.id", "SET NULL", nullable=True, index=False)
    )

    @property
    def all_day(self):
        return self.start_time is None

    @property
    def span_days(self):
        return (self.ends_on - self.starts_on).days + 1

    @property
    def max_hours(self):
        """The most hours anyone can be credited: as long as it lasts (activity_length)."""
        return activity_length(
            self.starts_on, self.ends_on, self.start_time, self.end_time, self.timezone
        )

    @property
    def total_cost(self):
        return sum((getattr(self, f"cost_{c}") or Decimal(0) for c in COST_CATEGORIES), Decimal(0))


class ActivityParticipant(SQLModel, table=True):
    """A platform user or a named guest taking part in an activity, with hours credited."""

    __tablename__ = "activity_participant"
    __table_args__ = (
        UniqueConstraint("activity_id", "user_id", name="uq_activity_participant_user"),
        CheckConstraint(
            "(user_id IS NULL) <> (guest_name IS NULL)", name="ck_activity_participant_who"
        ),
        CheckConstraint(_in("role", ParticipantRole), name="ck_activity_participant_role"),
        CheckConstraint("hours >= 0", name="ck_activity_participant_hours"),
    )

    id: int | None = Field(default=None, primary_key=True)
    activity_id: int = Field(sa_column=_fk("exchange_activity.id", "CASCADE"))
    user_id: int | None = Field(default=None, sa_column=_fk("user.id", "CASCADE", nullable=True))
    guest_name: str | None = Field(default=None, max_length=200)
    guest_affiliation: str = Field(default="", max_length=200)
    role: str = Field(default=ParticipantRole.PARTICIPANT, max_length=20)
    hours: Decimal = Field(
        default=Decimal("0"), sa_column=Column(Numeric(6, 1), nullable=False, default=0)
    )
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class ActivityReflection(SQLModel, table=True):
    """A participant's short reflection after the activity completed; one per person."""

    __tablename__ = "activity_reflection"
    __table_args__ = (
        UniqueConstraint("activity_id", "user_id", name="uq_activity_reflection_user"),
        CheckConstraint("length(body) > 0", name="ck_activity_reflection_body"),
    )

    id: int | None = Field(default=None, primary_key=True)
    activity_id: int = Field(sa_column=_fk("exchange_activity.id", "CASCADE"))
    user_id: int = Field(sa_column=_fk("user.id", "CASCADE"))
    body: str = Field(max_length=2000)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class ActivityAttachment(SQLModel, table=True):
    """A PDF or image stored through eduplatform.uploads under a random name."""

    __tablename__ = "activity_attachment"
    __table_args__ = (
        CheckConstraint(_in("mime_type", ATTACHMENT_TYPES), name="ck_activity_attachment_type"),
        CheckConstraint("size > 0", name="ck_activity_attachment_size"),
    )

    id: int | None = Field(default=None, primary_key=True)
    activity_id: int = Field(sa_column=_fk("exchange_activity.id", "CASCADE"))
    stored_name: str = Field(max_length=64, unique=True)
    original_name: str = Field(max_length=200)
    mime_type: str = Field(max_length=40)
    size: int
    uploaded_by_id: int | None = Field(
        default=None, sa_column=_fk("user.id", "SET NULL", nullable=True, index=False)
    )
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class SchoolFeedKey(SQLModel, table=True):
    """The secret in a school's calendar feed address; replacing it cuts off old subscribers."""

    __tablename__ = "school_feed_key"

    school_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey("organization.id", ondelete="CASCADE"), primary_key=True
        )
    )
    key: str = Field(max_length=64, unique=True)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    created_by_id: int | None = Field(
        default=None, sa_column=_fk("user.id", "SET NULL", nullable=True, index=False)
    )
