"""PostgreSQL privileges of the application role: a login role that owns nothing.

Row-level security does not bind a table's owner, so the server connects as a separate role.
It may read and append everywhere, but may not update or delete the append-only tables (value
versions, reviews, the audit log): PostgreSQL itself refuses a rewrite of history.
"""

from __future__ import annotations

import re

from sqlalchemy import Engine, text

APPEND_ONLY = (
    "value_versions",
    "reviews",
    "audit_log",
    "ledger_report_versions",
    "ledger_report_reviews",
    "ledger_attachments",
)
UPDATABLE = (
    "regions",
    "users",
    "user_scopes",
    "periods",
    "form_fields",
    "submissions",
    "audit_head",
    "api_tokens",
    "indicator_rules",
    "ledger_settings",
    "ledger_departments",
    "user_departments",
    "ledger_measures",
    "ledger_measure_scope",
    "ledger_milestones",
    "ledger_indicator_links",
    "ledger_reports",
)
DELETABLE = ("sessions", "login_failures", "user_scopes", "indicator_rules", "user_departments")
_ROLE = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


def grant_app_role(engine: Engine, role: str) -> None:
    """Grant ``role`` (an existing PostgreSQL role) what the platform server needs, no more."""
    if not _ROLE.match(role):
        raise ValueError(f"not a plain role name: {role!r}")
    tables = (*APPEND_ONLY, *UPDATABLE, *DELETABLE)
    with engine.begin() as conn:
        conn.execute(text(f"GRANT USAGE ON SCHEMA public TO {role}"))
        conn.execute(text(f"GRANT SELECT, INSERT ON {', '.join(sorted(set(tables)))} TO {role}"))
        conn.execute(text(f"GRANT UPDATE ON {', '.join(UPDATABLE)} TO {role}"))
        conn.execute(text(f"GRANT DELETE ON {', '.join(DELETABLE)} TO {role}"))
        conn.execute(text(f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {role}"))
        conn.execute(text(f"GRANT SELECT ON alembic_version TO {role}"))
