"""Tests for kaifang.methods.obstacle, by hand."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from kaifang.errors import MethodError
from kaifang.methods.obstacle import group_obstacle, obstacle_degree


def test_by_hand() -> None:
    # w = (0.5, 0.3, 0.2), x = (1, 0.5, 0): gaps 0, 0.15, 0.2 -> 0, 3/7, 4/7
    o = obstacle_degree([[1.0, 0.5, 0.0], [1.0, 1.0, 1.0]], [0.5, 0.3, 0.2])
    np.testing.assert_allclose(o[0], [0, 3 / 7, 4 / 7])
    np.testing.assert_allclose(o[1], [0, 0, 0])  # at the top everywhere: nothing holds it back
    np.testing.assert_allclose(group_obstacle(o, [0, 1, 1])[0], [0, 1])


def test_missing_and_bad() -> None:
    o = obstacle_degree([[np.nan, 0.5, 0.0]], [0.5, 0.3, 0.2])
    assert np.isnan(o[0, 0]) and np.nansum(o) == pytest.approx(1.0)
    with pytest.raises(MethodError, match=r"\[0, 1\]"):
        obstacle_degree([[50.0, 0.5]], [0.5, 0.5])


@settings(max_examples=60, deadline=None)
@given(
    hnp.arrays(np.float64, st.tuples(st.integers(1, 8), st.just(4)), elements=st.floats(0, 0.99)),
    hnp.arrays(np.float64, 4, elements=st.floats(0.01, 1)),
)
def test_rows_sum_to_one(x: np.ndarray, w: np.ndarray) -> None:
    o = obstacle_degree(x, w / w.sum())
    np.testing.assert_allclose(o.sum(axis=1), 1.0)
    # with a weighted-mean index S = sum w x, the obstacle is each indicator's share of 1 - S
    s = x @ (w / w.sum())
    np.testing.assert_allclose(o * (1 - s)[:, None], (w / w.sum()) * (1 - x), atol=1e-12)
