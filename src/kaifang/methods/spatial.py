"""Spatial weights and spatial autocorrelation: contiguity, k-nearest and distance weights,
global Moran's I and local Moran (LISA).

Weights are ``scipy.sparse.csr_array`` (n, n) with a zero diagonal; row ``i`` holds the weights
of unit ``i``'s neighbours. A unit with no neighbour (an island) has an empty row; the builders
report islands and :func:`connect_islands` joins each to its nearest unit, so a choice about
them is always explicit.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TypeAlias

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import sparse, stats

from kaifang.errors import MethodError

__all__ = [
    "LISA_LABELS",
    "LocalMoran",
    "Moran",
    "connect_islands",
    "contiguity_weights",
    "distance_weights",
    "islands",
    "knn_weights",
    "local_moran",
    "moran",
    "row_standardise",
    "spatial_lag",
]

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]
Weights: TypeAlias = sparse.csr_array
# LISA quadrants as in PySAL esda: 1 high-high, 2 low-high, 3 low-low, 4 high-low; 0 not significant
LISA_LABELS = {
    0: ("not significant", "不显著"),
    1: ("high-high", "高-高"),
    2: ("low-high", "低-高"),
    3: ("low-low", "低-低"),
    4: ("high-low", "高-低"),
}


def _symmetric_binary(rows: IntArray, cols: IntArray, n: int) -> Weights:
    keep = rows != cols
    m = sparse.coo_array((np.ones(int(keep.sum())), (rows[keep], cols[keep])), shape=(n, n)).tocsr()
    m = ((m + m.T) > 0).astype(np.float64)
    return sparse.csr_array(m)


def contiguity_weights(
    rings: Sequence[Sequence[ArrayLike]], rule: str = "queen", decimals: int = 7
) -> Weights:
    r"""Binary contiguity weights from polygon boundaries: :math:`w_{ij} = 1` when units ``i``
    and ``j`` share at least one boundary vertex (``rule="queen"``) or at least one boundary
    edge (``rule="rook"``), else 0.

    ``rings[i]`` is the list of rings (arrays (m, 2) of x, y) of unit ``i``'s polygons, holes
    included. Vertices are matched after rounding to ``decimals`` decimals, so the boundaries
    must share their vertices (a topology-preserving simplification keeps them). Computed as
    :math:`A A'` of the sparse unit x vertex (or unit x edge) incidence matrix :math:`A`.

    References
    ----------
    Anselin, L. (1988). Spatial Econometrics: Methods and Models. Kluwer, chapter 3.
    """
    if rule not in ("queen", "rook"):
        raise MethodError(f"contiguity_weights: rule must be 'queen' or 'rook'; got {rule!r}")
    n = len(rings)
    points: list[FloatArray] = []
    owners: list[IntArray] = []
    edge_pts: list[tuple[FloatArray, FloatArray]] = []
    edge_owner: list[IntArray] = []
    for unit, unit_rings in enumerate(rings):
        for ring in unit_rings:
            r = np.round(np.asarray(ring, dtype=np.float64)[:, :2], decimals)
            if r.ndim != 2 or r.shape[0] < 2:
                continue
            points.append(r)
            owners.append(np.full(r.shape[0], unit, dtype=np.int64))
            edge_pts.append((r[:-1], r[1:]))
            edge_owner.append(np.full(r.shape[0] - 1, unit, dtype=np.int64))
    if not points:
        raise MethodError("contiguity_weights: no boundary coordinates were given")
    if rule == "queen":
        pts = np.vstack(points)
        _, key = np.unique(pts, axis=0, return_inverse=True)
        unit_of = np.concatenate(owners)
    else:
        a = np.vstack([e[0] for e in edge_pts])
        b = np.vstack([e[1] for e in edge_pts])
        # an edge is the same whichever way round it is walked
        swap = (a[:, 0] > b[:, 0]) | ((a[:, 0] == b[:, 0]) & (a[:, 1] > b[:, 1]))
        lo = np.where(swap[:, None], b, a)
        hi = np.where(swap[:, None], a, b)
        _, key = np.unique(np.hstack([lo, hi]), axis=0, return_inverse=True)
        unit_of = np.concatenate(edge_owner)
    key = key.reshape(-1)
    incidence = sparse.csr_array((np.ones(key.size), (unit_of, key)), shape=(n, int(key.max()) + 1))
    shared = (incidence @ incidence.T).tocoo()
    return _symmetric_binary(shared.row.astype(np.int64), shared.col.astype(np.int64), n)


def _distances(coords: FloatArray, geographic: bool) -> FloatArray:
    if geographic:
        # great-circle distance in km (haversine, sphere of radius 6371 km)
        lon, lat = np.radians(coords[:, 0]), np.radians(coords[:, 1])
        dlat = lat[:, None] - lat[None, :]
        dlon = lon[:, None] - lon[None, :]
        h = (
            np.sin(dlat / 2) ** 2
            + np.cos(lat[:, None]) * np.cos(lat[None, :]) * np.sin(dlon / 2) ** 2
        )
        out: FloatArray = 2.0 * 6371.0 * np.arcsin(np.sqrt(np.clip(h, 0.0, 1.0)))
        return out
    diff = coords[:, None, :] - coords[None, :, :]
    dist: FloatArray = np.sqrt((diff**2).sum(axis=2))
    return dist


def _coords(points: ArrayLike, who: str) -> FloatArray:
    c = np.asarray(points, dtype=np.float64)
    if c.ndim != 2 or c.shape[1] != 2 or c.shape[0] < 2 or not np.isfinite(c).all():
        raise MethodError(f"{who}: points must be (n >= 2, 2) finite coordinates; got {c.shape}")
    if c.shape[0] > 20_000:
        raise MethodError(f"{who}: {c.shape[0]} points exceed the 20,000 this builder handles")
    return c


def knn_weights(points: ArrayLike, k: int = 4, geographic: bool = True) -> Weights:
    r"""k-nearest-neighbour weights: :math:`w_{ij} = 1` for the ``k`` units nearest to ``i``
    (by centroid; ties broken by index), else 0. Not symmetric in general. Distances are
    great-circle km for lon/lat (``geographic=True``) or Euclidean.

    References
    ----------
    Getis, A. and Aldstadt, J. (2004). Constructing the spatial weights matrix using a local
    statistic. Geographical Analysis 36(2), 90-104.
    """
    c = _coords(points, "knn_weights")
    n = c.shape[0]
    if not 1 <= k < n:
        raise MethodError(f"knn_weights: k must be between 1 and n-1 = {n - 1}; got {k}")
    d = _distances(c, geographic)
    np.fill_diagonal(d, np.inf)
    nearest = np.argsort(d, axis=1, kind="stable")[:, :k]
    rows = np.repeat(np.arange(n), k)
    return sparse.csr_array((np.ones(n * k), (rows, nearest.reshape(-1))), shape=(n, n))


def distance_weights(
    points: ArrayLike,
    threshold: float,
    power: float = 0.0,
    geographic: bool = True,
) -> Weights:
    r"""Distance-band weights: :math:`w_{ij} = d_{ij}^{-\alpha}` for :math:`0 < d_{ij} \le`
    ``threshold``, else 0 (:math:`\alpha` = ``power``; 0 gives binary weights, 1 or 2 inverse
    distance). Units with no other unit within the band are islands.

    References
    ----------
    Anselin, L. (1988). Spatial Econometrics: Methods and Models. Kluwer, chapter 3.
    """
    c = _coords(points, "distance_weights")
    if not threshold > 0:
        raise MethodError(f"distance_weights: threshold must be > 0; got {threshold}")
    d = _distances(c, geographic)
    np.fill_diagonal(d, np.inf)
    rows, cols = np.nonzero(d <= threshold)
    vals = d[rows, cols] ** (-power) if power else np.ones(rows.size)
    return sparse.csr_array((vals, (rows, cols)), shape=d.shape)


def islands(w: Weights) -> IntArray:
    """Indices of the units with no neighbour (an empty row)."""
    out: IntArray = np.flatnonzero(np.diff(w.indptr) == 0).astype(np.int64)
    return out


def connect_islands(w: Weights, points: ArrayLike, geographic: bool = True) -> Weights:
    """Join every island to its nearest unit (by centroid) with a symmetric binary link, so
    that Hainan, for instance, neighbours Guangdong. Other weights are kept as they are."""
    c = _coords(points, "connect_islands")
    alone = islands(w)
    if alone.size == 0:
        return w
    d = _distances(c, geographic)[alone]
    d[np.arange(alone.size), alone] = np.inf
    nearest = np.argmin(d, axis=1)
    link = sparse.csr_array(
        (np.ones(2 * alone.size), (np.r_[alone, nearest], np.r_[nearest, alone])), shape=w.shape
    )
    out = sparse.csr_array(w + (link > 0).astype(np.float64) * (w.max() if w.nnz else 1.0))
    return out


def row_standardise(w: Weights) -> Weights:
    r"""Row-standardised weights :math:`w_{ij}/\sum_j w_{ij}`; an island's row stays 0."""
    sums = np.asarray(w.sum(axis=1)).reshape(-1)
    scale = np.where(sums > 0, 1.0 / np.where(sums > 0, sums, 1.0), 0.0)
    return sparse.csr_array(sparse.diags_array(scale) @ w)


