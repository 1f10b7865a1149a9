"""Tests for kaifang.methods.complexity: hand-computed values and invariants.

The Stata known answers are in tests/trade/test_trade_stata_fixtures.py.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from kaifang.errors import MethodError
from kaifang.methods import complexity as cx

# 3 countries x 3 products, by hand: totals rows (10, 10, 20), columns (15, 10, 15), world 40
X = np.array([[5.0, 5.0, 0.0], [0.0, 5.0, 5.0], [10.0, 0.0, 10.0]])


def test_rca_by_hand() -> None:
    rca = cx.balassa_rca(X)
    # (5/10) / (15/40) = 4/3; (5/10)/(10/40) = 2; (10/20)/(15/40) = 4/3
    assert rca[0, 0] == pytest.approx(4 / 3)
    assert rca[0, 1] == pytest.approx(2.0)
    assert rca[2, 2] == pytest.approx(4 / 3)
    assert rca[0, 2] == 0.0


def test_presence_strict_and_weak() -> None:
    rca = np.array([[1.0, 1.5], [0.5, 1.0]])
    np.testing.assert_array_equal(cx.presence(rca), [[0, 1], [0, 0]])
    np.testing.assert_array_equal(cx.presence(rca, strict=False), [[1, 1], [0, 1]])


def test_rca_per_capita_by_hand() -> None:
    # product shares of location 0: 5/15, population share 1/4 -> (1/3)/(1/4) = 4/3
    rpop = cx.rca_per_capita(X, [1.0, 1.0, 2.0])
    assert rpop[0, 0] == pytest.approx(4 / 3)


def test_proximity_by_hand() -> None:
    m = np.array([[1.0, 1.0, 0.0], [1.0, 0.0, 1.0], [1.0, 1.0, 1.0], [0.0, 0.0, 1.0]])
    phi = cx.proximity_discrete(m)
    # products 0 and 1: 2 common locations, ubiquities 3 and 2 -> 2/3
    assert phi[0, 1] == pytest.approx(2 / 3)
    assert phi[1, 2] == pytest.approx(1 / 3)
    assert np.all(np.diag(phi) == 0)
    asym = cx.proximity_discrete(m, asymmetric=True)
    assert asym[1, 0] == pytest.approx(1.0)  # P(0 | 1) = 2/2
    assert asym[0, 1] == pytest.approx(2 / 3)


def test_density_by_hand() -> None:
    phi = np.array([[0.0, 0.5, 0.25], [0.5, 0.0, 1.0], [0.25, 1.0, 0.0]])
    m = np.array([[1.0, 0.0, 1.0]])
    dens = cx.density(m, phi)
    assert dens[0, 1] == pytest.approx((0.5 + 1.0) / 1.5)
    assert dens[0, 0] == pytest.approx(0.25 / 0.75)
    knn = cx.density(m, phi, knn=1)  # each product keeps its single nearest neighbour
    assert knn[0, 0] == pytest.approx(0.0)  # nearest of 0 is 1, absent
    assert knn[0, 1] == pytest.approx(1.0)  # nearest of 1 is 2, present


def test_knn_keeps_ties() -> None:
    phi = np.array([[0.0, 0.5, 0.5], [0.5, 0.0, 0.2], [0.5, 0.2, 0.0]])
    mask = cx.knn_neighbours(phi, 1)
    assert mask[0].sum() == 2


def _chain(n_loc: int = 6, n_prod: int = 8) -> np.ndarray:
    """A connected nested matrix: location i makes the first i + 2 products."""
    m = np.zeros((n_loc, n_prod))
    for i in range(n_loc):
        m[i, : min(n_prod, i + 2)] = 1
    m[:, -1] = 0
    m[-1, -1] = 1
    return m


def test_eci_sign_follows_diversity_and_stata_scale() -> None:
    m = _chain()
    idx = cx.eci_pci(m)
    div = m.sum(axis=1)
    assert np.corrcoef(div, idx.eci)[0, 1] > 0
    # Stata: sample SD over C x P rows, mean 0
    rows = np.repeat(idx.eci, m.shape[1])
    assert rows.mean() == pytest.approx(0.0, abs=1e-12)
    assert rows.std(ddof=1) == pytest.approx(1.0)
    # kc = D^-1 M kp (the reflections relation Stata's code uses)
    np.testing.assert_allclose(idx.kc, (m @ idx.kp) / div, atol=1e-12)


def test_eci_equals_general_eigensolver_on_product_side() -> None:
    m = _chain()
    div, ubi = m.sum(axis=1), m.sum(axis=0)
    mpp = (m / ubi).T @ (m / div[:, None])
    values, vectors = np.linalg.eig(mpp)
    order = np.argsort(-values.real)
    kp = vectors[:, order[1]].real
    kc = (m @ kp) / div
    if np.corrcoef(div, kc)[0, 1] < 0:
        kc = -kc
    eci = (kc - kc.mean()) / kc.std()
    ours = cx.eci_pci(m, "python")
    np.testing.assert_allclose(ours.eci, eci, atol=1e-10)


def test_conventions_differ_only_by_scale() -> None:
    m = _chain()
    stata, python = cx.eci_pci(m, "stata"), cx.eci_pci(m, "python")
    c, p = m.shape
    factor = np.sqrt(c * p / (c * p - 1.0))  # population SD over locations vs Stata's
    np.testing.assert_allclose(python.eci, stata.eci * factor, atol=1e-12)
    r = cx.eci_pci(m, "r")
    assert r.pci.mean() == pytest.approx(0.0, abs=1e-12)
    assert r.pci.std(ddof=1) == pytest.approx(1.0)


def test_disconnected_network_refused() -> None:
    m = np.zeros((4, 4))
    m[:2, :2] = 1
    m[2:, 2:] = 1
    m[0, 1] = 0
    with pytest.raises(MethodError, match="disconnected"):
        cx.eci_pci(m)


def test_empty_location_refused() -> None:
    m = _chain()
    m[0] = 0
    with pytest.raises(MethodError, match="diversity"):
        cx.eci_pci(m)


def test_subnational_eci_is_world_eci_for_a_world_member() -> None:
    m = _chain()
    idx = cx.eci_pci(m)
    np.testing.assert_allclose(cx.subnational_eci(m, idx.pci), idx.eci, atol=1e-12)


def test_feasible_products_are_absent_and_ranked() -> None:
    best = cx.feasible_products([1, 0, 0, 0], [0.9, 0.8, 0.1, 0.7], [0.0, 1.0, -1.0, 2.0], top=2)
    assert 0 not in best
    assert list(best) == [3, 1]


@settings(max_examples=40, deadline=None)
@given(
    hnp.arrays(
        np.float64,
        st.tuples(st.integers(2, 6), st.integers(2, 6)),
        elements=st.floats(0.01, 1e6),
    )
)
def test_rca_weighted_mean_is_one(x: np.ndarray) -> None:
    """Sum over products of RCA weighted by world product shares is 1 for every location."""
    rca = cx.balassa_rca(x)
    world_share = x.sum(axis=0) / x.sum()
    np.testing.assert_allclose(rca @ world_share, 1.0, rtol=1e-9)


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 2**31 - 1))
def test_eci_invariant_to_location_order(seed: int) -> None:
    rng = np.random.default_rng(seed)
    m = _chain()
    perm = rng.permutation(m.shape[0])
    a, b = cx.eci_pci(m), cx.eci_pci(m[perm])
    np.testing.assert_allclose(a.eci[perm], b.eci, atol=1e-9)
    np.testing.assert_allclose(a.pci, b.pci, atol=1e-9)


@settings(max_examples=40, deadline=None)
@given(
    hnp.arrays(
        np.float64,
        st.tuples(st.integers(3, 6), st.integers(3, 6)),
        elements=st.sampled_from([0.0, 1.0]),
    )
)
def test_proximity_symmetric_and_bounded(m: np.ndarray) -> None:
    m = m.copy()
    m[:, m.sum(axis=0) == 0] = 1
    phi = cx.proximity_discrete(m)
    np.testing.assert_allclose(phi, phi.T)
    assert np.all((phi >= 0) & (phi <= 1))
