"""quality: an action whose teacher left the school belongs to the school's teachers

A disagreement's action was the deciding teacher's alone. When an administrator moves that
teacher to another school, nobody could answer it any more, and an open action keeps the school's
endorsement of the module withheld. Such an action now has no owner (NULL): any teacher of the
school may answer it, and the one who does becomes its owner.

Revision ID: 0028
Revises: 0027
Create Date: 2026-12-06 20:00:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0028'
down_revision: str | Sequence[str] | None = '0027'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('quality_action') as batch:
        batch.alter_column('owner_id', existing_type=sa.Integer(), nullable=True)


def downgrade() -> None:
    # An action left to a school goes back to the teacher whose decision it is about.
    op.execute(
        "UPDATE quality_action SET owner_id = ("
        " SELECT quality_sample.teacher_id FROM quality_review"
        " JOIN quality_sample ON quality_sample.id = quality_review.sample_id"
        " WHERE quality_review.id = quality_action.review_id)"
        " WHERE owner_id IS NULL"
    )
    op.execute("DELETE FROM quality_action WHERE owner_id IS NULL")
    with op.batch_alter_table('quality_action') as batch:
        batch.alter_column('owner_id', existing_type=sa.Integer(), nullable=False)
