"""The pipeline steps. Each takes the current indicator matrix on the grid and one step's
parameters (a frozen model from ``config``) and calls the pure functions of ``kaifang.methods``.

Every step returns what it did next to the new matrix, so a run can report what was filled,
treated and why.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

from kaifang.assessment.config import (
    DenominateStep,
    ImputeStep,
    NormaliseStep,
    TreatStep,
)
from kaifang.assessment.grid import FloatArray, Grid
from kaifang.errors import KaifangError, MethodError
from kaifang.framework import Framework
from kaifang.methods import impute as imp
from kaifang.methods import normalise as nrm
from kaifang.methods import treat as trt

log = logging.getLogger(__name__)


class StepError(KaifangError):
    """A step could not run on this data; the message names the step and the indicator."""


def derive(raw: FloatArray, series: list[str], framework: Framework, grid: Grid) -> FloatArray:
    """Fill derived indicators (``derive: {growth: s}``): 100 * (s_t / s_{t-1} - 1).

    The first year has no previous year inside the grid and stays missing; a zero or missing
    previous value gives a missing growth, never Inf.
    """
    out = raw.copy()
    n = grid.n_units
    for j, sid in enumerate(series):
        if sid not in framework.nodes:
            continue
        spec = framework[sid].node.derive
        if spec is None or spec.growth is None:
            continue
        src = raw[:, series.index(spec.growth)]
        growth = np.full(grid.n_rows, np.nan)
        prev, cur = src[:-n], src[n:]
        with np.errstate(divide="ignore", invalid="ignore"):
            g = 100.0 * (cur / prev - 1.0)
        g[~np.isfinite(g)] = np.nan
        # consecutive grid years only: a gap in the year list is not a one-year change
        consecutive = np.repeat(np.diff(grid.years) == 1, n)
        growth[n:] = np.where(consecutive, g, np.nan)
        out[:, j] = growth
    return out


def denominate(
    raw: FloatArray, series: list[str], framework: Framework, params: DenominateStep
) -> tuple[FloatArray, list[str]]:
    """x_i / d_i * scale for every indicator with a ``denominator``; other indicators unchanged.

    A zero denominator gives a missing value (reported), never Inf.
    """
    indicators = framework.indicators
    idx = [series.index(i) for i in indicators]
    x = raw[:, idx].copy()
    warnings: list[str] = []
    for j, ind in enumerate(indicators):
        den = framework[ind].node.denominator
        if den is None:
            continue
        d = raw[:, series.index(den)]
        zero = d == 0
        if zero.any():
            warnings.append(
                f"denominate: {int(zero.sum())} value(s) of {ind!r} have a zero denominator "
                f"{den!r}; they are treated as missing"
            )
        with np.errstate(divide="ignore", invalid="ignore"):
            x[:, j] = np.where(zero, np.nan, x[:, j] / d) * params.scale
    return x, warnings


def _impute_once(
    x: FloatArray, method: str, params: ImputeStep, grid: Grid, units: pd.DataFrame
) -> tuple[FloatArray, np.ndarray]:
    if method == "none":
        return x, np.zeros(x.shape, dtype=bool)
    if method in ("linear_time", "locf", "nocb"):
        fn = {"linear_time": imp.impute_linear, "locf": imp.impute_locf, "nocb": imp.impute_nocb}
        return fn[method](x, grid.unit_codes, grid.year_column)
    groups: np.ndarray | None
    per_year = params.reference == "per_year"
    if method in ("group_mean", "group_median"):
        assert params.by is not None
        by = units.set_index("code")[params.by].astype(str).reindex(grid.units).to_numpy()
        group = np.tile(by, grid.n_years)
        groups = (
            np.char.add(np.char.add(grid.year_column.astype(str), "|"), group.astype(str))
            if per_year
            else group
        )
    else:
        groups = grid.year_column if per_year else None
    fn2 = imp.impute_mean if method.endswith("mean") else imp.impute_median
    return fn2(x, groups)


def impute(
    x: FloatArray, params: ImputeStep, grid: Grid, units: pd.DataFrame, indicators: list[str]
) -> tuple[FloatArray, pd.DataFrame, list[str]]:
    """Fill missing values by ``method`` then (optionally) ``then``; report every filled cell."""
    filled_x, mask = _impute_once(x, params.method, params, grid, units)
    rows, cols = np.nonzero(mask)
    how = np.full(rows.size, params.method, dtype=object)
    if params.then is not None:
        filled_x, mask2 = _impute_once(filled_x, params.then, params, grid, units)
        rows2, cols2 = np.nonzero(mask2 & ~mask)
        rows, cols = np.concatenate([rows, rows2]), np.concatenate([cols, cols2])
        how = np.concatenate([how, np.full(rows2.size, params.then, dtype=object)])
    report = pd.DataFrame(
        {
            "unit": grid.unit_column[rows],
            "year": grid.year_column[rows],
            "indicator": np.asarray(indicators, dtype=object)[cols],
            "value": filled_x[rows, cols],
            "method": how,
        }
    )
    warnings = []
    left = int(np.isnan(filled_x).sum())
    if left:
        warnings.append(f"impute: {left} value(s) are still missing after imputation")
    return filled_x, report, warnings


def transform_values(x: FloatArray, kind: str | None, label: str) -> FloatArray:
    """The framework's ``transform`` of an indicator (also applied to its goalposts)."""
    if kind is None:
        return x
    col = x.reshape(-1, 1)
    try:
        out = trt.log(col) if kind == "log" else trt.log1p(col)
    except MethodError as exc:
        raise StepError(f"indicator {label!r}: transform {kind}: {exc}") from None
    return np.asarray(out, dtype=np.float64).reshape(x.shape)


