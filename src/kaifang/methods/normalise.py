"""Normalisation: bring indicators onto a common, oriented scale (higher = better, always).

Conventions shared by every function here:

- ``x`` is an (n, m) float array, rows are observations (unit-years), columns indicators; NaN is
  missing and stays NaN in the output.
- ``directions`` is an (m,) array of +1 / -1. As in COINr's ``Normalise.numeric`` the values are
  first *oriented* (multiplied by the direction), then normalised, so for every function
  ``f(x, directions=-d) == f(-x, directions=d)``: a cost indicator reversed equals its benefit twin.
- ``ref`` (where accepted) is an (r, m) array whose column statistics (min, max, mean, sd, the
  distribution for ranks) are used instead of those of ``x``; default ``ref = x``. It is oriented
  with the same ``directions``. This serves "per year", "pooled over years" and "base year"
  references. With a ``ref`` other than ``x``, outputs may fall outside the nominal range (a value
  above the base-year maximum scores above ``hi``): that is intended.
- A column of ``ref`` with no observed value while ``x`` has values in it is a MethodError.
- No function returns Inf. Degenerate columns (constant, zero maximum) are handled as each
  docstring states.

References
----------
OECD/JRC (2008), *Handbook on Constructing Composite Indicators: Methodology and User Guide*,
section 5 (normalisation). Becker, W. et al. (2022), COINr: an R package for developing composite
indicators, *Journal of Open Source Software* 7(78), 4567; COINr v1.1.14 ``R/normalise.R``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray

from kaifang.errors import MethodError

__all__ = [
    "NORMALISERS",
    "borda",
    "distance_to_max",
    "distance_to_target",
    "fraction_of_max",
    "goalposts",
    "minmax",
    "percentile_rank",
    "rank",
    "zscore",
]

FloatArray = NDArray[np.float64]
Ties = Literal["average", "min", "max"]


# ---------------------------------------------------------------------------------- helpers


def _as_matrix(x: ArrayLike, name: str, m: int | None = None) -> FloatArray:
    a = np.asarray(x, dtype=np.float64)
    if a.ndim != 2:
        raise MethodError(f"{name} must be a 2-D array (rows x indicators); got shape {a.shape}")
    if m is not None and a.shape[1] != m:
        raise MethodError(f"{name} must have {m} columns (one per indicator); got {a.shape[1]}")
    if np.isinf(a).any():
        r, c = np.argwhere(np.isinf(a))[0]
        raise MethodError(f"{name}: infinite value at row {r}, column {c}; use NaN for missing")
    return a


def _directions(directions: ArrayLike | None, m: int) -> FloatArray:
    if directions is None:
        return np.ones(m)
    d = np.asarray(directions, dtype=np.float64).reshape(-1)
    if d.shape != (m,):
        raise MethodError(f"directions must have one entry per column ({m}); got shape {d.shape}")
    bad = np.flatnonzero((d != 1.0) & (d != -1.0))
    if bad.size:
        raise MethodError(
            f"directions must be +1 or -1; column {bad[0]} has {d[bad[0]]!r}"
            + (f" (and {bad.size - 1} more)" if bad.size > 1 else "")
        )
    return d


def _per_column(v: ArrayLike, m: int, name: str) -> FloatArray:
    a = np.asarray(v, dtype=np.float64)
    a = np.broadcast_to(a, (m,)).astype(np.float64) if a.ndim == 0 else a.reshape(-1)
    if a.shape != (m,):
        raise MethodError(f"{name} must have one value per column ({m}); got shape {a.shape}")
    bad = np.flatnonzero(~np.isfinite(a))
    if bad.size:
        raise MethodError(f"{name}: column {bad[0]} has a non-finite value {a[bad[0]]!r}")
    return a


def _orient(
    x: ArrayLike, directions: ArrayLike | None, ref: ArrayLike | None
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Oriented x, oriented ref (x itself when ref is None) and the directions."""
    xa = _as_matrix(x, "x")
    d = _directions(directions, xa.shape[1])
    xo = xa * d
    if ref is None:
        return xo, xo, d
    ra = _as_matrix(ref, "ref", xa.shape[1])
    ro = ra * d
    empty = np.flatnonzero(np.isnan(ro).all(axis=0) & ~np.isnan(xo).all(axis=0))
    if empty.size:
        raise MethodError(
            f"ref has no observed value in column(s) {empty.tolist()} while x has values there; "
            "a reference needs at least one value per indicator"
        )
    return xo, ro, d


