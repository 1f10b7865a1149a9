"""Engines and sessions for the platform database: SQLite (one file, WAL) or PostgreSQL.

SQLite: every transaction starts with ``BEGIN IMMEDIATE``, so writers queue instead of failing
halfway with "database is locked"; WAL lets readers go on meanwhile. Writers queue at a
:class:`WriterGate` before they begin: SQLite's own wait (``busy_timeout``) polls with sleeps
growing to 100 ms, so a writer that has waited long sleeps while newcomers take the lock, and
under load a few writers starved for seconds. The gate wakes the next writer when the last one
ends.
PostgreSQL (psycopg 3): each transaction first sets ``kaifang.scope`` (the user's code prefixes),
which the row-level security policies read.
"""

from __future__ import annotations

import os
import re
import threading
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import (
    Engine,
    String,
    bindparam,
    create_engine,
    event,
    func,
    literal_column,
    select,
    true,
)
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


# SQLite's own wait for the write lock, and the gate's: seconds before a writer gives up
WRITE_WAIT = 30.0


class WriterBusy(Exception):
    """A writer waited longer than :data:`WRITE_WAIT` for its turn."""


class WriterGate:
    """One writer at a time on a SQLite file, woken in turn instead of polling.

    Threads of a process queue at a lock; the thread whose turn it is then takes an exclusive
    ``flock`` of ``<database>.writer`` to queue with the other server processes (the kernel wakes
    the waiter when the holder ends or dies). Without ``fcntl`` (Windows) only threads queue.
    A write engine takes its turn when a transaction really begins (its first statement) and
    gives it back when the connection returns to the pool, after the commit or rollback.
    """

    def __init__(self, database: Path) -> None:
        self.path = database.with_name(database.name + ".writer")
        self._threads = threading.Lock()
        self._fd: int | None = None

    def acquire(self) -> None:
        if not self._threads.acquire(timeout=WRITE_WAIT):
            raise WriterBusy(f"{self.path}: no turn to write within {WRITE_WAIT:.0f} s")
        try:
            import fcntl
        except ImportError:  # pragma: no cover (not on Linux)
            return
        try:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX)
            except BaseException:
                os.close(fd)
                raise
        except BaseException:
            self._threads.release()
            raise
        self._fd = fd

    def release(self) -> None:
        fd, self._fd = self._fd, None
        try:
            if fd is not None:
                os.close(fd)  # closing releases the flock
        finally:
            self._threads.release()


_GATES: weakref.WeakKeyDictionary[Engine, WriterGate] = weakref.WeakKeyDictionary()
_GATE_OF_FILE: weakref.WeakValueDictionary[Path, WriterGate] = weakref.WeakValueDictionary()
_GATE_LOCK = threading.Lock()
_HOLDS_GATE = "kaifang.writer_gate"


def writer_gate(engine: Engine) -> WriterGate | None:
    """The gate writers of ``engine`` queue at (SQLite write engines), or ``None``."""
    return _GATES.get(engine)


def _gate_for(database: Path) -> WriterGate:
    # one gate per file and process: two engines on one file queue at the same lock
    with _GATE_LOCK:
        gate = _GATE_OF_FILE.get(database)
        if gate is None:
            gate = _GATE_OF_FILE[database] = WriterGate(database)
        return gate


def make_engine(target: str | Path, *, immediate: bool = True, **options: Any) -> Engine:
    """An engine for ``target`` (URL or SQLite file path), configured as the module says.

    ``immediate=False`` gives a SQLite engine for read-only transactions (plain ``BEGIN``), so
    that readers never queue behind writers; on PostgreSQL it changes nothing.
    """
    url = database_url(target)
    if url.startswith("sqlite"):
        # more connections than a server process has threads, so that none waits for one
        options.setdefault("pool_size", 40)
        options.setdefault("max_overflow", 10)
        engine = create_engine(
            url, connect_args={"timeout": WRITE_WAIT, "check_same_thread": False}, **options
        )
        database = make_url(url).database
        if immediate and database and database != ":memory:":
            _GATES[engine] = _gate_for(Path(database))

        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_connection: Any, _record: Any) -> None:
            # take transaction control from the driver so that BEGIN IMMEDIATE is ours
            dbapi_connection.isolation_level = None
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute(f"PRAGMA busy_timeout={int(WRITE_WAIT * 1000)}")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.close()

        gate = writer_gate(engine)

        @event.listens_for(engine, "begin")
        def _begin(connection: Any) -> None:
            if gate is not None:
                gate.acquire()
                connection.info[_HOLDS_GATE] = gate
            connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

        @event.listens_for(engine, "checkin")
        def _checkin(_dbapi_connection: Any, record: Any) -> None:
            held = record.info.pop(_HOLDS_GATE, None) if record is not None else None
            if held is not None:
                held.release()

        return engine
    options.setdefault("pool_size", 10)
    options.setdefault("max_overflow", 20)
    options.setdefault("pool_pre_ping", True)
    return create_engine(url, **options)


def session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


def scope_settings(prefixes: list[str] | str, admin: bool = False) -> tuple[str, str]:
    """The values of ``kaifang.scope`` and ``kaifang.admin`` that :func:`bind_scope` sets."""
    value = prefixes if isinstance(prefixes, str) else ",".join(prefixes)
    return value, "on" if admin else "off"


# the two settings as columns of a SELECT, with the values bound as ``kaifang_scope`` and
# ``kaifang_admin``: a statement that reads rows anyway sets the scope on the way (once per
# returned row, and not at all when no row comes back)
SCOPE_SETTERS = (
    func.set_config(
        literal_column("'kaifang.scope'"), bindparam("kaifang_scope", type_=String), true()
    ),
    func.set_config(
        literal_column("'kaifang.admin'"), bindparam("kaifang_admin", type_=String), true()
    ),
)
_BIND_SCOPE = select(*SCOPE_SETTERS)


def bind_scope(session: Session, prefixes: list[str] | str, admin: bool = False) -> None:
    """Set the row-level-security scope of the current PostgreSQL transaction (no-op on SQLite).

    ``prefixes`` are code prefixes (``["5201"]``) or :data:`ALL`; ``admin`` also shows the audit
    entries that belong to no region (users, periods).
    """
    if session.get_bind().dialect.name != "postgresql":
        return
    value, admin_flag = scope_settings(prefixes, admin)
    session.execute(_BIND_SCOPE, {"kaifang_scope": value, "kaifang_admin": admin_flag})


@contextmanager
def transaction(
    factory: sessionmaker[Session], scope: list[str] | str | None = ALL, admin: bool = True
) -> Iterator[Session]:
    """One transaction: committed when the block ends, rolled back on any error.

    ``scope=None`` sets no scope: on PostgreSQL row-level security then shows no regional row
    until the caller binds one (:func:`bind_scope`); the tables without regions (users,
    sessions, tokens, periods) read as always.
    """
    with factory() as session, session.begin():
        if scope is not None:
            bind_scope(session, scope, admin)
        yield session
