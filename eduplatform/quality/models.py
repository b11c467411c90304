"""University quality assurance: reviewers, sampling plans, samples, reviews, actions, endorsements.

A quality reviewer is a permission of a university's staff (a `QualityReviewer` row), not a role:
the lecturers who sample the schools' sign-offs are the same people who author the curriculum
(Ms. Chen), and a user has one role. The grant names the university the reviewer samples for.
"""

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import (
    CheckConstraint,
    Column,
    ForeignKey,
    Index,
    Integer,
    UniqueConstraint,
    text,
)
from sqlmodel import Field, SQLModel

from eduplatform.credentials.models import STATUS_LIST_SIZE
from eduplatform.sqltypes import UTCDateTime, utcnow

# Rates are whole percentages; draws are millionths, so a draw selects when draw < rate * 10_000.
DRAW_SCALE = 1_000_000
RATE_FIELDS = (
    "new_teacher_rate",
    "minimum_rate",
    "safety_critical_rate",
    "disputed_rate",
)


def _fk(target, ondelete, nullable=False, index=True):
    return Column(Integer, ForeignKey(target, ondelete=ondelete), nullable=nullable, index=index)


def _rate_check(name):
    return CheckConstraint(
        f"{name} IS NULL OR ({name} >= 0 AND {name} <= 100)", name=f"ck_sampling_plan_{name}"
    )


