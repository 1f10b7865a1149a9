"""Audit statistics against hand-computed values and library results (scipy, numpy, pandas)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from scipy import stats

from kaifang.errors import MethodError
from kaifang.methods import audit_stats as au


def test_pearson_hand_computed() -> None:
    # x = [1, 2, 3], y = [1, 3, 2]: deviations [-1, 0, 1] and [-1, 1, 0];
    # sum of products 1, sums of squares 2 and 2 -> r = 1 / 2 = 0.5.
    # t = 0.5 * sqrt(1 / 0.75) = 1/sqrt(3), df = 1: p = 1 - (2/pi) atan(1/sqrt(3)) = 1 - 1/3.
    res = au.correlations_with(np.array([1.0, 2.0, 3.0]), np.array([1.0, 3.0, 2.0]))
    assert res.r[0] == pytest.approx(0.5)
    assert res.p[0] == pytest.approx(2.0 / 3.0)
    assert res.n[0] == 3


def test_correlations_match_scipy_with_missing_values() -> None:
    rng = np.random.default_rng(7)
    x = rng.normal(size=(40, 3))
    y = x[:, 0] * 0.8 + rng.normal(size=40)
    x[[2, 5, 11], 1] = np.nan
    y[7] = np.nan
    for method, scipy_fn in (("pearson", stats.pearsonr), ("spearman", stats.spearmanr)):
        res = au.correlations_with(x, y, method)
        for j in range(3):
            ok = ~np.isnan(x[:, j]) & ~np.isnan(y)
            ref = scipy_fn(x[ok, j], y[ok])
            assert res.r[j] == pytest.approx(ref[0], abs=1e-12)
            assert res.p[j] == pytest.approx(ref[1], rel=1e-9)
            assert res.n[j] == ok.sum()


def test_spearman_ties_use_mid_ranks() -> None:
    x = np.array([1.0, 1.0, 2.0, 3.0, 3.0, 4.0])
    y = np.array([2.0, 1.0, 1.0, 5.0, 4.0, 6.0])
    assert au.correlations_with(x, y, "spearman").r[0] == pytest.approx(
        stats.spearmanr(x, y).statistic
    )


def test_constant_column_gives_nan_not_inf() -> None:
    res = au.correlations_with(np.array([[1.0, 2.0], [1.0, 3.0], [1.0, 5.0]]), np.arange(3.0))
    assert np.isnan(res.r[0]) and np.isnan(res.p[0])
    assert np.isfinite(res.r[1])


def test_unknown_method_is_an_error() -> None:
    with pytest.raises(MethodError, match="pearson"):
        au.correlations_with(np.ones((3, 1)), np.arange(3.0), "kendall")  # type: ignore[arg-type]


def test_correlation_matrix_matches_numpy() -> None:
    rng = np.random.default_rng(1)
    x = rng.normal(size=(30, 4))
    res = au.correlation_matrix(x)
    np.testing.assert_allclose(res.r, np.corrcoef(x, rowvar=False), atol=1e-12)
    z = rng.normal(size=(30, 2))
    cross = au.correlation_matrix(x, z)
    assert cross.r.shape == (4, 2)
    np.testing.assert_allclose(cross.r, np.corrcoef(x, z, rowvar=False)[:4, 4:], atol=1e-12)


def test_pvalue_matches_scipy_and_edges() -> None:
    rng = np.random.default_rng(2)
    a, b = rng.normal(size=25), rng.normal(size=25)
    ref = stats.pearsonr(a, b)
    assert au.correlation_pvalue(ref[0], 25) == pytest.approx(ref[1], rel=1e-9)
    assert au.correlation_pvalue(1.0, 10) == 0.0
    assert np.isnan(au.correlation_pvalue(0.3, 2))


def test_cronbach_textbook_example() -> None:
    # items (columns) of 4 respondents:
    # var(ddof=1): [1,2,3,4] -> 5/3; [2,2,4,4] -> 4/3; [1,3,3,5] -> 8/3 (sum 17/3);
    # totals [4,7,10,13] -> 45/3 = 15; alpha = 3/2 * (1 - (17/3)/15) = 42/45.
    x = np.array([[1, 2, 1], [2, 2, 3], [3, 4, 3], [4, 4, 5]], dtype=float)
    assert au.cronbach_alpha(x) == pytest.approx(42 / 45)


def test_cronbach_edge_cases() -> None:
    col = np.array([1.0, 3.0, 4.0, 8.0])
    # k identical items: alpha = k/(k-1) (1 - k v / (k^2 v)) = 1
    assert au.cronbach_alpha(np.column_stack([col, col, col])) == pytest.approx(1.0)
    # two items with covariance -v: sum(C) = 0 -> undefined, NaN (never Inf)
    assert np.isnan(au.cronbach_alpha(np.column_stack([col, -col])))
    assert np.isnan(au.cronbach_alpha(col[:, None]))


def test_pairwise_covariance_matches_pandas() -> None:
    rng = np.random.default_rng(3)
    x = rng.normal(size=(20, 3))
    x[[1, 4], 0] = np.nan
    x[[4, 9], 2] = np.nan
    np.testing.assert_allclose(au.pairwise_covariance(x), pd.DataFrame(x).cov().to_numpy())


def test_pca_matches_svd_and_eigen() -> None:
    rng = np.random.default_rng(4)
    base = rng.normal(size=(50, 1))
    x = np.hstack([base + 0.3 * rng.normal(size=(50, 1)) for _ in range(4)])
    x[3, 2] = np.nan  # PCA uses complete rows only (COINr get_PCA: na.omit)
    res = au.pca(x)
    complete = x[~np.isnan(x).any(axis=1)]
    corr = np.corrcoef(complete, rowvar=False)
    eig, vec = np.linalg.eigh(corr)
    np.testing.assert_allclose(res.variance, eig[::-1], atol=1e-10)
    assert res.share.sum() == pytest.approx(1.0)
    assert res.n_used == 49
    for k in range(4):
        v = vec[:, ::-1][:, k]
        assert abs(float(res.loadings[:, k] @ v)) == pytest.approx(1.0, abs=1e-8)
        assert res.loadings[:, k].sum() > 0  # the sign convention
    assert np.all(res.loadings[:, 0] > 0)  # one common factor: every loading positive


def test_pca_refuses_constant_column() -> None:
    with pytest.raises(MethodError, match="column 1"):
        au.pca(np.array([[1.0, 2.0], [2.0, 2.0], [3.0, 2.0]]))


@settings(max_examples=30, deadline=None)
@given(
    arrays(np.float64, (12, 3), elements=st.floats(-100, 100, allow_nan=False, width=32)),
    st.floats(0.1, 50),
)
def test_pca_is_scale_and_order_free(x: np.ndarray, scale: float) -> None:
    if np.any(x.std(axis=0) < 1e-3):
        return
    a = au.pca(x)
    b = au.pca(x[::-1] * scale + 7.0)
    np.testing.assert_allclose(a.variance, b.variance, atol=1e-8)
    assert a.share.sum() == pytest.approx(1.0)


def test_local_linear_reproduces_a_line() -> None:
    # local linear regression is exact for linear functions at any bandwidth
    x = np.array([0.0, 1.0, 2.5, 4.0, 7.0])
    y = 3.0 * x + 1.0
    for h in (0.3, 1.0, 10.0):
        np.testing.assert_allclose(au.local_linear_fit(x, y, h), y, atol=1e-9)


def test_local_linear_leave_out_is_a_different_fit() -> None:
    x = np.array([0.0, 1.0, 2.0, 3.0])
    y = np.array([0.0, 1.0, 0.0, 1.0])
    fit = au.local_linear_fit(x, y, 100.0, leave_out=True)
    # with a huge bandwidth it is the least-squares line without the point:
    # leaving out x=0 gives the line through (1,1), (2,0), (3,1): slope 0, value 2/3 at x = 0
    assert fit[0] == pytest.approx(2 / 3, abs=1e-3)


def test_correlation_ratio_linear_model() -> None:
    # y = 1 x1 + 2 x2 with independent U(0,1) inputs (x3 has no effect):
    # S1 = 1 / (1 + 4) = 0.2, S2 = 4 / 5 = 0.8, S3 = 0
    rng = np.random.default_rng(11)
    x = rng.uniform(size=(2000, 3))
    s = au.correlation_ratio(x, x[:, 0] + 2 * x[:, 1]).s
    np.testing.assert_allclose(s, [0.2, 0.8, 0.0], atol=0.03)


def test_correlation_ratio_catches_a_nonlinear_effect() -> None:
    # y = sin(2 pi x1) + 0.5 x2: V(sin) = 1/2, V(0.5 x2) = 0.25 / 12 = 1/48;
    # S1 = (1/2) / (1/2 + 1/48) = 24/25 = 0.96, S2 = 1/25 = 0.04.
    # A correlation misses part of it: cov(x, sin 2 pi x) = -1 / (2 pi), so
    # r^2(x1, y) = (1 / (4 pi^2)) / (1/12 * 25/48) = 6/pi^2 * 24/25 ~ 0.58
    rng = np.random.default_rng(5)
    x = rng.uniform(size=(2000, 2))
    y = np.sin(2 * np.pi * x[:, 0]) + 0.5 * x[:, 1]
    s = au.correlation_ratio(x, y).s
    np.testing.assert_allclose(s, [0.96, 0.04], atol=0.03)
    assert np.corrcoef(x[:, 0], y)[0, 1] ** 2 < 0.7


def test_correlation_ratio_degenerate_columns() -> None:
    x = np.column_stack([np.ones(10), np.arange(10.0)])
    res = au.correlation_ratio(x, np.arange(10.0))
    assert np.isnan(res.s[0])
    assert res.s[1] == pytest.approx(1.0, abs=1e-6)
    with pytest.raises(MethodError, match="bandwidths"):
        au.correlation_ratio(x, np.arange(10.0), bandwidths=[0.0])
