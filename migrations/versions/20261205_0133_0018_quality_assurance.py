"""quality: reviewers, sampling plans, samples, reviews, actions, endorsements (issue 18)

Revision ID: 0018
Revises: 0016b
Create Date: 2026-12-05 01:33:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

import eduplatform.sqltypes

revision: str = '0018'
down_revision: str | Sequence[str] | None = '0016b'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('quality_reviewer',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('university_id', sa.Integer(), nullable=False),
    sa.Column('granted_by_id', sa.Integer(), nullable=True),
    sa.Column('granted_at', eduplatform.sqltypes.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['granted_by_id'], ['user.id'], ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['university_id'], ['organization.id'], ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id')
    )
    with op.batch_alter_table('quality_reviewer', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_quality_reviewer_granted_by_id'), ['granted_by_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_quality_reviewer_university_id'), ['university_id'], unique=False)

    op.create_table('sampling_plan',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('university_id', sa.Integer(), nullable=False),
    sa.Column('program_id', sa.Integer(), nullable=False),
    sa.Column('academic_year', sqlmodel.sql.sqltypes.AutoString(length=9), nullable=False),
    sa.Column('term', sa.Integer(), nullable=False),
    sa.Column('seed', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('new_teacher_rate', sa.Integer(), nullable=True),
    sa.Column('new_teacher_units', sa.Integer(), nullable=True),
    sa.Column('minimum_rate', sa.Integer(), nullable=True),
    sa.Column('one_per_module', sa.Boolean(), nullable=False),
    sa.Column('safety_critical_rate', sa.Integer(), nullable=True),
    sa.Column('disputed_rate', sa.Integer(), nullable=True),
    sa.Column('back_in_line_after', sa.Integer(), nullable=False),
    sa.Column('agreement_threshold', sa.Integer(), nullable=False),
    sa.Column('minimum_reviews', sa.Integer(), nullable=False),
    sa.Column('action_days', sa.Integer(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', eduplatform.sqltypes.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', eduplatform.sqltypes.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint("academic_year LIKE '____/____'", name='ck_sampling_plan_academic_year'),
    sa.CheckConstraint('action_days >= 1', name='ck_sampling_plan_action_days'),
    sa.CheckConstraint('agreement_threshold >= 0 AND agreement_threshold <= 100', name='ck_sampling_plan_agreement_threshold'),
    sa.CheckConstraint('back_in_line_after >= 1', name='ck_sampling_plan_back_in_line_after'),
    sa.CheckConstraint('disputed_rate IS NULL OR (disputed_rate >= 0 AND disputed_rate <= 100)', name='ck_sampling_plan_disputed_rate'),
    sa.CheckConstraint('minimum_rate IS NULL OR (minimum_rate >= 0 AND minimum_rate <= 100)', name='ck_sampling_plan_minimum_rate'),
    sa.CheckConstraint('minimum_reviews >= 1', name='ck_sampling_plan_minimum_reviews'),
    sa.CheckConstraint('new_teacher_rate IS NULL OR (new_teacher_rate >= 0 AND new_teacher_rate <= 100)', name='ck_sampling_plan_new_teacher_rate'),
    sa.CheckConstraint('new_teacher_units IS NULL OR new_teacher_units >= 1', name='ck_sampling_plan_new_teacher_units'),
    sa.CheckConstraint('safety_critical_rate IS NULL OR (safety_critical_rate >= 0 AND safety_critical_rate <= 100)', name='ck_sampling_plan_safety_critical_rate'),
    sa.CheckConstraint('term IN (1, 2)', name='ck_sampling_plan_term'),
    sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['program_id'], ['program.id'], ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['university_id'], ['organization.id'], ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('university_id', 'program_id', 'academic_year', 'term', name='uq_sampling_plan_term')
    )
    with op.batch_alter_table('sampling_plan', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sampling_plan_created_by_id'), ['created_by_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_sampling_plan_program_id'), ['program_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_sampling_plan_university_id'), ['university_id'], unique=False)

    op.create_table('quality_endorsement',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('university_id', sa.Integer(), nullable=False),
    sa.Column('school_id', sa.Integer(), nullable=False),
    sa.Column('module_id', sa.Integer(), nullable=False),
    sa.Column('plan_id', sa.Integer(), nullable=True),
    sa.Column('reviewed', sa.Integer(), nullable=False),
    sa.Column('agreed', sa.Integer(), nullable=False),
    sa.Column('endorsed_at', eduplatform.sqltypes.UTCDateTime(timezone=True), nullable=False),
    sa.Column('withdrawn_at', eduplatform.sqltypes.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['module_id'], ['module.id'], ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['plan_id'], ['sampling_plan.id'], ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['school_id'], ['organization.id'], ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['university_id'], ['organization.id'], ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('university_id', 'school_id', 'module_id', name='uq_quality_endorsement_school_module')
    )
    with op.batch_alter_table('quality_endorsement', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_quality_endorsement_module_id'), ['module_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_quality_endorsement_plan_id'), ['plan_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_quality_endorsement_school_id'), ['school_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_quality_endorsement_university_id'), ['university_id'], unique=False)

    op.create_table('quality_sample',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('plan_id', sa.Integer(), nullable=False),
    sa.Column('completion_id', sa.Integer(), nullable=False),
    sa.Column('teacher_id', sa.Integer(), nullable=True),
    sa.Column('school_id', sa.Integer(), nullable=False),
    sa.Column('module_id', sa.Integer(), nullable=False),
    sa.Column('verified_at', eduplatform.sqltypes.UTCDateTime(timezone=True), nullable=False),
    sa.Column('rule', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('rate', sa.Integer(), nullable=False),
    sa.Column('draw', sa.Integer(), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('pseudonym', sqlmodel.sql.sqltypes.AutoString(length=12), nullable=True),
    sa.Column('created_at', eduplatform.sqltypes.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint("(status = 'not_selected') = (pseudonym IS NULL)", name='ck_quality_sample_pseudonym'),
    sa.CheckConstraint("rule IN ('disputed', 'safety_critical', 'new_teacher', 'first_of_module', 'minimum', 'none')", name='ck_quality_sample_rule'),
    sa.CheckConstraint("status IN ('not_selected', 'ready', 'reviewed')", name='ck_quality_sample_status'),
    sa.CheckConstraint('draw >= 0 AND draw < 1000000', name='ck_quality_sample_draw'),
    sa.CheckConstraint('rate >= 0 AND rate <= 100', name='ck_quality_sample_rate'),
    sa.ForeignKeyConstraint(['completion_id'], ['unit_completion.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['module_id'], ['module.id'], ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['plan_id'], ['sampling_plan.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['school_id'], ['organization.id'], ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['teacher_id'], ['user.id'], ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('completion_id'),
    sa.UniqueConstraint('pseudonym')
    )
    with op.batch_alter_table('quality_sample', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_quality_sample_module_id'), ['module_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_quality_sample_plan_id'), ['plan_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_quality_sample_school_id'), ['school_id'], unique=False)
        batch_op.create_index('ix_quality_sample_status_verified', ['status', 'verified_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_quality_sample_teacher_id'), ['teacher_id'], unique=False)

    op.create_table('quality_review',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('sample_id', sa.Integer(), nullable=False),
    sa.Column('reviewer_id', sa.Integer(), nullable=True),
    sa.Column('agrees', sa.Boolean(), nullable=False),
    sa.Column('rating', sa.Integer(), nullable=False),
    sa.Column('feedback', sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
    sa.Column('created_at', eduplatform.sqltypes.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('rating >= 1 AND rating <= 4', name='ck_quality_review_rating'),
    sa.ForeignKeyConstraint(['reviewer_id'], ['user.id'], ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['sample_id'], ['quality_sample.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('sample_id')
    )
    with op.batch_alter_table('quality_review', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_quality_review_reviewer_id'), ['reviewer_id'], unique=False)

    op.create_table('quality_action',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('review_id', sa.Integer(), nullable=False),
    sa.Column('owner_id', sa.Integer(), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('response', sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=True),
    sa.Column('answered_at', eduplatform.sqltypes.UTCDateTime(timezone=True), nullable=True),
    sa.Column('created_at', eduplatform.sqltypes.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint("status IN ('open', 'answered')", name='ck_quality_action_status'),
    sa.ForeignKeyConstraint(['owner_id'], ['user.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['review_id'], ['quality_review.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('review_id')
    )
    with op.batch_alter_table('quality_action', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_quality_action_owner_id'), ['owner_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_quality_action_status'), ['status'], unique=False)


def downgrade() -> None:
    for table in ('quality_action', 'quality_review', 'quality_sample', 'quality_endorsement',
                  'sampling_plan', 'quality_reviewer'):
        op.drop_table(table)
