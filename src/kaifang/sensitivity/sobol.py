"""Variance-based sensitivity analysis: first-order and total Sobol indices with bootstrap
confidence intervals, estimated on Saltelli's design.

For an output Y and input i, with A, B the two base matrices of N runs and :math:`A_B^{(i)}`
the runs of A with input i taken from B,

.. math::

    V &= \\operatorname{Var}[Y(A) \\cup Y(B)] \\\\
    S_i &= \\frac{1}{N V} \\sum_{j=1}^{N} Y(B)_j \\big(Y(A_B^{(i)})_j - Y(A)_j\\big)
        \\qquad \\text{(Saltelli et al. 2010, table 2 (b))} \\\\
    S_{Ti} &= \\frac{1}{2 N V} \\sum_{j=1}^{N} \\big(Y(A)_j - Y(A_B^{(i)})_j\\big)^2
        \\qquad \\text{(Jansen 1999)}

Y is centred on the mean of all runs first (and scaled by their standard deviation, which
cancels in the ratios): the first-order estimator is biased for outputs far from 0, and this is
also what SALib does, so both give the same numbers on the same design. An output that does not
vary has undefined indices (NaN).

Confidence intervals: B bootstrap resamples of the N base rows (with replacement); every
resample's estimate is a matrix product of the resample's multiplicity matrix (B, N) with the
per-row terms, so all resamples and all outputs are estimated at once. Reported: the percentile
interval and SALib's half-width :math:`z_{(1+c)/2} \\cdot \\mathrm{sd}` of the resampled
estimates.

References
----------
Saltelli, A., Annoni, P., Azzini, I., Campolongo, F., Ratto, M. and Tarantola, S. (2010).
Variance based sensitivity analysis of model output. Design and estimator for the total
sensitivity index. Computer Physics Communications 181(2), 259-270.
Jansen, M. J. W. (1999). Analysis of variance designs for model output. Computer Physics
Communications 117, 35-43.
Archer, G. E. B., Saltelli, A. and Sobol, I. M. (1997). Sensitivity measures, ANOVA-like
techniques and the use of bootstrap. J. Statistical Computation and Simulation 58, 99-120.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from kaifang.assessment import Assessment
from kaifang.sensitivity.design import Design, saltelli
from kaifang.sensitivity.evaluate import Evaluator
from kaifang.sensitivity.spec import SensitivitySpec

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]

__all__ = [
    "SobolIndices",
    "SobolResult",
    "run_sobol",
    "sobol_analysis",
    "sobol_indices",
    "split_saltelli",
]

MEAN_SHIFT = "mean_abs_rank_shift"


@dataclass(frozen=True)
class SobolIndices:
    """Indices of d inputs for q outputs: every array is (d, q)."""

    first: FloatArray
    total: FloatArray
    first_low: FloatArray
    first_high: FloatArray
    total_low: FloatArray
    total_high: FloatArray
    first_conf: FloatArray
    total_conf: FloatArray


def split_saltelli(y: FloatArray, d: int) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Outputs of a Saltelli design (SALib's row order, second-order rows included) split
    into Y(A) (N, q), Y(B) (N, q) and Y(A_B^(i)) (N, d, q)."""
    y2 = y.reshape(y.shape[0], -1)
    step = 2 * d + 2
    if y2.shape[0] % step:
        raise ValueError(f"{y2.shape[0]} runs are not a multiple of 2d + 2 = {step}")
    blocks = y2.reshape(-1, step, y2.shape[1])
    return blocks[:, 0], blocks[:, step - 1], blocks[:, 1 : d + 1]


def _ratio(num: FloatArray, den: FloatArray) -> FloatArray:
    with np.errstate(divide="ignore", invalid="ignore"):
        out: FloatArray = np.where(den > 0, num / np.where(den > 0, den, 1.0), np.nan)
    return out


