"""PostgreSQL's own enforcement, below the application: row-level security by region and
append-only history, for the non-owner role the server connects as."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
import sqlalchemy.exc
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from platform_support import seed_three_regions
from sqlalchemy import select, text
from starlette.requests import Request

from kaifang.platform import accounts
from kaifang.platform.instance import Platform
from kaifang.platform.models import User
from kaifang.platform.web.security import visit


@pytest.fixture(params=["postgresql"])
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def _rows(platform: Platform, scope: str, sql: str) -> list[tuple[object, ...]]:
    with platform.engine.connect() as conn:
        conn.execute(text("SELECT set_config('kaifang.scope', :s, false)"), {"s": scope})
        return [tuple(r) for r in conn.execute(text(sql))]


def test_policies_hide_rows_outside_the_scope(platform: Platform) -> None:
    seed_three_regions(platform)
    assert platform.engine.dialect.name == "postgresql"
    query = "SELECT region_code FROM submissions ORDER BY region_code"
    assert _rows(platform, "5201", query) == [("520100",)]
    assert _rows(platform, "5201,5203", query) == [("520100",), ("520300",)]
    assert _rows(platform, "", query) == []
    assert _rows(platform, "*", query) == [("520100",), ("520200",), ("520300",)]
    values = "SELECT DISTINCT region_code FROM value_versions"
    assert _rows(platform, "5202", values) == [("520200",)]
    audit = "SELECT DISTINCT region_code FROM audit_log WHERE region_code IS NOT NULL"
    assert _rows(platform, "5203", audit) == [("520300",)]
    # entries of no region (users, periods) only for administrators
    no_region = "SELECT count(*) FROM audit_log WHERE region_code IS NULL"
    assert _rows(platform, "52", no_region) == [(0,)]


def test_writes_outside_the_scope_are_refused(platform: Platform) -> None:
    seed_three_regions(platform)
    with pytest.raises(sqlalchemy.exc.ProgrammingError), platform.engine.begin() as conn:
        conn.execute(text("SELECT set_config('kaifang.scope', '5201', true)"))
        conn.execute(
            text(
                "INSERT INTO value_versions (submission_id, region_code, indicator, version, "
                "value, reason, created_at) VALUES (1, '520200', 'gdp', 9, 1, 'x', now())"
            )
        )
    with platform.engine.begin() as conn:
        conn.execute(text("SELECT set_config('kaifang.scope', '5201', true)"))
        changed = conn.execute(
            text("UPDATE submissions SET state = 'submitted' WHERE region_code = '520200'")
        )
        assert changed.rowcount == 0


@pytest.mark.parametrize("table", ["value_versions", "audit_log", "reviews"])
def test_history_cannot_be_rewritten_by_the_application_role(
    platform: Platform, table: str
) -> None:
    seed_three_regions(platform)
    for statement in (f"UPDATE {table} SET id = id", f"DELETE FROM {table}"):
        with (
            pytest.raises(sqlalchemy.exc.ProgrammingError, match="permission denied"),
            platform.engine.begin() as conn,
        ):
            conn.execute(text("SELECT set_config('kaifang.scope', '*', true)"))
            conn.execute(text(statement))


def _request(platform: Platform, headers: list[tuple[bytes, bytes]]) -> Request:
    app = SimpleNamespace(state=SimpleNamespace(platform=platform))
    return Request({"type": "http", "method": "GET", "path": "/", "headers": headers, "app": app})


def test_a_request_reads_in_its_users_scope(platform: Platform) -> None:
    """The request's transaction (the user lookup and the endpoint's reads in one) is bound to
    the user's scope below the application too, and to nothing without a user."""
    seed_three_regions(platform)
    with platform.tx() as s:
        filler = s.scalars(select(User).where(User.username == "filler_gy")).one()
        token = accounts.create_token(s, filler, "t", platform.secret)
    query = text("SELECT region_code FROM submissions ORDER BY region_code")
    bearer = [(b"authorization", f"Bearer {token}".encode())]
    with visit(_request(platform, bearer)) as (viewer, session):
        assert viewer is not None and viewer.actor.username == "filler_gy"
        assert session.execute(query).all() == [("520100",)]
    for headers in ([], [(b"authorization", b"Bearer kf_not_a_token")]):
        with visit(_request(platform, headers)) as (viewer, session):
            assert viewer is None
            assert session.execute(query).all() == []


_PREFIXES = st.lists(st.text(alphabet="0125", max_size=6), max_size=4)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    prefixes=_PREFIXES,
    codes=st.lists(st.none() | st.text(alphabet="0125", max_size=6), min_size=1, max_size=6),
)
def test_the_region_test_is_a_prefix_test(
    platform: Platform, prefixes: list[str], codes: list[str | None]
) -> None:
    """``kaifang_visible`` against the definition: ``*`` shows every row; otherwise a row is
    visible when its code starts with one of the scope's non-empty prefixes (none for NULL)."""
    scope = ",".join(prefixes)
    with platform.engine.connect() as conn:
        conn.execute(text("SELECT set_config('kaifang.scope', :s, false)"), {"s": scope})
        found = [
            conn.execute(text("SELECT kaifang_visible(:c)"), {"c": code}).scalar_one()
            for code in codes
        ]
    expected = [
        code is not None and any(p and code.startswith(p) for p in prefixes) for code in codes
    ]
    assert found == expected
    with platform.engine.connect() as conn:
        conn.execute(text("SELECT set_config('kaifang.scope', '*', false)"))
        assert all(
            conn.execute(text("SELECT kaifang_visible(:c)"), {"c": c}).scalar_one() for c in codes
        )


def test_the_region_test_is_inlined_into_the_policy(platform: Platform) -> None:
    """The policy's test is planned into the query as an expression (``^@ ANY``), not called as
    a function per row: PostgreSQL only inlines a SQL function without a subquery."""
    seed_three_regions(platform)
    with platform.engine.connect() as conn:
        conn.execute(text("SELECT set_config('kaifang.scope', '5201', false)"))
        plan = "\n".join(
            conn.execute(text("EXPLAIN (VERBOSE) SELECT * FROM value_versions")).scalars()
        )
    assert "^@ ANY" in plan and "kaifang_visible" not in plan
