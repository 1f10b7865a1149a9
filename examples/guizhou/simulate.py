"""Generate the SIMULATED indicator data of the Guizhou example.

THE VALUES WRITTEN BY THIS SCRIPT ARE SIMULATED. No official prefecture-level series for the plan's
indicators is available offline, so a seeded generator produces values with plausible magnitudes:
smooth trends, a persistent prefecture effect, yearly noise, about 2% missing cells (so that
imputation has work) and two deliberate outliers (so that winsorisation has work). Province totals
are loosely calibrated to published figures (GDP: NBS provincial GDP 2016-2024; total trade: NBS,
375.6 to 858.6 hundred million CNY), prefecture GDP, population and land area to their real
ballpark; every other split is invented. Every row carries ``note = SIMULATED``.

Run ``python examples/guizhou/simulate.py`` to rewrite ``data/indicators_SIMULATED.csv`` (the
output is byte-for-byte reproducible: numpy ``default_rng(20240501)``, fixed rounding), or
``--out PATH`` to write elsewhere.

Rows for 2015 exist only for ``trade_total`` and ``fdi_actual``: they let the derived growth
indicators (``trade_growth``, ``fdi_growth``) be computed for 2016. The assessment keeps 2016-2024.
"""

from __future__ import annotations

import argparse
import csv
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

SEED = 20240501
YEARS = np.arange(2016, 2025)
BASE_YEAR_FOR_GROWTH = 2015
NOTE = "SIMULATED"
DEFAULT_OUT = Path(__file__).resolve().parent / "data" / "indicators_SIMULATED.csv"

# Order of units.csv.
UNITS = ("520100", "520200", "520300", "520400", "520500", "520600", "522300", "522600", "522700")
#          Guiyang  Liupanshui Zunyi   Anshun    Bijie    Tongren  Qianxinan Qiandongnan Qiannan

# Prefecture GDP (100 million CNY) in the real ballpark for 2016 and 2023; only their shares are
# used, scaled to the NBS provincial total of each year.
GDP_2016 = np.array([3158, 1314, 2403, 701, 1625, 856, 966, 946, 1005], dtype=float)
GDP_2023 = np.array([5155, 1650, 4700, 1160, 2400, 1600, 1700, 1370, 2100], dtype=float)
# NBS provincial GDP of Guizhou 2016-2024 (100 million CNY; post-5th-census vintage).
PROVINCE_GDP = np.array(
    [12133.9, 14067.3, 15886.6, 17251.8, 18308.3, 19921.3, 20579.5, 21513.7, 22645.7]
)
# Guizhou total trade 2015-2024 (100 million CNY): 2016-2024 as published (NBS), 2015 an
# invented base for the growth rate (the published 2015 figure predates a statistical break).
PROVINCE_TRADE = np.array(
    [340.0, 375.64, 551.28, 500.92, 453.2, 546.7, 654.2, 729.9, 759.5, 858.61]
)
# Year-end resident population 2020 (10 thousand; 7th census ballpark) and yearly growth.
POP_2020 = np.array([598.7, 303.2, 660.6, 247.1, 690.0, 329.9, 301.5, 375.9, 349.4])
POP_GROWTH = np.array([0.025, -0.002, 0.002, 0.0, 0.003, -0.002, 0.002, -0.004, 0.0])
LAND_AREA = np.array([8034, 9914, 30762, 9267, 26853, 18003, 16804, 30337, 26197], dtype=float)
# General public budget expenditure as a share of GDP: higher in poorer prefectures.
BUDGET_RATIO = np.array([0.16, 0.21, 0.15, 0.24, 0.29, 0.25, 0.24, 0.36, 0.21])
# How open each prefecture's economy is (0..1); drives the invented splits and levels.
OPENNESS = np.array([1.0, 0.40, 0.70, 0.50, 0.33, 0.45, 0.40, 0.36, 0.55])
# Proximity to Sichuan and Chongqing (north Guizhou) for the Sichuan-Chongqing-Guizhou series.
NORTH_TILT = np.array([1.0, 1.2, 3.0, 1.0, 2.0, 1.5, 1.0, 1.0, 1.0])
# Pandemic years: international flows fell.
COVID = {2020: 0.45, 2021: 0.40, 2022: 0.50}

MISSING_SHARE = 0.02
# (indicator, unit, year, factor): one-off spikes that winsorisation should catch.
OUTLIERS = (
    ("rc_gd_investment", "520600", 2022, 7.0),
    ("sg_rmb_settlement", "522300", 2020, 8.0),
)

Array = NDArray[np.float64]


