"""Rank countries by ECI and list product-space opportunities, from a `kaifang trade` folder.

Usage: python examples/trade_world/analyse.py out/trade_world [country ...]
Compares the ECI with GDP per capita (World Bank, year-2000 USD) and with the fitness index the
R package economiccomplexity ships for the same data (a different method: a loose check).
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import stats

from kaifang.methods.complexity import feasible_products

HERE = Path(__file__).resolve().parent


def summary(folder: Path, countries: list[str], top: int = 10) -> dict[str, object]:
    locations = pd.read_csv(folder / "locations.csv").dropna(subset=["eci"])
    cells = pd.read_csv(folder / "location_product.csv", dtype={"product": str})
    products = pd.read_csv(folder / "products.csv", dtype={"product": str})
    gdp = pd.read_csv(HERE / "data" / "world_gdp_avg_1998_to_2000.csv").set_index("country")
    fitness = pd.read_csv(HERE / "data" / "r_pkg_output_country_complexity.csv")
    eci = locations.set_index("location")["eci"]
    both = eci.to_frame().join(gdp["value"].rename("gdp_pc"), how="inner").dropna()
    with_fit = eci.to_frame().join(
        fitness.set_index("country")["fitness_complexity_index"], how="inner"
    )
    out: dict[str, object] = {
        "ranking": locations.sort_values("eci", ascending=False).head(top),
        "corr_log_gdp_pc": float(np.corrcoef(both["eci"], np.log(both["gdp_pc"]))[0, 1]),
        "n_gdp": len(both),
        "spearman_r_fitness": float(
            stats.spearmanr(with_fit["eci"], with_fit["fitness_complexity_index"]).statistic
        ),
        "n_fitness": len(with_fit),
    }
    pci = products.set_index("product")["pci"]
    for country in countries:
        part = cells[cells["location"] == country].set_index("product").reindex(pci.index)
        best = feasible_products(
            part["m"].to_numpy(float), part["density"].to_numpy(float), pci.to_numpy(float), top
        )
        out[f"opportunities_{country}"] = pd.DataFrame(
            {
                "product": pci.index[best],
                "density": part["density"].to_numpy()[best],
                "pci": pci.to_numpy()[best],
                "cog": part["cog"].to_numpy()[best],
            }
        )
    return out


def main() -> None:
    folder = Path(sys.argv[1]) if len(sys.argv) > 1 else Path("out/trade_world")
    countries = sys.argv[2:] or ["chn", "idn"]
    result = summary(folder, countries)
    print("ECI ranking (exporters kept by min_location_value):")
    print(result["ranking"].to_string(index=False))
    print(
        f"\ncorr(ECI, log GDP per capita) = {result['corr_log_gdp_pc']:.3f} "
        f"over {result['n_gdp']} countries"
    )
    print(
        f"Spearman(ECI, R fitness index) = {result['spearman_r_fitness']:.3f} "
        f"over {result['n_fitness']} countries (different method: loose check)"
    )
    for country in countries:
        print(f"\nProduct-space opportunities of {country} (absent, high density and PCI):")
        print(result[f"opportunities_{country}"].to_string(index=False))


if __name__ == "__main__":
    main()
