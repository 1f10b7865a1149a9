"""The ledger in the database: importing a validated ledger file, reading it back (scope
filtered) as the file-based :class:`kaifang.ledger.load.Ledger`, users' departments and the
administrator's edits of measures. Every change writes an audit entry in its transaction.

``read_ledger`` returns the same object the file loader returns, so that
:func:`kaifang.ledger.evaluate.evaluate_ledger`, the officials' workbook and the Gantt chart work
unchanged on database contents.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kaifang.ledger.load import Ledger, flatten
from kaifang.ledger.model import (
    LedgerFile,
    Measure,
    OwnTarget,
    ProgressReport,
    Reporting,
    period_bounds,
)
from kaifang.platform import audit
from kaifang.platform.access import Actor
from kaifang.platform.errors import NotFound, Refused
from kaifang.platform.ledger.access import (
    department_of,
    get_measure,
    is_visible,
    measure_regions,
    require_admin,
)
from kaifang.platform.ledger.models import (
    LedgerDepartment,
    LedgerIndicatorLink,
    LedgerMeasure,
    LedgerMeasureScope,
    LedgerMilestone,
    LedgerReport,
    LedgerReportVersion,
    LedgerSettings,
    UserDepartment,
)
from kaifang.platform.models import Region, User, utcnow

if TYPE_CHECKING:
    from kaifang.assessment import Assessment

# the report states that count as reported (a draft or a returned report does not)
REPORTED = ("submitted", "approved")


def _audit(
    session: Session,
    actor: Actor,
    action: str,
    object_type: str,
    object_id: str | int,
    region: str | None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    reason: str | None = None,
) -> None:
    audit.record(
        session,
        actor_id=actor.id,
        actor=actor.username,
        action=action,
        object_type=object_type,
        object_id=object_id,
        region=region,
        before=before,
        after=after,
        reason=reason,
    )


def settings(session: Session) -> LedgerSettings:
    """The ledger's header; ``NotFound('ledger')`` when no ledger was imported."""
    found = session.get(LedgerSettings, 1)
    if found is None:
        raise NotFound("ledger")
    return found


def has_ledger(session: Session) -> bool:
    return session.get(LedgerSettings, 1) is not None


def top_regions(session: Session) -> list[str]:
    """The regions without a parent in the instance: the scope of a measure with no regions."""
    codes = set(session.scalars(select(Region.code)))
    return sorted(
        r.code for r in session.scalars(select(Region)) if r.parent is None or r.parent not in codes
    )


# ------------------------------------------------------------------------------------ import


def import_ledger(session: Session, actor: Actor, ledger: Ledger, *, source: str = "") -> int:
    """Write a validated ledger (from :func:`kaifang.ledger.load.load_ledger`) into the
    database, in the caller's transaction: a refusal leaves nothing behind once the caller
    rolls back. Its progress reports are stored as approved versions (reason ``import``).

    Refused when the instance has a ledger already, or when a measure names a region the
    instance does not know. Returns the number of measures written.
    """
    require_admin(actor)
    if has_ledger(session):
        raise Refused("ledger_exists")
    known = set(session.scalars(select(Region.code)))
    unknown = sorted({c for f in ledger.measures for c in f.measure.regions if c not in known})
    if unknown:
        raise Refused("unknown_regions", codes=", ".join(unknown))
    top = top_regions(session)
    f = ledger.file
    session.add(
        LedgerSettings(
            id=1,
            title_zh=f.title.zh,
            title_en=f.title.en,
            assessment=f.assessment,
            simulated_progress=f.simulated_progress,
            as_of=f.as_of,
            frequency=f.reporting.frequency,
            due_days=f.reporting.due_days,
            remind_days=f.reporting.remind_days,
            source=(source or ledger.path.name)[:300],
        )
    )
    for position, dep in enumerate(f.departments):
        session.add(
            LedgerDepartment(id=dep.id, position=position, name_zh=dep.name.zh, name_en=dep.name.en)
        )
    session.flush()
    effective: dict[str, list[str]] = {}
    for position, flat in enumerate(ledger.measures):
        m = flat.measure
        regions = list(m.regions) or (effective[flat.parent] if flat.parent else top)
        effective[m.id] = regions
        session.add(
            LedgerMeasure(
                id=m.id,
                parent_id=flat.parent,
                position=position,
                name_zh=m.name.zh,
                name_en=m.name.en,
                lead_id=m.lead,
                cooperating=list(m.cooperating),
                regions=list(m.regions),
                effective_regions=list(regions),
                home_region=regions[0],
                start=m.start,
                deadline=m.deadline,
                revision=0,
            )
        )
        session.flush()  # the parent row exists before its children refer to it
        session.add_all(LedgerMeasureScope(measure_id=m.id, region_code=c) for c in regions)
        session.flush()  # row-level security checks the measure's rows against its scope
        session.add_all(
            LedgerMilestone(
                measure_id=m.id,
                id=ms.id,
                position=k,
                name_zh=ms.name.zh,
                name_en=ms.name.en,
                due=ms.due,
                done=ms.done,
            )
            for k, ms in enumerate(m.milestones)
        )
        session.add_all(
            LedgerIndicatorLink(
                measure_id=m.id,
                position=k,
                indicator=link.indicator,
                target_id=link.target if isinstance(link.target, str) else None,
                own_target=(
                    link.target.model_dump(mode="json")
                    if isinstance(link.target, OwnTarget)
                    else None
                ),
            )
            for k, link in enumerate(m.indicators)
        )
    session.flush()
    for rep in f.progress:
        report = LedgerReport(
            measure_id=rep.measure,
            period=rep.period,
            state="approved",
            revision=1,
            updated_by=actor.id,
        )
        session.add(report)
        session.flush()
        session.add(
            LedgerReportVersion(
                report_id=report.id,
                measure_id=rep.measure,
                version=1,
                status=rep.status,
                percent=rep.percent,
                narrative_zh=rep.narrative.zh if rep.narrative else None,
                narrative_en=rep.narrative.en if rep.narrative else None,
                submitted=rep.submitted,
                reason="import",
                author_id=actor.id,
            )
        )
    session.flush()
    _audit(
        session,
        actor,
        "ledger_import",
        "ledger",
        (source or ledger.path.name)[:80],  # the log's object ids are short
        None,
        after={
            "departments": len(f.departments),
            "measures": len(ledger.measures),
            "reports": len(f.progress),
            "simulated_progress": f.simulated_progress,
        },
    )
    return len(ledger.measures)


