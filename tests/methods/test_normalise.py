"""Tests for kaifang.methods.normalise: hand-computed values, COINr's ASEM output, properties."""

from __future__ import annotations

import csv
from collections.abc import Callable
from pathlib import Path
from typing import Any, cast

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from numpy.testing import assert_allclose, assert_array_equal

from kaifang.errors import MethodError
from kaifang.methods.normalise import (
    NORMALISERS,
    borda,
    distance_to_max,
    distance_to_target,
    fraction_of_max,
    goalposts,
    minmax,
    percentile_rank,
    rank,
    zscore,
)

REPO = Path(__file__).resolve().parents[2]
ASEM = REPO / "tests" / "fixtures" / "asem_coinr"
NAN = np.nan


def col(*v: float) -> np.ndarray:
    return np.array(v, dtype=np.float64)[:, None]


# ------------------------------------------------------------------------------ min-max


def test_minmax_hand_values() -> None:
    # [2, 4, 6, 10]: min 2, max 10, range 8 -> (x - 2) / 8 = 0, 0.25, 0.5, 1
    assert_allclose(minmax(col(2, 4, 6, 10)), col(0, 0.25, 0.5, 1))
    # onto [0, 100]: 0, 25, 50, 100
    assert_allclose(minmax(col(2, 4, 6, 10), 0, 100), col(0, 25, 50, 100))
    # direction -1: oriented [-2, -4, -6, -10], min -10, max -2 -> (-x + 10) / 8 = 1, .75, .5, 0
    assert_allclose(minmax(col(2, 4, 6, 10), directions=[-1]), col(1, 0.75, 0.5, 0))


def test_minmax_nan_stays_nan_and_is_ignored() -> None:
    # NaN ignored: min 0, max 4 -> 0, nan, 0.5, 1
    assert_allclose(minmax(col(0, NAN, 2, 4)), col(0, NAN, 0.5, 1))


def test_minmax_constant_column_midpoint() -> None:
    x = np.array([[1.0, 5.0], [2.0, 5.0], [3.0, NAN]])
    y = minmax(x, 0, 100)
    # constant column -> (0 + 100) / 2 = 50 for present values; NaN stays NaN
    assert_allclose(y[:, 1], [50, 50, NAN])
    assert_allclose(y[:, 0], [0, 50, 100])


def test_minmax_with_reference() -> None:
    # base year [0, 20]: x = 10 -> 0.5, x = 30 -> 1.5 (outside [0, 1] on purpose), x = -10 -> -0.5
    assert_allclose(minmax(col(10, 30, -10), ref=col(0, 20)), col(0.5, 1.5, -0.5))
    # cost indicator, ref [0, 20]: oriented ref [-20, 0]; x = 5 -> (-5 + 20) / 20 = 0.75
    assert_allclose(minmax(col(5), directions=[-1], ref=col(0, 20)), col(0.75))


def test_minmax_errors() -> None:
    with pytest.raises(MethodError, match="lo < hi"):
        minmax(col(1, 2), 1, 0)
    with pytest.raises(MethodError, match="directions"):
        minmax(col(1, 2), directions=[2])
    with pytest.raises(MethodError, match="columns"):
        minmax(col(1, 2), ref=np.ones((2, 2)))
    with pytest.raises(MethodError, match=r"column\(s\) \[0\]"):
        minmax(col(1, 2), ref=col(NAN, NAN))
    with pytest.raises(MethodError, match="2-D"):
        minmax(np.array([1.0, 2.0]))


# ------------------------------------------------------------------------------ z-score


def test_zscore_hand_values_sample_sd() -> None:
    # [2, 4, 6, 8]: mean 5; sample var = (9 + 1 + 1 + 9) / 3 = 20/3, sd = 2.5819889 (R sd())
    sd = np.sqrt(20 / 3)
    assert_allclose(zscore(col(2, 4, 6, 8)), col(-3 / sd, -1 / sd, 1 / sd, 3 / sd))
    assert_allclose(zscore(col(2, 4, 6, 8))[0, 0], -1.161895003862225)
    # mean 100, sd 10: 100 + 10 * z
    assert_allclose(zscore(col(2, 4, 6, 8), 100, 10), 100 + 10 * col(-3, -1, 1, 3) / sd)
    # direction -1 flips the sign
    assert_allclose(zscore(col(2, 4, 6, 8), directions=[-1]), col(3, 1, -1, -3) / sd)