class QualityReviewer(SQLModel, table=True):
    """A university staff member's permission to sample teachers' decisions for it."""

    __tablename__ = "quality_reviewer"

    user_id: int = Field(
        sa_column=Column(Integer, ForeignKey("user.id", ondelete="CASCADE"), primary_key=True)
    )
    university_id: int = Field(sa_column=_fk("organization.id", "RESTRICT"))
    granted_by_id: int | None = Field(default=None, sa_column=_fk("user.id", "SET NULL", True))
    granted_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class SamplingPlan(SQLModel, table=True):
    """A university's sampling rules for one programme and term (July-December = 1).

    Every rule is a column: a rate (whole percent, empty = the rule is off) and its parameters.
    A decision takes the highest rate of the rules that apply to it.
    """

    __tablename__ = "sampling_plan"
    __table_args__ = (
        UniqueConstraint(
            "university_id", "program_id", "academic_year", "term", name="uq_sampling_plan_term"
        ),
        CheckConstraint("academic_year LIKE '____/____'", name="ck_sampling_plan_academic_year"),
        CheckConstraint("term IN (1, 2)", name="ck_sampling_plan_term"),
        *(_rate_check(name) for name in RATE_FIELDS),
        CheckConstraint(
            "agreement_threshold >= 0 AND agreement_threshold <= 100",
            name="ck_sampling_plan_agreement_threshold",
        ),
        CheckConstraint(
            "new_teacher_units IS NULL OR new_teacher_units >= 1",
            name="ck_sampling_plan_new_teacher_units",
        ),
        CheckConstraint("back_in_line_after >= 1", name="ck_sampling_plan_back_in_line_after"),
        CheckConstraint("minimum_reviews >= 1", name="ck_sampling_plan_minimum_reviews"),
        CheckConstraint("action_days >= 1", name="ck_sampling_plan_action_days"),
        CheckConstraint(
            "dispute_days >= 1 AND dispute_days <= 365", name="ck_sampling_plan_dispute_days"
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    university_id: int = Field(sa_column=_fk("organization.id", "RESTRICT"))
    program_id: int = Field(sa_column=_fk("program.id", "RESTRICT"))
    academic_year: str = Field(max_length=9)
    term: int
    # The key of every draw of this plan (HMAC-SHA256 of the decision's id): recorded, so a
    # draw can be recomputed by anyone holding the plan.
    seed: str = Field(max_length=64)
    # New teachers: in their first term of verifying, or with fewer than `new_teacher_units`
    # verified units before this decision.
    new_teacher_rate: int | None = None
    new_teacher_units: int | None = None
    minimum_rate: int | None = None  # every decision of an experienced teacher
    one_per_module: bool = Field(default=False)  # a teacher's first decision of each module
    safety_critical_rate: int | None = None
    # After a student disputed a teacher's decision or a reviewer disagreed with one, until
    # `back_in_line_after` agreements in a row (the disputed decision itself: always 100%).
    disputed_rate: int | None = None
    back_in_line_after: int = Field(default=3)
    agreement_threshold: int = Field(default=80)  # percent of reviewed decisions agreed
    minimum_reviews: int = Field(default=3)  # reviewed decisions before a school is endorsed
    action_days: int = Field(default=14)  # days a teacher has to answer an action
    dispute_days: int = Field(default=30)  # days a student has to dispute a decision
    created_by_id: int | None = Field(default=None, sa_column=_fk("user.id", "SET NULL", True))
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class SampleRule(StrEnum):
    DISPUTED = "disputed"
    SAFETY_CRITICAL = "safety_critical"
    NEW_TEACHER = "new_teacher"
    FIRST_OF_MODULE = "first_of_module"
    MINIMUM = "minimum"
    NONE = "none"


class SampleStatus(StrEnum):
    NOT_SELECTED = "not_selected"
    READY = "ready"  # ready for sampling: in the reviewers' queue
    REVIEWED = "reviewed"


class QualitySample(SQLModel, table=True):
    """One teacher's verification under a plan: the recorded draw, and if selected, the sample.

    The student is named on every reviewer page by `pseudonym` only, drawn at random per sample.
    """

    __tablename__ = "quality_sample"
    __table_args__ = (
        CheckConstraint(
            "status IN ('not_selected', 'ready', 'reviewed')", name="ck_quality_sample_status"
        ),
        CheckConstraint(
            "rule IN ('disputed', 'safety_critical', 'new_teacher', 'first_of_module', "
            "'minimum', 'none')",
            name="ck_quality_sample_rule",
        ),
        CheckConstraint("rate >= 0 AND rate <= 100", name="ck_quality_sample_rate"),
        CheckConstraint(f"draw >= 0 AND draw < {DRAW_SCALE}", name="ck_quality_sample_draw"),
        CheckConstraint(
            "(status = 'not_selected') = (pseudonym IS NULL)", name="ck_quality_sample_pseudonym"
        ),
        Index("ix_quality_sample_status_verified", "status", "verified_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    plan_id: int = Field(sa_column=_fk("sampling_plan.id", "CASCADE"))
    completion_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey("unit_completion.id", ondelete="CASCADE"), nullable=False,
            unique=True,
        )
    )  # fmt: skip
    teacher_id: int | None = Field(default=None, sa_column=_fk("user.id", "SET NULL", True))
    school_id: int = Field(sa_column=_fk("organization.id", "RESTRICT"))
    module_id: int = Field(sa_column=_fk("module.id", "RESTRICT"))
    verified_at: datetime = Field(sa_type=UTCDateTime)
    rule: str = Field(max_length=20)
    rate: int
    draw: int
    status: str = Field(max_length=20)
    pseudonym: str | None = Field(default=None, max_length=12, unique=True)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)

    @property
    def selected(self):
        return self.status != SampleStatus.NOT_SELECTED


class QualityReview(SQLModel, table=True):
    """A reviewer's second opinion on one sample; one per sample (the unique key decides races)."""

    __tablename__ = "quality_review"
    __table_args__ = (
        CheckConstraint("rating >= 1 AND rating <= 4", name="ck_quality_review_rating"),
    )

    id: int | None = Field(default=None, primary_key=True)
    sample_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey("quality_sample.id", ondelete="CASCADE"), nullable=False,
            unique=True,
        )
    )  # fmt: skip
    reviewer_id: int | None = Field(default=None, sa_column=_fk("user.id", "SET NULL", True))
    agrees: bool
    rating: int
    feedback: str = Field(max_length=2000)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class ActionStatus(StrEnum):
    OPEN = "open"
    ANSWERED = "answered"