def _min_max(a: FloatArray) -> tuple[FloatArray, FloatArray]:
    """Column min and max ignoring NaN, NaN for an all-NaN column, without RuntimeWarnings."""
    obs = ~np.isnan(a)
    has = obs.any(axis=0)
    lo = np.where(has, np.where(obs, a, np.inf).min(axis=0), np.nan)
    hi = np.where(has, np.where(obs, a, -np.inf).max(axis=0), np.nan)
    return lo, hi


def _fill_present(xo: FloatArray, cols: NDArray[np.bool_], out: FloatArray, value: float) -> None:
    """Set the present (non-NaN) cells of the flagged columns to ``value``, in place."""
    if cols.any():
        block = xo[:, cols]
        out[:, cols] = np.where(np.isnan(block), np.nan, value)


# ---------------------------------------------------------------------------------- min-max


def minmax(
    x: ArrayLike,
    lo: float = 0.0,
    hi: float = 1.0,
    *,
    directions: ArrayLike | None = None,
    ref: ArrayLike | None = None,
) -> FloatArray:
    """Min-max normalisation onto ``[lo, hi]`` (COINr ``n_minmax``).

    .. math::

        y_{ij} = lo + \\frac{x_{ij} - \\min_k r_{kj}}{\\max_k r_{kj} - \\min_k r_{kj}} (hi - lo)

    on oriented values (:math:`x \\cdot d_j`, :math:`r \\cdot d_j`), with :math:`r` = ``ref``
    (default ``x``).

    Parameters
    ----------
    x : array_like, shape (n, m)
        Values; NaN is missing and stays NaN.
    lo, hi : float
        Output bounds, ``lo < hi`` (COINr's default is ``c(0, 100)``; ours is [0, 1]).
    directions : array_like, shape (m,), optional
        +1 (more is better) or -1 (less is better) per column; default all +1.
    ref : array_like, shape (r, m), optional
        Reference whose column min and max define the scale; default ``x``. Values of ``x``
        outside the reference range map outside ``[lo, hi]`` (intended for a base-year scale).

    Returns
    -------
    ndarray of float64, shape (n, m)
        Values of ``x`` inside the reference range are guaranteed to lie in ``[lo, hi]``.

    Raises
    ------
    MethodError
        If ``lo >= hi``, shapes disagree, or a ``ref`` column is empty where ``x`` has values.

    Notes
    -----
    A constant reference column (max = min) is handled explicitly: every present value maps to
    the midpoint ``(lo + hi) / 2`` (COINr returns NaN with a warning; a midpoint keeps the column
    neutral without poisoning aggregates).

    References
    ----------
    OECD/JRC (2008) Handbook, section 5.2 (min-max); COINr ``n_minmax`` (R/normalise.R).
    """
    if not (np.isfinite(lo) and np.isfinite(hi) and lo < hi):
        raise MethodError(f"minmax needs finite lo < hi; got lo={lo}, hi={hi}")
    xo, ro, _ = _orient(x, directions, ref)
    mn, mx = _min_max(ro)
    span = mx - mn
    const = span == 0
    with np.errstate(invalid="ignore"):
        y = lo + (xo - mn) / np.where(const, 1.0, span) * (hi - lo)
        # Rounding of lo + 1 * (hi - lo) can overshoot hi by one ulp: clip in-range values only,
        # out-of-range values of a foreign reference must keep their (intended) position.
        inside = (xo >= mn) & (xo <= mx)
    y = np.where(inside, np.clip(y, lo, hi), y)
    _fill_present(xo, const, y, (lo + hi) / 2.0)
    return y


