"""Generate the SIMULATED trade panels of the guizhou_trade example (fixed seed).

No official product-by-partner trade of Guizhou is available offline, and no world HS4 table
either, so both are simulated:

- ``data/world_hs4_simulated.csv.gz``: 60 economies x ~380 HS4 headings, exports 2016-2024, from a
  capability model (an economy exports a product with probability rising in its capability minus
  the product's complexity), which gives the nested structure real trade has;
- ``data/guizhou_hs4_partner_simulated.csv.gz``: Guizhou's exports and imports by HS4 heading and
  partner, 2016-2024, whose yearly totals (exports + imports) equal the province's real total
  trade (NBS A060101, by location of the operating unit, thousand USD, in
  examples/china_provinces/data/raw). The export share of each year is simulated (0.62-0.72):
  NBS publishes no separate provincial exports offline.

Guizhou's simulated specialities follow its known export lines (liquor 2208, phosphorus
chemicals 2809/2835, fertilisers 3105, tea 0902, ferroalloys 7202, electronics 8517/8542,
tyres 4011). Run: python examples/guizhou_trade/simulate.py
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parent
RAW = HERE.parent / "china_provinces" / "data" / "raw" / "A060101.csv"
YEARS = list(range(2016, 2025))
SEED = 20240601
SPECIALTIES = ["2208", "2809", "2835", "3105", "0902", "7202", "8517", "8542", "4011", "2402"]
PARTNERS = [
    "usa",
    "jpn",
    "kor",
    "vnm",
    "tha",
    "mys",
    "idn",
    "sgp",
    "phl",
    "aus",
    "deu",
    "nld",
    "gbr",
    "fra",
    "ind",
    "bra",
    "rus",
    "are",
    "sau",
    "zaf",
    "nga",
    "hkg",
    "mex",
    "chl",
    "pak",
]


def hs4_codes() -> list[str]:
    chapters = [c for c in range(1, 98) if c != 77]
    codes = {f"{c:02d}{h:02d}" for c in chapters for h in (1, 2, 3, 4)}
    return sorted(codes | set(SPECIALTIES))


def guizhou_totals() -> pd.Series:
    raw = pd.read_csv(RAW, encoding="utf-8-sig", dtype={"region_code": str})
    gz = raw[raw["region_code"] == "520000"].set_index("year")["value"]
    return gz.loc[YEARS].astype(float) * 1000.0  # thousand USD -> USD


def simulate(seed: int = SEED) -> tuple[pd.DataFrame, pd.DataFrame]:
    rng = np.random.default_rng(seed)
    codes = hs4_codes()
    n_prod = len(codes)
    complexity = rng.uniform(-1.5, 1.5, n_prod)
    countries = [f"c{i:02d}" for i in range(60)]
    capability = np.sort(rng.uniform(-1.0, 2.0, len(countries)))
    size = rng.lognormal(22, 1.2, len(countries))
    world_rows = []
    for t, year in enumerate(YEARS):
        drift = 0.02 * t
        logits = 2.5 * ((capability + drift)[:, None] - complexity[None, :])
        p = 1.0 / (1.0 + np.exp(-logits))
        present = rng.random(p.shape) < p
        value = size[:, None] * rng.lognormal(-6, 1.0, p.shape) * (0.05 + p) * present
        for i, c in enumerate(countries):
            for j in np.nonzero(value[i])[0]:
                world_rows.append((year, c, codes[j], round(float(value[i, j]), 2)))
    world = pd.DataFrame(world_rows, columns=["year", "economy", "hs4", "export_usd"])

    totals = guizhou_totals()
    spec_idx = [codes.index(c) for c in SPECIALTIES]
    base_weight = rng.lognormal(0, 1.5, n_prod) * (complexity < 0.3)
    base_weight[spec_idx] = rng.uniform(40, 120, len(spec_idx))
    partner_weight = rng.dirichlet(np.full(len(PARTNERS), 0.7))
    import_weight = rng.lognormal(0, 1.5, n_prod)
    gz_rows = []
    exported = base_weight > np.quantile(base_weight, 0.7)
    for t, year in enumerate(YEARS):
        # the extensive margin: a few new headings each year, near the current ones
        candidates = np.nonzero(~exported & (complexity < 0.8 + 0.05 * t))[0]
        new = rng.choice(candidates, size=min(6, candidates.size), replace=False)
        exported[new] = True
        export_share = rng.uniform(0.62, 0.72)
        exports = totals[year] * export_share
        imports = totals[year] - exports
        w = base_weight * exported * rng.lognormal(0, 0.25, n_prod)
        w[new] = np.maximum(w[new], np.median(w[w > 0]) * 0.2)
        prod_share = w / w.sum()
        imp_share = import_weight / import_weight.sum()
        for flow, amount, shares in (
            ("export", exports, prod_share),
            ("import", imports, imp_share),
        ):
            mix = rng.dirichlet(partner_weight * 30 + 0.05, size=n_prod)
            cell = amount * shares[:, None] * mix
            cell[cell < 1000.0] = 0.0  # below USD 1,000 nothing is recorded
            # put the dropped crumbs back so the year's total stays the real one
            cell *= amount / cell.sum()
            for j, k in zip(*np.nonzero(cell), strict=True):
                gz_rows.append(
                    (year, "guizhou", codes[j], PARTNERS[k], flow, round(float(cell[j, k]), 4))
                )
    guizhou = pd.DataFrame(
        gz_rows, columns=["year", "region", "hs4", "partner", "flow", "value_usd"]
    )
    return world, guizhou


def main() -> None:
    world, guizhou = simulate()
    out = HERE / "data"
    out.mkdir(exist_ok=True)
    world.to_csv(out / "world_hs4_simulated.csv.gz", index=False)
    guizhou.to_csv(out / "guizhou_hs4_partner_simulated.csv.gz", index=False)
    print(f"world: {len(world)} rows, guizhou: {len(guizhou)} rows (SIMULATED)")


if __name__ == "__main__":
    main()
