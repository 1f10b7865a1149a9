"""Tests for kaifang.methods.trade_structure against hand-computed values."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from kaifang.errors import MethodError
from kaifang.methods import trade_structure as ts


def test_openness() -> None:
    o, dx, dm = ts.openness(30.0, 20.0, 100.0)
    assert (o, dx, dm) == (0.5, 0.3, 0.2)
    with pytest.raises(MethodError):
        ts.openness(1.0, 1.0, 0.0)


def test_hhi_family_by_hand() -> None:
    x = np.array([50.0, 30.0, 20.0])  # shares .5 .3 .2
    assert ts.hhi(x) == pytest.approx(0.38)
    assert ts.hhi_normalised(x) == pytest.approx((0.38 - 1 / 3) / (2 / 3))
    root = np.sqrt(1 / 3)
    assert ts.unctad_concentration(x) == pytest.approx((np.sqrt(0.38) - root) / (1 - root))
    assert ts.hhi_normalised([1.0, 1.0, 1.0, 1.0]) == pytest.approx(0.0)
    assert ts.unctad_concentration([0.0, 0.0, 5.0]) == pytest.approx(1.0)


def test_unctad_diversification_and_finger_kreinin() -> None:
    a = [60.0, 40.0, 0.0]
    b = [20.0, 20.0, 60.0]  # shares .2 .2 .6
    assert ts.unctad_diversification(a, b) == pytest.approx(0.5 * (0.4 + 0.2 + 0.6))
    assert ts.finger_kreinin(a, b) == pytest.approx(0.2 + 0.2 + 0.0)
    assert ts.finger_kreinin(a, a) == pytest.approx(1.0)


def test_grubel_lloyd() -> None:
    x = np.array([10.0, 0.0, 5.0, 0.0])
    m = np.array([10.0, 4.0, 15.0, 0.0])
    gl = ts.grubel_lloyd(x, m)
    np.testing.assert_allclose(gl[:3], [1.0, 0.0, 0.5])
    assert np.isnan(gl[3])
    assert ts.grubel_lloyd_aggregate(x, m) == pytest.approx(1 - (0 + 4 + 10) / 44)


def test_partners_and_growth() -> None:
    assert ts.partners_above([90.0, 9.5, 0.5], floor=0.01) == 2
    c = ts.growth_contributions([10.0, 30.0], [20.0, 30.0])
    np.testing.assert_allclose(c, [0.25, 0.0])


def test_export_margins_by_hand() -> None:
    # products x partners; product 2 is new, product 0 opens partner 1, product 1 loses partner 0
    x0 = np.array([[10.0, 0.0], [5.0, 5.0], [0.0, 0.0]])
    x1 = np.array([[12.0, 3.0], [0.0, 6.0], [4.0, 0.0]])
    mg = ts.export_margins(x0, x1)
    assert mg.intensive == pytest.approx(2.0 + 1.0)
    assert mg.new_markets == pytest.approx(3.0)
    assert mg.new_products == pytest.approx(4.0)
    assert mg.lost == pytest.approx(5.0)
    assert mg.total == pytest.approx(mg.intensive + mg.extensive)


@settings(max_examples=50, deadline=None)
@given(
    hnp.arrays(
        np.float64, st.tuples(st.integers(1, 5), st.integers(1, 5)), elements=st.floats(0, 1e6)
    ),
    hnp.arrays(
        np.float64, st.tuples(st.integers(1, 5), st.integers(1, 5)), elements=st.floats(0, 1e6)
    ),
)
def test_margins_add_up(a: np.ndarray, b: np.ndarray) -> None:
    shape = (min(a.shape[0], b.shape[0]), min(a.shape[1], b.shape[1]))
    x0, x1 = a[: shape[0], : shape[1]], b[: shape[0], : shape[1]]
    mg = ts.export_margins(x0, x1)
    assert mg.intensive + mg.extensive == pytest.approx(mg.total, rel=1e-9, abs=1e-6)


@settings(max_examples=50, deadline=None)
@given(hnp.arrays(np.float64, st.integers(2, 20), elements=st.floats(0.001, 1e6)))
def test_hhi_bounds(x: np.ndarray) -> None:
    h = float(ts.hhi(x))
    assert 1 / len(x) - 1e-12 <= h <= 1 + 1e-12
    assert -1e-9 <= float(ts.unctad_concentration(x)) <= 1 + 1e-9
