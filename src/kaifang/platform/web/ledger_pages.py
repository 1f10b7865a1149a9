"""The ledger's list pages: the filterable table of measures with its timeline and export, and
the reminders of reports due or overdue (as a page and as CSV). A measure's page and its forms
are in :mod:`.ledger_measure_pages`, whose routes this router includes.

The lists show only the measures of the user's scope (the service layer filters them); the
filters are a GET form, so that a filtered view is a link that works without script.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from kaifang.ledger.filters import Filters, filter_measures
from kaifang.ledger.gantt import gantt_svg
from kaifang.ledger.model import STATUSES
from kaifang.platform.errors import Refused
from kaifang.platform.ledger import store
from kaifang.platform.web import ledger_measure_pages
from kaifang.platform.web.ledger_api import evaluated
from kaifang.platform.web.ledger_measure_pages import region_names
from kaifang.platform.web.pages import need_viewer
from kaifang.platform.web.render import lang_of, render
from kaifang.platform.web.security import Viewer, platform_of

router = APIRouter(include_in_schema=False)
router.include_router(ledger_measure_pages.router)

MAX_FILTER = 64


class BadFilter(Refused):
    """A filter value no measure can have (a status that does not exist, a day that is not)."""

    status = 400

    def __init__(self) -> None:
        super().__init__("bad_request")


def parse_filters(params: Any) -> Filters:
    """The filters of the query string; an impossible value is a bad request (400)."""

    def text(name: str) -> str:
        value = str(params.get(name) or "").strip()
        if len(value) > MAX_FILTER:
            raise BadFilter
        return value

    status, reported = text("status"), text("reported")
    if status and status not in STATUSES:
        raise BadFilter
    if reported and reported not in (*STATUSES, "none"):
        raise BadFilter
    day = text("deadline_before")
    try:
        before = dt.date.fromisoformat(day) if day else None
    except ValueError:
        raise BadFilter from None
    return Filters(text("department"), text("region"), status, reported, before)


# -------------------------------------------------------------------------------- the ledger


@router.get("/ledger", response_class=HTMLResponse)
def ledger_page(request: Request) -> Response:
    viewer = need_viewer(request)
    where = parse_filters(request.query_params)
    platform = platform_of(request)
    lang = lang_of(request)
    with platform.read(viewer.actor) as session:
        if not store.has_ledger(session):
            return render(request, "ledger.html", viewer, "ledger", present=False)
        ledger, status = evaluated(platform, session, viewer.actor, None)
        departments = store.departments(session)
        names = region_names(session, lang)
    rows = filter_measures(status.measures, where)
    regions = sorted({c for r in status.measures["regions"].astype(str) for c in r.split(";")})
    timeline = gantt_svg(rows, status.milestones, status.as_of, lang) if len(rows) else ""
    return render(
        request,
        "ledger.html",
        viewer,
        "ledger",
        present=True,
        title=ledger.file.title.zh if lang == "zh" else ledger.file.title.en,
        as_of=status.as_of.isoformat(),
        simulated_progress=status.simulated,
        rows=rows.to_dict("records"),
        where=where,
        departments=[(d.id, d.name_zh if lang == "zh" else d.name_en) for d in departments],
        regions=[(c, names.get(c, c)) for c in regions],
        statuses=STATUSES,
        timeline=timeline,
    )


# ------------------------------------------------------------------------------- reminders


def _reminder_rows(request: Request, viewer: Viewer) -> tuple[str, list[dict[str, Any]]]:
    platform = platform_of(request)
    with platform.read(viewer.actor) as session:
        if not store.has_ledger(session):
            return "", []
        _, status = evaluated(platform, session, viewer.actor, None)
    table = status.reminders
    rows: list[dict[str, Any]] = table.to_dict("records") if len(table) else []  # type: ignore[assignment]
    return status.as_of.isoformat(), rows


@router.get("/ledger/reminders", response_class=HTMLResponse)
def reminders_page(request: Request) -> Response:
    viewer = need_viewer(request)
    as_of, rows = _reminder_rows(request, viewer)
    lang = lang_of(request)
    grouped: dict[str, dict[str, Any]] = {}
    for row in rows:
        entry = grouped.setdefault(
            row["department"],
            {"name": row["department_zh" if lang == "zh" else "department_en"], "rows": []},
        )
        entry["rows"].append(row)
    return render(
        request,
        "ledger_reminders.html",
        viewer,
        "reminders",
        present=bool(as_of),
        as_of=as_of,
        departments=list(grouped.values()),
    )


def _cell(value: Any) -> str:
    """A CSV cell that a spreadsheet will not run as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


@router.get("/ledger/reminders.csv")
def reminders_csv(request: Request) -> Response:
    """The reminders as CSV (UTF-8 with a byte-order mark, so that Excel reads the Chinese)."""
    viewer = need_viewer(request)
    _, rows = _reminder_rows(request, viewer)
    columns = [
        "department",
        "department_zh",
        "department_en",
        "number",
        "measure",
        "measure_zh",
        "measure_en",
        "period",
        "due",
        "state",
        "days_overdue",
    ]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([_cell(row[c]) for c in columns])
    return Response(
        ("\ufeff" + out.getvalue()).encode("utf-8"),
        media_type="text/csv; charset=utf-8",
        headers={"content-disposition": 'attachment; filename="ledger_reminders.csv"'},
    )
