"""Tests for kaifang.methods.markov against the numbers published in PySAL giddy's doctests
(US per-capita income, 48 states 1929-2009) and by hand."""

from __future__ import annotations

import numpy as np
import pytest
from giddy.ergodic import mfpt
from giddy.markov import Spatial_Markov
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from pysal_examples import gal, usjoin_pci

from kaifang.errors import MethodError
from kaifang.methods.markov import (
    first_passage_times,
    homogeneity_test,
    quantile_classes,
    spatial_markov,
    steady_state,
    transition_counts,
    transition_probabilities,
)
from kaifang.methods.spatial import row_standardise, spatial_lag


def test_usjoin_quintiles_per_year_published() -> None:
    classes, _ = quantile_classes(usjoin_pci(), 5)
    counts = transition_counts(classes, 5)
    np.testing.assert_array_equal(
        counts,
        [
            [729, 71, 1, 0, 0],
            [72, 567, 80, 3, 0],
            [0, 81, 631, 86, 2],
            [0, 3, 86, 573, 56],
            [0, 0, 1, 57, 741],
        ],
    )
    p = transition_probabilities(counts)
    assert p[0, 0] == pytest.approx(0.91011236, abs=5e-9)
    np.testing.assert_allclose(
        steady_state(p), [0.20774716, 0.18725774, 0.20740537, 0.18821787, 0.20937187], atol=5e-9
    )


def test_usjoin_relative_income_pooled_published() -> None:
    pci = usjoin_pci()
    rpci = pci / pci.mean(axis=0)
    classes, _ = quantile_classes(rpci, 5, pooled=True)
    counts = transition_counts(classes, 5)
    assert counts[0].tolist() == [707, 58, 7, 1, 0]
    assert counts[4].tolist() == [0, 0, 0, 48, 724]
    np.testing.assert_allclose(
        steady_state(transition_probabilities(counts)),
        [0.17957376, 0.21631443, 0.21499942, 0.21134662, 0.17776576],
        atol=5e-9,
    )


def test_first_passage_times_equal_giddy() -> None:
    classes, _ = quantile_classes(usjoin_pci(), 5)
    p = transition_probabilities(transition_counts(classes, 5))
    m = first_passage_times(p)
    np.testing.assert_allclose(m, mfpt(p), rtol=1e-9)
    np.testing.assert_allclose(np.diag(m), 1.0 / steady_state(p), rtol=1e-9)


def test_spatial_markov_published() -> None:
    # giddy Spatial_Markov(rpci, w, fixed=True, k=5, m=5) doctest
    pci = usjoin_pci()
    rpci = pci / pci.mean(axis=0)
    _, w = gal("states48.gal")
    sm = spatial_markov(rpci, spatial_lag(row_standardise(w), rpci), k=5, m=5)
    np.testing.assert_allclose(
        sm.cutoffs[0], [0.83999133, 0.94707545, 1.03242697, 1.14911154], atol=5e-9
    )
    np.testing.assert_allclose(
        sm.lag_cutoffs[0], [0.88973386, 0.95891917, 1.01469758, 1.1183566], atol=5e-9
    )
    np.testing.assert_allclose(sm.p[0][0], [0.96341463, 0.0304878, 0.00609756, 0.0, 0.0], atol=5e-9)
    np.testing.assert_allclose(sm.pooled_p[4], [0.0, 0.0, 0.0, 0.06217617, 0.93782383], atol=5e-9)
    assert f"{sm.homogeneity.lr:.3f}" == "170.659"
    assert f"{sm.homogeneity.q:.3f}" == "200.624"
    assert sm.homogeneity.dof == 60
    np.testing.assert_allclose(
        sm.steady_states[0], [0.43509425, 0.2635327, 0.20363044, 0.06841983, 0.02932278], atol=5e-8
    )


def test_spatial_markov_equals_giddy_matrices() -> None:
    pci = usjoin_pci()
    rpci = pci / pci.mean(axis=0)
    w_pysal, w = gal("states48.gal")
    w_pysal.transform = "r"
    ours = spatial_markov(rpci, spatial_lag(row_standardise(w), rpci), k=4, m=3)
    theirs = Spatial_Markov(rpci, w_pysal, fixed=True, k=4, m=3)
    np.testing.assert_array_equal(ours.counts, theirs.T)
    assert ours.homogeneity.lr == pytest.approx(theirs.LR, rel=1e-10)
    assert ours.homogeneity.q == pytest.approx(theirs.Q, rel=1e-10)
    assert ours.homogeneity.dof == theirs.dof_hom


