"""Tests for kaifang.methods.mcda."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from kaifang.errors import MethodError
from kaifang.methods import mcda
from kaifang.methods.mcda import MCDA, copeland, grey_relational_grade, topsis, vikor, vikor_score
from kaifang.methods.ranking import rank_desc

NAN = np.nan
# Tzeng & Huang (2011), *Multiple Attribute Decision Making: Methods and Applications*, CRC
# Press: 4 alternatives, 3 benefit criteria, weights (.3, .4, .3).
X_TZ = np.array([[5.0, 8.0, 4.0], [7.0, 6.0, 8.0], [8.0, 8.0, 6.0], [7.0, 4.0, 6.0]])
W_TZ = np.array([0.3, 0.4, 0.3])


# --------------------------------------------------------------------------------------------
# TOPSIS
# --------------------------------------------------------------------------------------------


def test_topsis_published_example() -> None:
    # published closeness (vector normalisation): .5037, .6581, .7482, .3340
    np.testing.assert_allclose(topsis(X_TZ, W_TZ), [0.5037, 0.6581, 0.7482, 0.3340], atol=1e-4)


def test_topsis_vector_hand() -> None:
    # norms: col0 sqrt(1 + 4 + 4) = 3 ; col1 sqrt(4 + 4) = 2.828427
    # v = .5 r: col0 1/6, 1/3, 1/3 ; col1 .353553, .353553, 0 ; ideal (1/3, .353553), anti (1/6, 0)
    # row0: D+ = 1/6, D- = .353553 -> C = .353553/.520220 = .679623
    # row1: D+ = 0 -> C = 1 ; row2: D+ = .353553, D- = 1/6 -> C = .320377
    x = np.array([[1.0, 2.0], [2.0, 2.0], [2.0, 0.0]])
    np.testing.assert_allclose(topsis(x, [0.5, 0.5]), [0.6796228, 1.0, 0.3203772], atol=1e-6)


def test_topsis_minmax_hand() -> None:
    # r = x ; v = .5 r ; ideal (.5, .5), anti (0, 0)
    # row0 at anti-ideal: C = 0 ; row1 at ideal: C = 1 ; row2: D+ = D- = .5 -> C = .5
    x = np.array([[0.0, 0.0], [1.0, 1.0], [1.0, 0.0]])
    np.testing.assert_allclose(topsis(x, [1, 1], normalisation="minmax"), [0.0, 1.0, 0.5])


def test_topsis_degenerate_and_missing() -> None:
    np.testing.assert_array_equal(topsis(np.full((3, 2), 4.0), [1, 2]), [0.5, 0.5, 0.5])
    # col1 present values are equal (no contribution); row2 misses col1, uses col0 only:
    # col0 r = 1/3, 2/3, 2/3 -> rows 1, 2 at the ideal (C = 1), row 0 at the anti-ideal (C = 0)
    x = np.array([[1.0, 2.0], [2.0, 2.0], [2.0, NAN], [NAN, NAN]])
    np.testing.assert_allclose(topsis(x, [0.5, 0.5]), [0.0, 1.0, 1.0, NAN])


def test_topsis_bad_normalisation() -> None:
    with pytest.raises(MethodError, match="unknown normalisation"):
        topsis(X_TZ, W_TZ, normalisation="sum")  # type: ignore[arg-type]


# --------------------------------------------------------------------------------------------
# VIKOR
# --------------------------------------------------------------------------------------------


def test_vikor_hand() -> None:
    # f* = 8, 8, 8 ; f- = 5, 4, 4 ; t = (f* - x)/(f* - f-), w t:
    # row0: .3*1, 0, .3*1 -> S .6, R .3 ; row1: .1, .2, 0 -> S .3, R .2
    # row2: 0, 0, .15 -> S .15, R .15 ; row3: .1, .4, .15 -> S .65, R .4
    # S* .15, S- .65, R* .15, R- .4 ; Q = .5 (S - .15)/.5 + .5 (R - .15)/.25
    #   = .45 + .3 = .75 ; .15 + .1 = .25 ; 0 ; .5 + .5 = 1
    s, r, q = vikor(X_TZ, W_TZ)
    np.testing.assert_allclose(s, [0.6, 0.3, 0.15, 0.65], atol=1e-12)
    np.testing.assert_allclose(r, [0.3, 0.2, 0.15, 0.4], atol=1e-12)
    np.testing.assert_allclose(q, [0.75, 0.25, 0.0, 1.0], atol=1e-12)
    np.testing.assert_allclose(vikor_score(X_TZ, W_TZ), [0.25, 0.75, 1.0, 0.0], atol=1e-12)
    # weights are rescaled to sum 1 first
    np.testing.assert_allclose(vikor(X_TZ, W_TZ * 10)[0], s, atol=1e-12)


def test_vikor_degenerate_and_missing() -> None:
    s, r, q = vikor(np.full((3, 2), 1.0), [1, 1])
    np.testing.assert_array_equal(q, [0, 0, 0])
    np.testing.assert_array_equal(vikor_score(np.full((3, 2), 1.0), [1, 1]), [1, 1, 1])
    # row1 misses col1: its weight is rescaled to col0 only: S = R = t = (3 - 2)/(3 - 1) = .5
    x = np.array([[1.0, 1.0], [2.0, NAN], [3.0, 3.0], [NAN, NAN]])
    s, r, q = vikor(x, [1, 1])
    np.testing.assert_allclose(s, [1.0, 0.5, 0.0, NAN])
    np.testing.assert_allclose(r, [0.5, 0.5, 0.0, NAN])
    with pytest.raises(MethodError, match="v must be"):
        vikor(x, [1, 1], v=2.0)


# --------------------------------------------------------------------------------------------
# grey relational grade
# --------------------------------------------------------------------------------------------


def test_grey_hand() -> None:
    # x0 = (1, 1); delta = [[0, 1], [1, 0], [.5, .5]]; dmin 0, dmax 1; xi = .5/(delta + .5):
    # delta 0 -> 1, 1 -> 1/3, .5 -> .5
    # w (.5, .5): .5 + 1/6 = .666667 ; .666667 ; .5
    # w (.75, .25): .75 + .25/3 = .833333 ; .25 + .75/3 = .5 ; .5
    x = np.array([[1.0, 0.0], [0.0, 1.0], [0.5, 0.5]])
    np.testing.assert_allclose(grey_relational_grade(x, [1, 1]), [2 / 3, 2 / 3, 0.5])
    np.testing.assert_allclose(grey_relational_grade(x, [3, 1]), [5 / 6, 0.5, 0.5])
    # rho = 1: xi = 1/(delta + 1): 1, .5, 2/3 -> w (.5, .5): .75, .75, 2/3
    np.testing.assert_allclose(grey_relational_grade(x, [1, 1], rho=1.0), [0.75, 0.75, 2 / 3])


def test_grey_degenerate_missing_and_not_divided_by_units() -> None:
    np.testing.assert_array_equal(grey_relational_grade(np.full((4, 2), 3.0), [1, 1]), 1.0)
    # the ideal unit has grade 1 whatever the number of units (no division by n)
    x = np.vstack([np.ones((1, 3)), np.random.default_rng(1).uniform(0, 0.9, (49, 3))])
    assert grey_relational_grade(x, [1, 2, 3])[0] == pytest.approx(1.0)
    # row1 misses col1, grade over col0 only: delta 1 -> xi 1/3 ; row2 none -> NaN
    x = np.array([[1.0, 1.0], [0.0, NAN], [NAN, NAN], [1.0, 0.0]])
    np.testing.assert_allclose(grey_relational_grade(x, [1, 1]), [1.0, 1 / 3, NAN, 2 / 3])
    with pytest.raises(MethodError, match="rho"):
        grey_relational_grade(x, [1, 1], rho=0.0)


# --------------------------------------------------------------------------------------------
# Copeland
# --------------------------------------------------------------------------------------------


def test_copeland_hand() -> None:
    # weighted majorities (criteria better for each side):
    #   A0-A1: .4 vs .6 -> A1 ; A0-A2: 0 vs .6 -> A2 ; A0-A3: .4 vs .6 -> A3
    #   A1-A2: .3 vs .7 -> A2 ; A1-A3: .7 vs 0 -> A1 ; A2-A3: .7 vs 0 -> A2
    # wins - losses: A0 0-3 = -3 ; A1 2-1 = 1 ; A2 3-0 = 3 ; A3 1-2 = -1
    np.testing.assert_array_equal(copeland(X_TZ, W_TZ), [-3, 1, 3, -1])


def test_copeland_ties_including_float_noise() -> None:
    np.testing.assert_array_equal(copeland(np.array([[1.0, 0.0], [0.0, 1.0]]), [1, 1]), [0, 0])
    # .1 + .2 = 0.30000000000000004 vs .3: a tie, not a win for row 0
    x = np.array([[1.0, 1.0, 0.0], [0.0, 0.0, 1.0]])
    np.testing.assert_array_equal(copeland(x, [0.1, 0.2, 0.3]), [0, 0])


def test_copeland_missing_values() -> None:
    # row0 vs row1 compared on col0 only (row1 misses col1): 2 > 1 -> row0 wins
    # row2 has nothing: NaN, ties with everyone
    x = np.array([[2.0, 0.0], [1.0, NAN], [NAN, NAN]])
    np.testing.assert_array_equal(copeland(x, [1, 1]), [1, -1, NAN])


def test_copeland_blocks_match_single_pass(monkeypatch: pytest.MonkeyPatch) -> None:
    x = np.random.default_rng(7).integers(0, 4, size=(37, 3)).astype(float)
    w = np.array([[0.2, 0.3, 0.5], [1.0, 1.0, 1.0]])
    whole, regret = copeland(x, w), vikor(x, w)[1]
    monkeypatch.setattr(mcda, "_BLOCK_CELLS", 10)  # forces blocks of one row / one weight vector
    np.testing.assert_array_equal(copeland(x, w), whole)
    np.testing.assert_array_equal(vikor(x, w)[1], regret)


def _coinr_copeland(x: np.ndarray, w: np.ndarray) -> np.ndarray:
    """COINr's rule written out: outranking o_ab = W(a > b) + W(a = b)/2, > .5 win, < .5 loss."""
    w = w / w.sum()
    n = x.shape[0]
    score = np.zeros(n)
    for a in range(n):
        for b in range(n):
            if a == b:
                continue
            o = w[x[a] > x[b]].sum() + w[x[a] == x[b]].sum() / 2
            score[a] += 1 if o > 0.5 + 1e-12 else (-1 if o < 0.5 - 1e-12 else 0)
    return score


