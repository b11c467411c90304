"""quality: students dispute a teacher's decision (issue 18): the dispute, the plan's window
for it, and the notifications of the teacher and the student

Revision ID: 0022
Revises: 0019
Create Date: 2026-12-05 06:00:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

import eduplatform.sqltypes

revision: str = '0022'
down_revision: str | Sequence[str] | None = '0019'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

KINDS = "'completion_verified', 'completion_rejected', 'certificate_issued', 'reviews_waiting'"
DISPUTE_KINDS = ", 'completion_disputed', 'dispute_reviewed'"


def _notification_kinds(kinds):
    with op.batch_alter_table('notification') as batch:
        batch.drop_constraint('ck_notification_kind', type_='check')
        batch.create_check_constraint('ck_notification_kind', f'kind IN ({kinds})')


def upgrade() -> None:
    with op.batch_alter_table('sampling_plan') as batch:
        batch.add_column(sa.Column('dispute_days', sa.Integer(), nullable=False,
                                   server_default='30'))
        batch.create_check_constraint('ck_sampling_plan_dispute_days',
                                      'dispute_days >= 1 AND dispute_days <= 365')
    with op.batch_alter_table('sampling_plan') as batch:
        batch.alter_column('dispute_days', server_default=None)

    op.create_table('quality_dispute',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('completion_id', sa.Integer(), nullable=False),
    sa.Column('sample_id', sa.Integer(), nullable=False),
    sa.Column('student_id', sa.Integer(), nullable=False),
    sa.Column('reason', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
    sa.Column('created_at', eduplatform.sqltypes.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['completion_id'], ['unit_completion.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['sample_id'], ['quality_sample.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['student_id'], ['user.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('completion_id'),
    sa.UniqueConstraint('sample_id')
    )
    with op.batch_alter_table('quality_dispute', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_quality_dispute_student_id'), ['student_id'],
                              unique=False)

    _notification_kinds(KINDS + DISPUTE_KINDS)


def downgrade() -> None:
    op.execute("DELETE FROM notification WHERE kind IN ('completion_disputed', "
               "'dispute_reviewed')")
    _notification_kinds(KINDS)
    with op.batch_alter_table('quality_dispute', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_quality_dispute_student_id'))
    op.drop_table('quality_dispute')
    with op.batch_alter_table('sampling_plan') as batch:
        batch.drop_constraint('ck_sampling_plan_dispute_days', type_='check')
        batch.drop_column('dispute_days')
