"""The China provinces example: real NBS exports read as downloaded, numbers checked by hand."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

import kaifang
from kaifang.cli import app

REPO = Path(__file__).parent.parent.parent
EXAMPLE = REPO / "examples" / "china_provinces"


@pytest.fixture(scope="module")
def results() -> kaifang.Results:
    return kaifang.load(EXAMPLE / "assessment.yaml").run()


def value(results: kaifang.Results, stage: str, unit: str, year: int, indicator: str) -> float:
    s = results.stage(stage)
    row = s[(s["unit"] == unit) & (s["year"] == year) & (s["indicator"] == indicator)]
    assert len(row) == 1
    return float(row["value"].iloc[0])


def test_reads_31_provinces_all_years(results: kaifang.Results) -> None:
    assert len(results.grid.units) == 31
    assert results.grid.years.tolist() == list(range(2017, 2025))
    root = results.scores[results.scores["node"] == "open_economy"]
    assert root["score"].notna().all()
    # every year ranks 31 provinces 1..31 (no ties expected in real data)
    for _, year in root.groupby("year"):
        assert sorted(year["rank"].astype(int)) == list(range(1, 32))


def test_guizhou_trade_openness_by_hand(results: kaifang.Results) -> None:
    # A060101.csv: Guizhou (520000) 2024 = 12,049,941.05 thousand USD; scale 1e-5 -> 120.4994105
    # (100 million USD). GDP export (GBK): 贵州省 2024 = 22,645.7 (100 million CNY).
    raw_trade = value(results, "raw", "520000", 2024, "trade_operator")
    assert raw_trade == pytest.approx(120.4994105)
    assert value(results, "raw", "520000", 2024, "gdp") == pytest.approx(22645.7)
    ratio = value(results, "denominated", "520000", 2024, "trade_operator")
    assert ratio == pytest.approx(120.4994105 / 22645.7)


def test_guizhou_trade_growth_by_hand(results: kaifang.Results) -> None:
    # 2024 over 2023: 12,049,941.05 / 10,780,000 - 1 = 11.78 %
    growth = value(results, "denominated", "520000", 2024, "trade_operator_growth")
    assert growth == pytest.approx(100 * (12049941.05 / 10780000.0 - 1))


def test_trade_openness_pillar_recomputed_independently(results: kaifang.Results) -> None:
    """The pillar recomputed straight from the raw files with plain pandas, outside kaifang."""
    raw = EXAMPLE / "data" / "raw"
    gdp = pd.read_csv(raw / "nbs_gdp_2006_2024.csv", encoding="gbk", skiprows=3).iloc[:31]
    gdp = gdp.set_index("地区")["2021年"].astype(float)
    names = pd.read_csv(EXAMPLE / "units.csv", dtype=str).set_index("name_zh")["code"]
    gdp.index = names.reindex(gdp.index).to_numpy()
    parts = []
    for file in ("A060101.csv", "A060201.csv"):
        t = pd.read_csv(raw / file, encoding="utf-8-sig", dtype={"region_code": str})
        t = t[t["year"] == 2021].set_index("region_code")["value"] * 1e-5
        ratio = t / gdp.reindex(t.index)
        parts.append((ratio - ratio.min()) / (ratio.max() - ratio.min()) * 100)
    expected = (parts[0] + parts[1]) / 2
    s = results.scores
    got = s[(s["node"] == "trade_openness") & (s["year"] == 2021)].set_index("unit")["score"]
    pd.testing.assert_series_equal(
        got.sort_index(), expected.reindex(got.index).sort_index(), check_names=False
    )
    # Shanghai has the most open economy by both NBS trade definitions
    assert got.idxmax() == "310000"


def test_per_person_config(tmp_path: Path) -> None:
    res = kaifang.load(EXAMPLE / "assessment_per_person.yaml").run()
    assert res.grid.years.tolist() == [2017, 2018, 2019, 2020]
    assert np.isfinite(res.scores["score"]).all()


def test_cli_writes_outputs(tmp_path: Path) -> None:
    out = tmp_path / "china"
    result = CliRunner().invoke(
        app, ["assess", str(EXAMPLE / "assessment.yaml"), "-o", str(out), "--lang", "en"]
    )
    assert result.exit_code == 0, result.output
    assert (out / "scores.csv").is_file() and (out / "results.xlsx").is_file()
    assert not (out / "SIMULATED_DATA.txt").exists()  # real data
