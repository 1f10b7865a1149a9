"""Tests for kaifang.methods.ranking."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from kaifang.errors import MethodError
from kaifang.methods.ranking import rank_desc


def test_min_rank_for_ties_and_nan() -> None:
    # sorted descending: 3, 3, 2, 1 -> ranks 1, 1, 3, 4 ("1224" style); NaN stays NaN
    r = rank_desc([3.0, 1.0, 3.0, np.nan, 2.0])
    np.testing.assert_array_equal(r, [1.0, 4.0, 1.0, np.nan, 3.0])


def test_ranks_within_groups() -> None:
    # 2020: 5, 5, 4 -> 1, 1, 3 ; 2021: 9, 1, 1 -> 1, 2, 2
    scores = [5.0, 5.0, 4.0, 9.0, 1.0, 1.0]
    years = [2020, 2020, 2020, 2021, 2021, 2021]
    np.testing.assert_array_equal(rank_desc(scores, years), [1, 1, 3, 1, 2, 2])


def test_string_groups_interleaved() -> None:
    # group "b": 0.2, 0.9 -> 2, 1 ; group "a": 0.5, 0.5 -> 1, 1
    r = rank_desc([0.2, 0.5, 0.9, 0.5], np.array(["b", "a", "b", "a"]))
    np.testing.assert_array_equal(r, [2, 1, 1, 1])


def test_two_dimensional_ranks_each_column() -> None:
    # column 0: 3, 3, 1 -> 1, 1, 3 ; column 1: 1, 2, NaN -> 2, 1, NaN
    s = np.array([[3.0, 1.0], [3.0, 2.0], [1.0, np.nan]])
    np.testing.assert_array_equal(rank_desc(s), [[1, 2], [1, 1], [3, np.nan]])


def test_bad_shapes() -> None:
    with pytest.raises(MethodError, match="shape"):
        rank_desc(np.zeros((2, 2, 2)))
    with pytest.raises(MethodError, match="one label per row"):
        rank_desc([1.0, 2.0], groups=[1, 2, 3])


def test_empty() -> None:
    assert rank_desc(np.array([])).shape == (0,)


@given(
    scores=hnp.arrays(
        np.float64,
        st.integers(1, 40),
        elements=st.one_of(st.sampled_from([0.0, 1.0, 2.0, np.nan]), st.floats(-5, 5)),
    ),
    data=st.data(),
)
def test_rank_is_one_plus_number_strictly_better_in_group(
    scores: np.ndarray, data: st.DataObject
) -> None:
    groups = np.array(
        data.draw(st.lists(st.integers(0, 2), min_size=scores.size, max_size=scores.size))
    )
    r = rank_desc(scores, groups)
    for i in range(scores.size):
        if np.isnan(scores[i]):
            assert np.isnan(r[i])
            continue
        same = (groups == groups[i]) & ~np.isnan(scores)
        assert r[i] == 1 + np.sum(scores[same] > scores[i])


@given(
    hnp.arrays(
        np.float64,
        st.tuples(st.integers(1, 15), st.integers(1, 4)),
        elements=st.one_of(st.just(np.nan), st.integers(0, 4).map(float)),
    )
)
def test_two_dimensional_equals_column_by_column(s: np.ndarray) -> None:
    r = rank_desc(s)
    for c in range(s.shape[1]):
        np.testing.assert_array_equal(r[:, c], rank_desc(s[:, c]))


# ---- rank_desc_along: the reshape fast path must agree with rank_desc ---------------------

from hypothesis import given  # noqa: E402
from hypothesis import strategies as st  # noqa: E402
from hypothesis.extra.numpy import arrays  # noqa: E402

from kaifang.methods.ranking import rank_desc_along  # noqa: E402


def test_rank_desc_along_hand_computed() -> None:
    # scores 3, 5, 5, nan, 1 -> ranks 3, 1, 1, nan, 4 (ties share the minimum rank)
    got = rank_desc_along(np.array([[3.0, 5.0, 5.0, np.nan, 1.0]]), axis=1)
    np.testing.assert_array_equal(got, [[3.0, 1.0, 1.0, np.nan, 4.0]])


@given(
    arrays(
        np.float64,
        st.tuples(st.integers(1, 4), st.integers(1, 8), st.integers(1, 3)),
        elements=st.one_of(st.sampled_from([0.0, 1.0, 2.0, np.nan]), st.floats(-5, 5)),
    )
)
def test_rank_desc_along_equals_rank_desc(blocks: np.ndarray) -> None:
    t, n, c = blocks.shape
    flat = blocks.reshape(t * n, c)
    groups = np.repeat(np.arange(t), n)
    expected = rank_desc(flat, groups)
    got = rank_desc_along(blocks, axis=1).reshape(t * n, c)
    np.testing.assert_array_equal(got, expected)