# ---------------------------------------------------------------------------------- z-score


def zscore(
    x: ArrayLike,
    mean: float = 0.0,
    sd: float = 1.0,
    *,
    directions: ArrayLike | None = None,
    ref: ArrayLike | None = None,
) -> FloatArray:
    """Standardisation to a given mean and standard deviation (COINr ``n_zscore``).

    .. math::

        y_{ij} = mean + sd \\cdot \\frac{x_{ij} - \\mu_j}{\\sigma_j},\\qquad
        \\mu_j = \\frac{1}{r}\\sum_k r_{kj},\\quad
        \\sigma_j = \\sqrt{\\frac{1}{r - 1}\\sum_k (r_{kj} - \\mu_j)^2}

    on oriented values; :math:`\\sigma` is the sample standard deviation (``ddof = 1``, R's
    ``sd()`` as used by COINr), over the observed values of ``ref`` (default ``x``).

    Parameters
    ----------
    x : array_like, shape (n, m)
        Values; NaN stays NaN.
    mean, sd : float
        Target mean and standard deviation, ``sd > 0`` (COINr's ``m_sd = c(0, 1)``).
    directions : array_like, shape (m,), optional
        +1 / -1 per column; default all +1.
    ref : array_like, shape (r, m), optional
        Reference for :math:`\\mu` and :math:`\\sigma`; default ``x``.

    Returns
    -------
    ndarray of float64, shape (n, m)

    Raises
    ------
    MethodError
        If ``sd <= 0``, shapes disagree, or a ``ref`` column is empty where ``x`` has values.

    Notes
    -----
    A constant reference column (all observed values equal, including a single value) maps
    every present value to ``mean``; it is detected by max = min, not by a zero computed sd,
    which floating-point rounding can make a tiny non-zero number.

    References
    ----------
    OECD/JRC (2008) Handbook, section 5.2 (standardisation); COINr ``n_zscore`` (R/normalise.R).
    """
    if not (np.isfinite(mean) and np.isfinite(sd) and sd > 0):
        raise MethodError(f"zscore needs a finite mean and sd > 0; got mean={mean}, sd={sd}")
    xo, ro, _ = _orient(x, directions, ref)
    obs = ~np.isnan(ro)
    n = obs.sum(axis=0)
    mn, mx = _min_max(ro)
    const = (mn == mx) | (n < 2)
    # Work on u = (r - min) / range in [0, 1] (z-scores are shift and scale free): the mean and
    # the squared deviations then neither underflow for tiny values nor lose the spread.
    shift = np.where(const, 0.0, mn)
    span = np.where(const, 1.0, mx - mn)
    u = np.where(obs, (ro - shift) / span, 0.0)
    mu = u.sum(axis=0) / np.maximum(n, 1)
    dev = np.where(obs, u - mu, 0.0)
    s = np.sqrt((dev * dev).sum(axis=0) / (np.maximum(n, 2) - 1.0))
    with np.errstate(invalid="ignore", divide="ignore"):
        y: FloatArray = mean + sd * ((xo - shift) / span - mu) / np.where(const, 1.0, s)
    _fill_present(xo, const & (n > 0), y, mean)
    return y


# ---------------------------------------------------------------------------------- goalposts


