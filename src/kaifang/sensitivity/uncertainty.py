"""Uncertainty analysis: the distribution of every unit's rank and score over Monte Carlo runs
of the uncertain inputs.

For every unit: the nominal rank (the assessment as configured), the median, mean, 5th and 95th
percentile rank over the runs; scores likewise. Percentiles use numpy's default (linear)
definition, :math:`Q(q) = s_{(\\lfloor h \\rfloor)} + (h - \\lfloor h \\rfloor)
(s_{(\\lfloor h \\rfloor + 1)} - s_{(\\lfloor h \\rfloor)})` with :math:`h = (R - 1) q` on the
sorted values :math:`s`.

Memory stays bounded: runs are evaluated in chunks; rank statistics come from a count of every
(unit, rank) pair (exact, units x units integers, whatever the number of runs); scores are kept
for their percentiles (float64 up to 5 million run-units, float32 beyond: 7 significant digits).

References
----------
Saisana, M., Saltelli, A. and Tarantola, S. (2005). Uncertainty and sensitivity analysis
techniques as tools for the quality assessment of composite indicators. J. R. Statist. Soc. A
168(2), 307-323. OECD/JRC (2008), *Handbook on Constructing Composite Indicators*, section 7.
COINr ``get_sensitivity(SA_type = "UA")``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from kaifang.assessment import Assessment
from kaifang.errors import InputError, Problem
from kaifang.sensitivity.design import monte_carlo
from kaifang.sensitivity.evaluate import Evaluator
from kaifang.sensitivity.sobol import design_table
from kaifang.sensitivity.spec import SensitivitySpec

FloatArray = NDArray[np.float64]

__all__ = [
    "UncertaintyResult",
    "quantiles_from_counts",
    "resolve_spec",
    "run_uncertainty",
    "uncertainty_analysis",
]

QUANTILES = (0.05, 0.5, 0.95)
EXACT_SCORE_CELLS = 5_000_000


@dataclass(frozen=True)
class UncertaintyResult:
    """Per-unit rank and score statistics, the design (one row per run) and the output."""

    table: pd.DataFrame
    design: pd.DataFrame
    node: str
    year: int
    runs: int
    upstream_combinations: int


def resolve_spec(assessment: Assessment, spec: SensitivitySpec | None) -> SensitivitySpec:
    """``spec``, or the ``sensitivity:`` block of the assessment's config file."""
    if spec is not None:
        return spec
    from kaifang.sensitivity.spec import load_spec

    path = assessment.inputs.config_path
    found = load_spec(path)
    if found is None:
        raise InputError(
            [Problem(str(path), "no 'sensitivity:' block: declare the uncertain inputs there")]
        )
    return found


def quantiles_from_counts(
    counts: NDArray[np.int64], values: FloatArray, qs: tuple[float, ...] = QUANTILES
) -> FloatArray:
    """Percentiles of samples given as counts: ``counts[u, v]`` samples of unit u equal
    ``values[v]`` (``values`` ascending). Same definition as ``numpy.quantile`` (linear).

    Returns
    -------
    ndarray, shape (units, len(qs)); NaN for a unit with no sample.
    """
    total = counts.sum(axis=1)
    cum = np.cumsum(counts, axis=1)
    out = np.full((counts.shape[0], len(qs)), np.nan)
    has = total > 0
    for k, q in enumerate(qs):
        h = (total - 1) * q
        lo = np.floor(h).astype(np.int64)
        hi = np.minimum(lo + 1, total - 1)
        frac = h - lo
        # the j-th sorted sample (0-based) is the first value whose cumulative count exceeds j
        v_lo = values[np.argmax(cum > lo[:, None], axis=1)]
        v_hi = values[np.argmax(cum > hi[:, None], axis=1)]
        out[has, k] = (v_lo + frac * (v_hi - v_lo))[has]
    return out


