"""Periods, submissions and values: the filler's side of the workflow, scope-checked.

Every query that returns regional rows filters them by the actor's scope; a row outside the
scope is reported as not found, never as forbidden.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    BindParameter,
    Row,
    Select,
    and_,
    bindparam,
    inspect,
    or_,
    select,
    update,
)
from sqlalchemy.orm import Session, lazyload, selectinload
from sqlalchemy.orm.attributes import set_committed_value

from kaifang.framework import Framework
from kaifang.platform import audit, indicator_rules, rules
from kaifang.platform.access import Actor
from kaifang.platform.errors import Invalid, NotFound, Refused
from kaifang.platform.forms import form_fields
from kaifang.platform.models import (
    LOCKED_STATES,
    FormField,
    Period,
    Region,
    Submission,
    ValueVersion,
    utcnow,
)
from kaifang.platform.reads import plain_rows, scoped_statement
from kaifang.platform.value_insert import insert_value_versions

# the values' reads live in value_reads; callers keep reading them here
from kaifang.platform.value_reads import CurrentValue as CurrentValue
from kaifang.platform.value_reads import current_values as current_values
from kaifang.platform.value_reads import value_history as value_history

MAX_CELL = 200


def scope_filter(column: Any, actor: Actor) -> Any:
    """A SQL condition keeping the rows whose region ``column`` lies in the actor's scope."""
    if actor.everywhere:
        return column.is_not(None)
    prefixes = actor.prefixes
    if not prefixes:
        return column.is_(None) & column.is_not(None)  # an empty scope sees nothing
    return or_(*(column.startswith(p, autoescape=True) for p in prefixes))


# ------------------------------------------------------------------------------------ periods


def create_period(
    session: Session,
    actor: Actor,
    framework: Framework,
    *,
    code: str,
    year: int,
    name_zh: str,
    name_en: str,
    yoy_threshold: float = rules.YOY_THRESHOLD,
) -> Period:
    """A new period in state ``draft`` whose form is generated from ``framework``."""
    actor.require("manage_periods")
    code = code.strip()
    if not code or len(code) > 20 or not code.replace("-", "").replace("_", "").isalnum():
        raise Refused("bad_period_code")
    if not 1900 <= year <= 2200:
        raise Refused("bad_year")
    if not 0 < yoy_threshold <= 10:
        raise Refused("bad_threshold")
    if session.scalar(select(Period.id).where(Period.code == code)) is not None:
        raise Refused("period_exists", code=code)
    period = Period(
        code=code,
        year=year,
        name_zh=name_zh.strip()[:100] or code,
        name_en=name_en.strip()[:100] or code,
        state="draft",
        yoy_threshold=yoy_threshold,
    )
    session.add(period)
    session.flush()
    for position, definition in enumerate(form_fields(framework)):
        session.add(FormField(period_id=period.id, position=position, **definition.__dict__))
    session.flush()
    audit.record(
        session,
        actor_id=actor.id,
        actor=actor.username,
        action="period_create",
        object_type="period",
        object_id=code,
        after={"code": code, "year": year, "fields": len(form_fields(framework))},
    )
    return period


def set_period_state(session: Session, actor: Actor, code: str, state: str) -> Period:
    """Open or close a period (publishing is :func:`kaifang.platform.review.publish`)."""
    actor.require("manage_periods")
    if state not in ("open", "closed"):
        raise Refused("bad_period_state", state=state)
    period = session.scalar(select(Period).where(Period.code == code).with_for_update())
    if period is None:
        raise NotFound("period")
    if period.state == "published":
        raise Refused("period_published", code=code)
    before = period.state
    period.state = state
    audit.record(
        session,
        actor_id=actor.id,
        actor=actor.username,
        action=f"period_{state}",
        object_type="period",
        object_id=code,
        before={"state": before},
        after={"state": state},
    )
    return period


def list_periods(session: Session, with_fields: bool = False) -> list[Period]:
    """Every period, newest first; ``with_fields`` loads their form fields as well (for use
    after the transaction)."""
    query = select(Period).order_by(Period.year.desc(), Period.code)
    if with_fields:
        query = query.options(selectinload(Period.fields))
    return list(session.scalars(query))


_PERIOD_BY_CODE = select(Period).where(Period.code == bindparam("code"))


def get_period(session: Session, code: str) -> Period:
    period = session.scalar(_PERIOD_BY_CODE, {"code": code})
    if period is None:
        raise NotFound("period")
    return period


def field_specs(session: Session, period: Period) -> Mapping[str, rules.FieldSpec]:
    """The period's fields with the rules that apply to them (the administrator's per-indicator
    rules over the derived ones)."""
    return indicator_rules.field_specs(session, period)


# ------------------------------------------------------------------------------------ regions


def regions_in_scope(session: Session, actor: Actor) -> list[Row[Any]]:
    """The regions the actor sees that report data (all but the province itself), in code order,
    as plain rows with the columns of :class:`Region`."""
    return list(plain_rows(session, scoped_statement("regions", actor, _regions_in_scope)))


def _regions_in_scope(actor: Actor) -> Select[Any]:
    regions = Region.__table__.c
    return (
        select(*regions)
        .where(scope_filter(regions.code, actor), regions.level != "province")
        .order_by(regions.code)
    )


def get_region(session: Session, actor: Actor, code: str) -> Region:
    actor.require_region(code)
    region = session.get(Region, code)
    if region is None:
        raise NotFound("region")
    return region


# -------------------------------------------------------------------------------- submissions


def submissions_query(actor: Actor) -> Select[Submission]:
    return select(Submission).where(scope_filter(Submission.region_code, actor))


def list_submissions(session: Session, actor: Actor, period: Period) -> dict[str, Submission]:
    """The period's submissions the actor sees, by region code."""
    query = submissions_query(actor).where(Submission.period_id == period.id)
    return {s.region_code: s for s in session.scalars(query)}


