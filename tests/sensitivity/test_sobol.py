"""Sobol estimators: known-answer functions, agreement with SALib on the same design, properties,
and COINr's finding on ASEM (the aggregation method dominates)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import kaifang
from kaifang.sensitivity import run_sobol, sobol_indices
from kaifang.sensitivity.design import saltelli, to_codes
from kaifang.sensitivity.spec import load_spec

REPO = Path(__file__).resolve().parents[2]


def ishigami(u: np.ndarray, a: float = 7.0, b: float = 0.1) -> np.ndarray:
    x = -np.pi + 2 * np.pi * u
    y: np.ndarray = np.sin(x[:, 0]) + a * np.sin(x[:, 1]) ** 2 + b * x[:, 2] ** 4 * np.sin(x[:, 0])
    return y


def ishigami_indices(a: float = 7.0, b: float = 0.1) -> tuple[np.ndarray, np.ndarray]:
    # V1 = (1 + b pi^4 / 5)^2 / 2, V2 = a^2 / 8, V3 = 0, V13 = 8 b^2 pi^8 / 225
    # V = a^2/8 + b pi^4/5 + b^2 pi^8/18 + 1/2 (Ishigami and Homma 1990; Sobol' and Levitan 1999)
    v1 = 0.5 * (1 + b * np.pi**4 / 5) ** 2
    v2 = a**2 / 8
    v13 = 8 * b**2 * np.pi**8 / 225
    v = a**2 / 8 + b * np.pi**4 / 5 + b**2 * np.pi**8 / 18 + 0.5
    return np.array([v1, v2, 0.0]) / v, np.array([v1 + v13, v2, v13]) / v


def sobol_g(u: np.ndarray, a: np.ndarray) -> np.ndarray:
    y: np.ndarray = np.prod((np.abs(4 * u - 2) + a) / (1 + a), axis=1)
    return y


def sobol_g_indices(a: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    # V_i = 1 / (3 (1 + a_i)^2), V = prod(1 + V_i) - 1, S_Ti = V_i prod_{j != i}(1 + V_j) / V
    vi = 1.0 / (3 * (1 + a) ** 2)
    v = np.prod(1 + vi) - 1
    total = vi * np.prod(1 + vi) / (1 + vi) / v
    return vi / v, total


def test_ishigami_analytic_values() -> None:
    # the textbook values, as a check of the formulas above
    first, total = ishigami_indices()
    assert np.allclose(first, [0.3139, 0.4424, 0.0], atol=1e-4)
    assert np.allclose(total, [0.5576, 0.4424, 0.2437], atol=1e-4)


def test_ishigami_estimates() -> None:
    u = saltelli([10**9] * 3, 2**13, seed=3).u
    idx = sobol_indices(ishigami(u), 3, bootstrap=200, seed=1)
    first, total = ishigami_indices()
    assert np.allclose(idx.first[:, 0], first, atol=0.03)
    assert np.allclose(idx.total[:, 0], total, atol=0.03)
    # the intervals cover the truth
    assert np.all(idx.first_low[:, 0] - 0.01 <= first) and np.all(
        first <= idx.first_high[:, 0] + 0.01
    )
    assert np.all(idx.total_low[:, 0] - 0.01 <= total) and np.all(
        total <= idx.total_high[:, 0] + 0.01
    )


def test_sobol_g_estimates() -> None:
    a = np.array([0.0, 1.0, 4.5, 9.0, 99.0, 99.0])
    u = saltelli([10**9] * 6, 2**12, seed=5).u
    idx = sobol_indices(sobol_g(u, a), 6, bootstrap=100, seed=2)
    first, total = sobol_g_indices(a)
    assert np.allclose(idx.first[:, 0], first, atol=0.04)
    assert np.allclose(idx.total[:, 0], total, atol=0.04)
    assert np.argmax(idx.total[:, 0]) == 0


@pytest.mark.filterwarnings("ignore")
def test_same_numbers_as_salib_on_the_same_design() -> None:
    from SALib.analyze import sobol as salib_sobol

    d, n, boot = 3, 256, 100
    problem = {"num_vars": d, "names": ["a", "b", "c"], "bounds": [[0.0, 1.0]] * d}
    u = saltelli([10**9] * d, n, seed=7).u
    y = ishigami(u) + 3.0  # not centred: the centring step matters for S1
    ref = salib_sobol.analyze(problem, y, calc_second_order=True, num_resamples=boot, seed=11)
    # SALib draws its resamples as rng(N, size=(N, num_resamples)) with default_rng(seed)
    resamples = np.random.default_rng(11).integers(n, size=(n, boot))
    idx = sobol_indices(y, d, resamples=resamples)
    assert np.allclose(idx.first[:, 0], ref["S1"], rtol=0, atol=1e-12)
    assert np.allclose(idx.total[:, 0], ref["ST"], rtol=0, atol=1e-12)
    assert np.allclose(idx.first_conf[:, 0], ref["S1_conf"], rtol=0, atol=1e-10)
    assert np.allclose(idx.total_conf[:, 0], ref["ST_conf"], rtol=0, atol=1e-10)


def test_several_outputs_at_once_equal_one_by_one() -> None:
    u = saltelli([10**9] * 3, 128, seed=1).u
    y = np.column_stack([ishigami(u), sobol_g(u, np.array([0.0, 2.0, 9.0]))])
    both = sobol_indices(y, 3, bootstrap=50, seed=4)
    for k in range(2):
        one = sobol_indices(y[:, k], 3, bootstrap=50, seed=4)
        assert np.allclose(both.first[:, k], one.first[:, 0], atol=1e-13)
        assert np.allclose(both.total_high[:, k], one.total_high[:, 0], atol=1e-13)


def test_constant_output_has_undefined_indices() -> None:
    y = np.ones(10 * (2 * 2 + 2))
    idx = sobol_indices(y, 2, bootstrap=20)
    assert np.isnan(idx.first).all() and np.isnan(idx.total).all()


def test_to_codes_is_uniform_over_options() -> None:
    # floor(u * L): u in [0, 1/3) -> 0, [1/3, 2/3) -> 1, [2/3, 1) -> 2; u = 1 is clipped to 2
    u = np.array([[0.0], [0.33], [0.34], [0.67], [0.999], [1.0]])
    assert to_codes(u, [3])[:, 0].tolist() == [0, 0, 1, 2, 2, 2]


@settings(max_examples=8, deadline=None)
@given(
    coef=st.lists(st.floats(0.1, 5.0), min_size=3, max_size=3),
    inter=st.floats(0.0, 5.0),
)
def test_first_order_within_total_and_unit_interval(coef: list[float], inter: float) -> None:
    u = saltelli([10**9] * 3, 2**10, seed=2).u
    x = u - 0.5
    y = x @ np.array(coef) + inter * x[:, 0] * x[:, 1]
    idx = sobol_indices(y, 3, bootstrap=200, seed=0)
    s1, s_t = idx.first[:, 0], idx.total[:, 0]
    # S1 <= ST up to estimation error (the intervals overlap); both in [0, 1] up to error
    assert np.all(idx.first_low[:, 0] <= idx.total_high[:, 0])
    assert np.all(s1 > -0.05) and np.all(s1 < 1.05)
    assert np.all(s_t > -0.05) and np.all(s_t < 1.05)
    # an additive model (no interaction) has S1 = ST
    if inter == 0.0:
        assert np.allclose(s1, s_t, atol=0.05)


def test_asem_aggregation_dominates_as_coinr_finds() -> None:
    config = REPO / "examples" / "asem" / "assessment.yaml"
    spec = load_spec(config)
    assert spec is not None
    result = run_sobol(kaifang.load(config), spec, n=256, seed=1)
    assert result.runs == 256 * (2 * 4 + 2)
    table = result.indices
    shift = table[table["output"] == "mean_abs_rank_shift"].set_index("input")
    assert shift["ST"].idxmax() == "aggregation"
    # clearly, not within noise: its interval lies above every other input's
    others = shift.drop(index="aggregation")
    assert shift.loc["aggregation", "ST_low"] > others["ST_high"].max()
    # one row per output (the shift, then every unit) and input
    assert len(table) == (1 + 51) * 4
    assert set(table["input"]) == {"winmax", "normalisation", "weights", "aggregation"}
