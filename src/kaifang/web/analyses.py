"""The analyses of issues 3 and 4 as the dashboard shows them: targets, allocation, scenarios
and the uncertainty analysis, computed on demand from the dashboard's assessment by the same
engine code (``kaifang.steering``, ``kaifang.sensitivity``) and cached.

A view is available only for a live assessment (the results folder holds no config blocks to
recompute from) whose config declares the block; otherwise ``Unavailable`` says which, and the
page says so in words (no placeholder numbers).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from typing import Any, Literal

import pandas as pd

from kaifang.assessment.pipeline import Assessment
from kaifang.errors import KaifangError
from kaifang.web.data import Dashboard, clean

Block = Literal["targets", "allocation", "scenarios", "sensitivity"]
# Monte Carlo runs of the uncertainty view a request may ask for (the default is the report's,
# Dashboard.sensitivity_runs)
SENSITIVITY_MIN = 50
SENSITIVITY_MAX = 2000
SENSITIVITY_CACHE = 8


class Unavailable(Exception):
    """A view that cannot be computed: ``reason`` is ``needs_config`` (results folder),
    ``no_block`` (the config lacks the block) or ``error`` (the block or the data are wrong)."""

    def __init__(self, block: Block, reason: str, detail: str) -> None:
        super().__init__(detail)
        self.block = block
        self.reason = reason
        self.detail = detail


def _assessment(dash: Dashboard, block: Block) -> Assessment:
    if dash.assessment is None:
        raise Unavailable(
            block,
            "needs_config",
            f"serving a results folder (read-only): the '{block}:' block of the assessment "
            "config is needed; start `kaifang serve` with the assessment.yaml",
        )
    return dash.assessment


def _block(dash: Dashboard, block: Block) -> tuple[Assessment, Any]:
    """The assessment and its validated config block (Unavailable when absent or wrong)."""
    from kaifang.assessment.config import config_block
    from kaifang.sensitivity.spec import SensitivitySpec
    from kaifang.steering.models import AllocationBlock, ScenariosBlock, TargetsBlock

    models: dict[str, Any] = {
        "targets": TargetsBlock,
        "allocation": AllocationBlock,
        "scenarios": ScenariosBlock,
        "sensitivity": SensitivitySpec,
    }
    assessment = _assessment(dash, block)
    try:
        value = config_block(assessment.inputs.config_path, block, models[block])
    except KaifangError as exc:
        raise Unavailable(block, "error", str(exc)) from None
    if value is None:
        raise Unavailable(
            block,
            "no_block",
            f"{assessment.inputs.config_path} has no '{block}:' block",
        )
    return assessment, value


def _cached(
    dash: Dashboard, key: tuple[Any, ...], compute: Callable[[], Any]
) -> tuple[Any, float, bool]:
    """``compute()`` once per key; returns the value, the milliseconds and whether cached."""
    started = time.perf_counter()
    with dash._lock:
        if key in dash._analyses:
            dash._analyses.move_to_end(key)
            return dash._analyses[key], (time.perf_counter() - started) * 1000, True
    try:
        value = compute()
    except KaifangError as exc:
        raise Unavailable(key[0], "error", str(exc)) from None
    with dash._lock:
        dash._analyses[key] = value
        sensitivity = [k for k in dash._analyses if k[0] == "sensitivity"]
        for old in sensitivity[:-SENSITIVITY_CACHE]:
            del dash._analyses[old]
    return value, (time.perf_counter() - started) * 1000, False


def _num(value: Any) -> float | None:
    if value is None:
        return None
    try:
        return clean(float(value))
    except (TypeError, ValueError):
        return None


def _int(value: Any) -> int | None:
    number = _num(value)
    return None if number is None else int(number)


def _str(value: Any) -> str | None:
    if value is None or (isinstance(value, float) and math.isnan(value)) or pd.isna(value):
        return None
    return str(value)


def _series_name(fw: Any, series: str, lang: str) -> str:
    name = str(fw.name(series, lang))
    if series in fw.nodes and fw[series].node.denominator is not None:
        den = fw.name(fw[series].node.denominator, lang)
        return (
            f"{name}（分子原值，未除以{den}）"
            if lang == "zh"
            else (f"{name} (numerator, raw before ÷ {den})")
        )
    return name


def targets(dash: Dashboard) -> dict[str, Any]:
    """Every target of the ``targets:`` block: status of every unit (and the total), the
    actual and straight paths, and the projection with its interval (``evaluate_targets``)."""
    from kaifang.steering import evaluate_targets

    assessment, block = _block(dash, "targets")
    report, _, _ = _cached(dash, ("targets",), lambda: evaluate_targets(assessment, block))
    fw = dash.base.framework
    summary, paths = report.summary, report.paths
    out = []
    for item in block.items:
        rows = summary[summary["target"] == item.id]
        units = []
        for r in rows.to_dict("records"):
            units.append(
                {
                    "unit": str(r["unit"]),
                    "name": {"en": str(r["unit_en"]), "zh": str(r["unit_zh"])},
                    "is_total": str(r["unit"]) == "total",
                    "base_year": int(r["base_year"]),
                    "base_value": _num(r["base_value"]),
                    "target_year": int(r["target_year"]),
                    "target_value": _num(r["target_value"]),
                    "latest_year": _int(r["latest_year"]),
                    "latest_value": _num(r["latest_value"]),
                    "required_cagr": _num(r["required_cagr"]),
                    "realised_cagr": _num(r["realised_cagr"]),
                    "expected_latest": _num(r["expected_latest"]),
                    "gap": _num(r["gap"]),
                    "ratio": _num(r["ratio"]),
                    "status": str(r["status"]),
                    "year_reached": _int(r["year_reached"]),
                    "projection_model": _str(r["projection_model"]),
                    "projection": _num(r["projection"]),
                    "projection_lower": _num(r["projection_lower"]),
                    "projection_upper": _num(r["projection_upper"]),
                }
            )
        mine = paths[paths["target"] == item.id]
        by_unit: dict[str, list[dict[str, Any]]] = {}
        for p in mine.to_dict("records"):
            by_unit.setdefault(str(p["unit"]), []).append(
                {
                    "year": int(p["year"]),
                    "actual": _num(p["actual"]),
                    "expected": _num(p["expected"]),
                }
            )
        name = item.name
        indicator = item.indicator
        # targets follow the raw series: for a ratio indicator that is its numerator, so the
        # page names the numerator, never the ratio, and gives the raw unit in both languages
        known = indicator in fw.nodes or indicator in fw.auxiliary
        ind_name = (
            {lang: _series_name(fw, indicator, lang) for lang in ("en", "zh")}
            if known
            else {"en": indicator, "zh": indicator}
        )
        measure = (fw.unit(indicator, "en") or None) if known else None
        measure_name = {lang: fw.unit(indicator, lang) for lang in ("en", "zh")} if known else None
        out.append(
            {
                "id": item.id,
                "name": {"en": name.en, "zh": name.zh} if name else {"en": item.id, "zh": item.id},
                "indicator": indicator,
                "indicator_name": ind_name,
                "measure_unit": measure,
                "measure_unit_name": measure_name,
                "base_year": item.base_year,
                "target_year": item.target_year,
                "multiple": item.multiple,
                "level": item.level,
                "units": units,
                "paths": by_unit,
            }
        )
    return {
        "simulated": bool(report.simulated),
        "thresholds": {
            "on_track": float(block.thresholds.on_track),
            "at_risk": float(block.thresholds.at_risk),
        },
        "interval": float(block.interval),
        "notes": list(report.notes),
        "targets": out,
    }


ALLOCATION_COLUMNS = (
    "base",
    "performance",
    "improvement",
    "floor_cap_adjustment",
    "rounding_adjustment",
)


def allocation(dash: Dashboard) -> dict[str, Any]:
    """The ``allocation:`` rule applied (``allocate``): every unit's components, the rule in
    words, and the check that the final amounts sum to the budget."""
    from kaifang.steering import allocate

    assessment, block = _block(dash, "allocation")
    report, _, _ = _cached(dash, ("allocation",), lambda: allocate(assessment, block))
    table = report.table
    units = table[table["unit"] != "TOTAL"]
    rows: list[dict[str, Any]] = []
    for r in units.to_dict("records"):
        rows.append(
            {
                "unit": str(r["unit"]),
                "name": {"en": str(r["unit_en"]), "zh": str(r["unit_zh"])},
                "score": _num(r.get("score")),
                "rank": _int(r.get("rank")),
                "grade": _str(r.get("grade")),
                **{c: float(r[c]) for c in ALLOCATION_COLUMNS},
                "by_rule": float(r["by_rule"]),
                "final": int(r["final"]),
                "final_share": float(r["final_share"]),
                "formula": {"en": str(r["formula_en"]), "zh": str(r["formula_zh"])},
            }
        )
    # the check is recomputed here from the unit rows, not read from the report's TOTAL row
    total = sum(r["final"] for r in rows)
    name = block.name
    return {
        "simulated": bool(report.simulated),
        "name": {"en": name.en, "zh": name.zh} if name else None,
        "budget": int(report.budget),
        "year": int(report.year),
        "rounding": int(block.rounding),
        "total": int(total),
        "sum_equals_budget": total == int(report.budget),
        "rule": [
            {"item": str(r["item"]), "en": str(r["rule_en"]), "zh": str(r["rule_zh"])}
            for r in report.rule.to_dict("records")
        ],
        "notes": list(report.notes),
        "rows": rows,
    }


def scenarios(dash: Dashboard) -> dict[str, Any]:
    """The config's named weight scenarios against the baseline (``run_scenarios``)."""
    from kaifang.steering import run_scenarios

    assessment, block = _block(dash, "scenarios")
    report, _, _ = _cached(
        dash, ("scenarios",), lambda: run_scenarios(assessment, list(block.items), block.year)
    )
    out = []
    for s in report.summary.to_dict("records"):
        sid = str(s["scenario"])
        movers = report.movers[report.movers["scenario"] == sid]
        pillars = report.pillars[report.pillars["scenario"] == sid]
        out.append(
            {
                "id": sid,
                "name": {"en": str(s["name_en"]), "zh": str(s["name_zh"])},
                "changes": str(s["changes"]),
                "share_baseline": float(s["share_baseline"]),
                "share_scenario": float(s["share_scenario"]),
                "spearman_rho": _num(s["spearman_rho"]),
                "units_moved": int(s["units_moved"]),
                "max_rank_move": int(s["max_rank_move"]),
                "rows": [
                    {
                        "unit": str(r["unit"]),
                        "name": {"en": str(r["unit_en"]), "zh": str(r["unit_zh"])},
                        "score_baseline": _num(r["score_baseline"]),
                        "rank_baseline": _int(r["rank_baseline"]),
                        "score_scenario": _num(r["score_scenario"]),
                        "rank_scenario": _int(r["rank_scenario"]),
                        "rank_change": _int(r["rank_change"]),
                    }
                    for r in movers.sort_values("rank_baseline").to_dict("records")
                ],
                "pillars": [
                    {
                        "node": str(r["node"]),
                        "name": {"en": str(r["name_en"]), "zh": str(r["name_zh"])},
                        "effective_baseline": float(r["effective_baseline"]),
                        "effective_scenario": float(r["effective_scenario"]),
                    }
                    for r in pillars.to_dict("records")
                ],
            }
        )
    return {"year": int(report.year), "notes": list(report.notes), "scenarios": out}


