"""Convergence of regions: σ (dispersion over time) and β (poorer regions grow faster).

Values are a panel ``y`` of shape (n units, T years) of a strictly positive level, years
consecutive; the regressions are ordinary least squares written out in NumPy (checked against
statsmodels in the tests).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import stats

from kaifang.errors import MethodError

__all__ = [
    "BetaConvergence",
    "beta_cross_section",
    "beta_panel",
    "convergence_speed",
    "ols",
    "sigma_convergence",
]

FloatArray = NDArray[np.float64]


def _panel(y: ArrayLike, who: str) -> FloatArray:
    a = np.asarray(y, dtype=np.float64)
    if a.ndim != 2 or a.shape[0] < 3 or a.shape[1] < 2:
        raise MethodError(f"{who}: y must be (units >= 3, years >= 2); got shape {a.shape}")
    if (a[np.isfinite(a)] <= 0).any():
        raise MethodError(f"{who}: values must be > 0 (logs are taken)")
    return a


def sigma_convergence(y: ArrayLike) -> tuple[FloatArray, FloatArray]:
    r"""σ-convergence: per year the standard deviation of :math:`\ln y` and the coefficient of
    variation :math:`\sigma_y/\bar y` (population forms, ``ddof=0``), missing values left out.

    A falling series means the regions are converging (σ-convergence).

    References
    ----------
    Barro, R. J. and Sala-i-Martin, X. (1992). Convergence. Journal of Political Economy 100(2),
    223-251.
    """
    a = _panel(y, "sigma_convergence")
    logs = np.log(np.where(np.isfinite(a), a, np.nan))
    sd_log: FloatArray = np.nanstd(logs, axis=0)
    cv: FloatArray = np.nanstd(a, axis=0) / np.nanmean(a, axis=0)
    return sd_log, cv


@dataclass(frozen=True)
class OLSFit:
    coef: FloatArray
    se: FloatArray
    df_resid: int
    r2: float

    def p_value(self, i: int) -> float:
        if not self.se[i] > 0:
            return float("nan")  # a perfect fit: no sampling error to test against
        t = self.coef[i] / self.se[i]
        return float(2.0 * stats.t.sf(abs(t), self.df_resid))


def ols(x: FloatArray, y: FloatArray, absorbed: int = 0) -> OLSFit:
    r"""Least squares :math:`\hat b = (X'X)^{-1}X'y` with classical standard errors
    :math:`\sqrt{\hat\sigma^2 \mathrm{diag}(X'X)^{-1}}`,
    :math:`\hat\sigma^2 = e'e/(N - k - \text{absorbed})`, where ``absorbed`` counts parameters
    removed beforehand by a within transformation (fixed effects), so the standard errors equal
    those of the regression with dummy variables (least-squares dummy variables).

    References
    ----------
    Wooldridge, J. M. (2010). Econometric Analysis of Cross Section and Panel Data, 2nd ed.,
    MIT Press, section 10.5.
    """
    n, k = x.shape
    df = n - k - absorbed
    if df <= 0:
        raise MethodError(f"ols: {n} observations are too few for {k + absorbed} parameters")
    coef, *_ = np.linalg.lstsq(x, y, rcond=None)
    resid = y - x @ coef
    sigma2 = float(resid @ resid) / df
    xtx_inv = np.linalg.pinv(x.T @ x)
    se = np.sqrt(np.maximum(np.diag(xtx_inv) * sigma2, 0.0))
    centred = y - y.mean() if absorbed == 0 else y
    tss = float(centred @ centred)
    r2 = 1.0 - float(resid @ resid) / tss if tss > 0 else float("nan")
    return OLSFit(coef=np.asarray(coef, dtype=np.float64), se=se, df_resid=df, r2=r2)


def convergence_speed(beta: float, span: float) -> tuple[float, float]:
    r"""Speed of convergence :math:`\lambda = -\ln(1 + \beta\,T)/T` and half-life
    :math:`\ln 2/\lambda` from a β estimated on the average annual growth over ``span`` = T
    years (``span=1`` for annual growth). NaN when β does not imply convergence
    (:math:`\beta \ge 0` or :math:`1+\beta T \le 0`).

    References
    ----------
    Barro, R. J. and Sala-i-Martin, X. (2004). Economic Growth, 2nd ed., MIT Press, chapter 11.
    """
    if not np.isfinite(beta) or beta >= 0 or 1.0 + beta * span <= 0:
        return float("nan"), float("nan")
    lam = -np.log(1.0 + beta * span) / span
    return float(lam), float(np.log(2.0) / lam)


@dataclass(frozen=True)
class BetaConvergence:
    """One β regression: slope on the initial log level, its standard error and p-value,
    speed λ per year and half-life in years, observations and R² (within R² with fixed
    effects), and what the regression was (``model``)."""

    model: str
    beta: float
    se: float
    p_value: float
    lam: float
    half_life: float
    n_obs: int
    r2: float


def beta_cross_section(y: ArrayLike) -> BetaConvergence:
    r"""Absolute β-convergence across units between the first and last year:

    .. math:: \frac{1}{T}\ln\frac{y_{i,T}}{y_{i,0}} = \alpha + \beta \ln y_{i,0} + \varepsilon_i

    with :math:`T` the number of years between them; :math:`\beta < 0` is convergence,
    :math:`\lambda = -\ln(1+\beta T)/T`. Units missing either year are left out.

    References
    ----------
    Barro, R. J. and Sala-i-Martin, X. (1992). Convergence. Journal of Political Economy 100(2),
    223-251.
    """
    a = _panel(y, "beta_cross_section")
    span = a.shape[1] - 1
    keep = np.isfinite(a[:, 0]) & np.isfinite(a[:, -1])
    start, end = np.log(a[keep, 0]), np.log(a[keep, -1])
    if keep.sum() < 3:
        raise MethodError(
            "beta_cross_section: fewer than 3 units have both the first and last year"
        )
    x = np.column_stack([np.ones(start.size), start])
    fit = ols(x, (end - start) / span)
    lam, half = convergence_speed(float(fit.coef[1]), span)
    return BetaConvergence(
        "cross_section",
        float(fit.coef[1]),
        float(fit.se[1]),
        fit.p_value(1),
        lam,
        half,
        int(start.size),
        fit.r2,
    )


def _demean(v: FloatArray, codes: NDArray[np.int64], k: int) -> FloatArray:
    means = np.bincount(codes, weights=v, minlength=k) / np.bincount(codes, minlength=k)
    out: FloatArray = v - means[codes]
    return out


def beta_panel(
    y: ArrayLike,
    unit_effects: bool = False,
    year_effects: bool = False,
    controls: ArrayLike | None = None,
) -> BetaConvergence:
    r"""β-convergence on annual growth in a panel:

    .. math:: \ln\frac{y_{i,t+1}}{y_{i,t}} = \beta \ln y_{i,t} + \gamma' z_{i,t}
              + \mu_i + \eta_t + \varepsilon_{i,t}

    Pooled (absolute β) without effects; with ``unit_effects`` the unit fixed effects
    :math:`\mu_i` make it conditional β (each region converges to its own steady state), and
    ``year_effects`` adds :math:`\eta_t`. Effects are removed by the within transformation
    (two-way: alternating projections to convergence, exact for balanced panels in one pass);
    standard errors count the absorbed effects, so they equal the dummy-variable regression.
    ``controls`` is (n, T, c) or (n, T) of conditioning variables at the start of each year.
    :math:`\lambda = -\ln(1+\beta)`, half-life :math:`\ln 2/\lambda`.

    References
    ----------
    Islam, N. (1995). Growth empirics: a panel data approach. Quarterly Journal of Economics
    110(4), 1127-1170.
    """
    a = _panel(y, "beta_panel")
    n, t = a.shape
    logs = np.log(np.where(np.isfinite(a), a, np.nan))
    growth = (logs[:, 1:] - logs[:, :-1]).reshape(-1)
    level = logs[:, :-1].reshape(-1)
    cols = [level]
    if controls is not None:
        c = np.asarray(controls, dtype=np.float64)
        c = c[:, :, None] if c.ndim == 2 else c
        if c.shape[:2] != (n, t):
            raise MethodError(f"beta_panel: controls must be ({n}, {t}[, c]); got {c.shape}")
        cols.extend(c[:, :-1, j].reshape(-1) for j in range(c.shape[2]))
    x = np.column_stack(cols)
    unit = np.repeat(np.arange(n), t - 1)
    year = np.tile(np.arange(t - 1), n)
    keep = np.isfinite(growth) & np.isfinite(x).all(axis=1)
    x, g, unit, year = x[keep], growth[keep], unit[keep], year[keep]
    _, unit = np.unique(unit, return_inverse=True)
    _, year = np.unique(year, return_inverse=True)
    nu, ny = int(unit.max()) + 1, int(year.max()) + 1
    absorbed = 0
    if not unit_effects and not year_effects:
        x = np.column_stack([np.ones(g.size), x])
        slope = 1
    else:
        z = np.column_stack([g, x])
        for _ in range(200):
            before = z
            if unit_effects:
                z = np.column_stack([_demean(z[:, j], unit, nu) for j in range(z.shape[1])])
            if year_effects:
                z = np.column_stack([_demean(z[:, j], year, ny) for j in range(z.shape[1])])
            if not (unit_effects and year_effects) or np.allclose(z, before, atol=1e-13):
                break
        g, x = z[:, 0], z[:, 1:]
        absorbed = (nu if unit_effects else 0) + (ny if year_effects else 0)
        absorbed -= 1 if unit_effects and year_effects else 0
        slope = 0
    fit = ols(x, g, absorbed=absorbed)
    beta = float(fit.coef[slope])
    lam, half = convergence_speed(beta, 1.0)
    model = (
        "panel_pooled"
        if absorbed == 0
        else "panel_fe_"
        + "_".join(n for n, on in (("unit", unit_effects), ("year", year_effects)) if on)
    )
    return BetaConvergence(
        model, beta, float(fit.se[slope]), fit.p_value(slope), lam, half, int(g.size), fit.r2
    )


def sar_effects(beta: float, rho: float, w: ArrayLike) -> tuple[float, float, float]:
    r"""Average direct, indirect and total effects of a regressor in a spatial lag (SAR) model
    :math:`y = \rho W y + X\beta + \varepsilon` (LeSage and Pace 2009):

    .. math:: S = (I - \rho W)^{-1}\beta,\quad
              \text{direct} = \frac{\mathrm{tr}(S)}{n},\quad
              \text{total} = \frac{\mathbf 1' S \mathbf 1}{n},\quad
              \text{indirect} = \text{total} - \text{direct}

    (with row-standardised :math:`W` the total is :math:`\beta/(1-\rho)`). ``w`` is dense or
    sparse (n, n); :math:`(I-\rho W)^{-1}` is formed densely, so n is limited to 5,000. In a
    spatial error model (SEM) the direct effect is :math:`\beta` and the indirect effect 0.

    References
    ----------
    LeSage, J. and Pace, R. K. (2009). Introduction to Spatial Econometrics. CRC Press,
    section 2.7.
    """
    dense = w.toarray() if hasattr(w, "toarray") else np.asarray(w, dtype=np.float64)
    n = dense.shape[0]
    if dense.shape != (n, n) or n > 5000:
        raise MethodError(f"sar_effects: w must be square with n <= 5000; got {dense.shape}")
    s = np.linalg.inv(np.eye(n) - rho * dense) * beta
    direct = float(np.trace(s) / n)
    total = float(s.sum() / n)
    return direct, total - direct, total
