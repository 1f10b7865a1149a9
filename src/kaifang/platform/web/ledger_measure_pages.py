"""A measure's page: its milestones, progress reports, indicator charts and audit history, with
the report form (lead department's fillers) and the review form (reviewers).

Pages call the ledger's service functions (scope and role are checked there: a measure out of
scope is 404, as one that does not exist); forms carry the session's CSRF token; a refused form
is drawn again with the entered values and the message next to its field, nothing saved.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy import select
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from kaifang.ledger.model import STATUSES, periods_between
from kaifang.limits import MB
from kaifang.platform import review
from kaifang.platform.errors import NotFound, Refused
from kaifang.platform.ledger import access, attachments, reports
from kaifang.platform.models import Region
from kaifang.platform.web.ledger_api import evaluated
from kaifang.platform.web.ledger_charts import measure_charts
from kaifang.platform.web.messages import MESSAGES, t
from kaifang.platform.web.pages import form_data, need_viewer, redirect
from kaifang.platform.web.render import lang_of, refusal_text, render
from kaifang.platform.web.security import Viewer, platform_of

router = APIRouter(include_in_schema=False)


# which field of the report form a refusal of the service layer is about
FIELD_OF = {
    "bad_status": "status",
    "bad_percent": "percent",
    "narrative_too_long": "narrative",
    "bad_report_period": "period",
    "period_outside_span": "period",
    "attachment_too_large": "attachment",
    "attachment_empty": "attachment",
    "attachment_type": "attachment",
    "attachment_mismatch": "attachment",
    "attachment_unsafe_zip": "attachment",
    "attachment_macros": "attachment",
    "comment_needed": "comment",
}
MESSAGES_SHOWN = ("report_saved", "report_submitted", "report_reviewed")


def region_names(session: Any, lang: str) -> dict[str, str]:
    return {
        r.code: (r.name_zh if lang == "zh" else r.name_en) for r in session.scalars(select(Region))
    }


def page_message(request: Request) -> str | None:
    key = request.query_params.get("message")
    return t(key, lang_of(request)) if key in MESSAGES_SHOWN else None


# ------------------------------------------------------------------------------- a measure


@dataclass
class ReportForm:
    """The report form's contents and the problems found with them, field by field."""

    period: str = ""
    status: str = ""
    percent: str = ""
    narrative_zh: str = ""
    narrative_en: str = ""
    revision: str = ""
    errors: dict[str, str] = field(default_factory=dict)


@dataclass
class ReviewForm:
    report_id: int = 0
    comment: str = ""
    errors: dict[str, str] = field(default_factory=dict)


def next_period(periods: list[str], states: dict[str, str]) -> str:
    """The period a new report is most likely for: the first after the last one already
    submitted or approved (the last period when every one is)."""
    done = [i for i, p in enumerate(periods) if states.get(p) in ("submitted", "approved")]
    following = (done[-1] + 1) if done else 0
    return periods[min(following, len(periods) - 1)]


def measure_context(
    request: Request,
    viewer: Viewer,
    measure_id: str,
    form: ReportForm | None = None,
    review_form: ReviewForm | None = None,
) -> dict[str, Any]:
    """Everything the measure page shows, read in one transaction."""
    platform = platform_of(request)
    actor = viewer.actor
    lang = lang_of(request)
    with platform.read(actor) as session:
        m = access.get_measure(session, actor, measure_id)
        ledger, status = evaluated(platform, session, actor, None)
        names = region_names(session, lang)
        frequency = ledger.file.reporting.frequency
        found: list[dict[str, Any]] = []
        for report in reports.reports_of(session, actor, m.id):
            found.append(
                {
                    "report": report,
                    "current": reports.current_content(session, report),
                    "versions": reports.versions_of(session, actor, report.id),
                    "reviews": reports.reviews_of(session, actor, report.id),
                    "attachments": attachments.attachments_of(session, actor, report.id),
                }
            )
        can_edit = access.can_edit(session, actor, m)
        can_review = access.can_review(session, actor, m)
        history: list[Any] | None = None
        if actor.can("read_audit"):
            entries = review.audit_entries(
                session, actor, review.AuditFilter(object_id=m.id), limit=200
            )
            history = [
                e for e in entries if e.object_id == m.id or e.object_id.startswith(m.id + "/")
            ]
        regions = access.measure_regions(session, m.id)
        limit = attachments.max_bytes(platform.folder)
        start, deadline, parent = m.start, m.deadline, m.parent_id
    rows = status.measures[status.measures["id"] == m.id]
    if rows.empty:  # visible as a row but not in the user's ledger: the same answer as absent
        raise NotFound("measure")
    row = rows.iloc[0].to_dict()
    above = status.measures[status.measures["id"] == parent]
    parent_name = (
        str(above.iloc[0]["name_zh" if lang == "zh" else "name_en"]) if len(above) else parent
    )
    milestones = status.milestones[status.milestones["measure"] == m.id].to_dict("records")
    periods = periods_between(start, deadline, frequency)
    milestone_names = {ms["id"]: ms["name_zh" if lang == "zh" else "name_en"] for ms in milestones}
    if history is not None:
        history = [
            {
                "at": e.at,
                "actor": e.actor,
                "action": e.action,
                "about": _about(e.object_id, m.id, milestone_names, lang),
                "reason": _reason(e.reason, lang),
            }
            for e in history
        ]
    if form is None:
        form = ReportForm(period=request.query_params.get("period") or "")
        if form.period not in periods:
            states = {i["report"].period: i["report"].state for i in found}
            form.period = next_period(periods, states)
        for item in found:
            report = item["report"]
            if report.period == form.period and item["current"] is not None:
                current = item["current"]
                form.status = current.status
                form.percent = f"{current.percent:g}"
                form.narrative_zh = current.narrative_zh or ""
                form.narrative_en = current.narrative_en or ""
                form.revision = str(report.revision)
    editing = next((i["report"] for i in found if i["report"].period == form.period), None)
    return {
        "measure": row,
        "measure_id": m.id,
        "parent": parent,
        "parent_name": parent_name,
        "regions": [(c, names.get(c, c)) for c in regions],
        "as_of": status.as_of.isoformat(),
        "simulated_progress": status.simulated,
        "milestones": milestones,
        "reports": found,
        "charts": measure_charts(ledger, status, m.id, lang, names, _chart_words(lang)),
        "history": history,
        "can_edit": can_edit,
        "can_review": can_review,
        "editing_state": editing.state if editing is not None else "none",
        "form": form,
        "review_form": review_form or ReviewForm(),
        "periods": periods,
        "statuses": STATUSES,
        "max_mb": f"{limit / MB:g}",
        "target_label": lambda key: _target_label(key, lang),
    }


