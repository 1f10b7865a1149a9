"""Regions (provinces, prefectures) scored against the world: RCA against world totals, ECI from
the world's PCI (the OEC's subnational method), density, COG and feasible new products."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa

from kaifang.errors import InputError, Problem
from kaifang.methods import complexity as cx
from kaifang.methods import subnational as sx
from kaifang.trade.config import TradeConfig
from kaifang.trade.population import MAX_PROBLEMS, population_from_column, read_population
from kaifang.trade.readers import read_trade
from kaifang.trade.results import TradeResults
from kaifang.trade.year import YearComplexity


def region_populations(
    config: TradeConfig, region_table: pa.Table, base: Path, needed: pd.DataFrame
) -> dict[tuple[int, str], float]:
    """(year, region) -> population of every region and year with exports in ``needed``, from
    ``regions: population:``, else the regions' population column, else the top-level
    population file (keyed by region code). A region without one is an error naming the file,
    the column, the region and the year."""
    regions = config.regions
    assert regions is not None
    if regions.population is not None:
        frame, file, column = read_population(regions.population, base)
    elif "population" in regions.data.columns:
        frame = population_from_column(region_table)
        file = str((base / regions.data.path).resolve())
        column = regions.data.columns["population"]
    else:
        assert config.population is not None  # the config's validator asked for one
        frame, file, column = read_population(config.population, base)
    pop = frame["population"].to_numpy(dtype=np.float64)
    if config.complexity.value_precision == "float32":
        pop = pop.astype(np.float32).astype(np.float64)  # as the world's (Stata's storage)
    have = dict(
        zip(
            zip(frame["year"].astype(int), frame["location"].astype(str), strict=True),
            pop,
            strict=True,
        )
    )
    lacking = sorted(
        {(int(y), str(r)) for y, r in zip(needed["year"], needed["location"], strict=True)}
        - set(have)
    )
    if lacking:
        raise InputError(
            [
                Problem.of(
                    file,
                    "region_population_not_found",
                    None,
                    column,
                    location=r,
                    year=y,
                    presence=config.complexity.presence,
                )
                for y, r in lacking[:MAX_PROBLEMS]
            ]
        )
    return have


def score_regions(
    results: TradeResults,
    config: TradeConfig,
    year_results: dict[int, tuple[YearComplexity, pd.Index, pd.Index]],
    base: Path,
    world_population: dict[int, float] | None = None,
) -> None:
    """Score every region and year of ``regions:`` against the world's results. With presence
    by RCA per capita (``rpop``, ``both``), ``world_population`` holds the world's population
    by year (summed over the world's locations with exports, as the world's RPOP uses it)."""
    assert config.regions is not None
    region_table = read_trade(config.regions.data, base, config.engine.memory_limit)
    frame = region_table.to_pandas()
    opts = config.complexity
    per_capita = opts.presence in ("rpop", "both")
    populations: dict[tuple[int, str], float] = {}
    frame = frame[frame["flow"] == "export"]
    if config.product_digits is not None:
        frame = frame.assign(product=frame["product"].str.slice(0, config.product_digits))
    by = frame.groupby(["year", "location", "product"], as_index=False)["value"].sum()
    if per_capita:
        totals = by.groupby(["year", "location"], as_index=False)["value"].sum()
        populations = region_populations(config, region_table, base, totals[totals["value"] > 0])
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
        world_product = w.to_numpy(float)
        rca = sx.region_rca(x, world_product)
        rpop = None
        if per_capita:
            if not world_population or y not in world_population:
                raise InputError(
                    [Problem(config.regions.data.path, f"year {y}: no world population")]
                )
            people = populations.get((y, str(location)))
            if people is not None:  # a region without exports this year has no population
                rpop = sx.region_rpop(x, world_product, people, world_population[y])
            else:
                rpop = np.full(len(prods), np.nan)
        # presence: manual is the world's own rule for its table; regions stay on RCA then
        rule = opts.presence if per_capita else "rca"
        m = sx.region_presence(rca, rpop, rule, opts.threshold, opts.rpop_threshold, opts.strict)
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
                    **({"rpop": rpop} if rpop is not None else {}),
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