def sobol_indices(
    y: FloatArray,
    d: int,
    *,
    bootstrap: int = 500,
    conf_level: float = 0.95,
    seed: int | None = 0,
    resamples: IntArray | None = None,
) -> SobolIndices:
    """First-order (Saltelli 2010) and total (Jansen) indices of every output column of ``y``.

    Parameters
    ----------
    y : ndarray, shape (N (2d + 2),) or (N (2d + 2), q)
        Outputs of a Saltelli design in SALib's row order.
    d : int
        Number of inputs.
    bootstrap : int
        Number of bootstrap resamples (ignored when ``resamples`` is given).
    conf_level : float
        Level of the confidence intervals.
    seed : int or None
        Seed of the resampling.
    resamples : ndarray of int, shape (N, B), optional
        Resampled row indices (column b is resample b), e.g. SALib's, to reproduce its
        intervals exactly.

    Returns
    -------
    SobolIndices
        Arrays of shape (d, q); NaN for an output that does not vary.
    """
    ya, yb, yab = split_saltelli(np.asarray(y, dtype=np.float64), d)
    # centre and scale on every run (including the BA rows), as SALib does
    full = np.asarray(y, dtype=np.float64).reshape(-1, ya.shape[1])
    centre, spread = full.mean(axis=0), full.std(axis=0)
    safe = np.where(spread > 0, spread, 1.0)
    ya, yb = (ya - centre) / safe, (yb - centre) / safe
    yab = (yab - centre) / safe
    n = ya.shape[0]
    var = np.var(np.concatenate([ya, yb], axis=0), axis=0)
    var = np.where(spread > 0, var, 0.0)
    first_terms = yb[:, None, :] * (yab - ya[:, None, :])  # (N, d, q)
    total_terms = 0.5 * (ya[:, None, :] - yab) ** 2
    first = _ratio(first_terms.mean(axis=0), var[None, :])
    total = _ratio(total_terms.mean(axis=0), var[None, :])

    if resamples is None:
        rng = np.random.default_rng(seed)
        resamples = rng.integers(n, size=(n, bootstrap))
    r = np.asarray(resamples, dtype=np.int64)
    b = r.shape[1]
    # multiplicity of every base row in every resample: estimates become matrix products
    counts = (
        np.bincount((np.arange(b)[None, :] * n + r).ravel(), minlength=b * n)
        .reshape(b, n)
        .astype(np.float64)
    )
    q = ya.shape[1]
    mean_a, mean_b = counts @ ya / n, counts @ yb / n
    sq_a, sq_b = counts @ ya**2 / n, counts @ yb**2 / n
    var_b = 0.5 * (sq_a + sq_b) - (0.5 * (mean_a + mean_b)) ** 2  # (B, q)
    # SALib's rule: when no resampled value differs from another, the half-width is 0
    used = counts.sum(axis=0) > 0
    pooled = np.concatenate([ya[used], yb[used]], axis=0)
    varies = np.ptp(pooled, axis=0) != 0.0  # (q,)
    f_b = _ratio((counts @ first_terms.reshape(n, d * q)).reshape(b, d, q) / n, var_b[:, None])
    t_b = _ratio((counts @ total_terms.reshape(n, d * q)).reshape(b, d, q) / n, var_b[:, None])
    from scipy.stats import norm  # 0.4 s to import: not on the path of every assess

    z = float(norm.ppf(0.5 + conf_level / 2))
    alpha = (1.0 - conf_level) / 2
    with np.errstate(invalid="ignore"):
        first_conf = np.where(varies, z * np.std(f_b, axis=0, ddof=1), 0.0)
        total_conf = np.where(varies, z * np.std(t_b, axis=0, ddof=1), 0.0)
    undefined = ~(spread > 0)
    first_conf = np.where(undefined, np.nan, first_conf)
    total_conf = np.where(undefined, np.nan, total_conf)
    return SobolIndices(
        first=first,
        total=total,
        first_low=_nanquantile(f_b, alpha),
        first_high=_nanquantile(f_b, 1 - alpha),
        total_low=_nanquantile(t_b, alpha),
        total_high=_nanquantile(t_b, 1 - alpha),
        first_conf=first_conf,
        total_conf=total_conf,
    )


