"""Tests for kaifang.methods.spatial: weights, Moran's I (St. Louis homicides, PySAL esda's
published example) and LISA against esda."""

from __future__ import annotations

import json
from pathlib import Path

import esda
import libpysal
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from pysal_examples import gal, table
from scipy import sparse

from kaifang.errors import MethodError
from kaifang.methods.spatial import (
    connect_islands,
    contiguity_weights,
    distance_weights,
    islands,
    knn_weights,
    local_moran,
    moran,
    row_standardise,
)

REPO = Path(__file__).resolve().parents[2]
REPO_GEO = "examples/china_provinces/geo/china_provinces_simplified.geojson"


def stl() -> tuple[np.ndarray, libpysal.weights.W, sparse.csr_array]:
    y = np.array(table("stl_hom.txt").by_col["HR8893"], dtype=float)
    w_pysal, w = gal("stl.gal")
    return y, w_pysal, w


def test_moran_stl_published() -> None:
    # esda.Moran doctest: round(I, 3) = 0.244, EI = -0.012987012987012988,
    # p_norm = 0.00027147862770937614
    y, _, w = stl()
    m = moran(y, row_standardise(w), permutations=999, seed=1)
    assert round(m.i, 3) == 0.244
    assert m.expected_i == pytest.approx(-0.012987012987012988, abs=1e-15)
    assert m.p_norm == pytest.approx(0.00027147862770937614, rel=1e-8)
    assert m.p_sim <= 0.01 and m.z_sim > 3


def test_moran_equals_esda() -> None:
    y, w_pysal, w = stl()
    ours = moran(y, row_standardise(w), permutations=0)
    theirs = esda.Moran(y, w_pysal, permutations=0)
    assert ours.i == pytest.approx(theirs.I, rel=1e-12)
    assert ours.var_norm == pytest.approx(theirs.VI_norm, rel=1e-12)
    assert ours.z_norm == pytest.approx(theirs.z_norm, rel=1e-12)
    assert np.isnan(ours.p_sim)


def test_moran_permutations_are_seeded() -> None:
    y, _, w = stl()
    a = moran(y, row_standardise(w), 199, seed=7)
    b = moran(y, row_standardise(w), 199, seed=7)
    assert a.p_sim == b.p_sim and a.z_sim == b.z_sim


def test_local_moran_equals_esda() -> None:
    y, w_pysal, w = stl()
    ours = local_moran(y, row_standardise(w), permutations=999, seed=0)
    # esda without permutations (its conditional randomisation compiles with numba: slow)
    theirs = esda.Moran_Local(y, w_pysal, permutations=0)
    np.testing.assert_allclose(ours.i, theirs.Is, rtol=1e-10, atol=1e-14)
    np.testing.assert_array_equal(ours.q, theirs.q)
    assert set(np.unique(ours.cluster)) <= {0, 1, 2, 3, 4}
    assert (ours.cluster[ours.p_sim > 0.05] == 0).all()
    assert ((ours.p_sim >= 1 / 1000) & (ours.p_sim <= 0.5 + 1e-12)).all()


def test_local_moran_finds_a_planted_cluster() -> None:
    # 8 x 8 lattice, a 3 x 3 block of high values in one corner, noise elsewhere
    rng = np.random.default_rng(5)
    y = rng.normal(0, 1, (8, 8))
    y[:3, :3] += 6
    w = row_standardise(contiguity_weights(lattice(8, 8), "queen"))
    r = local_moran(y.reshape(-1), w, permutations=999, seed=2)
    assert r.cluster[9] == 1  # centre of the block (row 1, col 1): high-high, significant
    assert r.p_sim[9] < 0.01
    again = local_moran(y.reshape(-1), w, permutations=999, seed=2)
    np.testing.assert_array_equal(r.p_sim, again.p_sim)


def lattice(rows: int, cols: int) -> list[list[np.ndarray]]:
    """Unit squares on a grid, as polygon rings (row-major ids, as libpysal.weights.lat2W)."""
    out = []
    for r in range(rows):
        for c in range(cols):
            ring = np.array([[c, r], [c + 1, r], [c + 1, r + 1], [c, r + 1], [c, r]], float)
            out.append([ring])
    return out


