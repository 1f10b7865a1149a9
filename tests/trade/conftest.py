from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "ecomplexity"


@pytest.fixture
def sample_config(tmp_path: Path) -> Path:
    """The Stata sample as a minimal trade config (Stata's float32 storage of values)."""
    (tmp_path / "trade.csv").write_bytes((FIXTURE / "trade_data_sample.csv").read_bytes())
    config = tmp_path / "trade.yaml"
    config.write_text(
        "data: {path: trade.csv, columns: {location: origin, product: hs92, year: year, "
        "value: export_val}}\ncomplexity: {value_precision: float32}\n",
        encoding="utf-8",
    )
    return config


LOCATIONS = ["a", "b", "c", "d", "e", "f"]
PRODUCTS = ["0101", "0202", "0303", "8471", "8542", "9401", "6109"]
# gz: rich per head (its RPOP above its RCA), zz: poor (its RCA above its RPOP)
POPULATION = {"a": 3.0, "b": 5.0, "c": 2.0, "d": 8.0, "e": 1.0, "f": 4.0, "gz": 0.1, "zz": 20.0}


def write_region_rpop_files(tmp_path: Path, presence: str, region_population: str = "") -> Path:
    """A small world (six locations, seven HS4 products, two years), populations in one file
    keyed by location and region code, and two regions (gz, zz) scored with ``presence``."""
    rng = np.random.default_rng(11)
    rows = [
        (year, loc, prod, float(rng.integers(1, 100)))
        for year in (2020, 2021)
        for loc in LOCATIONS
        for prod in PRODUCTS
        if rng.random() < 0.85
    ]
    pd.DataFrame(rows, columns=["year", "c", "hs", "usd"]).to_csv(tmp_path / "w.csv", index=False)
    region = pd.DataFrame(
        {
            "year": [2021, 2021, 2021, 2021],
            "c": ["gz", "gz", "gz", "zz"],
            "hs": ["0101", "8471", "6109", "9401"],
            "usd": [30.0, 4.0, 2.0, 9.0],
        }
    )
    region.to_csv(tmp_path / "r.csv", index=False)
    pop = pd.DataFrame(
        [(y, loc, n) for y in (2020, 2021) for loc, n in POPULATION.items()],
        columns=["year", "code", "people"],
    )
    pop.to_csv(tmp_path / "pop.csv", index=False)
    config = tmp_path / "t.yaml"
    config.write_text(
        "data: {path: w.csv, columns: {location: c, product: hs, year: year, value: usd}}\n"
        "population: {path: pop.csv, columns: {location: code, population: people}}\n"
        f"complexity: {{presence: {presence}, isolated: drop}}\n"
        "regions: {data: {path: r.csv, columns: {location: c, product: hs, year: year, "
        f"value: usd}}}}, top: 3{region_population}}}\n",
        encoding="utf-8",
    )
    return config


@pytest.fixture
def region_rpop_files() -> Callable[..., Path]:
    """:func:`write_region_rpop_files`, for tests in other modules."""
    return write_region_rpop_files
