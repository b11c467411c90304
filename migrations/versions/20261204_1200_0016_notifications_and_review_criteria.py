"""training: assessment criteria ticked with a review; notifications and their email setting

Revision ID: 0016
Revises: 0008
Create Date: 2026-12-04 12:00:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

import eduplatform.sqltypes

revision: str = '0016'
down_revision: str | Sequence[str] | None = '0008'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

DEDUPE = sa.text('dedupe_key IS NOT NULL')


def upgrade() -> None:
    with op.batch_alter_table('unit_completion') as batch_op:
        batch_op.add_column(sa.Column(
            'criteria_override', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True
        ))
    op.create_table('completion_criterion',
    sa.Column('completion_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('met', sa.Boolean(), nullable=False),
    sa.CheckConstraint('number >= 1', name='ck_completion_criterion_number'),
    sa.ForeignKeyConstraint(['completion_id'], ['unit_completion.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('completion_id', 'number')
    )
    op.create_table('notification_setting',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('email', sa.Boolean(), nullable=False),
    sa.Column('updated_at', eduplatform.sqltypes.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id')
    )
    op.create_table('notification',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('completion_id', sa.Integer(), nullable=True),
    sa.Column('certificate_id', sa.Integer(), nullable=True),
    sa.Column('details', eduplatform.sqltypes.JSONDocument, nullable=False),
    sa.Column('dedupe_key', sqlmodel.sql.sqltypes.AutoString(length=80), nullable=True),
    sa.Column('created_at', eduplatform.sqltypes.UTCDateTime(timezone=True), nullable=False),
    sa.Column('read_at', eduplatform.sqltypes.UTCDateTime(timezone=True), nullable=True),
    sa.Column('email_state', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('email_attempts', sa.Integer(), nullable=False),
    sa.Column('emailed_at', eduplatform.sqltypes.UTCDateTime(timezone=True), nullable=True),
    sa.CheckConstraint("email_state IN ('none', 'pending', 'sent', 'failed')",
                       name='ck_notification_email_state'),
    sa.CheckConstraint("kind IN ('completion_verified', 'completion_rejected', "
                       "'certificate_issued', 'reviews_waiting')", name='ck_notification_kind'),
    sa.ForeignKeyConstraint(['certificate_id'], ['certificate.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['completion_id'], ['unit_completion.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_notification_certificate_id', 'notification', ['certificate_id'])
    op.create_index('ix_notification_completion_id', 'notification', ['completion_id'])
    op.create_index('ix_notification_user_unread', 'notification', ['user_id', 'read_at'])
    op.create_index('uq_notification_dedupe', 'notification', ['user_id', 'dedupe_key'],
                    unique=True, sqlite_where=DEDUPE, postgresql_where=DEDUPE)


def downgrade() -> None:
    op.drop_index('uq_notification_dedupe', table_name='notification')
    op.drop_index('ix_notification_user_unread', table_name='notification')
    op.drop_index('ix_notification_completion_id', table_name='notification')
    op.drop_index('ix_notification_certificate_id', table_name='notification')
    op.drop_table('notification')
    op.drop_table('notification_setting')
    op.drop_table('completion_criterion')
    with op.batch_alter_table('unit_completion') as batch_op:
        batch_op.drop_column('criteria_override')