def check_n(n: int | None, default: int) -> int:
    """The number of Monte Carlo runs asked for, within the stated limits (the configured
    ``default`` is always allowed)."""
    runs = default if n is None else int(n)
    if runs != default and not SENSITIVITY_MIN <= runs <= SENSITIVITY_MAX:
        raise ValueError(
            f"n = {runs}: the number of runs must be between {SENSITIVITY_MIN} and "
            f"{SENSITIVITY_MAX}"
        )
    return runs


def sensitivity(dash: Dashboard, n: int | None = None) -> dict[str, Any]:
    """Rank intervals of every unit from ``n`` Monte Carlo runs of the ``sensitivity:`` block's
    uncertain inputs (``run_uncertainty``), seeded by the block's ``seed`` (reproducible).

    A result not cached yet is computed through the dashboard's ``sensitivity_queue``: one at a
    time, and ``QueueFull`` when too many wait."""
    from kaifang.sensitivity import run_uncertainty

    runs = check_n(n, dash.sensitivity_runs)
    assessment, spec = _block(dash, "sensitivity")
    seed = int(spec.seed)
    key = ("sensitivity", runs, seed)

    def compute() -> tuple[Any, float, bool]:
        return _cached(dash, key, lambda: run_uncertainty(assessment, spec, runs, seed))

    with dash._lock:
        known = key in dash._analyses
    # a cached result never waits in the queue; a queued request finds the result of an
    # identical request computed while it waited (``_cached`` looks again)
    result, ms, cached = compute() if known else dash.sensitivity_queue.run(compute)
    fw = dash.base.framework
    node = str(result.node)
    rows = [
        {
            "unit": str(r["unit"]),
            "name": {"en": str(r["name_en"]), "zh": str(r["name_zh"])},
            **{
                k: _num(r[k])
                for k in (
                    "nominal_rank",
                    "median_rank",
                    "mean_rank",
                    "q05_rank",
                    "q95_rank",
                    "nominal_score",
                    "median_score",
                    "q05_score",
                    "q95_score",
                )
            },
        }
        for r in result.table.sort_values("nominal_rank", kind="stable").to_dict("records")
    ]
    return {
        "n": int(result.runs),
        "n_default": int(dash.sensitivity_runs),
        "seed": seed,
        "n_min": SENSITIVITY_MIN,
        "n_max": SENSITIVITY_MAX,
        "node": node,
        "node_name": {"en": fw.name(node, "en"), "zh": fw.name(node, "zh")},
        "year": int(result.year),
        "inputs": list(spec.labels),
        "upstream_combinations": int(result.upstream_combinations),
        "elapsed_ms": round(ms, 2),
        "cached": cached,
        "rows": rows,
    }
