"""PostgreSQL's own enforcement of the ledger's scope, below the application: row-level
security by the measures' regions, and append-only report history for the server's role."""

from __future__ import annotations

import pytest
import sqlalchemy.exc
from ledger_support import GUIYANG_TASK, PROVINCE_TASK, SHARED_TASK, import_guizhou
from platform_support import actor
from sqlalchemy import text

from kaifang.platform.instance import Platform
from kaifang.platform.ledger import reports
from kaifang.platform.ledger.reports import ReportContent


@pytest.fixture(params=["postgresql"])
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def _rows(platform: Platform, scope: str, sql: str) -> list[tuple[object, ...]]:
    with platform.engine.connect() as conn:
        conn.execute(text("SELECT set_config('kaifang.scope', :s, false)"), {"s": scope})
        return [tuple(r) for r in conn.execute(text(sql))]


def _seed(platform: Platform) -> None:
    import_guizhou(platform)
    admin = actor(platform, "admin")
    with platform.tx(admin) as session:
        for task in (GUIYANG_TASK, PROVINCE_TASK):
            reports.save_report(session, admin, task, "2025Q1", ReportContent("on_track", 5))


def test_policies_hide_measures_outside_the_scope(platform: Platform) -> None:
    _seed(platform)
    assert platform.engine.dialect.name == "postgresql"
    measures = "SELECT id FROM ledger_measures ORDER BY position"
    guiyang = {m for (m,) in _rows(platform, "5201", measures)}
    assert GUIYANG_TASK in guiyang and SHARED_TASK in guiyang and PROVINCE_TASK not in guiyang
    assert _rows(platform, "5202", measures) == []
    assert _rows(platform, "", measures) == []
    assert len(_rows(platform, "*", measures)) == 20
    assert len(_rows(platform, "52", measures)) == 20
    for table in ("ledger_milestones", "ledger_indicator_links", "ledger_report_versions"):
        seen = {m for (m,) in _rows(platform, "5201", f"SELECT DISTINCT measure_id FROM {table}")}
        assert seen and seen <= guiyang, table
    reports_sql = "SELECT measure_id FROM ledger_reports WHERE period = '2025Q1'"
    assert _rows(platform, "5201", reports_sql) == [(GUIYANG_TASK,)]
    # the scope rows outside the scope are hidden too, the measure row keeps them all
    scope_sql = f"SELECT region_code FROM ledger_measure_scope WHERE measure_id = '{SHARED_TASK}'"
    assert _rows(platform, "5201", scope_sql) == [("520100",)]


def test_writes_outside_the_scope_are_refused(platform: Platform) -> None:
    _seed(platform)
    with platform.engine.begin() as conn:
        conn.execute(text("SELECT set_config('kaifang.scope', '5201', true)"))
        changed = conn.execute(
            text(
                f"UPDATE ledger_reports SET state = 'approved' WHERE measure_id = '{PROVINCE_TASK}'"
            )
        )
        assert changed.rowcount == 0
    insert = (
        "INSERT INTO ledger_report_versions (report_id, measure_id, version, status, percent, "
        "reason, created_at) SELECT id, measure_id, 99, 'done', 100, 'x', now() "
        "FROM ledger_reports WHERE measure_id = :m AND period = '2025Q1'"
    )
    with platform.engine.connect() as conn, conn.begin() as tx:
        conn.execute(text("SELECT set_config('kaifang.scope', '*', true)"))
        conn.execute(text(insert), {"m": GUIYANG_TASK})  # in scope: allowed
        tx.rollback()
    with (
        pytest.raises(sqlalchemy.exc.ProgrammingError, match="row-level security"),
        platform.engine.begin() as conn,
    ):
        # the report row is read with the whole scope, then written with Guiyang's
        conn.execute(text("SELECT set_config('kaifang.scope', '*', true)"))
        report_id = conn.execute(
            text("SELECT id FROM ledger_reports WHERE measure_id = :m AND period = '2025Q1'"),
            {"m": PROVINCE_TASK},
        ).scalar_one()
        conn.execute(text("SELECT set_config('kaifang.scope', '5201', true)"))
        conn.execute(
            text(
                "INSERT INTO ledger_report_versions (report_id, measure_id, version, status, "
                "percent, reason, created_at) VALUES (:r, :m, 99, 'done', 100, 'x', now())"
            ),
            {"r": report_id, "m": PROVINCE_TASK},
        )


@pytest.mark.parametrize(
    "table", ["ledger_report_versions", "ledger_report_reviews", "ledger_attachments"]
)
def test_report_history_cannot_be_rewritten(platform: Platform, table: str) -> None:
    _seed(platform)
    for statement in (f"UPDATE {table} SET id = id", f"DELETE FROM {table}"):
        with (
            pytest.raises(sqlalchemy.exc.ProgrammingError, match="permission denied"),
            platform.engine.begin() as conn,
        ):
            conn.execute(text("SELECT set_config('kaifang.scope', '*', true)"))
            conn.execute(text(statement))