def treat(
    x: FloatArray, params: TreatStep | None, framework: Framework, grid: Grid
) -> tuple[FloatArray, pd.DataFrame]:
    """Apply each indicator's framework ``transform``; then the step's outlier treatment
    (per year or pooled) to the indicators without a transform, with per-indicator overrides.
    """
    indicators = framework.indicators
    out = x.copy()
    records: list[dict[str, Any]] = []
    for j, ind in enumerate(indicators):
        kind = framework[ind].node.transform
        if kind is not None:
            out[:, j] = transform_values(out[:, j], kind, ind)
            records.append({"indicator": ind, "year": None, "action": f"transform {kind}"})
    if params is None:
        return out, pd.DataFrame(records, columns=["indicator", "year", "action"])

    blocks: list[tuple[int | None, slice]] = (
        list(grid.year_blocks()) if params.reference == "per_year" else [(None, slice(None))]
    )
    # indicator -> (method, winmax); the framework's transform is the treatment of its indicator
    plan: dict[int, tuple[str, int]] = {}
    for j, ind in enumerate(indicators):
        override = params.overrides.get(ind)
        if override is None and framework[ind].node.transform is not None:
            continue
        method = override.method if override else params.method
        winmax = override.winmax if override and override.winmax is not None else params.winmax
        if method != "none":
            plan[j] = (method, winmax)
    for year, rows in blocks:
        labels = (
            grid.unit_column[rows]
            if year is not None
            else np.char.add(
                np.char.add(grid.unit_column.astype(str), "@"), grid.year_column.astype(str)
            )
        )
        # columns sharing the default winsorisation go through one vectorised call
        shared = [j for j, (m, w) in plan.items() if m == "winsorise" and w == params.winmax]
        if shared:
            try:
                treated, infos = trt.winsorise(
                    out[rows][:, shared], params.winmax, params.skew, params.kurtosis
                )
            except MethodError as exc:
                names = [indicators[j] for j in shared]
                raise StepError(f"treat: {name_columns(str(exc), names)}") from None
            out[rows, :] = _put(out[rows], shared, treated)
            for j, info in zip(shared, infos, strict=True):
                records.append(_winsor_record(indicators[j], year, info, labels))
        for j, (method, winmax) in plan.items():
            if j in shared:
                continue
            ind = indicators[j]
            col = out[rows, j : j + 1]
            try:
                if method == "winsorise":
                    treated, infos = trt.winsorise(col, winmax, params.skew, params.kurtosis)
                    out[rows, j] = treated[:, 0]
                    records.append(_winsor_record(ind, year, infos[0], labels))
                elif method == "boxcox":
                    override = params.overrides.get(ind)
                    lmbda = override.lmbda if override else None
                    treated_col, used = trt.boxcox(col[:, 0], lmbda)
                    out[rows, j] = treated_col
                    records.append(
                        {"indicator": ind, "year": year, "action": f"boxcox lambda={used:.6g}"}
                    )
                else:
                    fn: Callable[..., Any] = {
                        "log": trt.log,
                        "log1p": trt.log1p,
                        "log_ct": trt.log_ct,
                    }[method]
                    out[rows, j] = np.asarray(fn(col), dtype=np.float64)[:, 0]
                    records.append({"indicator": ind, "year": year, "action": method})
            except MethodError as exc:
                where = f" in {year}" if year is not None else ""
                raise StepError(f"treat: indicator {ind!r}{where}: {exc}") from None
    report = pd.DataFrame(records)
    return out, report


def _put(block: FloatArray, cols: list[int], values: FloatArray) -> FloatArray:
    block = block.copy()
    block[:, cols] = values
    return block


