"""The JSON API (its OpenAPI schema is at /openapi.json)."""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.routing import APIRoute
from pydantic import BaseModel, Field

from kaifang.errors import KaifangError
from kaifang.web import analyses, messages, views
from kaifang.web.data import Dashboard
from kaifang.web.live import dashboard_of
from kaifang.web.queue import QueueFull


class Name(BaseModel):
    en: str
    zh: str


class UnitOut(BaseModel):
    code: str
    name: Name


class Meta(BaseModel):
    title: Name
    simulated: bool = Field(description="True when the data are simulated (not official)")
    source_kind: Literal["config", "results"]
    units: list[UnitOut]
    years: list[int]
    root: str
    pillars: list[str]
    stages: list[str]
    whatif_available: bool
    whatif_reason: str | None
    has_map: bool


class NodeOut(BaseModel):
    id: str
    name: Name
    parent: str | None
    level: int
    children: list[str]
    is_indicator: bool
    framework_weight: float = Field(description="weight: in framework.yaml (relative)")
    weight: float | None = Field(description="weight used, normalised within the parent")
    effective_weight: float | None = Field(description="product of the weights down the tree")
    unit: str | None
    unit_name: Name | None = Field(None, description="the unit in zh and en")
    direction: int | None
    source: str | None


class ScoreRow(BaseModel):
    unit: str
    year: int
    score: float | None
    rank: int | None = Field(description="1 = best; ties share the best rank")
    change: int | None = Field(description="rank change since the previous year (+ = up)")


class PillarRow(BaseModel):
    node: str
    name: Name
    score: float | None
    rank: int | None
    median: float | None
    diff: float | None = Field(description="score minus the median of all units")


class Profile(BaseModel):
    unit: str
    name: Name
    year: int
    index_score: float | None
    index_rank: int | None
    pillars: list[PillarRow]
    strengths: list[str]
    weaknesses: list[str]
    trend: list[ScoreRow]


class ValueRow(BaseModel):
    unit: str
    year: int
    value: float | None


class Box(BaseModel):
    year: int
    quartiles: list[float] | None = Field(description="min, Q1, median, Q3, max over units")


class IndicatorValues(BaseModel):
    id: str
    name: Name
    parent: str | None
    unit: str | None
    unit_name: Name | None = Field(None, description="the unit in zh and en (raw stage)")
    direction: int | None
    source: str | None
    stage: str
    stages: list[str]
    values: list[ValueRow]
    boxes: list[Box]


class WeightRow(BaseModel):
    node: str
    parent: str
    weight: float
    effective_weight: float


class WhatIfRequest(BaseModel):
    weights: dict[str, float] = Field(
        description="node id -> weight relative to its siblings (as weight: in framework.yaml)",
        examples=[{"open_industries": 3.0}],
    )


class WhatIfRow(BaseModel):
    unit: str
    year: int
    score: float | None
    rank: int | None
    base_score: float | None
    base_rank: int | None


class WhatIfOut(BaseModel):
    weights: dict[str, float] = Field(description="pillar weights used, normalised to sum to 1")
    rows: list[WhatIfRow]
    elapsed_ms: float = Field(description="server time to compute (or fetch) the variant")
    cached: bool


class TargetUnit(BaseModel):
    unit: str = Field(description="unit code, or 'total' for the sum of the units")
    name: Name
    is_total: bool
    base_year: int
    base_value: float | None
    target_year: int
    target_value: float | None
    latest_year: int | None
    latest_value: float | None
    required_cagr: float | None = Field(description="(target / base)^(1/(T - t0)) - 1")
    realised_cagr: float | None
    expected_latest: float | None = Field(description="value on the straight path, latest year")
    gap: float | None
    ratio: float | None = Field(description="latest value / straight-path value")
    status: str = Field(description="on_track, at_risk, off_track or no_data")
    year_reached: int | None
    projection_model: str | None
    projection: float | None = Field(description="projected value in the target year")
    projection_lower: float | None
    projection_upper: float | None


class PathPoint(BaseModel):
    year: int
    actual: float | None
    expected: float | None = Field(description="straight (constant growth) path to the target")


class TargetOut(BaseModel):
    id: str
    name: Name
    indicator: str
    indicator_name: Name
    measure_unit: str | None
    measure_unit_name: Name | None = Field(
        None, description="unit of the raw series the target follows, zh and en"
    )
    base_year: int
    target_year: int
    multiple: float | None
    level: float | None
    units: list[TargetUnit]
    paths: dict[str, list[PathPoint]]


class Thresholds(BaseModel):
    on_track: float
    at_risk: float


class TargetsOut(BaseModel):
    simulated: bool
    thresholds: Thresholds
    interval: float = Field(description="probability of the projection interval, e.g. 0.8")
    notes: list[str]
    targets: list[TargetOut]


