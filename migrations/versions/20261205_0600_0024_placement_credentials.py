"""placements: the placement certificate's OB 3.0 credential (its own status lists), its
revocation by the office, and an API client's idempotency key per journal entry

Revision ID: 0024
Revises: 0025
Create Date: 2026-12-05 06:00:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

import eduplatform.sqltypes

revision: str = '0024'
down_revision: str | Sequence[str] | None = '0025'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('placement_assessment') as batch:
        batch.add_column(sa.Column('revoked_at', eduplatform.sqltypes.UTCDateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column('revoked_by_id', sa.Integer(), nullable=True))
        batch.add_column(sa.Column('revoke_reason', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True))
        batch.create_foreign_key('fk_placement_assessment_revoked_by_id_user', 'user', ['revoked_by_id'], ['id'], ondelete='SET NULL')
    with op.batch_alter_table('journal_entry') as batch:
        batch.add_column(sa.Column('idempotency_key', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True))
        batch.create_index('uq_journal_entry_idempotency_key', ['student_id', 'idempotency_key'], unique=True)
    op.create_table('placement_credential_status',
    sa.Column('placement_id', sa.Integer(), nullable=False),
    sa.Column('list_id', sa.Integer(), nullable=False),
    sa.Column('list_index', sa.Integer(), nullable=False),
    sa.CheckConstraint('list_id >= 1', name='ck_placement_credential_status_list'),
    sa.CheckConstraint('list_index >= 0 AND list_index < 131072', name='ck_placement_credential_status_index'),
    sa.ForeignKeyConstraint(['placement_id'], ['placement_assessment.placement_id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('placement_id'),
    sa.UniqueConstraint('list_id', 'list_index', name='uq_placement_credential_status_position')
    )


def downgrade() -> None:
    op.drop_table('placement_credential_status')
    with op.batch_alter_table('journal_entry') as batch:
        batch.drop_index('uq_journal_entry_idempotency_key')
        batch.drop_column('idempotency_key')
    with op.batch_alter_table('placement_assessment') as batch:
        batch.drop_constraint('fk_placement_assessment_revoked_by_id_user', type_='foreignkey')
        batch.drop_column('revoke_reason')
        batch.drop_column('revoked_by_id')
        batch.drop_column('revoked_at')
