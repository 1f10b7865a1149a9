"""MCDA aggregators: combine a parent's children across all units of one cross-section.

Unlike the means in :mod:`kaifang.methods.aggregate`, a unit's score here depends on the other
units (ideal points, pairwise contests), so ``x`` must hold one cross-section (e.g. one year).

Shapes: ``x`` is (n, k), children values already oriented so that more is better; ``w`` is
(k,) or a stack (R, k) of non-negative weights; results are (n,) or (R, n), higher = better.
NaN cells are handled per method (documented in each function); a row with no present child
scores NaN.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray

from kaifang.errors import MethodError
from kaifang.methods.aggregate import _as_weight_stack

__all__ = [
    "MCDA",
    "copeland",
    "grey_relational_grade",
    "topsis",
    "vikor",
    "vikor_score",
]

FloatArray = NDArray[np.float64]

# Cells processed at once in the (block, n, k) arrays of VIKOR and Copeland (~32 MB of float64).
_BLOCK_CELLS = 4_000_000


def _as_matrix(x: ArrayLike, who: str) -> tuple[FloatArray, NDArray[np.bool_]]:
    a = np.asarray(x, dtype=np.float64)
    if a.ndim != 2 or a.shape[0] == 0 or a.shape[1] == 0:
        raise MethodError(
            f"{who}: x must be a non-empty 2-D array (units x children); got shape {a.shape}"
        )
    if np.isinf(a).any():
        col = int(np.nonzero(np.isinf(a).any(axis=0))[0][0])
        raise MethodError(f"{who}: child column {col} contains an infinite value")
    return a, ~np.isnan(a)


def _column_extremes(a: FloatArray, present: NDArray[np.bool_]) -> tuple[FloatArray, FloatArray]:
    """Column max and min over present cells; an all-missing column gets 0 for both."""
    any_col = present.any(axis=0)
    hi = np.where(any_col, np.max(np.where(present, a, -np.inf), axis=0), 0.0)
    lo = np.where(any_col, np.min(np.where(present, a, np.inf), axis=0), 0.0)
    return hi, lo


def _shape_out(out: FloatArray, single: bool) -> FloatArray:
    """(n, R) -> (n,) for a single weight vector, else (R, n)."""
    result: FloatArray = out[:, 0] if single else out.T
    return result


def topsis(
    x: ArrayLike, w: ArrayLike, *, normalisation: Literal["none", "vector", "minmax"] = "vector"
) -> FloatArray:
    """TOPSIS relative closeness to the ideal solution.

    .. math::

        r_{ij} &= x_{ij} / \\sqrt{\\textstyle\\sum_i x_{ij}^2} \\;\\text{(vector)}
        \\quad\\text{or}\\quad (x_{ij} - \\min_i x_{ij}) / (\\max_i x_{ij} - \\min_i x_{ij})
        \\;\\text{(minmax)}
        \\quad\\text{or}\\quad x_{ij} \\;\\text{(none)}

        v_{ij} &= w_j r_{ij}, \\qquad v^+_j = \\max_i v_{ij}, \\qquad v^-_j = \\min_i v_{ij}

        D^\\pm_i &= \\sqrt{\\textstyle\\sum_j (v_{ij} - v^\\pm_j)^2}, \\qquad
        C_i = \\frac{D^-_i}{D^+_i + D^-_i}

    Weights are applied before the distances (architecture.md#conventions). Because
    :math:`w_j \\ge 0`,
    :math:`v^+_j = w_j \\max_i r_{ij}`, so the distances for a whole stack of weight vectors are
    two matrix products with :math:`w_j^2`.

    Parameters
    ----------
    x : array_like, shape (n, k)
        Benefit-oriented values (cost criteria negated or reversed by the caller; under vector
        normalisation negating a cost column reproduces classical TOPSIS exactly).
    w : array_like, shape (k,) or (R, k)
        Non-negative weights; their overall scale does not affect C.
    normalisation : {"vector", "minmax", "none"}
        Column normalisation applied before weighting. ``"none"`` weights the values as given:
        熵权TOPSIS as SPSSAU and most applied papers compute it, on data already normalised
        (oriented min-max) by the caller, which is also what pymcdm's ``TOPSIS()`` does by
        default (its min-max leaves columns that already span [0, 1] unchanged).

    Returns
    -------
    ndarray of float64, shape (n,) or (R, n)
        Closeness :math:`C \\in [0, 1]`, 1 = at the ideal.

    Notes
    -----
    Degenerate rows: if :math:`D^+_i = D^-_i = 0` (the unit equals both ideal and anti-ideal on
    every weighted present criterion, e.g. all units identical) then :math:`C_i = 0.5`, the
    neutral value, never NaN. A column whose norm or range is 0 contributes nothing.
    Missing cells: a unit's distances use only its present columns (both :math:`D^+` and
    :math:`D^-` lose the same criteria, so C compares like with like); the ideal and norms are
    nan-aware column statistics. A row with no present value gets NaN.

    References
    ----------
    Hwang, C.-L. & Yoon, K. (1981). *Multiple Attribute Decision Making: Methods and
    Applications*. Springer, Berlin. Kizielewicz, B., Shekhovtsov, A. & Sałabun, W. (2023).
    pymcdm: the universal library for solving multi-criteria decision-making problems.
    *SoftwareX* 22, 101368.
    """
    who = "topsis"
    a, present = _as_matrix(x, who)
    stack, single = _as_weight_stack(w, a.shape[1], who)
    filled = np.where(present, a, 0.0)
    if normalisation == "vector":
        # x / ||x|| computed as (x / max|x|) / ||x / max|x|||: squares of tiny values (1e-162)
        # would underflow and of huge ones overflow (the same scaling as LAPACK's dnrm2)
        peak = np.abs(filled).max(axis=0)
        unit = filled / np.where(peak > 0, peak, 1.0)
        norm = np.sqrt((unit * unit).sum(axis=0))
        r = np.where(norm > 0, unit / np.where(norm > 0, norm, 1.0), 0.0)
    elif normalisation == "minmax":
        hi, lo = _column_extremes(a, present)
        rng = hi - lo
        r = np.where(rng > 0, (filled - lo) / np.where(rng > 0, rng, 1.0), 0.0)
    elif normalisation == "none":
        r = filled
    else:
        raise MethodError(
            f"{who}: unknown normalisation {normalisation!r}; use 'none', 'vector' or 'minmax'"
        )
    r = np.where(present, r, 0.0)
    r_hi, r_lo = _column_extremes(r, present)
    w2 = (stack * stack).T
    d_plus = np.sqrt(np.where(present, (r - r_hi) ** 2, 0.0) @ w2)
    d_minus = np.sqrt(np.where(present, (r - r_lo) ** 2, 0.0) @ w2)
    total = d_plus + d_minus
    closeness = np.where(total > 0, d_minus / np.where(total > 0, total, 1.0), 0.5)
    closeness = np.where((present.sum(axis=1) > 0)[:, None], closeness, np.nan)
    return _shape_out(closeness, single)


def vikor(
    x: ArrayLike, w: ArrayLike, *, v: float = 0.5
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """VIKOR group utility S, individual regret R and compromise index Q (lower = better).

    .. math::

        t_{ij} &= \\frac{f^*_j - x_{ij}}{f^*_j - f^-_j}, \\quad f^*_j = \\max_i x_{ij},
        \\quad f^-_j = \\min_i x_{ij}

        S_i &= \\textstyle\\sum_j w_j t_{ij}, \\qquad R_i = \\max_j w_j t_{ij}

        Q_i &= v \\frac{S_i - S^*}{S^- - S^*} + (1 - v) \\frac{R_i - R^*}{R^- - R^*},
        \\quad S^* = \\min_i S_i,\\; S^- = \\max_i S_i \\;(\\text{same for } R)

    with weights rescaled to sum 1.

    Parameters
    ----------
    x : array_like, shape (n, k)
        Benefit-oriented values.
    w : array_like, shape (k,) or (R, k)
    v : float, default 0.5
        Weight of the "majority of criteria" strategy, in [0, 1].

    Returns
    -------
    S, R, Q : ndarray of float64, each (n,) or (R, n)

    Notes
    -----
    Degenerate denominators are handled, never NaN: a constant column
    (:math:`f^*_j = f^-_j`) has :math:`t_{ij} = 0` for every unit (no regret on it); if all units
    share the same S (:math:`S^- = S^*`) the S part of Q is 0, likewise for R, so Q then lies in
    :math:`[0, 1 - v]` or :math:`[0, v]` (all units identical: Q = 0).
    Missing cells: each unit's weights are rescaled over its present columns, so S and R are
    computed on what is known (a missing cell is neither regret nor credit). A row with no
    present value, or whose present columns all have weight 0, gets NaN and is left out of
    :math:`S^*, S^-, R^*, R^-`.

    References
    ----------
    Opricovic, S. & Tzeng, G.-H. (2004). Compromise solution by MCDM methods: a comparative
    analysis of VIKOR and TOPSIS. *European Journal of Operational Research*, 156(2), 445-455.
    """
    who = "vikor"
    if not 0.0 <= v <= 1.0:
        raise MethodError(f"{who}: v must be in [0, 1]; got {v!r}")
    a, present = _as_matrix(x, who)
    stack, single = _as_weight_stack(w, a.shape[1], who)
    stack = stack / stack.sum(axis=1, keepdims=True)
    n, k = a.shape
    hi, lo = _column_extremes(a, present)
    rng = hi - lo
    shortfall = hi - np.where(present, a, hi)
    t = np.where(present & (rng > 0), shortfall / np.where(rng > 0, rng, 1.0), 0.0)
    mask = present.astype(np.float64)
    w_present = mask @ stack.T  # (n, R): weight mass on each unit's present columns
    row_ok = present.sum(axis=1) > 0
    usable = row_ok[:, None] & (w_present > 0)
    scale = np.where(usable, 1.0 / np.where(usable, w_present, 1.0), np.nan)
    s_val = (t @ stack.T) * scale
    r_val = np.empty_like(s_val)
    step = max(1, _BLOCK_CELLS // max(1, n * k))
    for start in range(0, stack.shape[0], step):
        block = stack[start : start + step]  # (b, k)
        r_val[:, start : start + step] = np.max(t[None, :, :] * block[:, None, :], axis=2).T
    r_val = r_val * scale

    def _spread(val: FloatArray) -> FloatArray:
        fin = ~np.isnan(val)
        best = np.min(np.where(fin, val, np.inf), axis=0)
        worst = np.max(np.where(fin, val, -np.inf), axis=0)
        span = worst - best
        ok = np.isfinite(span) & (span > 0)
        part: FloatArray = np.where(ok, (val - best) / np.where(ok, span, 1.0), 0.0)
        return np.where(fin, part, np.nan)

    q_val = v * _spread(s_val) + (1.0 - v) * _spread(r_val)
    return _shape_out(s_val, single), _shape_out(r_val, single), _shape_out(q_val, single)


def vikor_score(x: ArrayLike, w: ArrayLike, v: float = 0.5) -> FloatArray:
    """VIKOR as a higher-is-better score: :math:`1 - Q` (see :func:`vikor`).

    Parameters
    ----------
    x : array_like, shape (n, k)
    w : array_like, shape (k,) or (R, k)
    v : float, default 0.5

    Returns
    -------
    ndarray of float64, shape (n,) or (R, n), in [0, 1]

    References
    ----------
    Opricovic, S. & Tzeng, G.-H. (2004), *EJOR* 156(2), 445-455.
    """
    q = vikor(x, w, v=v)[2]
    score: FloatArray = 1.0 - q
    return score


def grey_relational_grade(x: ArrayLike, w: ArrayLike, *, rho: float = 0.5) -> FloatArray:
    """Grey relational grade of each unit to the ideal (column-maximum) reference sequence.

    .. math::

        \\Delta_{ij} &= |x_{0j} - x_{ij}|, \\quad x_{0j} = \\max_i x_{ij}

        \\xi_{ij} &= \\frac{\\Delta_{\\min} + \\rho\\,\\Delta_{\\max}}
                          {\\Delta_{ij} + \\rho\\,\\Delta_{\\max}},
        \\qquad \\gamma_i = \\textstyle\\sum_j w_j \\xi_{ij}

    with :math:`\\Delta_{\\min}, \\Delta_{\\max}` taken over all units and criteria, and weights
    summing to 1. The grade is the weighted sum; it is *not* divided by the number of units
    (architecture.md#conventions).

    Parameters
    ----------
    x : array_like, shape (n, k)
        Benefit-oriented values, normalised to a common scale by the caller (the global
        :math:`\\Delta_{\\max}` mixes criteria).
    w : array_like, shape (k,) or (R, k)
    rho : float, default 0.5
        Distinguishing coefficient, in (0, 1].

    Returns
    -------
    ndarray of float64, shape (n,) or (R, n), in (0, 1]

    Notes
    -----
    If every present value equals its column maximum (:math:`\\Delta_{\\max} = 0`, e.g. all units
    identical) every :math:`\\xi_{ij} = 1` and every grade is 1. Missing cells: each unit's
    weights are rescaled over its present columns (as in the weighted means); a row with no
    present value, or whose present columns all have weight 0, gets NaN.

    References
    ----------
    Deng, J.-L. (1989). Introduction to grey system theory. *The Journal of Grey System*, 1(1),
    1-24.
    """
    who = "grey_relational_grade"
    if not 0.0 < rho <= 1.0:
        raise MethodError(f"{who}: rho must be in (0, 1]; got {rho!r}")
    a, present = _as_matrix(x, who)
    stack, single = _as_weight_stack(w, a.shape[1], who)
    hi, _ = _column_extremes(a, present)
    delta = np.where(present, np.abs(hi - np.where(present, a, hi)), 0.0)
    if present.any():
        d_min = float(np.min(np.where(present, delta, np.inf)))
        d_max = float(np.max(delta))
    else:
        d_min = d_max = 0.0
    # All values at their column maximum: every unit coincides with the reference, xi = 1.
    xi = (d_min + rho * d_max) / (delta + rho * d_max) if d_max > 0 else np.ones_like(delta)
    mask = present.astype(np.float64)
    num = np.where(present, xi, 0.0) @ stack.T
    den = mask @ stack.T
    ok = (present.sum(axis=1) > 0)[:, None] & (den > 0)
    grade = np.where(ok, num / np.where(ok, den, 1.0), np.nan)
    return _shape_out(grade, single)


def copeland(x: ArrayLike, w: ArrayLike) -> FloatArray:
    """Weighted Copeland score: pairwise contests won minus contests lost.

    Unit *a* beats unit *b* when the weight of the criteria on which *a* is strictly better
    exceeds the weight of those on which *b* is strictly better:

    .. math::

        \\delta_{ab} = \\textstyle\\sum_j w_j \\operatorname{sign}(x_{aj} - x_{bj}), \\qquad
        \\text{score}_a = \\#\\{b : \\delta_{ab} > 0\\} - \\#\\{b : \\delta_{ab} < 0\\}

    Parameters
    ----------
    x : array_like, shape (n, k)
        Benefit-oriented values.
    w : array_like, shape (k,) or (R, k)

    Returns
    -------
    ndarray of float64, shape (n,) or (R, n)
        Scores in :math:`[-(n-1), n-1]` (whole numbers).

    Notes
    -----
    Without missing values this is COINr's ``a_copeland``: its outranking matrix
    :math:`\\sum_j w_j [x_{aj} > x_{bj}] + \\tfrac12 \\sum_j w_j [x_{aj} = x_{bj}]` (weights summing
    to 1) exceeds 0.5 exactly when :math:`\\delta_{ab} > 0`, equals 0.5 on a tie (0 points).
    With missing values a criterion counts for a pair only when both units have it; COINr
    instead fills the lower triangle as one minus the upper one, which credits missing
    criteria to the unit listed later, so the two differ there by design. Weighted sums
    within :math:`10^{-12}` of each other are ties (floating-point noise is not a win).
    A row with no present value gets NaN and ties with every other unit.
    Pairs are processed in row blocks, so memory stays bounded for thousands of units.

    References
    ----------
    Copeland, A. H. (1951). A "reasonable" social welfare function. Seminar on Mathematics in
    Social Sciences, University of Michigan.
    Becker, W. et al. (2022). COINr: an R package for developing composite indicators.
    *Journal of Open Source Software*, 7(78), 4567 (``a_copeland``, ``outrankMatrix``).
    """
    who = "copeland"
    a, present = _as_matrix(x, who)
    stack, single = _as_weight_stack(w, a.shape[1], who)
    stack = stack / stack.sum(axis=1, keepdims=True)
    n, k = a.shape
    scores = np.zeros((n, stack.shape[0]), dtype=np.float64)
    step = max(1, _BLOCK_CELLS // max(1, n * k))
    w_t = stack.T
    for start in range(0, n, step):
        rows = a[start : start + step]  # (b, k)
        diff = rows[:, None, :] - a[None, :, :]  # (b, n, k); NaN where either is missing
        signs = np.nan_to_num(np.sign(diff), nan=0.0)
        delta = (signs.reshape(-1, k) @ w_t).reshape(rows.shape[0], n, -1)
        tally = (delta > 1e-12).astype(np.float64) - (delta < -1e-12).astype(np.float64)
        scores[start : start + step] = tally.sum(axis=1)
    scores[present.sum(axis=1) == 0] = np.nan
    return _shape_out(scores, single)


# Config names. Each is called as f(x, w) with x benefit-oriented (n, k) for one cross-section.
MCDA: dict[str, Callable[..., FloatArray]] = {
    "topsis": topsis,
    "vikor": vikor_score,
    "grey": grey_relational_grade,
    "copeland": copeland,
}
