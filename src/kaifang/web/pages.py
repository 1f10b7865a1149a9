"""Server-rendered pages (Jinja2); each page's charts are drawn by a small ES module from the
numbers the page embeds, and every chart has the same numbers as a table beside it."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.templating import Jinja2Templates
from jinja2 import StrictUndefined

from kaifang.web import analyses, messages, views
from kaifang.web.api import RETRY_AFTER_S, endpoint_descriptions
from kaifang.web.data import Dashboard
from kaifang.web.downloads import download_links
from kaifang.web.live import dashboard_of
from kaifang.web.queue import QueueFull

TEMPLATES = Jinja2Templates(directory=str(Path(__file__).parent / "templates"))
TEMPLATES.env.undefined = StrictUndefined  # a missing variable is an error, never blank text

Lang = Literal["zh", "en"]
LangQuery = Query("zh", description="language of the labels: zh or en")

NAV = (
    ("overview", "/", "nav_overview"),
    ("unit", "/unit", "nav_unit"),
    ("indicators", "/indicators", "nav_indicators"),
    ("framework", "/framework", "nav_framework"),
    ("whatif", "/whatif", "nav_whatif"),
    ("targets", "/targets", "nav_targets"),
    ("allocation", "/allocation", "nav_allocation"),
    ("scenarios", "/scenarios", "nav_scenarios"),
    ("sensitivity", "/sensitivity", "nav_sensitivity"),
    ("disparity", "/disparity", "nav_disparity"),
    ("trade", "/trade", "nav_trade"),
    ("api", "/api-docs", "nav_api"),
)

router = APIRouter(include_in_schema=False)
# the largest weight the what-if page's number boxes accept (relative to the siblings' weights)
MAX_WHATIF_WEIGHT = 100


def _dash(request: Request) -> Dashboard:
    return dashboard_of(request)


def page_frame(request: Request, lang: str, page: str) -> dict[str, Any]:
    """What every page's frame needs whatever it serves: the language and its switch link,
    translations, links and download links."""
    other = "en" if lang == "zh" else "zh"

    def tr(key: str, **values: object) -> str:
        return messages.t(key, lang, **values)

    def href(path: str) -> str:
        return f"{path}?lang={lang}"

    def downloads(table: str, **params: Any) -> dict[str, Any]:
        return {
            "label": messages.t("downloads_label", lang),
            "items": download_links(lang, table, **params),
        }

    return {
        "lang": lang,
        "page": page,
        "t": tr,
        "href": href,
        # relative, so that the link also works behind a reverse proxy
        "switch_url": _relative(request.url.include_query_params(lang=other)),
        "messages": messages.catalogue(lang),
        "downloads": downloads,
    }


def _render(request: Request, template: str, lang: str, page: str, **context: Any) -> HTMLResponse:
    dash = _dash(request)
    meta = views.meta(dash)

    def fw_name(node: str) -> str:
        return dash.base.framework.name(node, lang)

    names = {code: n[lang] for code, n in views.unit_names(dash).items()}
    base = {
        **page_frame(request, lang, page),
        "fw_name": fw_name,
        "meta": meta,
        "title": meta["title"][lang],
        "nav": NAV,
        "unit_name": names,
        "index_name": fw_name(meta["root"]),
    }
    return TEMPLATES.TemplateResponse(request, template, {**base, **context})


def _relative(url: Any) -> str:
    return f"{url.path}?{url.query}" if url.query else str(url.path)


def _year(dash: Dashboard, year: int | None) -> int:
    years = [int(y) for y in dash.base.grid.years]
    if year is None:
        return years[-1]
    if year not in years:
        raise HTTPException(404, f"no year {year}; years are {years}")
    return year


@router.get("/", response_class=HTMLResponse)
def overview(request: Request, lang: Lang = LangQuery, year: int | None = None) -> HTMLResponse:
    dash = _dash(request)
    year = _year(dash, year)
    rows = views.score_rows(dash.base, dash.base.framework.root_id)
    return _render(
        request,
        "overview.html",
        lang,
        "overview",
        year=year,
        rows=rows,
        table=sorted(
            (r for r in rows if r["year"] == year), key=lambda r: (r["rank"] is None, r["rank"])
        ),
    )


@router.get("/unit", response_class=RedirectResponse)
def unit_first(request: Request, lang: Lang = LangQuery) -> RedirectResponse:
    first = str(_dash(request).base.grid.units[0])
    return RedirectResponse(f"/unit/{first}?lang={lang}", status_code=307)


@router.get("/unit/{code}", response_class=HTMLResponse)
def unit(
    request: Request, code: str, lang: Lang = LangQuery, year: int | None = None
) -> HTMLResponse:
    dash = _dash(request)
    if code not in [str(u) for u in dash.base.grid.units]:
        raise HTTPException(404, f"no unit {code!r}")
    year = _year(dash, year)
    return _render(
        request, "unit.html", lang, "unit", year=year, profile=views.profile(dash, code, year)
    )


@router.get("/indicators", response_class=HTMLResponse)
def indicators(
    request: Request,
    lang: Lang = LangQuery,
    id: str | None = None,
    stage: str = "raw",
    year: int | None = None,
) -> HTMLResponse:
    dash = _dash(request)
    snap = dash.base
    indicator = id or snap.framework.indicators[0]
    if indicator not in snap.framework.indicators:
        raise HTTPException(404, f"no indicator {indicator!r}")
    if stage not in snap.stages or stage not in views.STAGE_ORDER:
        raise HTTPException(404, f"no stage {stage!r}")
    year = _year(dash, year)
    data = views.indicator_values(snap, indicator, stage)
    fw = snap.framework
    groups = [(pillar, [i for i in fw.leaves_under(pillar)]) for pillar in dash.pillars]
    by_cell = {(r["unit"], r["year"]): r["value"] for r in data["values"]}
    return _render(
        request,
        "indicators.html",
        lang,
        "indicators",
        year=year,
        indicator=indicator,
        stage=stage,
        data=data,
        groups=groups,
        by_cell=by_cell,
    )


@router.get("/framework", response_class=HTMLResponse)
def framework(request: Request, lang: Lang = LangQuery) -> HTMLResponse:
    nodes = views.framework_nodes(_dash(request).base)
    return _render(request, "framework.html", lang, "framework", nodes=nodes)


@router.get("/whatif", response_class=HTMLResponse)
def whatif(request: Request, lang: Lang = LangQuery) -> HTMLResponse:
    dash = _dash(request)
    fw = dash.base.framework
    pillars = [
        {"id": p, "name": fw.name(p, lang), "weight": float(fw[p].node.weight), "share": s}
        for p, s in views.pillar_shares(dash.base, dash.pillars).items()
    ]
    rows = views.score_rows(dash.base, fw.root_id)
    year = _year(dash, None)
    return _render(
        request,
        "whatif.html",
        lang,
        "whatif",
        year=year,
        max_weight=MAX_WHATIF_WEIGHT,
        weight_method=_weight_method(dash),
        pillars=pillars,
        rows=rows,
        table=sorted(
            (r for r in rows if r["year"] == year), key=lambda r: (r["rank"] is None, r["rank"])
        ),
    )


def _weight_method(dash: Dashboard) -> str | None:
    """The config's weighting method (steps.weight.method), for the what-if page."""
    if dash.assessment is None or dash.assessment.config.steps.weight is None:
        return None
    return str(dash.assessment.config.steps.weight.method)