@pytest.mark.parametrize("rule", ["queen", "rook"])
def test_contiguity_equals_libpysal_lattice(rule: str) -> None:
    ours = contiguity_weights(lattice(4, 5), rule)
    theirs, _ = libpysal.weights.lat2W(4, 5, rook=rule == "rook").full()
    np.testing.assert_array_equal(ours.toarray(), theirs)


def test_china_provinces_queen_hainan_island() -> None:
    geo = json.loads((REPO / REPO_GEO).read_text(encoding="utf-8"))
    # the 31 provinces of the NBS data (Taiwan, Hong Kong and Macau have no series there)
    geo["features"] = [
        f
        for f in geo["features"]
        if f["properties"]["adcode"] not in ("710000", "810000", "820000")
    ]
    names = [f["properties"]["name"] for f in geo["features"]]
    rings = []
    for f in geo["features"]:
        g = f["geometry"]
        polys = g["coordinates"] if g["type"] == "MultiPolygon" else [g["coordinates"]]
        rings.append([np.array(r) for p in polys for r in p])
    w = contiguity_weights(rings, "queen")
    alone = {names[i] for i in islands(w)}
    assert alone == {"海南省"}
    centroids = np.array([np.vstack(r).mean(axis=0) for r in rings])
    joined = connect_islands(w, centroids)
    hainan = names.index("海南省")
    assert names[int(joined[[hainan], :].indices[0])] == "广东省"
    guizhou = names.index("贵州省")
    nb = {names[j] for j in w[[guizhou], :].indices}
    assert nb == {"四川省", "重庆市", "湖南省", "广西壮族自治区", "云南省"}


def test_knn_and_distance_weights() -> None:
    pts = np.array([[0.0, 0.0], [1.0, 0.0], [3.0, 0.0], [10.0, 0.0]])
    w = knn_weights(pts, k=1, geographic=False)
    assert w.toarray().argmax(axis=1).tolist() == [1, 0, 1, 2]
    d = distance_weights(pts, threshold=2.0, geographic=False)
    assert d.toarray().sum(axis=1).tolist() == [1, 2, 1, 0]
    assert islands(d).tolist() == [3]
    inv = distance_weights(pts, threshold=2.0, power=1.0, geographic=False)
    assert inv[[1], :].toarray()[0, 2] == pytest.approx(0.5)
    with pytest.raises(MethodError, match="k must be"):
        knn_weights(pts, k=4)


def test_moran_errors() -> None:
    w = row_standardise(contiguity_weights(lattice(2, 2)))
    with pytest.raises(MethodError, match="constant"):
        moran(np.ones(4), w)


@settings(max_examples=30, deadline=None)
@given(
    hnp.arrays(np.float64, 16, elements=st.floats(-100, 100, allow_nan=False)),
    st.floats(0.1, 10),
    st.floats(-50, 50),
)
def test_moran_affine_invariant(y: np.ndarray, a: float, b: float) -> None:
    if np.ptp(y) < 1e-3:
        return
    w = row_standardise(contiguity_weights(lattice(4, 4)))
    m1, m2 = moran(y, w, 0), moran(a * y + b, w, 0)
    assert m1.i == pytest.approx(m2.i, rel=1e-7, abs=1e-9)
    assert -1.5 <= m1.i <= 1.5


def test_local_moran_p_values_equal_an_explicit_loop() -> None:
    # the same draws replayed unit by unit: "all units but i", the first k_i of each draw
    rng = np.random.default_rng(0)
    n, perms = 40, 99
    y = rng.normal(size=n)
    w = row_standardise(knn_weights(rng.uniform(size=(n, 2)), 5, geographic=False))
    ours = local_moran(y, w, perms, seed=4)
    replay = np.random.default_rng(4)
    z = y - y.mean()
    counts = np.diff(w.indptr)
    draws = np.vstack([replay.permutation(n - 1)[: counts.max()] for _ in range(perms)])
    for i in range(n):
        others = np.delete(np.arange(n), i)
        nb = w.data[w.indptr[i] : w.indptr[i + 1]]
        sims = np.array(
            [(n - 1) * z[i] * (nb * z[others[d[: counts[i]]]]).sum() / (z @ z) for d in draws]
        )
        larger = (sims >= ours.i[i]).sum()
        larger = min(larger, perms - larger)
        assert ours.p_sim[i] == (larger + 1) / (perms + 1)