def spatial_lag(w: Weights, y: ArrayLike) -> FloatArray:
    r"""Spatial lag :math:`(Wy)_i = \sum_j w_{ij} y_j` of ``y`` (n,) or of each column of
    ``y`` (n, T)."""
    out: FloatArray = np.asarray(w @ np.asarray(y, dtype=np.float64))
    return out


@dataclass(frozen=True)
class Moran:
    """Global Moran's I with inference under normality (``z_norm``, ``p_norm``, two-sided)
    and by permutation (``p_sim``, folded one-sided as PySAL esda; ``z_sim`` against the
    permutation mean and SD); ``permutations`` = 0 leaves the simulated fields NaN."""

    i: float
    expected_i: float
    var_norm: float
    z_norm: float
    p_norm: float
    p_sim: float
    z_sim: float
    n: int
    permutations: int


def _moran_i(z: FloatArray, w: Weights, s0: float) -> FloatArray:
    """I for a vector z (n,) or a stack of them (R, n)."""
    lag = np.asarray(w @ z.T).T
    num = (z * lag).sum(axis=-1)
    den = (z * z).sum(axis=-1)
    out: FloatArray = z.shape[-1] / s0 * num / den
    return out


def _fold_p(sim: FloatArray, observed: FloatArray) -> FloatArray:
    """PySAL's pseudo p-value: (min(#sim >= obs, #sim < obs) + 1) / (R + 1)."""
    r = sim.shape[0]
    larger = (sim >= observed).sum(axis=0)
    larger = np.where(r - larger < larger, r - larger, larger)
    out: FloatArray = (larger + 1.0) / (r + 1.0)
    return out