def test_zscore_constant_and_reference() -> None:
    # 0.1 three times: the float mean is not exactly 0.1, yet the column is constant -> mean
    y = zscore(np.array([[0.1, 1.0], [0.1, 2.0], [0.1, 3.0]]), 50, 10)
    assert_array_equal(y[:, 0], [50, 50, 50])
    # column 2: mean 2, sd 1 -> 40, 50, 60
    assert_allclose(y[:, 1], [40, 50, 60])
    # ref [0, 2]: mean 1, sd sqrt(2); x = 3 -> (3 - 1) / sqrt(2)
    assert_allclose(zscore(col(3), ref=col(0, 2)), col(2 / np.sqrt(2)))
    with pytest.raises(MethodError, match="sd > 0"):
        zscore(col(1, 2), sd=0)


def test_zscore_tiny_values_do_not_divide_by_zero() -> None:
    # squared deviations of 1e-200 would underflow to 0 without range scaling
    y = zscore(col(0, 1e-200, 2e-200))
    assert_allclose(y, col(-1, 0, 1))


# ------------------------------------------------------------------------------ goalposts


def test_goalposts_hand_values() -> None:
    x = col(50, 250, -10, NAN)
    # lower 0, upper 200: 50/200 = .25; 250 clipped -> 1; -10 clipped -> 0
    assert_allclose(goalposts(x, [0], [200]), col(0.25, 1, 0, NAN))
    # direction -1: (200 - 50) / 200 = .75, 0, 1
    assert_allclose(goalposts(x, [0], [200], directions=[-1]), col(0.75, 0, 1, NAN))
    # no clipping: 250 -> 1.25, -10 -> -0.05; onto [0, 100]
    assert_allclose(goalposts(x, [0], [200], clip=False, hi=100), col(25, 125, -5, NAN))


def test_goalposts_coinr_examples() -> None:
    # COINr ?n_goalposts: n_goalposts(1, gposts = c(0, 10, 1)) = 0.1, direction = -1 gives 0.9
    assert_allclose(goalposts(col(1), 0, 10), col(0.1))
    assert_allclose(goalposts(col(1), 0, 10, directions=[-1]), col(0.9))


def test_goalposts_bad_bounds_name_column() -> None:
    with pytest.raises(MethodError, match=r"column 1 has lower goalpost 5\.0 >= upper"):
        goalposts(np.ones((2, 2)), [0, 5], [1, 5])
    with pytest.raises(MethodError, match="non-finite"):
        goalposts(np.ones((2, 1)), [NAN], [1])


# ------------------------------------------------------------------------------ ranks


def test_rank_ties_hand_values() -> None:
    x = col(3, 1, 3, 2, NAN)
    # sorted 1, 2, 3, 3: average ranks 1, 2, 3.5, 3.5
    assert_allclose(rank(x), col(3.5, 1, 3.5, 2, NAN))
    # COINr n_rank default ties = "min": 3, 1, 3, 2
    assert_allclose(rank(x, ties="min"), col(3, 1, 3, 2, NAN))
    assert_allclose(rank(x, ties="max"), col(4, 1, 4, 2, NAN))
    # cost indicator: 1 is best -> rank 4; 3s are worst -> (1 + 2) / 2
    assert_allclose(rank(x, directions=[-1]), col(1.5, 4, 1.5, 3, NAN))
    with pytest.raises(MethodError, match="ties"):
        rank(x, ties=cast(Any, "dense"))  # a wrong value from a config file


def test_rank_matches_scipy_average() -> None:
    from scipy.stats import rankdata

    rng = np.random.default_rng(1)
    x = np.round(rng.normal(size=(200, 5)), 1)
    x[rng.random(x.shape) < 0.1] = NAN
    assert_allclose(rank(x), rankdata(x, axis=0, nan_policy="omit"))


def test_rank_against_reference() -> None:
    ref = col(1, 2, 3)
    x = col(0, 2, 2.5, 4)
    # below-all: 0.5; equal to the 2nd: 2; between 2nd and 3rd: 2.5; above all: 3.5
    assert_allclose(rank(x, ref=ref), col(0.5, 2, 2.5, 3.5))
    # min ties = inserted position 1 + #below: 1, 2, 3, 4; max ties = #at-or-below: 0, 2, 2, 3
    assert_allclose(rank(x, ref=ref, ties="min"), col(1, 2, 3, 4))
    assert_allclose(rank(x, ref=ref, ties="max"), col(0, 2, 2, 3))