@dataclass(frozen=True)
class Split:
    """A province total split over prefectures: share ~ basis * openness**k * tilt * effect."""

    total: tuple[float, float] | None  # province total in 2016 and 2024 (geometric path)
    k: float = 1.0
    basis: str = "gdp"  # gdp | population | land_area
    sd: float = 0.08  # yearly noise (log scale)
    het: float = 0.2  # persistent prefecture effect (log scale)
    decimals: int = 2
    covid: bool = False
    tilt: Array | None = None
    floor: float = 0.0  # smallest value written (keeps log-transformed series positive)
    path: Array | None = None  # explicit province totals per year, instead of `total`


@dataclass(frozen=True)
class Level:
    """A rate or time: lo at openness 0, hi at openness 1 (2016), plus a linear trend."""

    lo: float
    hi: float
    trend: float
    sd: float
    clip: tuple[float, float]
    decimals: int = 1


@dataclass(frozen=True)
class Explicit:
    """Per-prefecture 2016 values growing at a common rate (zeros stay zero)."""

    base: tuple[float, ...]
    growth: float
    sd: float = 0.05
    decimals: int = 2
    covid: bool = False


@dataclass(frozen=True)
class Recipe:
    id: str
    spec: Split | Level | Explicit
    extra_years: tuple[int, ...] = field(default=())


def _geometric(a: float, b: float) -> Array:
    return np.asarray(a * (b / a) ** ((YEARS - YEARS[0]) / (YEARS[-1] - YEARS[0])), dtype=float)


