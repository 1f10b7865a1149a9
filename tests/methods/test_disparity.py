"""Tests for kaifang.methods.disparity: Dagum's Gini decomposition, Theil, CV, Williamson."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from inequality.gini import Gini
from inequality.theil import Theil, TheilD
from pysal_examples import mexico

from kaifang.errors import MethodError
from kaifang.methods.disparity import (
    coefficient_of_variation,
    dagum_gini,
    gini,
    theil,
    williamson_cv,
)


def test_dagum_disjoint_groups_by_hand() -> None:
    # A = {1, 2}, B = {4, 6}; n = 4, mean 3.25. Ordered pairs: sum |yi - yr| = 34
    # G = 34 / (2 * 16 * 3.25) = 17/52; G_AA = 2 / (2*4*1.5) = 1/6; G_BB = 4 / (2*4*5) = 1/10
    # G_AB = 14 / (2*2*(1.5+5)) = 7/13; p = (1/2, 1/2), s = (3/13, 10/13)
    # G_w = 1/6 * 1/2 * 3/13 + 1/10 * 1/2 * 10/13 = 3/52; B lies wholly above A: D_BA = 1,
    # G_nb = 7/13 * (1/2 * 10/13 + 1/2 * 3/13) = 7/26, transvariation 0
    r = dagum_gini([1.0, 2.0, 4.0, 6.0], ["A", "A", "B", "B"])
    assert r.gini == pytest.approx(17 / 52, abs=1e-15)
    assert r.within == pytest.approx(3 / 52, abs=1e-15)
    assert r.between == pytest.approx(7 / 26, abs=1e-15)
    assert r.transvariation == 0.0
    np.testing.assert_allclose(r.group_gini, [1 / 6, 1 / 10])
    assert r.pair_gini[0, 1] == pytest.approx(7 / 13)
    assert r.affluence[1, 0] == 1.0 and r.affluence[0, 1] == -1.0
    np.testing.assert_allclose(r.share_values, [3 / 13, 10 / 13])


def test_dagum_overlapping_groups_by_hand() -> None:
    # A = {1, 4} (mean 2.5), B = {2, 6} (mean 4): pairs B - A: 1, 5, -2, 2
    # d_BA = 1 + 5 + 2 = 8, p_BA = 2, D_BA = 6/10; G_AB = 10 / (2*2*6.5) = 5/13
    # weight p_A s_B + p_B s_A = 1/2 (s_A + s_B) = 1/2: between = 5/13 * 1/2 * 0.6,
    # transvariation = 5/13 * 1/2 * 0.4
    r = dagum_gini([1.0, 4.0, 2.0, 6.0], [0, 0, 1, 1])
    assert r.affluence[1, 0] == pytest.approx(0.6)
    assert r.between == pytest.approx(5 / 13 * 0.5 * 0.6)
    assert r.transvariation == pytest.approx(5 / 13 * 0.5 * 0.4)
    assert r.within + r.between + r.transvariation == pytest.approx(r.gini, abs=1e-15)


def test_gini_equals_pysal_on_mexico() -> None:
    y, _ = mexico()
    for t in range(y.shape[1]):
        assert gini(y[:, t]) == pytest.approx(Gini(y[:, t]).g, rel=1e-12)


def test_dagum_parts_sum_on_mexico_regions() -> None:
    y, regions = mexico()
    for t in range(y.shape[1]):
        r = dagum_gini(y[:, t], regions)
        assert r.within + r.between + r.transvariation == pytest.approx(r.gini, abs=1e-14)
        assert r.gini == pytest.approx(gini(y[:, t]), abs=1e-14)


def test_theil_mexico_published() -> None:
    # inequality.theil doctests: Theil(y).T and TheilD(y, hanson98).bg / .wg, 1940-2000
    y, regions = mexico()
    published_t = [
        0.20894344,
        0.15222451,
        0.10472941,
        0.10194725,
        0.09560113,
        0.10511256,
        0.10660832,
    ]
    published_bg = [
        0.0345889,
        0.02816853,
        0.05260921,
        0.05931219,
        0.03205257,
        0.02963731,
        0.03635872,
    ]
    published_wg = [
        0.17435454,
        0.12405598,
        0.0521202,
        0.04263506,
        0.06354856,
        0.07547525,
        0.0702496,
    ]
    for t in range(7):
        r = theil(y[:, t], regions)
        assert r.theil_t == pytest.approx(published_t[t], abs=5e-9)
        assert r.between_t == pytest.approx(published_bg[t], abs=5e-9)
        assert r.within_t == pytest.approx(published_wg[t], abs=5e-9)


def test_theil_unweighted_equals_pysal() -> None:
    y, regions = mexico()
    np.testing.assert_allclose([theil(y[:, t]).theil_t for t in range(7)], Theil(y).T, rtol=1e-12)
    d = TheilD(y, regions)
    np.testing.assert_allclose([theil(y[:, t], regions).between_t for t in range(7)], d.bg)


def test_theil_population_weighted_by_hand() -> None:
    # two regions: y = (1, 3) per person, population (3, 1): totals (3, 3), Y = 6, P = 4
    # s = (1/2, 1/2), q = (3/4, 1/4): T = 1/2 ln(2/3) + 1/2 ln 2 = 1/2 ln(4/3)
    # L = 3/4 ln(3/2) + 1/4 ln(1/2)
    r = theil([1.0, 3.0], population=[3.0, 1.0])
    assert r.theil_t == pytest.approx(0.5 * np.log(4 / 3))
    assert r.theil_l == pytest.approx(0.75 * np.log(1.5) + 0.25 * np.log(0.5))
    assert r.between_t == pytest.approx(0.0) and r.within_t == pytest.approx(r.theil_t)


def test_cv_and_williamson_by_hand() -> None:
    # y = (1, 3): mean 2, sd 1 -> CV 0.5; population (3, 1): weighted mean 1.5,
    # weighted variance 3/4 * 0.25 + 1/4 * 2.25 = 0.75 -> V_w = sqrt(0.75) / 1.5
    assert coefficient_of_variation([1.0, 3.0]) == pytest.approx(0.5)
    assert williamson_cv([1.0, 3.0], [3.0, 1.0]) == pytest.approx(np.sqrt(0.75) / 1.5)
    assert williamson_cv([1.0, 3.0], [1.0, 1.0]) == pytest.approx(0.5)


def test_bad_inputs() -> None:
    with pytest.raises(MethodError, match="missing or infinite"):
        gini([1.0, np.nan])
    with pytest.raises(MethodError, match="> 0"):
        theil([0.0, 1.0])
    with pytest.raises(MethodError, match="groups must have shape"):
        dagum_gini([1.0, 2.0], [0])


values = hnp.arrays(
    np.float64,
    st.integers(4, 40),
    elements=st.floats(0.01, 1000, allow_nan=False, allow_infinity=False),
)


@settings(max_examples=60, deadline=None)
@given(values, st.integers(0, 2**31 - 1))
def test_dagum_decomposition_is_exact(y: np.ndarray, seed: int) -> None:
    groups = np.random.default_rng(seed).integers(0, 4, size=y.size)
    r = dagum_gini(y, groups)
    assert r.within + r.between + r.transvariation == pytest.approx(r.gini, abs=1e-12)
    assert r.gini == pytest.approx(gini(y), abs=1e-12)
    assert np.all(np.abs(r.affluence) <= 1 + 1e-12)
    np.testing.assert_allclose(r.affluence, -r.affluence.T, atol=1e-12)
    # scale invariance
    assert dagum_gini(3.7 * y, groups).between == pytest.approx(r.between, rel=1e-9, abs=1e-12)


@settings(max_examples=60, deadline=None)
@given(values, st.integers(0, 2**31 - 1))
def test_theil_decomposition_is_exact(y: np.ndarray, seed: int) -> None:
    rng = np.random.default_rng(seed)
    groups = rng.integers(0, 3, size=y.size)
    pop = rng.uniform(0.5, 5.0, size=y.size)
    r = theil(y, groups, pop)
    assert r.between_t + r.within_t == pytest.approx(r.theil_t, abs=1e-12)
    assert r.between_l + r.within_l == pytest.approx(r.theil_l, abs=1e-12)
    assert r.theil_t >= -1e-12 and r.theil_l >= -1e-12
