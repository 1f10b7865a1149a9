"""The measures ledger: departments, measures, milestones, indicator links, progress reports
(versioned), their reviews and attachments; row-level security for them on PostgreSQL

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-29 23:36:06

A measure is visible when one of its effective regions (rows of ``ledger_measure_scope``) is in
the scope the application sets for the transaction; every table of a measure's rows is bound by
the same rule through ``kaifang_measure_visible(measure_id)``. Departments, settings and users'
departments are not regional.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


# tables whose rows belong to a measure
BY_MEASURE = {
    "ledger_milestones": "measure_id",
    "ledger_indicator_links": "measure_id",
    "ledger_reports": "measure_id",
    "ledger_report_versions": "measure_id",
    "ledger_report_reviews": "measure_id",
    "ledger_attachments": "measure_id",
}

# SECURITY INVOKER (the default): the lookup is itself bound by the scope table's policy
MEASURE_VISIBLE = """
CREATE OR REPLACE FUNCTION kaifang_measure_visible(measure text) RETURNS boolean
LANGUAGE sql STABLE AS $$
  SELECT EXISTS (SELECT 1 FROM ledger_measure_scope s
                 WHERE s.measure_id = measure AND kaifang_visible(s.region_code))
$$
"""


def _row_security() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("ALTER TABLE ledger_measure_scope ENABLE ROW LEVEL SECURITY")
    op.execute(
        "CREATE POLICY by_region ON ledger_measure_scope USING (kaifang_visible(region_code)) "
        "WITH CHECK (kaifang_visible(region_code))"
    )
    op.execute(MEASURE_VISIBLE)
    # a new measure has no scope rows yet: it is checked by its home region (an effective
    # region); once its scope rows exist, it is read and changed through them
    op.execute("ALTER TABLE ledger_measures ENABLE ROW LEVEL SECURITY")
    op.execute(
        "CREATE POLICY by_measure ON ledger_measures FOR SELECT USING (kaifang_measure_visible(id))"
    )
    op.execute(
        "CREATE POLICY change_in_scope ON ledger_measures FOR UPDATE "
        "USING (kaifang_measure_visible(id)) WITH CHECK (kaifang_measure_visible(id))"
    )
    op.execute(
        "CREATE POLICY create_in_scope ON ledger_measures FOR INSERT "
        "WITH CHECK (kaifang_visible(home_region))"
    )
    for table, column in BY_MEASURE.items():
        op.execute(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY")
        op.execute(
            f"CREATE POLICY by_measure ON {table} USING (kaifang_measure_visible({column})) "
            f"WITH CHECK (kaifang_measure_visible({column}))"
        )


def upgrade() -> None:
    op.create_table(
        "ledger_departments",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("name_zh", sa.Text(), nullable=False),
        sa.Column("name_en", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ledger_departments")),
    )
    op.create_table(
        "ledger_settings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title_zh", sa.Text(), nullable=False),
        sa.Column("title_en", sa.Text(), nullable=False),
        sa.Column("assessment", sa.Text(), nullable=True),
        sa.Column("simulated_progress", sa.Boolean(), nullable=False),
        sa.Column("as_of", sa.Date(), nullable=True),
        sa.Column("frequency", sa.String(length=20), nullable=False),
        sa.Column("due_days", sa.Integer(), nullable=False),
        sa.Column("remind_days", sa.Integer(), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "frequency IN ('monthly', 'quarterly', 'half_yearly', 'yearly')",
            name=op.f("ck_ledger_settings_frequency"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ledger_settings")),
    )
    op.create_table(
        "ledger_measures",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("parent_id", sa.String(length=64), nullable=True),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("name_zh", sa.Text(), nullable=False),
        sa.Column("name_en", sa.Text(), nullable=False),
        sa.Column("lead_id", sa.String(length=64), nullable=False),
        sa.Column("cooperating", sa.JSON(), nullable=False),
        sa.Column("regions", sa.JSON(), nullable=False),
        sa.Column("effective_regions", sa.JSON(), nullable=False),
        sa.Column("home_region", sa.String(length=12), nullable=False),
        sa.Column("start", sa.Date(), nullable=False),
        sa.Column("deadline", sa.Date(), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("deadline >= start", name=op.f("ck_ledger_measures_span")),
        sa.ForeignKeyConstraint(
            ["lead_id"],
            ["ledger_departments.id"],
            name=op.f("fk_ledger_measures_lead_id_ledger_departments"),
        ),
        sa.ForeignKeyConstraint(
            ["parent_id"],
            ["ledger_measures.id"],
            name=op.f("fk_ledger_measures_parent_id_ledger_measures"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ledger_measures")),
    )
    with op.batch_alter_table("ledger_measures", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_ledger_measures_lead_id"), ["lead_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_ledger_measures_parent_id"), ["parent_id"], unique=False
        )

    op.create_table(
        "user_departments",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("department_id", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["department_id"],
            ["ledger_departments.id"],
            name=op.f("fk_user_departments_department_id_ledger_departments"),
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_user_departments_user_id_users")
        ),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_user_departments")),
    )
    with op.batch_alter_table("user_departments", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_user_departments_department_id"), ["department_id"], unique=False
        )

    op.create_table(
        "ledger_indicator_links",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("measure_id", sa.String(length=64), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("indicator", sa.String(length=64), nullable=False),
        sa.Column("target_id", sa.String(length=64), nullable=True),
        sa.Column("own_target", sa.JSON(), nullable=True),
        sa.ForeignKeyConstraint(
            ["measure_id"],
            ["ledger_measures.id"],
            name=op.f("fk_ledger_indicator_links_measure_id_ledger_measures"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ledger_indicator_links")),
    )
    with op.batch_alter_table("ledger_indicator_links", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_ledger_indicator_links_measure_id"), ["measure_id"], unique=False
        )

    op.create_table(
        "ledger_measure_scope",
        sa.Column("measure_id", sa.String(length=64), nullable=False),
        sa.Column("region_code", sa.String(length=12), nullable=False),
        sa.ForeignKeyConstraint(
            ["measure_id"],
            ["ledger_measures.id"],
            name=op.f("fk_ledger_measure_scope_measure_id_ledger_measures"),
        ),
        sa.PrimaryKeyConstraint("measure_id", "region_code", name=op.f("pk_ledger_measure_scope")),
    )
    with op.batch_alter_table("ledger_measure_scope", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_ledger_measure_scope_region_code"), ["region_code"], unique=False
        )

    op.create_table(
        "ledger_milestones",
        sa.Column("measure_id", sa.String(length=64), nullable=False),
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("name_zh", sa.Text(), nullable=False),
        sa.Column("name_en", sa.Text(), nullable=False),
        sa.Column("due", sa.Date(), nullable=False),
        sa.Column("done", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(
            ["measure_id"],
            ["ledger_measures.id"],
            name=op.f("fk_ledger_milestones_measure_id_ledger_measures"),
        ),
        sa.PrimaryKeyConstraint("measure_id", "id", name=op.f("pk_ledger_milestones")),
    )
    op.create_table(
        "ledger_reports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("measure_id", sa.String(length=64), nullable=False),
        sa.Column("period", sa.String(length=10), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("returned_comment", sa.Text(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "state IN ('draft', 'submitted', 'returned', 'approved')",
            name=op.f("ck_ledger_reports_state"),
        ),
        sa.ForeignKeyConstraint(
            ["measure_id"],
            ["ledger_measures.id"],
            name=op.f("fk_ledger_reports_measure_id_ledger_measures"),
        ),
        sa.ForeignKeyConstraint(
            ["updated_by"], ["users.id"], name=op.f("fk_ledger_reports_updated_by_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ledger_reports")),
        sa.UniqueConstraint("measure_id", "period", name=op.f("uq_ledger_reports_measure_id")),
    )
    with op.batch_alter_table("ledger_reports", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_ledger_reports_measure_id"), ["measure_id"], unique=False
        )

    op.create_table(
        "ledger_attachments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("report_id", sa.Integer(), nullable=False),
        sa.Column("measure_id", sa.String(length=64), nullable=False),
        sa.Column("filename", sa.String(length=200), nullable=False),
        sa.Column("content_type", sa.String(length=100), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("uploaded_by", sa.Integer(), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["report_id"],
            ["ledger_reports.id"],
            name=op.f("fk_ledger_attachments_report_id_ledger_reports"),
        ),
        sa.ForeignKeyConstraint(
            ["uploaded_by"], ["users.id"], name=op.f("fk_ledger_attachments_uploaded_by_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ledger_attachments")),
    )
    with op.batch_alter_table("ledger_attachments", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_ledger_attachments_measure_id"), ["measure_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_ledger_attachments_report_id"), ["report_id"], unique=False
        )

    op.create_table(
        "ledger_report_reviews",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("report_id", sa.Integer(), nullable=False),
        sa.Column("measure_id", sa.String(length=64), nullable=False),
        sa.Column("action", sa.String(length=20), nullable=False),
        sa.Column("from_state", sa.String(length=20), nullable=False),
        sa.Column("to_state", sa.String(length=20), nullable=False),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["actor_id"], ["users.id"], name=op.f("fk_ledger_report_reviews_actor_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["report_id"],
            ["ledger_reports.id"],
            name=op.f("fk_ledger_report_reviews_report_id_ledger_reports"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ledger_report_reviews")),
    )
    with op.batch_alter_table("ledger_report_reviews", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_ledger_report_reviews_measure_id"), ["measure_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_ledger_report_reviews_report_id"), ["report_id"], unique=False
        )

    op.create_table(
        "ledger_report_versions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("report_id", sa.Integer(), nullable=False),
        sa.Column("measure_id", sa.String(length=64), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("percent", sa.Float(), nullable=False),
        sa.Column("narrative_zh", sa.Text(), nullable=True),
        sa.Column("narrative_en", sa.Text(), nullable=True),
        sa.Column("submitted", sa.Date(), nullable=True),
        sa.Column("reason", sa.String(length=40), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "status IN ('not_started', 'on_track', 'at_risk', 'delayed', 'done')",
            name=op.f("ck_ledger_report_versions_status"),
        ),
        sa.CheckConstraint(
            "percent >= 0 AND percent <= 100", name=op.f("ck_ledger_report_versions_percent")
        ),
        sa.ForeignKeyConstraint(
            ["author_id"], ["users.id"], name=op.f("fk_ledger_report_versions_author_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["report_id"],
            ["ledger_reports.id"],
            name=op.f("fk_ledger_report_versions_report_id_ledger_reports"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ledger_report_versions")),
        sa.UniqueConstraint(
            "report_id", "version", name=op.f("uq_ledger_report_versions_report_id")
        ),
    )
    with op.batch_alter_table("ledger_report_versions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_ledger_report_versions_measure_id"), ["measure_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_ledger_report_versions_report_id"), ["report_id"], unique=False
        )
    _row_security()


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for table in BY_MEASURE:
            op.execute(f"DROP POLICY IF EXISTS by_measure ON {table}")
        for policy in ("by_measure", "change_in_scope", "create_in_scope"):
            op.execute(f"DROP POLICY IF EXISTS {policy} ON ledger_measures")
        op.execute("DROP POLICY IF EXISTS by_region ON ledger_measure_scope")
        op.execute("DROP FUNCTION IF EXISTS kaifang_measure_visible(text)")
    with op.batch_alter_table("ledger_report_versions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_ledger_report_versions_report_id"))
        batch_op.drop_index(batch_op.f("ix_ledger_report_versions_measure_id"))

    op.drop_table("ledger_report_versions")
    with op.batch_alter_table("ledger_report_reviews", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_ledger_report_reviews_report_id"))
        batch_op.drop_index(batch_op.f("ix_ledger_report_reviews_measure_id"))

    op.drop_table("ledger_report_reviews")
    with op.batch_alter_table("ledger_attachments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_ledger_attachments_report_id"))
        batch_op.drop_index(batch_op.f("ix_ledger_attachments_measure_id"))

    op.drop_table("ledger_attachments")
    with op.batch_alter_table("ledger_reports", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_ledger_reports_measure_id"))

    op.drop_table("ledger_reports")
    op.drop_table("ledger_milestones")
    with op.batch_alter_table("ledger_measure_scope", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_ledger_measure_scope_region_code"))

    op.drop_table("ledger_measure_scope")
    with op.batch_alter_table("ledger_indicator_links", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_ledger_indicator_links_measure_id"))

    op.drop_table("ledger_indicator_links")
    with op.batch_alter_table("user_departments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_user_departments_department_id"))

    op.drop_table("user_departments")
    with op.batch_alter_table("ledger_measures", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_ledger_measures_parent_id"))
        batch_op.drop_index(batch_op.f("ix_ledger_measures_lead_id"))

    op.drop_table("ledger_measures")
    op.drop_table("ledger_settings")
    op.drop_table("ledger_departments")