def goalposts(
    x: ArrayLike,
    lower: ArrayLike,
    upper: ArrayLike,
    *,
    directions: ArrayLike | None = None,
    lo: float = 0.0,
    hi: float = 1.0,
    clip: bool = True,
) -> FloatArray:
    """Goalpost normalisation with fixed bounds in the indicator's units (COINr ``n_goalposts``).

    .. math::

        g_{ij} = \\begin{cases}
            \\dfrac{x_{ij} - L_j}{U_j - L_j} & d_j = +1 \\\\[1ex]
            \\dfrac{U_j - x_{ij}}{U_j - L_j} & d_j = -1
        \\end{cases},\\qquad
        y_{ij} = lo + \\operatorname{clip}(g_{ij}, 0, 1)\\,(hi - lo)

    Clipping :math:`g` to [0, 1] is the same as clipping :math:`x` to :math:`[L, U]` (COINr's
    ``trunc2posts = TRUE``). For :math:`d = -1` this equals COINr's use of the oriented data
    :math:`-x` with goalposts :math:`(-U, -L)`, so ``goalposts(x, L, U, directions=-1)`` equals
    ``goalposts(-x, -U, -L)``.

    Parameters
    ----------
    x : array_like, shape (n, m)
        Values (already transformed by the caller, as are the goalposts); NaN stays NaN.
    lower, upper : array_like, shape (m,) or scalar
        Goalposts :math:`L < U` per column, in the same (transformed) units as ``x``.
    directions : array_like, shape (m,), optional
        +1 / -1 per column; default all +1.
    lo, hi : float
        Output range (COINr's scale parameter ``a`` corresponds to ``lo = 0, hi = a``).
    clip : bool
        Clip to the goalposts (default ``True``). If ``False``, values beyond the goalposts map
        outside ``[lo, hi]``.

    Returns
    -------
    ndarray of float64, shape (n, m)

    Raises
    ------
    MethodError
        If a goalpost is not finite or ``lower >= upper`` in some column (the column is named).

    References
    ----------
    UNDP Human Development Report technical notes (goalposts); OECD/JRC (2008) Handbook,
    section 5.2; COINr ``n_goalposts`` (R/normalise.R).
    """
    xa = _as_matrix(x, "x")
    m = xa.shape[1]
    d = _directions(directions, m)
    low = _per_column(lower, m, "lower goalposts")
    up = _per_column(upper, m, "upper goalposts")
    bad = np.flatnonzero(low >= up)
    if bad.size:
        j = bad[0]
        raise MethodError(
            f"goalposts: column {j} has lower goalpost {low[j]} >= upper goalpost {up[j]}; "
            "the lower goalpost must be below the upper one (direction is given separately)"
        )
    if not (np.isfinite(lo) and np.isfinite(hi) and lo < hi):
        raise MethodError(f"goalposts needs finite lo < hi; got lo={lo}, hi={hi}")
    g = np.where(d > 0, xa - low, up - xa) / (up - low)
    if clip:
        g = np.clip(g, 0.0, 1.0)
    return lo + g * (hi - lo)


# ---------------------------------------------------------------------------------- ranks


def _rank_counts(xo: FloatArray, ro: FloatArray) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Per cell of xo: #ref values strictly below, #ref values at or below; per column: #ref."""
    n, m = xo.shape
    same = ro is xo
    # Work on transposed, contiguous copies: bisection and scatter on strided columns are slow.
    xt = np.ascontiguousarray(xo.T)
    rt = xt if same else np.ascontiguousarray(ro.T)
    below = np.full((m, n), np.nan)
    at_or_below = np.full((m, n), np.nan)
    n_ref = (~np.isnan(rt)).sum(axis=1).astype(np.float64)
    for j in range(m):
        present = np.flatnonzero(~np.isnan(xt[j]))
        order = present[np.argsort(xt[j, present])]
        keys = xt[j, order]  # sorted: searchsorted bisects much faster on sorted keys
        col = keys if same else np.sort(rt[j, ~np.isnan(rt[j])])
        below[j, order] = np.searchsorted(col, keys, side="left")
        at_or_below[j, order] = np.searchsorted(col, keys, side="right")
    return below.T, at_or_below.T, n_ref


def _ranks(xo: FloatArray, ro: FloatArray, ties: Ties) -> tuple[FloatArray, FloatArray]:
    below, at_or_below, n_ref = _rank_counts(xo, ro)
    if ties == "min":
        r = below + 1.0
    elif ties == "max":
        r = at_or_below
    elif ties == "average":
        r = (below + 1.0 + at_or_below) / 2.0
    else:
        raise MethodError(f"ties must be 'average', 'min' or 'max'; got {ties!r}")
    return r, n_ref


