"""Tests for kaifang.methods.impute: hand-computed fills, COINr's ASEM imputation, properties."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose, assert_array_equal

from kaifang.errors import MethodError
from kaifang.methods.impute import (
    IMPUTERS,
    impute_linear,
    impute_locf,
    impute_mean,
    impute_median,
    impute_nocb,
    impute_none,
)

ASEM = Path(__file__).resolve().parents[2] / "tests" / "fixtures" / "asem_coinr"
NAN = np.nan


def col(*v: float) -> np.ndarray:
    return np.array(v, dtype=np.float64)[:, None]


# ------------------------------------------------------------------------------ mean / median


def test_impute_mean_coinr_example_one_group() -> None:
    # COINr ?i_mean: i_mean(c(1, 2, 3, 4, NA)) -> NA becomes (1 + 2 + 3 + 4) / 4 = 2.5
    out, mask = impute_mean(col(1, 2, 3, 4, NAN))
    assert_allclose(out, col(1, 2, 3, 4, 2.5))
    assert_array_equal(mask, col(0, 0, 0, 0, 1).astype(bool))


def test_impute_mean_by_group_hand_values() -> None:
    x = np.array([[1.0, 5.0], [NAN, NAN], [3.0, 7.0], [10.0, NAN], [NAN, 2.0], [NAN, NAN]])
    groups = ["a", "a", "a", "b", "b", "c"]
    out, mask = impute_mean(x, groups)
    # group a: col 0 (1 + 3) / 2 = 2, col 1 (5 + 7) / 2 = 6; group b: col 0 -> 10, col 1 -> 2
    # group c: all missing -> stays NaN, not marked
    expected = np.array([[1, 5], [2, 6], [3, 7], [10, 2], [10, 2], [NAN, NAN]])
    assert_allclose(out, expected)
    assert_array_equal(mask, np.isnan(x) & ~np.isnan(expected))
    assert not mask[5].any()


def test_impute_median_by_group_hand_values() -> None:
    x = col(1, NAN, 3, 4, 10, 20, NAN, NAN)
    groups = [0, 0, 0, 0, 1, 1, 1, 2]
    out, mask = impute_median(x, groups)
    # group 0: median of 1, 3, 4 = 3; group 1: median of 10, 20 = 15; group 2: nothing -> NaN
    assert_allclose(out, col(1, 3, 3, 4, 10, 20, 15, NAN))
    assert_array_equal(mask[:, 0], [0, 1, 0, 0, 0, 0, 1, 0])


def test_group_labels_tuples_2d_and_missing() -> None:
    x = col(1, NAN, 3, 5, NAN)
    # tuples (year, region): rows 0-1 share (2020, "E"), rows 2-3-4 share (2020, "W")
    tuples = [(2020, "E"), (2020, "E"), (2020, "W"), (2020, "W"), (2020, "W")]
    out, _ = impute_mean(x, np.array(tuples, dtype=object))
    # (2020, E): 1; (2020, W): (3 + 5) / 2 = 4
    assert_allclose(out, col(1, 1, 3, 5, 4))
    out2, _ = impute_mean(x, np.array([[2020, 1], [2020, 1], [2020, 2], [2020, 2], [2020, 2]]))
    assert_allclose(out2, out)
    # a missing label leaves the row alone (COINr skip_f_na = TRUE)
    out3, mask3 = impute_mean(x, [1.0, NAN, 2.0, 2.0, 2.0])
    assert np.isnan(out3[1, 0]) and not mask3[1, 0]
    assert out3[4, 0] == 4
    out4, _ = impute_median(x, ["a", None, "b", "b", "b"])
    assert np.isnan(out4[1, 0]) and out4[4, 0] == 4
    with pytest.raises(MethodError, match="one label per row"):
        impute_mean(x, [1, 2])


def _read(name: str) -> np.ndarray:
    with (ASEM / name).open(newline="") as f:
        rows = list(csv.reader(f))[1:]
    return np.array([[float(v) if v else NAN for v in r[1:]] for r in rows])


def test_impute_mean_reproduces_coinr_asem() -> None:
    # COINr 1.1.14: Impute(coin, "Denominated", f_i = "i_mean_grp", use_group = "EurAsia_group")
    with (ASEM / "units.csv").open(newline="") as f:
        groups = [r["EurAsia_group"] for r in csv.DictReader(f)]
    den = _read("Denominated.csv")
    out, mask = impute_mean(den, groups)
    # R's mean() accumulates in long double: agreement to rounding, not bit for bit
    assert_allclose(out, _read("Imputed.csv"), rtol=1e-13, atol=0)
    assert mask.sum() == np.isnan(den).sum() == 65


# ------------------------------------------------------------------------------ time series


def test_locf_nocb_linear_one_unit() -> None:
    x = col(NAN, 1, NAN, NAN, 4, NAN)
    unit = ["u"] * 6
    years = [2015, 2016, 2017, 2018, 2019, 2020]
    locf, m1 = impute_locf(x, unit, years)
    assert_allclose(locf, col(NAN, 1, 1, 1, 4, 4))
    assert_array_equal(m1[:, 0], [0, 0, 1, 1, 0, 1])
    nocb, _ = impute_nocb(x, unit, years)
    assert_allclose(nocb, col(1, 1, 4, 4, 4, NAN))
    # linear between 2016 (1) and 2019 (4): 2017 -> 1 + 3 * 1/3 = 2, 2018 -> 3; ends stay NaN
    lin, m3 = impute_linear(x, unit, years)
    assert_allclose(lin, col(NAN, 1, 2, 3, 4, NAN))
    assert_array_equal(m3[:, 0], [0, 0, 1, 1, 0, 0])


def test_linear_uses_actual_time_gaps_and_any_row_order() -> None:
    # years 2015, 2017, 2020 with values 2, ?, 8: 2 + 6 * (2017 - 2015) / (2020 - 2015) = 4.4
    x = col(8, NAN, 2)
    out, _ = impute_linear(x, [7, 7, 7], [2020, 2017, 2015])
    assert_allclose(out, col(8, 4.4, 2))


def test_no_leak_across_units() -> None:
    # unit A ends observed at 5, unit B starts missing: LOCF must not carry A's 5 into B
    x = col(NAN, 6, 5, 1, NAN)
    unit = ["B", "B", "A", "A", "A"]
    years = [2019, 2020, 2019, 2018, 2020]
    out, mask = impute_locf(x, unit, years)
    # B: 2019 is its first year -> stays NaN; A: 2020 <- 2019's 5
    assert_allclose(out, col(NAN, 6, 5, 1, 5))
    assert_array_equal(mask[:, 0], [0, 0, 0, 0, 1])
    lin, _ = impute_linear(x, unit, years)
    assert_allclose(lin, x)  # no interior gap anywhere
    nocb, _ = impute_nocb(x, unit, years)
    assert_allclose(nocb, col(6, 6, 5, 1, NAN))


def test_panel_errors() -> None:
    with pytest.raises(MethodError, match="same unit and time"):
        impute_locf(col(1, 2), ["a", "a"], [2020, 2020])
    with pytest.raises(MethodError, match="time"):
        impute_locf(col(1, 2), ["a", "a"], [2020, NAN])
    with pytest.raises(MethodError, match="missing unit"):
        impute_locf(col(1, 2), ["a", None], [2020, 2021])


def test_registry_and_none() -> None:
    assert set(IMPUTERS) >= {"none", "mean", "median", "group_mean", "linear_time", "locf", "nocb"}
    out, mask = impute_none(col(1, NAN))
    assert np.isnan(out[1, 0]) and not mask.any()


def test_panel_fill_at_benchmark_size() -> None:
    # speed is measured in benchmarks/, never asserted in tests
    # benchmark shape: 2,844 units x 10 years x 100 indicators, rows shuffled, 20% missing
    rng = np.random.default_rng(0)
    n_units, n_years, m = 2844, 10, 100
    unit = np.repeat(np.arange(n_units), n_years)
    year = np.tile(np.arange(2015, 2025), n_units)
    x = rng.normal(size=(n_units * n_years, m))
    x[rng.random(x.shape) < 0.2] = NAN
    perm = rng.permutation(unit.size)
    out, mask = impute_linear(x[perm], unit[perm], year[perm])
    assert mask.sum() > 0
    assert_array_equal(out[~mask], x[perm][~mask])


# ------------------------------------------------------------------------------ properties


@st.composite
def panels(draw: st.DrawFn) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    n_units = draw(st.integers(1, 4))
    n_years = draw(st.integers(1, 6))
    m = draw(st.integers(1, 3))
    unit = np.repeat(np.arange(n_units), n_years)
    year = np.tile(2000 + np.arange(n_years) * draw(st.integers(1, 3)), n_units)
    cells = st.one_of(st.floats(-1e6, 1e6), st.just(NAN))
    x = np.array(draw(st.lists(cells, min_size=unit.size * m, max_size=unit.size * m)))
    perm = np.array(draw(st.permutations(range(unit.size))), dtype=int)
    return x.reshape(unit.size, m)[perm], unit[perm], year[perm]


def _inside_span(x: np.ndarray, unit: np.ndarray, year: np.ndarray) -> np.ndarray:
    """True for cells between a unit's first and last observed year in that column."""
    inside = np.zeros(x.shape, dtype=bool)
    for u in np.unique(unit):
        rows = unit == u
        for j in range(x.shape[1]):
            seen = year[rows][~np.isnan(x[rows, j])]
            if seen.size:
                inside[rows, j] = (year[rows] >= seen.min()) & (year[rows] <= seen.max())
    return inside


