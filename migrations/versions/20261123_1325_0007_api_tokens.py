"""api: personal access tokens

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-23 13:00:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

import eduplatform.sqltypes

revision: str = '0007'
down_revision: str | Sequence[str] | None = '0006'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('api_token',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('scope', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('token_hash', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('hint', sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False),
    sa.Column('created_at', eduplatform.sqltypes.UTCDateTime(timezone=True), nullable=False),
    sa.Column('expires_at', eduplatform.sqltypes.UTCDateTime(timezone=True), nullable=True),
    sa.Column('last_used_at', eduplatform.sqltypes.UTCDateTime(timezone=True), nullable=True),
    sa.Column('revoked_at', eduplatform.sqltypes.UTCDateTime(timezone=True), nullable=True),
    sa.CheckConstraint("scope IN ('read', 'read-write')", name='ck_api_token_scope'),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('token_hash')
    )
    op.create_index('ix_api_token_user_id', 'api_token', ['user_id'])


def downgrade() -> None:
    op.drop_index('ix_api_token_user_id', table_name='api_token')
    op.drop_table('api_token')