@router.get("/api-docs", response_class=HTMLResponse)
def api_docs(request: Request, lang: Lang = LangQuery) -> HTMLResponse:
    return _render(request, "api.html", lang, "api", routes=endpoint_descriptions(lang))


def _analysis(request: Request, lang: str, page: str, compute: Any, **context: Any) -> HTMLResponse:
    """A page of one analysis; when it cannot be computed the page says why (no numbers)."""
    try:
        data = compute()
    except analyses.Unavailable as exc:
        return _render(
            request,
            f"{page}.html",
            lang,
            page,
            data=None,
            unavailable={"reason": exc.reason, "block": exc.block, "detail": exc.detail},
            **context,
        )
    return _render(request, f"{page}.html", lang, page, data=data, unavailable=None, **context)


@router.get("/targets", response_class=HTMLResponse)
def targets(
    request: Request,
    lang: Lang = LangQuery,
    target: str | None = None,
    unit: str | None = None,
) -> HTMLResponse:
    dash = _dash(request)
    try:
        data = analyses.targets(dash)
    except analyses.Unavailable:
        return _analysis(request, lang, "targets", lambda: analyses.targets(dash), chosen=None)
    items = {t["id"]: t for t in data["targets"]}
    chosen = items.get(target or "") or data["targets"][0]
    if target is not None and target not in items:
        raise HTTPException(404, f"no target {target!r}")
    codes = [u["unit"] for u in chosen["units"]]
    if unit is not None and unit not in codes:
        raise HTTPException(404, f"no unit {unit!r} in target {chosen['id']!r}")
    shown = unit or ("total" if "total" in codes else codes[0])
    row = next(u for u in chosen["units"] if u["unit"] == shown)
    return _render(
        request,
        "targets.html",
        lang,
        "targets",
        data=data,
        unavailable=None,
        chosen={"target": chosen, "unit": row, "path": chosen["paths"].get(shown, [])},
    )