@settings(deadline=None, max_examples=50)
@given(
    x=hnp.arrays(
        np.float64,
        st.tuples(st.integers(2, 8), st.integers(1, 4)),
        elements=st.integers(0, 3).map(float),
    ),
    data=st.data(),
)
def test_copeland_matches_coinr_rule_without_missing(x: np.ndarray, data: st.DataObject) -> None:
    k = x.shape[1]
    w = np.array(data.draw(st.lists(st.integers(1, 5).map(float), min_size=k, max_size=k)))
    np.testing.assert_array_equal(copeland(x, w), _coinr_copeland(x, w))


# --------------------------------------------------------------------------------------------
# shared properties
# --------------------------------------------------------------------------------------------

_SCORERS: dict[str, Callable[..., np.ndarray]] = {
    "topsis": topsis,
    "topsis_minmax": lambda x, w: topsis(x, w, normalisation="minmax"),
    "vikor": vikor_score,
    "grey": grey_relational_grade,
    "copeland": copeland,
}

_X = hnp.arrays(
    np.float64,
    st.tuples(st.integers(1, 8), st.integers(1, 4)),
    elements=st.one_of(st.floats(0.0, 100.0, allow_subnormal=False), st.just(NAN)),
)


@pytest.mark.parametrize("name", sorted(_SCORERS))
@settings(deadline=None)
@given(x=_X, data=st.data())
def test_batched_equals_looped(name: str, x: np.ndarray, data: st.DataObject) -> None:
    k = x.shape[1]
    r = data.draw(st.integers(1, 3))
    stack = np.array(
        data.draw(
            st.lists(st.lists(st.floats(0.01, 10), min_size=k, max_size=k), min_size=r, max_size=r)
        )
    )
    f = _SCORERS[name]
    batched = f(x, stack)
    looped = np.stack([f(x, stack[i]) for i in range(r)])
    assert batched.shape == (r, x.shape[0])
    np.testing.assert_allclose(batched, looped, rtol=1e-10, atol=1e-12)
    finite = ~np.isnan(batched)
    assert np.array_equal(finite, np.broadcast_to((~np.isnan(x)).any(axis=1), batched.shape))
    if name != "copeland":
        assert np.all((batched[finite] >= -1e-12) & (batched[finite] <= 1 + 1e-12))


