"""Data entry: a submission's values (newest versions, five-year history, checks) and saving
them as new versions, scope-checked like the rest of the workflow
(:mod:`kaifang.platform.workflow`: periods, regions, submissions).

Values are versioned rows, never overwritten: a save plans its new versions in a read
transaction (:func:`plan_values`) and writes them in a short write transaction
(:func:`apply_plan`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import inspect, select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from kaifang.platform import audit, rules
from kaifang.platform.access import Actor
from kaifang.platform.errors import Invalid, Refused
from kaifang.platform.models import (
    LOCKED_STATES,
    Period,
    Region,
    Submission,
    ValueVersion,
    utcnow,
)
from kaifang.platform.value_insert import insert_value_versions
from kaifang.platform.value_reads import CurrentValue, current_values, value_history
from kaifang.platform.workflow import (
    MAX_CELL,
    field_specs,
    find_submission,
    get_region,
    get_submission,
    open_submission,
    scope_filter,
)


def check_cells(
    session: Session,
    actor: Actor,
    period: Period,
    region: str,
    cells: Mapping[str, str | float | None],
    specs: Mapping[str, rules.FieldSpec] | None = None,
) -> list[rules.Finding]:
    """Hard and soft findings of entered cells (for instant validation and before saving);
    ``specs`` are the period's :func:`field_specs` when the caller has them already."""
    if specs is None:
        specs = field_specs(session, period)
    history = value_history(session, actor, region, period.year, list(cells))
    return rules.check_values(specs, cells, period.year, history, period.yoy_threshold)


def open_period_exists() -> Any:
    """A SQL condition on a submission row: its period is open."""
    return (
        select(Period.id).where(Period.id == Submission.period_id, Period.state == "open").exists()
    )


def change_draft(
    session: Session,
    actor: Actor,
    submission_id: int,
    seen_revision: int,
    period: Period | None,
    **changes: Any,
) -> Submission | None:
    """Apply ``changes`` to a submission and bump its revision in one conditional UPDATE: only
    while it is a draft at ``seen_revision``, in the actor's scope, of an open period. Returns
    the changed submission, or ``None`` when nothing matched (it changed, is locked or its
    period closed since it was checked; the caller's locked path says which).

    On SQLite the audit chain's head is read in the same statement (:func:`audit.head_probe`).
    ``period`` is the submission's period when the caller has it: no query for it under the
    lock.
    """
    head = audit.head_probe(session)
    changed = session.execute(
        update(Submission)
        .where(
            Submission.id == submission_id,
            Submission.revision == seen_revision,
            Submission.state == "draft",
            scope_filter(Submission.region_code, actor),
            open_period_exists(),
        )
        .values(
            revision=Submission.revision + 1, updated_at=utcnow(), updated_by=actor.id, **changes
        )
        .returning(Submission, *head),
        execution_options={"synchronize_session": False, "populate_existing": True},
    ).one_or_none()
    if changed is None:
        return None
    submission: Submission = changed[0]
    if head:
        audit.head_seen(session, changed[1])
    if "period" not in inspect(submission).dict:
        if period is None or period.id != submission.period_id:
            period = session.get_one(Period, submission.period_id)
        set_committed_value(submission, "period", period)
    return submission


def _locked_refusal(submission: Submission) -> Refused:
    return Refused(
        "locked",
        state=submission.state,
        at=submission.updated_at.strftime("%Y-%m-%d %H:%M") if submission.updated_at else "",
    )


@dataclass(frozen=True)
class SavePlan:
    """New value versions worked out from one read of a submission, not yet written.

    ``seen_revision`` is the submission's revision at that read (0 when it had none): every write
    of values or state bumps the revision, so the plan is still right exactly while the revision
    is unchanged. ``current`` are the values the submission will have once the plan is applied.
    ``region_row`` is the region as the plan's read found it (in scope, existing) when the plan
    creates the submission: the write does not read it again.
    """

    period: Period
    period_id: int
    region: str
    region_row: Region | None
    source: str
    submission_id: int | None
    seen_revision: int
    rows: tuple[dict[str, Any], ...]
    before: dict[str, Any]
    after: dict[str, Any]
    current: dict[str, CurrentValue]


def plan_values(
    session: Session,
    actor: Actor,
    period: Period,
    region: str,
    cells: Mapping[str, str | float | None],
    explanations: Mapping[str, str] | None = None,
    *,
    revision: int | None = None,
    source: str = "form",
    found: tuple[Region, Submission | None] | None = None,
) -> SavePlan:
    """Check entered values and work out their new versions, writing nothing (any transaction).

    Raises what :func:`save_values` raises; :func:`apply_plan` writes the plan. ``found`` is
    the region and its submission (or ``None``) when the caller has read them in this
    transaction with the region's checks (``workflow.period_region_submission``); otherwise
    they are read here.
    """
    region_row: Region | None = None
    if found is not None:
        region_row, submission = found
    else:
        # out of scope: not found, whatever the role; a region with a submission exists
        submission = find_submission(session, actor, period, region)
        if submission is None:
            region_row = get_region(session, actor, region)
    actor.require("enter")
    explanations = dict(explanations or {})
    for indicator, text in [*cells.items(), *explanations.items()]:
        if text is not None and len(str(text)) > (
            rules.MAX_EXPLANATION if indicator in explanations else MAX_CELL
        ):
            raise Refused("cell_too_long", indicator=indicator)
    if submission is None and period.state != "open":
        raise Refused("period_not_open", code=period.code)
    if submission is not None:
        _check_editable(submission, period, revision)
    elif revision is not None and revision != 0:
        raise Refused("stale_form", revision=0)
    # Only hard rules block saving, and they need no history. Soft rules are checked on submit.
    hard = rules.check_values(field_specs(session, period), cells, period.year, {})
    if hard:
        raise Invalid("hard_rules", hard)
    current = current_values(session, [submission.id])[submission.id] if submission else {}
    before: dict[str, Any] = {}
    after: dict[str, Any] = {}
    rows: list[dict[str, Any]] = []
    now = utcnow()
    new_current = dict(current)
    for indicator, text in cells.items():
        value, _ = rules.parse_value(text)
        explanation = (explanations.get(indicator) or "").strip() or None
        old = current.get(indicator)
        if old is not None and old.value == value and old.explanation == explanation:
            continue
        if old is None and value is None and explanation is None:
            continue
        version = (old.version + 1) if old else 1
        rows.append(
            {
                "region_code": region,
                "indicator": indicator,
                "version": version,
                "value": value,
                "explanation": explanation,
                "reason": source,
                "author_id": actor.id,
                "created_at": now,
            }
        )
        new_current[indicator] = CurrentValue(value, explanation, version, actor.id, now)
        before[indicator] = None if old is None else old.value
        after[indicator] = value
        if explanation is not None:
            after[f"{indicator}:explanation"] = explanation
    return SavePlan(
        period,
        period.id,
        region,
        region_row if submission is None else None,
        source,
        None if submission is None else submission.id,
        0 if submission is None else submission.revision,
        tuple(rows),
        before,
        after,
        new_current,
    )