class QualityAction(SQLModel, table=True):
    """What a disagreement asks of the teacher: an answer by the due date (the teacher re-reviews
    the unit with the student; the reviewer never changes the unit's state)."""

    __tablename__ = "quality_action"
    __table_args__ = (
        CheckConstraint("status IN ('open', 'answered')", name="ck_quality_action_status"),
    )

    id: int | None = Field(default=None, primary_key=True)
    review_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey("quality_review.id", ondelete="CASCADE"), nullable=False,
            unique=True,
        )
    )  # fmt: skip
    # The teacher who answers it: the one whose decision it is about, until they leave the
    # school; then None, and any teacher of the school may answer it (and becomes its owner).
    owner_id: int | None = Field(sa_column=_fk("user.id", "CASCADE", nullable=True))
    due_on: date
    status: str = Field(default=ActionStatus.OPEN, max_length=20, index=True)
    response: str | None = Field(default=None, max_length=2000)
    answered_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class QualityEndorsement(SQLModel, table=True):
    """A university's endorsement of one school's certificates of one module.

    Granted when the school's reviewed decisions for the module meet the plan (agreement at the
    threshold, enough reviews, no open action); withdrawn (not deleted) when they no longer do.
    """

    __tablename__ = "quality_endorsement"
    __table_args__ = (
        UniqueConstraint(
            "university_id", "school_id", "module_id", name="uq_quality_endorsement_school_module"
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    university_id: int = Field(sa_column=_fk("organization.id", "RESTRICT"))
    school_id: int = Field(sa_column=_fk("organization.id", "RESTRICT"))
    module_id: int = Field(sa_column=_fk("module.id", "RESTRICT"))
    plan_id: int | None = Field(default=None, sa_column=_fk("sampling_plan.id", "SET NULL", True))
    reviewed: int
    agreed: int
    endorsed_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    withdrawn_at: datetime | None = Field(default=None, sa_type=UTCDateTime)

    @property
    def active(self):
        return self.withdrawn_at is None


class QualityDispute(SQLModel, table=True):
    """A student's dispute of a teacher's decision on one of their records (a unit sent back).

    It puts the decision in the reviewers' queue as a sample of its own (rule "disputed", 100%);
    its state is that sample's: open while ready, then upheld when the reviewer disagreed with
    the teacher, not upheld when they agreed. One per decision: the unique record decides races.
    """

    __tablename__ = "quality_dispute"

    id: int | None = Field(default=None, primary_key=True)
    completion_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey("unit_completion.id", ondelete="CASCADE"), nullable=False,
            unique=True,
        )
    )  # fmt: skip
    sample_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey("quality_sample.id", ondelete="CASCADE"), nullable=False,
            unique=True,
        )
    )  # fmt: skip
    student_id: int = Field(sa_column=_fk("user.id", "CASCADE"))
    reason: str = Field(max_length=500)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class QualityEndorsementStatus(SQLModel, table=True):
    """The revocation bit of one endorsement's credentials, for as long as it is granted.

    Each granting of an endorsement (the first, and each after a withdrawal) gets its own random
    position in the endorsements' Bitstring Status Lists; its EndorsementCredentials carry it.
    Withdrawing the endorsement dates this row, which sets the bit: a copy downloaded before
    reports revoked, and a re-endorsement is a new credential with a new position.
    """

    __tablename__ = "quality_endorsement_status"
    __table_args__ = (
        UniqueConstraint("list_id", "list_index", name="uq_quality_endorsement_status_position"),
        CheckConstraint(
            f"list_index >= 0 AND list_index < {STATUS_LIST_SIZE}",
            name="ck_quality_endorsement_status_index",
        ),
        CheckConstraint("list_id >= 1", name="ck_quality_endorsement_status_list"),
        # one granted (not withdrawn) period per endorsement
        Index(
            "uq_quality_endorsement_status_open",
            "endorsement_id",
            unique=True,
            sqlite_where=text("withdrawn_at IS NULL"),
            postgresql_where=text("withdrawn_at IS NULL"),
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    endorsement_id: int = Field(sa_column=_fk("quality_endorsement.id", "CASCADE"))
    list_id: int = Field(default=1)
    list_index: int
    endorsed_at: datetime = Field(sa_type=UTCDateTime)  # the credential's validFrom
    withdrawn_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
