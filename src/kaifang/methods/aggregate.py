"""Weighted means that combine a parent's children: arithmetic, geometric, harmonic, power.

Shapes (batched, architecture.md#layers): ``x`` is (n, k), the values of the k children of one
parent for n unit-years; ``w`` is (k,) or a stack (R, k) of weight vectors (e.g. Monte Carlo
draws). The result is (n,) or (R, n), computed with matrix products, never a loop over R.

Missing children (NaN) and ``min_share``, common to every mean here: weights are rescaled over
the children present in each row, :math:`\\sum_{j \\in P_i} w_j x_{ij} / \\sum_{j \\in P_i} w_j`.
The result is NaN when no child is present, when the present share :math:`|P_i|/k` (a count,
not a weight share) is below ``min_share``, or when all present children have weight 0.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from numpy.typing import ArrayLike, NDArray

from kaifang.errors import MethodError

__all__ = [
    "AGGREGATORS",
    "arithmetic_mean",
    "geometric_mean",
    "harmonic_mean",
    "power_mean",
]

FloatArray = NDArray[np.float64]


def _as_weight_stack(w: ArrayLike, k: int, who: str) -> tuple[FloatArray, bool]:
    """Weights as an (R, k) stack of non-negative vectors, and whether a single (k,) was given."""
    ws = np.asarray(w, dtype=np.float64)
    single = ws.ndim == 1
    stack = ws[None, :] if single else ws
    if stack.ndim != 2 or stack.shape[1] != k:
        raise MethodError(
            f"{who}: weights must have shape ({k},) or (R, {k}) to match {k} columns; "
            f"got {ws.shape}"
        )
    if not np.isfinite(stack).all() or (stack < 0).any():
        raise MethodError(f"{who}: weights must be finite and >= 0")
    if (stack.sum(axis=1) <= 0).any():
        raise MethodError(f"{who}: a weight vector sums to 0")
    return stack, single


def _prepare(
    x: ArrayLike, w: ArrayLike, min_share: float, who: str
) -> tuple[FloatArray, FloatArray, NDArray[np.bool_], bool]:
    """Validate; return x (n, k), weights as a stack (R, k), the present mask, was-1-D flag."""
    a = np.asarray(x, dtype=np.float64)
    if a.ndim != 2:
        raise MethodError(f"{who}: x must be 2-D (units x children); got shape {a.shape}")
    if np.isinf(a).any():
        col = int(np.nonzero(np.isinf(a).any(axis=0))[0][0])
        raise MethodError(f"{who}: child column {col} contains an infinite value")
    stack, single = _as_weight_stack(w, a.shape[1], who)
    if not 0.0 <= min_share <= 1.0:
        raise MethodError(f"{who}: min_share must be in [0, 1]; got {min_share!r}")
    present = ~np.isnan(a)
    return a, stack, present, single


def _finish(
    num: FloatArray,
    den: FloatArray,
    present: NDArray[np.bool_],
    min_share: float,
    single: bool,
    transform: Callable[[FloatArray], FloatArray],
) -> FloatArray:
    """Combine (n, R) numerators/denominators, mask invalid rows, return (n,) or (R, n)."""
    k = present.shape[1]
    count = present.sum(axis=1)
    ok_rows = (count > 0) & (count >= min_share * k)
    valid = ok_rows[:, None] & (den > 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(valid, num / np.where(valid, den, 1.0), np.nan)
    out = np.where(valid, transform(ratio), np.nan).T
    result: FloatArray = out[0] if single else out
    return result


def _identity(v: FloatArray) -> FloatArray:
    return v


def _require_positive(a: FloatArray, present: NDArray[np.bool_], who: str, mean: str) -> None:
    bad = present & (a <= 0)
    if bad.any():
        row, col = (int(v) for v in np.argwhere(bad)[0])
        raise MethodError(
            f"{who}: the {mean} mean needs positive values, but child column {col} has "
            f"{float(a[row, col]):g} (row {row}); normalise to a positive range first, "
            "e.g. [1, 100]"
        )


def arithmetic_mean(x: ArrayLike, w: ArrayLike, *, min_share: float = 0.0) -> FloatArray:
    """Weighted arithmetic mean over the children present in each row.

    .. math::

        y_i = \\frac{\\sum_{j \\in P_i} w_j x_{ij}}{\\sum_{j \\in P_i} w_j}

    Parameters
    ----------
    x : array_like, shape (n, k)
        Children values; NaN = absent.
    w : array_like, shape (k,) or (R, k)
        Non-negative weights (any scale; rescaled over present children).
    min_share : float, default 0.0
        Minimum fraction of children present (count-based); below it the result is NaN.

    Returns
    -------
    ndarray of float64, shape (n,) or (R, n)

    References
    ----------
    OECD/JRC (2008), *Handbook on Constructing Composite Indicators*, section 6.2 (linear
    aggregation); COINr ``a_amean``.
    """
    who = "arithmetic_mean"
    a, stack, present, single = _prepare(x, w, min_share, who)
    filled = np.where(present, a, 0.0)
    num = filled @ stack.T
    den = present.astype(np.float64) @ stack.T
    return _finish(num, den, present, min_share, single, _identity)


def geometric_mean(x: ArrayLike, w: ArrayLike, *, min_share: float = 0.0) -> FloatArray:
    """Weighted geometric mean over the children present in each row.

    .. math::

        y_i = \\prod_{j \\in P_i} x_{ij}^{\\,w_j / \\sum_{l \\in P_i} w_l}
            = \\exp\\Big(\\frac{\\sum_{j \\in P_i} w_j \\ln x_{ij}}{\\sum_{j \\in P_i} w_j}\\Big)

    Parameters
    ----------
    x : array_like, shape (n, k)
        Positive children values; NaN = absent.
    w : array_like, shape (k,) or (R, k)
    min_share : float, default 0.0

    Returns
    -------
    ndarray of float64, shape (n,) or (R, n)

    Raises
    ------
    MethodError
        If a present value is <= 0 (the message names the child column).

    References
    ----------
    OECD/JRC (2008), *Handbook on Constructing Composite Indicators*, section 6.2 (geometric
    aggregation); COINr ``a_gmean``.
    """
    who = "geometric_mean"
    a, stack, present, single = _prepare(x, w, min_share, who)
    _require_positive(a, present, who, "geometric")
    logs = np.where(present, np.log(np.where(present, a, 1.0)), 0.0)
    num = logs @ stack.T
    den = present.astype(np.float64) @ stack.T
    return _finish(num, den, present, min_share, single, np.exp)


def harmonic_mean(x: ArrayLike, w: ArrayLike, *, min_share: float = 0.0) -> FloatArray:
    """Weighted harmonic mean over the children present in each row.

    .. math::

        y_i = \\frac{\\sum_{j \\in P_i} w_j}{\\sum_{j \\in P_i} w_j / x_{ij}}

    Parameters
    ----------
    x : array_like, shape (n, k)
        Positive children values; NaN = absent.
    w : array_like, shape (k,) or (R, k)
    min_share : float, default 0.0

    Returns
    -------
    ndarray of float64, shape (n,) or (R, n)

    Raises
    ------
    MethodError
        If a present value is <= 0 (the message names the child column).

    References
    ----------
    COINr ``a_hmean``; Bullen, P. S. (2003). *Handbook of Means and Their Inequalities*.
    Kluwer, chapter 3.
    """
    who = "harmonic_mean"
    a, stack, present, single = _prepare(x, w, min_share, who)
    _require_positive(a, present, who, "harmonic")
    inv = np.where(present, 1.0 / np.where(present, a, 1.0), 0.0)
    # Harmonic mean = 1 / (weighted arithmetic mean of 1/x): ratio is that mean of 1/x.
    num = inv @ stack.T
    den = present.astype(np.float64) @ stack.T
    return _finish(num, den, present, min_share, single, np.reciprocal)


def power_mean(x: ArrayLike, w: ArrayLike, p: float, *, min_share: float = 0.0) -> FloatArray:
    """Weighted power (generalised) mean of order p over the children present in each row.

    .. math::

        M_p(x_i) = \\Big(\\frac{\\sum_{j \\in P_i} w_j x_{ij}^p}{\\sum_{j \\in P_i} w_j}\\Big)^{1/p}

    :math:`p = 1` is the arithmetic mean (any real values), :math:`p = 0` the geometric mean
    (its limit), :math:`p = -1` the harmonic mean.

    Parameters
    ----------
    x : array_like, shape (n, k)
        Children values; NaN = absent. Positive values are required for :math:`p \\le 0`,
        non-negative values for :math:`p > 0, p \\ne 1`.
    w : array_like, shape (k,) or (R, k)
    p : float
        Order of the mean (finite).
    min_share : float, default 0.0

    Returns
    -------
    ndarray of float64, shape (n,) or (R, n)

    Raises
    ------
    MethodError
        On values outside the domain stated above, naming the child column.

    Notes
    -----
    Each row is divided by its largest (p > 0) or smallest (p < 0) present value before
    raising to the power and multiplied back afterwards (the mean is homogeneous of degree 1),
    so large :math:`|p|` does not overflow to Inf.

    References
    ----------
    Bullen, P. S. (2003). *Handbook of Means and Their Inequalities*. Kluwer, chapter 3;
    COINr ``a_genmean``.
    """
    who = "power_mean"
    if not np.isfinite(p):
        raise MethodError(f"{who}: p must be finite; got {p!r}")
    if p == 0:
        return geometric_mean(x, w, min_share=min_share)
    if p == 1:
        return arithmetic_mean(x, w, min_share=min_share)
    a, stack, present, single = _prepare(x, w, min_share, who)
    if p < 0:
        _require_positive(a, present, who, f"power (p = {p})")
    else:
        bad = present & (a < 0)
        if bad.any():
            row, col = (int(v) for v in np.argwhere(bad)[0])
            raise MethodError(
                f"{who}: the power mean with p = {p} needs non-negative values, but child column "
                f"{col} has {float(a[row, col]):g} (row {row}); normalise to e.g. [0, 1] first"
            )
    if p > 0:
        scale = np.max(np.where(present, a, 0.0), axis=1)
    else:
        scale = np.min(np.where(present, a, np.inf), axis=1)
    safe_scale = np.where(np.isfinite(scale) & (scale > 0), scale, 1.0)
    powered = np.where(present, (np.where(present, a, 1.0) / safe_scale[:, None]) ** p, 0.0)
    num = powered @ stack.T
    den = present.astype(np.float64) @ stack.T

    def back(ratio: FloatArray) -> FloatArray:
        with np.errstate(divide="ignore"):
            root: FloatArray = ratio ** (1.0 / p) * safe_scale[:, None]
        return root

    return _finish(num, den, present, min_share, single, back)


# Config names; "power" needs its order: AGGREGATORS["power"](x, w, p=..., min_share=...).
AGGREGATORS: dict[str, Callable[..., FloatArray]] = {
    "arithmetic": arithmetic_mean,
    "geometric": geometric_mean,
    "harmonic": harmonic_mean,
    "power": power_mean,
}