# fmt: off
RECIPES: tuple[Recipe, ...] = (
    # open industries
    Recipe("trade_export_delivery_share", Level(0.5, 3.0, 0.05, 0.15, (0, 100), 2)),
    Recipe("trade_hitech_export_share", Level(20, 50, 1.0, 2.0, (0, 100))),
    Recipe("ind_export_oriented_firms", Split((300, 520), k=1.5, decimals=0, floor=1)),
    Recipe("trade_processing_share", Level(2, 15, 0.5, 1.0, (0, 100))),
    Recipe("ind_service_outsourcing", Split((30000, 150000), k=3, sd=0.15)),
    Recipe("fdi_actual", Split(None, k=2, sd=0.15, het=0.3, decimals=0, floor=10,
                               path=np.array([30000, 35000, 38000, 41000, 44000, 36000, 40000,
                                              43000, 46000, 50000.0])), (2015,)),
    Recipe("fdi_new_enterprises", Split((150, 300), k=2, sd=0.15, decimals=0)),
    Recipe("fdi_contracted", Split((100000, 160000), k=1.5, sd=0.2, het=0.3, decimals=0,
                                   floor=50)),
    Recipe("fdi_fortune500_projects", Split((30, 60), k=1.5, sd=0.05, decimals=0)),
    # open channels
    Recipe("ch_land_sea_trains", Split((20, 1200), k=1.5, sd=0.2, het=0.4, decimals=0)),
    Recipe("ch_air_cargo", Explicit((10.5, 0.05, 0.3, 0.05, 0.1, 0.1, 0.1, 0.05, 0.01),
                                    0.03, decimals=3)),
    Recipe("ch_intl_routes", Explicit((15, 0, 1, 0, 0, 0, 0, 0, 0), 0.05, decimals=0,
                                      covid=True)),
    Recipe("ch_logistics_cost", Level(19.5, 16.0, -0.3, 0.3, (5, 40))),
    Recipe("ch_expressway_km", Split((5400, 9000), k=0.3, basis="land_area", sd=0.02,
                                     decimals=0)),
    # open platforms
    Recipe("plat_dev_zone_output", Split((8000, 12000), k=1, sd=0.05)),
    Recipe("plat_national_platforms", Explicit((8, 1, 3, 2, 1, 1, 1, 1, 1), 0.05,
                                               sd=0.03, decimals=0)),
    Recipe("trade_crossborder_ecommerce", Split((2, 60), k=3, sd=0.2, decimals=3)),
    Recipe("plat_expo_contracts", Split((800, 1500), k=3, sd=0.15, covid=True)),
    # business environment
    Recipe("env_single_window_rate", Level(60, 85, 4.0, 2.0, (0, 100))),
    Recipe("env_approval_days", Level(150, 110, -8.0, 5.0, (40, 250), 0)),
    Recipe("env_startup_days", Level(8, 5, -0.8, 0.4, (0.5, 20))),
    Recipe("env_market_entities", Split((180, 440), k=0.5, basis="population", sd=0.03)),
    Recipe("env_satisfaction", Level(75, 85, 1.0, 1.5, (50, 100))),
    # talent
    Recipe("tal_foreign_experts", Split((800, 1500), k=3, basis="population", decimals=0,
                                        covid=True)),
    Recipe("tal_returnees", Split((1500, 4000), k=2.5, decimals=0)),
    Recipe("tal_intl_students", Explicit((1500, 30, 300, 60, 30, 40, 20, 50, 80), 0.03,
                                         decimals=0, covid=True)),
    Recipe("tal_trade_training", Split((8000, 15000), k=1, sd=0.1, decimals=0)),
    Recipe("tal_higher_ed_students", Split((600000, 900000), k=2, basis="population",
                                           sd=0.02, decimals=0)),
    # central SOE cooperation
    Recipe("soe_projects_signed", Split((60, 150), k=1.5, sd=0.15, decimals=0)),
    Recipe("soe_investment", Split((300, 800), k=1.2, sd=0.2, floor=0.5)),
    Recipe("soe_start_rate", Level(55, 75, 2.0, 4.0, (0, 100))),
    # ports and bonded zones
    Recipe("trade_bonded_zones", Explicit((60, 0, 6, 0, 0, 1.5, 0, 0, 0), 0.15, sd=0.1)),
    Recipe("port_import_clearance_hours", Level(80, 40, -5.0, 4.0, (8, 150))),
    Recipe("port_export_clearance_hours", Level(5, 2.5, -0.35, 0.3, (0.3, 10), 2)),
    Recipe("port_cargo_throughput", Split((20, 60), k=2.5, sd=0.12)),
    Recipe("port_designated_sites", Explicit((2, 0, 1, 0, 0, 0, 0, 0, 0), 0.15, sd=0.0,
                                             decimals=0)),
    # regional cooperation
    Recipe("rc_gd_projects", Split((50, 200), k=-1, sd=0.15, decimals=0)),
    Recipe("rc_gd_investment", Split((80, 300), k=-0.5, sd=0.15)),
    Recipe("rc_gd_produce_sales", Split((100, 400), k=-0.5, sd=0.1)),
    Recipe("rc_cyq_projects", Split((20, 80), k=0.5, sd=0.15, decimals=0, tilt=NORTH_TILT)),
    Recipe("rc_cyq_freight", Split((3000, 6000), k=0.5, sd=0.05, decimals=1, tilt=NORTH_TILT)),
    Recipe("rc_cyq_investment", Split((50, 200), k=0.5, sd=0.15, tilt=NORTH_TILT)),
    # safeguards
    Recipe("sg_special_funds", Split((20000, 50000), k=1.5, sd=0.1, decimals=0)),
    Recipe("sg_credit_insurance", Level(10, 30, 2.0, 2.0, (0, 100))),
    Recipe("sg_rmb_settlement", Split((100, 400), k=2.5, sd=0.12)),
    # doubling foreign trade
    Recipe("trade_total", Split(None, k=2.5, sd=0.08, path=PROVINCE_TRADE), (2015,)),
    Recipe("trade_exports", Split(None, k=2.3, sd=0.1, path=0.65 * PROVINCE_TRADE[1:])),
    Recipe("trade_entities", Split((1000, 1900), k=2, sd=0.05, decimals=0, floor=1)),
    Recipe("trade_rcep_share", Level(20, 30, 0.8, 2.0, (0, 100))),
)
# fmt: on


def _auxiliary(rng: np.random.Generator) -> dict[str, Array]:
    """GDP, population, land area, budget expenditure: (units x years) arrays."""
    t = (YEARS - 2016) / (2023 - 2016)
    s16, s23 = GDP_2016 / GDP_2016.sum(), GDP_2023 / GDP_2023.sum()
    shares = s16[:, None] + (s23 - s16)[:, None] * t[None, :]
    shares /= shares.sum(axis=0)
    gdp = PROVINCE_GDP[None, :] * shares * np.exp(rng.normal(0, 0.01, shares.shape))
    pop = POP_2020[:, None] * (1 + POP_GROWTH[:, None]) ** (YEARS - 2020)[None, :]
    pop = pop * np.exp(rng.normal(0, 0.002, pop.shape))
    area = np.repeat(LAND_AREA[:, None], len(YEARS), axis=1)
    budget = gdp * BUDGET_RATIO[:, None] * np.exp(rng.normal(0, 0.03, gdp.shape))
    return {"gdp": gdp, "population": pop, "land_area": area, "budget_expenditure": budget}


