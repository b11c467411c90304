"""training records, certificates and skills passport

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-23 13:00:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

import eduplatform.sqltypes

revision: str = '0006'
down_revision: str | Sequence[str] | None = '0005'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OPEN_STATUSES = "status IN ('submitted', 'verified')"


def upgrade() -> None:
    op.create_table('unit_completion',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('student_id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('cohort_id', sa.Integer(), nullable=False),
    sa.Column('performed_on', sa.Date(), nullable=False),
    sa.Column('hours', sa.Numeric(precision=4, scale=1), nullable=False),
    sa.Column('note', sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=False),
    sa.Column('photo_name', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
    sa.Column('photo_mime_type', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=True),
    sa.Column('photo_size', sa.Integer(), nullable=True),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('reviewer_id', sa.Integer(), nullable=True),
    sa.Column('reviewed_at', eduplatform.sqltypes.UTCDateTime(timezone=True), nullable=True),
    sa.Column('feedback', sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=True),
    sa.Column('created_at', eduplatform.sqltypes.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint("status IN ('submitted', 'verified', 'rejected')", name='ck_unit_completion_status'),
    sa.CheckConstraint('hours > 0 AND hours <= 24', name='ck_unit_completion_hours'),
    sa.ForeignKeyConstraint(['cohort_id'], ['cohort.id'], ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['reviewer_id'], ['user.id'], ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['student_id'], ['user.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_unit_completion_student_id', 'unit_completion', ['student_id'])
    op.create_index('ix_unit_completion_unit_id', 'unit_completion', ['unit_id'])
    op.create_index('ix_unit_completion_cohort_id', 'unit_completion', ['cohort_id'])
    op.create_index('ix_unit_completion_status_created', 'unit_completion', ['status', 'created_at'])
    op.create_index('uq_unit_completion_open', 'unit_completion', ['student_id', 'unit_id'], unique=True, sqlite_where=sa.text(OPEN_STATUSES), postgresql_where=sa.text(OPEN_STATUSES))
    op.create_table('certificate',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('student_id', sa.Integer(), nullable=False),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.Column('school_id', sa.Integer(), nullable=False),
    sa.Column('cohort_id', sa.Integer(), nullable=True),
    sa.Column('identity_salt', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('issued_at', eduplatform.sqltypes.UTCDateTime(timezone=True), nullable=False),
    sa.Column('revoked_at', eduplatform.sqltypes.UTCDateTime(timezone=True), nullable=True),
    sa.Column('revoked_by_id', sa.Integer(), nullable=True),
    sa.Column('revoke_reason', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True),
    sa.ForeignKeyConstraint(['cohort_id'], ['cohort.id'], ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['revoked_by_id'], ['user.id'], ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['school_id'], ['organization.id'], ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['student_id'], ['user.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['version_id'], ['module_version.id'], ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('code')
    )
    op.create_index('ix_certificate_student_id', 'certificate', ['student_id'])
    op.create_index('ix_certificate_version_id', 'certificate', ['version_id'])
    op.create_index('ix_certificate_school_id', 'certificate', ['school_id'])
    op.create_index('ix_certificate_cohort_id', 'certificate', ['cohort_id'])
    op.create_index('uq_certificate_valid', 'certificate', ['student_id', 'version_id'], unique=True, sqlite_where=sa.text('revoked_at IS NULL'), postgresql_where=sa.text('revoked_at IS NULL'))
    op.create_table('skills_passport',
    sa.Column('student_id', sa.Integer(), nullable=False),
    sa.Column('enabled', sa.Boolean(), nullable=False),
    sa.Column('slug', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
    sa.Column('enabled_at', eduplatform.sqltypes.UTCDateTime(timezone=True), nullable=True),
    sa.Column('guardian_name', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
    sa.Column('guardian_relationship', sqlmodel.sql.sqltypes.AutoString(length=60), nullable=True),
    sa.Column('consent_at', eduplatform.sqltypes.UTCDateTime(timezone=True), nullable=True),
    sa.Column('consent_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['consent_by_id'], ['user.id'], ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['student_id'], ['user.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('student_id'),
    sa.UniqueConstraint('slug')
    )


def downgrade() -> None:
    op.drop_table('skills_passport')
    op.drop_index('uq_certificate_valid', table_name='certificate', sqlite_where=sa.text('revoked_at IS NULL'), postgresql_where=sa.text('revoked_at IS NULL'))
    op.drop_index('ix_certificate_cohort_id', table_name='certificate')
    op.drop_index('ix_certificate_school_id', table_name='certificate')
    op.drop_index('ix_certificate_version_id', table_name='certificate')
    op.drop_index('ix_certificate_student_id', table_name='certificate')
    op.drop_table('certificate')
    op.drop_index('uq_unit_completion_open', table_name='unit_completion', sqlite_where=sa.text(OPEN_STATUSES), postgresql_where=sa.text(OPEN_STATUSES))
    op.drop_index('ix_unit_completion_status_created', table_name='unit_completion')
    op.drop_index('ix_unit_completion_cohort_id', table_name='unit_completion')
    op.drop_index('ix_unit_completion_unit_id', table_name='unit_completion')
    op.drop_index('ix_unit_completion_student_id', table_name='unit_completion')
    op.drop_table('unit_completion')
