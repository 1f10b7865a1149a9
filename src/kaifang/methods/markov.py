"""Markov chains of classes: how regions move between income (or score) classes over the years.

Conventions, pinned because they change the numbers:

- **Classes** are integers ``0..k-1`` (0 = lowest). Pre-binned data (a grade already given) are
  passed as such to :func:`transition_counts`; :func:`quantile_classes` bins continuous values.
- **Quantile classes** (:func:`quantile_classes`): cut points are the ``k``-quantiles of the
  values (NumPy's linear interpolation, as ``mapclassify.Quantiles``) taken per year or pooled
  over all years; a value equal to a cut point goes to the lower class (classes are closed on the
  right, as in PySAL). With ``ties="random"`` the classes are instead formed from ranks in which
  tied values are ordered by a seeded random draw, so that every class holds ``n/k`` units even
  when many values tie (the classic case: many units at a floor of 0).
- **Empty classes**: a class that no unit starts from has no observed transition. Its row of the
  probability matrix is NaN (nothing is known), unless ``fill_empty=True``, which makes it
  absorbing (1 on the diagonal) as PySAL's ``fill_empty_classes`` does.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import stats

from kaifang.errors import MethodError

__all__ = [
    "HomogeneityTest",
    "SpatialMarkov",
    "first_passage_times",
    "homogeneity_test",
    "quantile_classes",
    "spatial_markov",
    "steady_state",
    "transition_counts",
    "transition_probabilities",
]

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]


def _cuts(values: FloatArray, k: int) -> FloatArray:
    v = values[np.isfinite(values)]
    if v.size == 0:
        raise MethodError("quantile_classes: no finite value to classify")
    # the k-1 inner cut points: mapclassify.Quantiles' bins without the maximum
    cuts: FloatArray = np.percentile(v, 100.0 * np.arange(1, k) / k)
    return cuts


def quantile_classes(
    y: ArrayLike,
    k: int = 5,
    pooled: bool = False,
    ties: str = "upper",
    seed: int | None = 0,
) -> tuple[IntArray, FloatArray]:
    r"""Quantile classes of a panel ``y`` (n units, T years): class ``c`` of value ``v`` is the
    number of cut points strictly below ``v`` (cut points :math:`q_{j/k}`, ``j = 1..k-1``).

    ``pooled=False`` cuts each year at its own quantiles (relative position that year);
    ``pooled=True`` cuts all years at the quantiles of all values together (absolute levels, as
    PySAL's ``fixed=True``). ``ties="random"`` breaks ties among equal values by a random
    permutation drawn with ``seed`` and classes units by rank, so each class has ``n/k`` units.
    Missing values get class -1 (they start or end no transition).

    Returns the classes (n, T) and the cut points ((T, k-1), or (1, k-1) when pooled).

    References
    ----------
    Quah, D. T. (1993). Empirical cross-section dynamics in economic growth. European Economic
    Review 37(2-3), 426-434.
    """
    a = np.asarray(y, dtype=np.float64)
    if a.ndim == 1:
        a = a[:, None]
    if a.ndim != 2 or k < 2:
        raise MethodError(f"quantile_classes: y must be (units, years) and k >= 2; got {a.shape}")
    if ties not in ("upper", "random"):
        raise MethodError(f"quantile_classes: ties must be 'upper' or 'random'; got {ties!r}")
    finite = np.isfinite(a)
    out = np.full(a.shape, -1, dtype=np.int64)
    if ties == "random":
        rng = np.random.default_rng(seed)
        jitter = rng.random(a.shape)
        columns = [a.reshape(-1)] if pooled else [a[:, t] for t in range(a.shape[1])]
        jitters = [jitter.reshape(-1)] if pooled else [jitter[:, t] for t in range(a.shape[1])]
        classes = []
        for values, noise in zip(columns, jitters, strict=True):
            ok = np.isfinite(values)
            order = np.lexsort((noise[ok], values[ok]))
            rank = np.empty(ok.sum(), dtype=np.int64)
            rank[order] = np.arange(ok.sum())
            col = np.full(values.size, -1, dtype=np.int64)
            col[ok] = (rank * k) // max(int(ok.sum()), 1)
            classes.append(col)
        out = classes[0].reshape(a.shape) if pooled else np.column_stack(classes)
        cuts = (
            _cuts(a.reshape(-1), k)[None, :]
            if pooled
            else np.vstack([_cuts(a[:, t], k) for t in range(a.shape[1])])
        )
        return out, cuts
    if pooled:
        cuts = _cuts(a.reshape(-1), k)[None, :]
        out[finite] = np.searchsorted(cuts[0], a[finite], side="left")
        return out, cuts
    cuts = np.vstack([_cuts(a[:, t], k) for t in range(a.shape[1])])
    for t in range(a.shape[1]):
        ok = finite[:, t]
        out[ok, t] = np.searchsorted(cuts[t], a[ok, t], side="left")
    return out, cuts


def transition_counts(classes: ArrayLike, k: int | None = None, lag: int = 1) -> FloatArray:
    r"""Counts :math:`n_{ij}` of moves from class ``i`` in year ``t`` to class ``j`` in year
    ``t + lag``, pooled over all units and years. ``classes`` is (n, T) of integers ``0..k-1``
    (pre-binned or from :func:`quantile_classes`); negative values are missing.
    ``k`` defaults to the largest class + 1 (give it when the top class may be empty).
    """
    c = np.asarray(classes)
    if c.ndim != 2 or c.shape[1] <= lag:
        raise MethodError(f"transition_counts: classes must be (units, years > {lag})")
    if not np.issubdtype(c.dtype, np.integer):
        if not np.all(np.isnan(c) | (c == np.round(c))):
            raise MethodError("transition_counts: classes must be whole numbers 0..k-1")
        c = np.where(np.isnan(c), -1, c).astype(np.int64)
    k = int(c.max()) + 1 if k is None else k
    if c.max() >= k:
        raise MethodError(f"transition_counts: a class {int(c.max())} is not below k = {k}")
    start, end = c[:, :-lag].reshape(-1), c[:, lag:].reshape(-1)
    ok = (start >= 0) & (end >= 0)
    counts = np.bincount(start[ok] * k + end[ok], minlength=k * k).reshape(k, k)
    return counts.astype(np.float64)


def transition_probabilities(counts: ArrayLike, fill_empty: bool = False) -> FloatArray:
    r"""Maximum-likelihood transition probabilities :math:`p_{ij} = n_{ij}/\sum_j n_{ij}`.

    A row with no observation is NaN, or absorbing (identity row) with ``fill_empty=True``.
    Works on a stack (..., k, k).

    References
    ----------
    Anderson, T. W. and Goodman, L. A. (1957). Statistical inference about Markov chains.
    Annals of Mathematical Statistics 28(1), 89-110.
    """
    n = np.asarray(counts, dtype=np.float64)
    rows = n.sum(axis=-1, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        p: FloatArray = np.where(rows > 0, n / np.where(rows > 0, rows, 1.0), np.nan)
    if fill_empty:
        k = n.shape[-1]
        empty = np.broadcast_to(rows == 0, p.shape)
        p = np.where(empty, np.broadcast_to(np.eye(k), p.shape), p)
    return p


def steady_state(p: ArrayLike) -> FloatArray:
    r"""The stationary distribution :math:`\pi = \pi P`, :math:`\sum_i \pi_i = 1` (ergodic
    distribution: the long-run share of units in each class).

    Solved as the least-squares solution of :math:`(P' - I)\pi = 0` with the row of ones
    added. For a chain with several recurrent classes the solution is not unique and a
    :class:`MethodError` is raised; NaN rows (empty classes) must be filled first.

    References
    ----------
    Kemeny, J. G. and Snell, J. L. (1976). Finite Markov Chains. Springer, theorem 4.1.6.
    """
    m = np.asarray(p, dtype=np.float64)
    if not np.isfinite(m).all():
        raise MethodError("steady_state: P has empty (NaN) rows; use fill_empty=True")
    k = m.shape[0]
    a = np.vstack([m.T - np.eye(k), np.ones((1, k))])
    b = np.zeros(k + 1)
    b[-1] = 1.0
    if np.linalg.matrix_rank(a[:-1], tol=1e-10) < k - 1:
        raise MethodError("steady_state: the chain has several recurrent classes (no unique π)")
    pi, *_ = np.linalg.lstsq(a, b, rcond=None)
    pi = np.clip(pi, 0.0, None)
    out: FloatArray = pi / pi.sum()
    return out


def first_passage_times(p: ArrayLike) -> FloatArray:
    r"""Mean first passage times :math:`m_{ij}`: expected years for a unit in class ``i`` to
    reach class ``j`` for the first time; the diagonal holds the mean recurrence times
    :math:`1/\pi_i`.

    .. math:: Z = (I - P + \mathbf{1}\pi)^{-1},\qquad
              M = (I - Z + E\,Z_{dg})\,D,\quad D = \mathrm{diag}(1/\pi)

    (Kemeny and Snell's fundamental matrix; :math:`E` is all ones, :math:`Z_{dg}` the diagonal
    of :math:`Z`). Requires an ergodic chain.

    References
    ----------
    Kemeny, J. G. and Snell, J. L. (1976). Finite Markov Chains. Springer, theorem 4.4.7.
    """
    m = np.asarray(p, dtype=np.float64)
    pi = steady_state(m)
    if (pi <= 0).any():
        raise MethodError("first_passage_times: a class has steady-state share 0 (not ergodic)")
    k = m.shape[0]
    z = np.linalg.inv(np.eye(k) - m + np.outer(np.ones(k), pi))
    out: FloatArray = (np.eye(k) - z + np.outer(np.ones(k), np.diag(z))) @ np.diag(1.0 / pi)
    return out


@dataclass(frozen=True)
class HomogeneityTest:
    """Tests that the transition matrices of several regimes (periods, neighbourhoods) are one
    and the same: likelihood ratio ``lr`` and Pearson ``q`` statistics, both χ² with ``dof``."""

    lr: float
    lr_p: float
    q: float
    q_p: float
    dof: int


def homogeneity_test(counts: ArrayLike) -> HomogeneityTest:
    r"""Homogeneity of ``R`` transition count matrices ``counts`` (R, k, k) (Bickenbach and
    Bode 2003). With :math:`p_{ij}` the pooled and :math:`p_{r,ij}` the regime probabilities,
    :math:`n_{r,i}` the regime's row totals:

    .. math:: Q = \sum_r\sum_i\sum_{j:\,p_{ij}>0} n_{r,i}\frac{(p_{r,ij}-p_{ij})^2}{p_{ij}},\qquad
              LR = 2\sum_r\sum_i\sum_{j:\,p_{r,ij}>0} n_{r,ij}\ln\frac{p_{r,ij}}{p_{ij}}

    χ² with :math:`\sum_i (a_i - 1)(b_i - 1)` degrees of freedom, :math:`a_i` the number of
    regimes with observations in row ``i`` and :math:`b_i` the number of positive :math:`p_{ij}`
    (empty cells carry no information). Reproduces PySAL giddy's ``Spatial_Markov`` Q, LR and
    ``dof_hom``.

    References
    ----------
    Bickenbach, F. and Bode, E. (2003). Evaluating the Markov property in studies of economic
    convergence. International Regional Science Review 26(3), 363-392.
    """
    n = np.asarray(counts, dtype=np.float64)
    if n.ndim != 3 or n.shape[1] != n.shape[2]:
        raise MethodError(f"homogeneity_test: counts must be (regimes, k, k); got {n.shape}")
    pooled = n.sum(axis=0)
    p = transition_probabilities(pooled)
    pr = transition_probabilities(n)
    rows_r = n.sum(axis=2)  # (R, k)
    with np.errstate(invalid="ignore", divide="ignore"):
        q_terms = rows_r[:, :, None] * (np.nan_to_num(pr) - p) ** 2 / p
        lr_terms = n * np.log(pr / p)
    q_stat = float(np.nansum(np.where((p > 0) & (rows_r[:, :, None] > 0), q_terms, 0.0)))
    lr_stat = float(2.0 * np.nansum(np.where(n > 0, lr_terms, 0.0)))
    a = (rows_r > 0).sum(axis=0)
    b = (np.nan_to_num(p) > 0).sum(axis=1)
    dof = int(np.sum(np.where((a > 0) & (b > 0), (a - 1) * (b - 1), 0)))
    lr_p = float(stats.chi2.sf(lr_stat, dof)) if dof > 0 else float("nan")
    q_p = float(stats.chi2.sf(q_stat, dof)) if dof > 0 else float("nan")
    return HomogeneityTest(lr=lr_stat, lr_p=lr_p, q=q_stat, q_p=q_p, dof=dof)


@dataclass(frozen=True)
class SpatialMarkov:
    """Transition matrices conditioned on the neighbours' class at the start of each move.

    ``counts[m]`` / ``p[m]`` are the (k, k) counts and probabilities for units whose spatial
    lag was in class ``m``; ``cutoffs`` and ``lag_cutoffs`` the class cut points;
    ``steady_states[m]`` the stationary distribution of ``p[m]`` (NaN when not unique);
    ``homogeneity`` the test that all ``p[m]`` equal the pooled matrix.
    """

    classes: IntArray
    lag_classes: IntArray
    cutoffs: FloatArray
    lag_cutoffs: FloatArray
    counts: FloatArray
    p: FloatArray
    pooled_p: FloatArray
    steady_states: FloatArray
    homogeneity: HomogeneityTest


def spatial_markov(
    y: ArrayLike,
    lag: ArrayLike,
    k: int = 5,
    m: int = 5,
    pooled: bool = True,
    fill_empty: bool = False,
) -> SpatialMarkov:
    r"""Spatial Markov chain (Rey 2001): classical transitions split by the class of the spatial
    lag :math:`\sum_j w_{ij} y_{jt}` at the start of the move.

    ``y`` and its spatial lag ``lag`` are (n, T) (see :func:`kaifang.methods.spatial.spatial_lag`
    with row-standardised weights); classes are quantiles of all years pooled (``pooled=True``,
    PySAL's ``fixed=True``) or of each year. Reproduces giddy's ``Spatial_Markov`` cut points,
    matrices and homogeneity test.

    References
    ----------
    Rey, S. J. (2001). Spatial empirics for economic growth and convergence. Geographical
    Analysis 33(3), 195-214.
    """
    a = np.asarray(y, dtype=np.float64)
    lg = np.asarray(lag, dtype=np.float64)
    if a.shape != lg.shape or a.ndim != 2:
        raise MethodError(f"spatial_markov: y and lag must both be (units, years); got {a.shape}")
    classes, cuts = quantile_classes(a, k, pooled=pooled)
    lag_classes, lag_cuts = quantile_classes(lg, m, pooled=pooled)
    start, end = classes[:, :-1].reshape(-1), classes[:, 1:].reshape(-1)
    regime = lag_classes[:, :-1].reshape(-1)
    ok = (start >= 0) & (end >= 0) & (regime >= 0)
    flat = (regime[ok] * k + start[ok]) * k + end[ok]
    counts = np.bincount(flat, minlength=m * k * k).reshape(m, k, k).astype(np.float64)
    p = transition_probabilities(counts, fill_empty=fill_empty)
    states = np.full((m, k), np.nan)
    for r in range(m):
        # reducible or empty classes: no unique long-run distribution, the row stays NaN
        with contextlib.suppress(MethodError):
            states[r] = steady_state(p[r])
    return SpatialMarkov(
        classes=classes,
        lag_classes=lag_classes,
        cutoffs=cuts,
        lag_cutoffs=lag_cuts,
        counts=counts,
        p=p,
        pooled_p=transition_probabilities(counts.sum(axis=0), fill_empty=fill_empty),
        steady_states=states,
        homogeneity=homogeneity_test(counts),
    )
