"""NBS annual average CNY/USD rates and explicit currency conversion.

Openness compares trade (customs report USD) with GDP (NBS reports CNY): convert one of them
with the year's annual average rate, explicitly, and record the rate used.
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike, NDArray

from kaifang.errors import KaifangError


@lru_cache(maxsize=1)
def nbs_cny_per_usd() -> pd.Series:
    """Yuan per US dollar, annual average, 2000-2024 (NBS; see data/SOURCE.md), by year."""
    with (
        resources.files("kaifang.trade")
        .joinpath("data/cny_per_usd_nbs.csv")
        .open(encoding="utf-8") as f
    ):
        table = pd.read_csv(f)
    return table.set_index("year")["cny_per_usd"].astype(float)


def rate_for(years: ArrayLike) -> NDArray[np.float64]:
    """The NBS rate of each year; a year outside the table is an error naming it."""
    rates = nbs_cny_per_usd()
    ys = np.asarray(years).astype(int).reshape(-1)
    missing = sorted(set(ys.tolist()) - set(rates.index.tolist()))
    if missing:
        raise KaifangError(
            f"no NBS CNY/USD rate for year(s) {missing}: the shipped table covers "
            f"{rates.index.min()}-{rates.index.max()}"
        )
    return rates.reindex(ys).to_numpy(dtype=float)


def convert(values: ArrayLike, years: ArrayLike, source: str, target: str) -> NDArray[np.float64]:
    """Convert between ``CNY`` and ``USD`` at the NBS annual average rate of each value's year."""
    v = np.asarray(values, dtype=np.float64)
    if source == target:
        return v
    rate = rate_for(years).reshape(v.shape) if v.ndim else rate_for(years)[0]
    if (source, target) == ("CNY", "USD"):
        return np.asarray(v / rate, dtype=np.float64)
    if (source, target) == ("USD", "CNY"):
        return np.asarray(v * rate, dtype=np.float64)
    raise KaifangError(f"currency conversion {source} -> {target}: only CNY and USD are known")