# -------------------------------------------------------------------------------------- read


def instance_assessment(folder: Path) -> Assessment | None:
    """The instance's ``assessment.yaml`` (the demo writes one reading the published data),
    loaded for the ledger's indicator evidence; ``None`` when the instance has none."""
    import kaifang

    config = folder / "assessment.yaml"
    return kaifang.load(config) if config.is_file() else None


def _name(zh: str, en: str) -> dict[str, str]:
    return {"zh": zh, "en": en}


def current_versions(session: Session, report_ids: list[int]) -> dict[int, LedgerReportVersion]:
    """The newest version of each report."""
    if not report_ids:
        return {}
    newest = (
        select(LedgerReportVersion.report_id, func.max(LedgerReportVersion.version).label("v"))
        .where(LedgerReportVersion.report_id.in_(report_ids))
        .group_by(LedgerReportVersion.report_id)
        .subquery()
    )
    rows = session.scalars(
        select(LedgerReportVersion).join(
            newest,
            (LedgerReportVersion.report_id == newest.c.report_id)
            & (LedgerReportVersion.version == newest.c.v),
        )
    )
    return {r.report_id: r for r in rows}


def read_ledger(
    session: Session,
    actor: Actor,
    *,
    assessment: Assessment | None = None,
    states: tuple[str, ...] = REPORTED,
) -> Ledger:
    """The ledger as the actor sees it, as the file loader's :class:`Ledger`.

    Measures outside the actor's scope are left out; a visible measure whose parent is not
    visible moves up to its nearest visible ancestor (or the top level). Progress reports are
    the newest version of each report whose state is in ``states`` (default: submitted or
    approved). ``assessment`` links the indicator evidence, as the file's ``assessment:`` does.
    """
    head = settings(session)
    departments = list(
        session.scalars(select(LedgerDepartment).order_by(LedgerDepartment.position))
    )
    rows = list(
        session.scalars(
            select(LedgerMeasure)
            .where(is_visible(LedgerMeasure.id, actor))
            .order_by(LedgerMeasure.position)
        )
    )
    ids = {m.id for m in rows}
    parent_of = dict(session.execute(select(LedgerMeasure.id, LedgerMeasure.parent_id)).all())
    milestones: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for ms in session.scalars(
        select(LedgerMilestone)
        .where(is_visible(LedgerMilestone.measure_id, actor))
        .order_by(LedgerMilestone.measure_id, LedgerMilestone.position)
    ):
        milestones[ms.measure_id].append(
            {"id": ms.id, "name": _name(ms.name_zh, ms.name_en), "due": ms.due, "done": ms.done}
        )
    links: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for link in session.scalars(
        select(LedgerIndicatorLink)
        .where(is_visible(LedgerIndicatorLink.measure_id, actor))
        .order_by(LedgerIndicatorLink.measure_id, LedgerIndicatorLink.position)
    ):
        links[link.measure_id].append(
            {"indicator": link.indicator, "target": link.own_target or link.target_id}
        )

    def visible_parent(measure_id: str) -> str | None:
        parent = parent_of.get(measure_id)
        while parent is not None and parent not in ids:
            parent = parent_of.get(parent)
        return parent

    children: dict[str | None, list[LedgerMeasure]] = defaultdict(list)
    for m in rows:
        children[visible_parent(m.id)].append(m)

    def build(m: LedgerMeasure) -> dict[str, Any]:
        return {
            "id": m.id,
            "name": _name(m.name_zh, m.name_en),
            "lead": m.lead_id,
            "cooperating": list(m.cooperating),
            "regions": list(m.regions),
            "start": m.start,
            "deadline": m.deadline,
            "milestones": milestones.get(m.id, []),
            "indicators": links.get(m.id, []),
            "children": [build(c) for c in children.get(m.id, [])],
        }

    measures = [Measure.model_validate(build(m)) for m in children.get(None, [])]
    reports = list(
        session.scalars(
            select(LedgerReport)
            .where(is_visible(LedgerReport.measure_id, actor), LedgerReport.state.in_(states))
            .order_by(LedgerReport.id)
        )
    )
    versions = current_versions(session, [r.id for r in reports])
    progress = []
    for report in reports:
        v = versions.get(report.id)
        if v is None:
            continue
        # a narrative written in one language only stands for both, as a plain string does
        # in a ledger file (an empty language would not validate)
        zh, en = v.narrative_zh or v.narrative_en, v.narrative_en or v.narrative_zh
        narrative = _name(zh, en) if zh and en else None
        progress.append(
            ProgressReport(
                measure=report.measure_id,
                period=report.period,
                status=v.status,  # type: ignore[arg-type]
                percent=v.percent,
                narrative=narrative,  # type: ignore[arg-type]
                submitted=v.submitted,
            )
        )
    file = LedgerFile(
        title=_name(head.title_zh, head.title_en),  # type: ignore[arg-type]
        assessment=head.assessment,
        simulated_progress=head.simulated_progress,
        as_of=head.as_of,
        reporting=Reporting(
            frequency=head.frequency,  # type: ignore[arg-type]
            due_days=head.due_days,
            remind_days=head.remind_days,
        ),
        departments=[{"id": d.id, "name": _name(d.name_zh, d.name_en)} for d in departments],  # type: ignore[misc]
        measures=measures or [_PLACEHOLDER],
        progress=progress,
    )
    if not measures:
        file = file.model_copy(update={"measures": []})
    return Ledger(file, Path(head.source), flatten(file.measures), assessment)


