"""Ranks of scores: 1 = best, ties share the minimum rank, optionally within groups (e.g. years)."""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

from kaifang.errors import MethodError

__all__ = ["rank_desc", "rank_desc_along"]


def rank_desc(scores: ArrayLike, groups: ArrayLike | None = None) -> NDArray[np.float64]:
    """Rank scores in descending order (rank 1 = highest score), ties sharing the minimum rank.

    For each score :math:`s_i` in group :math:`g`,

    .. math::

        r_i = 1 + \\#\\{\\, l : g_l = g,\\; s_l > s_i \\,\\}

    which is the "min" (competition, "1224") ranking of architecture.md#conventions and of
    ``scipy.stats.rankdata(-s, method="min")``. A NaN score gets a NaN rank and does not count
    in the ranks of the others.

    Parameters
    ----------
    scores : array_like, shape (n,) or (n, c)
        Scores, higher is better. With two dimensions every column (e.g. every framework node)
        is ranked separately.
    groups : array_like, shape (n,), optional
        A label per row (e.g. the year); rows are ranked only against rows with the same label.
        Any labels ``numpy.unique`` can sort (integers, strings). Default: one group.

    Returns
    -------
    ndarray of float64, same shape as ``scores``
        Ranks (whole numbers stored as float so that NaN can mark missing scores).

    Raises
    ------
    MethodError
        If ``scores`` is not 1-D or 2-D, or ``groups`` does not have one label per row.

    Notes
    -----
    One ``numpy.lexsort`` over all cells (key: group and column, then -score), so a panel of
    28,440 unit-years by 120 nodes is ranked in a single vectorised pass.

    References
    ----------
    OECD/JRC (2008), *Handbook on Constructing Composite Indicators*, section 7 (ranking).
    """
    s = np.asarray(scores, dtype=np.float64)
    if s.ndim not in (1, 2):
        raise MethodError(f"rank_desc expects scores of shape (n,) or (n, c); got shape {s.shape}")
    n = s.shape[0]
    n_cols = 1 if s.ndim == 1 else s.shape[1]
    if groups is None:
        codes = np.zeros(n, dtype=np.int64)
    else:
        g = np.asarray(groups)
        if g.shape != (n,):
            raise MethodError(
                f"rank_desc: groups must have one label per row, shape ({n},); got shape {g.shape}"
            )
        codes = np.unique(g, return_inverse=True)[1].reshape(n).astype(np.int64)

    flat = s.reshape(n, n_cols)
    # One combined key per cell: the cell's group and column identify its ranking pool.
    pool = (codes[:, None] * n_cols + np.arange(n_cols, dtype=np.int64)[None, :]).ravel()
    values = flat.ravel()
    missing = np.isnan(values)
    neg = -values
    # numpy sorts NaN after every number, so missing cells fall at the end of their pool.
    order = np.lexsort((neg, pool))

    pool_s = pool[order]
    neg_s = neg[order]
    miss_s = missing[order]
    size = values.size
    if size == 0:
        return np.empty_like(s)
    pos = np.arange(size, dtype=np.int64)
    new_pool = np.ones(size, dtype=bool)
    new_pool[1:] = pool_s[1:] != pool_s[:-1]
    new_tie = new_pool.copy()
    new_tie[1:] |= neg_s[1:] != neg_s[:-1]
    pool_start = np.maximum.accumulate(np.where(new_pool, pos, 0))
    tie_start = np.maximum.accumulate(np.where(new_tie, pos, 0))
    ranks_sorted = (tie_start - pool_start + 1).astype(np.float64)
    ranks_sorted[miss_s] = np.nan

    ranks = np.empty(size, dtype=np.float64)
    ranks[order] = ranks_sorted
    return ranks.reshape(s.shape)


def rank_desc_along(scores: ArrayLike, axis: int = -1) -> NDArray[np.float64]:
    """Descending "min" ranks along one axis of an array: every other axis is a separate pool.

    Same definition as :func:`rank_desc`,

    .. math::

        r_i = 1 + \\#\\{\\, l : s_l > s_i \\,\\}

    (rank 1 = best, ties share the minimum rank, NaN scores get NaN ranks and do not count), for
    arrays whose pools are laid out along an axis, e.g. scores shaped (years, units, nodes)
    ranked along the units axis. One ``numpy.argsort`` along that axis: much faster than a
    ``lexsort`` over all cells when the pools are equal-sized.

    References
    ----------
    OECD/JRC (2008), *Handbook on Constructing Composite Indicators*, section 7 (ranking).
    """
    s = np.moveaxis(np.asarray(scores, dtype=np.float64), axis, -1)
    n = s.shape[-1]
    if n == 0:
        return np.moveaxis(s.copy(), -1, axis)
    # contiguous pools sort several times faster; NaN sorts last. Tied values get the rank of
    # the first of their run whatever their order, so an unstable sort is enough.
    neg = np.ascontiguousarray(-s)
    order = np.argsort(neg, axis=-1)
    v = np.take_along_axis(neg, order, axis=-1)
    positions = np.broadcast_to(np.arange(n), v.shape)
    new_value = np.ones(v.shape, dtype=bool)
    new_value[..., 1:] = v[..., 1:] != v[..., :-1]
    # the first position of each run of equal values, carried forward over the run
    start = np.maximum.accumulate(np.where(new_value, positions, 0), axis=-1)
    ranks_sorted = (start + 1).astype(np.float64)
    ranks_sorted[np.isnan(v)] = np.nan
    ranks = np.empty_like(ranks_sorted)
    np.put_along_axis(ranks, order, ranks_sorted, axis=-1)
    return np.moveaxis(ranks, -1, axis)
