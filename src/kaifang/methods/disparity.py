"""Inequality across regions: Dagum's Gini decomposition, Theil indices, CV and Williamson's CV.

Every function takes one cross-section (one year) of values ``y`` (n,) of a strictly positive
quantity (a score, per-capita income, ...) and, where it applies, group labels ``groups`` (n,)
of small non-negative integers (the region of each unit) and population weights.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from kaifang.errors import MethodError

__all__ = [
    "DagumGini",
    "TheilDecomposition",
    "coefficient_of_variation",
    "dagum_gini",
    "gini",
    "theil",
    "williamson_cv",
]

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]


def _positive_values(y: ArrayLike, who: str, allow_zero: bool = True) -> FloatArray:
    a = np.asarray(y, dtype=np.float64)
    if a.ndim != 1 or a.size == 0:
        raise MethodError(f"{who}: y must be a non-empty 1-D array; got shape {a.shape}")
    if not np.isfinite(a).all():
        raise MethodError(f"{who}: y has a missing or infinite value (drop those units first)")
    if (a < 0).any() or (not allow_zero and (a <= 0).any()):
        bound = ">= 0" if allow_zero else "> 0"
        raise MethodError(f"{who}: every value must be {bound}; found {a.min():g}")
    if a.sum() <= 0:
        raise MethodError(f"{who}: the values sum to 0; inequality is undefined")
    return a


def _group_codes(groups: ArrayLike, n: int, who: str) -> tuple[IntArray, int]:
    g = np.asarray(groups)
    if g.shape != (n,):
        raise MethodError(f"{who}: groups must have shape ({n},); got {g.shape}")
    _, codes = np.unique(g, return_inverse=True)
    return codes.astype(np.int64), int(codes.max()) + 1


def _pair_sums(a: FloatArray, b: FloatArray) -> tuple[float, float]:
    """(sum over pairs of max(a_i - b_r, 0), sum over pairs of max(b_r - a_i, 0)) in
    O((n_a + n_b) log n_b), from the sorted ``b`` and its prefix sums."""
    bs = np.sort(b)
    prefix = np.concatenate(([0.0], np.cumsum(bs)))
    below = np.searchsorted(bs, a, side="left")  # b_r < a_i
    d = float(np.sum(below * a - prefix[below]))
    # max(b-a,0) - max(a-b,0) = b - a summed over all pairs
    p = d + float(a.size * bs.sum() - bs.size * a.sum())
    return d, max(p, 0.0)


def gini(y: ArrayLike) -> float:
    r"""Gini coefficient in mean-absolute-difference form.

    .. math:: G = \frac{\sum_i \sum_r |y_i - y_r|}{2 n^2 \bar y}

    Equals ``inequality.gini.Gini`` of PySAL (population form, no small-sample correction).

    References
    ----------
    Dagum, C. (1997). A new approach to the decomposition of the Gini income inequality ratio.
    Empirical Economics 22(4), 515-531.
    """
    a = _positive_values(y, "gini")
    d, p = _pair_sums(a, a)
    return float((d + p) / (2.0 * a.size**2 * a.mean()))


@dataclass(frozen=True)
class DagumGini:
    """Dagum's decomposition ``gini = within + between + transvariation``.

    ``group_gini[j]`` is G_jj, ``pair_gini[j, h]`` is G_jh (symmetric, diagonal = G_jj),
    ``affluence[j, h]`` is D_jh (antisymmetric: D_hj = -D_jh; 0 on the diagonal), ``share_units``
    p_j, ``share_values`` s_j, ``means`` the group means; groups in the order of
    ``numpy.unique(groups)``. ``contribution_*`` are the three parts as shares of the total.
    """

    gini: float
    within: float
    between: float
    transvariation: float
    group_gini: FloatArray
    pair_gini: FloatArray
    affluence: FloatArray
    share_units: FloatArray
    share_values: FloatArray
    means: FloatArray


def dagum_gini(y: ArrayLike, groups: ArrayLike) -> DagumGini:
    r"""Dagum's (1997) Gini coefficient decomposed by subgroup.

    With :math:`k` groups of sizes :math:`n_j`, means :math:`\bar y_j`, overall mean
    :math:`\bar y`, :math:`p_j = n_j/n` and :math:`s_j = n_j \bar y_j/(n \bar y)`:

    .. math::

        G = \frac{\sum_j\sum_h\sum_i\sum_r |y_{ji}-y_{hr}|}{2n^2\bar y},\quad
        G_{jj} = \frac{\sum_i\sum_r |y_{ji}-y_{jr}|}{2n_j^2\bar y_j},\quad
        G_{jh} = \frac{\sum_i\sum_r |y_{ji}-y_{hr}|}{n_j n_h(\bar y_j+\bar y_h)}

        G_w = \sum_j G_{jj}\,p_j s_j,\quad
        G_{nb} = \sum_{j<h} G_{jh}(p_j s_h + p_h s_j) |D_{jh}|,\quad
        G_t = \sum_{j<h} G_{jh}(p_j s_h + p_h s_j)(1-|D_{jh}|)

    The relative economic affluence is :math:`D_{jh} = (d_{jh}-p_{jh})/(d_{jh}+p_{jh})` with
    :math:`d_{jh}` the mean over pairs of :math:`\max(y_{ji}-y_{hr}, 0)` and :math:`p_{jh}` that
    of :math:`\max(y_{hr}-y_{ji}, 0)`. Dagum orders the groups so that :math:`\bar y_j \ge \bar
    y_h`, which makes :math:`D_{jh} \ge 0`; using :math:`|D_{jh}|` is the same without the
    reordering. :math:`G = G_w + G_{nb} + G_t` holds exactly (up to rounding), and
    :math:`G_t = 0` when the groups do not overlap. Pairwise sums are computed from sorted
    values and prefix sums, in :math:`O(n \log n)`.

    Two groups with equal values throughout (``d + p = 0``) get :math:`D_{jh} = 0`.

    References
    ----------
    Dagum, C. (1997). A new approach to the decomposition of the Gini income inequality ratio.
    Empirical Economics 22(4), 515-531.
    """
    a = _positive_values(y, "dagum_gini")
    codes, k = _group_codes(groups, a.size, "dagum_gini")
    n = a.size
    members = [a[codes == j] for j in range(k)]
    sizes = np.array([m.size for m in members], dtype=np.float64)
    means = np.array([m.mean() for m in members])
    mu = a.mean()
    p_share = sizes / n
    s_share = sizes * means / (n * mu)
    pair = np.zeros((k, k))
    affluence = np.zeros((k, k))
    total_abs = 0.0
    within = between = trans = 0.0
    for j in range(k):
        for h in range(j, k):
            d, p = _pair_sums(members[j], members[h])
            both = d + p
            if j == h:
                pair[j, j] = both / (2.0 * sizes[j] ** 2 * means[j])
                within += pair[j, j] * p_share[j] * s_share[j]
                total_abs += both
                continue
            total_abs += 2.0 * both
            g_jh = both / (sizes[j] * sizes[h] * (means[j] + means[h]))
            pair[j, h] = pair[h, j] = g_jh
            dj = (d - p) / both if both > 0 else 0.0
            affluence[j, h], affluence[h, j] = dj, -dj
            weight = g_jh * (p_share[j] * s_share[h] + p_share[h] * s_share[j])
            between += weight * abs(dj)
            trans += weight * (1.0 - abs(dj))
    return DagumGini(
        gini=total_abs / (2.0 * n**2 * mu),
        within=within,
        between=between,
        transvariation=trans,
        group_gini=np.diag(pair).copy(),
        pair_gini=pair,
        affluence=affluence,
        share_units=p_share,
        share_values=s_share,
        means=means,
    )


@dataclass(frozen=True)
class TheilDecomposition:
    """Theil T (GE(1)) and L (GE(0), mean log deviation) with their between/within parts.

    ``group_t`` and ``group_l`` are the indices inside each group (order of ``numpy.unique``).
    """

    theil_t: float
    between_t: float
    within_t: float
    theil_l: float
    between_l: float
    within_l: float
    group_t: FloatArray
    group_l: FloatArray


def _theil_parts(
    y_share: FloatArray, p_share: FloatArray
) -> tuple[float, float]:  # T and L of shares that each sum to 1
    t = float(np.sum(y_share * np.log(y_share / p_share)))
    ell = float(np.sum(p_share * np.log(p_share / y_share)))
    return t, ell


def theil(
    y: ArrayLike, groups: ArrayLike | None = None, population: ArrayLike | None = None
) -> TheilDecomposition:
    r"""Theil's T and L indices, population-weighted, decomposed into between and within groups.

    ``y`` is a per-unit level (e.g. per-capita income or a score) and ``population`` the units'
    weights (default 1 each: every unit counts once). With :math:`Y_i = y_i P_i` the unit totals,
    shares :math:`s_i = Y_i/Y` and :math:`q_i = P_i/P`:

    .. math::

        T = \sum_i s_i \ln\frac{s_i}{q_i},\qquad L = \sum_i q_i \ln\frac{q_i}{s_i}

        T = \underbrace{\sum_g s_g \ln\frac{s_g}{q_g}}_{between} +
            \underbrace{\sum_g s_g T_g}_{within},\qquad
        L = \sum_g q_g \ln\frac{q_g}{s_g} + \sum_g q_g L_g

    with :math:`s_g, q_g` the group shares and :math:`T_g, L_g` the indices inside group
    :math:`g`. Values must be > 0 (a log of 0 is undefined). Without groups the between part is 0
    and the within part the whole index. Unweighted, T equals ``inequality.theil.Theil`` and
    the decomposition ``inequality.theil.TheilD`` of PySAL.

    References
    ----------
    Theil, H. (1967). Economics and Information Theory. North-Holland.
    Shorrocks, A. F. (1980). The class of additively decomposable inequality measures.
    Econometrica 48(3), 613-625.
    """
    a = _positive_values(y, "theil", allow_zero=False)
    n = a.size
    pop = np.ones(n) if population is None else np.asarray(population, dtype=np.float64)
    if pop.shape != (n,) or not np.isfinite(pop).all() or (pop <= 0).any():
        raise MethodError(f"theil: population must be {n} finite values > 0")
    codes, k = (
        (np.zeros(n, dtype=np.int64), 1) if groups is None else _group_codes(groups, n, "theil")
    )
    total = a * pop
    s = total / total.sum()
    q = pop / pop.sum()
    theil_t, theil_l = _theil_parts(s, q)
    s_g: FloatArray = np.bincount(codes, weights=s, minlength=k).astype(np.float64)
    q_g: FloatArray = np.bincount(codes, weights=q, minlength=k).astype(np.float64)
    between_t, between_l = _theil_parts(s_g, q_g)
    t_terms = s * np.log((s / s_g[codes]) / (q / q_g[codes]))
    l_terms = q * np.log((q / q_g[codes]) / (s / s_g[codes]))
    group_t: FloatArray = np.bincount(codes, weights=t_terms, minlength=k) / s_g
    group_l: FloatArray = np.bincount(codes, weights=l_terms, minlength=k) / q_g
    return TheilDecomposition(
        theil_t=theil_t,
        between_t=between_t,
        within_t=float(np.sum(s_g * group_t)),
        theil_l=theil_l,
        between_l=between_l,
        within_l=float(np.sum(q_g * group_l)),
        group_t=group_t,
        group_l=group_l,
    )


def coefficient_of_variation(y: ArrayLike) -> float:
    r"""Coefficient of variation :math:`CV = \sigma / \bar y` with the population standard
    deviation :math:`\sigma = \sqrt{\sum_i (y_i-\bar y)^2 / n}` (``ddof=0``).

    References
    ----------
    Sala-i-Martin, X. (1996). The classical approach to convergence analysis. The Economic
    Journal 106(437), 1019-1036 (dispersion measures for σ-convergence).
    """
    a = _positive_values(y, "coefficient_of_variation")
    return float(a.std() / a.mean())


def williamson_cv(y: ArrayLike, population: ArrayLike) -> float:
    r"""Williamson's population-weighted coefficient of variation.

    .. math:: V_w = \frac{1}{\bar y}\sqrt{\sum_i \frac{P_i}{P} (y_i - \bar y)^2},\qquad
              \bar y = \sum_i \frac{P_i}{P} y_i

    with :math:`y_i` the per-capita level of region :math:`i`, :math:`P_i` its population and
    :math:`\bar y` the national per-capita level (the population-weighted mean).

    References
    ----------
    Williamson, J. G. (1965). Regional inequality and the process of national development.
    Economic Development and Cultural Change 13(4), 1-84.
    """
    a = _positive_values(y, "williamson_cv")
    pop = np.asarray(population, dtype=np.float64)
    if pop.shape != a.shape or not np.isfinite(pop).all() or (pop <= 0).any():
        raise MethodError(f"williamson_cv: population must be {a.size} finite values > 0")
    q = pop / pop.sum()
    mean = float(np.sum(q * a))
    return float(np.sqrt(np.sum(q * (a - mean) ** 2)) / mean)
