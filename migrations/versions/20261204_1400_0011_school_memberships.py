"""people: a teacher may belong to several schools (school_membership)

Every existing teacher gets a membership of their current school, dated the day their account
was made (in the schools' time zone); `user.organization_id` stays their home school.

Revision ID: 0011
Revises: 0015
Create Date: 2026-12-04 14:00:00
"""

from collections.abc import Sequence
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from alembic import op

import eduplatform.sqltypes

revision: str = "0011"
down_revision: str | Sequence[str] | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SCHOOLS_ZONE = ZoneInfo("Asia/Jakarta")


def upgrade() -> None:
    membership = op.create_table(
        "school_membership",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("school_id", sa.Integer(), nullable=False),
        sa.Column("since", sa.Date(), nullable=False),
        sa.Column("added_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", eduplatform.sqltypes.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["user.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["school_id"], ["organization.id"], ondelete="RESTRICT"),
        sa.ForeignKeyConstraint(["added_by_id"], ["user.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("user_id", "school_id"),
    )
    op.create_index("ix_school_membership_school_id", "school_membership", ["school_id"])
    user = sa.table(
        "user",
        sa.column("id", sa.Integer()),
        sa.column("role", sa.String()),
        sa.column("organization_id", sa.Integer()),
        sa.column("created_at", eduplatform.sqltypes.UTCDateTime(timezone=True)),
    )
    teachers = (
        op.get_bind()
        .execute(
            sa.select(user.c.id, user.c.organization_id, user.c.created_at).where(
                user.c.role == "teacher", user.c.organization_id.is_not(None)
            )
        )
        .all()
    )
    now = datetime.now(UTC)
    rows = [
        {
            "user_id": teacher_id,
            "school_id": school_id,
            "since": (created_at or now).astimezone(SCHOOLS_ZONE).date(),
            "added_by_id": None,
            "created_at": now,
        }
        for teacher_id, school_id, created_at in teachers
    ]
    if rows:
        op.bulk_insert(membership, rows)


def downgrade() -> None:
    op.drop_index("ix_school_membership_school_id", table_name="school_membership")
    op.drop_table("school_membership")
