"""Generate the SIMULATED 88-county panel of the ``guizhou_counties`` example, with a SYNTHETIC
map.

THE DATA AND THE MAP WRITTEN BY THIS SCRIPT ARE SIMULATED. Guizhou has 88 county-level
divisions, but neither county series for these indicators nor county boundaries are available
offline. So that the spatial statistics (Moran's I, LISA, spatial Markov chains, spatial β) have
enough units to mean something, this script lays out 88 square cells on an 8 x 11 grid over
Guizhou's bounding box (103.6-109.6 E, 24.6-29.2 N) and generates four indicators with a smooth
spatial trend (richer in the centre-north, around a synthetic "capital" cell), spatially
correlated noise, catch-up growth of the poorer cells and yearly noise. Nothing here describes a
real county: the names are "Simulated county 01" ... "模拟县01" ..., the codes ``sim01`` ...

Run ``python examples/guizhou_counties/simulate.py`` to rewrite ``units.csv``,
``data/indicators_SIMULATED.csv`` and ``geo/counties_SYNTHETIC.geojson`` (byte-for-byte
reproducible: numpy ``default_rng(20261129)``, fixed rounding).
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

SEED = 20261129
ROWS, COLS = 8, 11
WEST, EAST, SOUTH, NORTH = 103.6, 109.6, 24.6, 29.2
YEARS = np.arange(2016, 2025)
HERE = Path(__file__).resolve().parent
INDICATORS = {  # id: (base level, annual growth, spread of the unit effect)
    "trade_per_capita": (900.0, 0.09, 0.9),  # CNY per person
    "fdi_per_capita": (120.0, 0.06, 1.1),  # CNY per person
    "ecommerce_share": (4.0, 0.08, 0.5),  # % of retail sales
    "platform_count": (2.0, 0.05, 0.6),  # open platforms per county
}


def _smooth(field: np.ndarray, passes: int = 3) -> np.ndarray:
    """Average each cell with its 4 neighbours a few times: spatially correlated noise."""
    out = field.copy()
    for _ in range(passes):
        padded = np.pad(out, 1, mode="edge")
        out = (
            padded[1:-1, 1:-1]
            + padded[:-2, 1:-1]
            + padded[2:, 1:-1]
            + padded[1:-1, :-2]
            + padded[1:-1, 2:]
        ) / 5.0
    return out


def main() -> None:
    rng = np.random.default_rng(SEED)
    dx, dy = (EAST - WEST) / COLS, (NORTH - SOUTH) / ROWS
    r, c = np.meshgrid(np.arange(ROWS), np.arange(COLS), indexing="ij")
    # distance from a synthetic capital cell (row 4, col 5) drives the spatial trend
    distance = np.hypot(r - 4.5, c - 5.0) / np.hypot(ROWS, COLS)
    trend = 1.2 - 2.4 * distance
    codes = [f"sim{i + 1:02d}" for i in range(ROWS * COLS)]
    zones = np.where(c.reshape(-1) < 4, "west", np.where(c.reshape(-1) < 8, "central", "east"))
    with (HERE / "units.csv").open("w", encoding="utf-8", newline="\n") as f:
        f.write("code,name_en,name_zh,level,parent,group\n")
        for i, code in enumerate(codes):
            name = f"Simulated county {i + 1:02d},模拟县{i + 1:02d}"
            f.write(f"{code},{name},county,520000,{zones[i]}\n")
    features = []
    for i, code in enumerate(codes):
        x0 = WEST + dx * c.reshape(-1)[i]
        y0 = NORTH - dy * (r.reshape(-1)[i] + 1)
        ring = [[x0, y0], [x0 + dx, y0], [x0 + dx, y0 + dy], [x0, y0 + dy], [x0, y0]]
        ring = [[round(x, 6), round(y, 6)] for x, y in ring]
        features.append(
            {
                "type": "Feature",
                "properties": {"code": code, "name": f"模拟县{i + 1:02d}", "SYNTHETIC": True},
                "geometry": {"type": "Polygon", "coordinates": [ring]},
            }
        )
    geo = {
        "type": "FeatureCollection",
        "name": "SYNTHETIC grid of 88 simulated counties (not real boundaries)",
        "features": features,
    }
    (HERE / "geo" / "counties_SYNTHETIC.geojson").write_text(
        json.dumps(geo, ensure_ascii=False, separators=(",", ":")), encoding="utf-8"
    )
    rows = ["unit,year,indicator,value,note"]
    t = np.arange(len(YEARS))
    for ind, (level, growth, spread) in INDICATORS.items():
        effect = spread * (trend + _smooth(rng.normal(0, 1, (ROWS, COLS)))).reshape(-1)
        # poorer cells grow faster (beta-convergence of about 3 % a year), plus yearly noise
        logs = np.log(level) + effect[:, None] * np.exp(-0.03 * t)[None, :] + growth * t[None, :]
        logs += _smooth(rng.normal(0, 0.05, (ROWS, COLS)), 1).reshape(-1)[:, None]
        logs += rng.normal(0, 0.04, logs.shape)
        values = np.exp(logs)
        for i, code in enumerate(codes):
            for j, year in enumerate(YEARS):
                rows.append(f"{code},{year},{ind},{values[i, j]:.3f},SIMULATED")
    out = HERE / "data" / "indicators_SIMULATED.csv"
    out.write_text("\n".join(rows) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
