"""Row-level security's region test as one inlinable expression

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-30 08:45:00

``kaifang_visible(code)`` decides, for every row a policy checks, whether its region is in the
scope the application set for the transaction (``kaifang.scope``: ``*`` or a comma-separated
list of code prefixes). Its first body tested the prefixes in an ``EXISTS`` over ``unnest``:
PostgreSQL does not inline a SQL function whose body holds a subquery, so it ran as a separate
function call per row (about 250,000 calls in a few thousand requests of the platform's
benchmark, and most of the database's time for the reads of value histories). The same test
written as one expression (``code ^@ ANY (prefixes)``) is inlined into the policy and the
query. Same results: a NULL code is never visible in a regional scope; empty prefixes (an empty
scope, a trailing comma) match nothing.
"""

from __future__ import annotations

from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

INLINE = """
CREATE OR REPLACE FUNCTION kaifang_visible(code text) RETURNS boolean
LANGUAGE sql STABLE AS $$
  SELECT coalesce(current_setting('kaifang.scope', true), '') = '*'
      OR (code IS NOT NULL
          AND code ^@ ANY (array_remove(
                string_to_array(coalesce(current_setting('kaifang.scope', true), ''), ','), '')))
$$
"""

# the first body (revision 0002), restored by a downgrade
SUBQUERY = """
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
    if op.get_bind().dialect.name == "postgresql":
        op.execute(INLINE)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(SUBQUERY)
