"""Who sees and who may change a measure of the ledger.

A measure is visible to a user whose scope covers one of its effective regions; an invisible
measure is answered as not found (the same answer as a measure that does not exist). Within
what they see:

- a filler edits and submits the reports of the measures its department leads;
- the administrator edits and submits any report, edits measures and users' departments;
- a province reviewer reviews any visible report, a prefecture reviewer those of measures whose
  regions all lie in its scope (a measure of the whole province is the province's to review);
- everybody reads.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from kaifang.platform import scope as scopes
from kaifang.platform.access import Actor
from kaifang.platform.errors import Forbidden, NotFound
from kaifang.platform.ledger.models import LedgerMeasure, LedgerMeasureScope, UserDepartment
from kaifang.platform.workflow import scope_filter

EDITORS = frozenset({"admin", "filler"})
REVIEWERS = frozenset({"admin", "province_reviewer", "prefecture_reviewer"})


def visible_measures(actor: Actor) -> Select[Any]:
    """The ids of the measures the actor sees (a subquery for ``IN``)."""
    return (
        select(LedgerMeasureScope.measure_id)
        .where(scope_filter(LedgerMeasureScope.region_code, actor))
        .distinct()
    )


def is_visible(column: Any, actor: Actor) -> Any:
    """A SQL condition keeping rows whose measure id ``column`` the actor sees."""
    return column.in_(visible_measures(actor))


def get_measure(
    session: Session, actor: Actor, measure_id: str, lock: bool = False
) -> LedgerMeasure:
    """A visible measure, or ``NotFound`` (absent and out of scope alike)."""
    query = select(LedgerMeasure).where(
        LedgerMeasure.id == measure_id, is_visible(LedgerMeasure.id, actor)
    )
    if lock:
        query = query.with_for_update(of=LedgerMeasure)
    found = session.scalar(query)
    if found is None:
        raise NotFound("measure")
    return found


def measure_regions(session: Session, measure_id: str) -> list[str]:
    """The effective regions of a measure (all of them, also those outside the scope)."""
    found = session.get(LedgerMeasure, measure_id)
    return list(found.effective_regions) if found is not None else []


def department_of(session: Session, user_id: int | None) -> str | None:
    """The department of a user (``None``: none set)."""
    if user_id is None:
        return None
    return session.scalar(
        select(UserDepartment.department_id).where(UserDepartment.user_id == user_id)
    )


def require_editor(session: Session, actor: Actor, measure: LedgerMeasure) -> None:
    """May the actor write and submit this measure's reports? ``Forbidden`` if not."""
    if actor.role not in EDITORS:
        raise Forbidden("ledger_report")
    if actor.role == "admin":
        return
    if department_of(session, actor.id) != measure.lead_id:
        raise Forbidden("ledger_not_own_measure")


def can_edit(session: Session, actor: Actor, measure: LedgerMeasure) -> bool:
    try:
        require_editor(session, actor, measure)
    except Forbidden:
        return False
    return True


def require_reviewer(session: Session, actor: Actor, measure: LedgerMeasure) -> None:
    """May the actor return or approve this measure's reports? ``Forbidden`` if not."""
    if actor.role not in REVIEWERS:
        raise Forbidden("ledger_review")
    if actor.role != "prefecture_reviewer" or actor.everywhere:
        return
    if not all(scopes.in_scope(actor.scope, code) for code in measure.effective_regions):
        raise Forbidden("ledger_review_outside_prefecture")


def can_review(session: Session, actor: Actor, measure: LedgerMeasure) -> bool:
    try:
        require_reviewer(session, actor, measure)
    except Forbidden:
        return False
    return True


def require_admin(actor: Actor) -> None:
    if actor.role != "admin":
        raise Forbidden("ledger_manage")