@settings(max_examples=80)
@given(panels())
def test_time_fills_keep_observed_and_fill_inside_span(
    panel: tuple[np.ndarray, np.ndarray, np.ndarray],
) -> None:
    x, unit, year = panel
    observed = ~np.isnan(x)
    inside = _inside_span(x, unit, year)
    for f in (impute_linear, impute_locf, impute_nocb):
        out, mask = f(x, unit, year)
        assert_array_equal(out[observed], x[observed])
        assert_array_equal(mask, ~observed & ~np.isnan(out))
        assert not np.isnan(out[inside]).any(), f.__name__
    lin, _ = impute_linear(x, unit, year)
    assert_array_equal(np.isnan(lin), ~inside & ~observed)
    locf, _ = impute_locf(x, unit, year)
    # interpolated values lie between the bracketing observations, so within the unit's range
    for u in np.unique(unit):
        rows = unit == u
        for j in range(x.shape[1]):
            obs = x[rows, j][~np.isnan(x[rows, j])]
            if obs.size:
                filled = lin[rows, j][~np.isnan(lin[rows, j])]
                assert filled.min() >= obs.min() - 1e-6 and filled.max() <= obs.max() + 1e-6
                assert set(locf[rows, j][~np.isnan(locf[rows, j])]) <= set(obs)


