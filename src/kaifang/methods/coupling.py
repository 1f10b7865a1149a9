r"""Coupling coordination (耦合协调度) of n subsystems whose scores lie in [0, 1].

Only the correct forms are offered. The coupling degree of the capacity-coupling model is

.. math:: C = \frac{n\,(\prod_i U_i)^{1/n}}{\sum_i U_i}
          = \left[\frac{\prod_i U_i}{(\sum_i U_i / n)^n}\right]^{1/n} \in [0, 1],

the ratio of the geometric to the arithmetic mean: 1 exactly when all :math:`U_i` are equal.
Variants found in the literature that drop the :math:`n` (or take the product of pairwise sums
in the denominator) have a maximum below or above 1 that depends on :math:`n`, so their values
cannot be read against the grade bands below (Wang, Kong, Ren, Zhi and Dai 2021).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

from kaifang.errors import MethodError

__all__ = [
    "COORDINATION_GRADES",
    "coordination_degree",
    "coordination_grade",
    "coupling_degree",
    "coupling_degree_wang",
]

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]

# D in [0.0, 0.1) ... [0.9, 1.0]: the ten bands used across the Chinese literature
COORDINATION_GRADES: tuple[tuple[str, str], ...] = (
    ("extreme imbalance", "极度失调"),
    ("serious imbalance", "严重失调"),
    ("moderate imbalance", "中度失调"),
    ("mild imbalance", "轻度失调"),
    ("on the verge of imbalance", "濒临失调"),
    ("barely coordinated", "勉强协调"),
    ("primary coordination", "初级协调"),
    ("intermediate coordination", "中级协调"),
    ("good coordination", "良好协调"),
    ("high-quality coordination", "优质协调"),
)


def _subsystems(u: ArrayLike, who: str) -> FloatArray:
    a = np.asarray(u, dtype=np.float64)
    if a.ndim == 1:
        a = a[None, :]
    if a.ndim != 2 or a.shape[1] < 2:
        raise MethodError(f"{who}: U must be (units, n >= 2 subsystems); got shape {a.shape}")
    finite = a[np.isfinite(a)]
    if finite.size and ((finite < 0).any() or (finite > 1).any()):
        raise MethodError(
            f"{who}: subsystem scores must lie in [0, 1] (divide 0-100 scores by 100); "
            f"found {finite.min():g} to {finite.max():g}"
        )
    return a


def coupling_degree(u: ArrayLike) -> FloatArray:
    r"""Coupling degree :math:`C = n(\prod_i U_i)^{1/n}/\sum_i U_i` per row of ``u``
    (units, n). A row with every :math:`U_i = 0` gets NaN (no system to couple).

    References
    ----------
    Wang, S., Kong, W., Ren, L., Zhi, D. and Dai, B. (2021). Research on misuses and
    modification of coupling coordination degree model in China. Journal of Natural Resources
    36(3), 793-810 (王淑佳等, 国内耦合协调度模型的误区及修正, 自然资源学报).
    """
    a = _subsystems(u, "coupling_degree")
    n = a.shape[1]
    total = a.sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        geo = np.exp(np.log(a).mean(axis=1))
        c: FloatArray = np.where(total > 0, n * geo / total, np.nan)
    return c


def coupling_degree_wang(u: ArrayLike) -> FloatArray:
    r"""Wang et al.'s (2021) modified coupling degree, which spreads the values that the
    classical :math:`C` crowds near 1:

    .. math:: C = \sqrt{\left[1 - \frac{\sum_{i<j} |U_i - U_j|}{n(n-1)/2}\right]
              \left(\prod_i \frac{U_i}{\max_j U_j}\right)^{1/(n-1)}}

    For two subsystems :math:`C = \sqrt{(1-|U_1-U_2|)\,U_{min}/U_{max}}`. This reading (each
    :math:`U_i` divided by the largest inside the product) reproduces the paper's Table 8.

    References
    ----------
    Wang, S., Kong, W., Ren, L., Zhi, D. and Dai, B. (2021). Research on misuses and
    modification of coupling coordination degree model in China. Journal of Natural Resources
    36(3), 793-810.
    """
    a = _subsystems(u, "coupling_degree_wang")
    n = a.shape[1]
    i, j = np.triu_indices(n, k=1)
    spread = np.abs(a[:, i] - a[:, j]).sum(axis=1) / (n * (n - 1) / 2)
    top = a.max(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.prod(a / top[:, None], axis=1) ** (1.0 / (n - 1))
        c: FloatArray = np.where(top > 0, np.sqrt(np.clip(1.0 - spread, 0.0, None) * ratio), np.nan)
    return c


def coordination_degree(
    u: ArrayLike, alpha: ArrayLike | None = None, modified: bool = False
) -> tuple[FloatArray, FloatArray, FloatArray]:
    r"""Coupling :math:`C`, comprehensive development :math:`T = \sum_i \alpha_i U_i` and
    coupling coordination :math:`D = \sqrt{C\,T}` per row of ``u`` (units, n).

    ``alpha`` are the subsystems' contributions (non-negative, summing to 1; default equal);
    ``modified=True`` uses :func:`coupling_degree_wang` for :math:`C`.

    References
    ----------
    Wang, S., Kong, W., Ren, L., Zhi, D. and Dai, B. (2021). Research on misuses and
    modification of coupling coordination degree model in China. Journal of Natural Resources
    36(3), 793-810.
    """
    a = _subsystems(u, "coordination_degree")
    n = a.shape[1]
    w = np.full(n, 1.0 / n) if alpha is None else np.asarray(alpha, dtype=np.float64)
    if w.shape != (n,) or (w < 0).any() or not np.isclose(w.sum(), 1.0):
        raise MethodError(f"coordination_degree: alpha must be {n} values >= 0 summing to 1")
    c = coupling_degree_wang(a) if modified else coupling_degree(a)
    t: FloatArray = a @ w
    d: FloatArray = np.sqrt(c * t)
    return c, t, d


def coordination_grade(d: ArrayLike) -> IntArray:
    """Band 0..9 of the coupling coordination degree D: ``floor(10 D)`` (D = 1 is band 9),
    names in :data:`COORDINATION_GRADES` (0 = 极度失调 ... 9 = 优质协调); -1 for NaN."""
    a = np.asarray(d, dtype=np.float64)
    band = np.clip(np.floor(np.nan_to_num(a, nan=0.0) * 10.0 + 1e-12), 0, 9).astype(np.int64)
    out: IntArray = np.where(np.isfinite(a), band, -1)
    return out
