"""Plain-row reads in a session's transaction, past the ORM's execution path, and statements
kept per scope.

The most frequent reads (a form's values, its rules, its history) want rows, not objects: run
through the session's connection they skip the ORM's per-statement work. They still see what
the session has changed (it is flushed first, as the ORM's own queries would) and run in the
session's transaction, so PostgreSQL's row-level security scope applies to them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from sqlalchemy import CursorResult, Executable
from sqlalchemy.orm import Session

from kaifang.platform.access import Actor


def plain_rows(
    session: Session, statement: Executable, params: Mapping[str, Any] | None = None
) -> CursorResult[Any]:
    """The result of a Core ``statement`` run in ``session``'s transaction."""
    if session.autoflush:
        session.flush()
    return session.connection().execute(statement, params)


# Statements that filter by a scope, built once per scope and kind and reused with bound
# parameters (a process sees few distinct scopes): building and keying a statement on every
# call cost more than running it.
_CACHED_STATEMENTS = 1024
_scoped_statements: dict[tuple[str, tuple[str, ...]], Any] = {}
_S = TypeVar("_S")


def scoped_statement(kind: str, actor: Actor, build: Callable[[Actor], _S]) -> _S:
    """The statement ``build(actor)`` of this kind for the actor's scope (built once per scope;
    ``build`` must depend on nothing of the actor but its scope)."""
    key = (kind, actor.scope)
    found = _scoped_statements.get(key)
    if found is None:
        if len(_scoped_statements) >= _CACHED_STATEMENTS:
            _scoped_statements.clear()
        found = _scoped_statements[key] = build(actor)
    return found
