"""Tests for kaifang.methods.weights."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from kaifang.errors import MethodError
from kaifang.methods.weights import (
    SAATY_RANDOM_INDEX,
    WEIGHTERS,
    ahp_weights,
    combine_weights,
    critic_weights,
    cv_weights,
    entropy_weights,
    pca_weights,
    sd_weights,
)

# 4 units x 3 indicators; the third is a cost indicator (less is better).
X43 = np.array([[1.0, 10.0, 3.0], [2.0, 20.0, 1.0], [3.0, 10.0, 2.0], [4.0, 30.0, 4.0]])
DIR43 = np.array([1.0, 1.0, -1.0])


# --------------------------------------------------------------------------------------------
# entropy
# --------------------------------------------------------------------------------------------


def test_entropy_spssau_convention_delta_001() -> None:
    # Oriented min-max:  col0 y = 0, 1/3, 2/3, 1    col1 y = 0, .5, 0, 1
    #                    col2 (cost, (4 - x)/3) y = 1/3, 1, 2/3, 0
    # SPSSAU non-negative shift |min| + 0.01 = +0.01 (min is 0 after range normalisation):
    #   col0 y' sum = 2.04, p = .004902, .168301, .331699, .495098
    #   e0 = -(sum p ln p) / ln 4 = 0.750255          (col2 is a permutation of col0: same e)
    #   col1 y' sum = 1.54, p = .006494, .331169, .006494, .655844 -> e1 = 0.510753
    #   d = 1 - e = .249745, .489247, .249745 ; sum = .988737
    #   w = .252590, .494820, .252590
    w = entropy_weights(X43, DIR43, delta=0.01)
    np.testing.assert_allclose(w, [0.2525901, 0.4948198, 0.2525901], atol=1e-6)


def test_entropy_default_delta() -> None:
    # Same steps with delta = 1e-4: e = .729950, .460119, .729950 ; d = .270050, .539881, .270050
    # w = d / 1.079981 = .250050, .499899, .250050
    w = entropy_weights(X43, DIR43)
    np.testing.assert_allclose(w, [0.2500504, 0.4998992, 0.2500504], atol=1e-6)


def test_entropy_nan_uses_present_count() -> None:
    # delta = 0. col0 present = 0, 1, 2 (n0 = 3): y = 0, .5, 1 ; p = 0, 1/3, 2/3
    #   e0 = (1/3 ln 3 + 2/3 ln 1.5) / ln 3 = .579380 ; d0 = .420620
    # col1 = 0, 1, 0, 1 (n1 = 4): p = 0, .5, 0, .5 ; e1 = ln 2 / ln 4 = .5 ; d1 = .5
    # w = .420620 / .920620, .5 / .920620 = .456888, .543112
    x = np.array([[0.0, 0.0], [1.0, 1.0], [2.0, 0.0], [np.nan, 1.0]])
    np.testing.assert_allclose(entropy_weights(x, delta=0.0), [0.4568877, 0.5431123], atol=1e-6)


def test_entropy_constant_column_gets_zero_and_leaves_others() -> None:
    x = np.column_stack([X43[:, 0], np.full(4, 7.0), X43[:, 1:]])
    d = np.array([1.0, 1.0, 1.0, -1.0])
    w = entropy_weights(x, d)
    assert w[1] == 0.0
    np.testing.assert_allclose(w[[0, 2, 3]], entropy_weights(X43, DIR43), rtol=1e-12)


def test_entropy_errors() -> None:
    with pytest.raises(MethodError, match="all 2 columns are constant"):
        entropy_weights(np.ones((3, 2)))
    with pytest.raises(MethodError, match="delta"):
        entropy_weights(X43, delta=-1.0)
    with pytest.raises(MethodError, match="fewer than 2 present"):
        entropy_weights(np.array([[1.0, np.nan], [2.0, np.nan], [3.0, 1.0]]))
    with pytest.raises(MethodError, match="directions"):
        entropy_weights(X43, [1, 0, 1])
    with pytest.raises(MethodError, match="2-D"):
        entropy_weights(np.ones(3))


# --------------------------------------------------------------------------------------------
# CRITIC
# --------------------------------------------------------------------------------------------

# min-max columns: a = 0, .5, 1 ; b = 0, 1, .5 ; c = .5, 0, 1  (each sample sd = .5)
X_CRITIC = np.array([[0.0, 0.0, 1.0], [1.0, 2.0, 0.0], [2.0, 1.0, 2.0]])


def test_critic_hand_example() -> None:
    # centred a = -.5, 0, .5 ; b = -.5, .5, 0 ; c = 0, -.5, .5 ; each sum of squares .5
    # r_ab = .25/.5 = .5 ; r_ac = .25/.5 = .5 ; r_bc = -.25/.5 = -.5
    # C_a = .5 (.5 + .5) = .5 ; C_b = .5 (.5 + 1.5) = 1 ; C_c = .5 (.5 + 1.5) = 1 -> w = .2, .4, .4
    np.testing.assert_allclose(critic_weights(X_CRITIC), [0.2, 0.4, 0.4], atol=1e-12)


def test_critic_direction_flips_correlations() -> None:
    # c as cost: c' = .5, 1, 0 -> r_ac' = -.5, r_bc' = .5
    # C_a = .5 (.5 + 1.5) = 1 ; C_b = .5 (.5 + .5) = .5 ; C_c = .5 (1.5 + .5) = 1 -> .4, .2, .4
    w = critic_weights(X_CRITIC, [1, 1, -1])
    np.testing.assert_allclose(w, [0.4, 0.2, 0.4], atol=1e-12)


def test_critic_constant_column() -> None:
    x = np.column_stack([X_CRITIC, np.full(3, 5.0)])
    np.testing.assert_allclose(critic_weights(x), [0.2, 0.4, 0.4, 0.0], atol=1e-12)
    # one varying column takes all the weight
    np.testing.assert_array_equal(critic_weights(np.array([[1.0, 2.0], [3.0, 2.0]])), [1, 0])


def test_critic_perfect_correlation_is_an_error() -> None:
    x = np.array([[1.0, 2.0], [2.0, 4.0], [3.0, 6.0]])
    with pytest.raises(MethodError, match="perfectly correlated"):
        critic_weights(x)


# --------------------------------------------------------------------------------------------
# SD and CV
# --------------------------------------------------------------------------------------------


def test_sd_hand_example() -> None:
    # min-max: a = 0, .5, 1 (sd .5) ; b = 0, 0, 1 (mean 1/3, sum sq 6/9, var 1/3, sd .577350)
    # w = .5 / 1.077350, .577350 / 1.077350 = .464102, .535898
    x = np.array([[0.0, 0.0], [1.0, 0.0], [2.0, 4.0]])
    np.testing.assert_allclose(sd_weights(x), [0.4641016, 0.5358984], atol=1e-6)
    # direction does not change the spread
    np.testing.assert_allclose(sd_weights(x, [-1, 1]), sd_weights(x), rtol=1e-12)


def test_cv_hand_example() -> None:
    # a = 1, 3, 5: mean 3, sd 2, cv .666667
    # b = 2, 2, 8: mean 4, sd sqrt(12) = 3.464102, cv .866025
    # w = .666667 / 1.532692, .866025 / 1.532692 = .434965, .565035
    x = np.array([[1.0, 2.0], [3.0, 2.0], [5.0, 8.0]])
    np.testing.assert_allclose(cv_weights(x), [0.4349645, 0.5650355], atol=1e-6)


def test_cv_zero_mean_is_an_error_but_constant_zero_is_not() -> None:
    with pytest.raises(MethodError, match=r"column\(s\) \[1\] have mean 0"):
        cv_weights(np.array([[1.0, -1.0], [2.0, 1.0], [3.0, 0.0]]))
    np.testing.assert_array_equal(
        cv_weights(np.array([[1.0, 0.0], [2.0, 0.0], [3.0, 0.0]])), [1.0, 0.0]
    )


# --------------------------------------------------------------------------------------------
# PCA
# --------------------------------------------------------------------------------------------

# Orthogonal zero-mean vectors: corr(a, b) = .8, c uncorrelated with both.
_U1 = np.array([1.0, 1.0, -1.0, -1.0])
_U2 = np.array([1.0, -1.0, 1.0, -1.0])
_U3 = np.array([1.0, -1.0, -1.0, 1.0])
X_PCA = np.column_stack([_U1, 0.8 * _U1 + 0.6 * _U2, 5.0 + 2.0 * _U3])


def test_pca_hand_example() -> None:
    # R = [[1, .8, 0], [.8, 1, 0], [0, 0, 1]] -> eigenvalues 1.8, 1.0, .2 (shares .643, .357, .071)
    # retained: 1.8 (> 1) and 1.0 (share > 10%); cumulative .929 > .6
    # squared loadings scaled to unity sum: comp1 a = b = .5 ; comp2 c = 1
    # w ∝ .5 * 1.8/2.8, .5 * 1.8/2.8, 1 * 1.0/2.8 = 9/28, 9/28, 10/28
    np.testing.assert_allclose(pca_weights(X_PCA), [9 / 28, 9 / 28, 10 / 28], atol=1e-10)


def test_pca_is_sign_stable(monkeypatch: pytest.MonkeyPatch) -> None:
    expected = pca_weights(X_PCA)
    original = np.linalg.eigh

    def flipped(a: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        vals, vecs = original(a)
        return vals, -vecs * np.array([1.0, -1.0, 1.0])[: vecs.shape[1]]

    monkeypatch.setattr(np.linalg, "eigh", flipped)
    np.testing.assert_allclose(pca_weights(X_PCA), expected, rtol=1e-12)


def test_pca_constant_column_and_direction() -> None:
    x = np.column_stack([X_PCA, np.full(4, 3.0)])
    np.testing.assert_allclose(pca_weights(x), [9 / 28, 9 / 28, 10 / 28, 0.0], atol=1e-10)
    np.testing.assert_allclose(pca_weights(X_PCA * [1, -1, 1]), pca_weights(X_PCA), atol=1e-12)


# --------------------------------------------------------------------------------------------
# AHP
# --------------------------------------------------------------------------------------------


def test_ahp_consistent_matrix() -> None:
    # a_ij = w_i / w_j with w = (4, 2, 1)/7 -> weights recovered, lambda_max = 3, CR = 0
    a = np.array([[1, 2, 4], [0.5, 1, 2], [0.25, 0.5, 1]])
    w, cr, lam = ahp_weights(a)
    np.testing.assert_allclose(w, [4 / 7, 2 / 7, 1 / 7], atol=1e-12)
    assert lam == pytest.approx(3.0)
    assert cr == pytest.approx(0.0, abs=1e-12)


def test_ahp_circulant_inconsistent_matrix() -> None:
    # circulant rows (1, 2, 1/2): eigenvector (1, 1, 1), lambda_max = row sum = 3.5
    # CI = (3.5 - 3)/2 = .25 ; CR = .25 / RI(3) = .25 / .58 = .431034
    a = np.array([[1, 2, 0.5], [0.5, 1, 2], [2, 0.5, 1]])
    w, cr, lam = ahp_weights(a)
    np.testing.assert_allclose(w, [1 / 3] * 3, atol=1e-12)
    assert lam == pytest.approx(3.5)
    assert cr == pytest.approx(0.25 / 0.58)


def test_ahp_saaty_drinks_example() -> None:
    # Saaty (2008), Int. J. Services Sciences 1(1): relative drink consumption in the US.
    # Published AHP weights (coffee, wine, tea, beer, soda, milk, water) and CR = 0.022.
    a = np.array(
        [
            [1, 9, 5, 2, 1, 1, 1 / 2],
            [1 / 9, 1, 1 / 3, 1 / 9, 1 / 9, 1 / 9, 1 / 9],
            [1 / 5, 3, 1, 1 / 3, 1 / 4, 1 / 3, 1 / 9],
            [1 / 2, 9, 3, 1, 1 / 2, 1, 1 / 3],
            [1, 9, 4, 2, 1, 2, 1 / 2],
            [1, 9, 3, 1, 1 / 2, 1, 1 / 3],
            [2, 9, 9, 3, 2, 3, 1],
        ]
    )
    w, cr, _ = ahp_weights(a)
    published = [0.177, 0.019, 0.042, 0.116, 0.190, 0.129, 0.327]
    np.testing.assert_allclose(w, published, atol=5e-4)
    assert cr == pytest.approx(0.022, abs=5e-4)


def test_ahp_small_sizes() -> None:
    # n = 2: w = (3, 1)/4, CR defined as 0 ; n = 1: trivially 1
    w, cr, lam = ahp_weights([[1, 3], [1 / 3, 1]])
    np.testing.assert_allclose(w, [0.75, 0.25])
    assert (cr, lam) == (0.0, pytest.approx(2.0))
    assert ahp_weights([[1.0]]) == (pytest.approx([1.0]), 0.0, 1.0)


def test_ahp_accepts_two_decimal_reciprocals() -> None:
    # 0.333 * 3 = .999: within the 1% reciprocity tolerance ; weights ~ (3, 1, 1)/5
    w, _, _ = ahp_weights([[1, 3, 3], [0.333, 1, 1], [0.333, 1, 1]])
    np.testing.assert_allclose(w, [0.6, 0.2, 0.2], atol=2e-3)
    with pytest.raises(MethodError, match="not reciprocal"):
        ahp_weights([[1, 3, 3], [0.3, 1, 1], [0.333, 1, 1]])


def test_ahp_validation_names_the_cell() -> None:
    with pytest.raises(MethodError, match=r"row 1, column 2"):
        ahp_weights([[1, 3], [0.5, 1]])
    with pytest.raises(MethodError, match=r"row 1, column 2\) is -1;"):
        ahp_weights([[1, -1], [-1, 1]])
    with pytest.raises(MethodError, match="square"):
        ahp_weights(np.ones((2, 3)))
    with pytest.raises(MethodError, match="at most 15"):
        ahp_weights(np.ones((16, 16)))
    assert len(SAATY_RANDOM_INDEX) == 15


# --------------------------------------------------------------------------------------------
# combined weights
# --------------------------------------------------------------------------------------------


def test_combine_linear_and_multiplicative() -> None:
    s, o = [0.5, 0.3, 0.2], [0.2, 0.2, 0.6]
    # linear: .5 s + .5 o = .35, .25, .40
    np.testing.assert_allclose(combine_weights(s, o), [0.35, 0.25, 0.4])
    # alpha = .8: .8 s + .2 o = .44, .28, .28 ; inputs rescaled first (5, 3, 2 == .5, .3, .2)
    np.testing.assert_allclose(combine_weights([5, 3, 2], o, alpha=0.8), [0.44, 0.28, 0.28])
    # multiplicative: s*o = .10, .06, .12 ; / .28 = .357143, .214286, .428571
    np.testing.assert_allclose(
        combine_weights(s, o, method="multiplicative"), [0.10 / 0.28, 0.06 / 0.28, 0.12 / 0.28]
    )


def test_combine_errors() -> None:
    with pytest.raises(MethodError, match="alpha"):
        combine_weights([1, 1], [1, 1], alpha=1.5)
    with pytest.raises(MethodError, match="unknown method"):
        combine_weights([1, 1], [1, 1], method="geometric")  # type: ignore[arg-type]
    with pytest.raises(MethodError, match="both a positive"):
        combine_weights([1, 0], [0, 1], method="multiplicative")
    with pytest.raises(MethodError, match="objective has 3"):
        combine_weights([1, 1], [1, 1, 1])
    with pytest.raises(MethodError, match=">= 0"):
        combine_weights([1, -1], [1, 1])


# --------------------------------------------------------------------------------------------
# properties shared by all data-driven weighters
# --------------------------------------------------------------------------------------------

_DATA = hnp.arrays(
    np.float64,
    st.tuples(st.integers(4, 12), st.integers(2, 5)),
    elements=st.floats(0.0, 100.0, allow_subnormal=False),
)


def _nonconstant_corr_all_one(x: np.ndarray) -> bool:
    y = x[:, np.ptp(x, axis=0) > 0]
    # correlation is scale-free: rescale first, or a column of 1e-268s underflows in corrcoef
    y = (y - y.min(axis=0)) / np.ptp(y, axis=0)
    return bool(np.allclose(np.abs(np.corrcoef(y, rowvar=False)), 1.0, atol=1e-9))


@pytest.mark.parametrize("name", sorted(WEIGHTERS))
@settings(max_examples=60, deadline=None)
@given(x=_DATA)
def test_weights_sum_to_one_and_are_non_negative(name: str, x: np.ndarray) -> None:
    assume(bool((np.ptp(x, axis=0) > 1e-6 * np.abs(x).max(axis=0)).any()))
    weigher: Callable[..., np.ndarray] = WEIGHTERS[name]
    try:
        w = weigher(x, None)
    except MethodError:
        # the only documented failure on non-constant data: CRITIC without any conflict
        assert name == "critic" and _nonconstant_corr_all_one(x)
        return
    assert w.shape == (x.shape[1],)
    assert np.all(np.isfinite(w)) and np.all(w >= 0)
    assert w.sum() == pytest.approx(1.0)


@pytest.mark.parametrize("name", sorted(WEIGHTERS))
@settings(max_examples=60, deadline=None)
@given(x=_DATA, value=st.floats(-50, 50), where=st.integers(0, 5))
def test_constant_column_gets_zero_and_no_nan(
    name: str, x: np.ndarray, value: float, where: int
) -> None:
    assume(bool((np.ptp(x, axis=0) > 1e-6 * np.abs(x).max(axis=0)).all()))
    assume(value != 0.0 or name != "cv")
    pos = min(where, x.shape[1])
    with_const = np.insert(x, pos, value, axis=1)
    weigher = WEIGHTERS[name]
    try:
        base = weigher(x, None)
    except MethodError:
        assert name == "critic"
        with pytest.raises(MethodError):
            weigher(with_const, None)
        return
    w = weigher(with_const, None)
    assert np.all(np.isfinite(w))
    assert w[pos] == 0.0
    if name != "pca":  # PCA is re-fitted without the column, so weights match too
        np.testing.assert_allclose(np.delete(w, pos), base, rtol=1e-9, atol=1e-12)
    else:
        np.testing.assert_allclose(np.delete(w, pos), base, rtol=1e-6, atol=1e-9)


@settings(max_examples=60, deadline=None)
@given(x=_DATA, data=st.data())
def test_entropy_cost_direction_equals_negated_column(x: np.ndarray, data: st.DataObject) -> None:
    assume(bool((np.ptp(x, axis=0) > 1e-6 * np.abs(x).max(axis=0)).any()))
    d = np.array(
        data.draw(st.lists(st.sampled_from([1.0, -1.0]), min_size=x.shape[1], max_size=x.shape[1]))
    )
    np.testing.assert_allclose(entropy_weights(x, d), entropy_weights(x * d), rtol=1e-9, atol=1e-12)
