"""Small shared statistics: sample skewness and excess kurtosis as COINr defines them.

COINr's ``skew()`` and ``kurt()`` (R/treat.R, v1.1.14) reproduce ``e1071::skewness(type = 2)`` and
``e1071::kurtosis(type = 2)``, which are also Excel's ``SKEW`` and ``KURT``: the sample-adjusted
skewness :math:`G_1` and the sample-adjusted *excess* kurtosis :math:`G_2`. They equal
``scipy.stats.skew(bias=False)`` and ``scipy.stats.kurtosis(fisher=True, bias=False)``.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
from numpy.typing import ArrayLike, NDArray

from kaifang.errors import MethodError

__all__ = [
    "RowSums",
    "column_kurtosis",
    "column_skew_kurt",
    "column_skewness",
    "kurtosis",
    "row_central_sums",
    "row_skew_kurt",
    "skewness",
]

FloatArray = NDArray[np.float64]


def _as_columns(x: ArrayLike, name: str) -> FloatArray:
    a = np.asarray(x, dtype=np.float64)
    if a.ndim == 1:
        return a[:, None]
    if a.ndim != 2:
        raise MethodError(f"{name} expects a 1-D or 2-D array; got shape {a.shape}")
    return a


def _central_sums(
    a: FloatArray,
) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray, FloatArray]:
    """Per column: count, sums of 2nd/3rd/4th powers of range-scaled deviations, and range."""
    obs = ~np.isnan(a)
    n = obs.sum(axis=0).astype(np.float64)
    lo = np.where(obs, a, np.inf).min(axis=0)
    spread = np.where(obs, a, -np.inf).max(axis=0) - lo
    # Skewness and kurtosis are shift and scale free: work on u = (x - min) / range in [0, 1], so
    # that neither the mean nor the 3rd and 4th powers underflow (tiny values) or overflow (huge).
    ok = np.isfinite(spread) & (spread > 0)
    u = np.where(obs & ok, (a - np.where(ok, lo, 0.0)) / np.where(ok, spread, 1.0), 0.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = u.sum(axis=0) / n
    d = np.where(obs, u - mean, 0.0)
    d2 = d * d
    return n, d2.sum(axis=0), (d2 * d).sum(axis=0), (d2 * d2).sum(axis=0), spread


def column_skewness(x: ArrayLike) -> FloatArray:
    """Sample-adjusted skewness :math:`G_1` of each column, NaN ignored (COINr ``skew``).

    .. math::

        g_1 = \\frac{\\sqrt{n}\\, \\sum_i (x_i - \\bar x)^3}
                  {\\big(\\sum_i (x_i - \\bar x)^2\\big)^{3/2}},
        \\qquad G_1 = g_1 \\, \\frac{\\sqrt{n (n - 1)}}{n - 2}

    Parameters
    ----------
    x : array_like, shape (n,) or (n, m)
        Values; NaN are left out (COINr's ``na.rm = TRUE``, the default of its ``Treat``).

    Returns
    -------
    ndarray of float64, shape (m,) (shape (1,) for a 1-D input)
        :math:`G_1` per column; NaN where fewer than 3 values are observed (as COINr) or where
        the observed values are all equal (zero variance: skewness undefined).

    References
    ----------
    COINr ``skew()`` (R/treat.R), equal to ``e1071::skewness(type = 2)`` and Excel ``SKEW``;
    Joanes, D. N. and Gill, C. A. (1998), Comparing measures of sample skewness and kurtosis,
    *The Statistician* 47(1), 183-189.
    """
    return column_skew_kurt(x)[0]


def column_kurtosis(x: ArrayLike) -> FloatArray:
    """Sample-adjusted excess kurtosis :math:`G_2` of each column, NaN ignored (COINr ``kurt``).

    .. math::

        r = \\frac{n \\sum_i (x_i - \\bar x)^4}{\\big(\\sum_i (x_i - \\bar x)^2\\big)^2},
        \\qquad G_2 = \\frac{\\big((n + 1)(r - 3) + 6\\big)(n - 1)}{(n - 2)(n - 3)}

    A normal sample has :math:`G_2 \\approx 0` (excess kurtosis, not the raw 3).

    Parameters
    ----------
    x : array_like, shape (n,) or (n, m)
        Values; NaN are left out.

    Returns
    -------
    ndarray of float64, shape (m,) (shape (1,) for a 1-D input)
        :math:`G_2` per column; NaN where fewer than 4 values are observed (as COINr) or where
        the observed values are all equal.

    References
    ----------
    COINr ``kurt()`` (R/treat.R), equal to ``e1071::kurtosis(type = 2)`` and Excel ``KURT``;
    Joanes and Gill (1998), see :func:`column_skewness`.
    """
    return column_skew_kurt(x)[1]


def column_skew_kurt(x: ArrayLike) -> tuple[FloatArray, FloatArray]:
    """:func:`column_skewness` and :func:`column_kurtosis` from one pass over the data.

    Returns
    -------
    (ndarray, ndarray)
        :math:`G_1` and :math:`G_2` per column, NaN where undefined (see the two functions).
    """
    a = _as_columns(x, "column_skew_kurt")
    n, s2, s3, s4, spread = _central_sums(a)
    # Exact equality of all values decides "constant" (spread, not a computed s2 == 0).
    return _g1_g2(n, s2, s3, s4, spread > 0)


def _g1_g2(
    n: FloatArray, s2: FloatArray, s3: FloatArray, s4: FloatArray, varies: NDArray[np.bool_]
) -> tuple[FloatArray, FloatArray]:
    """:math:`G_1` and :math:`G_2` from the counts and central sums; NaN where undefined."""
    m = n.shape[0]
    skew = np.full(m, np.nan)
    kurt = np.full(m, np.nan)
    ok3 = (n >= 3) & varies
    nn = n[ok3]
    g1 = np.sqrt(nn) * s3[ok3] / s2[ok3] ** 1.5
    skew[ok3] = g1 * np.sqrt(nn * (nn - 1.0)) / (nn - 2.0)
    ok4 = (n >= 4) & varies
    nn = n[ok4]
    r = nn * s4[ok4] / s2[ok4] ** 2
    kurt[ok4] = ((nn + 1.0) * (r - 3.0) + 6.0) * (nn - 1.0) / ((nn - 2.0) * (nn - 3.0))
    return skew, kurt


# Rows per block in row_central_sums: about 512 KB of float64 per work buffer, so that the
# dozen passes over a block run in the CPU cache.
_BLOCK_CELLS = 65536


class RowSums(NamedTuple):
    """Per row: count, range-scaled central sums and the scaling (see :func:`row_central_sums`)."""

    n: FloatArray  # observed values
    s2: FloatArray  # sum of d**2, d = u - mean, u = (x - lo) / spread
    s3: FloatArray  # sum of d**3
    s4: FloatArray  # sum of d**4
    lo: FloatArray  # minimum (NaN ignored)
    spread: FloatArray  # maximum - minimum
    mean: FloatArray  # mean of u

    def skew_kurt(self) -> tuple[FloatArray, FloatArray]:
        """:math:`G_1` and :math:`G_2` from the sums, NaN where undefined."""
        varies = np.isfinite(self.spread) & (self.spread > 0)
        return _g1_g2(self.n, self.s2, self.s3, self.s4, varies)


def row_central_sums(
    x: ArrayLike,
    *,
    missing: NDArray[np.bool_] | None = None,
    lo: FloatArray | None = None,
    hi: FloatArray | None = None,
) -> RowSums:
    """Central sums of each ROW of a 2-D array, as :func:`column_skew_kurt` forms them.

    With :math:`u = (x - \\min x) / (\\max x - \\min x)` and :math:`d = u - \\bar u` over the
    observed values,

    .. math::

        s_p = \\sum_i d_i^{\\,p}, \\qquad p = 2, 3, 4

    Each row is summed as a contiguous vector, in the same order as a 1-D input of
    :func:`column_skew_kurt`, so the statistics derived from these sums equal the one-column
    results bit for bit (``column_skew_kurt`` on a 2-D array accumulates down the columns, a
    different order of floating-point additions, and may differ in the last bits).

    Parameters
    ----------
    x : array_like, shape (k, n)
        One series per row; NaN are left out.
    missing : ndarray of bool, shape (k, n), optional
        ``np.isnan(x)``, if the caller has it (a loop that changes values but not NaN).
    lo, hi : ndarray of float64, shape (k,), optional
        The NaN-ignoring minimum and maximum of each row, if the caller has them. These and
        ``missing`` must be exactly what they claim; they only save passes over ``x``.

    Returns
    -------
    RowSums
        ``n, s2, s3, s4, lo, spread, mean`` per row; the sums are meaningless (NaN or 0) for a
        row that is empty, constant or holds an infinite value.

    References
    ----------
    As :func:`column_skewness` and :func:`column_kurtosis`.
    """
    a = np.ascontiguousarray(x, dtype=np.float64)
    if a.ndim != 2:
        raise MethodError(f"row_central_sums expects a 2-D array; got shape {a.shape}")
    k, length = a.shape
    if missing is None:
        missing = np.isnan(a)
    with np.errstate(invalid="ignore"):
        if lo is None:
            lo = np.fmin.reduce(a, axis=1, initial=np.inf)
        if hi is None:
            hi = np.fmax.reduce(a, axis=1, initial=-np.inf)
        spread = hi - lo
    n = (length - missing.sum(axis=1)).astype(np.float64)
    mean, s2, s3, s4 = np.empty(k), np.empty(k), np.empty(k), np.empty(k)
    rows = max(1, _BLOCK_CELLS // max(length, 1))
    d = np.empty((min(rows, k), length))
    d2, p = np.empty_like(d), np.empty_like(d)
    for start in range(0, k, rows):
        blk = slice(start, min(start + rows, k))
        v, gap = a[blk], missing[blk]
        dd, dd2, pp = d[: v.shape[0]], d2[: v.shape[0]], p[: v.shape[0]]
        # the arithmetic of _central_sums, in place: u = (x - min) / range, d = u - mean (0 at
        # NaN); rows that are constant, empty or infinite give NaN statistics in any case
        with np.errstate(invalid="ignore", divide="ignore"):
            np.subtract(v, lo[blk, None], out=dd)
            np.divide(dd, spread[blk, None], out=dd)
            np.copyto(dd, 0.0, where=gap)
            mean[blk] = dd.sum(axis=1) / n[blk]
            np.subtract(dd, mean[blk, None], out=dd)
        np.copyto(dd, 0.0, where=gap)
        np.multiply(dd, dd, out=dd2)
        s2[blk] = dd2.sum(axis=1)
        np.multiply(dd2, dd, out=pp)
        s3[blk] = pp.sum(axis=1)
        np.multiply(dd2, dd2, out=pp)
        s4[blk] = pp.sum(axis=1)
    return RowSums(n, s2, s3, s4, lo, spread, mean)


def row_skew_kurt(
    x: ArrayLike,
    *,
    missing: NDArray[np.bool_] | None = None,
    lo: FloatArray | None = None,
    hi: FloatArray | None = None,
) -> tuple[FloatArray, FloatArray]:
    """:math:`G_1` and :math:`G_2` of each ROW of a 2-D array, NaN ignored, vectorised.

    The statistics of :func:`column_skew_kurt` (same formulas, range scaling and undefined
    cases), computed from :func:`row_central_sums`: ``row_skew_kurt(x)[0][i]`` equals
    ``column_skew_kurt(x[i])[0][0]`` bit for bit. Use it where a decision taken column by
    column must be reproduced exactly for many columns at once (pass ``x.T``).

    Parameters
    ----------
    x : array_like, shape (k, n)
        One series per row; NaN are left out.
    missing, lo, hi : optional
        See :func:`row_central_sums`.

    Returns
    -------
    (ndarray, ndarray)
        :math:`G_1` and :math:`G_2` per row, shape (k,), NaN where undefined (fewer than 3 or
        4 observed values, a constant row, or a row with an infinite value).

    References
    ----------
    As :func:`column_skewness` and :func:`column_kurtosis` (COINr ``skew``/``kurt``; Joanes and
    Gill 1998).
    """
    return row_central_sums(x, missing=missing, lo=lo, hi=hi).skew_kurt()


def skewness(v: ArrayLike) -> float:
    """Sample-adjusted skewness :math:`G_1` of a 1-D array, NaN ignored.

    See :func:`column_skewness`.

    Returns NaN for fewer than 3 observed values or a constant vector.
    """
    a = np.asarray(v, dtype=np.float64)
    if a.ndim != 1:
        raise MethodError(f"skewness expects a 1-D array; got shape {a.shape}")
    return float(column_skewness(a)[0])


def kurtosis(v: ArrayLike) -> float:
    """Sample-adjusted excess kurtosis :math:`G_2` of a 1-D array, NaN ignored.

    See :func:`column_kurtosis`. Returns NaN for fewer than 4 observed values or a constant vector.
    """
    a = np.asarray(v, dtype=np.float64)
    if a.ndim != 1:
        raise MethodError(f"kurtosis expects a 1-D array; got shape {a.shape}")
    return float(column_kurtosis(a)[0])
