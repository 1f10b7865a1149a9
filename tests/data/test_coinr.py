"""Tests for kaifang.data.coinr on COINr's ASEM example (see good/SOURCE.md)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from kaifang.data import DataSource, UnitMatcher, read_coinr_data, read_coinr_meta, read_source
from kaifang.errors import InputError

GOOD = Path(__file__).parent / "good"


def _leaves(node: dict[str, Any]) -> list[dict[str, Any]]:
    if "children" not in node:
        return [node]
    return [leaf for child in node["children"] for leaf in _leaves(child)]


def test_meta_tree() -> None:
    fw = read_coinr_meta(GOOD / "ASEM_iMeta.csv")
    assert fw["id"] == "Index"
    assert fw["name"] == {"en": "Sustainable Connectivity", "zh": "Sustainable Connectivity"}
    assert [c["id"] for c in fw["children"]] == ["Conn", "Sust"]
    assert [c["id"] for c in fw["children"][0]["children"]] == [
        "Physical", "ConEcFin", "Political", "Instit", "P2P",
    ]  # fmt: skip
    leaves = {leaf["id"]: leaf for leaf in _leaves(fw)}
    assert len(leaves) == 49
    assert leaves["CostImpEx"]["direction"] == -1
    assert leaves["Flights"]["denominator"] == "Population"
    assert leaves["LPI"]["unit"] == "Score 1-5"
    assert leaves["LPI"]["target"] == 4.11803135
    assert "denominator" not in leaves["LPI"]
    assert [a["id"] for a in fw["auxiliary"]] == ["Area", "Energy", "GDP", "Population"]
    assert fw["auxiliary"][2]["unit"] == "USD Bn"
    assert fw["groups"] == ["GDP_group", "GDPpc_group", "Pop_group", "EurAsia_group"]


def test_data_single_year() -> None:
    units, data = read_coinr_data(GOOD / "ASEM_iData.csv")
    assert len(units) == 51
    assert {"GDP_group", "EurAsia_group"} <= set(units.columns)
    aut = units.set_index("code").loc["AUT"]
    assert (aut["name_en"], aut["EurAsia_group"], aut["level"]) == ("Austria", "Europe", "country")
    assert len(data) == 51 * 53  # 4 denominators + 49 indicators
    hit = data[(data["unit"] == "AUT") & (data["indicator"] == "LPI")]
    assert hit["value"].tolist() == [4.097985] and hit["year"].tolist() == [2018]


def test_data_panel() -> None:
    units, data = read_coinr_data(GOOD / "ASEM_iData_p.csv")
    assert len(units) == 51
    assert sorted(data["year"].unique()) == [2018, 2019, 2020, 2021, 2022]
    assert len(data) == 255 * 53


def test_data_unknown_columns_and_year_argument(tmp_path: Path) -> None:
    path = tmp_path / "iData.csv"
    path.write_text("uName,uCode,LPI,Foo\nAustria,AUT,4.1,1\n", "utf-8")
    with pytest.raises(InputError) as info:
        read_coinr_data(path, indicators={"LPI"})
    # Both problems at once: no Time column (and no year given), and the unknown column.
    problems = info.value.problems
    assert [(p.row, p.column) for p in problems] == [(1, None), (1, "Foo")]
    assert "no Time column" in problems[0].message
    _, data = read_coinr_data(path, year=2020)
    assert data["year"].tolist() == [2020, 2020]


def test_read_source_coinr_format() -> None:
    units, _ = read_coinr_data(GOOD / "ASEM_iData.csv")
    fw = read_coinr_meta(GOOD / "ASEM_iMeta.csv")
    ids = {leaf["id"] for leaf in _leaves(fw)} | {a["id"] for a in fw["auxiliary"]}
    frame = read_source(DataSource(GOOD / "ASEM_iData.csv"), UnitMatcher(units), ids)
    assert len(frame) == 51 * 53
    missing_unit = UnitMatcher(units[units["code"] != "AUT"])
    with pytest.raises(InputError, match="unknown unit 'AUT'"):
        read_source(DataSource(GOOD / "ASEM_iData.csv"), missing_unit, ids)