def moran(y: ArrayLike, w: Weights, permutations: int = 999, seed: int | None = 0) -> Moran:
    r"""Global Moran's I of ``y`` with weights ``w`` (row-standardise them first for the
    usual form):

    .. math::

        I = \frac{n}{S_0}\frac{\sum_i\sum_j w_{ij} z_i z_j}{\sum_i z_i^2},\quad
        z = y - \bar y,\quad E[I] = -\frac{1}{n-1},

        \mathrm{Var}_N[I] = \frac{n^2 S_1 - n S_2 + 3 S_0^2}{(n^2-1) S_0^2} - E[I]^2

    with :math:`S_0 = \sum_{ij} w_{ij}`, :math:`S_1 = \frac12\sum_{ij}(w_{ij}+w_{ji})^2`,
    :math:`S_2 = \sum_i (w_{i\cdot}+w_{\cdot i})^2`. The permutation test reshuffles ``y``
    ``permutations`` times with a ``numpy.random.default_rng(seed)`` generator (all at once,
    one sparse product). Equals ``esda.Moran`` (I, EI, VI_norm, z_norm, p_norm).

    References
    ----------
    Moran, P. A. P. (1950). Notes on continuous stochastic phenomena. Biometrika 37, 17-23.
    Cliff, A. D. and Ord, J. K. (1981). Spatial Processes: Models and Applications. Pion.
    """
    a = np.asarray(y, dtype=np.float64)
    n = a.size
    if a.ndim != 1 or w.shape != (n, n):
        raise MethodError(f"moran: y must be (n,) and w (n, n); got {a.shape} and {w.shape}")
    if n < 3 or not np.isfinite(a).all():
        raise MethodError("moran: at least 3 units, all with a value, are needed")
    z = a - a.mean()
    if not (z * z).sum() > 0:
        raise MethodError("moran: y is constant; Moran's I is undefined")
    s0 = float(w.sum())
    if s0 <= 0:
        raise MethodError("moran: the weights are all 0 (no unit has a neighbour)")
    sym = w + w.T
    s1 = 0.5 * float((sym.multiply(sym)).sum())
    s2 = float(
        np.sum((np.asarray(w.sum(axis=1)).reshape(-1) + np.asarray(w.sum(axis=0)).reshape(-1)) ** 2)
    )
    i_obs = float(_moran_i(z, w, s0))
    ei = -1.0 / (n - 1)
    var = (n * n * s1 - n * s2 + 3 * s0 * s0) / ((n * n - 1) * s0 * s0) - ei * ei
    z_norm = (i_obs - ei) / np.sqrt(var)
    p_norm = float(2.0 * stats.norm.sf(abs(z_norm)))
    p_sim = z_sim = float("nan")
    if permutations > 0:
        rng = np.random.default_rng(seed)
        sims = np.empty(permutations)
        block = max(1, 4_000_000 // n)
        for start in range(0, permutations, block):
            r = min(block, permutations - start)
            zs = rng.permuted(np.broadcast_to(z, (r, n)), axis=1)
            sims[start : start + r] = _moran_i(zs, w, s0)
        p_sim = float(_fold_p(sims[:, None], np.array([i_obs]))[0])
        sd = sims.std(ddof=1)
        z_sim = float((i_obs - sims.mean()) / sd) if sd > 0 else float("nan")
    return Moran(i_obs, ei, float(var), float(z_norm), p_norm, p_sim, z_sim, n, permutations)


@dataclass(frozen=True)
class LocalMoran:
    """Local Moran's :math:`I_i`, quadrant ``q`` (1 HH, 2 LH, 3 LL, 4 HL), pseudo p-values from
    conditional permutation and ``cluster`` = ``q`` where ``p_sim <= alpha``, else 0."""

    i: FloatArray
    q: IntArray
    p_sim: FloatArray
    cluster: IntArray
    alpha: float


def local_moran(
    y: ArrayLike,
    w: Weights,
    permutations: int = 999,
    seed: int | None = 0,
    alpha: float = 0.05,
) -> LocalMoran:
    r"""Local Moran (LISA, Anselin 1995):

    .. math:: I_i = (n-1)\frac{z_i \sum_j w_{ij} z_j}{\sum_k z_k^2}

    Conditional permutation: for each draw, unit ``i`` keeps its value and its neighbours'
    values are replaced by a random sample (without replacement) of the other units' values;
    one random sample of size :math:`\max_i k_i` per draw is shared by all units (the
    "crand" scheme of PySAL esda), drawn with ``numpy.random.default_rng(seed)``. The pseudo
    p-value is folded as in :func:`moran`. Islands get :math:`I_i = 0` and p = NaN.

    References
    ----------
    Anselin, L. (1995). Local indicators of spatial association—LISA. Geographical Analysis
    27(2), 93-115.
    """
    a = np.asarray(y, dtype=np.float64)
    n = a.size
    if a.ndim != 1 or w.shape != (n, n) or n < 3 or not np.isfinite(a).all():
        raise MethodError("local_moran: y must be (n >= 3,) finite values and w (n, n)")
    z = a - a.mean()
    den = float((z * z).sum())
    if den <= 0:
        raise MethodError("local_moran: y is constant")
    lag = np.asarray(w @ z)
    local = (n - 1) * z * lag / den
    q = np.where(z > 0, np.where(lag > 0, 1, 4), np.where(lag > 0, 2, 3)).astype(np.int64)
    p_sim = np.full(n, np.nan)
    counts = np.diff(w.indptr)
    if permutations > 0 and counts.max() > 0:
        kmax = int(counts.max())
        rng = np.random.default_rng(seed)
        # (n, kmax) weights of each unit's neighbours, padded with 0
        weights = np.zeros((n, kmax))
        pos = np.arange(w.nnz) - np.repeat(w.indptr[:-1], counts)
        weights[np.repeat(np.arange(n), counts), pos] = w.data
        draws = np.vstack([rng.permutation(n - 1)[:kmax] for _ in range(permutations)])
        # Unit i's r-th simulated neighbour is "all units but i"[draws[p, r]]: z[draws] when the
        # drawn index lies below i, else z[draws + 1]. So the simulated lag of every unit is
        # weights @ z[draws] plus, for each r, the shift term added to units i <= draws[p, r]:
        # two dense (R, n) passes per neighbour rank instead of an (n, R, kmax) gather.
        z_low = z[draws]  # (R, kmax)
        shift = z[np.minimum(draws + 1, n - 1)] - z_low
        lag_sim = z_low @ weights.T  # (R, n)
        unit = np.arange(n)
        for r in range(kmax):
            upto = unit[None, :] <= draws[:, r : r + 1]  # (R, n)
            lag_sim += upto * (shift[:, r : r + 1] * weights[None, :, r])
        sims = ((n - 1) / den) * z[None, :] * lag_sim
        larger = (sims >= local[None, :]).sum(axis=0).astype(np.float64)
        larger = np.where(permutations - larger < larger, permutations - larger, larger)
        p_sim = (larger + 1.0) / (permutations + 1.0)
        p_sim[counts == 0] = np.nan
    significant = np.nan_to_num(p_sim, nan=1.0) <= alpha
    cluster = np.where(significant, q, 0).astype(np.int64)
    return LocalMoran(local, q, p_sim, cluster, alpha)
