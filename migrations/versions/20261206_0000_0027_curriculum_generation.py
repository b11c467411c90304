"""curriculum: a token that moves with every change to modules, versions and classes' pins

Each worker keeps the modules and versions a class follows (the student home reads them on every
visit); the token, read with the student's class, tells it when to read them again. Until a
database has the row (an empty one gets it with its first module), nothing is kept.

Revision ID: 0027
Revises: 0026
Create Date: 2026-12-06 00:00:00
"""
import secrets
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0027'
down_revision: str | Sequence[str] | None = '0026'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    table = op.create_table(
        'curriculum_generation',
        sa.Column('id', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('token', sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint('id'),
    )
    # A database that holds a curriculum gets its first token now; an empty one (still empty for
    # `restore`) gets it with its first module.
    if op.get_bind().execute(sa.text('SELECT 1 FROM module LIMIT 1')).first() is not None:
        op.bulk_insert(table, [{'id': 1, 'token': secrets.randbits(62)}])


def downgrade() -> None:
    op.drop_table('curriculum_generation')
