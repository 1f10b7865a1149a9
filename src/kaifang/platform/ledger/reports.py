"""Progress reports: a department writes one per measure and period, submits it, a reviewer
returns it with a comment or approves it; approved reports are locked.

Contents are versioned: saving writes a new row of ``ledger_report_versions`` (never an update),
so every earlier text stays readable with its author and time. Every transition locks the
report's row and checks the state the reviewer saw: of two reviewers acting at once, the first
wins and the second is told what happened. Every change writes its audit entry in the same
transaction.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from kaifang.platform import audit
from kaifang.platform.access import Actor
from kaifang.platform.errors import NotFound, Refused
from kaifang.platform.ledger.access import (
    get_measure,
    is_visible,
    require_editor,
    require_reviewer,
)
from kaifang.platform.ledger.models import (
    STATUSES,
    LedgerMeasure,
    LedgerReport,
    LedgerReportReview,
    LedgerReportVersion,
)
from kaifang.platform.ledger.store import check_period, current_versions
from kaifang.platform.models import utcnow

MAX_NARRATIVE = 4000
MAX_COMMENT = 2000
EDITABLE = ("draft", "returned")
# (state, action) -> next state
TRANSITIONS = {
    ("draft", "submit"): "submitted",
    ("returned", "submit"): "submitted",
    ("submitted", "approve"): "approved",
    ("submitted", "return"): "returned",
}


@dataclass(frozen=True)
class ReportContent:
    """What a department reports for a period."""

    status: str
    percent: float
    narrative_zh: str | None = None
    narrative_en: str | None = None


def find_report(
    session: Session, actor: Actor, measure_id: str, period: str, lock: bool = False
) -> LedgerReport | None:
    """The report of a visible measure for ``period``, or ``None`` when none was written."""
    get_measure(session, actor, measure_id)
    query = select(LedgerReport).where(
        LedgerReport.measure_id == measure_id, LedgerReport.period == period
    )
    if lock:
        query = query.with_for_update(of=LedgerReport)
    return session.scalar(query)


def get_report(session: Session, actor: Actor, report_id: int, lock: bool = False) -> LedgerReport:
    """A report of a visible measure, or ``NotFound``."""
    query = select(LedgerReport).where(
        LedgerReport.id == report_id, is_visible(LedgerReport.measure_id, actor)
    )
    if lock:
        query = query.with_for_update(of=LedgerReport)
    found = session.scalar(query)
    if found is None:
        raise NotFound("report")
    return found


def reports_of(session: Session, actor: Actor, measure_id: str) -> list[LedgerReport]:
    """The reports of a visible measure, newest period first."""
    get_measure(session, actor, measure_id)
    return list(
        session.scalars(
            select(LedgerReport)
            .where(LedgerReport.measure_id == measure_id)
            .order_by(LedgerReport.period.desc())
        )
    )


def versions_of(session: Session, actor: Actor, report_id: int) -> list[LedgerReportVersion]:
    """Every version of a report, newest first (who, when, what)."""
    report = get_report(session, actor, report_id)
    return list(
        session.scalars(
            select(LedgerReportVersion)
            .where(LedgerReportVersion.report_id == report.id)
            .order_by(LedgerReportVersion.version.desc())
        )
    )


def reviews_of(session: Session, actor: Actor, report_id: int) -> list[LedgerReportReview]:
    """The workflow steps of a report, newest first."""
    report = get_report(session, actor, report_id)
    return list(
        session.scalars(
            select(LedgerReportReview)
            .where(LedgerReportReview.report_id == report.id)
            .order_by(LedgerReportReview.id.desc())
        )
    )


def current_content(session: Session, report: LedgerReport) -> LedgerReportVersion | None:
    return current_versions(session, [report.id]).get(report.id)


def _clean(text: str | None) -> str | None:
    if text is None:
        return None
    text = text.strip()
    if len(text) > MAX_NARRATIVE:
        raise Refused("narrative_too_long", limit=MAX_NARRATIVE)
    return text or None


def _locked(report: LedgerReport) -> Refused:
    return Refused(
        "report_locked",
        state=report.state,
        at=report.updated_at.strftime("%Y-%m-%d %H:%M") if report.updated_at else "",
    )


def save_report(
    session: Session,
    actor: Actor,
    measure_id: str,
    period: str,
    content: ReportContent,
    *,
    revision: int | None = None,
    source: str = "form",
) -> LedgerReport:
    """Write a new version of a measure's report for ``period`` (created as a draft if absent).

    Only the lead department's fillers (and the administrator) write; a submitted or approved
    report is not editable; a returned one becomes a draft again. ``revision`` is the report's
    revision the form was drawn with: a stale form is refused. Contents equal to the current
    version write nothing.
    """
    measure = get_measure(session, actor, measure_id)
    require_editor(session, actor, measure)
    if content.status not in STATUSES:
        raise Refused("bad_status", status=str(content.status)[:30])
    percent = float(content.percent)
    if not 0 <= percent <= 100:  # NaN fails too
        raise Refused("bad_percent")
    narrative_zh, narrative_en = _clean(content.narrative_zh), _clean(content.narrative_en)
    check_period(session, measure, period)
    report = find_report(session, actor, measure_id, period, lock=True)
    if report is None:
        report = LedgerReport(
            measure_id=measure_id, period=period, state="draft", revision=0, updated_by=actor.id
        )
        session.add(report)
        session.flush()
    if report.state == "approved":
        raise _locked(report)
    if report.state not in EDITABLE:
        raise Refused("report_not_editable", state=report.state)
    if revision is not None and revision != report.revision:
        raise Refused("stale_form", revision=report.revision)
    old = current_content(session, report)
    new = (content.status, percent, narrative_zh, narrative_en)
    if old is not None and (old.status, old.percent, old.narrative_zh, old.narrative_en) == new:
        return report
    version = (old.version + 1) if old else 1
    session.add(
        LedgerReportVersion(
            report_id=report.id,
            measure_id=measure_id,
            version=version,
            status=content.status,
            percent=percent,
            narrative_zh=narrative_zh,
            narrative_en=narrative_en,
            reason=source,
            author_id=actor.id,
        )
    )
    before_state = report.state
    report.state = "draft"
    report.revision += 1
    report.updated_at = utcnow()
    report.updated_by = actor.id
    session.flush()
    audit.record(
        session,
        actor_id=actor.id,
        actor=actor.username,
        action="ledger_report_save",
        object_type="ledger_report",
        object_id=f"{measure_id}/{period}",
        region=measure.home_region,
        before=None if old is None else _content(old, before_state),
        after={
            "version": version,
            "state": "draft",
            "status": content.status,
            "percent": percent,
            "narrative_zh": narrative_zh,
            "narrative_en": narrative_en,
        },
        reason=source,
    )
    return report


def _content(v: LedgerReportVersion, state: str) -> dict[str, object]:
    return {
        "version": v.version,
        "state": state,
        "status": v.status,
        "percent": v.percent,
        "narrative_zh": v.narrative_zh,
        "narrative_en": v.narrative_en,
    }


def _transition(
    session: Session,
    actor: Actor,
    report: LedgerReport,
    measure: LedgerMeasure,
    action: str,
    comment: str | None,
) -> LedgerReport:
    from_state = report.state
    to_state = TRANSITIONS[(from_state, action)]
    report.state = to_state
    report.revision += 1
    report.updated_at = utcnow()
    report.updated_by = actor.id
    if action == "return":
        report.returned_comment = comment
    elif action == "submit":
        report.returned_comment = None
    session.add(
        LedgerReportReview(
            report_id=report.id,
            measure_id=report.measure_id,
            action=action,
            from_state=from_state,
            to_state=to_state,
            comment=comment,
            actor_id=actor.id,
        )
    )
    if action == "submit":
        current = current_content(session, report)
        if current is not None and current.submitted is None:
            # the day it was submitted is part of the version shown in the officials' sheet;
            # versions are never updated, so the submitted day goes into a new version
            session.add(
                LedgerReportVersion(
                    report_id=report.id,
                    measure_id=report.measure_id,
                    version=current.version + 1,
                    status=current.status,
                    percent=current.percent,
                    narrative_zh=current.narrative_zh,
                    narrative_en=current.narrative_en,
                    submitted=dt.date.today(),
                    reason="submit",
                    author_id=actor.id,
                )
            )
    session.flush()
    audit.record(
        session,
        actor_id=actor.id,
        actor=actor.username,
        action=f"ledger_report_{action}",
        object_type="ledger_report",
        object_id=f"{report.measure_id}/{report.period}",
        region=measure.home_region,
        before={"state": from_state},
        after={"state": to_state},
        reason=comment,
    )
    return report


def submit_report(
    session: Session, actor: Actor, report_id: int, revision: int | None = None
) -> LedgerReport:
    """Submit a draft (or a returned report that was edited) for review."""
    report = get_report(session, actor, report_id, lock=True)
    measure = get_measure(session, actor, report.measure_id)
    require_editor(session, actor, measure)
    if report.state == "approved":
        raise _locked(report)
    if report.state not in EDITABLE:
        raise Refused("state_changed", state=report.state)
    if revision is not None and revision != report.revision:
        raise Refused("stale_form", revision=report.revision)
    if current_content(session, report) is None:
        raise Refused("nothing_entered")
    return _transition(session, actor, report, measure, "submit", None)


def review_report(
    session: Session,
    actor: Actor,
    report_id: int,
    action: str,
    *,
    seen_state: str,
    comment: str | None = None,
) -> LedgerReport:
    """Approve or return (with a comment) a submitted report that is in ``seen_state``."""
    comment = (comment or "").strip()[:MAX_COMMENT] or None
    report = get_report(session, actor, report_id, lock=True)
    measure = get_measure(session, actor, report.measure_id)
    require_reviewer(session, actor, measure)
    if action not in ("approve", "return"):
        raise Refused("bad_transition", state=seen_state, action=action[:20])
    if report.state != seen_state:
        raise Refused("state_changed", state=report.state)
    if (seen_state, action) not in TRANSITIONS:
        raise Refused("bad_transition", state=seen_state, action=action)
    if action == "return" and comment is None:
        raise Refused("comment_needed")
    return _transition(session, actor, report, measure, action, comment)
