"""placements (PKL): companies as organizations of kind industry, supervisors, placements,
journal entries, supervisor links, monitoring visits, final assessments

Revision ID: 0019
Revises: 0021
Create Date: 2026-12-05 02:00:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

import eduplatform.sqltypes

revision: str = '0019'
down_revision: str | Sequence[str] | None = '0021'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


KINDS = "'school', 'university', 'office'"


def _organization_kinds(kinds):
    with op.batch_alter_table('organization') as batch:
        batch.drop_constraint('ck_organization_kind', type_='check')
        batch.create_check_constraint('ck_organization_kind', f'kind IN ({kinds})')


def upgrade() -> None:
    _organization_kinds(KINDS + ", 'industry'")
    op.create_table('company',
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.Column('sector', sqlmodel.sql.sqltypes.AutoString(length=30), nullable=False),
    sa.Column('npwp', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=True),
    sa.Column('nib', sqlmodel.sql.sqltypes.AutoString(length=13), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', eduplatform.sqltypes.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint("sector IN ('dealer_workshop', 'independent_workshop', 'fleet_operator', 'battery', 'conversion', 'manufacturing', 'charging', 'other')", name='ck_company_sector'),
    sa.CheckConstraint('nib IS NULL OR length(nib) = 13', name='ck_company_nib'),
    sa.CheckConstraint('npwp IS NULL OR length(npwp) IN (15, 16)', name='ck_company_npwp'),
    sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['organization_id'], ['organization.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('organization_id')
    )
    with op.batch_alter_table('company', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_company_sector'), ['sector'], unique=False)

    op.create_table('industry_supervisor',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('company_id', sa.Integer(), nullable=False),
    sa.Column('full_name', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('position', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('phone', sqlmodel.sql.sqltypes.AutoString(length=30), nullable=False),
    sa.Column('email', sqlmodel.sql.sqltypes.AutoString(length=254), nullable=False),
    sa.Column('locale', sqlmodel.sql.sqltypes.AutoString(length=5), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', eduplatform.sqltypes.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint("locale IN ('id', 'en', 'zh')", name='ck_industry_supervisor_locale'),
    sa.CheckConstraint("phone <> '' OR email <> ''", name='ck_industry_supervisor_reachable'),
    sa.ForeignKeyConstraint(['company_id'], ['organization.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('industry_supervisor', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_industry_supervisor_company_id'), ['company_id'], unique=False)

    op.create_table('placement',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('student_id', sa.Integer(), nullable=False),
    sa.Column('school_id', sa.Integer(), nullable=False),
    sa.Column('company_id', sa.Integer(), nullable=False),
    sa.Column('supervisor_id', sa.Integer(), nullable=False),
    sa.Column('teacher_id', sa.Integer(), nullable=True),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('ends_on', sa.Date(), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('dates_note', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('ended_on', sa.Date(), nullable=True),
    sa.Column('end_reason', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', eduplatform.sqltypes.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint("status <> 'ended_early' OR (end_reason IS NOT NULL AND ended_on IS NOT NULL)", name='ck_placement_end_reason'),
    sa.CheckConstraint("status IN ('planned', 'running', 'finished', 'ended_early')", name='ck_placement_status'),
    sa.CheckConstraint('ends_on > starts_on', name='ck_placement_dates'),
    sa.ForeignKeyConstraint(['company_id'], ['organization.id'], ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['school_id'], ['organization.id'], ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['student_id'], ['user.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['supervisor_id'], ['industry_supervisor.id'], ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['teacher_id'], ['user.id'], ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('placement', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_placement_company_id'), ['company_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_placement_school_id'), ['school_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_placement_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_placement_student_id'), ['student_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_placement_supervisor_id'), ['supervisor_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_placement_teacher_id'), ['teacher_id'], unique=False)
        batch_op.create_index('uq_placement_one_running', ['student_id'], unique=True, sqlite_where=sa.text("status = 'running'"), postgresql_where=sa.text("status = 'running'"))

    op.create_table('monitoring_visit',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('placement_id', sa.Integer(), nullable=False),
    sa.Column('teacher_id', sa.Integer(), nullable=True),
    sa.Column('visited_on', sa.Date(), nullable=False),
    sa.Column('notes', sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
    sa.Column('issues', sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
    sa.Column('created_at', eduplatform.sqltypes.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['placement_id'], ['placement.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['teacher_id'], ['user.id'], ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('monitoring_visit', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_monitoring_visit_placement_id'), ['placement_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_monitoring_visit_teacher_id'), ['teacher_id'], unique=False)

    op.create_table('placement_unit',
    sa.Column('placement_id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['placement_id'], ['placement.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('placement_id', 'unit_id')
    )
    with op.batch_alter_table('placement_unit', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_placement_unit_unit_id'), ['unit_id'], unique=False)

    op.create_table('supervisor_link',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('placement_id', sa.Integer(), nullable=False),
    sa.Column('supervisor_id', sa.Integer(), nullable=False),
    sa.Column('purpose', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('token_hash', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('created_at', eduplatform.sqltypes.UTCDateTime(timezone=True), nullable=False),
    sa.Column('expires_at', eduplatform.sqltypes.UTCDateTime(timezone=True), nullable=False),
    sa.Column('revoked_at', eduplatform.sqltypes.UTCDateTime(timezone=True), nullable=True),
    sa.Column('last_used_at', eduplatform.sqltypes.UTCDateTime(timezone=True), nullable=True),
    sa.Column('sent_to', sqlmodel.sql.sqltypes.AutoString(length=254), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('revoked_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint("purpose IN ('countersign', 'assessment')", name='ck_supervisor_link_purpose'),
    sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['placement_id'], ['placement.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['revoked_by_id'], ['user.id'], ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['supervisor_id'], ['industry_supervisor.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('token_hash')
    )
    with op.batch_alter_table('supervisor_link', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_supervisor_link_placement_id'), ['placement_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_supervisor_link_supervisor_id'), ['supervisor_id'], unique=False)

    op.create_table('journal_entry',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('placement_id', sa.Integer(), nullable=False),
    sa.Column('student_id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('arrived_at', sa.Time(), nullable=True),
    sa.Column('left_at', sa.Time(), nullable=True),
    sa.Column('activities', sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
    sa.Column('photo_name', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
    sa.Column('photo_mime_type', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=True),
    sa.Column('photo_size', sa.Integer(), nullable=True),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('supervisor_comment', sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=True),
    sa.Column('countersigned_at', eduplatform.sqltypes.UTCDateTime(timezone=True), nullable=True),
    sa.Column('countersigned_by_id', sa.Integer(), nullable=True),
    sa.Column('countersign_link_id', sa.Integer(), nullable=True),
    sa.Column('created_at', eduplatform.sqltypes.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', eduplatform.sqltypes.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint("kind <> 'present' OR (arrived_at IS NOT NULL AND left_at IS NOT NULL AND left_at > arrived_at)", name='ck_journal_entry_times'),
    sa.CheckConstraint("kind IN ('present', 'sick', 'permitted', 'absent')", name='ck_journal_entry_kind'),
    sa.CheckConstraint("status IN ('pending', 'approved', 'returned')", name='ck_journal_entry_status'),
    sa.ForeignKeyConstraint(['countersign_link_id'], ['supervisor_link.id'], ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['countersigned_by_id'], ['industry_supervisor.id'], ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['placement_id'], ['placement.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['student_id'], ['user.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('student_id', 'day', name='uq_journal_entry_student_day')
    )
    with op.batch_alter_table('journal_entry', schema=None) as batch_op:
        batch_op.create_index('ix_journal_entry_placement_day', ['placement_id', 'day'], unique=False)
        batch_op.create_index(batch_op.f('ix_journal_entry_status'), ['status'], unique=False)

    op.create_table('placement_assessment',
    sa.Column('placement_id', sa.Integer(), nullable=False),
    sa.Column('supervisor_id', sa.Integer(), nullable=True),
    sa.Column('link_id', sa.Integer(), nullable=True),
    sa.Column('discipline', sa.Integer(), nullable=False),
    sa.Column('safety', sa.Integer(), nullable=False),
    sa.Column('teamwork', sa.Integer(), nullable=False),
    sa.Column('initiative', sa.Integer(), nullable=False),
    sa.Column('communication', sa.Integer(), nullable=False),
    sa.Column('comment', sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
    sa.Column('submitted_at', eduplatform.sqltypes.UTCDateTime(timezone=True), nullable=False),
    sa.Column('school_grade', sa.Integer(), nullable=True),
    sa.Column('school_comment', sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=False),
    sa.Column('graded_by_id', sa.Integer(), nullable=True),
    sa.Column('graded_at', eduplatform.sqltypes.UTCDateTime(timezone=True), nullable=True),
    sa.Column('certificate_code', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=True),
    sa.CheckConstraint('communication BETWEEN 1 AND 4', name='ck_placement_assessment_communication'),
    sa.CheckConstraint('discipline BETWEEN 1 AND 4', name='ck_placement_assessment_discipline'),
    sa.CheckConstraint('initiative BETWEEN 1 AND 4', name='ck_placement_assessment_initiative'),
    sa.CheckConstraint('safety BETWEEN 1 AND 4', name='ck_placement_assessment_safety'),
    sa.CheckConstraint('school_grade IS NULL OR (school_grade >= 0 AND school_grade <= 100)', name='ck_placement_assessment_grade'),
    sa.CheckConstraint('teamwork BETWEEN 1 AND 4', name='ck_placement_assessment_teamwork'),
    sa.ForeignKeyConstraint(['graded_by_id'], ['user.id'], ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['link_id'], ['supervisor_link.id'], ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['placement_id'], ['placement.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['supervisor_id'], ['industry_supervisor.id'], ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('placement_id'),
    sa.UniqueConstraint('certificate_code')
    )
    op.create_table('assessment_unit',
    sa.Column('placement_id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('level', sa.Integer(), nullable=False),
    sa.CheckConstraint('level BETWEEN 1 AND 4', name='ck_assessment_unit_level'),
    sa.ForeignKeyConstraint(['placement_id'], ['placement_assessment.placement_id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('placement_id', 'unit_id')
    )
    with op.batch_alter_table('assessment_unit', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_assessment_unit_unit_id'), ['unit_id'], unique=False)

    op.create_table('journal_entry_unit',
    sa.Column('entry_id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['entry_id'], ['journal_entry.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('entry_id', 'unit_id')
    )
    with op.batch_alter_table('journal_entry_unit', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_journal_entry_unit_unit_id'), ['unit_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('journal_entry_unit', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_journal_entry_unit_unit_id'))

    op.drop_table('journal_entry_unit')
    with op.batch_alter_table('assessment_unit', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_assessment_unit_unit_id'))

    op.drop_table('assessment_unit')
    op.drop_table('placement_assessment')
    with op.batch_alter_table('journal_entry', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_journal_entry_status'))
        batch_op.drop_index('ix_journal_entry_placement_day')

    op.drop_table('journal_entry')
    with op.batch_alter_table('supervisor_link', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_supervisor_link_supervisor_id'))
        batch_op.drop_index(batch_op.f('ix_supervisor_link_placement_id'))

    op.drop_table('supervisor_link')
    with op.batch_alter_table('placement_unit', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_placement_unit_unit_id'))

    op.drop_table('placement_unit')
    with op.batch_alter_table('monitoring_visit', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_monitoring_visit_teacher_id'))
        batch_op.drop_index(batch_op.f('ix_monitoring_visit_placement_id'))

    op.drop_table('monitoring_visit')
    with op.batch_alter_table('placement', schema=None) as batch_op:
        batch_op.drop_index('uq_placement_one_running', sqlite_where=sa.text("status = 'running'"), postgresql_where=sa.text("status = 'running'"))
        batch_op.drop_index(batch_op.f('ix_placement_teacher_id'))
        batch_op.drop_index(batch_op.f('ix_placement_supervisor_id'))
        batch_op.drop_index(batch_op.f('ix_placement_student_id'))
        batch_op.drop_index(batch_op.f('ix_placement_status'))
        batch_op.drop_index(batch_op.f('ix_placement_school_id'))
        batch_op.drop_index(batch_op.f('ix_placement_company_id'))

    op.drop_table('placement')
    with op.batch_alter_table('industry_supervisor', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_industry_supervisor_company_id'))

    op.drop_table('industry_supervisor')
    with op.batch_alter_table('company', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_company_sector'))

    op.drop_table('company')
    # An industry partnership with a company keeps the company's name, as before companies.
    op.execute(
        "UPDATE partnership SET partner_name = (SELECT name FROM organization o "
        "WHERE o.id = partnership.partner_id), partner_id = NULL "
        "WHERE partner_id IN (SELECT id FROM organization WHERE kind = 'industry')"
    )
    op.execute("DELETE FROM organization WHERE kind = 'industry'")
    _organization_kinds(KINDS)
