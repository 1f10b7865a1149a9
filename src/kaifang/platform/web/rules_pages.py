"""The page of the per-indicator validation rules: everyone reads them, the administrator edits
them for every period (``/rules``) or for one period (``/rules/periods/{code}``)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from kaifang.platform import indicator_rules, workflow
from kaifang.platform.errors import Invalid, Refused
from kaifang.platform.forms import form_fields
from kaifang.platform.models import Period
from kaifang.platform.rules import Finding
from kaifang.platform.web.messages import t
from kaifang.platform.web.pages import form_data, need_viewer, redirect
from kaifang.platform.web.render import lang_of, refusal_text, render
from kaifang.platform.web.security import Viewer, platform_of

router = APIRouter(include_in_schema=False)
# a form larger than every framework's indicator list is not a rules form
MAX_ROWS = 2000


def plain_number(value: float | None) -> str:
    """A bound as the administrator typed it: exact, without a trailing ``.0``, so that a page
    saved unchanged parses back to the same numbers."""
    if value is None:
        return ""
    if value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return repr(value)


def plain_percent(fraction: float | None) -> str:
    return "" if fraction is None else f"{100 * fraction:.12g}"


def _fields(request: Request, period: Period | None) -> Sequence[Any]:
    return (
        list(period.fields) if period is not None else form_fields(platform_of(request).framework)
    )


def _page(
    request: Request,
    viewer: Viewer,
    code: str | None,
    *,
    status: int = 200,
    entered: dict[str, dict[str, Any]] | None = None,
    error: str | None = None,
    findings: list[Finding] | None = None,
    message: str | None = None,
) -> Response:
    platform = platform_of(request)
    with platform.read(viewer.actor) as session:
        period = workflow.get_period(session, code) if code is not None else None
        fields = _fields(request, period)
        effective = indicator_rules.effective_rules(session, fields, period)
        periods = workflow.list_periods(session)
    frozen = period is not None and period.state == "published"
    editable = viewer.actor.can("manage_rules") and not frozen
    shown: dict[str, dict[str, Any]] = {
        f.indicator: {
            "low": plain_number(effective[f.indicator].low),
            "high": plain_number(effective[f.indicator].high),
            "yoy": plain_percent(effective[f.indicator].yoy_threshold),
            "band": effective[f.indicator].history_band,
            "reset": False,
        }
        for f in fields
    }
    for indicator, texts in (entered or {}).items():
        if indicator in shown:
            shown[indicator] = texts
    by_indicator: dict[str, list[Finding]] = {}
    for finding in findings or []:
        by_indicator.setdefault(finding.indicator, []).append(finding)
    return render(
        request,
        "rules.html",
        viewer,
        "rules",
        status=status,
        period=period,
        periods=periods,
        fields=fields,
        rules=effective,
        shown=shown,
        editable=editable,
        frozen=frozen,
        action="/rules" if period is None else f"/rules/periods/{period.code}",
        error=error,
        findings=by_indicator,
        stray=[f for f in findings or [] if f.indicator not in shown],
        message=message,
        plain=plain_number,
        plain_percent=plain_percent,
    )


@router.get("/rules", response_class=HTMLResponse)
def rules_page(request: Request, message: str | None = None, n: int = 0) -> Response:
    viewer = need_viewer(request)
    text = t("rules_saved", lang_of(request), n=max(0, min(n, 10**6))) if message else None
    return _page(request, viewer, None, message=text)


@router.get("/rules/periods/{code}", response_class=HTMLResponse)
def period_rules_page(
    request: Request, code: str, message: str | None = None, n: int = 0
) -> Response:
    viewer = need_viewer(request)
    text = t("rules_saved", lang_of(request), n=max(0, min(n, 10**6))) if message else None
    return _page(request, viewer, code[:20], message=text)


async def _save(request: Request, code: str | None) -> Response:
    viewer = need_viewer(request)
    form = await form_data(request, viewer)
    # the role is checked before the form is read, so that a filler learns nothing from it
    viewer.actor.require("manage_rules")
    indicators = [k[4:] for k in form if k.startswith("row:")]
    if len(indicators) > MAX_ROWS:
        raise Refused("bad_request")
    changes = []
    problems: list[Finding] = []
    entered: dict[str, dict[str, Any]] = {}
    for indicator in indicators:
        low = str(form.get(f"low:{indicator}") or "")[:40]
        high = str(form.get(f"high:{indicator}") or "")[:40]
        yoy = str(form.get(f"yoy:{indicator}") or "")[:40]
        band = form.get(f"band:{indicator}") == "on"
        reset = form.get(f"reset:{indicator}") == "on"
        entered[indicator] = {"low": low, "high": high, "yoy": yoy, "band": band, "reset": reset}
        change, found = indicator_rules.parse_change(indicator, low, high, yoy, band, reset)
        problems += found
        if change is not None:
            changes.append(change)
    platform = platform_of(request)
    lang = lang_of(request)
    try:
        with platform.tx(viewer.actor) as session:
            period = workflow.get_period(session, code) if code is not None else None
            fields = _fields(request, period)
            if problems:
                # every problem at once: the texts that are no numbers and what is wrong
                # with the rows that parsed
                by_id = {f.indicator: f for f in fields}
                parsed = {c.indicator for c in changes}
                unknown = [
                    Finding(i, "hard", "unknown_indicator", {})
                    for i in indicators
                    if i not in by_id and i not in parsed
                ]
                found = problems + unknown + indicator_rules.check_changes(changes, fields)
                raise Invalid("rules_invalid", indicator_rules.named(found, by_id))
            changed = indicator_rules.save_rules(session, viewer.actor, fields, period, changes)
    except Invalid as exc:
        return _page(
            request,
            viewer,
            code,
            status=422,
            entered=entered,
            error=refusal_text(exc, lang),
            findings=exc.findings,
        )
    path = "/rules" if code is None else f"/rules/periods/{code}"
    return redirect(request, path, message="saved", n=str(len(changed)))


@router.post("/rules")
async def save_global_rules(request: Request) -> Response:
    return await _save(request, None)


@router.post("/rules/periods/{code}")
async def save_period_rules(request: Request, code: str) -> Response:
    return await _save(request, code[:20])
