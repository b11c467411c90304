"""exchange: partnerships, activities, participants, reflections, attachments, feed keys

Revision ID: 0005
Revises: 0003
Create Date: 2026-11-23 13:00:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

import eduplatform.sqltypes

revision: str = '0005'
down_revision: str | Sequence[str] | None = '0003'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('partnership',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('school_id', sa.Integer(), nullable=False),
    sa.Column('partner_id', sa.Integer(), nullable=True),
    sa.Column('partner_name', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('areas', eduplatform.sqltypes.JSONDocument, nullable=False),
    sa.Column('mou_reference', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('mou_signed_on', sa.Date(), nullable=True),
    sa.Column('started_on', sa.Date(), nullable=True),
    sa.Column('ended_on', sa.Date(), nullable=True),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('contacts', eduplatform.sqltypes.JSONDocument, nullable=False),
    sa.Column('notes', sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
    sa.Column('created_at', eduplatform.sqltypes.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', eduplatform.sqltypes.UTCDateTime(timezone=True), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint("kind IN ('sister_school', 'industry', 'university')", name='ck_partnership_kind'),
    sa.CheckConstraint("status IN ('proposed', 'active', 'ended')", name='ck_partnership_status'),
    sa.CheckConstraint('(partner_id IS NULL) <> (partner_name IS NULL)', name='ck_partnership_one_partner'),
    sa.CheckConstraint('partner_id IS NULL OR partner_id <> school_id', name='ck_partnership_not_self'),
    sa.CheckConstraint('started_on IS NULL OR ended_on IS NULL OR ended_on >= started_on', name='ck_partnership_dates'),
    sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['partner_id'], ['organization.id'], ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['school_id'], ['organization.id'], ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_partnership_kind', 'partnership', ['kind'])
    op.create_index('ix_partnership_partner_id', 'partnership', ['partner_id'])
    op.create_index('ix_partnership_school_id', 'partnership', ['school_id'])
    op.create_index('ix_partnership_status', 'partnership', ['status'])
    op.create_table('school_feed_key',
    sa.Column('school_id', sa.Integer(), nullable=False),
    sa.Column('key', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('created_at', eduplatform.sqltypes.UTCDateTime(timezone=True), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['school_id'], ['organization.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('school_id'),
    sa.UniqueConstraint('key')
    )
    op.create_table('exchange_activity',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('partnership_id', sa.Integer(), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=30), nullable=False),
    sa.Column('title', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('description', sqlmodel.sql.sqltypes.AutoString(length=4000), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('ends_on', sa.Date(), nullable=False),
    sa.Column('place', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('online_url', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
    sa.Column('languages', eduplatform.sqltypes.JSONDocument, nullable=False),
    sa.Column('sending_org_id', sa.Integer(), nullable=True),
    sa.Column('receiving_org_id', sa.Integer(), nullable=True),
    sa.Column('funding_source', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('currency', sqlmodel.sql.sqltypes.AutoString(length=3), nullable=False),
    sa.Column('cost_travel', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('cost_subsistence', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('cost_fees', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('cost_other', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('outcomes', sqlmodel.sql.sqltypes.AutoString(length=4000), nullable=True),
    sa.Column('report_hours', sa.Numeric(precision=6, scale=1), nullable=True),
    sa.Column('follow_up', sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=True),
    sa.Column('completed_at', eduplatform.sqltypes.UTCDateTime(timezone=True), nullable=True),
    sa.Column('completed_by_id', sa.Integer(), nullable=True),
    sa.Column('cancelled_at', eduplatform.sqltypes.UTCDateTime(timezone=True), nullable=True),
    sa.Column('cancel_reason', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
    sa.Column('created_at', eduplatform.sqltypes.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', eduplatform.sqltypes.UTCDateTime(timezone=True), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint("kind IN ('teacher_training', 'student_exchange', 'joint_workshop', 'online_class', 'guest_lecture', 'cultural_visit', 'curriculum_workshop')", name='ck_exchange_activity_kind'),
    sa.CheckConstraint("status <> 'completed' OR (outcomes IS NOT NULL AND report_hours IS NOT NULL AND follow_up IS NOT NULL)", name='ck_exchange_activity_report'),
    sa.CheckConstraint("status IN ('planned', 'completed', 'cancelled')", name='ck_exchange_activity_status'),
    sa.CheckConstraint('cost_travel >= 0 AND cost_subsistence >= 0 AND cost_fees >= 0 AND cost_other >= 0', name='ck_exchange_activity_costs'),
    sa.CheckConstraint('ends_on >= starts_on', name='ck_exchange_activity_dates'),
    sa.CheckConstraint('length(currency) = 3 AND currency = upper(currency)', name='ck_exchange_activity_currency'),
    sa.CheckConstraint('report_hours IS NULL OR report_hours >= 0', name='ck_exchange_activity_hours'),
    sa.CheckConstraint('sending_org_id IS NULL OR receiving_org_id IS NULL OR sending_org_id <> receiving_org_id', name='ck_exchange_activity_sides'),
    sa.ForeignKeyConstraint(['completed_by_id'], ['user.id'], ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['partnership_id'], ['partnership.id'], ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['receiving_org_id'], ['organization.id'], ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['sending_org_id'], ['organization.id'], ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_exchange_activity_ends_on', 'exchange_activity', ['ends_on'])
    op.create_index('ix_exchange_activity_kind', 'exchange_activity', ['kind'])
    op.create_index('ix_exchange_activity_partnership_id', 'exchange_activity', ['partnership_id'])
    op.create_index('ix_exchange_activity_receiving_org_id', 'exchange_activity', ['receiving_org_id'])
    op.create_index('ix_exchange_activity_sending_org_id', 'exchange_activity', ['sending_org_id'])
    op.create_index('ix_exchange_activity_starts_on', 'exchange_activity', ['starts_on'])
    op.create_index('ix_exchange_activity_status', 'exchange_activity', ['status'])
    op.create_table('activity_attachment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('activity_id', sa.Integer(), nullable=False),
    sa.Column('stored_name', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('original_name', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('mime_type', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('uploaded_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', eduplatform.sqltypes.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint("mime_type IN ('application/pdf', 'image/jpeg', 'image/png', 'image/webp')", name='ck_activity_attachment_type'),
    sa.CheckConstraint('size > 0', name='ck_activity_attachment_size'),
    sa.ForeignKeyConstraint(['activity_id'], ['exchange_activity.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['uploaded_by_id'], ['user.id'], ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('stored_name')
    )
    op.create_index('ix_activity_attachment_activity_id', 'activity_attachment', ['activity_id'])
    op.create_table('activity_participant',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('activity_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('guest_name', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
    sa.Column('guest_affiliation', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('role', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('hours', sa.Numeric(precision=6, scale=1), nullable=False),
    sa.Column('created_at', eduplatform.sqltypes.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint("role IN ('participant', 'facilitator', 'interpreter')", name='ck_activity_participant_role'),
    sa.CheckConstraint('(user_id IS NULL) <> (guest_name IS NULL)', name='ck_activity_participant_who'),
    sa.CheckConstraint('hours >= 0', name='ck_activity_participant_hours'),
    sa.ForeignKeyConstraint(['activity_id'], ['exchange_activity.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('activity_id', 'user_id', name='uq_activity_participant_user')
    )
    op.create_index('ix_activity_participant_activity_id', 'activity_participant', ['activity_id'])
    op.create_index('ix_activity_participant_user_id', 'activity_participant', ['user_id'])
    op.create_table('activity_reflection',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('activity_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('body', sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
    sa.Column('created_at', eduplatform.sqltypes.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', eduplatform.sqltypes.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('length(body) > 0', name='ck_activity_reflection_body'),
    sa.ForeignKeyConstraint(['activity_id'], ['exchange_activity.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('activity_id', 'user_id', name='uq_activity_reflection_user')
    )
    op.create_index('ix_activity_reflection_activity_id', 'activity_reflection', ['activity_id'])
    op.create_index('ix_activity_reflection_user_id', 'activity_reflection', ['user_id'])


def downgrade() -> None:
    op.drop_index('ix_activity_reflection_user_id', table_name='activity_reflection')
    op.drop_index('ix_activity_reflection_activity_id', table_name='activity_reflection')
    op.drop_table('activity_reflection')
    op.drop_index('ix_activity_participant_user_id', table_name='activity_participant')
    op.drop_index('ix_activity_participant_activity_id', table_name='activity_participant')
    op.drop_table('activity_participant')
    op.drop_index('ix_activity_attachment_activity_id', table_name='activity_attachment')
    op.drop_table('activity_attachment')
    op.drop_index('ix_exchange_activity_status', table_name='exchange_activity')
    op.drop_index('ix_exchange_activity_starts_on', table_name='exchange_activity')
    op.drop_index('ix_exchange_activity_sending_org_id', table_name='exchange_activity')
    op.drop_index('ix_exchange_activity_receiving_org_id', table_name='exchange_activity')
    op.drop_index('ix_exchange_activity_partnership_id', table_name='exchange_activity')
    op.drop_index('ix_exchange_activity_kind', table_name='exchange_activity')
    op.drop_index('ix_exchange_activity_ends_on', table_name='exchange_activity')
    op.drop_table('exchange_activity')
    op.drop_table('school_feed_key')
    op.drop_index('ix_partnership_status', table_name='partnership')
    op.drop_index('ix_partnership_school_id', table_name='partnership')
    op.drop_index('ix_partnership_partner_id', table_name='partnership')
    op.drop_index('ix_partnership_kind', table_name='partnership')
    op.drop_table('partnership')
