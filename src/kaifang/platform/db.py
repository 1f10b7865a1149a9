"""Engines and sessions for the platform database: SQLite (one file, WAL) or PostgreSQL.

SQLite: every transaction starts with ``BEGIN IMMEDIATE``, so writers queue (``busy_timeout``)
instead of failing halfway with "database is locked"; WAL lets readers go on meanwhile.
PostgreSQL (psycopg 3): each transaction first sets ``kaifang.scope`` (the user's code prefixes),
which the row-level security policies read.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

# every row is visible: the scope of maintenance tasks (migrations, init, seed, publish checks)
ALL = "*"
_URL = re.compile(r"^[a-z][a-z0-9+]*://")


def database_url(target: str | Path) -> str:
    """A SQLAlchemy URL from a URL or a file path (``platform.db`` -> ``sqlite:///platform.db``).

    ``postgresql://`` URLs get the psycopg 3 driver.
    """
    raw = str(target)
    if not _URL.match(raw):
        return f"sqlite:///{Path(raw).expanduser().resolve()}"
    url = make_url(raw)
    if url.drivername in ("postgresql", "postgres"):
        url = url.set(drivername="postgresql+psycopg")
    return url.render_as_string(hide_password=False)


def is_sqlite(engine: Engine) -> bool:
    return engine.dialect.name == "sqlite"


def make_engine(target: str | Path, *, immediate: bool = True, **options: Any) -> Engine:
    """An engine for ``target`` (URL or SQLite file path), configured as the module says.

    ``immediate=False`` gives a SQLite engine for read-only transactions (plain ``BEGIN``), so
    that readers never queue behind writers; on PostgreSQL it changes nothing.
    """
    url = database_url(target)
    if url.startswith("sqlite"):
        engine = create_engine(
            url, connect_args={"timeout": 30, "check_same_thread": False}, **options
        )

        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_connection: Any, _record: Any) -> None:
            # take transaction control from the driver so that BEGIN IMMEDIATE is ours
            dbapi_connection.isolation_level = None
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA busy_timeout=30000")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.close()

        @event.listens_for(engine, "begin")
        def _begin(connection: Any) -> None:
            connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

        return engine
    options.setdefault("pool_size", 10)
    options.setdefault("max_overflow", 20)
    options.setdefault("pool_pre_ping", True)
    return create_engine(url, **options)


def session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


def bind_scope(session: Session, prefixes: list[str] | str, admin: bool = False) -> None:
    """Set the row-level-security scope of the current PostgreSQL transaction (no-op on SQLite).

    ``prefixes`` are code prefixes (``["5201"]``) or :data:`ALL`; ``admin`` also shows the audit
    entries that belong to no region (users, periods).
    """
    if session.get_bind().dialect.name != "postgresql":
        return
    value = prefixes if isinstance(prefixes, str) else ",".join(prefixes)
    session.execute(
        text(
            "SELECT set_config('kaifang.scope', :scope, true), "
            "set_config('kaifang.admin', :admin, true)"
        ),
        {"scope": value, "admin": "on" if admin else "off"},
    )


@contextmanager
def transaction(
    factory: sessionmaker[Session], scope: list[str] | str = ALL, admin: bool = True
) -> Iterator[Session]:
    """One transaction: committed when the block ends, rolled back on any error."""
    with factory() as session, session.begin():
        bind_scope(session, scope, admin)
        yield session