def test_prebinned_classes_and_empty_class() -> None:
    # pre-binned grades 0..3; nobody ever starts in class 3
    c = np.array([[0, 1, 1], [1, 0, 2], [2, 2, 3]])
    counts = transition_counts(c, 4)
    assert counts.sum() == 6 and counts[3].sum() == 0
    p = transition_probabilities(counts)
    assert np.isnan(p[3]).all()
    filled = transition_probabilities(counts, fill_empty=True)
    assert filled[3].tolist() == [0, 0, 0, 1]
    with pytest.raises(MethodError, match="NaN"):
        steady_state(p)


def test_ties_upper_and_random() -> None:
    # 10 units, 6 of them tied at 0: cut points (linear interpolation) 0, 0, 0.4, 2.2, so
    # "upper" puts all ties in the lowest class and leaves classes 1 and 2 empty
    y = np.array([0, 0, 0, 0, 0, 0, 1, 2, 3, 4], dtype=float)[:, None]
    upper, cuts = quantile_classes(y, 5)
    np.testing.assert_allclose(cuts[0], [0, 0, 0.4, 2.2])
    assert np.bincount(upper[:, 0]).tolist() == [6, 0, 0, 2, 2]
    rand, _ = quantile_classes(y, 5, ties="random", seed=3)
    assert np.bincount(rand[:, 0]).tolist() == [2, 2, 2, 2, 2]
    again, _ = quantile_classes(y, 5, ties="random", seed=3)
    np.testing.assert_array_equal(rand, again)  # seeded: the same draw every time
    assert (rand[6:, 0] == [3, 3, 4, 4]).all()  # order among distinct values is kept


def test_missing_values_start_no_transition() -> None:
    y = np.array([[1.0, 2.0, np.nan], [2.0, 1.0, 3.0], [3.0, 3.0, 1.0]])
    classes, _ = quantile_classes(y, 3)
    assert classes[0, 2] == -1
    assert transition_counts(classes, 3).sum() == 5


def test_homogeneity_of_identical_regimes_is_zero() -> None:
    counts = np.array([[[8, 2], [3, 7]], [[16, 4], [6, 14]]], dtype=float)
    r = homogeneity_test(counts)
    assert r.lr == pytest.approx(0.0, abs=1e-12) and r.q == pytest.approx(0.0, abs=1e-12)
    assert r.dof == 2 and r.lr_p == pytest.approx(1.0)


@settings(max_examples=50, deadline=None)
@given(
    hnp.arrays(
        np.float64,
        st.tuples(st.integers(5, 30), st.integers(2, 8)),
        elements=st.floats(0, 100, allow_nan=False),
    ),
    st.integers(2, 5),
)
def test_probability_rows_sum_to_one(y: np.ndarray, k: int) -> None:
    classes, _ = quantile_classes(y, k)
    assert classes.min() >= 0 and classes.max() < k
    p = transition_probabilities(transition_counts(classes, k), fill_empty=True)
    np.testing.assert_allclose(p.sum(axis=1), 1.0)
    assert transition_counts(classes, k).sum() == y.shape[0] * (y.shape[1] - 1)


@settings(max_examples=50, deadline=None)
@given(
    hnp.arrays(
        np.float64, st.tuples(st.integers(2, 5), st.integers(2, 5)), elements=st.floats(0.01, 1.0)
    ),
)
def test_steady_state_is_stationary(m: np.ndarray) -> None:
    k = min(m.shape)
    p = m[:k, :k] / m[:k, :k].sum(axis=1, keepdims=True)  # positive: ergodic
    pi = steady_state(p)
    np.testing.assert_allclose(pi @ p, pi, atol=1e-10)
    assert pi.sum() == pytest.approx(1.0) and (pi > 0).all()
    # mean recurrence times are 1/pi; first passage times are positive
    mfpt_ours = first_passage_times(p)
    np.testing.assert_allclose(np.diag(mfpt_ours), 1 / pi, rtol=1e-8)
    assert (mfpt_ours > 0).all()
