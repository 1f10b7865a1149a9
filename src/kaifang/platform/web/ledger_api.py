"""The ledger's JSON API (``/api/v1/ledger``), in the style of :mod:`.api`: personal tokens or
the page's session cookie with its CSRF token; scope enforced by the service layer (a measure
out of scope is 404, as absent); every refusal is JSON with a message key and text.

The evaluation (reported vs derived status, reminders) runs :func:`kaifang.ledger.evaluate_ledger`
on the actor's ledger; with the instance's assessment linked its indicator evidence takes seconds
(it projects the series), so the evidence is cached per scope and assessment, and the whole
evaluation per scope, day and ledger state (any saved report, review or measure edit changes
the state).
"""

from __future__ import annotations

import datetime as dt
import tempfile
import threading
from collections import OrderedDict
from pathlib import Path
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Header, Query, Request
from fastapi.responses import FileResponse, Response
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from kaifang.ledger import evaluate_ledger
from kaifang.ledger.evaluate import LedgerStatus
from kaifang.ledger.excel import write_ledger_workbook
from kaifang.ledger.filters import Filters, filter_measures
from kaifang.ledger.load import Ledger
from kaifang.limits import MB
from kaifang.platform.access import Actor
from kaifang.platform.errors import Refused
from kaifang.platform.instance import Platform
from kaifang.platform.ledger import access, attachments, reports, store
from kaifang.platform.ledger.models import (
    LedgerMeasure,
    LedgerMilestone,
    LedgerReportReview,
    LedgerReportVersion,
)
from kaifang.platform.web.api import _viewer
from kaifang.platform.web.security import platform_of

router = APIRouter(prefix="/api/v1/ledger", tags=["ledger"])
CsrfHeader = Annotated[str | None, Header(alias="X-CSRF-Token")]
Status = Literal["not_started", "on_track", "at_risk", "delayed", "done"]
Id = Annotated[str, Field(max_length=64)]
Text = Annotated[str, Field(max_length=reports.MAX_NARRATIVE)]
Revision = Annotated[int, Field(ge=0, le=2**31 - 1)]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ReportIn(Strict):
    status: Status
    percent: float = Field(ge=0, le=100, allow_inf_nan=False)
    narrative_zh: Text | None = None
    narrative_en: Text | None = None
    revision: Revision | None = None


class SubmitIn(Strict):
    revision: Revision | None = None


class ReviewIn(Strict):
    action: Literal["approve", "return"]
    seen_state: Literal["draft", "submitted", "returned", "approved"]
    comment: str | None = Field(default=None, max_length=reports.MAX_COMMENT)


class MeasureEdit(Strict):
    start: dt.date | None = None
    deadline: dt.date | None = None
    lead: Id | None = None
    cooperating: list[Id] | None = Field(default=None, max_length=50)
    revision: Revision | None = None
    reason: str | None = Field(default=None, max_length=reports.MAX_COMMENT)


class TooLarge(Refused):
    status = 413


# ------------------------------------------------------------------------------ evaluation

_CACHE_SIZE = 32
_cache: OrderedDict[tuple[Any, ...], tuple[Ledger, LedgerStatus]] = OrderedDict()
_cache_lock = threading.Lock()
_assessments: dict[str, tuple[float, Any]] = {}


def _assessment(platform: Platform) -> Any:
    """The instance's assessment, reloaded when its config file changes."""
    config = platform.folder / "assessment.yaml"
    stamp = config.stat().st_mtime if config.is_file() else 0.0
    key = str(platform.folder)
    found = _assessments.get(key)
    if found is None or found[0] != stamp:
        found = (stamp, store.instance_assessment(platform.folder))
        _assessments[key] = found
    return found[1]


def _ledger_state(session: Session) -> tuple[Any, ...]:
    """What changes whenever anything the evaluation reads changes."""
    return (
        session.scalar(select(func.max(LedgerReportVersion.id))),
        session.scalar(select(func.max(LedgerReportReview.id))),
        session.scalar(select(func.sum(LedgerMeasure.revision))),
        session.scalar(select(func.count()).select_from(LedgerMilestone)),
    )


