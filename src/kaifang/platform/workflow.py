"""Periods, regions and submissions: the filler's side of the workflow, scope-checked (the
values themselves: :mod:`kaifang.platform.value_reads` reads them,
:mod:`kaifang.platform.data_entry` checks and saves them).

Every query that returns regional rows filters them by the actor's scope; a row outside the
scope is reported as not found, never as forbidden.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    BindParameter,
    Row,
    Select,
    and_,
    bindparam,
    literal,
    or_,
    select,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, lazyload, selectinload
from sqlalchemy.orm.attributes import set_committed_value

from kaifang.framework import Framework
from kaifang.platform import audit, indicator_rules, rules
from kaifang.platform.access import Actor
from kaifang.platform.errors import NotFound, Refused
from kaifang.platform.forms import form_fields
from kaifang.platform.models import (
    FormField,
    Period,
    Region,
    Submission,
    utcnow,
)
from kaifang.platform.reads import plain_rows, scoped_statement

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


def open_submission(
    session: Session,
    actor: Actor,
    period: Period,
    region: str,
    *,
    checked: Region | None = None,
    revision: int = 0,
) -> tuple[Submission, bool]:
    """The submission of ``region`` for ``period``, created (as a draft at ``revision``) when it
    is absent and the period is open, and whether it was created here.

    ``checked`` is the region as the caller found it (in scope, existing; regions are never
    deleted): it is not read again, the scope is still checked. The draft is created by one
    conditional INSERT that checks the period's state itself (``period`` may be as an earlier
    transaction read it); only when it creates nothing is the submission read, locked.
    """
    if checked is None or checked.code != region:
        get_region(session, actor, region)
    else:
        actor.require_region(region)
    if actor.can("enter"):
        draft = _new_draft(
            session.get_bind().dialect.name, period.id, region, revision, utcnow(), actor.id
        )
        created = session.scalars(
            draft, execution_options={"populate_existing": True}
        ).one_or_none()
        if created is not None:
            set_committed_value(created, "period", period)
            return created, True
    found = find_submission(session, actor, period, region, lock=True)
    if found is not None:
        return found, False
    actor.require("enter")
    # neither created nor there: the period is not open (any more)
    raise Refused("period_not_open", code=period.code)


def _new_draft(
    dialect: str, period_id: int, region: str, revision: int, at: dt.datetime, by: int | None
) -> Any:
    """INSERT a draft submission unless the region has one or the period is not open, returning
    it (the conflict clause is each database's own)."""
    columns = Submission.__table__.c
    values = {
        columns.period_id: period_id,
        columns.region_code: region,
        columns.state: "draft",
        columns.revision: revision,
        columns.updated_at: at,
        columns.updated_by: by,
    }
    row = select(*(literal(value, column.type) for column, value in values.items())).where(
        select(Period.id).where(Period.id == period_id, Period.state == "open").exists()
    )
    insert_of = postgresql.insert if dialect == "postgresql" else sqlite.insert
    return (
        insert_of(Submission)
        .from_select(list(values), row)
        .on_conflict_do_nothing()
        .returning(Submission)
    )