@settings(max_examples=80)
@given(panels(), st.booleans())
def test_group_fills_keep_observed(
    panel: tuple[np.ndarray, np.ndarray, np.ndarray], by_year: bool
) -> None:
    x, _unit, year = panel
    groups = year if by_year else None
    observed = ~np.isnan(x)
    for f in (impute_mean, impute_median):
        out, mask = f(x, groups)
        assert_array_equal(out[observed], x[observed])
        assert_array_equal(mask, ~observed & ~np.isnan(out))
        # a group with any observed value in a column leaves no NaN there
        labels = np.zeros(len(x)) if groups is None else groups
        for g in np.unique(labels):
            rows = labels == g
            has = observed[rows].any(axis=0)
            assert not np.isnan(out[rows][:, has]).any()


# ------------------------------------------------------------------------------ reference fills
# Verbatim copy of the panel fills as they were before the level-by-level rewrite (accumulated
# observation indices over the (unit, time)-sorted rows). The fast versions must reproduce them
# bit for bit, so they are kept here as the oracle.


def _reference_codes(labels: object, n: int) -> np.ndarray:
    arr = np.asarray(labels)
    codes = np.full(n, -1, dtype=np.intp)
    if arr.dtype.kind == "O":
        seen: dict[object, int] = {}
        for i, g in enumerate(list(arr)):
            codes[i] = seen.setdefault(g, len(seen))
        return codes
    codes[:] = np.unique(arr, return_inverse=True)[1].reshape(-1)
    return codes


def _reference_panel_fill(
    x: np.ndarray, unit: object, time: object, how: str
) -> tuple[np.ndarray, np.ndarray]:
    a = np.asarray(x, dtype=np.float64)
    n = a.shape[0]
    ucodes = _reference_codes(unit, n)
    t = np.asarray(time, dtype=np.float64)
    order = np.lexsort((t, ucodes)).astype(np.intp)
    u_s, t_s = ucodes[order], t[order]
    xs = a[order]
    if n == 0:
        return a.copy(), np.zeros(a.shape, dtype=bool)
    obs = ~np.isnan(xs)
    pos = np.arange(n, dtype=np.intp)[:, None]
    prev = np.maximum.accumulate(np.where(obs, pos, -1), axis=0)
    nxt = np.minimum.accumulate(np.where(obs, pos, n)[::-1], axis=0)[::-1]
    prev_c = np.maximum(prev, 0)
    nxt_c = np.minimum(nxt, n - 1)
    ucol = u_s[:, None]
    prev_ok = (prev >= 0) & (u_s[prev_c] == ucol)
    nxt_ok = (nxt < n) & (u_s[nxt_c] == ucol)
    prev, nxt = prev_c, nxt_c
    missing = np.isnan(xs)
    x_prev = np.take_along_axis(xs, prev, axis=0)
    x_next = np.take_along_axis(xs, nxt, axis=0)
    if how == "locf":
        filled_s = np.where(missing & prev_ok, x_prev, xs)
    elif how == "nocb":
        filled_s = np.where(missing & nxt_ok, x_next, xs)
    else:
        inner = missing & prev_ok & nxt_ok
        t_col = t_s[:, None]
        t_prev, t_next = t_s[prev], t_s[nxt]
        with np.errstate(invalid="ignore", divide="ignore"):
            frac = (t_col - t_prev) / (t_next - t_prev)
            lin = x_prev + (x_next - x_prev) * frac
        filled_s = np.where(inner, lin, xs)
    out = np.empty_like(a)
    out[order] = filled_s
    return out, np.isnan(a) & ~np.isnan(out)


