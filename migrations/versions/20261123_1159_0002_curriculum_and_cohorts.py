"""curriculum and cohorts

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 11:59:25
"""
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

import eduplatform.sqltypes

revision: str = '0002'
down_revision: str | Sequence[str] | None = '0001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('program',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('title', eduplatform.sqltypes.JSONDocument, nullable=False),
    sa.Column('summary', eduplatform.sqltypes.JSONDocument, nullable=False),
    sa.Column('created_at', eduplatform.sqltypes.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('code')
    )
    op.create_table('cohort',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('school_id', sa.Integer(), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=60), nullable=False),
    sa.Column('academic_year', sqlmodel.sql.sqltypes.AutoString(length=9), nullable=False),
    sa.Column('program_id', sa.Integer(), nullable=True),
    sa.Column('archived', sa.Boolean(), nullable=False),
    sa.Column('created_at', eduplatform.sqltypes.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint("academic_year LIKE '____/____'", name='ck_cohort_academic_year'),
    sa.ForeignKeyConstraint(['program_id'], ['program.id'], ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['school_id'], ['organization.id'], ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('school_id', 'name', 'academic_year', name='uq_cohort_school_name_year')
    )
    op.create_index('ix_cohort_academic_year', 'cohort', ['academic_year'])
    op.create_index('ix_cohort_program_id', 'cohort', ['program_id'])
    op.create_index('ix_cohort_school_id', 'cohort', ['school_id'])
    op.create_table('module',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('program_id', sa.Integer(), nullable=False),
    sa.Column('owner_id', sa.Integer(), nullable=True),
    sa.Column('level', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('created_at', eduplatform.sqltypes.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint("level IN ('basic', 'intermediate', 'advanced')", name='ck_module_level'),
    sa.ForeignKeyConstraint(['owner_id'], ['organization.id'], ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['program_id'], ['program.id'], ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('code')
    )
    op.create_index('ix_module_owner_id', 'module', ['owner_id'])
    op.create_index('ix_module_program_id', 'module', ['program_id'])
    op.create_table('activation_code',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('code_hash', sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
    sa.Column('expires_at', eduplatform.sqltypes.UTCDateTime(timezone=True), nullable=False),
    sa.Column('used_at', eduplatform.sqltypes.UTCDateTime(timezone=True), nullable=True),
    sa.Column('created_at', eduplatform.sqltypes.UTCDateTime(timezone=True), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_activation_code_user_id', 'activation_code', ['user_id'])
    op.create_table('cohort_teacher',
    sa.Column('cohort_id', sa.Integer(), nullable=False),
    sa.Column('teacher_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['cohort_id'], ['cohort.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['teacher_id'], ['user.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('cohort_id', 'teacher_id')
    )
    op.create_index('ix_cohort_teacher_teacher_id', 'cohort_teacher', ['teacher_id'])
    op.create_table('enrollment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('cohort_id', sa.Integer(), nullable=False),
    sa.Column('student_id', sa.Integer(), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('enrolled_on', sa.Date(), nullable=False),
    sa.Column('ended_on', sa.Date(), nullable=True),
    sa.Column('created_at', eduplatform.sqltypes.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint("status IN ('active', 'moved', 'withdrawn', 'completed')", name='ck_enrollment_status'),
    sa.ForeignKeyConstraint(['cohort_id'], ['cohort.id'], ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['student_id'], ['user.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_enrollment_cohort_id', 'enrollment', ['cohort_id'])
    op.create_index('ix_enrollment_student_id', 'enrollment', ['student_id'])
    op.create_index('uq_enrollment_one_active', 'enrollment', ['student_id'], unique=True, sqlite_where=sa.text("status = 'active'"), postgresql_where=sa.text("status = 'active'"))
    op.create_table('module_version',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('module_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('title', eduplatform.sqltypes.JSONDocument, nullable=False),
    sa.Column('summary', eduplatform.sqltypes.JSONDocument, nullable=False),
    sa.Column('alignment', eduplatform.sqltypes.JSONDocument, nullable=False),
    sa.Column('content_hash', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
    sa.Column('created_at', eduplatform.sqltypes.UTCDateTime(timezone=True), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('published_at', eduplatform.sqltypes.UTCDateTime(timezone=True), nullable=True),
    sa.Column('published_by_id', sa.Integer(), nullable=True),
    sa.Column('retired_at', eduplatform.sqltypes.UTCDateTime(timezone=True), nullable=True),
    sa.CheckConstraint("status IN ('draft', 'published', 'retired')", name='ck_module_version_status'),
    sa.CheckConstraint('number >= 1', name='ck_module_version_number'),
    sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['module_id'], ['module.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['published_by_id'], ['user.id'], ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('module_id', 'number', name='uq_module_version_number')
    )
    op.create_index('ix_module_version_module_id', 'module_version', ['module_id'])
    op.create_index('ix_module_version_status', 'module_version', ['status'])
    op.create_table('cohort_module_version',
    sa.Column('cohort_id', sa.Integer(), nullable=False),
    sa.Column('module_id', sa.Integer(), nullable=False),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.Column('pinned_at', eduplatform.sqltypes.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['cohort_id'], ['cohort.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['module_id'], ['module.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['version_id'], ['module_version.id'], ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('cohort_id', 'module_id')
    )
    op.create_table('unit',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.Column('code', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('title', eduplatform.sqltypes.JSONDocument, nullable=False),
    sa.Column('outcomes', eduplatform.sqltypes.JSONDocument, nullable=False),
    sa.Column('task', eduplatform.sqltypes.JSONDocument, nullable=False),
    sa.Column('criteria', eduplatform.sqltypes.JSONDocument, nullable=False),
    sa.Column('theory_hours', sa.Numeric(precision=5, scale=1), nullable=False),
    sa.Column('practice_hours', sa.Numeric(precision=5, scale=1), nullable=False),
    sa.Column('safety_critical', sa.Boolean(), nullable=False),
    sa.Column('alignment', eduplatform.sqltypes.JSONDocument, nullable=False),
    sa.CheckConstraint('theory_hours >= 0 AND practice_hours >= 0', name='ck_unit_hours'),
    sa.ForeignKeyConstraint(['version_id'], ['module_version.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('version_id', 'code', name='uq_unit_version_code')
    )
    op.create_index('ix_unit_code', 'unit', ['code'])
    op.create_index('ix_unit_version_id', 'unit', ['version_id'])
    op.create_table('unit_prerequisite',
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('requires_id', sa.Integer(), nullable=False),
    sa.CheckConstraint('unit_id <> requires_id', name='ck_unit_prerequisite_self'),
    sa.ForeignKeyConstraint(['requires_id'], ['unit.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('unit_id', 'requires_id')
    )
    op.create_index('ix_unit_prerequisite_requires_id', 'unit_prerequisite', ['requires_id'])


def downgrade() -> None:
    op.drop_index('ix_unit_prerequisite_requires_id', table_name='unit_prerequisite')
    op.drop_table('unit_prerequisite')
    op.drop_index('ix_unit_version_id', table_name='unit')
    op.drop_index('ix_unit_code', table_name='unit')
    op.drop_table('unit')
    op.drop_table('cohort_module_version')
    op.drop_index('ix_module_version_status', table_name='module_version')
    op.drop_index('ix_module_version_module_id', table_name='module_version')
    op.drop_table('module_version')
    op.drop_index('uq_enrollment_one_active', table_name='enrollment', sqlite_where=sa.text("status = 'active'"), postgresql_where=sa.text("status = 'active'"))
    op.drop_index('ix_enrollment_student_id', table_name='enrollment')
    op.drop_index('ix_enrollment_cohort_id', table_name='enrollment')
    op.drop_table('enrollment')
    op.drop_index('ix_cohort_teacher_teacher_id', table_name='cohort_teacher')
    op.drop_table('cohort_teacher')
    op.drop_index('ix_activation_code_user_id', table_name='activation_code')
    op.drop_table('activation_code')
    op.drop_index('ix_module_program_id', table_name='module')
    op.drop_index('ix_module_owner_id', table_name='module')
    op.drop_table('module')
    op.drop_index('ix_cohort_school_id', table_name='cohort')
    op.drop_index('ix_cohort_program_id', table_name='cohort')
    op.drop_index('ix_cohort_academic_year', table_name='cohort')
    op.drop_table('cohort')
    op.drop_table('program')
