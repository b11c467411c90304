"""curriculum: at most one draft version per module

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23 13:00:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0003'
down_revision: str | Sequence[str] | None = '0002'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index('uq_module_version_one_draft', 'module_version', ['module_id'], unique=True, sqlite_where=sa.text("status = 'draft'"), postgresql_where=sa.text("status = 'draft'"))


def downgrade() -> None:
    op.drop_index('uq_module_version_one_draft', table_name='module_version', sqlite_where=sa.text("status = 'draft'"), postgresql_where=sa.text("status = 'draft'"))
