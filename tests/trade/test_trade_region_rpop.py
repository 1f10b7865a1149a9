"""Regions with presence by RCA per capita (``presence: rpop | both`` with ``regions:``): the
region's RPOP against the world's product totals and population, its presence, ECI and errors."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest

from kaifang.errors import InputError
from kaifang.trade.pipeline import run_trade


@pytest.mark.parametrize("presence", ["rpop", "both"])
def test_region_rpop_against_world_totals_and_population(
    tmp_path: Path, region_rpop_files: Callable[..., Path], presence: str
) -> None:
    res = run_trade(region_rpop_files(tmp_path, presence))
    assert res.region_products is not None and res.regions is not None
    world = pd.read_csv(tmp_path / "w.csv", dtype={"hs": str})
    world = world[world["year"] == 2021]
    product_total = world.groupby("hs")["usd"].sum()
    # the world population: the six world locations with exports in 2021 (not gz or zz)
    pop = pd.read_csv(tmp_path / "pop.csv")
    people = pop[pop["year"] == 2021].set_index("code")["people"]
    world_people = sum(people[c] for c in world["c"].unique())
    cells = res.region_products
    gz = cells[(cells["location"] == "gz") & (cells["year"] == 2021)].set_index("product")
    for product, value in {"0101": 30.0, "8471": 4.0, "6109": 2.0}.items():
        expected = (value / product_total[product]) / (people["gz"] / world_people)
        assert gz.loc[product, "rpop"] == pytest.approx(expected, rel=1e-12)
        region_total = 36.0
        rca = (value / region_total) / (product_total[product] / product_total.sum())
        assert gz.loc[product, "rca"] == pytest.approx(rca, rel=1e-12)
        test = expected > 1 or (presence == "both" and rca > 1)
        assert gz.loc[product, "m"] == float(test)
    assert (gz.drop(index=["0101", "8471", "6109"])["m"] == 0).all()
    # the rules differ here: gz has products below RCA 1 present by RPOP; zz's one product has
    # an RCA above 1 and an RPOP below 1 (present with both, not with rpop)
    assert ((gz["rca"] < 1) & (gz["m"] == 1)).any()
    zz = cells[(cells["location"] == "zz") & (cells["product"] == "9401")].iloc[0]
    assert zz["rca"] > 1 > zz["rpop"] and zz["m"] == float(presence == "both")
    # the region's ECI: the world's PCI averaged over the region's present products
    region = res.regions.set_index("location").loc["gz"]
    present = gz[gz["m"] == 1]
    assert region["diversity"] == len(present)
    assert region["eci"] == pytest.approx(present["pci"].mean(), rel=1e-12)


def test_regions_own_population_file(
    tmp_path: Path, region_rpop_files: Callable[..., Path]
) -> None:
    config = region_rpop_files(
        tmp_path, "rpop", ", population: {path: rp.csv, columns: {location: c, population: n}}"
    )
    pd.DataFrame({"year": [2021, 2021], "c": ["gz", "zz"], "n": [1.0, 2.0]}).to_csv(
        tmp_path / "rp.csv", index=False
    )
    res = run_trade(config)
    assert res.region_products is not None
    (tmp_path / "shared").mkdir()
    shared = run_trade(region_rpop_files(tmp_path / "shared", "rpop"))
    assert shared.region_products is not None
    # gz has 1 person in its own file instead of 0.1 in the shared one: its RPOP is a tenth
    own = res.region_products.set_index(["location", "product"])["rpop"]
    other = shared.region_products.set_index(["location", "product"])["rpop"]
    assert own[("gz", "0101")] == pytest.approx(other[("gz", "0101")] / 10, rel=1e-12)


def test_region_without_population_names_file_column_region_and_year(
    tmp_path: Path, region_rpop_files: Callable[..., Path]
) -> None:
    config = region_rpop_files(tmp_path, "rpop")
    pop = pd.read_csv(tmp_path / "pop.csv")
    pop[pop["code"] != "zz"].to_csv(tmp_path / "pop.csv", index=False)
    with pytest.raises(InputError) as info:
        run_trade(config)
    (problem,) = info.value.problems
    assert problem.file.endswith("pop.csv") and problem.column == "people"
    assert problem.key == "region_population_not_found"
    assert "no population for region 'zz' in 2021" in str(problem)
    assert "没有地区 zz 在 2021 年的人口" in problem.text("zh")


def test_world_population_column_and_no_region_population_is_refused(
    tmp_path: Path, region_rpop_files: Callable[..., Path]
) -> None:
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
