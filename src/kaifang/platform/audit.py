"""The append-only audit log: one entry per change, chained by SHA-256 hashes.

An entry's hash covers the previous entry's hash and its own content, so removing or editing an
entry breaks every later link (:func:`verify_chain`). Writers lock the chain's head row, so two
transactions never fork the chain; the entry is written in the transaction of the change itself.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from kaifang.platform.models import AuditEntry, AuditHead, utcnow


def _utc_text(at: dt.datetime) -> str:
    # SQLite returns naive datetimes and PostgreSQL aware ones: hash the same UTC text for both
    if at.tzinfo is not None:
        at = at.astimezone(dt.UTC).replace(tzinfo=None)
    return at.strftime("%Y-%m-%dT%H:%M:%S.%f")


def entry_hash(prev_hash: str, entry: AuditEntry) -> str:
    """SHA-256 of the previous hash and the entry's content in canonical JSON."""
    content = {
        "prev": prev_hash,
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
    text = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


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
    """Append one entry in the session's transaction (locks the chain's head until commit)."""
    head = session.execute(
        select(AuditHead).where(AuditHead.id == 1).with_for_update()
    ).scalar_one()
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
        prev_hash=head.last_hash,
    )
    entry.hash = entry_hash(head.last_hash, entry)
    head.last_hash = entry.hash
    session.add(entry)
    session.flush()
    return entry


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
