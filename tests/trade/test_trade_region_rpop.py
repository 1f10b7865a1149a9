"""Regions with presence by RCA per capita (``presence: rpop | both`` with ``regions:``): the
region's RPOP against the world's product totals and population, its presence, ECI and errors."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from kaifang.errors import InputError
from kaifang.trade.pipeline import run_trade

LOCATIONS = ["a", "b", "c", "d", "e", "f"]
PRODUCTS = ["0101", "0202", "0303", "8471", "8542", "9401", "6109"]
POPULATION = {"a": 3.0, "b": 5.0, "c": 2.0, "d": 8.0, "e": 1.0, "f": 4.0, "gz": 0.5, "zz": 1.0}


def _files(tmp_path: Path, presence: str, region_population: str = "") -> Path:
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


@pytest.mark.parametrize("presence", ["rpop", "both"])
def test_region_rpop_against_world_totals_and_population(tmp_path: Path, presence: str) -> None:
    res = run_trade(_files(tmp_path, presence))
    assert res.region_products is not None and res.regions is not None
    world = pd.read_csv(tmp_path / "w.csv", dtype={"hs": str})
    world = world[world["year"] == 2021]
    product_total = world.groupby("hs")["usd"].sum()
    # the world population: the six world locations with exports in 2021 (not gz or zz)
    world_people = sum(POPULATION[c] for c in world["c"].unique())
    cells = res.region_products
    gz = cells[(cells["location"] == "gz") & (cells["year"] == 2021)].set_index("product")
    for product, value in {"0101": 30.0, "8471": 4.0, "6109": 2.0}.items():
        expected = (value / product_total[product]) / (POPULATION["gz"] / world_people)
        assert gz.loc[product, "rpop"] == pytest.approx(expected, rel=1e-12)
        region_total = 36.0
        rca = (value / region_total) / (product_total[product] / product_total.sum())
        assert gz.loc[product, "rca"] == pytest.approx(rca, rel=1e-12)
        test = expected > 1 or (presence == "both" and rca > 1)
        assert gz.loc[product, "m"] == float(test)
    assert (gz.drop(index=["0101", "8471", "6109"])["m"] == 0).all()
    # the region's ECI: the world's PCI averaged over the region's present products
    region = res.regions.set_index("location").loc["gz"]
    present = gz[gz["m"] == 1]
    assert region["diversity"] == len(present)
    assert region["eci"] == pytest.approx(present["pci"].mean(), rel=1e-12)


def test_regions_own_population_file(tmp_path: Path) -> None:
    config = _files(
        tmp_path, "rpop", ", population: {path: rp.csv, columns: {location: c, population: n}}"
    )
    pd.DataFrame({"year": [2021, 2021], "c": ["gz", "zz"], "n": [1.0, 2.0]}).to_csv(
        tmp_path / "rp.csv", index=False
    )
    res = run_trade(config)
    assert res.region_products is not None
    (tmp_path / "shared").mkdir()
    shared = run_trade(_files(tmp_path / "shared", "rpop"))
    assert shared.region_products is not None
    # gz has 1 person here instead of 0.5: its RPOP is halved
    own = res.region_products.set_index(["location", "product"])["rpop"]
    other = shared.region_products.set_index(["location", "product"])["rpop"]
    assert own[("gz", "0101")] == pytest.approx(other[("gz", "0101")] / 2, rel=1e-12)


def test_region_without_population_names_file_column_region_and_year(tmp_path: Path) -> None:
    config = _files(tmp_path, "rpop")
    pop = pd.read_csv(tmp_path / "pop.csv")
    pop[pop["code"] != "zz"].to_csv(tmp_path / "pop.csv", index=False)
    with pytest.raises(InputError) as info:
        run_trade(config)
    (problem,) = info.value.problems
    assert problem.file.endswith("pop.csv") and problem.column == "people"
    assert problem.key == "region_population_not_found"
    assert "no population for region 'zz' in 2021" in str(problem)
    assert "没有地区 zz 在 2021 年的人口" in problem.text("zh")


def test_world_population_column_and_no_region_population_is_refused(tmp_path: Path) -> None:
    (tmp_path / "w.csv").write_text("c,hs,year,usd,pop\na,0101,2020,1,2\n", encoding="utf-8")
    (tmp_path / "t.yaml").write_text(
        "data: {path: w.csv, columns: {location: c, product: hs, year: year, value: usd, "
        "population: pop}}\ncomplexity: {presence: both}\n"
        "regions: {data: {path: r.csv, columns: {location: c, product: hs, year: year, "
        "value: usd}}}\n",
        encoding="utf-8",
    )
    with pytest.raises(InputError, match="with regions needs the regions' populations"):
        run_trade(tmp_path / "t.yaml")