def _winsor_record(
    indicator: str, year: int | None, info: dict[str, Any], labels: np.ndarray
) -> dict[str, Any]:
    """One row of treated.csv: what the winsorisation rule did to one indicator (and year)."""
    transformed = info.get("transformed")
    n = int(info.get("n_winsorised") or 0)
    action = transformed or (f"winsorised {n} point(s)" if n else "passed")
    return {
        "indicator": indicator,
        "year": year,
        "action": action,
        "n_winsorised": n,
        # which unit(-year)s were pulled in, so a reader can find them in the data
        "winsorised_high": ";".join(str(labels[i]) for i in info.get("winsorised_high") or []),
        "winsorised_low": ";".join(str(labels[i]) for i in info.get("winsorised_low") or []),
        "skew_before": info.get("skew_before"),
        "kurt_before": info.get("kurt_before"),
        "skew_after": info.get("skew_after"),
        "kurt_after": info.get("kurt_after"),
        "note": info.get("note"),
    }


def name_columns(message: str, names: list[str]) -> str:
    """Methods count the columns of the block they were given; name the indicators instead."""

    def label(match: re.Match[str]) -> str:
        k = int(match.group(1))
        return f"indicator {names[k]!r}" if k < len(names) else match.group(0)

    return re.sub(r"column (\d+)", label, message)


def _reference_blocks(params: NormaliseStep, grid: Grid) -> list[tuple[slice, slice]]:
    """(rows to map, rows whose statistics are used) for the chosen reference."""
    if params.reference == "per_year":
        return [(rows, rows) for _, rows in grid.year_blocks()]
    if params.reference == "pooled":
        return [(slice(None), slice(None))]
    assert params.base_year is not None
    return [(slice(None), grid.block(params.base_year))]


def normalise(x: FloatArray, params: NormaliseStep, framework: Framework, grid: Grid) -> FloatArray:
    """Bring every indicator to a common scale with higher = better (directions applied)."""
    indicators = framework.indicators
    directions = np.array([float(framework[i].node.direction or 1) for i in indicators])
    out = np.full_like(x, np.nan)
    methods = {ind: params.overrides.get(ind) for ind in indicators}
    groups: dict[tuple[str, tuple[float, float]], list[int]] = {}
    for j, ind in enumerate(indicators):
        ov = methods[ind]
        method = ov.method if ov else params.method
        rng = ov.range if ov and ov.range else params.range
        groups.setdefault((method, rng), []).append(j)
    blocks = _reference_blocks(params, grid)
    for (method, (lo, hi)), cols in groups.items():
        sub = x[:, cols]
        d = directions[cols]
        try:
            result = _normalise_group(
                method, sub, d, lo, hi, params, framework, [indicators[c] for c in cols], blocks
            )
        except MethodError as exc:
            message = name_columns(str(exc), [indicators[c] for c in cols])
            raise StepError(f"normalise ({method}): {message}") from None
        out[:, cols] = result
    return out


def _normalise_group(
    method: str,
    x: FloatArray,
    d: FloatArray,
    lo: float,
    hi: float,
    params: NormaliseStep,
    framework: Framework,
    names: list[str],
    blocks: list[tuple[slice, slice]],
) -> FloatArray:
    if method == "goalposts":
        missing = [n for n in names if framework[n].node.goalposts is None]
        if missing:
            raise MethodError(f"goalposts missing in the framework for: {', '.join(missing)}")
        gp = np.array([framework[n].node.goalposts for n in names], dtype=float)
        lower = np.array(
            [
                transform_values(gp[k, :1], framework[n].node.transform, n)[0]
                for k, n in enumerate(names)
            ]
        )
        upper = np.array(
            [
                transform_values(gp[k, 1:], framework[n].node.transform, n)[0]
                for k, n in enumerate(names)
            ]
        )
        return np.asarray(
            nrm.goalposts(x, lower, upper, directions=d, lo=lo, hi=hi), dtype=np.float64
        )
    out = np.full_like(x, np.nan)
    for rows, ref_rows in blocks:
        xr, ref = x[rows], x[ref_rows]
        if method == "minmax":
            res = nrm.minmax(xr, lo, hi, directions=d, ref=ref)
        elif method == "zscore":
            res = nrm.zscore(xr, params.mean, params.sd, directions=d, ref=ref)
        elif method == "distance_to_target":
            missing = [n for n in names if framework[n].node.target is None]
            if missing:
                raise MethodError(f"target missing in the framework for: {', '.join(missing)}")
            targets = np.array(
                [
                    transform_values(
                        np.array([framework[n].node.target], dtype=float),
                        framework[n].node.transform,
                        n,
                    )[0]
                    for n in names
                ]
            )
            res = nrm.distance_to_target(xr, targets, directions=d, ref=ref, cap=params.cap)
        elif method == "borda":
            res = nrm.borda(xr, directions=d, ties=params.ties or "min")
        elif method in ("rank", "percentile_rank"):
            fn = nrm.NORMALISERS[method]
            res = fn(xr, directions=d, ref=ref, ties=params.ties or "average")
        else:
            fn = nrm.NORMALISERS[method]
            res = fn(xr, directions=d, ref=ref)
        out[rows] = res
    return out