# LedgerFile wants at least one measure (a file without any is an error); a user who sees none
# gets a copy emptied after validation (model_copy does not validate)
_PLACEHOLDER = Measure(
    id="none",
    name={"zh": "-", "en": "-"},  # type: ignore[arg-type]
    lead="none",
    start=dt.date(2000, 1, 1),
    deadline=dt.date(2000, 1, 1),
)


# ------------------------------------------------------------------------------- departments


def departments(session: Session) -> list[LedgerDepartment]:
    return list(session.scalars(select(LedgerDepartment).order_by(LedgerDepartment.position)))


def set_user_department(
    session: Session, actor: Actor, username: str, department_id: str | None
) -> None:
    """Make ``username`` a member of a department (``None``: of none); administrators only."""
    require_admin(actor)
    user = session.scalar(select(User).where(User.username == username))
    if user is None:
        raise NotFound("user")
    if department_id is not None and session.get(LedgerDepartment, department_id) is None:
        raise Refused("unknown_department", department=department_id)
    before = department_of(session, user.id)
    row = session.get(UserDepartment, user.id)
    if department_id is None:
        if row is not None:
            session.delete(row)
    elif row is None:
        session.add(UserDepartment(user_id=user.id, department_id=department_id))
    else:
        row.department_id = department_id
    session.flush()
    _audit(
        session,
        actor,
        "user_department",
        "user",
        user.id,
        None,
        before={"department": before},
        after={"department": department_id},
    )


# ---------------------------------------------------------------------------- measure edits


