"""curriculum: school-owned modules and adaptations of shared modules

A module with `school_id` belongs to that school alone; `adapted_from_id` names the shared
module it adapts and each of its versions the shared version it came from (`based_on_id`).
Modules a school's teacher created before (owner of kind school) become that school's own.

Revision ID: 0017
Revises: 0020
Create Date: 2026-12-05 02:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0017"
down_revision: str | Sequence[str] | None = "0020"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("module") as batch_op:
        batch_op.add_column(sa.Column("school_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("adapted_from_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            "fk_module_school_id_organization",
            "organization",
            ["school_id"],
            ["id"],
            ondelete="RESTRICT",
        )
        batch_op.create_foreign_key(
            "fk_module_adapted_from_id_module", "module", ["adapted_from_id"], ["id"]
        )
        batch_op.create_unique_constraint(
            "uq_module_adaptation_school", ["adapted_from_id", "school_id"]
        )
        batch_op.create_index("ix_module_school_id", ["school_id"])
        batch_op.create_index("ix_module_adapted_from_id", ["adapted_from_id"])
    with op.batch_alter_table("module_version") as batch_op:
        batch_op.add_column(sa.Column("based_on_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            "fk_module_version_based_on_id_module_version",
            "module_version",
            ["based_on_id"],
            ["id"],
        )
    op.execute(
        "UPDATE module SET school_id = owner_id WHERE owner_id IN "
        "(SELECT id FROM organization WHERE kind = 'school')"
    )


def downgrade() -> None:
    with op.batch_alter_table("module_version") as batch_op:
        batch_op.drop_constraint("fk_module_version_based_on_id_module_version", type_="foreignkey")
        batch_op.drop_column("based_on_id")
    with op.batch_alter_table("module") as batch_op:
        batch_op.drop_index("ix_module_adapted_from_id")
        batch_op.drop_index("ix_module_school_id")
        batch_op.drop_constraint("uq_module_adaptation_school", type_="unique")
        batch_op.drop_constraint("fk_module_adapted_from_id_module", type_="foreignkey")
        batch_op.drop_constraint("fk_module_school_id_organization", type_="foreignkey")
        batch_op.drop_column("adapted_from_id")
        batch_op.drop_column("school_id")
