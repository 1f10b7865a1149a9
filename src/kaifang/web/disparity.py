"""The dashboard's regional disparity page and its JSON: the ``disparity:`` block of the served
assessment, computed on demand by ``kaifang.analysis`` (cached) and shown with the same sections
as the report (each chart with its table)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse

from kaifang.web import analyses
from kaifang.web.data import Dashboard, clean
from kaifang.web.pages import Lang, LangQuery, _dash, _render

router = APIRouter()


def _report(dash: Dashboard) -> Any:
    from kaifang.analysis import DisparityReport, run_disparity

    if dash.assessment is None:
        raise analyses.Unavailable(
            "disparity",  # type: ignore[arg-type]
            "needs_config",
            "serving a results folder (read-only): start `kaifang serve` with the assessment.yaml",
        )
    assessment = dash.assessment
    if assessment.config.disparity is None:
        raise analyses.Unavailable(
            "disparity",  # type: ignore[arg-type]
            "no_block",
            f"{assessment.inputs.config_path} has no 'disparity:' block",
        )
    report: DisparityReport
    report, _, _ = analyses._cached(dash, ("disparity",), lambda: run_disparity(assessment))
    return report


@router.get("/disparity", response_class=HTMLResponse, include_in_schema=False)
def disparity_page(request: Request, lang: Lang = LangQuery) -> HTMLResponse:
    from kaifang.report.disparity import build_page, map_of, render_page

    dash = _dash(request)
    try:
        report = _report(dash)
    except analyses.Unavailable as exc:
        unavailable = {"reason": exc.reason, "block": exc.block, "detail": exc.detail}
        return _render(request, "disparity.html", lang, "disparity", unavailable=unavailable)
    geo, idp = map_of(report.params)
    page = build_page(report.tables, report.notes, report.simulated, lang, geo, idp)
    return _render(
        request,
        "disparity.html",
        lang,
        "disparity",
        unavailable=None,
        sections=render_page(page, lang, fragment=True),
    )


@router.get("/api/disparity/{table}", tags=["analyses"])
def get_disparity(request: Request, table: str) -> dict[str, Any]:
    """One table of the regional disparity analysis (dagum, theil, sigma, beta, markov, moran,
    lisa, coupling, obstacle, ...) as records, computed from the config's disparity: block."""
    try:
        report = _report(_dash(request))
    except analyses.Unavailable as exc:
        raise HTTPException(409, exc.detail) from None
    if table not in report.tables:
        raise HTTPException(404, f"no table {table!r}; tables: {sorted(report.tables)}")
    frame = report.tables[table]
    records = [
        {k: clean(v) if isinstance(v, float) else v for k, v in row.items()}
        for row in frame.astype(object).where(frame.notna(), None).to_dict(orient="records")
    ]
    return {"table": table, "simulated": report.simulated, "rows": records}