def _chart_words(lang: str) -> dict[str, str]:
    return {w: t(f"chart_{w}", lang) for w in ("actual", "path", "median", "total")}


def _about(object_id: str, measure_id: str, milestones: dict[str, str], lang: str) -> str:
    """What an audit entry of the measure is about, in words: the measure, a milestone's name
    or a report's period (never an internal id)."""
    if object_id == measure_id:
        return t("whole_measure", lang)
    part = object_id[len(measure_id) + 1 :]
    return milestones.get(part, part)


def _reason(reason: str | None, lang: str) -> str:
    """An audit entry's reason: the source of a change in words, a reviewer's comment as is."""
    if not reason:
        return ""
    key = f"audit_reason_{reason}"
    return t(key, lang) if key in MESSAGES else reason


def _target_label(key: str, lang: str) -> str:
    name = f"target_status_{key}"
    return t(name, lang) if name in MESSAGES else key


def _measure_page(
    request: Request,
    viewer: Viewer,
    measure_id: str,
    *,
    status: int = 200,
    form: ReportForm | None = None,
    review_form: ReviewForm | None = None,
    error: str | None = None,
) -> Response:
    context = measure_context(request, viewer, measure_id, form, review_form)
    return render(
        request,
        "ledger_measure.html",
        viewer,
        "ledger",
        status=status,
        error=error,
        message=page_message(request) if error is None else None,
        **context,
    )


@router.get("/ledger/measures/{measure_id}", response_class=HTMLResponse)
def measure_page(request: Request, measure_id: str) -> Response:
    viewer = need_viewer(request)
    return _measure_page(request, viewer, measure_id[:64])


def _text(form: dict[str, Any], name: str, limit: int) -> str:
    value = form.get(name)
    return str(value)[:limit] if isinstance(value, str) else ""


def _read_report_form(form: dict[str, Any], lang: str) -> tuple[ReportForm, float | None]:
    """The report form's fields, and the percent as a number when it is one."""
    limit = reports.MAX_NARRATIVE + 1
    entered = ReportForm(
        period=_text(form, "period", 10),
        status=_text(form, "status", 20),
        percent=_text(form, "percent", 20).strip(),
        narrative_zh=_text(form, "narrative_zh", limit),
        narrative_en=_text(form, "narrative_en", limit),
        revision=_text(form, "revision", 12),
    )
    if not entered.status:
        entered.errors["status"] = t("field_required", lang)
    percent: float | None = None
    if not entered.percent:
        entered.errors["percent"] = t("field_required", lang)
    else:
        try:
            percent = float(entered.percent)
        except ValueError:
            percent = None
        if percent is None or not 0 <= percent <= 100:
            entered.errors["percent"] = t("bad_percent", lang)
            percent = None
    return entered, percent


