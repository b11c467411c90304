"""people: a NUPTK names one teacher (the GTK import matches teachers by it)

Revision ID: 0021
Revises: 0017
Create Date: 2026-12-05 02:00:00
"""
from collections.abc import Sequence

from alembic import op

revision: str = '0021'
down_revision: str | Sequence[str] | None = '0017'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(op.f('ix_user_nuptk'), 'user', ['nuptk'], unique=True)


def downgrade() -> None:
    op.drop_index(op.f('ix_user_nuptk'), table_name='user')
