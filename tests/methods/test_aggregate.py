"""Tests for kaifang.methods.aggregate."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from kaifang.errors import MethodError
from kaifang.methods.aggregate import (
    AGGREGATORS,
    arithmetic_mean,
    geometric_mean,
    harmonic_mean,
    power_mean,
)

NAN = np.nan
# rows: both children, both children, second only, none ; weights 1 and 3
X = np.array([[1.0, 4.0], [2.0, 8.0], [NAN, 3.0], [NAN, NAN]])
W = np.array([1.0, 3.0])


def test_arithmetic_hand() -> None:
    # (1 + 3*4)/4 = 3.25 ; (2 + 3*8)/4 = 6.5 ; only child 2 present -> 3 ; none -> NaN
    np.testing.assert_allclose(arithmetic_mean(X, W), [3.25, 6.5, 3.0, NAN])


def test_geometric_hand() -> None:
    # 1^.25 4^.75 = 2^1.5 = 2.828427 ; 2^.25 8^.75 = 2^(.25 + 2.25) = 2^2.5 = 5.656854 ; 3 ; NaN
    np.testing.assert_allclose(geometric_mean(X, W), [2**1.5, 2**2.5, 3.0, NAN])


def test_harmonic_hand() -> None:
    # 4 / (1/1 + 3/4) = 4/1.75 = 2.285714 ; 4 / (1/2 + 3/8) = 4/.875 = 4.571429 ; 3 ; NaN
    np.testing.assert_allclose(harmonic_mean(X, W), [4 / 1.75, 4 / 0.875, 3.0, NAN])


def test_power_hand_and_special_orders() -> None:
    # p = 2: sqrt((1 + 3*16)/4) = sqrt(12.25) = 3.5 ; sqrt((4 + 3*64)/4) = sqrt(49) = 7 ; 3 ; NaN
    np.testing.assert_allclose(power_mean(X, W, 2.0), [3.5, 7.0, 3.0, NAN])
    np.testing.assert_allclose(power_mean(X, W, 1.0), arithmetic_mean(X, W))
    np.testing.assert_allclose(power_mean(X, W, 0.0), geometric_mean(X, W))
    np.testing.assert_allclose(power_mean(X, W, -1.0), harmonic_mean(X, W))


def test_power_mean_large_order_does_not_overflow() -> None:
    # M_500(1, 2) = (.5 (1 + 2^500))^(1/500) = 2 * (.5 (2^-500 + 1))^(1/500) ~ 2 * .5^(1/500)
    r = power_mean(np.array([[1.0, 2.0], [1e300, 1e300]]), [1, 1], 500.0)
    np.testing.assert_allclose(r, [2 * 0.5 ** (1 / 500), 1e300], rtol=1e-12)
    r = power_mean(np.array([[1e-300, 1.0]]), [1, 1], -400.0)
    assert np.all(np.isfinite(r)) and r[0] > 0


def test_min_share_is_count_based() -> None:
    # row 3 has 1 of 2 children: share .5 -> kept at min_share .5, NaN at .75
    np.testing.assert_allclose(arithmetic_mean(X, W, min_share=0.5), [3.25, 6.5, 3.0, NAN])
    np.testing.assert_allclose(arithmetic_mean(X, W, min_share=0.75), [3.25, 6.5, NAN, NAN])
    # weights do not matter for the share: child 2 carries 3/4 of the weight, still NaN
    np.testing.assert_allclose(geometric_mean(X, W, min_share=0.75)[2], NAN)


def test_only_zero_weight_children_present_gives_nan() -> None:
    assert np.isnan(arithmetic_mean(np.array([[NAN, 2.0]]), [1.0, 0.0])[0])


def test_weight_stack_shape_and_values() -> None:
    # second weight vector (1, 1): row 0 -> 2.5, row 1 -> 5
    stack = np.array([[1.0, 3.0], [1.0, 1.0]])
    out = arithmetic_mean(X, stack)
    assert out.shape == (2, 4)
    np.testing.assert_allclose(out[1], [2.5, 5.0, 3.0, NAN])


def test_non_positive_values_are_errors_naming_the_column() -> None:
    x = np.array([[1.0, 2.0, 0.0]])
    with pytest.raises(MethodError, match=r"geometric mean needs positive.*child column 2"):
        geometric_mean(x, [1, 1, 1])
    with pytest.raises(MethodError, match=r"harmonic mean needs positive.*column 2"):
        harmonic_mean(x, [1, 1, 1])
    with pytest.raises(MethodError, match=r"\[1, 100\]"):
        power_mean(x, [1, 1, 1], -2.0)
    with pytest.raises(MethodError, match="non-negative"):
        power_mean(np.array([[-1.0, 2.0]]), [1, 1], 3.0)
    # a missing cell is not checked, and p = 1 accepts any real values
    assert geometric_mean(np.array([[NAN, 2.0]]), [1, 1])[0] == pytest.approx(2.0)
    assert power_mean(np.array([[-1.0, 3.0]]), [1, 1], 1.0)[0] == pytest.approx(1.0)


def test_validation() -> None:
    with pytest.raises(MethodError, match=r"shape \(2,\) or \(R, 2\)"):
        arithmetic_mean(X, [1, 1, 1])
    with pytest.raises(MethodError, match=">= 0"):
        arithmetic_mean(X, [1, -1])
    with pytest.raises(MethodError, match="sums to 0"):
        arithmetic_mean(X, [0, 0])
    with pytest.raises(MethodError, match="min_share"):
        arithmetic_mean(X, W, min_share=2.0)
    with pytest.raises(MethodError, match="infinite"):
        arithmetic_mean(np.array([[1.0, np.inf]]), W)
    with pytest.raises(MethodError, match="finite"):
        power_mean(X, W, np.inf)


def test_registry() -> None:
    assert set(AGGREGATORS) == {"arithmetic", "geometric", "harmonic", "power"}
    np.testing.assert_allclose(AGGREGATORS["power"](X, W, p=2.0), power_mean(X, W, 2.0))


# --------------------------------------------------------------------------------------------
# properties
# --------------------------------------------------------------------------------------------

_POS = st.floats(0.01, 1000.0)
_CELL = st.one_of(_POS, st.just(NAN))


def _matrix(elements: st.SearchStrategy[float]) -> st.SearchStrategy[np.ndarray]:
    return hnp.arrays(
        np.float64, st.tuples(st.integers(1, 8), st.integers(1, 5)), elements=elements
    )


Mean = Callable[..., np.ndarray]

_MEANS: list[Mean] = [
    arithmetic_mean,
    geometric_mean,
    harmonic_mean,
    lambda x, w, **kw: power_mean(x, w, 2.5, **kw),
    lambda x, w, **kw: power_mean(x, w, -0.5, **kw),
]


@pytest.mark.parametrize("mean", _MEANS)
@given(value=_POS, n=st.integers(1, 6), data=st.data())
def test_identical_children_give_that_value(
    mean: Mean, value: float, n: int, data: st.DataObject
) -> None:
    k = data.draw(st.integers(1, 6))
    w = np.array(data.draw(st.lists(st.floats(0.01, 10), min_size=k, max_size=k)))
    out = mean(np.full((n, k), value), w)
    np.testing.assert_allclose(out, value, rtol=1e-12)


@pytest.mark.parametrize("mean", _MEANS)
@settings(deadline=None)
@given(x=_matrix(_CELL), data=st.data())
def test_batched_equals_looped(mean: Mean, x: np.ndarray, data: st.DataObject) -> None:
    k = x.shape[1]
    r = data.draw(st.integers(1, 4))
    stack = np.array(
        data.draw(
            st.lists(st.lists(st.floats(0.01, 10), min_size=k, max_size=k), min_size=r, max_size=r)
        )
    )
    batched = mean(x, stack, min_share=0.5)
    looped = np.stack([mean(x, stack[i], min_share=0.5) for i in range(r)])
    assert batched.shape == (r, x.shape[0])
    np.testing.assert_allclose(batched, looped, rtol=1e-12)


@pytest.mark.parametrize("mean", [arithmetic_mean, geometric_mean])
@given(x=_matrix(_POS), bump=st.floats(0.0, 100.0), data=st.data())
def test_raising_a_child_never_lowers_the_mean(
    mean: Mean, x: np.ndarray, bump: float, data: st.DataObject
) -> None:
    k = x.shape[1]
    w = np.array(data.draw(st.lists(st.floats(0.0, 10), min_size=k, max_size=k)))
    if w.sum() == 0:
        w[0] = 1.0
    j = data.draw(st.integers(0, k - 1))
    raised = x.copy()
    raised[:, j] += bump
    assert np.all(mean(raised, w) >= mean(x, w) * (1 - 1e-12))


@given(x=_matrix(_CELL), data=st.data())
def test_means_are_ordered_and_within_range(x: np.ndarray, data: st.DataObject) -> None:
    k = x.shape[1]
    w = np.array(data.draw(st.lists(st.floats(0.01, 10), min_size=k, max_size=k)))
    a, g, h = arithmetic_mean(x, w), geometric_mean(x, w), harmonic_mean(x, w)
    ok = ~np.isnan(a)
    assert np.array_equal(ok, ~np.isnan(g)) and np.array_equal(ok, ~np.isnan(h))
    tol = 1e-9
    assert np.all(h[ok] <= g[ok] * (1 + tol)) and np.all(g[ok] <= a[ok] * (1 + tol))
    if ok.any():
        lo = np.nanmin(x[ok], axis=1)
        hi = np.nanmax(x[ok], axis=1)
        assert np.all(h[ok] >= lo * (1 - tol)) and np.all(a[ok] <= hi * (1 + tol))
