"""The audit chain's link: the hash Python computes (to verify, and to append on SQLite) and the
one PostgreSQL computes in the appending statement are the same, and concurrent writers of single
and several entries keep one chain whose ids follow it (SQLite file and PostgreSQL server)."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import threading
from typing import Any

from hypothesis import given
from hypothesis import strategies as st
from platform_support import actor
from sqlalchemy import event, select
from test_platform_concurrency import whole_chain

from kaifang.platform import audit
from kaifang.platform.instance import Platform
from kaifang.platform.models import AuditEntry, AuditHead

texts = st.text(max_size=30)  # any characters: quotes, backslashes, NUL, CJK, surrogates aside
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | texts,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(texts, inner, max_size=3),
    max_leaves=8,
)


def legacy_hash(prev: str, entry: AuditEntry) -> str:
    """The link as first defined: SHA-256 of the whole content with ``prev`` in canonical JSON."""
    at = entry.at.strftime("%Y-%m-%dT%H:%M:%S.%f")
    content = {
        "prev": prev,
        "at": at,
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
    text = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


@given(
    prev=st.text(alphabet="0123456789abcdef", min_size=64, max_size=64),
    actor_id=st.none() | st.integers(),
    words=st.lists(st.text(max_size=20), min_size=4, max_size=4),
    region=st.none() | st.text(max_size=12),
    before=st.none() | st.dictionaries(texts, json_values, max_size=4),
    after=st.none() | st.dictionaries(texts, json_values, max_size=4),
    reason=st.none() | texts,
    at=st.datetimes(min_value=dt.datetime(2000, 1, 1), max_value=dt.datetime(2100, 1, 1)),
)
def test_the_link_is_the_hash_of_the_whole_canonical_content(
    prev: str,
    actor_id: int | None,
    words: list[str],
    region: str | None,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
    reason: str | None,
    at: dt.datetime,
) -> None:
    entry = AuditEntry(
        at=at,
        actor_id=actor_id,
        actor=words[0],
        action=words[1],
        object_type=words[2],
        object_id=words[3],
        region_code=region,
        before=before,
        after=after,
        reason=reason,
    )
    lower, upper = audit.hashed_around_prev(entry)
    assert audit.entry_hash(prev, entry) == legacy_hash(prev, entry)
    assert hashlib.sha256(lower + prev.encode() + upper).hexdigest() == legacy_hash(prev, entry)


def note(session: Any, who: Any, k: int, text: str) -> None:
    audit.record(
        session,
        actor_id=who.id,
        actor=who.username,
        action="note",
        object_type="test",
        object_id=k,
        region="520100",
        before={"text": text, "k": k},
        after={"文字": text + '"\\\u0000', "x": [1.5, None, True]},
        reason=text + "'; DROP TABLE audit_log; --",  # quoted by the client-side binding
    )


def test_concurrent_single_and_multiple_appends_keep_one_chain(platform: Platform) -> None:
    admin = actor(platform, "admin")
    _, before = whole_chain(platform)
    errors: list[BaseException] = []
    writers, rounds = 6, 8
    start = threading.Barrier(writers)

    def write(w: int) -> None:
        try:
            start.wait()
            for r in range(rounds):
                with platform.tx(admin) as s:
                    # odd writers append two entries per transaction (the Python-chained path)
                    for k in range(1 + w % 2):
                        note(s, admin, 100 * w + 10 * r + k, f"写入者 {w} 第 {r} 轮")
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=write, args=(w,)) for w in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors
    broken, after = whole_chain(platform)
    assert broken is None
    assert after - before == rounds * sum(1 + w % 2 for w in range(writers))
    with platform.read(admin) as s:
        last = s.scalars(select(AuditEntry).order_by(AuditEntry.id.desc()).limit(1)).one()
        assert s.scalar(select(AuditHead.last_hash)) == last.hash


def test_one_entry_is_appended_with_the_commit(
    platform: Platform,
) -> None:
    admin = actor(platform, "admin")
    statements: list[str] = []

    def seen(*args: Any) -> None:
        if "audit_" in args[2]:  # not SQLite's BEGIN IMMEDIATE
            statements.append(args[2])

    with platform.tx(admin) as s:
        audit.record(
            s, actor_id=admin.id, actor="admin", action="note", object_type="t", object_id=1
        )
        event.listen(s.get_bind(), "before_cursor_execute", seen)
    event.remove(platform.engine, "before_cursor_execute", seen)
    # PostgreSQL: the lock, the link, the head and the row in one statement, sent with the
    # COMMIT by the driver itself (so SQLAlchemy sees none); SQLite reads the head, then inserts
    # and moves it (the database is the lock there)
    assert len(statements) == (0 if platform.engine.dialect.name == "postgresql" else 3)
    with platform.read(admin) as s:
        stored = s.scalars(select(AuditEntry).order_by(AuditEntry.id.desc()).limit(1)).one()
        assert (stored.action, stored.object_id) == ("note", "1")
        assert stored.hash == audit.entry_hash(stored.prev_hash, stored)
        assert s.scalar(select(AuditHead.last_hash)) == stored.hash
