"""per-indicator validation rules edited by the administrator

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-29 23:50:00

One table, ``indicator_rules``: an indicator's hard range, year-on-year threshold and whether
the five-year band applies, for every period (``period_id`` NULL) or for one period. It holds no
regional rows, so it needs no row-level policy; the application role may read, update and
delete it (``kaifang.platform.roles``).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "indicator_rules",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("period_id", sa.Integer(), nullable=True),
        sa.Column("indicator", sa.String(length=64), nullable=False),
        sa.Column("low", sa.Float(), nullable=True),
        sa.Column("high", sa.Float(), nullable=True),
        sa.Column("yoy_threshold", sa.Float(), nullable=True),
        sa.Column("history_band", sa.Boolean(), nullable=False),
        sa.Column("updated_by", sa.Integer(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "low IS NULL OR high IS NULL OR low <= high", name=op.f("ck_indicator_rules_range")
        ),
        sa.CheckConstraint(
            "yoy_threshold IS NULL OR yoy_threshold > 0",
            name=op.f("ck_indicator_rules_threshold"),
        ),
        sa.ForeignKeyConstraint(
            ["period_id"], ["periods.id"], name=op.f("fk_indicator_rules_period_id_periods")
        ),
        sa.ForeignKeyConstraint(
            ["updated_by"], ["users.id"], name=op.f("fk_indicator_rules_updated_by_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_indicator_rules")),
        sa.UniqueConstraint("period_id", "indicator", name=op.f("uq_indicator_rules_period_id")),
    )
    with op.batch_alter_table("indicator_rules", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_indicator_rules_period_id"), ["period_id"], unique=False
        )
        batch_op.create_index(
            "uq_indicator_rules_global",
            ["indicator"],
            unique=True,
            sqlite_where=sa.text("period_id IS NULL"),
            postgresql_where=sa.text("period_id IS NULL"),
        )


def downgrade() -> None:
    with op.batch_alter_table("indicator_rules", schema=None) as batch_op:
        batch_op.drop_index("uq_indicator_rules_global")
        batch_op.drop_index(batch_op.f("ix_indicator_rules_period_id"))
    op.drop_table("indicator_rules")
