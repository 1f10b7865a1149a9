"""Tests for kaifang.methods.treat (and the skew/kurtosis of kaifang.methods.stats)."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pytest
import scipy.stats
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from numpy.testing import assert_allclose, assert_array_equal

from kaifang.errors import MethodError
from kaifang.methods.stats import column_kurtosis, column_skewness, row_skew_kurt
from kaifang.methods.treat import (
    TREATMENTS,
    boxcox,
    check_skew_kurt,
    kurtosis,
    log,
    log1p,
    log_ct,
    log_ct_plus,
    skewness,
    winsorise,
    winsorise_column,
)

ASEM = Path(__file__).resolve().parents[2] / "tests" / "fixtures" / "asem_coinr"
NAN = np.nan

# ------------------------------------------------------------------------------ skew / kurtosis


def test_skewness_kurtosis_hand_computation() -> None:
    # x = 1, 2, 3, 4, 10: mean 4, deviations -3, -2, -1, 0, 6
    # sum d^2 = 50, sum d^3 = 180, sum d^4 = 1394, n = 5
    # g1 = sqrt(5) * 180 / 50^1.5 = 1.1384199576606167; G1 = g1 * sqrt(5 * 4) / 3
    g1 = np.sqrt(5) * 180 / 50**1.5
    assert skewness([1, 2, 3, 4, 10]) == pytest.approx(g1 * np.sqrt(20) / 3, rel=1e-14)
    assert skewness([1, 2, 3, 4, 10]) == pytest.approx(1.697056274847714, rel=1e-14)
    # r = 5 * 1394 / 50^2 = 2.788; G2 = ((6)(2.788 - 3) + 6)(4) / ((3)(2)) = 3.152
    assert kurtosis([1, 2, 3, 4, 10]) == pytest.approx(3.152, rel=1e-13)


def test_skewness_kurtosis_equal_scipy_unbiased_excess() -> None:
    rng = np.random.default_rng(7)
    x = rng.lognormal(size=(40, 6))
    assert_allclose(column_skewness(x), scipy.stats.skew(x, bias=False), rtol=1e-12)
    assert_allclose(
        column_kurtosis(x), scipy.stats.kurtosis(x, fisher=True, bias=False), rtol=1e-12
    )


def test_skewness_kurtosis_nan_and_degenerate() -> None:
    # NaN ignored
    assert skewness([1, NAN, 2, 3, 4, 10]) == pytest.approx(skewness([1, 2, 3, 4, 10]))
    # fewer than 3 (skew) / 4 (kurtosis) values, or constant: NaN (COINr returns NA)
    assert np.isnan(skewness([1, 2]))
    assert not np.isnan(skewness([1, 2, 5]))
    assert np.isnan(kurtosis([1, 2, 5]))
    assert np.isnan(skewness([0.1, 0.1, 0.1, 0.1]))
    assert np.isnan(kurtosis([0.1, 0.1, 0.1, 0.1]))
    with pytest.raises(MethodError):
        skewness(np.ones((2, 2)))


@given(arrays(np.float64, st.integers(4, 30), elements=st.floats(-1e6, 1e6)))
def test_skewness_kurtosis_match_scipy_property(v: np.ndarray) -> None:
    if v.min() == v.max():
        assert np.isnan(skewness(v)) and np.isnan(kurtosis(v))
        return
    span = np.ptp(v)
    if span < 1e-6 * np.abs(v).max():
        return  # ill-conditioned: the mean itself is not accurate to the spread
    # both statistics are shift and scale free; scipy on (v - min) / range avoids its underflow
    u = (v - v.min()) / span
    assert skewness(v) == pytest.approx(scipy.stats.skew(u, bias=False), rel=1e-6, abs=1e-9)
    assert kurtosis(v) == pytest.approx(
        scipy.stats.kurtosis(u, fisher=True, bias=False), rel=1e-6, abs=1e-9
    )


def test_check_skew_kurt_rule_is_or() -> None:
    # [1..10, 30, 100]: skew 3.06 >= 2 AND kurt 9.74 >= 3.5 -> fails
    v = np.r_[np.arange(1.0, 11.0), 30, 100]
    assert check_skew_kurt(v) is False
    # skew fails but kurtosis passes -> passes (OR rule)
    assert check_skew_kurt(v, skew_thresh=2, kurt_thresh=10) is True
    assert check_skew_kurt(v, skew_thresh=4, kurt_thresh=3.5) is True
    # 3 values: kurtosis undefined; |skew| of 3 values <= sqrt(3) < 2 -> TRUE as R's NA | TRUE
    assert check_skew_kurt([1, 2, 10]) is True
    assert check_skew_kurt([1, 2, 10], skew_thresh=1) is None  # FALSE | NA = NA
    assert check_skew_kurt([3, 3, 3, 3]) is None


# ------------------------------------------------------------------------------ winsorise


def test_winsorise_coinr_documented_example() -> None:
    # COINr ?winsorise: x <- c(1:10, 30, 100); winsorise(x, skew_thresh = 2, kurt_thresh = 3.5)
    # fails (skew 3.06, kurt 9.74); skew > 0 -> the max 100 (row 11) becomes the next value 30;
    # then skew = 1.71 < 2 -> passes after one point
    v = np.r_[np.arange(1.0, 11.0), 30, 100]
    out, info = winsorise_column(v)
    assert_array_equal(out, np.r_[np.arange(1.0, 11.0), 30, 30])
    assert info["n_winsorised"] == 1
    assert info["winsorised_high"] == [11]
    assert info["winsorised_low"] == []
    assert info["transformed"] is None
    assert info["passed"] is True
    assert info["skew_before"] == pytest.approx(3.063241034239499, rel=1e-12)
    assert info["skew_after"] == pytest.approx(skewness(np.r_[np.arange(1.0, 11.0), 30, 30]))
    assert info["skew_after"] < 2


def test_winsorise_negative_skew_low_side_and_nan() -> None:
    # mirror image: the min -100 (row 12, after a NaN at row 0) becomes -30
    v = np.r_[NAN, -np.arange(1.0, 11.0), -30, -100]
    out, info = winsorise_column(v)
    assert np.isnan(out[0])
    assert_array_equal(out[1:], np.r_[-np.arange(1.0, 11.0), -30, -30])
    assert info["winsorised_low"] == [12]
    assert info["winsorised_high"] == []


def test_winsorise_ties_move_together_and_may_pass_winmax() -> None:
    # two tied maxima with winmax = 1: both are winsorised at once, nwin = 2 (COINr counts
    # length(imax)); the column then passes
    v = np.r_[np.arange(1.0, 21.0), 500, 500]
    out, info = winsorise_column(v, winmax=1)
    assert info["n_winsorised"] == 2
    assert info["winsorised_high"] == [20, 21]
    assert_array_equal(out[20:], [20, 20])


def test_winsorise_falls_back_to_log_ct_on_original_values() -> None:
    # 1..100 plus seven outliers 1000..1006 (skew 3.48, kurt 10.5): after 5 winsorised points six
    # values sit at 1001 and one at 1000, still failing -> revert and log_CT the original column:
    # log(x - min + 0.01 * (max - min)) = log(x - 1 + 0.01 * 1005)
    v = np.r_[np.arange(1.0, 101.0), np.arange(1000.0, 1007.0)]
    out, info = winsorise_column(v)
    assert info["transformed"] == "log_CT"
    assert info["attempted_winsorised"] == 5
    assert info["n_winsorised"] == 0
    assert info["winsorised_high"] == []
    assert out[0] == pytest.approx(np.log(10.05))  # x = 1: log(0 + 10.05)
    assert out[-1] == pytest.approx(np.log(1005 + 10.05))  # x = 1006
    assert_allclose(out, np.log(v - 1 + 10.05))


def test_winsorise_undefined_cases_are_untreated() -> None:
    # constant column: skew/kurtosis undefined -> untreated, as COINr's Treat
    out, info = winsorise_column([2, 2, 2, 2, 2])
    assert_array_equal(out, [2, 2, 2, 2, 2])
    assert info["passed"] is None and info["note"]
    # winsorising would make the column constant -> reverted, untreated
    v = np.r_[np.ones(12), 50.0]
    out, info = winsorise_column(v)
    assert_array_equal(out, v)
    assert info["attempted_winsorised"] == 1 and info["n_winsorised"] == 0
    assert "constant" in info["note"]


def test_winsorise_force_and_f2_options() -> None:
    v = np.r_[np.arange(1.0, 11.0), 30, 100]
    out, info = winsorise_column(v, winmax=2, force=True)
    # forced: 100 -> 30 (1 point), then {30, 30} -> 10 (2 points)
    assert info["n_winsorised"] == 2
    assert_array_equal(out[-2:], [10, 10])
    w = np.r_[np.arange(1.0, 101.0), np.arange(1000.0, 1007.0)]
    out, info = winsorise_column(w, f2=None)
    assert info["transformed"] is None and info["n_winsorised"] == 5 and info["passed"] is False
    # the six top points sit at 1001 after five steps (1006 -> 1005 -> ... -> 1001)
    assert_array_equal(np.sort(out)[-6:], np.full(6, 1001.0))
    with pytest.raises(MethodError, match="winmax"):
        winsorise_column(v, winmax=-1)


def _read(name: str) -> tuple[list[str], np.ndarray]:
    with (ASEM / name).open(newline="") as f:
        rows = list(csv.reader(f))
    return rows[0][1:], np.array([[float(v) if v else NAN for v in r[1:]] for r in rows[1:]])


def _read_dicts(name: str) -> list[dict[str, str]]:
    with (ASEM / name).open(newline="") as f:
        return list(csv.DictReader(f))


def test_winsorise_reproduces_coinr_asem_default() -> None:
    # COINr 1.1.14 Treat(coin, "Screened", winmax = 5): 15 indicators winsorised, 35 points
    _, screened = _read("Screened.csv")
    _, treated = _read("Treated.csv")
    out, infos = winsorise(screened)
    assert_array_equal(out, treated)
    log_rows = _read_dicts("treatment.csv")
    points = _read_dicts("treated_points.csv")
    for j, (info, row) in enumerate(zip(infos, log_rows, strict=True)):
        code = row["iCode"]
        assert info["skew_before"] == pytest.approx(float(row["check_SkewKurt0.Skew"]), rel=1e-12)
        assert info["kurt_before"] == pytest.approx(float(row["check_SkewKurt0.Kurt"]), rel=1e-12)
        assert info["n_winsorised"] == int(row["winsorise.nwin"] or 0), code
        hi = [i for i, p in enumerate(points) if p[code] == "winhi"]
        lo = [i for i, p in enumerate(points) if p[code] == "winlo"]
        assert (info["winsorised_high"], info["winsorised_low"]) == (hi, lo), code
        if row["check_SkewKurt1.Skew"]:
            assert info["skew_after"] == pytest.approx(
                float(row["check_SkewKurt1.Skew"]), rel=1e-12
            )
        assert info["column"] == j
    assert sum(i["n_winsorised"] for i in infos) == 35


def test_winsorise_reproduces_coinr_asem_log_ct_branch() -> None:
    # winmax = 1: 11 indicators fall through to log_CT of the original values
    _, screened = _read("Screened.csv")
    _, treated = _read("Treated_winmax1.csv")
    out, infos = winsorise(screened, winmax=1)
    assert_array_equal(out, treated)
    log_rows = _read_dicts("treatment_winmax1.csv")
    got = [i["transformed"] == "log_CT" for i in infos]
    assert got == [r["log_CT"] == "TRUE" for r in log_rows]
    assert sum(got) == 11
    for info, row in zip(infos, log_rows, strict=True):
        if row["check_SkewKurt2.Pass"]:
            assert info["passed"] is (row["check_SkewKurt2.Pass"] == "TRUE"), row["iCode"]


@settings(max_examples=80)
@given(
    arrays(
        np.float64,
        st.integers(1, 25),
        elements=st.one_of(st.floats(-1e3, 1e3), st.floats(1e3, 1e6), st.just(NAN)),
    ),
    st.integers(0, 6),
)
def test_winsorise_properties(v: np.ndarray, winmax: int) -> None:
    out, info = winsorise_column(v, winmax=winmax)
    assert_array_equal(np.isnan(out), np.isnan(v))
    if info["transformed"] is None:
        changed = np.flatnonzero(~np.isnan(v) & (out != v))
        moved = sorted(info["winsorised_high"] + info["winsorised_low"])
        # every changed cell is reported, and values stay inside the original range
        assert set(changed) <= set(moved)
        assert info["n_winsorised"] == len(moved)
        if (~np.isnan(v)).any():
            assert np.nanmin(v) <= np.nanmin(out) and np.nanmax(out) <= np.nanmax(v)
    else:
        assert np.all(np.isfinite(out[~np.isnan(v)]))


# ------------------------------------------------------------------------------ transforms


def test_log_and_log1p_values_and_errors() -> None:
    x = np.array([[1.0, 0.0], [np.e, NAN]])
    assert_allclose(log(np.array([[1.0], [np.e]])), [[0.0], [1.0]])
    with pytest.raises(MethodError, match=r"column 1, row 0 has value 0.0"):
        log(x)
    # log1p(0) = 0, log1p(e - 1) = 1
    assert_allclose(log1p(np.array([[0.0], [np.e - 1]])), [[0.0], [1.0]])
    with pytest.raises(MethodError, match=r"column 0, row 1 has value -1.0"):
        log1p(np.array([[0.0], [-1.0]]))


def test_log_ct_hand_values() -> None:
    # [0, 10, 100]: min 0, range 100 -> log(x + 1): 0, log(11), log(101)
    out = log_ct(np.array([[0.0], [10.0], [100.0], [NAN]]))
    assert_allclose(out, [[0], [np.log(11)], [np.log(101)], [NAN]])
    # negative values are fine: [-5, 5] -> log(x + 5 + 0.1)
    assert_allclose(log_ct(np.array([-5.0, 5.0])), np.log([0.1, 10.1]))
    with pytest.raises(MethodError, match="column 0 is constant"):
        log_ct(np.array([[3.0], [3.0]]))


def test_log_ct_plus_branches() -> None:
    v = np.array([1.0, 2.0, 3.0, 100.0])  # positive skew: log(x - 1 + 0.99)
    out, kind = log_ct_plus(v)
    assert kind == "log_CT"
    assert_allclose(out, np.log(v - 1 + 0.99))
    out, kind = log_ct_plus(-v)  # negative skew: -log(max + a - x) = -log(-1 + 0.99 + v)
    assert kind == "log_CT_neg"
    assert_allclose(out, -np.log(-1 + 0.99 + v))


def test_boxcox_matches_scipy_and_hand_values() -> None:
    v = np.array([1.0, 2.0, NAN, 3.0])
    # lambda = 2: (x^2 - 1) / 2 = 0, 1.5, nan, 4
    out, lam = boxcox(v, 2.0)
    assert lam == 2.0
    assert_allclose(out, [0, 1.5, NAN, 4])
    # lambda = 0: log
    assert_allclose(boxcox(v, 0.0)[0], np.log(v))
    rng = np.random.default_rng(3)
    w = rng.lognormal(size=50)
    out, lam = boxcox(w)
    ref, ref_lam = scipy.stats.boxcox(w)
    assert lam == pytest.approx(ref_lam)
    assert_allclose(out, ref)
    with pytest.raises(MethodError, match=r"row 1 has value -1\.0"):
        boxcox(np.array([1.0, -1.0]))
    with pytest.raises(MethodError, match="constant"):
        boxcox(np.array([2.0, 2.0, 2.0]))


def test_treatments_registry_shapes() -> None:
    rng = np.random.default_rng(5)
    x = rng.lognormal(size=(30, 3))
    assert set(TREATMENTS) == {"winsorise", "log", "log1p", "boxcox", "log_ct", "none"}
    for name, f in TREATMENTS.items():
        out, infos = f(x)
        assert out.shape == x.shape, name
        assert [i["column"] for i in infos] == [0, 1, 2], name
    none_out, _ = TREATMENTS["none"](x)
    assert_array_equal(none_out, x)
    _, infos = TREATMENTS["boxcox"](x)
    assert all(np.isfinite(i["lambda"]) for i in infos)
    with pytest.raises(MethodError, match="column 1"):
        TREATMENTS["boxcox"](np.array([[1.0, 1.0], [2.0, -1.0]]))


# ------------------------------------------------------------------------------ vectorised
# winsorise() treats all columns at once; it must equal winsorise_column() on each column bit for
# bit, info dicts included.


def _same_info(got: dict[str, object], want: dict[str, object]) -> bool:
    """Dict equality where NaN equals NaN and value types must match (float vs int vs bool)."""
    if list(got) != list(want):
        return False
    for key, g in got.items():
        w = want[key]
        if isinstance(g, float) and isinstance(w, float) and np.isnan(g) and np.isnan(w):
            continue
        if type(g) is not type(w) or g != w:
            return False
    return True


def _assert_matches_columnwise(x: np.ndarray, *args: object, **kwargs: object) -> None:
    out, infos = winsorise(x, *args, **kwargs)  # type: ignore[arg-type]
    assert len(infos) == x.shape[1]
    for j in range(x.shape[1]):
        col, info = winsorise_column(x[:, j], *args, **kwargs)  # type: ignore[arg-type]
        assert_array_equal(out[:, j], col, err_msg=f"column {j}")
        assert_array_equal(np.isnan(out[:, j]), np.isnan(col))
        assert _same_info(infos[j], {"column": j, **info}), (j, infos[j], info)


@st.composite
def _treat_matrices(draw: st.DrawFn) -> np.ndarray:
    n = draw(st.integers(1, 40))
    m = draw(st.integers(1, 5))
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    cols = []
    for _ in range(m):
        kind = draw(st.sampled_from(["lognormal", "neg", "t", "ties", "const", "pareto"]))
        if kind == "lognormal":
            c = rng.lognormal(0, draw(st.floats(0.1, 3)), n)
        elif kind == "neg":
            c = -rng.lognormal(0, 2, n) * 1e3
        elif kind == "t":
            c = rng.standard_t(2, n)
        elif kind == "ties":
            c = rng.integers(0, 4, n).astype(float) ** 3
        elif kind == "pareto":
            c = rng.pareto(1.0, n) + 1e6  # heavy tail on a large offset
        else:
            c = np.full(n, 3.25)
        c[rng.random(n) < draw(st.floats(0, 0.5))] = NAN
        cols.append(c)
    return np.column_stack(cols)


@settings(max_examples=300, deadline=None)
@given(
    _treat_matrices(),
    st.sampled_from([None, 0, 1, 2, 3, 5, 8]),
    st.sampled_from([(2.0, 3.5), (0.5, 1.0), (1.0, -1.0), (3.0, 10.0)]),
    st.sampled_from(["log_ct", "log_ct_plus", None]),
)
def test_winsorise_equals_winsorise_column_property(
    x: np.ndarray, winmax: int | None, thresholds: tuple[float, float], f2: str | None
) -> None:
    skew_thresh, kurt_thresh = thresholds
    _assert_matches_columnwise(x, winmax, skew_thresh, kurt_thresh, f2=f2)


@settings(max_examples=40, deadline=None)
@given(_treat_matrices(), st.sampled_from([None, 1, 3]))
def test_winsorise_force_equals_winsorise_column(x: np.ndarray, winmax: int | None) -> None:
    _assert_matches_columnwise(x, winmax, 2.0, 3.5, force=True)


def test_winsorise_thresholds_at_the_exact_statistics() -> None:
    # Thresholds equal to the exact skew/kurtosis reached after one move: the screened re-test
    # cannot decide (|G1| < t is False only by equality) and must defer to the exact statistics,
    # so the column keeps winsorising exactly as winsorise_column does.
    rng = np.random.default_rng(11)
    x = rng.lognormal(0, 1.5, size=(500, 4))
    x[rng.random(x.shape) < 0.05] = NAN
    for j in range(4):
        v = x[:, j].copy()
        top = np.nanmax(v)
        v[v == top] = np.nanmax(v[v != top])
        sk1, kt1 = skewness(v), kurtosis(v)
        for st_, kt_ in ((abs(sk1), 0.0), (0.0, kt1), (abs(sk1), kt1)):
            _assert_matches_columnwise(x, 5, st_, kt_)
            _assert_matches_columnwise(x, None, st_, kt_, f2=None)


def test_winsorise_benchmark_block_equals_winsorise_column() -> None:
    # the pipeline's shape: one year of 2,844 counties x 100 skewed indicators, 2% missing;
    # nearly every column fails, winsorises 5 points and falls back to log_CT
    rng = np.random.default_rng(2024)
    x = rng.lognormal(3, 1, size=(2844, 100))
    x[rng.random(x.shape) < 0.02] = NAN
    x[:, 7] = -x[:, 7]  # negative skew: low side
    x[:, 8] = np.round(x[:, 8] / 20)  # heavy ties
    _, infos = winsorise(x)
    assert sum(i["transformed"] == "log_CT" for i in infos) > 50
    _assert_matches_columnwise(x)
    _assert_matches_columnwise(x, None, 2.0, 3.5, f2=None)


@pytest.mark.parametrize(("winmax", "treated"), [(5, "Treated.csv"), (1, "Treated_winmax1.csv")])
def test_winsorise_asem_equals_winsorise_column(winmax: int, treated: str) -> None:
    _, screened = _read("Screened.csv")
    _, expected = _read(treated)
    out, _ = winsorise(screened, winmax=winmax)
    assert_array_equal(out, expected)
    _assert_matches_columnwise(screened, winmax)


def test_winsorise_rejects_bad_arguments_up_front() -> None:
    x = np.arange(12.0).reshape(6, 2)  # both columns pass: the arguments are still checked
    with pytest.raises(MethodError, match="winmax"):
        winsorise(x, winmax=-1)
    with pytest.raises(MethodError, match="f2"):
        winsorise(x, f2="log")  # type: ignore[arg-type]


@settings(max_examples=150, deadline=None)
@given(_treat_matrices())
def test_row_skew_kurt_equals_one_column_statistics(x: np.ndarray) -> None:
    # bit for bit, which column_skew_kurt on the 2-D array does not promise
    sk, kt = row_skew_kurt(np.ascontiguousarray(x.T))
    for j in range(x.shape[1]):
        assert_array_equal(sk[j : j + 1], column_skewness(x[:, j]))
        assert_array_equal(kt[j : j + 1], column_kurtosis(x[:, j]))
