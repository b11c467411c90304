"""training: an index for a school's verification queue

The queue reads the records of the school's classes in one state, oldest first. Without an index
on (class, state) it read every submitted record of the city and then kept the school's: 25 ms
for a teacher's queue at demo scale 10, and the page that slowed first under load.

Revision ID: 0026
Revises: 0023
Create Date: 2026-12-05 13:00:00
"""
from collections.abc import Sequence

from alembic import op

revision: str = '0026'
down_revision: str | Sequence[str] | None = '0023'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(
        'ix_unit_completion_cohort_status_created',
        'unit_completion',
        ['cohort_id', 'status', 'created_at'],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index('ix_unit_completion_cohort_status_created', table_name='unit_completion')
