"""credentials: random subject ids, Bitstring Status List entries, no NISN-derived identity

Re-issues every existing certificate's credential: each student who holds a certificate gets a
random urn:uuid subject id, each certificate a random position in status list 1, and the salt
of the old NISN hash is dropped. Credentials are built at download from these rows, so every
download after this migration is the new form.

Revision ID: 0014
Revises: 0011
Create Date: 2026-12-04 23:00:00
"""
import secrets
import uuid
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

import eduplatform.sqltypes

revision: str = '0014'
down_revision: str | Sequence[str] | None = '0011'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

LIST_SIZE = 131072


def upgrade() -> None:
    # First: on SQLite the batch rebuild drops and re-creates `certificate`, which would cascade
    # to rows that reference it.
    with op.batch_alter_table('certificate') as batch:
        batch.drop_column('identity_salt')
    op.create_table('credential_holder',
    sa.Column('student_id', sa.Integer(), nullable=False),
    sa.Column('subject_id', sqlmodel.sql.sqltypes.AutoString(length=45), nullable=False),
    sa.Column('created_at', eduplatform.sqltypes.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['student_id'], ['user.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('student_id'),
    sa.UniqueConstraint('subject_id')
    )
    op.create_table('credential_status',
    sa.Column('certificate_id', sa.Integer(), nullable=False),
    sa.Column('list_id', sa.Integer(), nullable=False),
    sa.Column('list_index', sa.Integer(), nullable=False),
    sa.CheckConstraint('list_index >= 0 AND list_index < 131072', name='ck_credential_status_index'),
    sa.CheckConstraint('list_id >= 1', name='ck_credential_status_list'),
    sa.ForeignKeyConstraint(['certificate_id'], ['certificate.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('certificate_id'),
    sa.UniqueConstraint('list_id', 'list_index', name='uq_credential_status_position')
    )
    connection = op.get_bind()
    certificates = connection.execute(sa.text('SELECT id, student_id FROM certificate')).all()
    holders = sorted({student_id for _id, student_id in certificates})
    if holders:
        connection.execute(
            sa.text('INSERT INTO credential_holder (student_id, subject_id, created_at) '
                    'VALUES (:student_id, :subject_id, CURRENT_TIMESTAMP)'),
            [{'student_id': s, 'subject_id': f'urn:uuid:{uuid.uuid4()}'} for s in holders],
        )
    positions = set()
    rows = []
    for certificate_id, _student in certificates:
        index = secrets.randbelow(LIST_SIZE)
        while index in positions:
            index = secrets.randbelow(LIST_SIZE)
        positions.add(index)
        rows.append({'certificate_id': certificate_id, 'list_index': index})
    if rows:
        connection.execute(
            sa.text('INSERT INTO credential_status (certificate_id, list_id, list_index) '
                    'VALUES (:certificate_id, 1, :list_index)'),
            rows,
        )


def downgrade() -> None:
    op.drop_table('credential_status')
    op.drop_table('credential_holder')
    with op.batch_alter_table('certificate') as batch:
        batch.add_column(sa.Column('identity_salt', sqlmodel.sql.sqltypes.AutoString(length=32),
                                   nullable=False, server_default=''))
    connection = op.get_bind()
    for (certificate_id,) in connection.execute(sa.text('SELECT id FROM certificate')).all():
        connection.execute(sa.text('UPDATE certificate SET identity_salt = :salt WHERE id = :id'),
                           {'salt': secrets.token_hex(16), 'id': certificate_id})
    with op.batch_alter_table('certificate') as batch:
        batch.alter_column('identity_salt', server_default=None)
