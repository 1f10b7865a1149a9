"""Tests for kaifang.methods.density against scipy and by hand."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from kaifang.errors import MethodError
from kaifang.methods.density import bandwidth, kernel_density


def test_gaussian_equals_scipy() -> None:
    y = np.random.default_rng(0).lognormal(size=40)
    grid = np.linspace(0, 8, 50)
    for rule in ("scott", "silverman", 0.3):
        h = bandwidth(y, rule)
        ref = stats.gaussian_kde(y, bw_method=h / y.std(ddof=1))(grid)
        np.testing.assert_allclose(kernel_density(y, grid, "gaussian", rule), ref, rtol=1e-10)


def test_bandwidth_rules_by_hand() -> None:
    y = np.arange(1.0, 11.0)  # sd = 3.02765, IQR = 4.5 -> 4.5/1.34 = 3.3582
    sd = y.std(ddof=1)
    assert bandwidth(y, "scott") == pytest.approx(1.06 * sd * 10**-0.2)
    assert bandwidth(y, "silverman") == pytest.approx(0.9 * sd * 10**-0.2)
    assert bandwidth(y, 0.5) == 0.5


def test_epanechnikov_integrates_to_one() -> None:
    y = np.array([0.0, 1.0, 1.5])
    grid = np.linspace(-3, 5, 8001)
    f = kernel_density(y, grid, "epanechnikov", 1.0)
    assert np.trapezoid(f, grid) == pytest.approx(1.0, abs=1e-5)
    # one point alone at distance 0: K(0) / (n h) = 0.75 / 3
    assert kernel_density([0.0, 10.0, 20.0], [0.0], "epanechnikov", 1.0)[0] == pytest.approx(0.25)


def test_bad_kernel() -> None:
    with pytest.raises(MethodError, match="kernel"):
        kernel_density([1.0, 2.0], [1.0], "box", 1.0)  # type: ignore[arg-type]
    with pytest.raises(MethodError, match="rule"):
        bandwidth([1.0, 2.0], "auto")