class AllocationRow(BaseModel):
    unit: str
    name: Name
    score: float | None
    rank: int | None
    grade: str | None
    base: float
    performance: float
    improvement: float
    floor_cap_adjustment: float
    rounding_adjustment: float
    by_rule: float
    final: int = Field(description="amount allocated, yuan, rounded")
    final_share: float
    formula: Name


class RuleLine(BaseModel):
    item: str
    en: str
    zh: str


class AllocationOut(BaseModel):
    simulated: bool
    name: Name | None
    budget: int
    year: int
    rounding: int
    total: int = Field(description="sum of the final amounts of the units")
    sum_equals_budget: bool
    rule: list[RuleLine]
    notes: list[str]
    rows: list[AllocationRow]


class ScenarioRow(BaseModel):
    unit: str
    name: Name
    score_baseline: float | None
    rank_baseline: int | None
    score_scenario: float | None
    rank_scenario: int | None
    rank_change: int | None = Field(description="baseline rank - scenario rank (+ = up)")


class ScenarioPillar(BaseModel):
    node: str
    name: Name
    effective_baseline: float
    effective_scenario: float


class ScenarioOut(BaseModel):
    id: str
    name: Name
    changes: str
    share_baseline: float
    share_scenario: float
    spearman_rho: float | None
    units_moved: int
    max_rank_move: int
    rows: list[ScenarioRow]
    pillars: list[ScenarioPillar]


class ScenariosOut(BaseModel):
    year: int
    notes: list[str]
    scenarios: list[ScenarioOut]


class IntervalRow(BaseModel):
    unit: str
    name: Name
    nominal_rank: float | None
    median_rank: float | None
    mean_rank: float | None
    q05_rank: float | None
    q95_rank: float | None
    nominal_score: float | None
    median_score: float | None
    q05_score: float | None
    q95_score: float | None


class SensitivityOut(BaseModel):
    n: int = Field(description="Monte Carlo runs")
    n_default: int = Field(description="the default runs: report.sensitivity_samples")
    seed: int
    n_min: int
    n_max: int
    node: str
    node_name: Name
    year: int
    inputs: list[str] = Field(description="the uncertain inputs of the sensitivity: block")
    upstream_combinations: int
    elapsed_ms: float
    cached: bool
    rows: list[IntervalRow]


router = APIRouter(prefix="/api", tags=["assessment"])
# seconds a client is told to wait when the uncertainty queue is full
RETRY_AFTER_S = 10

# why a view is unavailable -> HTTP status
UNAVAILABLE_STATUS = {"needs_config": 409, "no_block": 404, "error": 422}


def endpoint_descriptions(lang: str) -> list[tuple[str, str, str]]:
    """(method, path, description) of every endpoint, described in ``lang`` by the catalogue
    (key ``api_<function name>``): whole sentences rather than docstring fragments."""
    from kaifang.web import disparity  # its router adds /api/disparity/{table}

    return [
        (method, route.path, messages.t(f"api_{route.name}", lang))
        for route in [*router.routes, *disparity.router.routes]
        if isinstance(route, APIRoute) and route.include_in_schema
        for method in sorted(route.methods or ())
    ]


def _unavailable(exc: analyses.Unavailable) -> HTTPException:
    return HTTPException(UNAVAILABLE_STATUS[exc.reason], exc.detail)


def _dash(request: Request) -> Dashboard:
    return dashboard_of(request)


def _check_year(dash: Dashboard, year: int | None) -> None:
    if year is not None and year not in [int(y) for y in dash.base.grid.years]:
        raise HTTPException(404, f"no year {year}; years are {dash.base.grid.years.tolist()}")


@router.get("/meta", response_model=Meta)
def get_meta(request: Request) -> dict[str, Any]:
    """Title, simulated flag, units, years, pillars, stages, and whether what-if is available."""
    return views.meta(_dash(request))


@router.get("/framework", response_model=list[NodeOut])
def get_framework(request: Request) -> list[dict[str, Any]]:
    """The indicator tree, depth-first, with zh/en names, weights, units and directions."""
    return views.framework_nodes(_dash(request).base)


@router.get("/weights", response_model=list[WeightRow])
def get_weights(request: Request) -> list[dict[str, Any]]:
    """weights.csv: weight within the parent and effective weight of every node."""
    table = _dash(request).base.weights
    return [
        {"node": str(n), "parent": str(p), "weight": float(w), "effective_weight": float(e)}
        for n, p, w, e in zip(
            table["node"].tolist(),
            table["parent"].tolist(),
            table["weight"].tolist(),
            table["effective_weight"].tolist(),
            strict=True,
        )
    ]


@router.get("/scores", response_model=list[ScoreRow])
def get_scores(
    request: Request,
    node: str | None = Query(None, description="framework node id (default: the index)"),
    year: int | None = Query(None, description="one year (default: all)"),
) -> list[dict[str, Any]]:
    """Scores and ranks of one node for every unit (and year)."""
    dash = _dash(request)
    node = node or dash.base.framework.root_id
    if node not in dash.base.node_ids:
        raise HTTPException(404, f"no node {node!r} in the framework")
    _check_year(dash, year)
    return views.score_rows(dash.base, node, year)