def test_percentile_rank_hand_values() -> None:
    x = col(3, 1, 3, 2)
    # average ranks 3.5, 1, 3.5, 2 -> (r - 1) / 3 = 5/6, 0, 5/6, 1/3
    assert_allclose(percentile_rank(x), col(5 / 6, 0, 5 / 6, 1 / 3))
    # COINr n_prank (min ties): ranks 3, 1, 3, 2 -> 2/3, 0, 2/3, 1/3
    assert_allclose(percentile_rank(x, ties="min"), col(2 / 3, 0, 2 / 3, 1 / 3))
    # constant column and a single value -> 0.5
    assert_allclose(percentile_rank(col(7, 7, 7)), col(0.5, 0.5, 0.5))
    assert_allclose(percentile_rank(col(NAN, 4)), col(NAN, 0.5))
    # against ref [1, 2, 3]: ranks 0.5, 2, 2.5, 3.5 -> (r - 1) / 2 clipped: 0, .5, .75, 1
    assert_allclose(percentile_rank(col(0, 2, 2.5, 4), ref=col(1, 2, 3)), col(0, 0.5, 0.75, 1))


def test_borda_hand_values() -> None:
    # number strictly lower: 3 -> 2 (1 and 2), 1 -> 0, 2 -> 1; COINr rank(min) - 1
    assert_allclose(borda(col(3, 1, 3, 2, NAN)), col(2, 0, 2, 1, NAN))
    # cost: 1 is best: strictly worse (larger) values: 1 -> 3, 2 -> 2, 3 -> 0
    assert_allclose(borda(col(3, 1, 3, 2), directions=[-1]), col(0, 3, 0, 2))


# ------------------------------------------------------------------------------ distances


def test_distance_to_max_hand_values() -> None:
    # 1 - (10 - x) / (10 - 2): 0, .25, .5, 1
    assert_allclose(distance_to_max(col(2, 4, 6, 10)), col(0, 0.25, 0.5, 1))
    # constant: every unit at the maximum -> 1
    assert_allclose(distance_to_max(col(3, 3, NAN)), col(1, 1, NAN))


def test_distance_to_target_hand_values() -> None:
    x = col(2, 4, 6, 10)
    # (x - 2) / (8 - 2): 0, 1/3, 2/3, 4/3 -> capped at 1
    assert_allclose(distance_to_target(x, [8]), col(0, 1 / 3, 2 / 3, 1))
    assert_allclose(distance_to_target(x, [8], cap=False), col(0, 1 / 3, 2 / 3, 4 / 3))
    # direction -1, target 3: (10 - x) / (10 - 3) = 8/7 -> 1, 6/7, 4/7, 0 (COINr formula)
    assert_allclose(distance_to_target(x, [3], directions=[-1]), col(1, 6 / 7, 4 / 7, 0))
    # target at or below the worst value: with cap every unit has reached it -> 1
    assert_allclose(distance_to_target(x, [1]), col(1, 1, 1, 1))
    with pytest.raises(MethodError, match=r"column 0: target 1\.0 is not better"):
        distance_to_target(x, [1], cap=False)
    with pytest.raises(MethodError, match="not better"):
        distance_to_target(col(0), [1], ref=col(2, 3))


def test_fraction_of_max_hand_values_and_errors() -> None:
    # x / 10: .2, .4, .6, 1
    assert_allclose(fraction_of_max(col(2, 4, 6, 10)), col(0.2, 0.4, 0.6, 1))
    with pytest.raises(MethodError, match=r"column 0 has oriented maximum 0\.0"):
        fraction_of_max(col(0, 0))
    with pytest.raises(MethodError, match=r"maximum -2\.0 \(direction -1\)"):
        fraction_of_max(col(2, 4), directions=[-1])


# ------------------------------------------------------------------------------ COINr ASEM


def _read(name: str) -> np.ndarray:
    with (ASEM / name).open(newline="") as f:
        rows = list(csv.reader(f))[1:]
    return np.array([[float(v) if v else NAN for v in r[1:]] for r in rows])


def _asem_directions() -> np.ndarray:
    with (REPO / "examples" / "asem" / "ASEM_iMeta.csv").open(newline="") as f:
        meta = [r for r in csv.DictReader(f) if r["Type"] == "Indicator"]
    return np.array([float(r["Direction"]) for r in meta])


def test_minmax_reproduces_coinr_asem_bit_for_bit() -> None:
    # COINr 1.1.14: Normalise(coin, "Treated", n_minmax, c(0, 100)) with iMeta directions
    out = minmax(_read("Treated.csv"), 0, 100, directions=_asem_directions())
    assert_array_equal(out, _read("Normalised.csv"))


# ------------------------------------------------------------------------------ properties

