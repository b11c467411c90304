"""quality: endorsement credentials carry a Bitstring Status List entry

Each granting of an endorsement gets a random position in the endorsements' own status lists;
withdrawing it sets the bit. Every endorsement active now gets its position (list 1), so every
download of its credential from now on carries the entry. (Copies downloaded before this
migration carry none and cannot be revoked; a withdrawn endorsement was already no longer served.)

Revision ID: 0023
Revises: 0024
Create Date: 2026-12-05 07:00:00
"""
import secrets
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import eduplatform.sqltypes

revision: str = '0023'
down_revision: str | Sequence[str] | None = '0024'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

LIST_SIZE = 131072


def upgrade() -> None:
    op.create_table('quality_endorsement_status',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('endorsement_id', sa.Integer(), nullable=False),
    sa.Column('list_id', sa.Integer(), nullable=False),
    sa.Column('list_index', sa.Integer(), nullable=False),
    sa.Column('endorsed_at', eduplatform.sqltypes.UTCDateTime(timezone=True), nullable=False),
    sa.Column('withdrawn_at', eduplatform.sqltypes.UTCDateTime(timezone=True), nullable=True),
    sa.CheckConstraint('list_index >= 0 AND list_index < 131072', name='ck_quality_endorsement_status_index'),
    sa.CheckConstraint('list_id >= 1', name='ck_quality_endorsement_status_list'),
    sa.ForeignKeyConstraint(['endorsement_id'], ['quality_endorsement.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('list_id', 'list_index', name='uq_quality_endorsement_status_position')
    )
    op.create_index(op.f('ix_quality_endorsement_status_endorsement_id'),
                    'quality_endorsement_status', ['endorsement_id'], unique=False)
    op.create_index('uq_quality_endorsement_status_open', 'quality_endorsement_status',
                    ['endorsement_id'], unique=True,
                    sqlite_where=sa.text('withdrawn_at IS NULL'),
                    postgresql_where=sa.text('withdrawn_at IS NULL'))
    connection = op.get_bind()
    active = connection.execute(sa.text(
        'SELECT id, endorsed_at FROM quality_endorsement WHERE withdrawn_at IS NULL ORDER BY id'
    )).all()
    positions = set()
    rows = []
    for endorsement_id, endorsed_at in active:
        index = secrets.randbelow(LIST_SIZE)
        while index in positions:
            index = secrets.randbelow(LIST_SIZE)
        positions.add(index)
        rows.append({'endorsement_id': endorsement_id, 'list_index': index,
                     'endorsed_at': endorsed_at})
    if rows:
        connection.execute(
            sa.text('INSERT INTO quality_endorsement_status '
                    '(endorsement_id, list_id, list_index, endorsed_at) '
                    'VALUES (:endorsement_id, 1, :list_index, :endorsed_at)'),
            rows,
        )


def downgrade() -> None:
    op.drop_index('uq_quality_endorsement_status_open', table_name='quality_endorsement_status')
    op.drop_index(op.f('ix_quality_endorsement_status_endorsement_id'),
                  table_name='quality_endorsement_status')
    op.drop_table('quality_endorsement_status')