def rank(
    x: ArrayLike,
    *,
    directions: ArrayLike | None = None,
    ref: ArrayLike | None = None,
    ties: Ties = "average",
) -> FloatArray:
    """Ranks per column, 1 = lowest oriented value (worst), so higher = better (COINr ``n_rank``).

    For an oriented value :math:`v` and the observed oriented reference values :math:`r_k`
    (default: the column of ``x`` itself),

    .. math::

        R_{\\min}(v) = 1 + \\#\\{k : r_k < v\\},\\quad
        R_{\\max}(v) = \\#\\{k : r_k \\le v\\},\\quad
        R_{\\mathrm{avg}}(v) = \\tfrac12 \\big(R_{\\min}(v) + R_{\\max}(v)\\big)

    With ``ref = x`` these are R's ``rank(ties.method = "min" | "max" | "average")``. With a
    different ``ref`` the rank places ``v`` among the reference values: a value equal to a
    reference value gets that value's rank; a value strictly between the k-th and (k+1)-th
    reference values gets ``k + 1`` (min), ``k`` (max) or ``k + 0.5`` (average); below all gets
    1, 0 or 0.5, above all gets ``r + 1``, ``r`` or ``r + 0.5``.

    Parameters
    ----------
    x : array_like, shape (n, m)
        Values; NaN gets a NaN rank and does not count.
    directions : array_like, shape (m,), optional
        +1 / -1 per column; default all +1.
    ref : array_like, shape (r, m), optional
        Distribution to rank against; default ``x``.
    ties : {"average", "min", "max"}
        Tie rule; default ``"average"``. COINr's ``n_rank`` default is ``"min"``: pass
        ``ties="min"`` to reproduce it.

    Returns
    -------
    ndarray of float64, shape (n, m)

    References
    ----------
    OECD/JRC (2008) Handbook, section 5.2 (ranking); COINr ``n_rank`` (R/normalise.R).
    """
    xo, ro, _ = _orient(x, directions, ref)
    r, _ = _ranks(xo, ro, ties)
    return r


def percentile_rank(
    x: ArrayLike,
    *,
    directions: ArrayLike | None = None,
    ref: ArrayLike | None = None,
    ties: Ties = "average",
) -> FloatArray:
    """Percentile ranks in [0, 1], higher = better (COINr ``n_prank``).

    .. math::

        p(v) = \\operatorname{clip}\\Big(\\frac{R(v) - 1}{N_j - 1},\\; 0,\\; 1\\Big)

    where :math:`R` is :func:`rank` (same ``ties`` and ``ref``) and :math:`N_j` the number of
    observed reference values in column :math:`j`. With ``ref = x`` the lowest value gets 0, the
    highest 1 and no clipping occurs; with a foreign ``ref`` a value below (above) every
    reference value gets 0 (1).

    Parameters
    ----------
    x : array_like, shape (n, m)
        Values; NaN stays NaN.
    directions : array_like, shape (m,), optional
        +1 / -1 per column; default all +1.
    ref : array_like, shape (r, m), optional
        Distribution to rank against; default ``x``.
    ties : {"average", "min", "max"}
        Default ``"average"`` (a constant column then gets 0.5 everywhere). COINr's ``n_prank``
        uses ``"min"``: pass ``ties="min"`` to reproduce it.

    Returns
    -------
    ndarray of float64, shape (n, m)

    Notes
    -----
    A reference column with a single observed value (:math:`N_j = 1`) has no spread: every
    present value gets 0.5, the midpoint, handled explicitly (COINr divides by zero).

    References
    ----------
    COINr ``n_prank`` (R/normalise.R).
    """
    xo, ro, _ = _orient(x, directions, ref)
    r, n_ref = _ranks(xo, ro, ties)
    single = n_ref == 1
    with np.errstate(invalid="ignore", divide="ignore"):
        p = np.clip((r - 1.0) / (n_ref - 1.0), 0.0, 1.0)
    _fill_present(xo, single, p, 0.5)
    return p


