"""Indicator weights: objective (entropy, CRITIC, SD, CV, PCA), subjective (AHP) and combined.

Every weighter takes ``x`` of shape (n, m) (rows = unit-years, columns = indicators, NaN =
missing) and returns an (m,) float64 vector of non-negative weights summing to 1.

Conventions shared by the data-driven weighters (record them in run.json):

- A column is *constant* when its range is at most ``1e-12`` times its magnitude; it carries no
  information, gets weight 0 and never makes the other weights NaN. If every column is constant
  there is nothing to weight and a :class:`~kaifang.errors.MethodError` is raised.
- Each column needs at least two present values; otherwise a MethodError names it.
- NaN cells are ignored (nan-aware sums, per-column counts, pairwise-complete correlations).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray

from kaifang.errors import MethodError

__all__ = [
    "SAATY_RANDOM_INDEX",
    "WEIGHTERS",
    "ahp_weights",
    "combine_weights",
    "critic_weights",
    "cv_weights",
    "entropy_weights",
    "pca_weights",
    "sd_weights",
]

FloatArray = NDArray[np.float64]

# Relative size below which a column's range counts as zero (floating-point noise, e.g. 0.1 + 0.2
# versus 0.3, must not be blown up into a full [0, 1] spread by min-max scaling).
_CONSTANT_RTOL = 1e-12

# Saaty's random consistency index RI(n), n = 1..15 (Saaty 1980 for n <= 10; the n = 11..15
# values as tabulated in Saaty, *Fundamentals of Decision Making*, 1994).
SAATY_RANDOM_INDEX: tuple[float, ...] = (
    0.0,
    0.0,
    0.58,
    0.90,
    1.12,
    1.24,
    1.32,
    1.41,
    1.45,
    1.49,
    1.51,
    1.48,
    1.56,
    1.57,
    1.59,
)


# ---------------------------------------------------------------------------------------------
# validation and shared helpers
# ---------------------------------------------------------------------------------------------


def _as_data(x: ArrayLike, who: str) -> FloatArray:
    a = np.asarray(x, dtype=np.float64)
    if a.ndim != 2:
        raise MethodError(f"{who}: x must be a 2-D array (units x indicators); got shape {a.shape}")
    if a.shape[1] == 0:
        raise MethodError(f"{who}: x has no indicator columns")
    if np.isinf(a).any():
        col = int(np.nonzero(np.isinf(a).any(axis=0))[0][0])
        raise MethodError(f"{who}: column {col} contains an infinite value; expected finite or NaN")
    present = (~np.isnan(a)).sum(axis=0)
    short = np.nonzero(present < 2)[0]
    if short.size:
        raise MethodError(
            f"{who}: column(s) {short.tolist()} have fewer than 2 present values "
            f"(found {present[short].tolist()}); a weight cannot be estimated from them"
        )
    return a


def _as_directions(directions: ArrayLike | None, m: int, who: str) -> FloatArray:
    if directions is None:
        return np.ones(m, dtype=np.float64)
    d = np.asarray(directions, dtype=np.float64).reshape(-1)
    if d.shape != (m,):
        raise MethodError(f"{who}: directions must have {m} entries (one per column); got {d.size}")
    bad = np.nonzero((d != 1.0) & (d != -1.0))[0]
    if bad.size:
        raise MethodError(
            f"{who}: directions must be +1 or -1; column {int(bad[0])} has {float(d[bad[0]]):g}"
        )
    return d


def _constant_columns(x: FloatArray) -> NDArray[np.bool_]:
    lo = np.nanmin(x, axis=0)
    hi = np.nanmax(x, axis=0)
    scale = np.maximum(np.abs(lo), np.abs(hi))
    result: NDArray[np.bool_] = (hi - lo) <= _CONSTANT_RTOL * scale
    return result


def _oriented_minmax(x: FloatArray, directions: FloatArray) -> tuple[FloatArray, NDArray[np.bool_]]:
    """Oriented min-max per column; constant columns are returned as 0 (NaN kept)."""
    constant = _constant_columns(x)
    lo = np.nanmin(x, axis=0)
    hi = np.nanmax(x, axis=0)
    rng = np.where(constant, 1.0, hi - lo)
    y = np.where(directions > 0, (x - lo) / rng, (hi - x) / rng)
    y = np.where(constant & ~np.isnan(x), 0.0, y)
    return y, constant


def _pairwise_corr(z: FloatArray) -> tuple[FloatArray, NDArray[np.bool_]]:
    """Pearson correlations over pairwise-complete rows, and where they are defined.

    ``z`` should be on a unit scale (min-max or standardised) so the one-pass sums are accurate.
    A correlation is undefined when fewer than two rows overlap or a column is constant on them.
    """
    mask = (~np.isnan(z)).astype(np.float64)
    centred = np.where(mask > 0, z - np.nanmean(z, axis=0), 0.0)
    count = mask.T @ mask
    s_x = centred.T @ mask  # s_x[j, k]: sum of column j over rows where k is also present
    s_xx = (centred * centred).T @ mask
    s_xy = centred.T @ centred
    safe = np.where(count > 0, count, 1.0)
    cov = s_xy - s_x * s_x.T / safe
    var_x = s_xx - s_x * s_x / safe
    var_y = var_x.T
    tiny = 1e-12 * np.maximum(count, 1.0)
    defined = (count >= 2) & (var_x > tiny) & (var_y > tiny)
    denom = np.sqrt(np.where(defined, var_x * var_y, 1.0))
    r = np.clip(np.where(defined, cov / denom, 0.0), -1.0, 1.0)
    return r, defined


def _normalise_scores(scores: FloatArray, who: str) -> FloatArray:
    total = float(scores.sum())
    if not np.isfinite(total) or total <= 0.0:
        raise MethodError(f"{who}: all columns are constant; no column carries information")
    result: FloatArray = scores / total
    return result


def _all_constant_guard(constant: NDArray[np.bool_], who: str) -> None:
    if constant.all():
        raise MethodError(
            f"{who}: all {constant.size} columns are constant; weights cannot be derived from "
            "data without variation (use framework or equal weights)"
        )


# ---------------------------------------------------------------------------------------------
# objective weights
# ---------------------------------------------------------------------------------------------


def entropy_weights(
    x: ArrayLike, directions: ArrayLike | None = None, *, delta: float = 1e-4
) -> FloatArray:
    """Entropy weights (熵权法) in the common Chinese convention (architecture.md#conventions).

    .. math::

        y_{ij} &= \\frac{x_{ij} - \\min_i x_{ij}}{\\max_i x_{ij} - \\min_i x_{ij}}
        \\quad\\text{(cost: } \\frac{\\max_i x_{ij} - x_{ij}}{\\max_i x_{ij} - \\min_i x_{ij}}),
        \\qquad y'_{ij} = y_{ij} + \\delta

        p_{ij} &= y'_{ij} / \\textstyle\\sum_i y'_{ij}, \\qquad
        e_j = -\\frac{1}{\\ln n_j} \\sum_i p_{ij} \\ln p_{ij}, \\qquad
        d_j = 1 - e_j, \\qquad w_j = d_j / \\textstyle\\sum_k d_k

    Parameters
    ----------
    x : array_like, shape (n, m)
        Indicator values (raw or already normalised: the min-max step is idempotent).
    directions : array_like, shape (m,), optional
        +1 more is better, -1 less is better. Default all +1.
    delta : float, default 1e-4
        Shift added after min-max so that :math:`\\ln p` is defined. ``delta=0.01`` reproduces
        SPSSAU (range normalisation followed by its "non-negative shift" of
        :math:`|\\min| + 0.01 = 0.01`). ``delta=0`` is allowed, with :math:`0 \\ln 0 = 0`.

    Returns
    -------
    ndarray of float64, shape (m,)
        Non-negative weights summing to 1.

    Raises
    ------
    MethodError
        If every column is constant, a column has fewer than two present values, ``delta < 0``,
        or the shapes are wrong.

    Notes
    -----
    *Panel mode* (architecture.md#conventions): pass all years' rows stacked, shape (T*n, m).
    The min and
    max are then taken over all years and :math:`k = 1/\\ln(T n)` follows automatically, because
    :math:`n_j` is simply the number of rows. Pass one year's rows for the per-year variant.

    A constant column has :math:`d_j = 0` (no information) and gets weight 0 without any NaN.
    NaN cells are ignored: sums are nan-aware and :math:`n_j` is the number of present values
    in column *j*. :math:`d_j` is clipped at 0 to absorb rounding (mathematically
    :math:`e_j \\le 1`).

    References
    ----------
    Zhu, Y., Tian, D. & Yan, F. (2020). Effectiveness of entropy weight method in
    decision-making. *Mathematical Problems in Engineering*, 2020, 3564835.
    SPSSAU, "Entropy method" help page (https://www.spssau.net/helps/entropy.html).
    """
    who = "entropy_weights"
    if not np.isfinite(delta) or delta < 0:
        raise MethodError(f"{who}: delta must be a finite number >= 0; got {delta!r}")
    a = _as_data(x, who)
    d = _as_directions(directions, a.shape[1], who)
    y, constant = _oriented_minmax(a, d)
    _all_constant_guard(constant, who)
    shifted = y + delta
    col_sum = np.nansum(shifted, axis=0)
    # Constant columns (with delta == 0) sum to 0; they are discarded below, avoid 0/0 here.
    p = shifted / np.where(col_sum > 0, col_sum, 1.0)
    positive = p > 0  # NaN compares False, so missing cells drop out here
    plogp = np.where(positive, p * np.log(np.where(positive, p, 1.0)), 0.0)
    n_present = (~np.isnan(a)).sum(axis=0)
    e = -plogp.sum(axis=0) / np.log(n_present)
    div = np.where(constant, 0.0, np.clip(1.0 - e, 0.0, None))
    return _normalise_scores(div, who)


def critic_weights(x: ArrayLike, directions: ArrayLike | None = None) -> FloatArray:
    """CRITIC weights (Criteria Importance Through Intercriteria Correlation).

    .. math::

        C_j = \\sigma_j \\sum_{k=1}^{m} (1 - r_{jk}), \\qquad w_j = C_j / \\textstyle\\sum_k C_k

    where :math:`\\sigma_j` is the sample standard deviation (ddof = 1) of the oriented min-max
    normalised column *j* and :math:`r_{jk}` the Pearson correlation of columns *j* and *k*.
    Orientation matters: a cost column enters as :math:`(\\max - x)/(\\max - \\min)`, which
    flips the sign of its correlations.

    Parameters
    ----------
    x : array_like, shape (n, m)
    directions : array_like, shape (m,), optional
        +1 / -1 per column, default all +1.

    Returns
    -------
    ndarray of float64, shape (m,)

    Raises
    ------
    MethodError
        If every column is constant; or if the non-constant columns are all perfectly correlated
        with each other (no conflict, every :math:`C_j = 0`), since CRITIC is then undefined.

    Notes
    -----
    A constant column gets weight 0 (:math:`\\sigma_j = 0`). Its correlations are undefined;
    they are treated as contributing 0 conflict to the other columns (the term
    :math:`1 - r_{jk}` is dropped), so the other weights equal those computed without it.
    Correlations use pairwise-complete rows when there are NaN cells; a pair with fewer than two
    overlapping rows, or constant on its overlap, likewise contributes 0. If exactly one column
    is non-constant it receives weight 1.

    References
    ----------
    Diakoulaki, D., Mavrotas, G. & Papayannakis, L. (1995). Determining objective weights in
    multiple criteria problems: the CRITIC method. *Computers & Operations Research*, 22(7),
    763-770.
    """
    who = "critic_weights"
    a = _as_data(x, who)
    d = _as_directions(directions, a.shape[1], who)
    y, constant = _oriented_minmax(a, d)
    _all_constant_guard(constant, who)
    if (~constant).sum() == 1:
        return (~constant).astype(np.float64)
    sigma = np.where(constant, 0.0, np.nanstd(y, axis=0, ddof=1))
    r, defined = _pairwise_corr(y)
    conflict = np.where(defined & ~constant[None, :], 1.0 - r, 0.0).sum(axis=1)
    info = sigma * conflict
    if info.sum() <= 0.0:
        raise MethodError(
            f"{who}: the non-constant columns {np.nonzero(~constant)[0].tolist()} are perfectly "
            "correlated, so CRITIC finds no conflict to weight; use sd or entropy weights"
        )
    return _normalise_scores(info, who)


def sd_weights(x: ArrayLike, directions: ArrayLike | None = None) -> FloatArray:
    """Standard-deviation weights (标准差法): proportional to the spread of each column.

    .. math::

        w_j = \\sigma_j / \\textstyle\\sum_k \\sigma_k

    with :math:`\\sigma_j` the sample standard deviation (ddof = 1, nan-aware) of column *j*
    after min-max scaling to [0, 1]. The scaling makes the weights unit-free; it is a no-op on
    data already min-max normalised. ``directions`` is accepted for a uniform weighter signature
    and does not change the result (:math:`1 - y` has the spread of :math:`y`).

    Parameters
    ----------
    x : array_like, shape (n, m)
    directions : array_like, shape (m,), optional

    Returns
    -------
    ndarray of float64, shape (m,)

    Raises
    ------
    MethodError
        If every column is constant.

    Notes
    -----
    A constant column gets weight 0.

    References
    ----------
    OECD/JRC (2008), *Handbook on Constructing Composite Indicators*, section 6 (weights from
    statistical models); Diakoulaki et al. (1995) use the same :math:`\\sigma_j` in CRITIC.
    """
    who = "sd_weights"
    a = _as_data(x, who)
    d = _as_directions(directions, a.shape[1], who)
    y, constant = _oriented_minmax(a, d)
    _all_constant_guard(constant, who)
    sigma = np.where(constant, 0.0, np.nanstd(y, axis=0, ddof=1))
    return _normalise_scores(sigma, who)


def cv_weights(x: ArrayLike, directions: ArrayLike | None = None) -> FloatArray:
    """Coefficient-of-variation weights (变异系数法).

    .. math::

        v_j = \\frac{\\sigma_j}{|\\bar{x}_j|}, \\qquad w_j = v_j / \\textstyle\\sum_k v_k

    computed on ``x`` as given (sample SD, ddof = 1, nan-aware). The CV is already unit-free, so
    no rescaling is applied; it is meaningful for ratio-scale data (raw positive values or
    min-max normalised values). ``directions`` is accepted for a uniform weighter signature and
    does not change the result (negating a column leaves :math:`|v_j|` unchanged).

    Parameters
    ----------
    x : array_like, shape (n, m)
    directions : array_like, shape (m,), optional

    Returns
    -------
    ndarray of float64, shape (m,)

    Raises
    ------
    MethodError
        If a non-constant column has mean 0 (e.g. z-scores): its CV is undefined; or if every
        column is constant.

    Notes
    -----
    A constant column gets weight 0 (even an all-zero one).

    References
    ----------
    OECD/JRC (2008), *Handbook on Constructing Composite Indicators*, section 6; the CV weighting
    used widely in Chinese evaluation studies (变异系数法).
    """
    who = "cv_weights"
    a = _as_data(x, who)
    _as_directions(directions, a.shape[1], who)
    constant = _constant_columns(a)
    _all_constant_guard(constant, who)
    # CV is scale-free: dividing by max|x| first keeps tiny or huge magnitudes from
    # under/overflowing in the squares.
    scale = np.nanmax(np.abs(a), axis=0)
    scaled = a / np.where(scale > 0, scale, 1.0)
    mean = np.nanmean(scaled, axis=0)
    sd = np.nanstd(scaled, axis=0, ddof=1)
    zero_mean = ~constant & (np.abs(mean) <= 1e-12)
    if zero_mean.any():
        raise MethodError(
            f"{who}: column(s) {np.nonzero(zero_mean)[0].tolist()} have mean 0, so the "
            "coefficient of variation is undefined; pass min-max normalised or raw positive "
            "data (not z-scores), or use sd weights"
        )
    cv = np.where(constant, 0.0, sd / np.where(constant, 1.0, np.abs(mean)))
    return _normalise_scores(cv, who)


def pca_weights(
    x: ArrayLike,
    directions: ArrayLike | None = None,
    *,
    min_eigenvalue: float = 1.0,
    min_share: float = 0.10,
    min_cumulative: float = 0.60,
) -> FloatArray:
    """Weights from principal components, the non-rotated variant of the OECD/JRC Handbook.

    Procedure (Handbook 2008, Part I section 6.1 and Part II step 6, Tables 16-18), on the
    correlation matrix :math:`R` of the non-constant columns:

    1. Eigen-decompose :math:`R = V \\Lambda V^\\top` with
       :math:`\\lambda_1 \\ge \\lambda_2 \\ge \\dots`
    2. Retain the leading components that have :math:`\\lambda_c >` ``min_eigenvalue`` *or* an
       individual variance share above ``min_share`` (at least one), then add components until
       the cumulative share reaches ``min_cumulative``. This is how the Handbook's TAI example
       retains four factors (eigenvalues 3.3, 1.7, 1.0, 0.9; 87% of variance).
    3. Squared loadings :math:`\\ell^2_{jc} = v_{jc}^2 \\lambda_c`, scaled to unity sum within
       each component: :math:`\\ell^2_{jc} / \\sum_i \\ell^2_{ic} = v_{jc}^2`.
    4. Assign indicator *j* to the retained component :math:`c_j` on which its squared loading
       :math:`\\ell^2_{jc}` is highest.
    5. :math:`w_j \\propto v_{j c_j}^2 \\, \\lambda_{c_j} / \\sum_{c \\text{ retained}} \\lambda_c`,
       then normalised to sum 1.

    No varimax rotation is applied (the Handbook rotates; this is the simpler unrotated
    variant). Only squared loadings enter, so the result does not depend on the sign LAPACK
    gives an eigenvector, nor on ``directions`` (accepted for a uniform signature: reversing a
    column only flips signs of its loadings).

    Parameters
    ----------
    x : array_like, shape (n, m)
    directions : array_like, shape (m,), optional
    min_eigenvalue, min_share, min_cumulative : float
        The Handbook's three retention criteria (1, 10%, 60%).

    Returns
    -------
    ndarray of float64, shape (m,)

    Raises
    ------
    MethodError
        If every column is constant.

    Notes
    -----
    Constant columns get weight 0 and are left out of the PCA; if a single column varies it
    gets weight 1. Correlations use pairwise-complete rows when cells are missing (an undefined
    correlation is set to 0). When retained eigenvalues are tied, the eigenvectors within their
    eigenspace are not unique and neither are the weights (an inherent PCA ambiguity).

    References
    ----------
    OECD/JRC (2008). *Handbook on Constructing Composite Indicators: Methodology and User
    Guide*. OECD Publishing, Paris. https://doi.org/10.1787/9789264043466-en
    """
    who = "pca_weights"
    a = _as_data(x, who)
    _as_directions(directions, a.shape[1], who)
    constant = _constant_columns(a)
    _all_constant_guard(constant, who)
    keep = np.nonzero(~constant)[0]
    weights = np.zeros(a.shape[1], dtype=np.float64)
    if keep.size == 1:
        weights[keep] = 1.0
        return weights
    sub = a[:, keep]
    # Correlations are scale-free: divide by the range first so the squares cannot underflow.
    sub = sub / (np.nanmax(sub, axis=0) - np.nanmin(sub, axis=0))
    z = (sub - np.nanmean(sub, axis=0)) / np.nanstd(sub, axis=0, ddof=1)
    r, _ = _pairwise_corr(z)
    np.fill_diagonal(r, 1.0)
    eigval, eigvec = np.linalg.eigh(r)
    order = np.argsort(eigval)[::-1]
    lam = np.clip(eigval[order], 0.0, None)
    vec = eigvec[:, order]
    share = lam / lam.sum()
    n_keep = max(1, int(((lam > min_eigenvalue) | (share > min_share)).sum()))
    cumulative = np.cumsum(share)
    while n_keep < lam.size and cumulative[n_keep - 1] < min_cumulative:
        n_keep += 1
    lam_k = lam[:n_keep]
    sq = vec[:, :n_keep] ** 2  # unit-norm eigenvectors: already scaled to unity sum
    assigned = np.argmax(sq * lam_k[None, :], axis=1)
    comp_share = lam_k / lam_k.sum()
    raw = sq[np.arange(keep.size), assigned] * comp_share[assigned]
    weights[keep] = raw
    return _normalise_scores(weights, who)


# ---------------------------------------------------------------------------------------------
# subjective and combined weights
# ---------------------------------------------------------------------------------------------


def ahp_weights(matrix: ArrayLike, *, tol: float = 1e-2) -> tuple[FloatArray, float, float]:
    """AHP weights from a pairwise comparison matrix, with Saaty's consistency ratio.

    .. math::

        A w = \\lambda_{\\max} w, \\qquad \\textstyle\\sum_j w_j = 1, \\qquad
        CI = \\frac{\\lambda_{\\max} - n}{n - 1}, \\qquad CR = CI / RI(n)

    where :math:`w` is the principal (Perron) eigenvector and :math:`RI(n)` is Saaty's random
    index (:data:`SAATY_RANDOM_INDEX`, n = 1..15). For :math:`n \\le 2` every reciprocal matrix
    is consistent and :math:`CR = 0`.

    Parameters
    ----------
    matrix : array_like, shape (n, n)
        Positive reciprocal matrix: :math:`a_{ij}` says how much more important criterion *i*
        is than *j* (Saaty's 1-9 scale), :math:`a_{ji} = 1/a_{ij}`, :math:`a_{ii} = 1`.
    tol : float, default 0.01
        Relative tolerance of the reciprocity check :math:`|a_{ij} a_{ji} - 1| \\le` tol, so that
        reciprocals typed with three decimals (0.333 for 1/3, 0.143 for 1/7) are accepted.

    Returns
    -------
    weights : ndarray of float64, shape (n,)
    consistency_ratio : float
        CR (clipped at 0 against rounding). Not checked against 0.1 here: the caller decides.
    lambda_max : float

    Raises
    ------
    MethodError
        If the matrix is not square, has a non-positive or non-finite entry, is not reciprocal
        (the message names the cell), or n > 15 (no tabulated random index).

    References
    ----------
    Saaty, T. L. (1980). *The Analytic Hierarchy Process*. McGraw-Hill, New York.
    Saaty, T. L. (2008). Decision making with the analytic hierarchy process. *International
    Journal of Services Sciences*, 1(1), 83-98.
    """
    who = "ahp_weights"
    a = np.asarray(matrix, dtype=np.float64)
    if a.ndim != 2 or a.shape[0] != a.shape[1] or a.shape[0] == 0:
        raise MethodError(
            f"{who}: the comparison matrix must be square and non-empty; got shape {a.shape}"
        )
    n = a.shape[0]
    if n > len(SAATY_RANDOM_INDEX):
        raise MethodError(
            f"{who}: {n} criteria compared at once; Saaty's random index is tabulated for at most "
            f"{len(SAATY_RANDOM_INDEX)} (split the criteria into groups)"
        )
    bad = ~np.isfinite(a) | (a <= 0)
    if bad.any():
        i, j = (int(v) for v in np.argwhere(bad)[0])
        raise MethodError(
            f"{who}: cell (row {i + 1}, column {j + 1}) is {float(a[i, j]):g}; entries must be "
            "finite and positive"
        )
    off = np.abs(a * a.T - 1.0) > tol
    if off.any():
        i, j = (int(v) for v in np.argwhere(off)[0])
        aij, aji = float(a[i, j]), float(a[j, i])
        raise MethodError(
            f"{who}: matrix is not reciprocal at cell (row {i + 1}, column {j + 1}) = {aij:g}: "
            f"cell (row {j + 1}, column {i + 1}) should be 1/{aij:g} = {1.0 / aij:.4g} "
            f"but is {aji:g}"
        )
    if n == 1:
        return np.ones(1, dtype=np.float64), 0.0, 1.0
    eigval, eigvec = np.linalg.eig(a)
    top = int(np.argmax(eigval.real))
    lambda_max = float(eigval[top].real)
    # The Perron vector has one sign; abs() removes the arbitrary sign LAPACK may return.
    principal = np.abs(eigvec[:, top].real)
    weights: FloatArray = principal / principal.sum()
    if n <= 2:
        return weights, 0.0, lambda_max
    ci = max(0.0, (lambda_max - n) / (n - 1))
    return weights, ci / SAATY_RANDOM_INDEX[n - 1], lambda_max


def combine_weights(
    subjective: ArrayLike,
    objective: ArrayLike,
    alpha: float = 0.5,
    method: Literal["linear", "multiplicative"] = "linear",
) -> FloatArray:
    """Combined (subjective + objective) weights, 组合赋权.

    Both inputs are first rescaled to sum 1 along the last axis. Then

    .. math::

        \\text{linear:}\\quad w_j = \\alpha s_j + (1 - \\alpha) o_j, \\qquad
        \\text{multiplicative:}\\quad w_j = \\frac{s_j o_j}{\\sum_k s_k o_k}

    Parameters
    ----------
    subjective, objective : array_like, shape (m,) or (R, m)
        Non-negative weights (broadcastable against each other), e.g. AHP and entropy.
    alpha : float, default 0.5
        Share of the subjective weights in the linear combination, in [0, 1]; ignored by the
        multiplicative method.
    method : {"linear", "multiplicative"}

    Returns
    -------
    ndarray of float64
        Combined weights summing to 1 along the last axis.

    Raises
    ------
    MethodError
        On negative or non-finite weights, a vector summing to 0, mismatched lengths, alpha
        outside [0, 1], an unknown method, or (multiplicative) no indicator with both weights
        positive.

    References
    ----------
    Ma, J., Fan, Z.-P. & Huang, L.-H. (1999). A subjective and objective integrated approach to
    determine attribute weights. *European Journal of Operational Research*, 112(2), 397-404.
    The multiplicative (乘法合成归一化) form is the normalised product used across the Chinese
    combination-weighting literature.
    """
    who = "combine_weights"
    s = _as_weight_vector(subjective, who, "subjective")
    o = _as_weight_vector(objective, who, "objective")
    if s.shape[-1] != o.shape[-1]:
        raise MethodError(
            f"{who}: subjective has {s.shape[-1]} weights but objective has {o.shape[-1]}"
        )
    if method == "linear":
        if not 0.0 <= alpha <= 1.0:
            raise MethodError(f"{who}: alpha must be in [0, 1]; got {alpha!r}")
        linear: FloatArray = alpha * s + (1.0 - alpha) * o
        return linear
    if method == "multiplicative":
        prod = s * o
        total = prod.sum(axis=-1, keepdims=True)
        if (total <= 0).any():
            raise MethodError(
                f"{who}: no indicator has both a positive subjective and a positive objective "
                "weight, so the multiplicative combination is undefined"
            )
        combined: FloatArray = prod / total
        return combined
    raise MethodError(f"{who}: unknown method {method!r}; expected 'linear' or 'multiplicative'")


def _as_weight_vector(w: ArrayLike, who: str, name: str) -> FloatArray:
    a = np.asarray(w, dtype=np.float64)
    if a.ndim not in (1, 2) or a.shape[-1] == 0:
        raise MethodError(f"{who}: {name} weights must have shape (m,) or (R, m); got {a.shape}")
    if not np.isfinite(a).all() or (a < 0).any():
        raise MethodError(f"{who}: {name} weights must be finite and >= 0")
    total = a.sum(axis=-1, keepdims=True)
    if (total <= 0).any():
        raise MethodError(f"{who}: {name} weights sum to 0")
    result: FloatArray = a / total
    return result


# Config names of the data-driven weighters; each is called as f(x, directions).
# "ahp", "combine", "framework" and "equal" need other inputs and are handled by the pipeline.
WEIGHTERS: dict[str, Callable[..., FloatArray]] = {
    "entropy": entropy_weights,
    "critic": critic_weights,
    "sd": sd_weights,
    "cv": cv_weights,
    "pca": pca_weights,
}
