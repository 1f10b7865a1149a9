"""Plain-row reads in a session's transaction, past the ORM's execution path.

The most frequent reads (a form's values, its rules, its history) want rows, not objects: run
through the session's connection they skip the ORM's per-statement work. They still see what
the session has changed (it is flushed first, as the ORM's own queries would) and run in the
session's transaction, so PostgreSQL's row-level security scope applies to them.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import CursorResult, Executable
from sqlalchemy.orm import Session


def plain_rows(
    session: Session, statement: Executable, params: Mapping[str, Any] | None = None
) -> CursorResult[Any]:
    """The result of a Core ``statement`` run in ``session``'s transaction."""
    if session.autoflush:
        session.flush()
    return session.connection().execute(statement, params)