def run_uncertainty(
    assessment: Assessment,
    spec: SensitivitySpec,
    n: int | None = None,
    seed: int | None = None,
    *,
    evaluator: Evaluator | None = None,
) -> UncertaintyResult:
    """Monte Carlo over the uncertain inputs: ``n`` runs evaluated in chunks."""
    ev = evaluator or Evaluator(assessment, spec)
    runs = int(n if n is not None else spec.samples)
    seed = int(seed if seed is not None else spec.seed)
    noise = ev.is_noise()
    design = monte_carlo(ev.n_levels(noise_pool=runs), runs, seed, fresh=noise)
    pools = ev.draw_noise(runs, seed)
    units = len(ev.units)
    counts = np.zeros((units, units + 1), dtype=np.int64)  # rank 1..units; column 0 unused
    rank_sum = np.zeros(units)
    rank_n = np.zeros(units)
    store = np.float64 if runs * units <= EXACT_SCORE_CELLS else np.float32
    scores = np.empty((runs, units), dtype=store)
    shift = np.empty(runs)
    offsets = np.arange(units) * (units + 1)
    pending: list[NDArray[np.int64]] = []
    waiting = 0

    def flush() -> None:
        # one bincount per `counts.size` cells counted, not per chunk: its cost is the length
        # of the count array
        nonlocal counts, waiting
        if pending:
            flat = np.concatenate(pending)
            counts += np.bincount(flat, minlength=counts.size).reshape(counts.shape)
            pending.clear()
            waiting = 0

    for rows, batch in ev.iter_batches(design.codes, pools):
        scores[rows] = batch.scores
        r = batch.ranks
        ok = ~np.isnan(r)
        pending.append((offsets[None, :] + np.where(ok, r, 0).astype(np.int64))[ok])
        waiting += pending[-1].size
        if waiting >= counts.size:
            flush()
        rank_sum += np.where(ok, r, 0.0).sum(axis=0)
        rank_n += ok.sum(axis=0)
        shift[rows] = np.nanmean(np.abs(r - ev.nominal_ranks[None, :]), axis=1)
    flush()
    rank_q = quantiles_from_counts(counts, np.arange(units + 1, dtype=np.float64))
    with np.errstate(invalid="ignore", divide="ignore"):
        mean_rank = np.where(rank_n > 0, rank_sum / np.maximum(rank_n, 1), np.nan)
    score_q, mean_score = _score_stats(scores)
    names = assessment_unit_names(ev)
    table = pd.DataFrame(
        {
            "unit": ev.units,
            "name_en": [names[u][0] for u in ev.units],
            "name_zh": [names[u][1] for u in ev.units],
            "nominal_rank": ev.nominal_ranks,
            "median_rank": rank_q[:, 1],
            "mean_rank": mean_rank,
            "q05_rank": rank_q[:, 0],
            "q95_rank": rank_q[:, 2],
            "nominal_score": ev.nominal_scores,
            "median_score": score_q[:, 1],
            "mean_score": mean_score,
            "q05_score": score_q[:, 0],
            "q95_score": score_q[:, 2],
        }
    )
    table = table.sort_values(["nominal_rank", "unit"], kind="stable").reset_index(drop=True)
    return UncertaintyResult(
        table=table,
        design=design_table(ev, design, shift),
        node=ev.node,
        year=ev.year,
        runs=runs,
        upstream_combinations=ev.upstream_combinations,
    )


def _score_stats(scores: NDArray[np.floating]) -> tuple[FloatArray, FloatArray]:
    """Percentiles and mean of every unit's scores, a block of units at a time (float64
    copies of one block only)."""
    runs, units = scores.shape
    quant = np.full((units, len(QUANTILES)), np.nan)
    mean = np.full(units, np.nan)
    step = max(1, 2_000_000 // max(1, runs))
    for start in range(0, units, step):
        block = scores[:, start : start + step].astype(np.float64)
        ok = ~np.all(np.isnan(block), axis=0)
        if not ok.any():
            continue
        cols = np.flatnonzero(ok) + start
        sub = block[:, ok]
        if np.isnan(sub).any():
            quant[cols] = np.nanquantile(sub, QUANTILES, axis=0).T
            mean[cols] = np.nanmean(sub, axis=0)
        else:
            quant[cols] = np.quantile(sub, QUANTILES, axis=0).T
            mean[cols] = sub.mean(axis=0)
    return quant, mean


def assessment_unit_names(ev: Evaluator) -> dict[str, tuple[str, str]]:
    names = ev.nominal.record.get("unit_names", {})
    return {
        u: (str(names.get(u, {}).get("en", u)), str(names.get(u, {}).get("zh", u)))
        for u in ev.units
    }


def uncertainty_analysis(
    assessment: Assessment,
    spec: SensitivitySpec | None = None,
    n: int | None = None,
    seed: int | None = None,
) -> pd.DataFrame:
    """Per-unit nominal, median, mean, 5th and 95th percentile rank and score over ``n``
    Monte Carlo runs of the uncertain inputs (sorted by nominal rank).

    ``spec`` defaults to the ``sensitivity:`` block of the assessment's config.
    """
    return run_uncertainty(assessment, resolve_spec(assessment, spec), n, seed).table