@dataclass(frozen=True)
class SubmissionState:
    """Where a region's submission stands (what lists of submissions show)."""

    region_code: str
    state: str
    revision: int
    updated_at: Any


def submission_states(session: Session, actor: Actor, period: Period) -> dict[str, SubmissionState]:
    """The states of the period's submissions the actor sees, by region code: what
    :func:`list_submissions` finds, as plain rows (read for every overview page)."""
    query = scoped_statement("submission_states", actor, _submission_states)
    rows: Iterable[Sequence[Any]] = plain_rows(session, query, {"period": period.id})
    return {code: SubmissionState(code, state, revision, at) for code, state, revision, at in rows}


def _submission_states(actor: Actor) -> Select[Any]:
    submissions = Submission.__table__.c
    return select(
        submissions.region_code, submissions.state, submissions.revision, submissions.updated_at
    ).where(
        scope_filter(submissions.region_code, actor),
        submissions.period_id == bindparam("period"),
    )


def find_submission(
    session: Session, actor: Actor, period: Period, region: str, lock: bool = False
) -> Submission | None:
    actor.require_region(region)
    query = scoped_statement(
        "submission_locked" if lock else "submission",
        actor,
        lambda a: _submission_of(a, lock),
    )
    return session.scalar(query, {"period": period.id, "region": region})


def _submission_of(actor: Actor, lock: bool) -> Select[Submission]:
    query = submissions_query(actor).where(
        Submission.period_id == bindparam("period"), Submission.region_code == bindparam("region")
    )
    return query.with_for_update(of=Submission) if lock else query


def get_submission(
    session: Session,
    actor: Actor,
    submission_id: int,
    lock: bool = False,
    populate_existing: bool = False,
) -> Submission:
    query = submissions_query(actor).where(Submission.id == submission_id)
    if lock:
        query = query.with_for_update(of=Submission)
    if populate_existing:
        query = query.execution_options(populate_existing=True)
    found = session.scalar(query)
    if found is None:
        raise NotFound("submission")
    return found


def period_region_submission(
    session: Session, actor: Actor, code: str, region: str
) -> tuple[Period, Region, Submission | None]:
    """What :func:`get_period`, :func:`get_region` and :func:`find_submission` give, in one
    query (what a form's page reads first); refused as they refuse."""
    query = scoped_statement("period_region_submission", actor, _period_region_submission)
    found = session.execute(query, {"code": code, "region": region}).first()
    if found is None:
        raise NotFound("period")
    actor.require_region(region)
    period, region_row, submission = found
    if region_row is None:
        raise NotFound("region")
    if submission is not None:
        set_committed_value(submission, "period", period)
    return period, region_row, submission


def _period_region_submission(actor: Actor) -> Select[Period, Region, Submission]:
    region: BindParameter[str] = bindparam("region")
    return (
        select(Period, Region, Submission)
        .select_from(Period)
        .outerjoin(Region, Region.code == region)
        .outerjoin(
            Submission,
            and_(
                Submission.period_id == Period.id,
                Submission.region_code == region,
                scope_filter(Submission.region_code, actor),
            ),
        )
        .where(Period.code == bindparam("code"))
        # the submission's period is the one read here: no second join (a many-to-one found
        # in the session is never read again)
        .options(lazyload(Submission.period))
    )


def open_submission(session: Session, actor: Actor, period: Period, region: str) -> Submission:
    """The submission of ``region`` for ``period``, created (as a draft) when it is absent."""
    get_region(session, actor, region)
    found = find_submission(session, actor, period, region, lock=True)
    if found is not None:
        return found
    actor.require("enter")
    if period.state != "open":
        raise Refused("period_not_open", code=period.code)
    submission = Submission(
        period_id=period.id, region_code=region, state="draft", revision=0, updated_by=actor.id
    )
    session.add(submission)
    session.flush()
    return submission


# ------------------------------------------------------------------------------------- values


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
    """

    period: Period
    period_id: int
    region: str
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
) -> SavePlan:
    """Check entered values and work out their new versions, writing nothing (any transaction).

    Raises what :func:`save_values` raises; :func:`apply_plan` writes the plan.
    """
    # out of scope: not found, whatever the role; a region with a submission exists
    submission = find_submission(session, actor, period, region)
    if submission is None:
        get_region(session, actor, region)
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
    head = audit.head_probe(session)
    bumped = session.execute(
        update(Submission)
        .where(
            Submission.id == plan.submission_id,
            Submission.revision == plan.seen_revision,
            Submission.state == "draft",
            scope_filter(Submission.region_code, actor),
            open_period_exists(),
        )
        .values(revision=Submission.revision + 1, updated_at=utcnow(), updated_by=actor.id)
        .returning(Submission, *head),
        execution_options={"synchronize_session": False, "populate_existing": True},
    ).one_or_none()
    if bumped is None:
        # changed, locked or closed since the plan: the locked path says which
        return _apply_locked(session, actor, plan)
    submission: Submission = bumped[0]
    if head:
        audit.head_seen(session, bumped[1])
    if "period" not in inspect(submission).dict:
        # the period the plan was made with, unchanged (it is open): no query under the lock
        set_committed_value(submission, "period", plan.period)
    _write_values(session, actor, plan, submission)
    return submission


def _apply_locked(session: Session, actor: Actor, plan: SavePlan) -> Submission | None:
    # the submission created or locked first, then checked: for a new submission and to tell
    # why the conditional UPDATE of apply_plan found no row
    if plan.submission_id is None:
        period = session.get(Period, plan.period_id)
        if period is None:
            raise NotFound("period")
        submission = open_submission(session, actor, period, plan.region)
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
