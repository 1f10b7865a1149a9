"""Spatial β-convergence: the cross-section β regression with a spatial lag of the growth rate
(SAR) or a spatial error (SEM), estimated by maximum likelihood with PySAL ``spreg``.

``spreg`` is the optional ``spatial`` extra (``pip install kaifang[spatial]``); without it the
rows are left out and a note says so.
"""

from __future__ import annotations

import contextlib
import importlib.util
import io
import logging
import warnings
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from kaifang.methods import convergence as mc

if TYPE_CHECKING:
    from kaifang.analysis.geometry import UnitWeights

log = logging.getLogger(__name__)

# spreg's full (eigenvalue) likelihood is exact and fast for small n; sparse LU above
_DENSE_LIMIT = 1000


def available() -> bool:
    return importlib.util.find_spec("spreg") is not None and (
        importlib.util.find_spec("libpysal") is not None
    )


def spatial_beta_rows(
    panel: pd.DataFrame, weights: UnitWeights, which: str, notes: list[tuple[str, str]]
) -> list[dict[str, Any]]:
    """Rows of beta.csv for the spatial models (``which``: sar, sem or both)."""
    if not available():
        notes.append(
            (
                "Spatial β (SAR/SEM) needs the optional 'spatial' extra: "
                "pip install kaifang[spatial]",
                "空间β收敛（SAR/SEM）需安装可选组件：pip install kaifang[spatial]",
            )
        )
        return []
    import libpysal
    import spreg

    sub = panel.reindex(weights.codes)
    first, last = sub.iloc[:, 0].to_numpy(), sub.iloc[:, -1].to_numpy()
    ok = np.isfinite(first) & np.isfinite(last) & (first > 0) & (last > 0)
    idx = np.flatnonzero(ok)
    n = idx.size
    if n < 10:
        notes.append(
            (
                f"Spatial β needs at least 10 units with both end years; found {n}",
                f"空间β收敛至少需要10个首末年份均有数据的地区，现有{n}个",
            )
        )
        return []
    span = sub.shape[1] - 1
    from kaifang.methods.spatial import row_standardise

    w_sub = row_standardise(weights.w[idx][:, idx])
    if (np.diff(w_sub.indptr) == 0).any():
        notes.append(("Spatial β: a unit has no neighbour left", "空间β收敛：存在无相邻单元的地区"))
        return []
    w_pysal = libpysal.weights.WSP(w_sub.tocsr()).to_W(silence_warnings=True)
    w_pysal.transform = "r"
    y = ((np.log(last[idx]) - np.log(first[idx])) / span)[:, None]
    x = np.log(first[idx])[:, None]
    method = "full" if n <= _DENSE_LIMIT else "LU"
    rows: list[dict[str, Any]] = []
    for model in ("sar", "sem") if which == "both" else (which,):
        try:
            # spreg prints its progress to stdout: keep the command's output clean
            with warnings.catch_warnings(), contextlib.redirect_stdout(io.StringIO()):
                warnings.simplefilter("ignore")
                if model == "sar":
                    fit = spreg.ML_Lag(y, x, w=w_pysal, method=method)
                    beta, rho = float(fit.betas[1, 0]), float(fit.rho)
                    se = float(fit.std_err[1])
                    p = float(fit.z_stat[1][1])
                    direct, indirect, total = mc.sar_effects(beta, rho, w_sub)
                else:
                    fit = spreg.ML_Error(y, x, w=w_pysal, method=method)
                    beta, rho = float(fit.betas[1, 0]), float(fit.lam)
                    se = float(fit.std_err[1])
                    p = float(fit.z_stat[1][1])
                    direct, indirect, total = beta, 0.0, beta
        except (np.linalg.LinAlgError, ValueError, FloatingPointError) as exc:
            notes.append(
                (
                    f"Spatial β ({model}) did not converge: {exc}",
                    "空间β收敛（"
                    + ("空间滞后模型" if model == "sar" else "空间误差模型")
                    + "）未收敛",
                )
            )
            continue
        # speed and half-life from the total effect: the long-run response to the initial level
        lam, half = mc.convergence_speed(total, span)
        rows.append(
            {
                "model": f"spatial_{model}",
                "kind": "spatial",
                "beta": beta,
                "se": se,
                "p_value": p,
                "lambda": lam,
                "half_life": half,
                "n_obs": n,
                "r2": float(getattr(fit, "pr2", np.nan)),
                "rho": rho,
                "direct": direct,
                "indirect": indirect,
                "total": total,
            }
        )
    return rows
