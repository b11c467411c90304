"""people: organizations' names in other languages (a Chinese university's Chinese name)

Revision ID: 0016b
Revises: 0012
Create Date: 2026-12-05 01:00:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import eduplatform.sqltypes

revision: str = '0016b'
down_revision: str | Sequence[str] | None = '0012'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('organization') as batch_op:
        batch_op.add_column(sa.Column(
            'name_translations', eduplatform.sqltypes.JSONDocument, nullable=False,
            server_default=sa.text("'{}'"),
        ))
    with op.batch_alter_table('organization') as batch_op:
        batch_op.alter_column('name_translations', server_default=None)


def downgrade() -> None:
    with op.batch_alter_table('organization') as batch_op:
        batch_op.drop_column('name_translations')
