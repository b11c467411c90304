"""dashboard: rollup tables kept with training, enrollments and exchange activities

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-23 13:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

import eduplatform.sqltypes

revision: str = "0008"
down_revision: str | Sequence[str] | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _counts(*names):
    return [sa.Column(name, sa.Integer(), nullable=False) for name in names]


def _hours(name):
    return sa.Column(name, sa.Numeric(precision=12, scale=1), nullable=False)


def _updated():
    return sa.Column("updated_at", eduplatform.sqltypes.UTCDateTime(timezone=True), nullable=False)


def _year(nullable=False):
    return sa.Column("academic_year", sqlmodel.sql.sqltypes.AutoString(length=9), nullable=nullable)


def _training():
    return [
        *_counts("logged", "verified", "rejected"),
        _hours("verified_hours"),
        *_counts("certificates_issued", "certificates_revoked"),
        _updated(),
    ]


def upgrade() -> None:
    op.create_table(
        "rollup_training_month",
        sa.Column("school_id", sa.Integer(), autoincrement=False, nullable=False),
        _year(),
        sa.Column("module_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("month", sqlmodel.sql.sqltypes.AutoString(length=7), nullable=False),
        *_training(),
        sa.PrimaryKeyConstraint("school_id", "academic_year", "module_id", "month"),
    )
    op.create_table(
        "rollup_cohort_module",
        sa.Column("school_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("cohort_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("module_id", sa.Integer(), autoincrement=False, nullable=False),
        _year(),
        *_training(),
        sa.PrimaryKeyConstraint("school_id", "cohort_id", "module_id"),
    )
    op.create_index(
        "ix_rollup_cohort_module_year_school",
        "rollup_cohort_module",
        ["academic_year", "school_id"],
    )
    op.create_table(
        "rollup_unit",
        sa.Column("school_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("unit_id", sa.Integer(), autoincrement=False, nullable=False),
        _year(),
        *_counts("verified"),
        _updated(),
        sa.PrimaryKeyConstraint("school_id", "unit_id", "academic_year"),
    )
    op.create_table(
        "rollup_enrollment",
        sa.Column("cohort_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("school_id", sa.Integer(), nullable=False),
        _year(),
        sa.Column("program_id", sa.Integer(), nullable=False),
        *_counts("active", "completed", "moved", "withdrawn"),
        _updated(),
        sa.PrimaryKeyConstraint("cohort_id"),
    )
    op.create_index("ix_rollup_enrollment_school_id", "rollup_enrollment", ["school_id"])
    op.create_index(
        "ix_rollup_enrollment_year_school", "rollup_enrollment", ["academic_year", "school_id"]
    )
    op.create_table(
        "rollup_activity",
        sa.Column("school_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("month", sqlmodel.sql.sqltypes.AutoString(length=7), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=30), nullable=False),
        *_counts("completed"),
        _hours("participant_hours"),
        _updated(),
        sa.PrimaryKeyConstraint("school_id", "month", "kind"),
    )
    op.create_table(
        "rollup_activity_ledger",
        sa.Column("activity_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("school_id", sa.Integer(), nullable=False),
        sa.Column("month", sqlmodel.sql.sqltypes.AutoString(length=7), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=30), nullable=False),
        _hours("participant_hours"),
        sa.Column("trainees", eduplatform.sqltypes.JSONDocument, nullable=False),
        _updated(),
        sa.PrimaryKeyConstraint("activity_id"),
    )
    op.create_table(
        "rollup_teacher_training",
        sa.Column("user_id", sa.Integer(), autoincrement=False, nullable=False),
        _year(),
        *_counts("activities"),
        _hours("hours"),
        _updated(),
        sa.PrimaryKeyConstraint("user_id", "academic_year"),
    )


    op.create_table('rollup_state',
    sa.Column('id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('version', sa.BigInteger(), nullable=False),
    sa.Column('changed_at', eduplatform.sqltypes.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )


def downgrade() -> None:
    op.drop_table('rollup_state')
    op.drop_table("rollup_teacher_training")
    op.drop_table("rollup_activity_ledger")
    op.drop_table("rollup_activity")
    op.drop_index("ix_rollup_enrollment_year_school", table_name="rollup_enrollment")
    op.drop_index("ix_rollup_enrollment_school_id", table_name="rollup_enrollment")
    op.drop_table("rollup_enrollment")
    op.drop_table("rollup_unit")
    op.drop_index("ix_rollup_cohort_module_year_school", table_name="rollup_cohort_module")
    op.drop_table("rollup_cohort_module")
    op.drop_table("rollup_training_month")
