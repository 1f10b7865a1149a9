"""Statistics of a composite-indicator audit: correlations with p-values, Cronbach's alpha,
principal components per node, and the correlation ratio (first-order effect) of an indicator.

Conventions follow COINr's ``get_corr``, ``get_cronbach`` and ``get_PCA`` (COINr 1.1.14):
correlations and covariances use pairwise-complete observations (R's
``use = "pairwise.complete.obs"``), principal components use complete rows (``na.omit``) of the
standardised data (``prcomp(center = TRUE, scale = TRUE)``).
"""

from __future__ import annotations

from typing import Literal, NamedTuple

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import stats

from kaifang.errors import MethodError

__all__ = [
    "Correlation",
    "CorrelationRatio",
    "PCAResult",
    "correlation_matrix",
    "correlation_pvalue",
    "correlation_ratio",
    "correlations_with",
    "cronbach_alpha",
    "local_linear_fit",
    "pairwise_covariance",
    "pca",
]

FloatArray = NDArray[np.float64]
CorrMethod = Literal["pearson", "spearman"]


class Correlation(NamedTuple):
    """Correlation coefficients, two-sided p-values and the number of pairs used."""

    r: FloatArray
    p: FloatArray
    n: NDArray[np.int64]


class PCAResult(NamedTuple):
    """Principal components of standardised data."""

    variance: FloatArray  # (k,) eigenvalues of the correlation matrix, largest first
    share: FloatArray  # (k,) proportion of variance explained by each component
    loadings: FloatArray  # (m, k) eigenvectors (prcomp's ``rotation``), sign-normalised
    n_used: int  # complete rows used


class CorrelationRatio(NamedTuple):
    """Squared correlation ratio of each column and the smoother bandwidth chosen for it."""

    s: FloatArray
    bandwidth: FloatArray


def _matrix(x: ArrayLike, name: str) -> FloatArray:
    a = np.asarray(x, dtype=np.float64)
    if a.ndim == 1:
        a = a[:, None]
    if a.ndim != 2:
        raise MethodError(f"{name} expects an array of shape (n,) or (n, m); got shape {a.shape}")
    return a


def _vector(y: ArrayLike, n: int, name: str) -> FloatArray:
    v = np.asarray(y, dtype=np.float64)
    if v.ndim != 1 or v.shape[0] != n:
        raise MethodError(f"{name} expects y of shape ({n},) like the rows of x; got {v.shape}")
    return v