def edit_measure(
    session: Session,
    actor: Actor,
    measure_id: str,
    *,
    start: dt.date | None = None,
    deadline: dt.date | None = None,
    lead: str | None = None,
    cooperating: list[str] | None = None,
    revision: int | None = None,
    reason: str | None = None,
) -> LedgerMeasure:
    """The administrator changes a measure's span or departments (audited, before and after).

    The same checks as the file's: the deadline not before the start, the milestones and the
    child measures inside the span, the measure inside its parent's, known departments.
    """
    m = get_measure(session, actor, measure_id, lock=True)  # out of scope: 404 for every role
    require_admin(actor)
    if revision is not None and revision != m.revision:
        raise Refused("stale_form", revision=m.revision)
    before = _measure_state(m)
    new_start, new_deadline = start or m.start, deadline or m.deadline
    if new_deadline < new_start:
        raise Refused("deadline_before_start", start=new_start, deadline=new_deadline)
    outside = [
        ms.id
        for ms in session.scalars(select(LedgerMilestone).where(LedgerMilestone.measure_id == m.id))
        if not new_start <= ms.due <= new_deadline
    ]
    kids = session.scalars(select(LedgerMeasure).where(LedgerMeasure.parent_id == m.id))
    outside += [k.id for k in kids if k.start < new_start or k.deadline > new_deadline]
    if m.parent_id is not None:
        parent = session.get(LedgerMeasure, m.parent_id)
        if parent is not None and (new_start < parent.start or new_deadline > parent.deadline):
            outside.append(parent.id)
    if outside:
        raise Refused("outside_span", items=", ".join(outside))
    known = {d.id for d in departments(session)}
    for dep in [lead] if lead else []:
        if dep not in known:
            raise Refused("unknown_department", department=dep)
    for dep in cooperating or []:
        if dep not in known:
            raise Refused("unknown_department", department=dep)
    m.start, m.deadline = new_start, new_deadline
    if lead:
        m.lead_id = lead
    if cooperating is not None:
        m.cooperating = list(dict.fromkeys(cooperating))
    after = _measure_state(m)
    if after == before:
        return m
    m.revision += 1
    m.updated_at = utcnow()
    session.flush()
    _audit(session, actor, "measure_edit", "measure", m.id, m.home_region, before, after, reason)
    return m


def set_milestone(
    session: Session,
    actor: Actor,
    measure_id: str,
    milestone_id: str,
    *,
    due: dt.date | None = None,
    done: dt.date | None = None,
    reopen: bool = False,
) -> LedgerMilestone:
    """The administrator moves a milestone's due day, marks it done on a day, or reopens it."""
    m = get_measure(session, actor, measure_id, lock=True)
    require_admin(actor)
    ms = session.get(LedgerMilestone, (measure_id, milestone_id), with_for_update=True)
    if ms is None:
        raise NotFound("milestone")
    before = {"due": ms.due.isoformat(), "done": ms.done.isoformat() if ms.done else None}
    if due is not None:
        if not m.start <= due <= m.deadline:
            raise Refused("outside_span", items=milestone_id)
        ms.due = due
    if done is not None:
        ms.done = done
    if reopen:
        ms.done = None
    after = {"due": ms.due.isoformat(), "done": ms.done.isoformat() if ms.done else None}
    if after != before:
        m.revision += 1
        m.updated_at = utcnow()
        session.flush()
        _audit(
            session,
            actor,
            "milestone_edit",
            "measure",
            f"{m.id}/{milestone_id}",
            m.home_region,
            before,
            after,
        )
    return ms


def _measure_state(m: LedgerMeasure) -> dict[str, Any]:
    return {
        "start": m.start.isoformat(),
        "deadline": m.deadline.isoformat(),
        "lead": m.lead_id,
        "cooperating": list(m.cooperating),
    }


def check_period(session: Session, measure: LedgerMeasure, period: str) -> tuple[dt.date, dt.date]:
    """The bounds of a reporting period of the ledger's frequency that overlaps the measure's
    span; ``Refused('bad_report_period')`` otherwise."""
    frequency = settings(session).frequency
    try:
        first, last = period_bounds(period, frequency)  # type: ignore[arg-type]
    except ValueError:
        raise Refused("bad_report_period", period=period[:20], frequency=frequency) from None
    if last < measure.start or first > measure.deadline:
        raise Refused(
            "period_outside_span", period=period, start=measure.start, deadline=measure.deadline
        )
    return first, last


__all__ = [
    "REPORTED",
    "check_period",
    "current_versions",
    "departments",
    "edit_measure",
    "has_ledger",
    "import_ledger",
    "instance_assessment",
    "measure_regions",
    "read_ledger",
    "set_milestone",
    "set_user_department",
    "settings",
]
