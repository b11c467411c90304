"""notifications: a teacher hears that a reviewer disagreed with a decision (an action to
answer), and the reviewer hears that the teacher answered it

Both learned of it only by opening the quality pages: the action's 14 days could pass unseen.

Revision ID: 0030
Revises: 0029
Create Date: 2026-12-07 00:00:00
"""
from collections.abc import Sequence

from alembic import op

revision: str = '0030'
down_revision: str | Sequence[str] | None = '0029'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

KINDS = (
    "'completion_verified', 'completion_rejected', 'certificate_issued', 'reviews_waiting', "
    "'completion_disputed', 'dispute_reviewed'"
)
ACTION_KINDS = ", 'quality_action_opened', 'quality_action_answered'"


def _notification_kinds(kinds):
    with op.batch_alter_table('notification') as batch:
        batch.drop_constraint('ck_notification_kind', type_='check')
        batch.create_check_constraint('ck_notification_kind', f'kind IN ({kinds})')


def upgrade() -> None:
    _notification_kinds(KINDS + ACTION_KINDS)


def downgrade() -> None:
    op.execute(
        "DELETE FROM notification "
        "WHERE kind IN ('quality_action_opened', 'quality_action_answered')"
    )
    _notification_kinds(KINDS)
