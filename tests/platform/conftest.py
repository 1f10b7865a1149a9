"""Fixtures of the platform tests: every workflow test runs on SQLite (a real file) and on a real
PostgreSQL server.

PostgreSQL comes from the environment (PGHOST, PGPORT, PGUSER, PGPASSWORD) that
``scripts/test.sh`` sets by running pytest under Debian's ``pg_virtualenv``. Without it these tests
FAIL with a message saying so; they never skip. Each test gets a new database, migrated by the
superuser (the owner); the platform then connects as a login role that owns nothing, so that
row-level security binds it.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from platform_support import (
    APP_PASSWORD,
    APP_ROLE,
    BACKENDS,
    admin_conn,
    drop_pg_database,
    make_platform,
)

from kaifang.platform import accounts
from kaifang.platform.instance import Platform


@pytest.fixture(scope="session")
def app_role() -> str:
    """A login role without ownership of anything (created once per server)."""
    with admin_conn() as conn:
        exists = conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (APP_ROLE,)).fetchone()
        if not exists:
            conn.execute(
                f"CREATE ROLE {APP_ROLE} LOGIN NOSUPERUSER NOBYPASSRLS PASSWORD '{APP_PASSWORD}'"
            )
    return APP_ROLE


@pytest.fixture(autouse=True)
def cheap_argon2(monkeypatch: pytest.MonkeyPatch) -> None:
    """Argon2id with small costs: the tests hash dozens of passwords on a shared machine.
    (test_accounts checks the real parameters.)"""
    monkeypatch.setattr(
        accounts, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    )


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def platform(tmp_path: Path, backend: str, request: pytest.FixtureRequest) -> Iterator[Platform]:
    role = request.getfixturevalue("app_role") if backend == "postgresql" else None
    instance, dbname = make_platform(tmp_path / "instance", backend, role)
    yield instance
    instance.close()
    if dbname is not None:
        drop_pg_database(dbname)
