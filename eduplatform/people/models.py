"""Organizations and the people who belong to them."""

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, Column, ForeignKey, Index, Integer, UniqueConstraint, text
from sqlmodel import Field, SQLModel
from werkzeug.security import check_password_hash, generate_password_hash

from eduplatform.clock import local_today
from eduplatform.sqltypes import JSONDocument, UTCDateTime, utcnow


class OrgKind(StrEnum):
    SCHOOL = "school"
    UNIVERSITY = "university"
    OFFICE = "office"
    # A company (DUDI) taking students on industry placements; see eduplatform.placements.
    INDUSTRY = "industry"


class Role(StrEnum):
    ADMIN = "admin"
    OFFICE = "office"
    AUTHOR = "author"
    TEACHER = "teacher"
    STUDENT = "student"


def _in(column, values):
    return f"{column} IN ({', '.join(repr(str(v)) for v in values)})"


class Organization(SQLModel, table=True):
    __table_args__ = (
        CheckConstraint(_in("kind", OrgKind), name="ck_organization_kind"),
        CheckConstraint("npsn IS NULL OR length(npsn) = 8", name="ck_organization_npsn"),
    )

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=20, index=True)
    name: str = Field(max_length=200)
    # The name in other languages where the organization has one ({"zh": "西安…大学"}): a
    # Chinese university's Chinese name on a Chinese page. `name` is the official one.
    name_translations: dict = Field(default_factory=dict, sa_type=JSONDocument)
    npsn: str | None = Field(default=None, max_length=8, unique=True)
    city: str = Field(default="", max_length=100)
    country: str = Field(default="ID", max_length=2)
    address: str = Field(default="", max_length=300)
    contact: str = Field(default="", max_length=200)
    active: bool = Field(default=True)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)

    @property
    def is_school(self):
        return self.kind == OrgKind.SCHOOL


class User(SQLModel, table=True):
    __table_args__ = (
        CheckConstraint(_in("role", Role), name="ck_user_role"),
        CheckConstraint("nisn IS NULL OR length(nisn) = 10", name="ck_user_nisn"),
        CheckConstraint("email IS NOT NULL OR nisn IS NOT NULL", name="ck_user_login_name"),
    )

    id: int | None = Field(default=None, primary_key=True)
    email: str | None = Field(default=None, max_length=254, unique=True)
    full_name: str = Field(max_length=200)
    role: str = Field(max_length=20, index=True)
    organization_id: int | None = Field(
        default=None,
        sa_column=Column(Integer, ForeignKey("organization.id", ondelete="RESTRICT"), index=True),
    )
    nisn: str | None = Field(default=None, max_length=10, unique=True)
    gender: str | None = Field(default=None, max_length=1)
    birth_date: date | None = None
    birth_place: str | None = Field(default=None, max_length=100)
    # The school's own student number (NIPD in Dapodik); unique only in the school's books.
    student_number: str | None = Field(default=None, max_length=30)
    # A teacher's national educator number (NUPTK, 16 digits), from the school's GTK list: one
    # teacher per NUPTK, whichever schools list them.
    nuptk: str | None = Field(default=None, max_length=16, unique=True, index=True)
    locale: str | None = Field(default=None, max_length=5)
    active: bool = Field(default=True)
    password_hash: str | None = Field(default=None, max_length=255)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    last_login_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    # Someone else reset the password (a teacher's new activation code): told at next sign-in.
    reset_notice_at: datetime | None = Field(default=None, sa_type=UTCDateTime)

    # Flask-Login's protocol; the loader also checks the server-side session row.
    @property
    def is_authenticated(self):
        return True

    @property
    def is_active(self):
        return self.active

    @property
    def is_anonymous(self):
        return False

    def get_id(self):
        return str(self.id)

    def set_password(self, password):
        self.password_hash = generate_password_hash(password)

    def check_password(self, password):
        return bool(self.password_hash) and check_password_hash(self.password_hash, password)

    def has_role(self, *roles):
        return self.role in roles

    @property
    def login_name(self):
        return self.email or self.nisn


class UserSession(SQLModel, table=True):
    """A signed-in browser; the cookie holds a random token whose hash is stored here."""

    __tablename__ = "user_session"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey("user.id", ondelete="CASCADE"), nullable=False, index=True
        )
    )
    token_hash: str = Field(max_length=64, unique=True)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    # Refreshed at most every few minutes (SESSION_TOUCH_INTERVAL), for the idle timeout.
    last_seen_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    revoked_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class SchoolMembership(SQLModel, table=True):
    """A teacher's place at a school. A teacher may teach at several schools (common in
    Indonesia); their scope is the union of these, and `User.organization_id` is their home
    school, always one of them."""

    __tablename__ = "school_membership"

    user_id: int = Field(
        sa_column=Column(Integer, ForeignKey("user.id", ondelete="CASCADE"), primary_key=True)
    )
    school_id: int = Field(
        sa_column=Column(
            Integer,
            ForeignKey("organization.id", ondelete="RESTRICT"),
            primary_key=True,
            index=True,
        )
    )
    since: date
    added_by_id: int | None = Field(
        default=None, sa_column=Column(Integer, ForeignKey("user.id", ondelete="SET NULL"))
    )
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class TokenPurpose(StrEnum):
    INVITATION = "invitation"
    PASSWORD_RESET = "password_reset"