def test_topsis_vector_normalisation_of_tiny_and_huge_columns() -> None:
    # squares of 1e-162 underflow and of 1e200 overflow; the closeness must not notice the scale
    x = np.array([[4.9, 1.0], [1.0, 3.0], [2.0, 2.0]])
    expected = topsis(x, [1.0, 1.0])
    for scale in (1e-162, 1e-164, 1e150, 1e200):
        got = topsis(x * np.array([scale, 1.0]), [1.0, 1.0])
        np.testing.assert_allclose(got, expected, rtol=1e-12)


@settings(deadline=None)
@given(
    x=hnp.arrays(
        np.float64,
        st.tuples(st.integers(2, 8), st.integers(1, 4)),
        elements=st.floats(0.0, 100.0, allow_subnormal=False),
    ),
    factor=st.floats(0.01, 100.0),
    data=st.data(),
)
def test_topsis_vector_invariant_to_column_scaling(
    x: np.ndarray, factor: float, data: st.DataObject
) -> None:
    k = x.shape[1]
    w = np.array(data.draw(st.lists(st.floats(0.01, 10), min_size=k, max_size=k)))
    j = data.draw(st.integers(0, k - 1))
    scaled = x.copy()
    scaled[:, j] *= factor
    before, after = topsis(x, w), topsis(scaled, w)
    np.testing.assert_allclose(after, before, atol=1e-9)
    # rank-wise: only ties within float noise may differ, so compare on rounded scores
    np.testing.assert_array_equal(rank_desc(np.round(after, 9)), rank_desc(np.round(before, 9)))


def test_registry_and_validation() -> None:
    assert set(MCDA) == {"topsis", "vikor", "grey", "copeland"}
    with pytest.raises(MethodError, match="2-D"):
        topsis(np.ones(3), [1, 1, 1])
    with pytest.raises(MethodError, match="infinite"):
        copeland(np.array([[1.0, np.inf]]), [1, 1])
    with pytest.raises(MethodError, match=r"shape \(2,\) or \(R, 2\)"):
        grey_relational_grade(np.ones((2, 2)), [1, 1, 1])