finite = st.floats(min_value=-1e9, max_value=1e9, allow_nan=False)
cell = st.one_of(finite, finite, finite, st.just(NAN))


@st.composite
def matrices(draw: st.DrawFn, min_rows: int = 2) -> np.ndarray:
    n = draw(st.integers(min_rows, 9))
    m = draw(st.integers(1, 4))
    return draw(arrays(np.float64, (n, m), elements=cell))


@st.composite
def matrix_and_directions(draw: st.DrawFn) -> tuple[np.ndarray, np.ndarray]:
    x = draw(matrices())
    d = draw(arrays(np.float64, (x.shape[1],), elements=st.sampled_from([1.0, -1.0])))
    return x, d


@given(matrices(), st.floats(-100, 100), st.floats(0.001, 100))
def test_minmax_output_in_range(x: np.ndarray, lo: float, width: float) -> None:
    hi = lo + width
    y = minmax(x, lo, hi)
    present = ~np.isnan(x)
    assert_array_equal(np.isnan(y), ~present)
    assert np.all((y[present] >= lo) & (y[present] <= hi))


small_int = st.integers(-1000, 1000).map(float)


@given(
    arrays(np.float64, st.tuples(st.integers(2, 9), st.integers(1, 4)), elements=small_int),
    st.floats(1e-3, 1e3),
    st.data(),
)
def test_minmax_invariant_to_positive_rescaling(
    x: np.ndarray, c: float, data: st.DataObject
) -> None:
    # integer values up to 1000: the relative rounding error of c * x stays near 1e-13
    j = data.draw(st.integers(0, x.shape[1] - 1))
    scaled = x.copy()
    scaled[:, j] *= c
    y, ys = minmax(x), minmax(scaled)
    assert_allclose(ys, y, atol=1e-9)
    # hence the units' order by their mean normalised score is unchanged
    a, b = y.mean(axis=1), ys.mean(axis=1)
    clearly_below = a[:, None] < a[None, :] - 1e-9
    assert np.all((b[:, None] < b[None, :])[clearly_below])


def _call(name: str, x: np.ndarray, d: np.ndarray) -> np.ndarray:
    f = NORMALISERS[name]
    if name == "goalposts":
        return f(x, -5e8, 5e8, directions=d)
    if name == "distance_to_target":
        return f(x, 2e9 * d, directions=d)  # a target beyond every value, in either direction
    return f(x, directions=d)


TWIN_NAMES = ["minmax", "zscore", "rank", "percentile_rank", "borda", "distance_to_max"]


@pytest.mark.parametrize("name", TWIN_NAMES)
@given(xd=matrix_and_directions())
def test_cost_indicator_reversed_equals_benefit_twin(
    name: str, xd: tuple[np.ndarray, np.ndarray]
) -> None:
    x, d = xd
    assert_array_equal(_call(name, x, -d), _call(name, -x, d))
    # with a reference too (its orientation follows the same directions)
    f: Callable[..., np.ndarray] = NORMALISERS[name]
    ref = x[::-1] + 1.0
    assert_array_equal(f(x, directions=-d, ref=ref), f(-x, directions=d, ref=-ref))


@given(xd=matrix_and_directions(), lo=st.floats(-10, 0), width=st.floats(0.5, 20))
def test_goalposts_cost_twin(xd: tuple[np.ndarray, np.ndarray], lo: float, width: float) -> None:
    x, d = xd
    low, up = np.full(x.shape[1], lo), np.full(x.shape[1], lo + width)
    assert_array_equal(goalposts(x, low, up, directions=-d), goalposts(-x, -up, -low, directions=d))


@settings(max_examples=60)
@pytest.mark.parametrize("name", sorted(NORMALISERS))
@given(xd=matrix_and_directions(), value=finite)
def test_constant_column_is_finite_and_isolated(
    name: str, xd: tuple[np.ndarray, np.ndarray], value: float
) -> None:
    x, d = xd
    if name == "fraction_of_max":  # needs a positive oriented maximum in every column
        x, d, value = np.abs(x) + 1.0, np.ones_like(d), abs(value) + 1.0
    const = np.full((x.shape[0], 1), value)
    const[0, 0] = NAN
    y = _call(name, np.hstack([x, const]), np.r_[d, 1.0])
    assert np.isnan(y[0, -1])
    assert np.all(np.isfinite(y[1:, -1]))
    assert not np.isinf(y).any()
    # same values up to summation order (numpy reduces a wider array in a different order)
    assert_allclose(y[:, :-1], _call(name, x, d), rtol=1e-12, atol=1e-12)