def borda(
    x: ArrayLike,
    *,
    directions: ArrayLike | None = None,
    ref: ArrayLike | None = None,
    ties: Ties = "min",
) -> FloatArray:
    """Borda scores: the number of reference values strictly worse (COINr ``n_borda``).

    .. math::

        B(v) = R(v) - 1, \\qquad B_{\\min}(v) = \\#\\{k : r_k < v\\}

    on oriented values, with :math:`R` the rank of :func:`rank` under the chosen tie rule. With
    ``ties="min"`` (the default, COINr's ``rank(x, ties.method = "min") - 1``) the worst unit
    scores 0 and tied units share the lower score (no half points); ``"average"`` gives tied
    units half a point for each other, ``"max"`` the higher score.

    Parameters
    ----------
    x : array_like, shape (n, m)
        Values; NaN stays NaN and is not counted.
    directions : array_like, shape (m,), optional
        +1 / -1 per column; default all +1.
    ref : array_like, shape (r, m), optional
        Units to compare against; default ``x``.
    ties : {"min", "average", "max"}
        Tie rule (see :func:`rank`); default ``"min"`` as in COINr.

    Returns
    -------
    ndarray of float64, shape (n, m)
        Whole numbers under ``"min"`` and ``"max"``; halves possible under ``"average"`` (float
        so that NaN can mark missing values).

    References
    ----------
    de Borda (1781); OECD/JRC (2008) Handbook, section 6 (Borda); COINr ``n_borda``.
    """
    xo, ro, _ = _orient(x, directions, ref)
    r, _ = _ranks(xo, ro, ties)
    return r - 1.0


# ---------------------------------------------------------------------------------- distances


def distance_to_max(
    x: ArrayLike, *, directions: ArrayLike | None = None, ref: ArrayLike | None = None
) -> FloatArray:
    """Distance to the best value (COINr ``n_dist2max``).

    .. math::

        y_{ij} = 1 - \\frac{\\max_k r_{kj} - x_{ij}}{\\max_k r_{kj} - \\min_k r_{kj}}

    on oriented values, so the best reference value scores 1 and the worst 0 (numerically the
    [0, 1] min-max of :func:`minmax`).

    Parameters
    ----------
    x : array_like, shape (n, m)
        Values; NaN stays NaN.
    directions : array_like, shape (m,), optional
        +1 / -1 per column; default all +1.
    ref : array_like, shape (r, m), optional
        Reference for the max and min; default ``x``.

    Returns
    -------
    ndarray of float64, shape (n, m)

    Notes
    -----
    A constant reference column: every present value scores 1 (all units are at the maximum,
    distance zero). COINr returns NaN with a warning. Note :func:`minmax` gives the midpoint
    instead.

    References
    ----------
    COINr ``n_dist2max`` (R/normalise.R).
    """
    xo, ro, _ = _orient(x, directions, ref)
    mn, mx = _min_max(ro)
    span = mx - mn
    const = span == 0
    y = 1.0 - (mx - xo) / np.where(const, 1.0, span)
    _fill_present(xo, const, y, 1.0)
    return y