def correlation_pvalue(r: ArrayLike, n: ArrayLike) -> FloatArray:
    """Two-sided p-value of a correlation coefficient under the null of no correlation.

    .. math::

        t = r \\sqrt{\\frac{n - 2}{1 - r^2}}, \\qquad p = 2\\, P(T_{n-2} > |t|)

    the test of ``scipy.stats.pearsonr`` and, for ranks, of ``scipy.stats.spearmanr`` and R's
    ``cor.test`` (COINr ``get_pvals``). NaN where ``n < 3`` or ``r`` is NaN; 0 where
    :math:`|r| = 1`.

    References
    ----------
    Fisher, R. A. (1915), Biometrika 10(4), 507-521; Kendall & Stuart (1973), *The Advanced
    Theory of Statistics*, vol. 2, section 26.
    """
    rr = np.asarray(r, dtype=np.float64)
    nn = np.asarray(n, dtype=np.float64)
    df = nn - 2.0
    ok = (df > 0) & np.isfinite(rr)
    one = ok & (np.abs(rr) >= 1.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        t = rr * np.sqrt(np.where(ok, df, 1.0) / np.where(one | ~ok, 1.0, 1.0 - rr * rr))
    p = 2.0 * stats.t.sf(np.abs(t), np.where(ok, df, 1.0))
    p = np.where(one, 0.0, p)
    return np.asarray(np.where(ok, p, np.nan), dtype=np.float64)


def _pearson_masked(a: FloatArray, b: FloatArray) -> tuple[FloatArray, NDArray[np.int64]]:
    """Pearson r per column of a and b (same shape), over rows where both are present."""
    both = ~np.isnan(a) & ~np.isnan(b)
    n = both.sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        ma = np.where(both, a, 0.0).sum(axis=0) / n
        mb = np.where(both, b, 0.0).sum(axis=0) / n
        da = np.where(both, a - ma, 0.0)
        db = np.where(both, b - mb, 0.0)
        sab = (da * db).sum(axis=0)
        saa = (da * da).sum(axis=0)
        sbb = (db * db).sum(axis=0)
        r = sab / np.sqrt(saa * sbb)
    # a constant column has no correlation with anything: NaN, never Inf
    r = np.where((n >= 2) & (saa > 0) & (sbb > 0), np.clip(r, -1.0, 1.0), np.nan)
    return np.asarray(r, dtype=np.float64), n.astype(np.int64)


def correlations_with(x: ArrayLike, y: ArrayLike, method: CorrMethod = "pearson") -> Correlation:
    """Correlation of every column of ``x`` with ``y`` over pairwise-complete rows.

    Pearson:

    .. math::

        r_j = \\frac{\\sum_i (x_{ij} - \\bar x_j)(y_i - \\bar y)}
                   {\\sqrt{\\sum_i (x_{ij} - \\bar x_j)^2 \\sum_i (y_i - \\bar y)^2}}

    with the sums and means over the rows where both :math:`x_{ij}` and :math:`y_i` are present.
    Spearman: the same on mid-ranks (ties get their average rank) computed on those rows.
    p-values by :func:`correlation_pvalue`. Equals ``scipy.stats.pearsonr`` / ``spearmanr`` on
    the complete pairs and R's ``cor(use = "pairwise.complete.obs")`` (COINr ``get_corr``).

    Parameters
    ----------
    x : array_like, shape (n,) or (n, m)
    y : array_like, shape (n,)
    method : {"pearson", "spearman"}

    Returns
    -------
    Correlation
        ``r``, ``p`` of shape (m,) and ``n`` (pairs used). A column with fewer than 2 pairs or
        no variance has r = NaN and p = NaN (no correlation is defined).

    References
    ----------
    OECD/JRC (2008), *Handbook on Constructing Composite Indicators*, step 4 (multivariate
    analysis); Spearman, C. (1904), Am. J. Psychol. 15(1), 72-101.
    """
    a = _matrix(x, "correlations_with")
    v = _vector(y, a.shape[0], "correlations_with")
    b = np.repeat(v[:, None], a.shape[1], axis=1)
    missing = np.isnan(a) | np.isnan(b)
    a = np.where(missing, np.nan, a)
    b = np.where(missing, np.nan, b)
    if method == "spearman":
        a = np.asarray(stats.rankdata(a, axis=0, nan_policy="omit"), dtype=np.float64)
        b = np.asarray(stats.rankdata(b, axis=0, nan_policy="omit"), dtype=np.float64)
    elif method != "pearson":
        raise MethodError(f"correlation method must be 'pearson' or 'spearman'; got {method!r}")
    r, n = _pearson_masked(a, b)
    return Correlation(r, correlation_pvalue(r, n), n)


def correlation_matrix(
    x: ArrayLike, z: ArrayLike | None = None, method: CorrMethod = "pearson"
) -> Correlation:
    """Correlations of every column of ``x`` with every column of ``z`` (default ``x`` itself),
    pairwise-complete as in :func:`correlations_with` (the same formula, one column of ``z``
    at a time).

    Returns
    -------
    Correlation
        ``r``, ``p``, ``n`` of shape (m, k).

    References
    ----------
    OECD/JRC (2008), *Handbook on Constructing Composite Indicators*, step 4; COINr
    ``get_corr`` documentation.
    """
    a = _matrix(x, "correlation_matrix")
    b = a if z is None else _matrix(z, "correlation_matrix")
    if b.shape[0] != a.shape[0]:
        raise MethodError(
            f"correlation_matrix: x has {a.shape[0]} rows and z has {b.shape[0]}; they must match"
        )
    cols = [correlations_with(a, b[:, k], method) for k in range(b.shape[1])]
    if not cols:
        empty = np.empty((a.shape[1], 0))
        return Correlation(empty, empty.copy(), np.empty((a.shape[1], 0), dtype=np.int64))
    return Correlation(
        np.stack([c.r for c in cols], axis=1),
        np.stack([c.p for c in cols], axis=1),
        np.stack([c.n for c in cols], axis=1),
    )


def pairwise_covariance(x: ArrayLike) -> FloatArray:
    """Sample covariance matrix over pairwise-complete rows (R ``cov(use = "pairwise")``).

    .. math::

        c_{jk} = \\frac{1}{n_{jk} - 1} \\sum_{i \\in P_{jk}} (x_{ij} - \\bar x_j^{(jk)})
                 (x_{ik} - \\bar x_k^{(jk)})

    where :math:`P_{jk}` are the rows with both columns present and the means are over them.
    NaN where fewer than 2 rows are shared.

    References
    ----------
    R Core Team, ``stats::cov`` documentation (``pairwise.complete.obs``).
    """
    a = _matrix(x, "pairwise_covariance")
    m = a.shape[1]
    out = np.empty((m, m))
    for k in range(m):
        b = np.repeat(a[:, k : k + 1], m, axis=1)
        both = ~np.isnan(a) & ~np.isnan(b)
        n = both.sum(axis=0)
        with np.errstate(invalid="ignore", divide="ignore"):
            ma = np.where(both, a, 0.0).sum(axis=0) / n
            mb = np.where(both, b, 0.0).sum(axis=0) / n
            s = (np.where(both, a - ma, 0.0) * np.where(both, b - mb, 0.0)).sum(axis=0)
            out[:, k] = np.where(n >= 2, s / (n - 1), np.nan)
    return out


def cronbach_alpha(x: ArrayLike) -> float:
    """Cronbach's alpha of the columns of ``x`` (the children of one node).

    .. math::

        \\alpha = \\frac{k}{k - 1}\\Big(1 - \\frac{\\sum_j \\sigma_j^2}{\\sum_{j,l} c_{jl}}\\Big)
                = \\frac{k^2\\, \\bar c}{\\sum_{j,l} c_{jl}}

    with :math:`c` the pairwise-complete covariance matrix (:func:`pairwise_covariance`) and
    :math:`\\bar c` the mean off-diagonal covariance: the formula of COINr's ``get_cronbach``.

    Returns
    -------
    float
        Alpha (at most 1; negative when the children are negatively correlated on average).
        NaN when ``k < 2`` or the total variance is 0 or undefined (documented, never Inf).

    References
    ----------
    Cronbach, L. J. (1951), Psychometrika 16(3), 297-334; OECD/JRC (2008), *Handbook on
    Constructing Composite Indicators*, section 4.1.
    """
    a = _matrix(x, "cronbach_alpha")
    k = a.shape[1]
    if k < 2:
        return float("nan")
    c = pairwise_covariance(a)
    total = float(np.nansum(c))
    if not np.isfinite(total) or total == 0.0 or np.isnan(np.diag(c)).all():
        return float("nan")
    return float(k / (k - 1) * (1.0 - np.nansum(np.diag(c)) / total))


def pca(x: ArrayLike) -> PCAResult:
    """Principal components of the standardised columns of ``x``, complete rows only.

    With :math:`Z` the complete rows centred and scaled to unit sample variance,
    :math:`Z = U S V^\\top` (SVD): the variances are :math:`\\lambda_k = s_k^2/(n - 1)` (the
    eigenvalues of the correlation matrix), the shares :math:`\\lambda_k / \\sum_l \\lambda_l`,
    the loadings the columns of :math:`V` (R ``prcomp(center = TRUE, scale = TRUE)$rotation``,
    as COINr ``get_PCA``).

    The sign of an eigenvector is arbitrary; to make it stable, each component is oriented so
    that its loadings sum to a positive number (the first component then points the way the
    node's score grows), or, if that sum is 0, so that its largest absolute loading is positive.

    Raises
    ------
    MethodError
        If fewer than 2 complete rows remain, or a column is constant on them (it cannot be
        standardised); the message names the column index.

    References
    ----------
    Jolliffe, I. T. (2002), *Principal Component Analysis*, 2nd ed., Springer;
    OECD/JRC (2008), *Handbook on Constructing Composite Indicators*, section 4.1.
    """
    a = _matrix(x, "pca")
    complete = a[~np.isnan(a).any(axis=1)]
    n = complete.shape[0]
    if n < 2:
        raise MethodError(f"pca needs at least 2 rows with every column present; found {n}")
    sd = complete.std(axis=0, ddof=1)
    if np.any(sd == 0):
        bad = int(np.flatnonzero(sd == 0)[0])
        raise MethodError(
            f"pca: column {bad} is constant on the complete rows; it cannot be scaled"
        )
    z = (complete - complete.mean(axis=0)) / sd
    _, s, vt = np.linalg.svd(z, full_matrices=False)
    variance = s**2 / (n - 1)
    loadings = vt.T.copy()
    sums = loadings.sum(axis=0)
    biggest = loadings[np.abs(loadings).argmax(axis=0), np.arange(loadings.shape[1])]
    sign = np.where(np.abs(sums) > 1e-12, np.sign(sums), np.sign(biggest))
    loadings *= np.where(sign == 0, 1.0, sign)
    share = variance / variance.sum()
    return PCAResult(variance, share, loadings, n)


def local_linear_fit(
    x: ArrayLike,
    y: ArrayLike,
    bandwidth: float,
    at: ArrayLike | None = None,
    leave_out: bool = False,
) -> FloatArray:
    """Local linear kernel regression of ``y`` on ``x`` with a Gaussian kernel.

    .. math::

        \\hat m(x_0) = \\frac{S_2 T_0 - S_1 T_1}{S_0 S_2 - S_1^2},\\quad
        S_k = \\sum_i K_h(x_i - x_0)(x_i - x_0)^k,\\quad
        T_k = \\sum_i K_h(x_i - x_0)(x_i - x_0)^k y_i

    with :math:`K_h(u) = \\exp(-u^2 / 2h^2)`.

    Parameters
    ----------
    x, y : array_like, shape (n,)
        Complete pairs (no NaN).
    bandwidth : float
        :math:`h > 0`.
    at : array_like of int, optional
        Indices of the data points to fit at (default all).
    leave_out : bool
        Leave each point's own pair out of its fit (for cross-validation): its kernel weight is
        :math:`K(0) = 1` at distance 0, so it only enters :math:`S_0` and :math:`T_0`.

    Returns
    -------
    ndarray of float64, shape (len(at),)
        Fitted values; where the local design is singular (no spread of x inside the window),
        the local constant (Nadaraya-Watson) value :math:`T_0 / S_0` is used, and NaN if even
        :math:`S_0 = 0`.

    References
    ----------
    Fan, J. and Gijbels, I. (1996), *Local Polynomial Modelling and Its Applications*, Chapman
    & Hall, chapter 3; Bowman, A. W. and Azzalini, A. (1997), *Applied Smoothing Techniques for
    Data Analysis*, Oxford.
    """
    xv = np.asarray(x, dtype=np.float64)
    yv = _vector(y, xv.shape[0], "local_linear_fit")
    if not bandwidth > 0:
        raise MethodError(f"local_linear_fit needs a bandwidth > 0; got {bandwidth}")
    idx = np.arange(xv.shape[0]) if at is None else np.asarray(at, dtype=np.int64)
    d = xv[None, :] - xv[idx][:, None]  # (e, n)
    return _local_linear(d, d * d, yv, idx, bandwidth, leave_out)


def _local_linear(
    d: FloatArray, d2: FloatArray, yv: FloatArray, idx: NDArray[np.int64], h: float, leave_out: bool
) -> FloatArray:
    """:func:`local_linear_fit` on precomputed distances (reused across bandwidths)."""
    k = np.exp(d2 * (-0.5 / (h * h)))
    kd = k * d
    s0 = k.sum(axis=1)
    s1 = kd.sum(axis=1)
    s2 = (kd * d).sum(axis=1)
    t0 = k @ yv
    t1 = kd @ yv
    if leave_out:
        s0 = s0 - 1.0
        t0 = t0 - yv[idx]
    det = s0 * s2 - s1 * s1
    with np.errstate(invalid="ignore", divide="ignore"):
        linear = (s2 * t0 - s1 * t1) / det
        constant = t0 / s0
    singular = ~(det > 1e-10 * np.maximum(s0 * s2, 1e-300))
    out = np.where(singular, constant, linear)
    return np.asarray(np.where(s0 > 1e-300, out, np.nan), dtype=np.float64)


def correlation_ratio(
    x: ArrayLike,
    y: ArrayLike,
    bandwidths: ArrayLike | None = None,
    max_points: int = 500,
) -> CorrelationRatio:
    """Squared correlation ratio (first-order sensitivity index) of each column of ``x`` for ``y``.

    .. math::

        S_j = \\eta_j^2 = \\frac{V_{x_j}\\big(E[y \\mid x_j]\\big)}{V(y)}

    Paruolo, Saisana and Saltelli (2013) use :math:`S_j` as the importance of indicator
    :math:`j` in a composite index :math:`y`, estimated by a nonparametric smoother of :math:`y`
    on :math:`x_j`. Here the smoother is local linear kernel regression
    (:func:`local_linear_fit`); its bandwidth minimises the leave-one-out cross-validation error
    :math:`\\sum_i (y_i - \\hat m_{-i}(x_i))^2` over ``bandwidths`` (default 20 values from
    0.05 to 5 standard deviations of :math:`x_j`, geometric), and
    :math:`S_j = \\widehat{V}(\\hat m(x_{ij})) / \\widehat V(y)` over the complete pairs.
    For a linear :math:`y = \\sum_j a_j x_j` with independent :math:`x_j`,
    :math:`S_j = a_j^2 V(x_j) / \\sum_l a_l^2 V(x_l)`.

    Parameters
    ----------
    x : array_like, shape (n,) or (n, m)
    y : array_like, shape (n,)
    bandwidths : array_like, optional
        Candidate bandwidths in units of each column's standard deviation.
    max_points : int
        With more complete pairs than this, the cross-validation error and the variance of the
        fit are evaluated at an evenly spaced subsample (every k-th point in order of
        :math:`x_j`), the fit itself still using every pair; this bounds the cost at
        O(max_points x n) per bandwidth.

    Returns
    -------
    CorrelationRatio
        ``s`` (m,) and the chosen ``bandwidth`` (m,) in the units of each column. NaN for a
        column with fewer than 5 complete pairs or no variance in x or y (no effect defined).
        The estimate is not clipped: a value a little above the true one reflects noise that
        the smoother follows.

    References
    ----------
    Paruolo, P., Saisana, M. and Saltelli, A. (2013), Ratings and rankings: voodoo or science?,
    *J. R. Stat. Soc. A* 176(3), 609-634; Becker, W. et al. (2017), Weights and importance in
    composite indicators: closing the gap, *Ecological Indicators* 80, 12-22; Fan & Gijbels
    (1996).
    """
    a = _matrix(x, "correlation_ratio")
    v = _vector(y, a.shape[0], "correlation_ratio")
    grid = (
        np.geomspace(0.05, 5.0, 20)
        if bandwidths is None
        else np.asarray(bandwidths, dtype=np.float64)
    )
    if grid.ndim != 1 or grid.size == 0 or np.any(~(grid > 0)):
        raise MethodError("correlation_ratio: bandwidths must be a non-empty list of values > 0")
    m = a.shape[1]
    s = np.full(m, np.nan)
    chosen = np.full(m, np.nan)
    for j in range(m):
        ok = ~np.isnan(a[:, j]) & ~np.isnan(v)
        xj, yj = a[ok, j], v[ok]
        if xj.size < 5 or np.ptp(xj) == 0 or np.ptp(yj) == 0:
            continue
        order = np.argsort(xj, kind="stable")
        step = int(np.ceil(xj.size / max_points))
        at = order[::step]
        sd = float(xj.std(ddof=1))
        d = xj[None, :] - xj[at][:, None]
        d2 = d * d
        errors = np.array(
            [np.nanmean((yj[at] - _local_linear(d, d2, yj, at, h * sd, True)) ** 2) for h in grid]
        )
        best = float(grid[int(np.nanargmin(errors))] * sd) if np.isfinite(errors).any() else sd
        fit = _local_linear(d, d2, yj, at, best, False)
        vy = float(yj.var(ddof=1))
        s[j] = float(np.nanvar(fit, ddof=1)) / vy
        chosen[j] = best
    return CorrelationRatio(s, chosen)
