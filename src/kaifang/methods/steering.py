"""Steering arithmetic: growth targets, factor-method allocation (因素法) and exact rounding.

Target tracking (``required_cagr``, ``realised_cagr``, ``geometric_path``, ``path_status``,
``years_to_reach``) follows the usual compound-growth conventions of plan monitoring; the
allocation kernels (``factor_shares``, ``performance_shares``, ``grade_by_thresholds``,
``grade_by_rank_quantiles``, ``improvement_shares``, ``fit_to_bounds``, ``largest_remainder``)
implement the factor method of Chinese transfer-payment practice (财政部《中央对地方专项转移支付
管理办法》: funds split by objective factors and performance results) with floors, caps and
Hamilton's largest-remainder rounding so that amounts sum exactly to the budget; weight
scenarios move a group's share of the index with ``scale_share``.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

from kaifang.errors import MethodError

__all__ = [
    "AT_RISK",
    "OFF_TRACK",
    "ON_TRACK",
    "factor_shares",
    "fit_to_bounds",
    "geometric_path",
    "grade_by_rank_quantiles",
    "grade_by_thresholds",
    "improvement_shares",
    "largest_remainder",
    "path_status",
    "performance_shares",
    "realised_cagr",
    "required_cagr",
    "scale_share",
    "years_to_reach",
]

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]

ON_TRACK, AT_RISK, OFF_TRACK = 0, 1, 2


def _positive(name: str, x: FloatArray) -> None:
    bad = ~(x > 0)
    if bad.any():
        where = np.flatnonzero(bad.reshape(-1))[:5].tolist()
        raise MethodError(
            f"{name} must be positive for compound growth; found {x.reshape(-1)[where].tolist()} "
            f"at position(s) {where}"
        )


def required_cagr(base: ArrayLike, target: ArrayLike, years: ArrayLike) -> FloatArray:
    """Compound annual growth rate needed to go from ``base`` to ``target`` in ``years`` years.

    .. math::

        g_{req} = \\left(\\frac{V_T}{V_0}\\right)^{1/(T - t_0)} - 1

    A doubling in 4 years needs :math:`2^{1/4} - 1 = 18.92\\%` a year.

    Raises
    ------
    MethodError
        If a base or target is not positive or ``years`` is not positive.

    References
    ----------
    OECD (2001), *Measuring Productivity*, annex on compound growth rates.
    """
    b = np.asarray(base, dtype=np.float64)
    v = np.asarray(target, dtype=np.float64)
    n = np.asarray(years, dtype=np.float64)
    _positive("base value", b)
    _positive("target value", v)
    if (~(n > 0)).any():
        raise MethodError(f"the target year must come after the base year; years = {n.tolist()}")
    return np.asarray((v / b) ** (1.0 / n) - 1.0, dtype=np.float64)


def realised_cagr(base: ArrayLike, current: ArrayLike, years: ArrayLike) -> FloatArray:
    """Compound annual growth rate realised from ``base`` to ``current`` over ``years`` years.

    .. math::

        g_{real} = \\left(\\frac{V_t}{V_0}\\right)^{1/(t - t_0)} - 1

    NaN where no year has passed (``years == 0``) or a value is missing or not positive
    (a compound rate is undefined there; documented, never Inf).

    References
    ----------
    OECD (2001), *Measuring Productivity*, annex on compound growth rates.
    """
    b = np.asarray(base, dtype=np.float64)
    v = np.asarray(current, dtype=np.float64)
    n = np.asarray(years, dtype=np.float64)
    ok = (b > 0) & (v > 0) & (n > 0)
    safe_n = np.where(ok, n, 1.0)
    safe_b = np.where(ok, b, 1.0)
    safe_v = np.where(ok, v, 1.0)
    return np.asarray(np.where(ok, (safe_v / safe_b) ** (1.0 / safe_n) - 1.0, np.nan))


def geometric_path(base: ArrayLike, rate: ArrayLike, elapsed: ArrayLike) -> FloatArray:
    """The straight (constant-rate) path from the base value: the value expected after
    ``elapsed`` years when growing at ``rate`` a year.

    .. math::

        E_t = V_0 (1 + g_{req})^{t - t_0}

    With :math:`g_{req}` from :func:`required_cagr` the path ends exactly at the target in the
    target year; "straight" means straight on a log scale (constant growth), the convention of
    plans stated as "double by year T".
    """
    b = np.asarray(base, dtype=np.float64)
    g = np.asarray(rate, dtype=np.float64)
    t = np.asarray(elapsed, dtype=np.float64)
    return np.asarray(b * (1.0 + g) ** t, dtype=np.float64)


def path_status(
    actual: ArrayLike, expected: ArrayLike, on_track: float = 0.98, at_risk: float = 0.90
) -> IntArray:
    """Classify progress by the ratio of the actual value to the straight-path value.

    .. math::

        r = V_t / E_t, \\quad
        \\text{status} = \\begin{cases}
            \\text{on track (0)} & r \\ge \\theta_{on} \\\\
            \\text{at risk (1)} & \\theta_{risk} \\le r < \\theta_{on} \\\\
            \\text{off track (2)} & r < \\theta_{risk}
        \\end{cases}

    Defaults :math:`\\theta_{on} = 0.98` (within 2% of the path counts as on track, the noise of
    one year's data) and :math:`\\theta_{risk} = 0.90`. A missing value gives status -1.

    Raises
    ------
    MethodError
        If the thresholds are not ``0 < at_risk <= on_track``.

    References
    ----------
    UN ESCAP (2017), *Asia and the Pacific SDG Progress Report*, technical note: the ratio of
    actual to required progress classifies a target as on track, needing acceleration or regressing.
    """
    if not 0 < at_risk <= on_track:
        raise MethodError(
            f"status thresholds need 0 < at_risk <= on_track; found at_risk={at_risk}, "
            f"on_track={on_track}"
        )
    a = np.asarray(actual, dtype=np.float64)
    e = np.asarray(expected, dtype=np.float64)
    ok = np.isfinite(a) & np.isfinite(e) & (e > 0)
    r = np.where(ok, a / np.where(ok, e, 1.0), np.nan)
    status = np.where(r >= on_track, ON_TRACK, np.where(r >= at_risk, AT_RISK, OFF_TRACK))
    return np.asarray(np.where(ok, status, -1), dtype=np.int64)


def years_to_reach(current: ArrayLike, target: ArrayLike, rate: ArrayLike) -> FloatArray:
    """Years needed for ``current`` to reach ``target`` growing at ``rate`` a year.

    .. math::

        n = \\frac{\\ln(V_T / V_t)}{\\ln(1 + g)}

    0 when the target is already reached; NaN when it is not and ``rate <= 0`` (never reached at
    that rate) or an input is missing.
    """
    v = np.asarray(current, dtype=np.float64)
    tv = np.asarray(target, dtype=np.float64)
    g = np.asarray(rate, dtype=np.float64)
    valid = np.isfinite(v) & np.isfinite(tv) & np.isfinite(g) & (v > 0) & (tv > 0)
    reached = valid & (v >= tv)
    grows = valid & ~reached & (g > 0)
    n = np.full(np.broadcast(v, tv, g).shape, np.nan)
    n = np.where(reached, 0.0, n)
    ratio = np.where(grows, tv / np.where(valid, v, 1.0), 2.0)
    step = np.where(grows, np.log1p(np.where(grows, g, 1.0)), 1.0)
    return np.asarray(np.where(grows, np.log(ratio) / step, n), dtype=np.float64)


def factor_shares(factors: ArrayLike, weights: ArrayLike) -> FloatArray:
    """Each unit's share of the base part: a weighted sum of its shares of every factor.

    .. math::

        b_i = \\sum_k w_k \\frac{f_{ki}}{\\sum_j f_{kj}}, \\qquad \\sum_k w_k = 1

    ``factors`` is (n, K): one column per factor (a column of ones is the equal split). The
    result sums to 1.

    Raises
    ------
    MethodError
        If a factor value is missing or negative, a factor sums to 0, or the weights are not
        non-negative and summing to 1.

    References
    ----------
    财政部 (2021)《中央对地方专项转移支付管理办法》(财预〔2015〕230号 revised): 因素法分配;
    Ma, J. (1997), *Intergovernmental Fiscal Transfers in Nine Countries*, World Bank.
    """
    f = np.asarray(factors, dtype=np.float64)
    w = np.asarray(weights, dtype=np.float64)
    if f.ndim != 2 or w.shape != (f.shape[1],):
        raise MethodError(f"factors must be (n, K) with K weights; got {f.shape} and {w.shape}")
    if np.isnan(f).any():
        rows, cols = np.nonzero(np.isnan(f))
        raise MethodError(f"factor column {cols[0]} is missing for row {rows[0]}")
    if (f < 0).any():
        rows, cols = np.nonzero(f < 0)
        raise MethodError(f"factor column {cols[0]} is negative for row {rows[0]}")
    totals = f.sum(axis=0)
    if (totals <= 0).any():
        raise MethodError(f"factor column {int(np.argmax(totals <= 0))} sums to 0")
    if (w < 0).any() or abs(float(w.sum()) - 1.0) > 1e-9:
        raise MethodError(f"factor weights must be >= 0 and sum to 1; found {w.tolist()}")
    return np.asarray((f / totals) @ w, dtype=np.float64)


def performance_shares(values: ArrayLike) -> FloatArray:
    """Shares proportional to non-negative values (scores, or grade multipliers).

    .. math::

        p_i = \\frac{s_i}{\\sum_j s_j}

    Non-decreasing in the unit's own value (the others fixed), so a better score never lowers a
    unit's share.

    Raises
    ------
    MethodError
        If a value is missing or negative, or all values are 0.
    """
    s = np.asarray(values, dtype=np.float64)
    if np.isnan(s).any():
        raise MethodError(f"missing score for row(s) {np.flatnonzero(np.isnan(s)).tolist()}")
    if (s < 0).any():
        raise MethodError(
            f"score shares need scores >= 0; row(s) {np.flatnonzero(s < 0).tolist()} are "
            "negative (use grades, or a normalisation into [0, 100])"
        )
    total = s.sum()
    if total <= 0:
        raise MethodError("every score is 0: a score share is undefined")
    return np.asarray(s / total, dtype=np.float64)


def grade_by_thresholds(scores: ArrayLike, thresholds: ArrayLike) -> IntArray:
    """Grade 0 (A), 1 (B), ... from descending score thresholds.

    .. math::

        \\text{grade}_i = \\#\\{k : s_i < t_k\\}

    With thresholds (85, 70, 60): :math:`s \\ge 85` is A, :math:`70 \\le s < 85` B,
    :math:`60 \\le s < 70` C, below 60 D.

    Raises
    ------
    MethodError
        If the thresholds are not strictly descending or a score is missing.
    """
    s = np.asarray(scores, dtype=np.float64)
    t = np.asarray(thresholds, dtype=np.float64)
    if t.ndim != 1 or (np.diff(t) >= 0).any():
        raise MethodError(f"grade thresholds must be strictly descending; found {t.tolist()}")
    if np.isnan(s).any():
        raise MethodError(f"missing score for row(s) {np.flatnonzero(np.isnan(s)).tolist()}")
    return np.asarray((s[:, None] < t[None, :]).sum(axis=1), dtype=np.int64)


def grade_by_rank_quantiles(ranks: ArrayLike, quantiles: ArrayLike) -> IntArray:
    """Grade 0 (A), 1 (B), ... from the rank's position in the ranking.

    .. math::

        q_i = r_i / n, \\qquad \\text{grade}_i = \\#\\{k : q_i > c_k\\}

    With cut points (0.2, 0.5, 0.8): the best 20% of units (by rank, 1 = best, ties sharing the
    best rank) are A, up to 50% B, up to 80% C, the rest D.

    Raises
    ------
    MethodError
        If the cut points are not strictly ascending in (0, 1] or a rank is missing.
    """
    r = np.asarray(ranks, dtype=np.float64)
    c = np.asarray(quantiles, dtype=np.float64)
    if c.ndim != 1 or (np.diff(c) <= 0).any() or (c <= 0).any() or (c > 1).any():
        raise MethodError(f"rank quantiles must ascend strictly within (0, 1]; found {c.tolist()}")
    if np.isnan(r).any():
        raise MethodError(f"missing rank for row(s) {np.flatnonzero(np.isnan(r)).tolist()}")
    q = r / len(r)
    return np.asarray((q[:, None] > c[None, :] + 1e-12).sum(axis=1), dtype=np.int64)


def improvement_shares(current: ArrayLike, previous: ArrayLike) -> FloatArray:
    """Shares of the improvement bonus: proportional to the positive change in score.

    .. math::

        \\Delta_i = \\max(s_i^{(t)} - s_i^{(t_0)}, 0), \\qquad
        q_i = \\frac{\\Delta_i}{\\sum_j \\Delta_j}

    All zeros when no unit improved (the caller decides where that money goes).

    Raises
    ------
    MethodError
        If a score is missing.
    """
    s1 = np.asarray(current, dtype=np.float64)
    s0 = np.asarray(previous, dtype=np.float64)
    missing = np.isnan(s1) | np.isnan(s0)
    if missing.any():
        raise MethodError(f"missing score for row(s) {np.flatnonzero(missing).tolist()}")
    gain = np.maximum(s1 - s0, 0.0)
    total = gain.sum()
    return np.asarray(gain / total if total > 0 else np.zeros_like(gain), dtype=np.float64)


def fit_to_bounds(
    amounts: ArrayLike, floors: ArrayLike, caps: ArrayLike, total: float
) -> FloatArray:
    """Amounts within per-unit floors and caps that still sum to ``total``.

    .. math::

        x_i(c) = \\min(\\max(c\\,a_i, L_i), U_i), \\qquad \\sum_i x_i(c^*) = B

    Units pushed to a floor or cap are fixed there and the rest of the money is redistributed
    among the others in proportion to their rule-based amounts :math:`a_i` (a common scale
    :math:`c`). :math:`\\sum_i x_i(c)` is continuous and non-decreasing in :math:`c`, linear
    between the breakpoints :math:`L_i/a_i, U_i/a_i`; :math:`c^*` is found exactly by locating
    :math:`B` between breakpoints (a finite search, no tolerance loop). It exists iff
    :math:`\\sum L_i \\le B \\le \\sum_{a_i>0} U_i + \\sum_{a_i=0} L_i`.

    Raises
    ------
    MethodError
        If a floor exceeds its cap, the floors sum above the budget, or the caps cannot absorb
        it (with the amounts that show why).
    """
    a = np.asarray(amounts, dtype=np.float64)
    lo = np.asarray(floors, dtype=np.float64)
    hi = np.asarray(caps, dtype=np.float64)
    if (a < 0).any() or np.isnan(a).any():
        raise MethodError("rule-based amounts must be >= 0 and present")
    if (lo > hi).any():
        i = int(np.argmax(lo > hi))
        raise MethodError(f"row {i}: floor {lo[i]:,.0f} is above its cap {hi[i]:,.0f}")
    if lo.sum() > total * (1 + 1e-12):
        raise MethodError(f"the floors sum to {lo.sum():,.0f}, above the budget {total:,.0f}")
    free = a > 0
    reachable = float(hi[free].sum() + lo[~free].sum())
    if reachable < total * (1 - 1e-12):
        raise MethodError(
            f"the caps cannot absorb the budget: at most {reachable:,.0f} of {total:,.0f} can be "
            "allocated (caps of units with a positive amount plus floors of the others)"
        )
    if np.all((a >= lo) & (a <= hi)):
        return a.copy()
    with np.errstate(over="ignore", divide="ignore", invalid="ignore"):
        # a tiny amount next to a large cap overflows its breakpoint to inf: the search below
        # works on the extended line, and the result is formed without the scale itself
        breaks = np.unique(np.concatenate([lo[free] / a[free], hi[free] / a[free], [0.0]]))
        sums = _clip_scaled(breaks[:, None], a, lo, hi).sum(axis=1)
        k = int(np.searchsorted(sums, total, side="left"))
        if k < len(breaks) and sums[k] == total:
            return _clip_scaled(np.float64(breaks[k]), a, lo, hi)
        # B lies strictly between breaks[k-1] and breaks[k]: the sum is linear there,
        # x_i = c0 a_i + (B - sum x(c0)) a_i / sum_{between} a_j for the units not at a bound
        c0 = breaks[k - 1]
        x = _clip_scaled(np.float64(c0), a, lo, hi)
        # no breakpoint lies inside (c0, c1): a unit is between its bounds there iff its floor
        # is reached by c0 and its cap is not (ratios, as a scale between them may overflow)
        ratio_lo = np.where(free, lo / np.where(free, a, 1.0), np.inf)
        ratio_hi = np.where(free, hi / np.where(free, a, 1.0), -np.inf)
        between = free & (ratio_lo <= c0) & (ratio_hi > c0)
        slope = a[between].sum()
        x[between] = c0 * a[between] + (total - x.sum()) * (a[between] / slope)
    return np.asarray(np.clip(x, lo, hi), dtype=np.float64)


def _clip_scaled(
    c: FloatArray | np.float64, a: FloatArray, lo: FloatArray, hi: FloatArray
) -> FloatArray:
    """``clip(c * a, lo, hi)``, with ``0 * inf`` taken as 0: a unit without an amount stays at its
    floor."""
    with np.errstate(invalid="ignore", over="ignore"):
        scaled = np.where(a > 0, c * a, 0.0)
    return np.asarray(np.clip(scaled, lo, hi), dtype=np.float64)


def largest_remainder(amounts: ArrayLike, step: int, total: int) -> IntArray:
    """Round amounts to multiples of ``step`` so that they sum exactly to ``total``.

    Hamilton's largest-remainder method: with :math:`q_i = x_i / s` and :math:`N = B / s`,
    every unit gets :math:`\\lfloor q_i \\rfloor` steps and the :math:`N - \\sum \\lfloor q_i
    \\rfloor` units with the largest remainders :math:`q_i - \\lfloor q_i \\rfloor` get one step
    more (ties: the earlier row first). Each result is :math:`\\lfloor q_i \\rfloor` or
    :math:`\\lceil q_i \\rceil`, so floors and caps that are multiples of the step still hold.
    Returns integers (amounts in the currency, not in steps); the sum is exact integer arithmetic.

    Raises
    ------
    MethodError
        If ``total`` is not a multiple of ``step`` or the amounts do not sum to ``total``.

    References
    ----------
    Balinski, M. L. and Young, H. P. (2001), *Fair Representation*, 2nd ed., Brookings (Hamilton's
    method).
    """
    if step <= 0 or total < 0 or total % step:
        raise MethodError(f"the budget {total} must be a multiple of the rounding unit {step}")
    x = np.asarray(amounts, dtype=np.float64)
    n_steps = total // step
    q = x / step
    if abs(float(q.sum()) - n_steps) > 1e-6 * max(1.0, n_steps):
        raise MethodError(f"amounts sum to {x.sum():,.2f}, not the budget {total:,}")
    # snap float noise (4999.9999999 is 5000 steps) so a cap at a whole step is never exceeded
    near = np.abs(q - np.round(q)) < 1e-9 * np.maximum(1.0, np.abs(q))
    q = np.where(near, np.round(q), q)
    base = np.floor(q).astype(np.int64)
    extra = int(n_steps - int(base.sum()))
    if not 0 <= extra <= len(q):
        raise MethodError(f"rounding failed: {extra} steps left for {len(q)} units")
    order = np.lexsort((np.arange(len(q)), -(q - base)))
    base[order[:extra]] += 1
    return np.asarray(base * step, dtype=np.int64)


def scale_share(shares: ArrayLike, matched: ArrayLike, factor: float) -> FloatArray:
    r"""Multiply a group's joint share of the index by ``factor``; the other indicators share
    what is left in their old proportions.

    .. math:: S = \sum_{i \in M} e_i, \qquad e'_i = f\,e_i \ (i \in M), \qquad
              e'_j = e_j\,\frac{1 - fS}{1 - S} \ (j \notin M)

    so that :math:`\sum_{i \in M} e'_i = fS` and :math:`\sum_i e'_i = 1`: "double the share"
    doubles the share itself, not the weights before a renormalisation (which would give
    :math:`2S / (1 + S)`). The same rule as "fix the weight of one indicator and rescale the rest"
    in OECD/JRC (2008), *Handbook on Constructing Composite Indicators*, section 6.

    Parameters
    ----------
    shares : (n,) effective weights of the indicators, >= 0, summing to 1.
    matched : (n,) bool, the group M whose share changes.
    factor : f > 0, with :math:`fS < 1` when some indicator is outside M.

    Raises
    ------
    MethodError
        Shares not summing to 1, an empty group, or :math:`fS \ge 1` (nothing left for the rest).
    """
    e = np.asarray(shares, dtype=np.float64)
    m = np.asarray(matched, dtype=bool)
    if e.shape != m.shape or e.ndim != 1:
        raise MethodError(f"shares and matched must be (n,) alike; got {e.shape} and {m.shape}")
    if not (np.all(e >= 0) and abs(float(e.sum()) - 1.0) < 1e-9):
        raise MethodError(f"shares must be >= 0 and sum to 1; they sum to {float(e.sum()):.6g}")
    if not m.any():
        raise MethodError("no indicator is in the group whose share changes")
    if not factor > 0:
        raise MethodError(f"the factor must be positive; found {factor}")
    total = float(e[m].sum())
    rest = 1.0 - total
    if rest <= 1e-12:
        if factor != 1.0:
            raise MethodError("the group holds the whole index: its share cannot change")
        return e.copy()
    if factor * total >= 1.0:
        raise MethodError(
            f"a share of {total:.3f} times {factor:g} is {factor * total:.4g}, leaving nothing "
            "for the other indicators (it must stay below 1)"
        )
    out: FloatArray = np.where(m, e * factor, e * ((1.0 - factor * total) / rest))
    return out
