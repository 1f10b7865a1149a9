"""The append-only audit log: one entry per change, chained by SHA-256 hashes.

An entry's hash covers the previous entry's hash and its own content, so removing or editing an
entry breaks every later link (:func:`verify_chain`). The entry is written in the transaction of
the change itself, but only at its very end: :func:`record` keeps it pending in the session, and
just before the commit the pending entries are chained and inserted under a lock of the chain's
head row. Two transactions therefore never fork the chain, and the head row, the one row every
writer needs, is held only from that moment to the commit, not while the rest of the change is
worked out (on PostgreSQL, where writers of different regions otherwise run side by side, holding
it for the whole transaction made every save wait for every other one). On PostgreSQL a lone
entry, the common case, is chained by the database in one statement sent with the ``COMMIT``
(:func:`_linked_insert_and_commit`), so the head is locked only while the server runs them.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
from collections.abc import Iterable
from typing import Any, cast

from sqlalchemy import Connection, Table, event, insert, literal_column, select, update
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import Session, SessionTransaction

from kaifang.platform.models import AuditEntry, AuditHead, utcnow


def _utc_text(at: dt.datetime) -> str:
    # SQLite returns naive datetimes and PostgreSQL aware ones: hash the same UTC text for both
    if at.tzinfo is not None:
        at = at.astimezone(dt.UTC).replace(tzinfo=None)
    return at.strftime("%Y-%m-%dT%H:%M:%S.%f")


def _content(entry: AuditEntry) -> dict[str, Any]:
    # the hashed fields besides the previous hash ("prev")
    return {
        "at": _utc_text(entry.at),
        "actor_id": entry.actor_id,
        "actor": entry.actor,
        "action": entry.action,
        "object_type": entry.object_type,
        "object_id": entry.object_id,
        "region": entry.region_code,
        "before": entry.before,
        "after": entry.after,
        "reason": entry.reason,
    }


def _canonical(content: dict[str, Any]) -> str:
    return json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def hashed_around_prev(entry: AuditEntry) -> tuple[bytes, bytes]:
    """The UTF-8 text that :func:`entry_hash` hashes, before and after the previous hash.

    The canonical JSON has its keys sorted, so ``"prev"`` sits between the keys that sort before
    it and those after it, and a hash (hexadecimal) needs no escaping: the text is
    ``before + prev_hash + after``. This lets PostgreSQL hash the link itself, in the statement
    that reads the locked head (:func:`_append`), without a round trip to Python in between.
    """
    content = _content(entry)
    lower = _canonical({k: v for k, v in content.items() if k < "prev"})
    upper = _canonical({k: v for k, v in content.items() if k > "prev"})
    # both halves always hold keys ("action" ... "object_type", "reason" and "region")
    return (lower[:-1] + ',"prev":"').encode(), ('",' + upper[1:]).encode()


def entry_hash(prev_hash: str, entry: AuditEntry) -> str:
    """SHA-256 of the previous hash and the entry's content in canonical JSON
    (``{"action":...,"prev":prev_hash,...,"region":...}``, keys sorted, no spaces, UTF-8)."""
    lower, upper = hashed_around_prev(entry)
    return hashlib.sha256(lower + prev_hash.encode() + upper).hexdigest()


def record(
    session: Session,
    *,
    actor_id: int | None,
    actor: str,
    action: str,
    object_type: str,
    object_id: str | int,
    region: str | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    reason: str | None = None,
) -> AuditEntry:
    """Append one entry in the session's transaction.

    The entry is pending until the transaction commits: then it is chained to the head, inserted
    and committed with the change, or dropped with it on a rollback. It is written as a plain
    row: the returned object stays outside the session; read the log for its ``id``,
    ``prev_hash`` and ``hash`` (a lone entry on PostgreSQL is chained by the database).
    """
    entry = AuditEntry(
        at=utcnow(),
        actor_id=actor_id,
        actor=actor,
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        region_code=region,
        before=before,
        after=after,
        reason=reason,
    )
    session.info.setdefault(_PENDING, []).append(entry)
    return entry


_PENDING = "kaifang.audit.pending"
_SEEN_HEAD = "kaifang.audit.seen_head"


def head_probe(session: Session) -> list[Any]:
    """Columns to add to the RETURNING of an UPDATE that writes in ``session``'s transaction:
    on SQLite the chain's head, for :func:`head_seen`; none on PostgreSQL, where the head row is
    locked and read only just before the commit."""
    if session.get_bind().dialect.name != "sqlite":
        return []
    return [select(_HEAD.c.last_hash).where(_HEAD.c.id == 1).scalar_subquery()]


def head_seen(session: Session, last_hash: str) -> None:
    """The head as read by a statement that wrote (:func:`head_probe`), on SQLite: from that
    statement to the commit this transaction holds the database's one write lock, and only its
    own commit appends to the chain, so the head cannot move and need not be read again."""
    if session.get_bind().dialect.name == "sqlite":
        session.info[_SEEN_HEAD] = last_hash


def _clear_pending_at_end(session: Session, transaction: SessionTransaction) -> None:
    if transaction.parent is None:  # the outermost transaction, not a savepoint
        session.info.pop(_PENDING, None)
        session.info.pop(_SEEN_HEAD, None)


_LOG = cast(Table, AuditEntry.__table__)
_HEAD = cast(Table, AuditHead.__table__)


def _row(entry: AuditEntry) -> dict[str, Any]:
    return {
        "at": entry.at,
        "actor_id": entry.actor_id,
        "actor": entry.actor,
        "action": entry.action,
        "object_type": entry.object_type,
        "object_id": entry.object_id,
        "region_code": entry.region_code,
        "before": entry.before,
        "after": entry.after,
        "reason": entry.reason,
        "prev_hash": entry.prev_hash,
        "hash": entry.hash,
    }


@functools.cache
def _linked_insert_and_commit(dialect: Dialect) -> str:
    """The SQL that appends one entry on PostgreSQL and commits, sent as one message.

    One statement locks the head, hashes the link in the database (SHA-256 of the entry's text
    around the head's hash, see :func:`hashed_around_prev`), moves the head and inserts the
    entry; ``COMMIT`` follows in the same message. The head, the one row every writer of every
    region waits for, is then locked only while the server runs the two, never while this
    process waits for its turn to run Python (measured under load: about half a backend was
    waiting for the head at any moment when it stayed locked from a separate ``SELECT ... FOR
    UPDATE`` to a separate ``COMMIT``).

    The entry's row is made from the moved head, so its id is drawn from the sequence only once
    the head is locked: ids follow the chain, as :func:`verify_chain` needs. The tables' and
    columns' names come from the models; every value is a bound parameter.
    """
    content = [c for c in _LOG.c if c.name not in ("id", "prev_hash", "hash")]
    names = ", ".join(c.name for c in content)
    values = ", ".join(f"%({c.name})s::{c.type.compile(dialect=dialect)}" for c in content)
    return (
        "WITH locked AS (SELECT last_hash FROM audit_head WHERE id = 1 FOR UPDATE), "
        "moved AS (UPDATE audit_head SET last_hash = encode(sha256("
        "%(lower)s::bytea || convert_to(locked.last_hash, 'UTF8') || %(upper)s::bytea), 'hex') "
        "FROM locked WHERE audit_head.id = 1 "
        "RETURNING locked.last_hash AS prev_hash, audit_head.last_hash AS hash) "
        f"INSERT INTO audit_log ({names}, prev_hash, hash) "
        f"SELECT {values}, moved.prev_hash, moved.hash FROM moved; "
        "COMMIT"
    )


def _append_and_commit(connection: Connection, entry: AuditEntry) -> None:
    """Append one entry and commit the transaction, on PostgreSQL, in one round trip.

    The statement and ``COMMIT`` are one message, which only the simple query protocol takes:
    psycopg's client-side binding cursor sends it, quoting every value as a literal. The
    commit SQLAlchemy sends next finds no transaction open and sends nothing.
    """
    # psycopg is installed with the PostgreSQL extra, as this path runs only on PostgreSQL
    import psycopg
    from psycopg.types.json import Json

    lower, upper = hashed_around_prev(entry)
    params = {**_row(entry), "lower": lower, "upper": upper}
    del params["prev_hash"], params["hash"]
    params["before"], params["after"] = Json(entry.before), Json(entry.after)
    driver = cast(psycopg.Connection[Any], connection.connection.driver_connection)
    with psycopg.ClientCursor(driver) as cursor:
        cursor.execute(_linked_insert_and_commit(connection.dialect), params)


def _append(connection: Connection, entries: list[AuditEntry], seen_head: str | None) -> None:
    """Chain ``entries`` to the head and insert them, in as few statements as possible: every
    statement here runs while the head row (SQLite: the database) is locked by this writer."""
    postgres = connection.dialect.name == "postgresql"
    head = select(_HEAD.c.last_hash).where(_HEAD.c.id == 1)
    last: str
    if seen_head is not None and not postgres:
        last = seen_head
    else:
        last = connection.execute(head.with_for_update() if postgres else head).scalar_one()
    for entry in entries:
        entry.prev_hash = last
        entry.hash = last = entry_hash(last, entry)
    # no RETURNING of the new ids: on PostgreSQL it needs the right to read the new row, which
    # row-level security grants to no filler for an entry of no region (a token's creation)
    rows = [_row(entry) for entry in entries]
    if postgres:
        # the id from the column's own sequence in the INSERT (the ORM would fetch it first)
        for row in rows:
            row["id"] = literal_column("DEFAULT")
    # one INSERT per entry, in chain order: the ids follow the chain, as the verifier, walking
    # the log by id, needs
    for row in rows:
        connection.execute(insert(_LOG).values(row))
    connection.execute(update(_HEAD).where(_HEAD.c.id == 1).values(last_hash=last))


@event.listens_for(Session, "before_commit")
def _append_pending(session: Session) -> None:
    """Chain and insert the session's pending entries: the last statements before the commit."""
    pending: list[AuditEntry] = session.info.pop(_PENDING, [])
    seen_head: str | None = session.info.pop(_SEEN_HEAD, None)
    if not pending:
        return
    session.flush()  # the change itself first, so that the head is locked as late as possible
    connection = session.connection()
    if connection.dialect.name == "postgresql" and len(pending) == 1:
        _append_and_commit(connection, pending[0])  # the last statement before the commit
    else:
        _append(connection, pending, seen_head)


# entries of a transaction that did not commit must not leak into the session's next one
event.listen(Session, "after_transaction_end", _clear_pending_at_end)


def verify_chain(entries: Iterable[AuditEntry]) -> int | None:
    """The id of the first entry whose link is broken, or ``None`` when the chain holds.

    ``entries`` must be the whole log in id order (the whole scope).
    """
    prev = "0" * 64
    for entry in entries:
        if entry.prev_hash != prev or entry_hash(prev, entry) != entry.hash:
            return entry.id
        prev = entry.hash
    return None
