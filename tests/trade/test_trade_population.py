"""Presence by RCA per capita (``presence: rpop | both``) from the YAML config: populations from a
column or a file, hand-computed RPOP and Mcp, the Stata fixtures end to end, clear errors."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from kaifang.cli import app
from kaifang.errors import InputError
from kaifang.trade.pipeline import run_trade

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "ecomplexity"
STATA = FIXTURE / "stata"

# three locations, three products; populations a 1, b 2, c 1 (world 4)
HAND = pd.DataFrame(
    [
        ("a", "p1", 10.0),
        ("a", "p3", 5.0),
        ("b", "p2", 20.0),
        ("b", "p3", 15.0),
        ("c", "p1", 5.0),
        ("c", "p2", 5.0),
        ("c", "p3", 10.0),
    ],
    columns=["loc", "hs", "usd"],
).assign(year=2020, pop=lambda f: f["loc"].map({"a": 1.0, "b": 2.0, "c": 1.0}))
# product totals p1 15, p2 25, p3 30; world 70; location totals a 15, b 35, c 20
# RPOP = (x / product total) / (pop / 4); RCA = (x / location total) / (product total / 70)
RPOP = {
    ("a", "p1"): (10 / 15) / (1 / 4),  # 8/3
    ("a", "p3"): (5 / 30) / (1 / 4),  # 2/3
    ("b", "p2"): (20 / 25) / (2 / 4),  # 1.6
    ("b", "p3"): (15 / 30) / (2 / 4),  # 1 exactly: not present when strict
    ("c", "p1"): (5 / 15) / (1 / 4),  # 4/3
    ("c", "p2"): (5 / 25) / (1 / 4),  # 0.8
    ("c", "p3"): (10 / 30) / (1 / 4),  # 4/3
}
RCA = {
    ("a", "p1"): (10 / 15) / (15 / 70),  # 28/9
    ("a", "p3"): (5 / 15) / (30 / 70),  # 7/9
    ("b", "p2"): (20 / 35) / (25 / 70),  # 1.6
    ("b", "p3"): (15 / 35) / (30 / 70),  # 1
    ("c", "p1"): (5 / 20) / (15 / 70),  # 7/6
    ("c", "p2"): (5 / 20) / (25 / 70),  # 0.7
    ("c", "p3"): (10 / 20) / (30 / 70),  # 7/6
}


def _hand_config(tmp_path: Path, complexity: str, population_file: bool = False) -> Path:
    data = HAND if not population_file else HAND.drop(columns="pop")
    data.to_csv(tmp_path / "trade.csv", index=False)
    if population_file:
        pop = HAND[["loc", "year", "pop"]].drop_duplicates()
        pop.rename(columns={"loc": "region", "pop": "people"}).to_csv(
            tmp_path / "pop.csv", index=False
        )
        source = "population: {path: pop.csv, columns: {location: region, population: people}}\n"
        columns = "{location: loc, product: hs, year: year, value: usd}"
    else:
        source = ""
        columns = "{location: loc, product: hs, year: year, value: usd, population: pop}"
    config = tmp_path / "trade.yaml"
    config.write_text(
        f"data: {{path: trade.csv, columns: {columns}}}\n{source}"
        f"skip_complexity: true\ncomplexity: {complexity}\n",
        encoding="utf-8",
    )
    return config


def _cells(config: Path) -> pd.DataFrame:
    cells = run_trade(config).location_product
    return cells.set_index(["location", "product"]).sort_index()


@pytest.mark.parametrize("population_file", [False, True], ids=["column", "file"])
def test_rpop_and_mcp_by_hand(tmp_path: Path, population_file: bool) -> None:
    cells = _cells(_hand_config(tmp_path, "{presence: rpop}", population_file))
    keys = sorted(RPOP)
    np.testing.assert_allclose(cells.loc[keys, "rpop"], [RPOP[k] for k in keys], rtol=1e-15)
    np.testing.assert_allclose(cells.loc[keys, "rca"], [RCA[k] for k in keys], rtol=1e-15)
    present = {k for k in keys if cells.loc[k, "m"] == 1.0}
    # strict: b/p3 has RPOP exactly 1 and is not present
    assert present == {("a", "p1"), ("b", "p2"), ("c", "p1"), ("c", "p3")}


def test_rpop_weak_threshold_and_both(tmp_path: Path) -> None:
    weak = _cells(_hand_config(tmp_path, "{presence: rpop, strict: false}"))
    assert weak.loc[("b", "p3"), "m"] == 1.0  # RPOP 1 >= 1
    both = _cells(_hand_config(tmp_path, "{presence: both, rpop_threshold: 1.5}"))
    only = _cells(_hand_config(tmp_path, "{presence: rpop, rpop_threshold: 1.5}"))
    # RPOP > 1.5: a/p1 (8/3), b/p2 (1.6); RCA > 1 adds c/p1 and c/p3 (7/6)
    assert set(only.index[only["m"] == 1.0]) == {("a", "p1"), ("b", "p2")}
    assert set(both.index[both["m"] == 1.0]) == {("a", "p1"), ("b", "p2"), ("c", "p1"), ("c", "p3")}


def _stata_config(tmp_path: Path, complexity: str, population_file: bool) -> Path:
    trade = pd.read_csv(FIXTURE / "trade_data_sample.csv", dtype={"hs92": str})
    pop = pd.read_csv(FIXTURE / "population_data_sample.csv")
    # blx has no population: Stata leaves its rows out, kaifang asks for it (see below)
    trade = trade[trade["origin"] != "blx"]
    if population_file:
        pop.to_csv(tmp_path / "pop.csv", index=False)
        extra = "population: {path: pop.csv, columns: {location: origin}}\n"
    else:
        trade = trade.merge(pop, on=["year", "origin"], how="left")
        extra = ""
    trade.to_csv(tmp_path / "trade.csv", index=False)
    pop_col = "" if population_file else ", population: population"
    config = tmp_path / "trade.yaml"
    config.write_text(
        "data: {path: trade.csv, columns: {location: origin, product: hs92, year: year, "
        f"value: export_val{pop_col}}}}}\n{extra}"
        f"complexity: {{value_precision: float32, {complexity}}}\n",
        encoding="utf-8",
    )
    return config


STATA_CASES = [
    ("stata_rpop_default", "presence: rpop"),
    ("stata_continuous_rpop", "presence: rpop, proximity: continuous"),
    ("stata_rca_rpop_combined", "presence: both"),
]


@pytest.mark.parametrize("population_file", [False, True], ids=["column", "file"])
@pytest.mark.parametrize(("name", "complexity"), STATA_CASES, ids=[c[0] for c in STATA_CASES])
def test_yaml_rpop_matches_stata(
    tmp_path: Path, name: str, complexity: str, population_file: bool
) -> None:
    res = run_trade(_stata_config(tmp_path, complexity, population_file))
    expected = pd.read_csv(STATA / f"{name}.csv", dtype={"hs92": str})
    cells = res.location_product.set_index(["location", "product", "year"])
    got = cells.loc[list(zip(expected["origin"], expected["hs92"], expected["year"], strict=True))]
    checked = 0
    for ours, theirs in (("rpop", "rpop"), ("rca", "rca"), ("m", "M"), ("density", "density")):
        if theirs in expected:
            np.testing.assert_allclose(got[ours], expected[theirs], rtol=0, atol=1e-9)
            checked += 1
    np.testing.assert_allclose(got["cog"], expected["cog"], rtol=0, atol=1e-9)
    assert checked >= 3
    # every row of both years: the location and product columns as well
    places = res.locations.set_index(["location", "year"])
    place = places.loc[list(zip(expected["origin"], expected["year"], strict=True))]
    for column in ("eci", "coi", "diversity"):
        np.testing.assert_allclose(place[column], expected[column], rtol=0, atol=1e-9)
    goods = res.products.set_index(["product", "year"])
    good = goods.loc[list(zip(expected["hs92"], expected["year"], strict=True))]
    for column in ("pci", "ubiquity"):
        np.testing.assert_allclose(good[column], expected[column], rtol=0, atol=1e-9)
    assert set(expected["year"]) == {1995, 1996} and len(expected) == 540
    assert res.record["conventions"]["presence"].startswith(
        "RPOP" if "rpop" in complexity.split(",")[0] else "RCA"
    )


def test_missing_population_in_the_column_names_row_and_column(tmp_path: Path) -> None:
    data = HAND.copy()
    data["pop"] = data["pop"].astype(object)
    data.loc[4, "pop"] = ""  # c/p1, line 6 of the file
    config = _hand_config(tmp_path, "{presence: rpop}")
    data.to_csv(tmp_path / "trade.csv", index=False)
    with pytest.raises(InputError) as err:
        run_trade(config)
    (problem,) = err.value.problems
    assert (problem.row, problem.column) == (6, "pop")
    assert problem.file.endswith("trade.csv")
    assert "'c'" in problem.message and "2020" in problem.message
    assert "人口缺失" in problem.text("zh")


def test_bad_populations_in_the_column(tmp_path: Path) -> None:
    data = HAND.copy()
    data["pop"] = data["pop"].astype(object)
    data.loc[0, "pop"] = "many"  # line 2
    data.loc[2, "pop"] = "-2"  # line 4 (b)
    data.loc[3, "pop"] = "3"  # line 5: b has 2 on line 4... and 3 here
    config = _hand_config(tmp_path, "{presence: rpop}")
    data.to_csv(tmp_path / "trade.csv", index=False)
    with pytest.raises(InputError) as err:
        run_trade(config)
    found = {(p.row, p.key) for p in err.value.problems}
    assert found == {
        (2, "not_a_number"),
        (4, "population_not_positive"),
        (4, "population_differs"),
    }


def test_population_file_lacking_a_location_year(tmp_path: Path) -> None:
    config = _hand_config(tmp_path, "{presence: both}", population_file=True)
    pop = pd.read_csv(tmp_path / "pop.csv")
    pop[pop["region"] != "b"].to_csv(tmp_path / "pop.csv", index=False)
    with pytest.raises(InputError) as err:
        run_trade(config)
    (problem,) = err.value.problems
    assert problem.file.endswith("pop.csv")
    assert problem.column == "people"
    assert "'b'" in problem.message and "2020" in problem.message
    assert problem.key == "population_not_found"


def test_population_file_bad_rows(tmp_path: Path) -> None:
    config = _hand_config(tmp_path, "{presence: rpop}", population_file=True)
    (tmp_path / "pop.csv").write_text(
        "region,year,people\na,2020,1\nb,2020,0\nc,20x0,1\na,2020,1\nc,2020,\n", encoding="utf-8"
    )
    with pytest.raises(InputError) as err:
        run_trade(config)
    found = {(p.row, p.column, p.key) for p in err.value.problems}
    assert found == {
        (3, "people", "population_not_positive"),
        (4, "year", "not_a_year"),
        (5, "region", "population_duplicate"),
        (6, "people", "population_missing"),
    }


@pytest.mark.parametrize(
    ("extra", "key"),
    [
        ("complexity: {presence: rpop}\n", "presence: rpop needs populations"),
        ("complexity: {presence: both}\n", "presence: both needs populations"),
        (
            "population: {path: pop.csv}\ndata2: 1\n",
            "data2",
        ),
    ],
)
def test_config_without_populations_is_refused(tmp_path: Path, extra: str, key: str) -> None:
    HAND.to_csv(tmp_path / "trade.csv", index=False)
    config = tmp_path / "trade.yaml"
    config.write_text(
        "data: {path: trade.csv, columns: {location: loc, product: hs, year: year, value: usd}}\n"
        + extra,
        encoding="utf-8",
    )
    with pytest.raises(InputError, match=key):
        run_trade(config)


def test_population_column_with_baci_or_twice_is_refused(tmp_path: Path) -> None:
    config = tmp_path / "trade.yaml"
    config.write_text(
        "data: {path: t.csv, format: baci, country_codes: c.csv, columns: {population: p}}\n",
        encoding="utf-8",
    )
    with pytest.raises(InputError, match="long format only"):
        run_trade(config)
    config.write_text(
        "data: {path: t.csv, columns: {population: p}}\npopulation: {path: pop.csv}\n",
        encoding="utf-8",
    )
    with pytest.raises(InputError, match="not both"):
        run_trade(config)


def test_cli_rpop_missing_population_exit_1_in_chinese(tmp_path: Path) -> None:
    config = _hand_config(tmp_path, "{presence: rpop}", population_file=True)
    pop = pd.read_csv(tmp_path / "pop.csv")
    pop[pop["region"] != "c"].to_csv(tmp_path / "pop.csv", index=False)
    result = CliRunner().invoke(app, ["trade", str(config), "-o", str(tmp_path / "out")])
    assert result.exit_code == 1, result.output
    assert "pop.csv" in result.output and "people" in result.output
    assert "没有 c 在 2020 年的人口" in result.output
    assert "Traceback" not in result.output
    assert not (tmp_path / "out").exists()


def test_cli_rpop_writes_rpop_column(tmp_path: Path) -> None:
    config = _stata_config(tmp_path, "presence: rpop", population_file=True)
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["trade", str(config), "-o", str(out), "--lang", "en"])
    assert result.exit_code == 0, result.output
    cells = pd.read_csv(out / "location_product.csv", dtype={"product": str})
    assert list(cells.columns) == [
        "location",
        "product",
        "year",
        "value",
        "rca",
        "rpop",
        "m",
        "density",
        "cog",
    ]
