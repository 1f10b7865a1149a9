"""The SIMULATED Guizhou data set: reproducible, labelled, complete and plausible."""

from __future__ import annotations

import csv
import importlib.util
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np
import pytest
import yaml

import kaifang

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "guizhou"
SHIPPED = EXAMPLE / "data" / "indicators_SIMULATED.csv"


def _load_simulate() -> ModuleType:
    spec = importlib.util.spec_from_file_location("guizhou_simulate", EXAMPLE / "simulate.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    # dataclasses resolve annotations through sys.modules
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def _leaves(node: dict[str, Any]) -> list[dict[str, Any]]:
    children = node.get("children") or []
    if not children:
        return [node]
    return [leaf for child in children for leaf in _leaves(child)]


@pytest.fixture(scope="module")
def rows() -> list[dict[str, str]]:
    with SHIPPED.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


@pytest.fixture(scope="module")
def framework() -> dict[str, Any]:
    with (EXAMPLE / "framework.yaml").open(encoding="utf-8") as fh:
        loaded: dict[str, Any] = yaml.safe_load(fh)
    return loaded


@pytest.fixture(scope="module")
def unit_codes() -> list[str]:
    with (EXAMPLE / "units.csv").open(encoding="utf-8", newline="") as fh:
        return [r["code"] for r in csv.DictReader(fh)]


def test_regenerating_reproduces_the_shipped_file_byte_for_byte(tmp_path: Path) -> None:
    out = tmp_path / "indicators_SIMULATED.csv"
    assert _load_simulate().main(["--out", str(out)]) == 0
    assert out.read_bytes() == SHIPPED.read_bytes()
    # the atomic write leaves no temporary file behind
    assert [p.name for p in tmp_path.iterdir()] == [out.name]


def test_every_row_is_labelled_simulated(rows: list[dict[str, str]]) -> None:
    assert rows
    assert {r["note"] for r in rows} == {"SIMULATED"}
    assert list(rows[0]) == ["unit", "year", "indicator", "value", "note"]


def test_every_framework_series_has_data(
    rows: list[dict[str, str]], framework: dict[str, Any], unit_codes: list[str]
) -> None:
    leaves = _leaves(framework)
    # derived indicators (growth) are computed by the engine, not read
    needed = {leaf["id"] for leaf in leaves if "derive" not in leaf}
    needed |= {aux["id"] for aux in framework["auxiliary"]}
    assert {r["indicator"] for r in rows} == needed
    for leaf in leaves:
        if "derive" in leaf:
            assert leaf["derive"]["growth"] in needed
    # every (unit, year) of 2016-2024 is present as a row for every series
    cells = {(r["indicator"], r["unit"], int(r["year"])) for r in rows}
    expected = {(i, u, y) for i in needed for u in unit_codes for y in range(2016, 2025)}
    assert expected <= cells
    extra_years = {(i, y) for i, _, y in cells - expected}
    assert extra_years == {("trade_total", 2015), ("fdi_actual", 2015)}


def test_missing_cells_are_few_and_never_in_denominators(
    rows: list[dict[str, str]], framework: dict[str, Any]
) -> None:
    auxiliary = {aux["id"] for aux in framework["auxiliary"]}
    missing = [r for r in rows if r["value"] == ""]
    share = len(missing) / len(rows)
    # 2% of indicator cells were drawn missing; a few dozen in all
    assert 0.01 < share < 0.03
    assert not [r for r in missing if r["indicator"] in auxiliary]
    # imputation needs at least some observed values in every indicator-year
    by_key: dict[tuple[str, str], int] = {}
    for r in rows:
        if r["value"] != "":
            key = (r["indicator"], r["year"])
            by_key[key] = by_key.get(key, 0) + 1
    assert min(by_key.values()) >= 5


def _values(rows: list[dict[str, str]], indicator: str) -> np.ndarray:
    return np.array([float(r["value"]) for r in rows if r["indicator"] == indicator and r["value"]])


def test_values_are_plausible(rows: list[dict[str, str]], framework: dict[str, Any]) -> None:
    # nothing in this framework can be negative (counts, amounts, shares, times)
    assert min(float(r["value"]) for r in rows if r["value"]) >= 0
    for leaf in _leaves(framework):
        if "derive" in leaf:
            continue
        values = _values(rows, leaf["id"])
        if leaf["unit"] == "%":
            assert values.max() <= 100, leaf["id"]
        if leaf.get("transform") == "log":
            assert values.min() > 0, leaf["id"]
        # the indicator varies across units and years (normalisation needs a spread)
        assert values.std() > 0, leaf["id"]


def test_magnitudes_match_guizhou(rows: list[dict[str, str]]) -> None:
    def cell(indicator: str, unit: str, year: int) -> float:
        (match,) = [
            r
            for r in rows
            if r["indicator"] == indicator and r["unit"] == unit and r["year"] == str(year)
        ]
        return float(match["value"])

    units = ["520100", "520200", "520300", "520400", "520500", "520600", "522300", "522600"]
    units.append("522700")
    gdp_2023 = {u: cell("gdp", u, 2023) for u in units}
    # Guiyang and Zunyi lead: about 5,000 and 4,500 (100 million CNY) in 2023
    assert 4500 < gdp_2023["520100"] < 5600
    assert 4000 < gdp_2023["520300"] < 5200
    assert sorted(gdp_2023, key=gdp_2023.__getitem__)[-2:] == ["520300", "520100"]
    # prefectures add up to roughly the NBS provincial GDP (21,513.7 in 2023)
    assert abs(sum(gdp_2023.values()) - 21513.7) / 21513.7 < 0.03
    # total trade: 50-90 billion CNY a year (500-900 hundred million), Guiyang dominating
    for year in (2016, 2020, 2024):
        trade = {u: cell("trade_total", u, year) for u in units if u != "520300" or year != 2016}
        if year != 2016:
            assert 300 < sum(trade.values()) < 1000
        assert trade["520100"] / sum(trade.values()) > 0.5
    # resident population near the 2020 census: about 3,860 (10 thousand) in all
    pop_2020 = sum(cell("population", u, 2020) for u in units)
    assert 3800 < pop_2020 < 3920


def test_planted_outliers_stand_out(rows: list[dict[str, str]]) -> None:
    simulate = _load_simulate()
    for indicator, unit, year, factor in simulate.OUTLIERS:
        series = {
            int(r["year"]): float(r["value"])
            for r in rows
            if r["indicator"] == indicator and r["unit"] == unit and r["value"]
        }
        neighbours = [series[y] for y in (year - 1, year + 1) if y in series]
        assert series[year] > 0.5 * factor * float(np.mean(neighbours))


def test_shipped_configs_run_and_say_simulated() -> None:
    for config in ("assessment.yaml", "assessment_entropy_topsis.yaml"):
        results = kaifang.load(EXAMPLE / config).run()
        assert results.record["simulated"] is True
        root = results.scores[results.scores["node"] == "open_economy"]
        # 9 prefectures x 2016-2024, every one scored
        assert len(root) == 81
        assert root["score"].notna().all()
        assert set(root["year"]) == set(range(2016, 2025))
