"""people and audit

Revision ID: 0001
Revises:
Create Date: 2026-11-23 11:55:53
"""
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

import eduplatform.sqltypes

revision: str = '0001'
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('organization',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('npsn', sqlmodel.sql.sqltypes.AutoString(length=8), nullable=True),
    sa.Column('city', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('country', sqlmodel.sql.sqltypes.AutoString(length=2), nullable=False),
    sa.Column('address', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('contact', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', eduplatform.sqltypes.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint("kind IN ('school', 'university', 'office')", name='ck_organization_kind'),
    sa.CheckConstraint('npsn IS NULL OR length(npsn) = 8', name='ck_organization_npsn'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('npsn')
    )
    op.create_index('ix_organization_kind', 'organization', ['kind'])
    op.create_table('user',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('email', sqlmodel.sql.sqltypes.AutoString(length=254), nullable=True),
    sa.Column('full_name', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('role', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=True),
    sa.Column('nisn', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=True),
    sa.Column('gender', sqlmodel.sql.sqltypes.AutoString(length=1), nullable=True),
    sa.Column('birth_date', sa.Date(), nullable=True),
    sa.Column('locale', sqlmodel.sql.sqltypes.AutoString(length=5), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('password_hash', sqlmodel.sql.sqltypes.AutoString(length=255), nullable=True),
    sa.Column('created_at', eduplatform.sqltypes.UTCDateTime(timezone=True), nullable=False),
    sa.Column('last_login_at', eduplatform.sqltypes.UTCDateTime(timezone=True), nullable=True),
    sa.CheckConstraint("role IN ('admin', 'office', 'author', 'teacher', 'student')", name='ck_user_role'),
    sa.CheckConstraint('email IS NOT NULL OR nisn IS NOT NULL', name='ck_user_login_name'),
    sa.CheckConstraint('nisn IS NULL OR length(nisn) = 10', name='ck_user_nisn'),
    sa.ForeignKeyConstraint(['organization_id'], ['organization.id'], ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('email'),
    sa.UniqueConstraint('nisn')
    )
    op.create_index('ix_user_organization_id', 'user', ['organization_id'])
    op.create_index('ix_user_role', 'user', ['role'])
    op.create_table('audit_event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at', eduplatform.sqltypes.UTCDateTime(timezone=True), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('action', sqlmodel.sql.sqltypes.AutoString(length=60), nullable=False),
    sa.Column('object_type', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=True),
    sa.Column('object_id', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
    sa.Column('details', eduplatform.sqltypes.JSONDocument, nullable=False),
    sa.Column('client_address', sqlmodel.sql.sqltypes.AutoString(length=45), nullable=True),
    sa.ForeignKeyConstraint(['actor_id'], ['user.id'], ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_audit_event_action', 'audit_event', ['action'])
    op.create_index('ix_audit_event_actor_id', 'audit_event', ['actor_id'])
    op.create_index('ix_audit_event_created_at', 'audit_event', ['created_at'])
    op.create_table('user_session',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('created_at', eduplatform.sqltypes.UTCDateTime(timezone=True), nullable=False),
    sa.Column('revoked_at', eduplatform.sqltypes.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('token_hash')
    )
    op.create_index('ix_user_session_user_id', 'user_session', ['user_id'])


def downgrade() -> None:
    op.drop_index('ix_user_session_user_id', table_name='user_session')
    op.drop_table('user_session')
    op.drop_index('ix_audit_event_created_at', table_name='audit_event')
    op.drop_index('ix_audit_event_actor_id', table_name='audit_event')
    op.drop_index('ix_audit_event_action', table_name='audit_event')
    op.drop_table('audit_event')
    op.drop_index('ix_user_role', table_name='user')
    op.drop_index('ix_user_organization_id', table_name='user')
    op.drop_table('user')
    op.drop_index('ix_organization_kind', table_name='organization')
    op.drop_table('organization')