def _covid_factor(years: NDArray[np.int64]) -> Array:
    return np.array([COVID.get(int(y), 1.0) for y in years])


def _split(
    spec: Split, years: NDArray[np.int64], aux: dict[str, Array], rng: np.random.Generator
) -> Array:
    if spec.path is not None:
        total = np.asarray(spec.path, dtype=float)
    elif spec.total is not None:
        total = _geometric(*spec.total)
    else:
        raise ValueError("Split needs `total` or `path`")
    basis = aux[spec.basis]
    if len(years) > basis.shape[1]:
        # Extra base years before 2016 reuse the 2016 basis.
        pad = len(years) - basis.shape[1]
        basis = np.concatenate([np.repeat(basis[:, :1], pad, axis=1), basis], axis=1)
    weight = basis * (OPENNESS**spec.k)[:, None]
    if spec.tilt is not None:
        weight = weight * spec.tilt[:, None]
    weight = weight * np.exp(rng.normal(0, spec.het, (len(UNITS), 1)))
    share = weight / weight.sum(axis=0)
    values = total[None, :] * share * np.exp(rng.normal(0, spec.sd, share.shape))
    if spec.covid:
        values = values * _covid_factor(years)[None, :]
    return np.asarray(np.maximum(values, spec.floor), dtype=float)


def _level(spec: Level, years: NDArray[np.int64], rng: np.random.Generator) -> Array:
    start = spec.lo + (spec.hi - spec.lo) * OPENNESS
    effect = rng.normal(0, 0.1 * abs(spec.hi - spec.lo), len(UNITS))
    trend = spec.trend * (years - 2016)
    values = (start + effect)[:, None] + trend[None, :]
    values = values + rng.normal(0, spec.sd, values.shape)
    return np.asarray(np.clip(values, *spec.clip), dtype=float)


def _explicit(spec: Explicit, years: NDArray[np.int64], rng: np.random.Generator) -> Array:
    base = np.asarray(spec.base, dtype=float)
    values = base[:, None] * (1 + spec.growth) ** (years - 2016)[None, :]
    values = values * np.exp(rng.normal(0, spec.sd, values.shape))
    if spec.covid:
        values = values * _covid_factor(years)[None, :]
    return np.asarray(values, dtype=float)


def _fmt(value: float, decimals: int) -> str:
    if np.isnan(value):
        return ""
    text = f"{value:.{decimals}f}"
    # "-0" and "-0.00" come from rounding tiny negatives; they are zero.
    return text[1:] if text.startswith("-") and float(text) == 0 else text


def generate() -> list[tuple[str, str, str, str, str]]:
    """Return the rows (unit, year, indicator, value, note) of the SIMULATED data set."""
    rng = np.random.default_rng(SEED)
    aux = _auxiliary(rng)
    rows: list[tuple[str, str, str, str, str]] = []
    for name, table in aux.items():
        decimals = 2 if name != "land_area" else 0
        for i, unit in enumerate(UNITS):
            for j, year in enumerate(YEARS):
                rows.append((unit, str(year), name, _fmt(table[i, j], decimals), NOTE))
    outliers = {(ind, unit, year): f for ind, unit, year, f in OUTLIERS}
    for recipe in RECIPES:
        years = np.concatenate([np.array(recipe.extra_years, dtype=np.int64), YEARS])
        spec = recipe.spec
        if isinstance(spec, Split):
            values = _split(spec, years, aux, rng)
        elif isinstance(spec, Level):
            values = _level(spec, years, rng)
        else:
            values = _explicit(spec, years, rng)
        for (ind, unit, spike_year), factor in outliers.items():
            if ind == recipe.id:
                column = int(np.flatnonzero(years == spike_year)[0])
                values[UNITS.index(unit), column] *= factor
        # Missing cells only in the assessed years, never in a growth base year.
        missing = rng.random(values.shape) < MISSING_SHARE
        missing[:, years < YEARS[0]] = False
        values = np.where(missing, np.nan, values)
        for i, unit in enumerate(UNITS):
            for j, year in enumerate(years):
                value = _fmt(values[i, j], spec.decimals)
                rows.append((unit, str(year), recipe.id, value, NOTE))
    return rows


def write(path: Path) -> None:
    """Write the data set to ``path`` atomically: a temporary file, then ``os.replace``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=path.name, suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            writer = csv.writer(fh, lineterminator="\n")
            writer.writerow(("unit", "year", "indicator", "value", "note"))
            writer.writerows(generate())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="CSV file to write")
    args = parser.parse_args(argv)
    write(args.out)
    print(f"wrote {args.out} (SIMULATED data)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
