"""Programs, modules, their versions and units.

Translated text is a JSON object keyed by locale: {"id": ..., "en": ..., "zh": ...}.
A published version is frozen; editing a published module starts a new draft version.
"""

from datetime import datetime
from decimal import Decimal
from enum import StrEnum

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Column,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    UniqueConstraint,
    text,
)
from sqlmodel import Field, SQLModel

from eduplatform.sqltypes import JSONDocument, UTCDateTime, utcnow


class VersionStatus(StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"
    RETIRED = "retired"


class Level(StrEnum):
    BASIC = "basic"
    INTERMEDIATE = "intermediate"
    ADVANCED = "advanced"


def _fk(target, ondelete, nullable=False, index=True):
    """A foreign key column; ondelete None: NO ACTION, checked at the statement's end (a
    table's rows that point at each other can go in one DELETE)."""
    return Column(Integer, ForeignKey(target, ondelete=ondelete), nullable=nullable, index=index)


class Program(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=40, unique=True)
    title: dict = Field(default_factory=dict, sa_type=JSONDocument)
    summary: dict = Field(default_factory=dict, sa_type=JSONDocument)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class Module(SQLModel, table=True):
    """A module of a program.

    `school_id` NULL: the shared programme (the university's curriculum), offered to every
    school. Set: that school's own module (one it created, or its adaptation of a shared
    module, `adapted_from_id`), seen and offered only in that school until the university
    adopts it into the shared programme.
    """

    __table_args__ = (
        CheckConstraint("level IN ('basic', 'intermediate', 'advanced')", name="ck_module_level"),
        # One adaptation of a shared module per school: two teachers pressing "adapt" at once
        # get the same one.
        UniqueConstraint("adapted_from_id", "school_id", name="uq_module_adaptation_school"),
    )

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=40, unique=True)
    program_id: int = Field(sa_column=_fk("program.id", "RESTRICT"))
    owner_id: int | None = Field(
        default=None, sa_column=_fk("organization.id", "RESTRICT", nullable=True)
    )
    school_id: int | None = Field(
        default=None, sa_column=_fk("organization.id", "RESTRICT", nullable=True)
    )
    adapted_from_id: int | None = Field(
        default=None, sa_column=_fk("module.id", None, nullable=True)
    )
    level: str = Field(default=Level.BASIC, max_length=20)
    position: int = Field(default=0)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)

    @property
    def shared(self):
        return self.school_id is None


class ModuleVersion(SQLModel, table=True):
    __tablename__ = "module_version"
    __table_args__ = (
        UniqueConstraint("module_id", "number", name="uq_module_version_number"),
        CheckConstraint(
            "status IN ('draft', 'published', 'retired')", name="ck_module_version_status"
        ),
        CheckConstraint("number >= 1", name="ck_module_version_number"),
        # Two authors pressing "edit" at once must not start two drafts of one module.
        Index(
            "uq_module_version_one_draft",
            "module_id",
            unique=True,
            sqlite_where=text("status = 'draft'"),
            postgresql_where=text("status = 'draft'"),
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    module_id: int = Field(sa_column=_fk("module.id", "CASCADE"))
    number: int
    status: str = Field(default=VersionStatus.DRAFT, max_length=20, index=True)
    title: dict = Field(default_factory=dict, sa_type=JSONDocument)
    summary: dict = Field(default_factory=dict, sa_type=JSONDocument)
    alignment: list = Field(default_factory=list, sa_type=JSONDocument)
    # Hash of the canonical content, so that re-importing unchanged YAML changes nothing.
    content_hash: str | None = Field(default=None, max_length=64)
    # In an adaptation: the version of the shared module this version was adapted from.
    based_on_id: int | None = Field(
        default=None, sa_column=_fk("module_version.id", None, nullable=True, index=False)
    )
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    created_by_id: int | None = Field(
        default=None, sa_column=_fk("user.id", "SET NULL", nullable=True, index=False)
    )
    published_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    published_by_id: int | None = Field(
        default=None, sa_column=_fk("user.id", "SET NULL", nullable=True, index=False)
    )
    retired_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class Unit(SQLModel, table=True):
    __table_args__ = (
        UniqueConstraint("version_id", "code", name="uq_unit_version_code"),
        CheckConstraint("theory_hours >= 0 AND practice_hours >= 0", name="ck_unit_hours"),
    )

    id: int | None = Field(default=None, primary_key=True)
    version_id: int = Field(sa_column=_fk("module_version.id", "CASCADE"))
    code: str = Field(max_length=40, index=True)
    position: int = Field(default=0)
    title: dict = Field(default_factory=dict, sa_type=JSONDocument)
    outcomes: list = Field(default_factory=list, sa_type=JSONDocument)
    task: dict = Field(default_factory=dict, sa_type=JSONDocument)
    criteria: list = Field(default_factory=list, sa_type=JSONDocument)
    theory_hours: Decimal = Field(default=Decimal(0), sa_type=Numeric(5, 1))
    practice_hours: Decimal = Field(default=Decimal(0), sa_type=Numeric(5, 1))
    safety_critical: bool = Field(default=False)
    alignment: list = Field(default_factory=list, sa_type=JSONDocument)


class UnitPrerequisite(SQLModel, table=True):
    """`unit` may be logged only once `requires` is verified (both in the same version)."""

    __tablename__ = "unit_prerequisite"
    __table_args__ = (CheckConstraint("unit_id <> requires_id", name="ck_unit_prerequisite_self"),)

    unit_id: int = Field(
        sa_column=Column(Integer, ForeignKey("unit.id", ondelete="CASCADE"), primary_key=True)
    )
    requires_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey("unit.id", ondelete="CASCADE"), primary_key=True, index=True
        )
    )


class CurriculumGeneration(SQLModel, table=True):
    """One row: a token drawn anew by every transaction that changes a module, a version or the
    version a class follows (training.programme), so that what a process keeps of each class's
    programme is read again once it may have changed.

    Random rather than counted: a database restored under a running worker (`restore --force`)
    never brings back a token that process kept with other content.
    """

    __tablename__ = "curriculum_generation"

    id: int = Field(sa_column=Column(Integer, primary_key=True, autoincrement=False))
    token: int = Field(sa_type=BigInteger)
