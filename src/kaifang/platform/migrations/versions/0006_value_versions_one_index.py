"""value_versions: one index on (submission_id, indicator, version), not two

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-30 09:05:00

The unique constraint on (submission_id, indicator, version) is an index on those columns in
that order already; ``ix_value_versions_current`` repeated it, and every value a save wrote was
entered into both (a save writes 60 rows at once, and the two indexes' last pages are where
concurrent saves meet). The reads of current values use the constraint's index as they used the
other one.
"""

from __future__ import annotations

from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("value_versions", schema=None) as batch_op:
        batch_op.drop_index("ix_value_versions_current")


def downgrade() -> None:
    with op.batch_alter_table("value_versions", schema=None) as batch_op:
        batch_op.create_index(
            "ix_value_versions_current", ["submission_id", "indicator", "version"], unique=False
        )