def evaluated(
    platform: Platform, session: Session, actor: Actor, as_of: dt.date | None
) -> tuple[Ledger, LedgerStatus]:
    """The actor's ledger and its evaluation on ``as_of`` (default: the ledger's as-of day,
    else today), cached."""
    assessment = _assessment(platform)
    key = (
        str(platform.folder),
        tuple(actor.prefixes) if not actor.everywhere else ("*",),
        as_of,
        dt.date.today(),
        id(assessment),
        _ledger_state(session),
    )
    with _cache_lock:
        if key in _cache:
            _cache.move_to_end(key)
            return _cache[key]
    ledger = store.read_ledger(session, actor, assessment=assessment)
    # the indicator evidence (seconds: it projects the series) depends on the links and the
    # assessment only: evaluate_ledger remembers it, so a saved report does not recompute it
    status = evaluate_ledger(ledger, as_of)
    with _cache_lock:
        _cache[key] = (ledger, status)
        while len(_cache) > _CACHE_SIZE:
            _cache.popitem(last=False)
    return ledger, status


def _plain(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value != value:
        return None
    if hasattr(value, "item"):  # numpy scalars
        return value.item()
    return value


def _records(frame: Any) -> list[dict[str, Any]]:
    return [{k: _plain(v) for k, v in row.items()} for row in frame.to_dict("records")]


# ---------------------------------------------------------------------------------- reading


@router.get("/measures")
def measures(
    request: Request,
    department: Annotated[str | None, Query(max_length=64)] = None,
    region: Annotated[str | None, Query(max_length=12)] = None,
    status: Status | None = None,
    reported: Status | None = None,
    deadline_before: dt.date | None = None,
    as_of: dt.date | None = None,
) -> dict[str, Any]:
    """The measures the user sees with reported and derived status, filtered: ``department``
    leads or cooperates, ``region`` is one of the measure's regions, ``status`` is the derived
    status, ``reported`` the reported one, the deadline is before ``deadline_before``."""
    viewer = _viewer(request, None, False)
    platform = platform_of(request)
    with platform.read(viewer.actor) as session:
        ledger, evaluation = evaluated(platform, session, viewer.actor, as_of)
    where = Filters(department or "", region or "", status or "", reported or "", deadline_before)
    chosen = filter_measures(evaluation.measures, where)
    rows = _records(chosen) if len(chosen) else []
    return {
        "as_of": evaluation.as_of.isoformat(),
        "simulated_progress": evaluation.simulated,
        "title": {"zh": ledger.file.title.zh, "en": ledger.file.title.en},
        "measures": rows,
    }


def _report_json(session: Session, actor: Actor, report: Any) -> dict[str, Any]:
    current = reports.current_content(session, report)
    return {
        "id": report.id,
        "period": report.period,
        "state": report.state,
        "revision": report.revision,
        "returned_comment": report.returned_comment,
        "content": None
        if current is None
        else {
            "version": current.version,
            "status": current.status,
            "percent": current.percent,
            "narrative_zh": current.narrative_zh,
            "narrative_en": current.narrative_en,
            "submitted": _plain(current.submitted),
        },
        "attachments": [
            {
                "id": a.id,
                "name": a.filename,
                "type": a.content_type,
                "size": a.size,
                "sha256": a.sha256,
            }
            for a in attachments.attachments_of(session, actor, report.id)
        ],
    }


@router.get("/measures/{measure_id}")
def measure(request: Request, measure_id: str) -> dict[str, Any]:
    """One measure: its place, departments, span, milestones, indicator links and reports."""
    viewer = _viewer(request, None, False)
    actor = viewer.actor
    with platform_of(request).read(actor) as session:
        m = access.get_measure(session, actor, measure_id)
        ledger = store.read_ledger(session, actor)
        flat = ledger.measure(m.id).measure
        return {
            "id": m.id,
            "parent": m.parent_id,
            "name": {"zh": m.name_zh, "en": m.name_en},
            "lead": m.lead_id,
            "cooperating": list(m.cooperating),
            "regions": access.measure_regions(session, m.id),
            "start": m.start.isoformat(),
            "deadline": m.deadline.isoformat(),
            "revision": m.revision,
            "milestones": [
                {
                    "id": ms.id,
                    "name": {"zh": ms.name.zh, "en": ms.name.en},
                    "due": ms.due.isoformat(),
                    "done": _plain(ms.done),
                }
                for ms in flat.milestones
            ],
            "indicators": [link.model_dump(mode="json") for link in flat.indicators],
            "reports": [
                _report_json(session, actor, r) for r in reports.reports_of(session, actor, m.id)
            ],
            "can_edit": access.can_edit(session, actor, m),
            "can_review": access.can_review(session, actor, m),
        }


@router.get("/reminders")
def reminders(request: Request, as_of: dt.date | None = None) -> dict[str, Any]:
    """Reports due or overdue (of the measures the user sees), grouped by department."""
    viewer = _viewer(request, None, False)
    platform = platform_of(request)
    with platform.read(viewer.actor) as session:
        _, evaluation = evaluated(platform, session, viewer.actor, as_of)
    grouped: dict[str, dict[str, Any]] = {}
    for row in _records(evaluation.reminders) if len(evaluation.reminders) else []:
        entry = grouped.setdefault(
            row["department"],
            {
                "department": row["department"],
                "name": {"zh": row["department_zh"], "en": row["department_en"]},
                "reports": [],
            },
        )
        entry["reports"].append(
            {k: row[k] for k in ("measure", "measure_zh", "measure_en", "period", "due", "state")}
            | {"days_overdue": row["days_overdue"]}
        )
    return {"as_of": evaluation.as_of.isoformat(), "departments": list(grouped.values())}


@router.get("/export.xlsx")
def export(request: Request, as_of: dt.date | None = None) -> Response:
    """The officials' workbook (序号, 任务, 牵头单位, 配合单位, 完成时限, 进展情况, 状态) of the
    measures the user sees."""
    viewer = _viewer(request, None, False)
    platform = platform_of(request)
    with platform.read(viewer.actor) as session:
        ledger, evaluation = evaluated(platform, session, viewer.actor, as_of)
    with tempfile.TemporaryDirectory(prefix="kaifang-ledger-") as tmp:
        path = Path(tmp) / "ledger.xlsx"
        write_ledger_workbook(path, ledger, evaluation)
        content = path.read_bytes()
    name = "ledger_SIMULATED.xlsx" if evaluation.simulated else "ledger.xlsx"
    return Response(
        content,
        media_type=XLSX,
        headers={"content-disposition": f'attachment; filename="{name}"'},
    )


@router.get("/attachments/{attachment_id}")
def download(request: Request, attachment_id: int) -> Response:
    """An attachment's bytes: always a download (never shown inline), its checked type, nosniff."""
    viewer = _viewer(request, None, False)
    platform = platform_of(request)
    with platform.read(viewer.actor) as session:
        stored = attachments.open_attachment(session, viewer.actor, platform.folder, attachment_id)
    return FileResponse(
        stored.path,
        media_type=stored.attachment.content_type,
        filename=stored.attachment.filename,
        content_disposition_type="attachment",
        headers={"x-content-type-options": "nosniff"},
    )


# ---------------------------------------------------------------------------------- writing


def _report_of(session: Session, actor: Actor, measure_id: str, period: str) -> Any:
    found = reports.find_report(session, actor, measure_id, period[:10])
    if found is None:
        raise Refused("not_found", what="report")
    return found


@router.put("/measures/{measure_id}/reports/{period}")
def save(
    request: Request,
    measure_id: str,
    period: str,
    body: ReportIn,
    x_csrf_token: CsrfHeader = None,
) -> dict[str, Any]:
    """Write the measure's report for ``period`` (a new version; the report becomes a draft)."""
    viewer = _viewer(request, x_csrf_token, True)
    with platform_of(request).tx(viewer.actor) as session:
        report = reports.save_report(
            session,
            viewer.actor,
            measure_id,
            period[:10],
            reports.ReportContent(body.status, body.percent, body.narrative_zh, body.narrative_en),
            revision=body.revision,
            source="api",
        )
        return _report_json(session, viewer.actor, report)


@router.post("/measures/{measure_id}/reports/{period}/submit")
def submit(
    request: Request,
    measure_id: str,
    period: str,
    body: SubmitIn,
    x_csrf_token: CsrfHeader = None,
) -> dict[str, Any]:
    viewer = _viewer(request, x_csrf_token, True)
    with platform_of(request).tx(viewer.actor) as session:
        report = _report_of(session, viewer.actor, measure_id, period)
        done = reports.submit_report(session, viewer.actor, report.id, body.revision)
        return {"id": done.id, "state": done.state, "revision": done.revision}


@router.post("/measures/{measure_id}/reports/{period}/review")
def review(
    request: Request,
    measure_id: str,
    period: str,
    body: ReviewIn,
    x_csrf_token: CsrfHeader = None,
) -> dict[str, Any]:
    viewer = _viewer(request, x_csrf_token, True)
    with platform_of(request).tx(viewer.actor) as session:
        report = _report_of(session, viewer.actor, measure_id, period)
        done = reports.review_report(
            session,
            viewer.actor,
            report.id,
            body.action,
            seen_state=body.seen_state,
            comment=body.comment,
        )
        return {"id": done.id, "state": done.state, "revision": done.revision}


async def read_limited(request: Request, limit: int) -> bytes:
    """The request body, refused (413) as soon as it is known to exceed ``limit``: by its
    declared length before reading anything, else while it streams in."""
    declared = request.headers.get("content-length")
    if declared is not None and (not declared.isdigit() or int(declared) > limit):
        raise TooLarge("attachment_too_large", mb=f"{limit / MB:g}")
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise TooLarge("attachment_too_large", mb=f"{limit / MB:g}")
        chunks.append(chunk)
    return b"".join(chunks)


def _upload_target(platform: Platform, actor: Actor, measure_id: str, period: str) -> int:
    """The report an upload goes to, refused before a byte of the body is read."""
    with platform.read(actor) as session:
        report = _report_of(session, actor, measure_id, period)
        access.require_editor(session, actor, access.get_measure(session, actor, measure_id))
        return int(report.id)


def _store_upload(
    platform: Platform, actor: Actor, report_id: int, name: str, data: bytes, limit: int
) -> dict[str, Any]:
    with platform.tx(actor) as session:
        row = attachments.attach(
            session, actor, platform.folder, report_id, name, data, limit=limit
        )
        return {
            "id": row.id,
            "name": row.filename,
            "type": row.content_type,
            "size": row.size,
            "sha256": row.sha256,
        }


@router.post("/measures/{measure_id}/reports/{period}/attachments")
async def upload(
    request: Request,
    measure_id: str,
    period: str,
    name: Annotated[str, Query(min_length=1, max_length=255)],
    x_csrf_token: CsrfHeader = None,
) -> dict[str, Any]:
    """Attach the request body (the file's bytes) to the report, named ``name``."""
    viewer = await run_in_threadpool(_viewer, request, x_csrf_token, True)
    platform = platform_of(request)
    limit = attachments.max_bytes(platform.folder)
    report_id = await run_in_threadpool(_upload_target, platform, viewer.actor, measure_id, period)
    data = await read_limited(request, limit)
    return await run_in_threadpool(
        _store_upload, platform, viewer.actor, report_id, name, data, limit
    )


@router.patch("/measures/{measure_id}")
def edit(
    request: Request, measure_id: str, body: MeasureEdit, x_csrf_token: CsrfHeader = None
) -> dict[str, Any]:
    """The administrator changes a measure's span or departments."""
    viewer = _viewer(request, x_csrf_token, True)
    with platform_of(request).tx(viewer.actor) as session:
        m = store.edit_measure(
            session,
            viewer.actor,
            measure_id,
            start=body.start,
            deadline=body.deadline,
            lead=body.lead,
            cooperating=body.cooperating,
            revision=body.revision,
            reason=body.reason,
        )
        return {
            "id": m.id,
            "start": m.start.isoformat(),
            "deadline": m.deadline.isoformat(),
            "lead": m.lead_id,
            "cooperating": list(m.cooperating),
            "revision": m.revision,
        }


class MilestoneEdit(Strict):
    due: dt.date | None = None
    done: dt.date | None = None
    reopen: bool = False


@router.patch("/measures/{measure_id}/milestones/{milestone_id}")
def edit_milestone(
    request: Request,
    measure_id: str,
    milestone_id: str,
    body: MilestoneEdit,
    x_csrf_token: CsrfHeader = None,
) -> dict[str, Any]:
    """The administrator moves a milestone's due day, marks it done, or reopens it."""
    viewer = _viewer(request, x_csrf_token, True)
    with platform_of(request).tx(viewer.actor) as session:
        ms = store.set_milestone(
            session,
            viewer.actor,
            measure_id,
            milestone_id[:64],
            due=body.due,
            done=body.done,
            reopen=body.reopen,
        )
        return {"id": ms.id, "due": ms.due.isoformat(), "done": _plain(ms.done)}
