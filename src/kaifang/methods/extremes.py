"""Extreme values: the ones that make a cross-section meaningless before any method runs.

One unit at ``1e308`` among values between 1 and 100 is no outlier for a skewness rule to tame:
min-max normalisation maps every other unit into ``[0, 1e-306]``, and sums of squares
overflow (``inf``), so that every later step computes on rubbish. Such a value is almost always a
data error (a wrong unit, a missing-value code, a typo in the exponent); it is flagged, with the
unit and the indicator, before the pipeline goes on.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

from kaifang.errors import MethodError

__all__ = ["GAP_RATIO", "MAGNITUDE", "extreme_values"]

# a value further from the others than a million times their range
GAP_RATIO = 1e6
# beyond this the square of a value overflows a float64 (sqrt of 1.8e308 is 1.3e154)
MAGNITUDE = 1e150


def extreme_values(
    x: ArrayLike, gap_ratio: float = GAP_RATIO, magnitude: float = MAGNITUDE
) -> NDArray[np.bool_]:
    r"""Flag the extreme values of each column of ``x`` (units in rows, batched over leading axes).

    With the finite values of a column sorted, :math:`v_{(1)} \le \dots \le v_{(k)}`, the
    largest is extreme when it lies further from the next than ``gap_ratio`` times the range of
    the others,

    .. math:: v_{(k)} - v_{(k-1)} > g \, (v_{(k-1)} - v_{(1)}) > 0,

    and the smallest likewise (:math:`v_{(2)} - v_{(1)} > g\,(v_{(k)} - v_{(2)}) > 0`). Any
    value with :math:`|v| \ge` ``magnitude`` is extreme too, whatever the others. A column with
    fewer than 3 finite values has no "others" to compare with (only ``magnitude`` applies).

    Parameters
    ----------
    x : array_like, shape (..., n, m)
        ``n`` units by ``m`` indicators; NaN is missing.
    gap_ratio : float
        ``g`` above; the default ``1e6`` leaves the other units less than a millionth of the
        normalised range.
    magnitude : float
        Values at least this large in absolute value are extreme.

    Returns
    -------
    ndarray of bool, shape of ``x``

    References
    ----------
    OECD/JRC (2008), *Handbook on Constructing Composite Indicators*, section 1.5 (outliers
    are checked and treated before normalisation, since min-max is driven by the extremes).
    """
    a = np.asarray(x, dtype=np.float64)
    if a.ndim < 2:
        raise MethodError(f"extreme_values expects units x indicators; got shape {a.shape}")
    if not (gap_ratio > 0 and magnitude > 0):
        raise MethodError("extreme_values: gap_ratio and magnitude must be positive")
    finite = np.isfinite(a)
    flags = np.abs(np.where(finite, a, 0.0)) >= magnitude
    k = finite.sum(axis=-2, keepdims=True)
    ordered = np.sort(np.where(finite, a, np.inf), axis=-2)  # missing values sort last

    def nth(i: NDArray[np.int64]) -> NDArray[np.float64]:
        idx = np.clip(i, 0, a.shape[-2] - 1)
        return np.take_along_axis(ordered, idx, axis=-2)

    zero = np.zeros_like(k)
    lo, lo2, hi2, hi = nth(zero), nth(zero + 1), nth(k - 2), nth(k - 1)
    enough = k >= 3
    with np.errstate(over="ignore", invalid="ignore"):
        # differences of huge values overflow to inf: then the gap is extreme by any measure
        top = enough & (hi2 - lo > 0) & (hi - hi2 > gap_ratio * (hi2 - lo))
        bottom = enough & (hi - lo2 > 0) & (lo2 - lo > gap_ratio * (hi - lo2))
    flags |= finite & top & (a == hi)
    flags |= finite & bottom & (a == lo)
    return np.asarray(flags, dtype=bool)