@router.get("/units/{code}", response_model=Profile)
def get_unit(
    request: Request, code: str, year: int | None = Query(None, description="default: latest")
) -> dict[str, Any]:
    """A unit's profile: pillars against the median, strengths, weaknesses, trend."""
    dash = _dash(request)
    if code not in [str(u) for u in dash.base.grid.units]:
        raise HTTPException(404, f"no unit {code!r}")
    _check_year(dash, year)
    return views.profile(dash, code, year if year is not None else int(dash.base.grid.years[-1]))


@router.get("/indicators/{indicator}", response_model=IndicatorValues)
def get_indicator(
    request: Request,
    indicator: str,
    stage: str = Query("raw", description="raw, denominated, imputed, treated or normalised"),
) -> dict[str, Any]:
    """An indicator's values by unit and year at one stage of the pipeline."""
    snap = _dash(request).base
    if indicator not in snap.framework.indicators:
        raise HTTPException(404, f"no indicator {indicator!r}")
    if stage not in snap.stages or stage not in views.STAGE_ORDER:
        raise HTTPException(404, f"no stage {stage!r}; stages: {list(snap.stages)}")
    return views.indicator_values(snap, indicator, stage)


@router.get("/geojson")
def get_geojson(request: Request) -> dict[str, Any]:
    """The map geometry (report.geojson), features limited to the assessment's units; each
    feature carries the unit code in property ``kaifang_unit``."""
    geo = _dash(request).geojson
    if geo is None:
        raise HTTPException(404, "no map configured (report.geojson in assessment.yaml)")
    return geo


@router.post("/whatif", response_model=WhatIfOut)
def post_whatif(request: Request, body: WhatIfRequest) -> dict[str, Any]:
    """Recompute the assessment with changed weights (same engine); index scores and ranks of
    every unit and year, next to the base run's."""
    dash = _dash(request)
    if dash.whatif_reason is not None:
        raise HTTPException(409, dash.whatif_reason)
    try:
        variant, ms, cached = dash.whatif(body.weights)
    except KaifangError as exc:
        raise HTTPException(422, str(exc)) from None
    return {
        "weights": views.pillar_shares(variant, dash.pillars),
        "rows": views.whatif_rows(dash.base, variant),
        "elapsed_ms": round(ms, 2),
        "cached": cached,
    }


@router.get("/targets", response_model=TargetsOut)
def get_targets(request: Request) -> dict[str, Any]:
    """Targets of the config's ``targets:`` block: required and realised growth, status of every
    unit (and the total), actual and straight paths, projection with its interval."""
    try:
        return analyses.targets(_dash(request))
    except analyses.Unavailable as exc:
        raise _unavailable(exc) from None


@router.get("/allocation", response_model=AllocationOut)
def get_allocation(request: Request) -> dict[str, Any]:
    """The ``allocation:`` rule applied: every unit's components and final amount, the rule in
    words, and the check that the amounts sum to the budget."""
    try:
        return analyses.allocation(_dash(request))
    except analyses.Unavailable as exc:
        raise _unavailable(exc) from None


@router.get("/scenarios", response_model=ScenariosOut)
def get_scenarios(request: Request) -> dict[str, Any]:
    """The config's named weight scenarios: baseline and scenario ranks, Spearman correlation."""
    try:
        return analyses.scenarios(_dash(request))
    except analyses.Unavailable as exc:
        raise _unavailable(exc) from None


@router.get("/sensitivity", response_model=SensitivityOut)
def get_sensitivity(
    request: Request,
    n: int | None = Query(
        None,
        ge=1,
        le=analyses.SENSITIVITY_MAX,
        description="Monte Carlo runs of the uncertainty analysis (default: the report's, "
        "report.sensitivity_samples of the config)",
    ),
    lang: Literal["zh", "en"] = Query("en", description="language of an error message"),
) -> dict[str, Any]:
    """Rank intervals (nominal, median, 5th-95th percentile) of every unit from ``n`` seeded
    Monte Carlo runs of the ``sensitivity:`` block's inputs; computed once per ``n``, cached."""
    dash = _dash(request)
    try:
        return analyses.sensitivity(dash, n)
    except analyses.Unavailable as exc:
        raise _unavailable(exc) from None
    except ValueError:
        raise HTTPException(
            422,
            messages.t(
                "n_out_of_range",
                lang,
                min=analyses.SENSITIVITY_MIN,
                max=analyses.SENSITIVITY_MAX,
                default=dash.sensitivity_runs,
            ),
        ) from None
    except QueueFull as exc:
        raise HTTPException(
            429,
            messages.t("sensitivity_busy", lang, waiting=exc.waiting),
            headers={"Retry-After": str(RETRY_AFTER_S)},
        ) from None
