"""city-wide partnerships with member schools; activity times in a time zone, member school

Revision ID: 0015
Revises: 0016
Create Date: 2026-12-04 12:00:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

import eduplatform.sqltypes

revision: str = '0015'
down_revision: str | Sequence[str] | None = '0016'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TIME_ZONES = "'Asia/Jakarta', 'Asia/Makassar', 'Asia/Jayapura', 'Asia/Shanghai'"


def upgrade() -> None:
    op.create_table('partnership_school',
    sa.Column('partnership_id', sa.Integer(), nullable=False),
    sa.Column('school_id', sa.Integer(), nullable=False),
    sa.Column('created_at', eduplatform.sqltypes.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['partnership_id'], ['partnership.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['school_id'], ['organization.id'], ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('partnership_id', 'school_id')
    )
    op.create_index('ix_partnership_school_school_id', 'partnership_school', ['school_id'])
    with op.batch_alter_table('exchange_activity') as batch:
        batch.add_column(sa.Column('start_time', sa.Time(), nullable=True))
        batch.add_column(sa.Column('end_time', sa.Time(), nullable=True))
        batch.add_column(sa.Column(
            'timezone', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False, server_default='Asia/Jakarta'
        ))
        batch.add_column(sa.Column('school_id', sa.Integer(), nullable=True))
        batch.create_foreign_key(
            'fk_exchange_activity_school_id_organization', 'organization', ['school_id'], ['id'],
            ondelete='RESTRICT',
        )
        batch.create_index('ix_exchange_activity_school_id', ['school_id'])
        batch.create_check_constraint(
            'ck_exchange_activity_times', '(start_time IS NULL) = (end_time IS NULL)'
        )
        batch.create_check_constraint(
            'ck_exchange_activity_timezone', f'timezone IN ({TIME_ZONES})'
        )
    with op.batch_alter_table('exchange_activity') as batch:
        batch.alter_column('timezone', server_default=None)


def downgrade() -> None:
    with op.batch_alter_table('exchange_activity') as batch:
        batch.drop_constraint('ck_exchange_activity_timezone', type_='check')
        batch.drop_constraint('ck_exchange_activity_times', type_='check')
        batch.drop_index('ix_exchange_activity_school_id')
        batch.drop_constraint('fk_exchange_activity_school_id_organization', type_='foreignkey')
        batch.drop_column('school_id')
        batch.drop_column('timezone')
        batch.drop_column('end_time')
        batch.drop_column('start_time')
    op.drop_index('ix_partnership_school_school_id', table_name='partnership_school')
    op.drop_table('partnership_school')
