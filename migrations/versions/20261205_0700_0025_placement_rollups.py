"""dashboard: placement rollups (hours at the workplace, countersign delays, waiting entries)

Revision ID: 0025
Revises: 0022
Create Date: 2026-12-05 07:00:00
"""

from collections import Counter
from collections.abc import Sequence
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

import eduplatform.sqltypes

revision: str = "0025"
down_revision: str | Sequence[str] | None = "0022"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _updated():
    return sa.Column("updated_at", eduplatform.sqltypes.UTCDateTime(timezone=True), nullable=False)


def _key(name):
    return sa.Column(name, sa.Integer(), autoincrement=False, nullable=False)


def upgrade() -> None:
    op.create_table(
        "rollup_placement_hours",
        _key("school_id"),
        _key("company_id"),
        sa.Column("month", sqlmodel.sql.sqltypes.AutoString(length=7), nullable=False),
        sa.Column("minutes", sa.Integer(), nullable=False),
        _updated(),
        sa.PrimaryKeyConstraint("school_id", "company_id", "month"),
    )
    op.create_table(
        "rollup_countersign_delay",
        _key("school_id"),
        sa.Column("month", sqlmodel.sql.sqltypes.AutoString(length=7), nullable=False),
        _key("days"),
        sa.Column("entries", sa.Integer(), nullable=False),
        _updated(),
        sa.PrimaryKeyConstraint("school_id", "month", "days"),
    )
    op.create_table(
        "rollup_countersign_pending",
        _key("school_id"),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("entries", sa.Integer(), nullable=False),
        _updated(),
        sa.PrimaryKeyConstraint("school_id", "day"),
    )
    _backfill(op.get_bind())


ZONE = ZoneInfo("Asia/Jakarta")  # the reporting time zone's default (BABEL_DEFAULT_TIMEZONE)


def _aware(moment):
    if isinstance(moment, str):
        moment = datetime.fromisoformat(moment)
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment


def _backfill(connection):
    """The rows of the journal entries written before this revision (as `rollups rebuild`)."""
    rows = connection.execute(
        sa.text(
            "SELECT p.school_id, p.company_id, e.day, e.kind, e.arrived_at, e.left_at, "
            "e.status, e.updated_at, e.countersigned_at FROM journal_entry e "
            "JOIN placement p ON p.id = e.placement_id"
        )
    ).all()
    hours, delays, pending = Counter(), Counter(), Counter()
    for school, company, day, kind, arrived, left, status, updated, decided in rows:
        day = date.fromisoformat(day) if isinstance(day, str) else day
        written = _aware(updated).astimezone(ZONE)
        if status == "approved" and kind == "present" and arrived and left:
            arrived, left = (
                time.fromisoformat(t) if isinstance(t, str) else t for t in (arrived, left)
            )
            minutes = (left.hour * 60 + left.minute) - (arrived.hour * 60 + arrived.minute)
            hours[(school, company, day.strftime("%Y-%m"))] += minutes
        if status in ("approved", "returned") and decided is not None:
            decided = _aware(decided).astimezone(ZONE)
            days = (decided.date() - written.date()).days
            delays[(school, decided.strftime("%Y-%m"), days)] += 1
        if status == "pending":
            pending[(school, written.date())] += 1
    now = datetime.now(UTC)
    for table, keys, value, counter in (
        ("rollup_placement_hours", ("school_id", "company_id", "month"), "minutes", hours),
        ("rollup_countersign_delay", ("school_id", "month", "days"), "entries", delays),
        ("rollup_countersign_pending", ("school_id", "day"), "entries", pending),
    ):
        if counter:
            types = {"day": sa.Date(), "updated_at": eduplatform.sqltypes.UTCDateTime()}
            names = (*keys, value, "updated_at")
            target = sa.table(table, *(sa.column(n, types.get(n)) for n in names))
            connection.execute(
                target.insert(),
                [
                    {**dict(zip(keys, key, strict=True)), value: count, "updated_at": now}
                    for key, count in counter.items()
                ],
            )


def downgrade() -> None:
    op.drop_table("rollup_countersign_pending")
    op.drop_table("rollup_countersign_delay")
    op.drop_table("rollup_placement_hours")