@router.get("/allocation", response_class=HTMLResponse)
def allocation(request: Request, lang: Lang = LangQuery) -> HTMLResponse:
    dash = _dash(request)
    return _analysis(request, lang, "allocation", lambda: analyses.allocation(dash))


@router.get("/scenarios", response_class=HTMLResponse)
def scenarios(request: Request, lang: Lang = LangQuery, id: str | None = None) -> HTMLResponse:
    dash = _dash(request)
    try:
        data = analyses.scenarios(dash)
    except analyses.Unavailable:
        return _analysis(request, lang, "scenarios", lambda: analyses.scenarios(dash), chosen=None)
    items = {s["id"]: s for s in data["scenarios"]}
    if id is not None and id not in items:
        raise HTTPException(404, f"no scenario {id!r}")
    chosen = items[id] if id is not None else data["scenarios"][0]
    return _render(
        request, "scenarios.html", lang, "scenarios", data=data, unavailable=None, chosen=chosen
    )


@router.get("/sensitivity", response_class=HTMLResponse)
def sensitivity(
    request: Request,
    lang: Lang = LangQuery,
    n: int | None = Query(None, ge=1, le=analyses.SENSITIVITY_MAX),
) -> HTMLResponse:
    dash = _dash(request)
    limits = {
        "min": analyses.SENSITIVITY_MIN,
        "max": analyses.SENSITIVITY_MAX,
        "n": n if n is not None else dash.sensitivity_runs,
        "default": dash.sensitivity_runs,
    }
    try:
        analyses.check_n(n, dash.sensitivity_runs)
    except ValueError:
        return _refused(request, lang, 422, "n_out_of_range", **limits)
    try:
        return _analysis(
            request, lang, "sensitivity", lambda: analyses.sensitivity(dash, n), limits=limits
        )
    except QueueFull as exc:
        response = _refused(request, lang, 429, "sensitivity_busy", waiting=exc.waiting)
        response.headers["Retry-After"] = str(RETRY_AFTER_S)
        return response


def _refused(request: Request, lang: str, status: int, key: str, **values: Any) -> HTMLResponse:
    """A page that says, in the reader's language, why the request was refused."""
    response = _render(
        request,
        "refused.html",
        lang,
        "sensitivity",
        reason=messages.t(key, lang, **{k: v for k, v in values.items() if k != "n"}),
    )
    response.status_code = status
    return response
