"""Regions (provinces, prefectures) scored against the world: RCA against world totals, ECI from
the world's PCI (the OEC's subnational method), density, COG and feasible new products."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from kaifang.errors import InputError, Problem
from kaifang.methods import complexity as cx
from kaifang.trade.config import TradeConfig
from kaifang.trade.readers import read_trade
from kaifang.trade.results import TradeResults
from kaifang.trade.year import YearComplexity


def score_regions(
    results: TradeResults,
    config: TradeConfig,
    year_results: dict[int, tuple[YearComplexity, pd.Index, pd.Index]],
    base: Path,
) -> None:
    assert config.regions is not None
    region_table = read_trade(config.regions.data, base, config.engine.memory_limit)
    frame = region_table.to_pandas()
    frame = frame[frame["flow"] == "export"]
    if config.product_digits is not None:
        frame = frame.assign(product=frame["product"].str.slice(0, config.product_digits))
    by = frame.groupby(["year", "location", "product"], as_index=False)["value"].sum()
    world = results.location_product
    region_rows, cell_rows = [], []
    for (year, location), part in by.groupby(["year", "location"], sort=True):
        y = int(str(year))
        if y not in year_results:
            raise InputError(
                [Problem(config.regions.data.path, f"year {y}: no world data for that year")]
            )
        res, _, prods = year_results[y]
        x = part.set_index("product")["value"].reindex(prods, fill_value=0.0).to_numpy(float)
        unknown = sorted(set(part["product"]) - set(prods))
        if unknown:
            raise InputError(
                [
                    Problem(
                        config.regions.data.path,
                        f"year {y}, {location}: product codes not in the world data: "
                        f"{unknown[:10]}",
                    )
                ]
            )
        w = world[world["year"] == y].groupby("product")["value"].sum().reindex(prods)
        world_share = w.to_numpy(float) / w.sum()
        with np.errstate(divide="ignore", invalid="ignore"):
            rca = (x / x.sum()) / world_share
        t = config.complexity.threshold
        m = ((rca > t) if config.complexity.strict else (rca >= t)).astype(float)
        keep = res.kept_products
        prox = np.nan_to_num(res.proximity[np.ix_(keep, keep)])
        dens = np.full(len(prods), np.nan)
        cog = np.full(len(prods), np.nan)
        dens[keep] = cx.density(m[None, keep], prox)[0]
        _, cog_k = cx.complexity_outlook(
            m[None, keep], dens[None, keep], prox, res.kp[keep], res.kc_sd
        )
        cog[keep] = cog_k[0]
        eci = float(cx.subnational_eci(m[keep], res.pci[keep])[0])
        best = cx.feasible_products(m[keep], dens[keep], res.pci[keep], config.regions.top)
        rank = np.full(len(prods), np.nan)
        rank[np.nonzero(keep)[0][best]] = np.arange(1, len(best) + 1)
        region_rows.append(
            {"location": location, "year": y, "diversity": int(m[keep].sum()), "eci": eci}
        )
        cell_rows.append(
            pd.DataFrame(
                {
                    "location": location,
                    "product": prods,
                    "year": y,
                    "value": x,
                    "rca": rca,
                    "m": m,
                    "density": dens,
                    "pci": res.pci,
                    "cog": cog,
                    "feasible_rank": rank,
                }
            )
        )
    results.regions = pd.DataFrame(region_rows)
    results.region_products = pd.concat(cell_rows, ignore_index=True)
