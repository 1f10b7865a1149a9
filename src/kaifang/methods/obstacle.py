"""Obstacle degree (障碍度): which indicators hold a unit's composite score back.

Computed from the same normalised values and effective weights as the index, so an indicator's
obstacle is exactly its share of the unit's distance to the top score of a weighted-mean index.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

from kaifang.errors import MethodError

__all__ = ["group_obstacle", "obstacle_degree"]

FloatArray = NDArray[np.float64]


def obstacle_degree(x: ArrayLike, w: ArrayLike) -> FloatArray:
    r"""Obstacle degree of each indicator for each unit.

    With normalised values :math:`x_{ij} \in [0, 1]` (1 = best), factor contribution
    :math:`F_j = w_j` (the indicator's effective weight in the index) and deviation
    :math:`I_{ij} = 1 - x_{ij}`:

    .. math:: O_{ij} = \frac{F_j I_{ij}}{\sum_j F_j I_{ij}}

    Rows sum to 1. A unit at the top on every indicator (no deviation) gets 0 everywhere; a
    missing value is left out of its row (its obstacle is NaN).

    References
    ----------
    The obstacle-degree model (障碍度模型: factor contribution x indicator deviation) as used
    throughout the Chinese regional-evaluation literature; the formula above is the whole
    definition, applied here to the index's own normalised values and effective weights.
    """
    a = np.asarray(x, dtype=np.float64)
    weights = np.asarray(w, dtype=np.float64)
    if a.ndim != 2 or weights.shape != (a.shape[1],):
        raise MethodError(
            f"obstacle_degree: x must be (units, m) and w (m,); got {a.shape} and {weights.shape}"
        )
    finite = a[np.isfinite(a)]
    if finite.size and (finite.min() < -1e-9 or finite.max() > 1 + 1e-9):
        raise MethodError("obstacle_degree: normalised values must lie in [0, 1]")
    if (weights < 0).any():
        raise MethodError("obstacle_degree: weights must be >= 0")
    gap = weights[None, :] * (1.0 - np.clip(a, 0.0, 1.0))
    total = np.nansum(gap, axis=1, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        out: FloatArray = np.where(total > 0, gap / np.where(total > 0, total, 1.0), 0.0)
    out[~np.isfinite(a)] = np.nan
    return out


def group_obstacle(obstacle: ArrayLike, groups: ArrayLike) -> FloatArray:
    r"""Obstacle degree of groups of indicators (pillars): :math:`U_{ik} = \sum_{j \in k}
    O_{ij}` for each group code ``k`` in ``0..K-1`` (``groups`` (m,) of integers)."""
    o = np.asarray(obstacle, dtype=np.float64)
    g = np.asarray(groups, dtype=np.int64)
    if o.ndim != 2 or g.shape != (o.shape[1],) or (g < 0).any():
        raise MethodError("group_obstacle: groups must give a code >= 0 for every indicator")
    k = int(g.max()) + 1
    out = np.zeros((o.shape[0], k))
    np.add.at(out.T, g, np.nan_to_num(o).T)
    return out
