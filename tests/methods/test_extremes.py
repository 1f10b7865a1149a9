"""extreme_values: hand-computed cases and invariants."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from kaifang.errors import MethodError
from kaifang.methods.extremes import GAP_RATIO, MAGNITUDE, extreme_values


def test_one_huge_value_among_ordinary_ones() -> None:
    # others span 1..3 (range 2); 3 + 2e6 + 1 is further than 1e6 x 2 from 3
    x = np.array([[1.0], [2.0], [3.0], [3.0 + 2e6 + 1]])
    assert extreme_values(x).ravel().tolist() == [False, False, False, True]
    # exactly 1e6 x the range away: not beyond it
    x[3, 0] = 3.0 + 2e6
    assert not extreme_values(x).any()


def test_one_tiny_value_below_ordinary_ones() -> None:
    x = np.array([[-5e7], [10.0], [20.0], [30.0]])  # 10 - (-5e7) > 1e6 x (30 - 10)
    assert extreme_values(x).ravel().tolist() == [True, False, False, False]


def test_magnitude_flags_whatever_the_others() -> None:
    x = np.array([[1e308, 1.0], [-1e308, 2.0], [1.0, np.nan], [2.0, 1e151]])
    flags = extreme_values(x)
    assert flags[:, 0].tolist() == [True, True, False, False]
    assert flags[:, 1].tolist() == [False, False, False, True]


def test_missing_values_and_short_columns() -> None:
    x = np.array([[np.nan], [1.0], [1e9]])  # two finite values: no others to compare with
    assert not extreme_values(x).any()
    assert not extreme_values(np.full((4, 2), np.nan)).any()
    assert not extreme_values(np.array([[5.0], [5.0], [5.0], [5.0]])).any()


def test_batched_over_years() -> None:
    year = np.array([[1.0], [2.0], [3.0], [1e12]])
    cube = np.stack([year, year * 0 + 1.0 + np.arange(4.0)[:, None]])
    flags = extreme_values(cube)
    assert flags.shape == (2, 4, 1)
    assert flags[0, :, 0].tolist() == [False, False, False, True]
    assert not flags[1].any()


def test_bad_arguments() -> None:
    with pytest.raises(MethodError):
        extreme_values(np.array([1.0, 2.0]))
    with pytest.raises(MethodError):
        extreme_values(np.ones((3, 1)), gap_ratio=0.0)


@given(
    hnp.arrays(np.float64, (6, 3), elements=st.integers(-(10**9), 10**9).map(float)),
    st.integers(1, 100).map(float),
    st.integers(-1000, 1000).map(float),
)
def test_invariant_under_positive_affine_change_of_units(
    x: np.ndarray, scale: float, shift: float
) -> None:
    # far from the magnitude limit, a change of units (x -> a x + b, a > 0) flags the same
    # values (whole numbers: no rounding decides), up to rounding at the exact threshold
    flags = extreme_values(x)
    moved = extreme_values(x * scale + shift)
    gaps = np.abs(x - np.median(x, axis=0))
    near = np.isclose(gaps, GAP_RATIO * np.ptp(x, axis=0), rtol=1e-6)
    assert ((flags == moved) | near).all()
    assert MAGNITUDE > 1e9 * 100 + 1e3