def _nanquantile(values: FloatArray, q: float) -> FloatArray:
    out = np.full(values.shape[1:], np.nan)
    ok = ~np.all(np.isnan(values), axis=0)
    if ok.any():
        out[ok] = np.nanquantile(values[:, ok], q, axis=0)
    return out


@dataclass(frozen=True)
class SobolResult:
    """Sobol indices (one row per output and input), the design and the outputs of every run."""

    indices: pd.DataFrame
    design: pd.DataFrame
    node: str
    year: int
    runs: int
    base: int
    upstream_combinations: int


def run_sobol(
    assessment: Assessment,
    spec: SensitivitySpec,
    n: int | None = None,
    seed: int | None = None,
    *,
    evaluator: Evaluator | None = None,
) -> SobolResult:
    """Saltelli design of ``n`` base rows (``n (2d + 2)`` runs), batched evaluation, indices of
    the mean absolute rank shift and of every unit's rank."""
    ev = evaluator or Evaluator(assessment, spec)
    base = int(n if n is not None else spec.samples)
    seed = int(seed if seed is not None else spec.seed)
    d = len(spec.inputs)
    design = saltelli(ev.n_levels(), base, seed)
    pools = ev.draw_noise(None, seed)
    units = len(ev.units)
    ranks = np.empty((design.runs, units), dtype=np.float32)  # whole numbers: float32 is exact
    shift = np.empty(design.runs)
    for rows, batch in ev.iter_batches(design.codes, pools):
        ranks[rows] = batch.ranks
        shift[rows] = np.nanmean(np.abs(batch.ranks - ev.nominal_ranks[None, :]), axis=1)
    outputs = np.column_stack([shift, ranks.astype(np.float64)])
    idx = sobol_indices(outputs, d, bootstrap=spec.bootstrap, conf_level=spec.conf_level, seed=seed)
    names = [MEAN_SHIFT, *ev.units]
    rows_out = []
    for k, output in enumerate(names):
        for i, label in enumerate(spec.labels):
            rows_out.append(
                {
                    "output": output,
                    "input": label,
                    "S1": idx.first[i, k],
                    "S1_low": idx.first_low[i, k],
                    "S1_high": idx.first_high[i, k],
                    "S1_conf": idx.first_conf[i, k],
                    "ST": idx.total[i, k],
                    "ST_low": idx.total_low[i, k],
                    "ST_high": idx.total_high[i, k],
                    "ST_conf": idx.total_conf[i, k],
                }
            )
    table = pd.DataFrame(rows_out)
    return SobolResult(
        indices=table,
        design=design_table(ev, design, shift),
        node=ev.node,
        year=ev.year,
        runs=design.runs,
        base=base,
        upstream_combinations=ev.upstream_combinations,
    )


def design_table(ev: Evaluator, design: Design, shift: NDArray[np.floating]) -> pd.DataFrame:
    """One row per run: the option of every input (label) and the mean absolute rank shift."""
    table = pd.DataFrame({"run": np.arange(1, design.runs + 1)})
    for i, label in enumerate(ev.spec.labels):
        codes = design.codes[:, i]
        if ev.is_noise()[i]:
            table[label] = codes
        else:
            names = np.array(
                [ev.option_label(i, c) for c in range(design.n_levels[i])], dtype=object
            )
            table[label] = names[codes]
    table[MEAN_SHIFT] = np.asarray(shift, dtype=np.float64)
    return table


def sobol_analysis(
    assessment: Assessment,
    spec: SensitivitySpec | None = None,
    n: int | None = None,
    seed: int | None = None,
) -> pd.DataFrame:
    """First-order and total Sobol indices with bootstrap intervals: one row per output
    (``mean_abs_rank_shift``, then every unit's rank) and input.

    ``spec`` defaults to the ``sensitivity:`` block of the assessment's config.
    """
    from kaifang.sensitivity.uncertainty import resolve_spec

    return run_sobol(assessment, resolve_spec(assessment, spec), n, seed).indices
