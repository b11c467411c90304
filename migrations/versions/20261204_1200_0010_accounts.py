"""accounts: emailed single-use links (invitations, password resets), reset notices, session
last-seen time for the idle timeout

Revision ID: 0010
Revises: 0014
Create Date: 2026-12-04 12:00:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

import eduplatform.sqltypes

revision: str = '0010'
down_revision: str | Sequence[str] | None = '0014'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('account_token',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('purpose', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('token_hash', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('created_at', eduplatform.sqltypes.UTCDateTime(timezone=True), nullable=False),
    sa.Column('expires_at', eduplatform.sqltypes.UTCDateTime(timezone=True), nullable=False),
    sa.Column('used_at', eduplatform.sqltypes.UTCDateTime(timezone=True), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint("purpose IN ('invitation', 'password_reset')", name='ck_account_token_purpose'),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('token_hash')
    )
    op.create_index('ix_account_token_user_id', 'account_token', ['user_id'])
    with op.batch_alter_table('user') as batch:
        batch.add_column(sa.Column('reset_notice_at', eduplatform.sqltypes.UTCDateTime(timezone=True), nullable=True))
    # Existing sessions were last seen when they started; the default only fills existing rows.
    with op.batch_alter_table('user_session') as batch:
        batch.add_column(sa.Column('last_seen_at', eduplatform.sqltypes.UTCDateTime(timezone=True), nullable=False, server_default=sa.func.now()))
    op.execute('UPDATE user_session SET last_seen_at = created_at')
    with op.batch_alter_table('user_session') as batch:
        batch.alter_column('last_seen_at', server_default=None)


def downgrade() -> None:
    with op.batch_alter_table('user_session') as batch:
        batch.drop_column('last_seen_at')
    with op.batch_alter_table('user') as batch:
        batch.drop_column('reset_notice_at')
    op.drop_index('ix_account_token_user_id', table_name='account_token')
    op.drop_table('account_token')