class AccountToken(SQLModel, table=True):
    """A single-use, expiring link sent by email (staff invitation, password reset).

    Only a hash of the token is stored; the plaintext exists once, in the email.
    """

    __tablename__ = "account_token"
    __table_args__ = (
        CheckConstraint(_in("purpose", TokenPurpose), name="ck_account_token_purpose"),
    )

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey("user.id", ondelete="CASCADE"), nullable=False, index=True
        )
    )
    purpose: str = Field(max_length=20)
    token_hash: str = Field(max_length=64, unique=True)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    expires_at: datetime = Field(sa_type=UTCDateTime)
    used_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    created_by_id: int | None = Field(
        default=None, sa_column=Column(Integer, ForeignKey("user.id", ondelete="SET NULL"))
    )


class EnrollmentStatus(StrEnum):
    ACTIVE = "active"
    MOVED = "moved"
    WITHDRAWN = "withdrawn"
    COMPLETED = "completed"


class Cohort(SQLModel, table=True):
    """A class of one school in one academic year, following one program."""

    __table_args__ = (
        UniqueConstraint("school_id", "name", "academic_year", name="uq_cohort_school_name_year"),
        CheckConstraint("academic_year LIKE '____/____'", name="ck_cohort_academic_year"),
    )

    id: int | None = Field(default=None, primary_key=True)
    school_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey("organization.id", ondelete="RESTRICT"), nullable=False, index=True
        )
    )
    name: str = Field(max_length=60)
    academic_year: str = Field(max_length=9, index=True)
    program_id: int | None = Field(
        default=None,
        sa_column=Column(Integer, ForeignKey("program.id", ondelete="RESTRICT"), index=True),
    )
    archived: bool = Field(default=False)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class CohortTeacher(SQLModel, table=True):
    __tablename__ = "cohort_teacher"

    cohort_id: int = Field(
        sa_column=Column(Integer, ForeignKey("cohort.id", ondelete="CASCADE"), primary_key=True)
    )
    teacher_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey("user.id", ondelete="CASCADE"), primary_key=True, index=True
        )
    )


class CohortModuleVersion(SQLModel, table=True):
    """The module version a cohort follows; pinned when the cohort starts the module."""

    __tablename__ = "cohort_module_version"

    cohort_id: int = Field(
        sa_column=Column(Integer, ForeignKey("cohort.id", ondelete="CASCADE"), primary_key=True)
    )
    module_id: int = Field(
        sa_column=Column(Integer, ForeignKey("module.id", ondelete="CASCADE"), primary_key=True)
    )
    version_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey("module_version.id", ondelete="RESTRICT"), nullable=False
        )
    )
    pinned_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class Enrollment(SQLModel, table=True):
    """A student's membership of a cohort; moves and withdrawals end it and keep it as history."""

    __table_args__ = (
        CheckConstraint(
            "status IN ('active', 'moved', 'withdrawn', 'completed')", name="ck_enrollment_status"
        ),
        Index(
            "uq_enrollment_one_active",
            "student_id",
            unique=True,
            sqlite_where=text("status = 'active'"),
            postgresql_where=text("status = 'active'"),
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    cohort_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey("cohort.id", ondelete="RESTRICT"), nullable=False, index=True
        )
    )
    student_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey("user.id", ondelete="CASCADE"), nullable=False, index=True
        )
    )
    status: str = Field(default=EnrollmentStatus.ACTIVE, max_length=20)
    enrolled_on: date = Field(default_factory=local_today)  # the school's date, not the server's
    ended_on: date | None = None
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class ActivationCode(SQLModel, table=True):
    """A one-time code for a student's first sign-in with NISN; only its hash is stored."""

    __tablename__ = "activation_code"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey("user.id", ondelete="CASCADE"), nullable=False, index=True
        )
    )
    code_hash: str = Field(max_length=255)
    expires_at: datetime = Field(sa_type=UTCDateTime)
    used_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    created_by_id: int | None = Field(
        default=None, sa_column=Column(Integer, ForeignKey("user.id", ondelete="SET NULL"))
    )
