"""Openness, export and import dependence: trade (USD) over GDP, converted explicitly."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from kaifang.data.readers import parse_numbers, parse_years
from kaifang.errors import InputError, Problem
from kaifang.methods.trade_structure import openness
from kaifang.trade.config import TradeConfig
from kaifang.trade.engine import Engine
from kaifang.trade.rates import rate_for


def openness_table(engine: Engine, config: TradeConfig, base: Path) -> pd.DataFrame:
    """Openness and export/import dependence: trade (USD) over GDP converted to USD at the NBS
    annual average rate when GDP is in CNY (the rate used is a column of the table)."""
    assert config.gdp is not None
    spec = config.gdp
    path = (base / spec.path).resolve()
    cols = {"location": "location", "year": "year", "value": "value", **spec.columns}
    try:
        if path.suffix.lower() in (".xlsx", ".xls", ".xlsm"):
            raw = pd.read_excel(path, dtype=str, engine="calamine", keep_default_na=False)
        else:
            raw = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except (OSError, ValueError) as exc:
        raise InputError([Problem(str(path), f"cannot be read: {exc}")]) from None
    absent = [c for c in cols.values() if c not in raw.columns]
    if absent:
        raise InputError([Problem(str(path), f"column(s) not found: {absent}")])
    values, bad_v = parse_numbers(raw[cols["value"]])
    years, bad_y = parse_years(raw[cols["year"]])
    problems = [
        Problem(
            str(path), f"value {raw[cols['value']].iloc[i]!r} is not a number", i + 2, cols["value"]
        )
        for i in np.nonzero(bad_v)[0][:50]
    ] + [
        Problem(str(path), f"year {raw[cols['year']].iloc[i]!r} is not a year", i + 2, cols["year"])
        for i in np.nonzero(bad_y)[0][:50]
    ]
    if problems:
        raise InputError(problems)
    gdp = pd.DataFrame(
        {"location": raw[cols["location"]].str.strip(), "year": years, "gdp": values * spec.scale}
    ).dropna()
    rate = rate_for(gdp["year"]) if spec.currency == "CNY" else np.ones(len(gdp))
    gdp = gdp.assign(
        cny_per_usd=rate if spec.currency == "CNY" else np.nan, gdp_usd=gdp["gdp"] / rate
    )
    trade = engine.query(
        "SELECT year, location, SUM(CASE WHEN flow = 'export' THEN value ELSE 0.0 END) AS exports, "
        "SUM(CASE WHEN flow = 'import' THEN value ELSE 0.0 END) AS imports "
        "FROM trade GROUP BY year, location"
    )
    both = trade.merge(gdp, on=["location", "year"], how="inner")
    if both.empty:
        raise InputError(
            [Problem(str(path), "no (location, year) of the GDP table matches the trade data")]
        )
    o, dx, dm = openness(both["exports"], both["imports"], both["gdp_usd"])
    return both.assign(openness=o, export_dependence=dx, import_dependence=dm).sort_values(
        ["location", "year"], ignore_index=True
    )[
        [
            "location",
            "year",
            "exports",
            "imports",
            "gdp",
            "cny_per_usd",
            "gdp_usd",
            "openness",
            "export_dependence",
            "import_dependence",
        ]
    ]