def _check_editable(submission: Submission, period: Period, revision: int | None) -> None:
    if submission.state in LOCKED_STATES:
        raise _locked_refusal(submission)
    if submission.state != "draft":
        raise Refused("not_draft", state=submission.state)
    if period.state != "open":
        raise Refused("period_not_open", code=period.code)
    if revision is not None and revision != submission.revision:
        raise Refused("stale_form", revision=submission.revision)


def apply_plan(session: Session, actor: Actor, plan: SavePlan) -> Submission | None:
    """Write a plan in a write transaction: the submission (created when it had none), the new
    value versions in one multi-row INSERT and the audit entry.

    Returns ``None``, writing nothing, when the submission changed since the plan was made; the
    caller then saves again (:func:`save_values`, which plans under the write lock). The work
    done here is kept small on purpose: it is what every writer waits for. A plan for an existing
    submission takes three statements: the revision's check and bump in one conditional UPDATE,
    the values' INSERT and the audit entry (:mod:`kaifang.platform.audit`).
    """
    if plan.submission_id is None or not plan.after:
        return _apply_locked(session, actor, plan)
    submission = change_draft(session, actor, plan.submission_id, plan.seen_revision, plan.period)
    if submission is None:
        # changed, locked or closed since the plan: the locked path says which
        return _apply_locked(session, actor, plan)
    _write_values(session, actor, plan, submission)
    return submission


def _apply_locked(session: Session, actor: Actor, plan: SavePlan) -> Submission | None:
    # the submission created or locked first, then checked: for a new submission and to tell
    # why the conditional UPDATE of apply_plan found no row
    if plan.submission_id is None:
        # a submission created here starts at the revision its first values make: one INSERT,
        # which checks the period's state itself
        submission, created = open_submission(
            session,
            actor,
            plan.period,
            plan.region,
            checked=plan.region_row,
            revision=1 if plan.after else 0,
        )
        if created:
            if plan.after:
                _write_values(session, actor, plan, submission)
            return submission
    else:
        # populate_existing: the session may hold the row as read for the plan; the locked
        # read must see what was committed since
        submission = get_submission(
            session, actor, plan.submission_id, lock=True, populate_existing=True
        )
    if submission.revision != plan.seen_revision:
        return None
    _check_editable(submission, submission.period, None)
    if not plan.after:
        return submission
    submission.revision += 1
    submission.updated_at = utcnow()
    submission.updated_by = actor.id
    session.flush()
    _write_values(session, actor, plan, submission)
    return submission


def _write_values(session: Session, actor: Actor, plan: SavePlan, submission: Submission) -> None:
    insert_value_versions(
        session.connection(), [{**row, "submission_id": submission.id} for row in plan.rows]
    )
    audit.record(
        session,
        actor_id=actor.id,
        actor=actor.username,
        action=f"values_{plan.source}",
        object_type="submission",
        object_id=f"{plan.period.code}/{plan.region}",
        region=plan.region,
        before=plan.before,
        after=plan.after,
    )


def save_values(
    session: Session,
    actor: Actor,
    period: Period,
    region: str,
    cells: Mapping[str, str | float | None],
    explanations: Mapping[str, str] | None = None,
    *,
    revision: int | None = None,
    source: str = "form",
) -> Submission:
    """Save entered values as new versions, all or nothing.

    ``revision`` is the submission's revision the form was drawn with: a form drawn before the
    last change (or before a lock) is refused, so nobody overwrites what they have not seen.
    Cells equal to the current value and explanation write nothing.
    """
    while True:
        plan = plan_values(
            session, actor, period, region, cells, explanations, revision=revision, source=source
        )
        saved = apply_plan(session, actor, plan)
        if saved is not None:
            return saved
        # changed between the plan's read and the row lock (PostgreSQL): plan again, locked now


def value_versions(
    session: Session, actor: Actor, submission: Submission, indicator: str
) -> list[ValueVersion]:
    """Every version of one value, newest first (who, when, why)."""
    actor.require_region(submission.region_code)
    return list(
        session.scalars(
            select(ValueVersion)
            .where(
                ValueVersion.submission_id == submission.id,
                ValueVersion.indicator == indicator,
                scope_filter(ValueVersion.region_code, actor),
            )
            .order_by(ValueVersion.version.desc())
        )
    )
