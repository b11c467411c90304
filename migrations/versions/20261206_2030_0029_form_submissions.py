"""once: the keys of forms that act once (an API token, activation codes)

A reload of the page that showed a new API token made another one, and a reload of the page of
new activation codes issued others and voided the printed sheet: the browser sent the POST again.
Those forms now carry a key; its first submission is recorded here, and a second one is known.

Revision ID: 0029
Revises: 0028
Create Date: 2026-12-06 20:30:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import eduplatform.sqltypes

revision: str = '0029'
down_revision: str | Sequence[str] | None = '0028'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'form_submission',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('form_key', sa.String(length=32), nullable=False),
        sa.Column('created_at', eduplatform.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(['user_id'], ['user.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('user_id', 'form_key', name='uq_form_submission_key'),
    )


def downgrade() -> None:
    op.drop_table('form_submission')