def _save_report(
    request: Request,
    viewer: Viewer,
    measure_id: str,
    entered: ReportForm,
    percent: float,
    upload: tuple[str, bytes] | None,
    then_submit: bool,
) -> None:
    """Save the report, attach the file and (when asked) submit, all in one transaction."""
    platform = platform_of(request)
    revision = int(entered.revision) if entered.revision.isdigit() else None
    with platform.tx(viewer.actor) as session:
        report = reports.save_report(
            session,
            viewer.actor,
            measure_id,
            entered.period,
            reports.ReportContent(
                entered.status, percent, entered.narrative_zh or None, entered.narrative_en or None
            ),
            revision=revision,
            source="form",
        )
        if upload is not None:
            name, data = upload
            attachments.attach(session, viewer.actor, platform.folder, report.id, name, data)
        if then_submit:
            reports.submit_report(session, viewer.actor, report.id)


@router.post("/ledger/measures/{measure_id}/report")
async def save_report(request: Request, measure_id: str) -> Response:
    """The report form: save a draft (or save and submit), with an optional attachment."""
    viewer = need_viewer(request)
    measure_id = measure_id[:64]
    form = await form_data(request, viewer)
    lang = lang_of(request)
    entered, percent = _read_report_form(form, lang)
    platform = platform_of(request)
    limit = attachments.max_bytes(platform.folder)
    upload: tuple[str, bytes] | None = None
    file = form.get("attachment")
    if isinstance(file, UploadFile) and file.filename:
        data = await file.read(limit + 1)
        if len(data) > limit:
            entered.errors["attachment"] = refusal_text(
                Refused("attachment_too_large", mb=f"{limit / MB:g}"), lang
            )
        else:
            upload = (str(file.filename), data)
    if entered.errors or percent is None:
        return await run_in_threadpool(
            _form_refused, request, viewer, measure_id, entered, None, lang
        )
    action = str(form.get("action") or "save")
    try:
        await run_in_threadpool(
            _save_report,
            request,
            viewer,
            measure_id,
            entered,
            percent,
            upload,
            action == "submit",
        )
    except Refused as exc:
        if exc.status in (403, 404):
            raise
        where = FIELD_OF.get(exc.key, "form")
        entered.errors[where] = refusal_text(exc, lang)
        return await run_in_threadpool(
            _form_refused, request, viewer, measure_id, entered, None, lang
        )
    message = "report_submitted" if action == "submit" else "report_saved"
    return redirect(request, f"/ledger/measures/{measure_id}", message=message)


def _form_refused(
    request: Request,
    viewer: Viewer,
    measure_id: str,
    entered: ReportForm | None,
    review_form: ReviewForm | None,
    lang: str,
) -> Response:
    return _measure_page(
        request,
        viewer,
        measure_id,
        status=422,
        form=entered,
        review_form=review_form,
        error=t("form_has_errors", lang),
    )


def _report_for(session: Any, viewer: Viewer, measure_id: str, period: str) -> Any:
    found = reports.find_report(session, viewer.actor, measure_id, period)
    if found is None:
        raise Refused("not_found", what="report")
    return found


@router.post("/ledger/measures/{measure_id}/reports/{period}/submit")
async def submit_report(request: Request, measure_id: str, period: str) -> Response:
    viewer = need_viewer(request)
    form = await form_data(request, viewer)
    revision = _text(form, "revision", 12)
    measure_id, period = measure_id[:64], period[:10]

    def submit() -> None:
        with platform_of(request).tx(viewer.actor) as session:
            report = _report_for(session, viewer, measure_id, period)
            reports.submit_report(
                session, viewer.actor, report.id, int(revision) if revision.isdigit() else None
            )

    await run_in_threadpool(submit)
    return redirect(request, f"/ledger/measures/{measure_id}", message="report_submitted")


@router.post("/ledger/measures/{measure_id}/reports/{period}/review")
async def review_report(request: Request, measure_id: str, period: str) -> Response:
    viewer = need_viewer(request)
    form = await form_data(request, viewer)
    measure_id, period = measure_id[:64], period[:10]
    action = _text(form, "action", 20)
    comment = _text(form, "comment", reports.MAX_COMMENT + 1)
    seen = _text(form, "seen_state", 20)
    lang = lang_of(request)

    def decide() -> int:
        with platform_of(request).tx(viewer.actor) as session:
            report = _report_for(session, viewer, measure_id, period)
            reports.review_report(
                session, viewer.actor, report.id, action, seen_state=seen, comment=comment
            )
            return int(report.id)

    try:
        await run_in_threadpool(decide)
    except Refused as exc:
        if exc.key != "comment_needed":
            raise

        def report_id() -> int:
            with platform_of(request).read(viewer.actor) as session:
                return int(_report_for(session, viewer, measure_id, period).id)

        refused = ReviewForm(
            await run_in_threadpool(report_id), comment, {"comment": refusal_text(exc, lang)}
        )
        return await run_in_threadpool(
            _form_refused, request, viewer, measure_id, None, refused, lang
        )
    return redirect(request, f"/ledger/measures/{measure_id}", message="report_reviewed")
