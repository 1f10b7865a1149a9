"""Projecting a series to its target year with an interval, and choosing the model honestly.

Two models on the log of the series (growth is multiplicative, so logs make it additive):

- ``loglinear``: OLS trend :math:`\\ln y_t = a + b t + e_t` (statsmodels ``OLS``); the interval
  is the OLS prediction interval for a new observation (``get_prediction(...).obs_ci``).
- ``rw_drift``: random walk with drift, ARIMA(0,1,0) with a constant drift (statsmodels
  ``ARIMA(order=(0, 1, 0), trend="t")``): :math:`\\ln y_t = \\ln y_{t-1} + \\mu + e_t`. Its drift
  is the mean log growth, i.e. the realised compound rate, and its interval widens with
  :math:`\\sqrt{h}`.

Choice rule (stated in every output): rolling-origin one-step-ahead forecasts of the last ``k``
years (default 3), each model refitted on the years before; the model with the smaller mean
absolute error of log values is chosen, and the log-linear trend is kept on a tie or when fewer
than ``k + 4`` points exist (too few to judge). Hyndman and Athanasopoulos (2021), *Forecasting:
Principles and Practice*, 3rd ed., section 5.10 (time series cross-validation). Forecasts are
medians on the original scale: :math:`\\exp` of the log forecast.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

FloatArray = NDArray[np.float64]

MODELS = ("loglinear", "rw_drift")
MIN_POINTS = 4  # fewest points for a projection at all (3 residual degrees of freedom at least)


@dataclass(frozen=True)
class Projection:
    model: str
    point: float
    lower: float
    upper: float
    level: float
    errors: dict[str, float]  # mean absolute one-step log error per model (NaN: not judged)
    n_points: int
    rule: str


def _loglinear(t: FloatArray, logy: FloatArray, at: FloatArray, alpha: float) -> FloatArray:
    import statsmodels.api as sm

    t0 = t[0]
    fit = sm.OLS(logy, sm.add_constant(t - t0, has_constant="add")).fit()
    frame = fit.get_prediction(sm.add_constant(at - t0, has_constant="add")).summary_frame(
        alpha=alpha
    )
    return np.column_stack(
        [frame["mean"].to_numpy(), frame["obs_ci_lower"].to_numpy(), frame["obs_ci_upper"]]
    ).astype(np.float64)


def _rw_drift(t: FloatArray, logy: FloatArray, at: FloatArray, alpha: float) -> FloatArray:
    from statsmodels.tsa.arima.model import ARIMA

    steps = round(float(at.max() - t[-1]))
    with warnings.catch_warnings():
        # tiny samples make statsmodels warn about its start values; the fit itself is closed form
        warnings.simplefilter("ignore")
        fit = ARIMA(logy, order=(0, 1, 0), trend="t").fit()
        fc = fit.get_forecast(steps)
    mean = np.asarray(fc.predicted_mean, dtype=np.float64)
    ci = np.asarray(fc.conf_int(alpha=alpha), dtype=np.float64)
    idx = np.round(at - t[-1]).astype(int) - 1
    return np.column_stack([mean[idx], ci[idx, 0], ci[idx, 1]])


_FITTERS = {"loglinear": _loglinear, "rw_drift": _rw_drift}


def one_step_errors(t: FloatArray, logy: FloatArray, holdout: int) -> dict[str, float]:
    """Mean absolute error of one-step-ahead log forecasts over the last ``holdout`` points."""
    errors: dict[str, float] = {}
    for name, fitter in _FITTERS.items():
        errs = []
        for k in range(len(t) - holdout, len(t)):
            pred = fitter(t[:k], logy[:k], t[k : k + 1], 0.2)[0, 0]
            errs.append(abs(float(pred) - float(logy[k])))
        errors[name] = float(np.mean(errs))
    return errors


def project(
    years: FloatArray, values: FloatArray, target_year: int, level: float = 0.8, holdout: int = 3
) -> Projection | None:
    """Project ``values`` (positive, by year) to ``target_year`` with a ``level`` interval.

    ``None`` when fewer than 4 positive points exist. When the target year is not after the last
    year, the projection is the fitted value of that year (no forecast needed, but reported).
    """
    ok = np.isfinite(values) & (values > 0)
    t = np.asarray(years, dtype=np.float64)[ok]
    logy = np.log(np.asarray(values, dtype=np.float64)[ok])
    if len(t) < MIN_POINTS:
        return None
    alpha = 1.0 - level
    rule = (
        f"one-step-ahead MAE of log values over the last {holdout} years; log-linear kept on a "
        f"tie or with fewer than {holdout + MIN_POINTS} points"
    )
    if len(t) >= holdout + MIN_POINTS:
        errors = one_step_errors(t, logy, holdout)
        model = "rw_drift" if errors["rw_drift"] < errors["loglinear"] else "loglinear"
    else:
        errors = {name: float("nan") for name in MODELS}
        model = "loglinear"
    at = np.array([float(target_year)])
    if model == "rw_drift" and target_year <= t[-1]:
        model = "loglinear"  # a random walk has no fitted value inside the sample to report
    point, lower, upper = np.exp(_FITTERS[model](t, logy, at, alpha)[0])
    return Projection(model, float(point), float(lower), float(upper), level, errors, len(t), rule)
