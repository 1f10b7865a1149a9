"""Tests for kaifang.methods.convergence against statsmodels and by hand."""

from __future__ import annotations

import numpy as np
import pytest
import statsmodels.api as sm
from hypothesis import given, settings
from hypothesis import strategies as st

from kaifang.errors import MethodError
from kaifang.methods.convergence import (
    beta_cross_section,
    beta_panel,
    convergence_speed,
    sigma_convergence,
)


def panel(seed: int = 0, n: int = 30, t: int = 9) -> np.ndarray:
    rng = np.random.default_rng(seed)
    logs = np.empty((n, t))
    logs[:, 0] = rng.normal(3.0, 0.5, n)
    mu = rng.normal(3.0, 0.2, n)
    for j in range(1, t):
        logs[:, j] = logs[:, j - 1] + 0.03 - 0.1 * (logs[:, j - 1] - mu) + rng.normal(0, 0.02, n)
    return np.exp(logs)


def test_sigma_by_hand() -> None:
    y = np.array([[1.0, 2.0], [np.e, 2.0], [np.e**2, 2.0]])
    sd_log, cv = sigma_convergence(y)
    assert sd_log[0] == pytest.approx(np.std([0.0, 1.0, 2.0]))
    assert sd_log[1] == 0.0 and cv[1] == 0.0


def test_speed_and_half_life_by_hand() -> None:
    # beta = -0.02 over 10 years: lambda = -ln(0.8)/10 = 0.0223144, half-life ln2/lambda
    lam, half = convergence_speed(-0.02, 10)
    assert lam == pytest.approx(-np.log(0.8) / 10)
    assert half == pytest.approx(np.log(2) / lam)
    assert np.isnan(convergence_speed(0.01, 10)[0])


def test_cross_section_equals_statsmodels() -> None:
    y = panel()
    r = beta_cross_section(y)
    span = y.shape[1] - 1
    x = sm.add_constant(np.log(y[:, 0]))
    fit = sm.OLS(np.log(y[:, -1] / y[:, 0]) / span, x).fit()
    assert r.beta == pytest.approx(fit.params[1], rel=1e-10)
    assert r.se == pytest.approx(fit.bse[1], rel=1e-10)
    assert r.p_value == pytest.approx(fit.pvalues[1], rel=1e-8)
    assert r.r2 == pytest.approx(fit.rsquared, rel=1e-10)
    assert r.beta < 0 and r.half_life > 0


def _long(y: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    n, t = y.shape
    logs = np.log(y)
    g = (logs[:, 1:] - logs[:, :-1]).reshape(-1)
    lvl = logs[:, :-1].reshape(-1)
    unit = np.repeat(np.arange(n), t - 1)
    year = np.tile(np.arange(t - 1), n)
    return g, lvl, unit, year


def test_panel_pooled_equals_statsmodels() -> None:
    y = panel(1)
    g, lvl, _, _ = _long(y)
    fit = sm.OLS(g, sm.add_constant(lvl)).fit()
    r = beta_panel(y)
    assert r.beta == pytest.approx(fit.params[1], rel=1e-10)
    assert r.se == pytest.approx(fit.bse[1], rel=1e-10)
    assert r.model == "panel_pooled"


@pytest.mark.parametrize("years", [False, True])
def test_panel_fixed_effects_equal_dummy_regression(years: bool) -> None:
    y = panel(2)
    g, lvl, unit, year = _long(y)
    dummies = [np.eye(y.shape[0])[unit]]
    if years:
        dummies.append(np.eye(y.shape[1] - 1)[year][:, 1:])
    x = np.column_stack([lvl, *dummies])
    fit = sm.OLS(g, x).fit()
    r = beta_panel(y, unit_effects=True, year_effects=years)
    assert r.beta == pytest.approx(fit.params[0], rel=1e-8)
    assert r.se == pytest.approx(fit.bse[0], rel=1e-8)
    # conditional convergence is faster than absolute here: units converge to their own mu
    assert r.beta < beta_panel(y).beta


def test_panel_with_controls_and_missing() -> None:
    y = panel(3)
    y[0, 4] = np.nan
    z = np.random.default_rng(0).normal(size=y.shape)
    r = beta_panel(y, unit_effects=True, controls=z)
    assert r.n_obs == y.shape[0] * (y.shape[1] - 1) - 2
    with pytest.raises(MethodError, match="controls"):
        beta_panel(y, controls=z[:, :3])


def test_bad_panels() -> None:
    with pytest.raises(MethodError, match="> 0"):
        beta_cross_section(np.array([[1.0, -1.0]] * 4))
    with pytest.raises(MethodError, match="units >= 3"):
        sigma_convergence(np.ones((2, 3)))


@settings(max_examples=30, deadline=None)
@given(st.integers(0, 10_000), st.floats(0.1, 10))
def test_beta_scale_invariant(seed: int, scale: float) -> None:
    y = panel(seed, n=12, t=5)
    assert beta_cross_section(scale * y).beta == pytest.approx(
        beta_cross_section(y).beta, rel=1e-7, abs=1e-10
    )
    sd1, _ = sigma_convergence(y)
    sd2, _ = sigma_convergence(scale * y)
    np.testing.assert_allclose(sd1, sd2, rtol=1e-9, atol=1e-12)