def _reference_impute_linear(
    x: np.ndarray, unit: object, time: object
) -> tuple[np.ndarray, np.ndarray]:
    return _reference_panel_fill(x, unit, time, "linear")


def _reference_impute_locf(
    x: np.ndarray, unit: object, time: object
) -> tuple[np.ndarray, np.ndarray]:
    return _reference_panel_fill(x, unit, time, "locf")


def _reference_impute_nocb(
    x: np.ndarray, unit: object, time: object
) -> tuple[np.ndarray, np.ndarray]:
    return _reference_panel_fill(x, unit, time, "nocb")


_FILLS = (
    (impute_linear, _reference_impute_linear),
    (impute_locf, _reference_impute_locf),
    (impute_nocb, _reference_impute_nocb),
)


def _assert_fills_equal_reference(x: np.ndarray, unit: object, year: object) -> None:
    for fast, ref in _FILLS:
        out, mask = fast(x, unit, year)
        want, want_mask = ref(x, unit, year)
        assert_array_equal(out, want, err_msg=fast.__name__)  # NaN in the same places
        assert_array_equal(mask, want_mask, err_msg=fast.__name__)


@st.composite
def ragged_panels(draw: st.DrawFn) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Unbalanced panels: unit-specific, unevenly spaced years, all-NaN and one-year units."""
    n_units = draw(st.integers(1, 6))
    m = draw(st.integers(0, 3))
    units, years = [], []
    for u in range(n_units):
        span = draw(st.sets(st.integers(1990, 2030), min_size=1, max_size=8))
        units += [u * 7 + 3] * len(span)
        years += sorted(span)
    n = len(units)
    cells = st.one_of(
        st.floats(-1e6, 1e6), st.just(NAN), st.just(NAN), st.sampled_from([0.0, -0.0, 1.5])
    )
    x = np.array(draw(st.lists(cells, min_size=n * m, max_size=n * m))).reshape(n, m)
    if m and draw(st.booleans()):
        x[np.array(units) == units[0]] = NAN  # a unit with no observation at all
    perm = np.array(draw(st.permutations(range(n))), dtype=int)
    return x[perm], np.array(units)[perm], np.array(years, dtype=float)[perm]


@settings(max_examples=200, deadline=None)
@given(ragged_panels())
def test_time_fills_equal_reference_on_ragged_panels(
    panel: tuple[np.ndarray, np.ndarray, np.ndarray],
) -> None:
    x, unit, year = panel
    _assert_fills_equal_reference(x, unit, year)
    # string labels and float years that are not whole numbers give the same fills
    labels = np.array([f"u{u}" for u in unit], dtype=object)
    _assert_fills_equal_reference(x, labels, year + 0.25)


@settings(max_examples=100, deadline=None)
@given(panels())
def test_time_fills_equal_reference_on_full_grids(
    panel: tuple[np.ndarray, np.ndarray, np.ndarray],
) -> None:
    _assert_fills_equal_reference(*panel)


def test_time_fills_equal_reference_on_benchmark_grid() -> None:
    # year-major rows (all units of a year, then the next year), as the pipeline stores them
    rng = np.random.default_rng(1)
    n_units, m = 2844, 20
    years = np.array([2015, 2016, 2017, 2018, 2019, 2020, 2021, 2022, 2023, 2024], dtype=float)
    unit = np.tile(np.arange(n_units), years.size)
    year = np.repeat(years, n_units)
    x = rng.lognormal(3, 1, size=(unit.size, m))
    x[rng.random(x.shape) < 0.1] = NAN
    x[unit == 5] = NAN
    _assert_fills_equal_reference(x, unit, year)
    keep = rng.random(unit.size) < 0.9  # drop 10% of unit-years: a ragged panel
    _assert_fills_equal_reference(x[keep], unit[keep], year[keep])


def test_time_fills_equal_reference_on_long_series() -> None:
    # more time points per unit than the level-by-level loop takes (the other code path)
    rng = np.random.default_rng(2)
    unit = np.r_[np.zeros(400), np.arange(1, 51).repeat(3)]
    year = np.r_[np.arange(400.0), np.tile([1.0, 5.0, 6.5], 50)]
    x = rng.normal(size=(unit.size, 3))
    x[rng.random(x.shape) < 0.5] = NAN
    perm = rng.permutation(unit.size)
    _assert_fills_equal_reference(x[perm], unit[perm], year[perm])
