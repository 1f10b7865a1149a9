"""Target tracking: required and realised growth, the straight path, status and a projection.

For each target of the ``targets:`` block and each unit (or the total of the units), from the raw
values of the series (before any step of the assessment):

- required rate :math:`g_{req} = (V_T/V_0)^{1/(T-t_0)} - 1`; realised rate so far
  :math:`g = (V_t/V_0)^{1/(t-t_0)} - 1` with :math:`t` the latest year with data (at most T);
- straight path :math:`E_t = V_0 (1+g_{req})^{t-t_0}` (constant growth, straight on a log
  scale), gap :math:`V_t - E_t`, ratio :math:`V_t/E_t` and the status from the thresholds;
- the rate needed from now :math:`(V_T/V_t)^{1/(T-t)} - 1`;
- a projection to T with an interval (``kaifang.steering.projection``);
- the year the target is reached at the realised rate:
  :math:`t + \\ln(V_T/V_t)/\\ln(1+g)`, rounded up to a calendar year.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from kaifang.assessment import Assessment
from kaifang.assessment.config import config_block
from kaifang.errors import InputError, Problem
from kaifang.methods import steering as ms
from kaifang.steering.models import Target, TargetsBlock
from kaifang.steering.projection import project

MAX_YEARS = 100
STATUS = {
    ms.ON_TRACK: ("on_track", "正常推进"),
    ms.AT_RISK: ("at_risk", "存在风险"),
    ms.OFF_TRACK: ("off_track", "明显滞后"),
    -1: ("no_data", "无数据"),
}


@dataclass(frozen=True)
class TargetReport:
    summary: pd.DataFrame  # one row per target and unit (or total)
    paths: pd.DataFrame  # target, unit, year, actual, expected
    notes: list[str] = field(default_factory=list)
    simulated: bool = False


def load_targets(assessment: Assessment) -> TargetsBlock:
    block = config_block(assessment.inputs.config_path, "targets", TargetsBlock)
    if block is None:
        raise InputError(
            [
                Problem(
                    str(assessment.inputs.config_path),
                    "no 'targets:' block: add one (items: indicator, base_year, multiple or "
                    "level, target_year); see examples/guizhou/assessment.yaml",
                )
            ]
        )
    return block


def _series_table(
    assessment: Assessment, target: Target, block: TargetsBlock, where: str
) -> tuple[pd.DataFrame, list[tuple[str, str, str]]]:
    """Unit x year raw values of the target's series, the total column added when asked, and
    (code, name_en, name_zh) of every column."""
    inputs = assessment.inputs
    fw = assessment.framework
    data = inputs.data
    rows = data[data["indicator"] == target.indicator]
    if target.indicator not in fw.series:
        raise InputError(
            [
                Problem(
                    where,
                    f"indicator {target.indicator!r} is not a series of the framework "
                    f"(indicators and auxiliary series: {', '.join(fw.series)})",
                )
            ]
        )
    if rows.empty:
        raise InputError(
            [
                Problem(
                    where,
                    f"indicator {target.indicator!r} has no raw data (a derived indicator such "
                    "as a growth rate cannot be a target; name the series it is derived from)",
                )
            ]
        )
    wide = rows.pivot_table(
        index="year", columns="unit", values="value", aggfunc="first", observed=True
    )
    wide.columns = wide.columns.astype(str)
    units = inputs.units.assign(code=inputs.units["code"].astype(str)).set_index("code")
    codes = [c for c in units.index if c in wide.columns]
    if target.units is not None:
        unknown = [c for c in target.units if c not in wide.columns]
        if unknown:
            raise InputError(
                [Problem(where, f"units {unknown} have no data for {target.indicator!r}")]
            )
        codes = [str(c) for c in target.units]
    years = np.arange(int(wide.index.min()), int(wide.index.max()) + 1)
    wide = wide.reindex(index=years, columns=codes)
    labels = [(c, str(units.at[c, "name_en"]), str(units.at[c, "name_zh"])) for c in codes]
    out = wide if target.scope != "total" else wide.iloc[:, :0]
    if target.scope == "units":
        return out, labels
    if target.indicator not in block.additive:
        raise InputError(
            [
                Problem(
                    where,
                    f"a total of {target.indicator!r} is the sum of unit values only for an "
                    "additive series (amounts, counts; not ratios or rates): list it under "
                    "targets.additive, or use scope: units",
                )
            ]
        )
    # a year with any unit missing has no total: a partial sum would look like a fall
    total = wide.sum(axis=1, min_count=len(codes)).where(wide.notna().all(axis=1))
    out = out.assign(total=total)
    n = len(codes)
    labels_out = labels if target.scope == "both" else []
    return out, [*labels_out, ("total", f"Total of {n} units", f"{n}个地区合计")]


def _evaluate(
    target: Target,
    block: TargetsBlock,
    code: str,
    series: pd.Series,
    where: str,
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    years = series.index.to_numpy(dtype=np.int64)
    values = series.to_numpy(dtype=np.float64)
    t0, big_t = target.base_year, target.target_year
    if target.base_value is not None:
        base = float(target.base_value)
    else:
        if t0 not in series.index or not np.isfinite(series.get(t0, np.nan)):
            raise InputError(
                [Problem(where, f"{code}: no value of {target.indicator!r} in base year {t0}")]
            )
        base = float(series[t0])
    goal = base * target.multiple if target.multiple is not None else float(target.level or 0)
    present = np.isfinite(values) & (years <= big_t)
    if not present.any() or years[present].max() < t0:
        raise InputError([Problem(where, f"{code}: no value of {target.indicator!r} from {t0} on")])
    latest = int(years[present].max())
    current = float(values[years == latest][0])
    g_req = float(ms.required_cagr(base, goal, big_t - t0))
    g_real = float(ms.realised_cagr(base, current, latest - t0))
    expected = float(ms.geometric_path(base, g_req, latest - t0))
    status = int(
        ms.path_status(current, expected, block.thresholds.on_track, block.thresholds.at_risk)
    )
    needed = (
        float(ms.required_cagr(current, goal, big_t - latest)) if latest < big_t else float("nan")
    )
    reached_years = years[present & (years >= t0) & (values >= goal)]
    if reached_years.size:
        year_reached: float = float(reached_years.min())
        n_years = 0.0
    else:
        n_years = float(ms.years_to_reach(current, goal, g_real))
        # beyond a century the answer is "not at this rate", not a calendar year
        if np.isfinite(n_years) and n_years <= MAX_YEARS:
            year_reached = latest + math.ceil(n_years - 1e-9)
        else:
            year_reached = np.nan
    fit = present & (years <= latest)
    if target.fit_years is not None:
        fit &= (years >= target.fit_years[0]) & (years <= target.fit_years[1])
    proj = project(years[fit].astype(np.float64), values[fit], big_t, block.interval, block.holdout)
    row: dict[str, Any] = {
        "base_year": t0,
        "base_value": base,
        "target_year": big_t,
        "target_value": goal,
        "latest_year": latest,
        "latest_value": current,
        "required_cagr": g_req,
        "realised_cagr": g_real,
        "expected_latest": expected,
        "gap": current - expected,
        "ratio": current / expected,
        "status": STATUS[status][0],
        "status_zh": STATUS[status][1],
        "cagr_needed_from_now": needed,
        "years_to_reach": n_years,
        "year_reached": year_reached,
        "projection_model": proj.model if proj else "",
        "projection": proj.point if proj else np.nan,
        "projection_lower": proj.lower if proj else np.nan,
        "projection_upper": proj.upper if proj else np.nan,
        "projection_to_target": proj.point / goal if proj else np.nan,
        "mae_loglinear": proj.errors["loglinear"] if proj else np.nan,
        "mae_rw_drift": proj.errors["rw_drift"] if proj else np.nan,
        "fit_points": proj.n_points if proj else 0,
    }
    path_years = np.arange(min(int(years.min()), t0), big_t + 1)
    path = []
    for y in path_years:
        actual = float(series.get(y, np.nan)) if y in series.index else np.nan
        exp = float(ms.geometric_path(base, g_req, y - t0)) if y >= t0 else np.nan
        path.append({"year": int(y), "actual": actual, "expected": exp})
    return row, path


def evaluate_targets(assessment: Assessment, block: TargetsBlock | None = None) -> TargetReport:
    """Evaluate every target of the config's ``targets:`` block (or ``block``)."""
    block = block or load_targets(assessment)
    config_path = str(assessment.inputs.config_path)
    rows: list[dict[str, Any]] = []
    paths: list[dict[str, Any]] = []
    for i, target in enumerate(block.items):
        where = f"{config_path}: targets.items[{i}] ({target.id})"
        if target.base_value is not None and not (
            target.scope == "total" or (target.units is not None and len(target.units) == 1)
        ):
            raise InputError(
                [Problem(where, "base_value applies to one series: use scope: total or one unit")]
            )
        table, labels = _series_table(assessment, target, block, where)
        name = target.name
        for code, name_en, name_zh in labels:
            row, path = _evaluate(target, block, code, table[code], where)
            rows.append(
                {
                    "target": target.id,
                    "target_en": name.en if name else target.id,
                    "target_zh": name.zh if name else target.id,
                    "indicator": target.indicator,
                    "unit": code,
                    "unit_en": name_en,
                    "unit_zh": name_zh,
                    **row,
                }
            )
            paths += [{"target": target.id, "unit": code, **p} for p in path]
    th = block.thresholds
    notes = [
        f"Status: r = latest value / straight-path value; on track r >= {th.on_track}, at risk "
        f"{th.at_risk} <= r < {th.on_track}, off track r < {th.at_risk}.",
        "Straight path: base x (1 + required rate)^(year - base year), constant compound growth.",
        f"Projection: {int(block.interval * 100)}% interval; model chosen by one-step-ahead "
        f"mean absolute error of log values over the last {block.holdout} years (log-linear "
        "OLS trend unless a random walk with drift, ARIMA(0,1,0), forecasts better).",
        "A total is the sum of the unit values; a year with any unit missing has no total.",
        f"year_reached: latest year + ln(target / latest) / ln(1 + realised rate), rounded up; "
        f"empty when the realised rate is not positive or the wait exceeds {MAX_YEARS} years.",
    ]
    return TargetReport(
        pd.DataFrame(rows),
        pd.DataFrame(paths),
        notes,
        bool(assessment.config.simulated),
    )
