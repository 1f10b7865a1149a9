"""The audit chain's first link, and row-level security by region on PostgreSQL

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-29 21:20:00

Every regional table gets a policy: a row is visible (and writable) only when its region_code
starts with one of the prefixes the application sets in ``kaifang.scope`` for the transaction
(``*`` is everything). Policies bind roles that do not own the tables; the application connects
as such a role (see ``kaifang.platform.roles.grant_app_role``).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

GENESIS = "0" * 64
REGIONAL = ("submissions", "value_versions", "reviews")

VISIBLE = """
CREATE OR REPLACE FUNCTION kaifang_visible(code text) RETURNS boolean
LANGUAGE sql STABLE AS $$
  SELECT coalesce(current_setting('kaifang.scope', true), '') = '*'
      OR (code IS NOT NULL AND EXISTS (
            SELECT 1
            FROM unnest(string_to_array(coalesce(current_setting('kaifang.scope', true), ''), ','))
                 AS p(prefix)
            WHERE p.prefix <> '' AND starts_with(code, p.prefix)))
$$
"""


def upgrade() -> None:
    head = sa.table("audit_head", sa.column("id", sa.Integer), sa.column("last_hash", sa.String))
    op.bulk_insert(head, [{"id": 1, "last_hash": GENESIS}])
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(VISIBLE)
    for table in REGIONAL:
        op.execute(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY")
        op.execute(
            f"CREATE POLICY by_region ON {table} USING (kaifang_visible(region_code)) "
            "WITH CHECK (kaifang_visible(region_code))"
        )
    # the log is readable in scope (entries without a region by administrators only) and
    # anyone who acts may append to it
    op.execute("ALTER TABLE audit_log ENABLE ROW LEVEL SECURITY")
    op.execute(
        "CREATE POLICY read_in_scope ON audit_log FOR SELECT USING (kaifang_visible(region_code) "
        "OR (region_code IS NULL AND current_setting('kaifang.admin', true) = 'on'))"
    )
    op.execute("CREATE POLICY append ON audit_log FOR INSERT WITH CHECK (true)")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP POLICY IF EXISTS read_in_scope ON audit_log")
        op.execute("DROP POLICY IF EXISTS append ON audit_log")
        op.execute("ALTER TABLE audit_log DISABLE ROW LEVEL SECURITY")
        for table in REGIONAL:
            op.execute(f"DROP POLICY IF EXISTS by_region ON {table}")
            op.execute(f"ALTER TABLE {table} DISABLE ROW LEVEL SECURITY")
        op.execute("DROP FUNCTION IF EXISTS kaifang_visible(text)")
    op.execute("DELETE FROM audit_head")
