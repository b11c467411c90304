"""training: a client-made idempotency key per logged unit, unique per student

Revision ID: 0020
Revises: 0018
Create Date: 2026-12-05 01:40:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision: str = '0020'
down_revision: str | Sequence[str] | None = '0018'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('unit_completion') as batch_op:
        batch_op.add_column(
            sa.Column('idempotency_key', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True)
        )
        batch_op.create_index(
            'uq_unit_completion_idempotency_key', ['student_id', 'idempotency_key'], unique=True
        )


def downgrade() -> None:
    with op.batch_alter_table('unit_completion') as batch_op:
        batch_op.drop_index('uq_unit_completion_idempotency_key')
        batch_op.drop_column('idempotency_key')