def distance_to_target(
    x: ArrayLike,
    targets: ArrayLike,
    *,
    directions: ArrayLike | None = None,
    ref: ArrayLike | None = None,
    cap: bool = True,
) -> FloatArray:
    """Distance to a target (COINr ``n_dist2targ``).

    .. math::

        y_{ij} = \\frac{x_{ij} - \\min_k r_{kj}}{t_j - \\min_k r_{kj}}\\ (d_j = +1),\\qquad
        y_{ij} = \\frac{\\max_k r_{kj} - x_{ij}}{\\max_k r_{kj} - t_j}\\ (d_j = -1)

    i.e. the first formula on oriented values and oriented target :math:`d_j t_j` (which is how
    COINr's ``Normalise.coin`` calls it). With ``cap`` scores above 1 (target passed) become 1.
    COINr's ``n_dist2ref(x, iref)``, :math:`1 - (x_{ref} - x)/(x_{ref} - x_{min})`, is the same
    formula with the reference unit's values as targets: ``targets = x[iref]``.

    Parameters
    ----------
    x : array_like, shape (n, m)
        Values; NaN stays NaN.
    targets : array_like, shape (m,) or scalar
        Target per column in the indicator's (transformed) units.
    directions : array_like, shape (m,), optional
        +1 / -1 per column; default all +1.
    ref : array_like, shape (r, m), optional
        Reference for the worst value (min of oriented values); default ``x``.
    cap : bool
        Cap scores at 1 (default ``True``; COINr's ``cap_max`` defaults to ``FALSE``).

    Returns
    -------
    ndarray of float64, shape (n, m)
        The worst reference value scores 0 and the target 1; values worse than the reference's
        worst (foreign ``ref`` only) score below 0.

    Raises
    ------
    MethodError
        If a target is not finite, or a target is not better than the worst reference value
        (zero or negative denominator) and either ``cap`` is ``False`` or some present value
        falls short of the target. With ``cap`` and every present value at or past the target,
        the column is handled explicitly: all present values score 1.

    References
    ----------
    COINr ``n_dist2targ`` (R/normalise.R) and ``get_iMeta_norm_paras`` (target times direction).
    """
    xo, ro, d = _orient(x, directions, ref)
    m = xo.shape[1]
    t = _per_column(targets, m, "targets") * d
    mn, _ = _min_max(ro)
    denom = t - mn
    degenerate = denom <= 0  # NaN min (empty column) compares False: stays NaN below
    for j in np.flatnonzero(degenerate):
        short = xo[:, j] < t[j]  # NaN compares False
        if not cap or short.any():
            raise MethodError(
                f"distance_to_target: column {j}: target {t[j] * d[j]} is not better than the "
                f"worst reference value {mn[j] * d[j]} (direction {int(d[j])}), so the distance "
                "is undefined; choose a target beyond the worst value"
                + ("" if cap else " or use cap=True")
            )
    y = (xo - mn) / np.where(degenerate, 1.0, denom)
    if cap:
        y = np.minimum(y, 1.0)
    _fill_present(xo, degenerate, y, 1.0)
    return y


def fraction_of_max(
    x: ArrayLike, *, directions: ArrayLike | None = None, ref: ArrayLike | None = None
) -> FloatArray:
    """Fraction of the maximum (COINr ``n_fracmax``).

    .. math::

        y_{ij} = \\frac{x_{ij}}{\\max_k r_{kj}}

    on oriented values. Meaningful for positive, benefit-oriented indicators (ratio scale).

    Parameters
    ----------
    x : array_like, shape (n, m)
        Values; NaN stays NaN.
    directions : array_like, shape (m,), optional
        +1 / -1 per column; default all +1. For a cost indicator the oriented values are
        :math:`-x`, whose maximum is negative when ``x > 0``: that raises (see below).
    ref : array_like, shape (r, m), optional
        Reference for the maximum; default ``x``.

    Returns
    -------
    ndarray of float64, shape (n, m)

    Raises
    ------
    MethodError
        If the oriented maximum of some column is zero or negative (the ratio would be infinite
        or reverse the order); the column and its maximum are named.

    References
    ----------
    COINr ``n_fracmax`` (R/normalise.R).
    """
    xo, ro, d = _orient(x, directions, ref)
    _, mx = _min_max(ro)
    bad = np.flatnonzero(mx <= 0)
    if bad.size:
        j = bad[0]
        raise MethodError(
            f"fraction_of_max: column {j} has oriented maximum {mx[j]} (direction {int(d[j])}); "
            "it must be positive. fraction_of_max suits positive 'more is better' indicators; "
            "use minmax or distance_to_max otherwise"
        )
    return xo / np.where(np.isnan(mx), 1.0, mx)


NORMALISERS: dict[str, Callable[..., FloatArray]] = {
    "minmax": minmax,
    "zscore": zscore,
    "goalposts": goalposts,
    "rank": rank,
    "percentile_rank": percentile_rank,
    "borda": borda,
    "distance_to_max": distance_to_max,
    "distance_to_target": distance_to_target,
    "fraction_of_max": fraction_of_max,
}
"""Config name -> normaliser. Each takes ``x`` (n, m) first and ``directions=`` by keyword."""
