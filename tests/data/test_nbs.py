"""Tests for kaifang.data.nbs on real NBS exports (see good/SOURCE.md)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from kaifang.data import DataSource, UnitMatcher, read_nbs, read_source, read_units
from kaifang.data.readers import origin_labels
from kaifang.errors import InputError

GOOD = Path(__file__).parent / "good"
UNITS = UnitMatcher(read_units(GOOD / "units_provinces.csv"))


def _value(frame, unit: str, year: int) -> float:  # type: ignore[no-untyped-def]
    hit = frame[(frame["unit"] == unit) & (frame["year"] == year)]
    assert len(hit) == 1
    return float(hit["value"].iloc[0])


def test_gdp_export_gbk() -> None:
    table = read_nbs(GOOD / "nbs_gdp_gbk.csv", UNITS, "gdp")
    frame, meta = table
    assert len(frame) == 31 * 19  # 31 provinces x 2006..2024
    assert set(frame["indicator"]) == {"gdp"}
    # Values as printed in the file (and SOURCE.md): Guizhou 2024 = 22,645.7 (100 million CNY).
    assert _value(frame, "520000", 2024) == 22645.7
    assert _value(frame, "110000", 2024) == 49670.2
    assert _value(frame, "650000", 2006) == 2984.5  # 新疆维吾尔自治区, last row
    assert frame["value"].notna().all()
    assert meta.database == "分省年度数据"
    assert meta.indicator == "地区生产总值(亿元)"
    assert meta.unit == "亿元"
    assert meta.time == "最近20年"
    assert meta.source == "国家统计局"
    assert len(meta.notes) == 1 and meta.notes[0].startswith("注：按照我国国民经济核算")
    # Guizhou is the 24th province row: header on line 4, so line 4 + 24 = 28.
    guizhou_2024 = frame[(frame["unit"] == "520000") & (frame["year"] == 2024)]
    origin = origin_labels(guizhou_2024).iloc[0]
    assert origin == "nbs_gdp_gbk.csv:28:2024年"


def test_multiline_notes_and_empty_cells() -> None:
    frame, meta = read_nbs(GOOD / "nbs_urban_employment_gbk.csv", UNITS, "urban_emp")
    assert len(frame) == 31 * 20  # the empty 2025年 column is kept as missing
    assert np.isnan(_value(frame, "520000", 2025))
    assert np.isnan(_value(frame, "520000", 2006))
    assert _value(frame, "520000", 2024) == 319.3
    assert meta.unit == "万人"
    assert len(meta.notes) == 1
    lines = meta.notes[0].split("\n")
    assert len(lines) == 3 and lines[1].startswith("2.城镇单位") and lines[2].startswith("3.2012")


def test_negative_values_are_fine() -> None:
    frame, meta = read_nbs(GOOD / "nbs_investment_growth_gbk.csv", UNITS, "inv_growth")
    assert _value(frame, "110000", 2024) == -4.7
    assert meta.unit == "%"


def test_english_export_without_metadata_and_scale() -> None:
    frame, meta = read_nbs(GOOD / "nbs_population_en.csv", UNITS, "pop", scale=10.0)
    assert len(frame) == 31 * 21
    # 3858 (10k persons) x 10 = 38580 (thousand persons)
    assert _value(frame, "520000", 2020) == 38580.0
    assert meta.database is None and meta.indicator is None and meta.notes == ()


def test_english_export_with_metadata(tmp_path: Path) -> None:
    path = tmp_path / "AnnualbyProvince.csv"
    path.write_text(
        "Database:Annual by Province\nIndicator:Population at Year-end(10000 persons)\n"
        "Time:Last 2 years\nRegion,2020,2019\nBeijing,2189,2190\nGuizhou,3858,3848\n"
        "Note:Figures are estimates.\nSource:National Bureau of Statistics\n",
        "utf-8",
    )
    frame, meta = read_nbs(path, UNITS, "pop")
    assert meta.unit == "10000 persons"
    assert meta.database == "Annual by Province"
    assert meta.source == "National Bureau of Statistics"
    assert _value(frame, "520000", 2019) == 3848.0


def test_read_source_detects_nbs_and_needs_an_indicator() -> None:
    frame = read_source(DataSource(GOOD / "nbs_gdp_gbk.csv", indicator="gdp"), UNITS, {"gdp"})
    assert len(frame) == 589
    with pytest.raises(InputError) as info:
        read_source(DataSource(GOOD / "nbs_gdp_gbk.csv"), UNITS, {"gdp"})
    assert "indicator" in str(info.value)
    with pytest.raises(InputError) as info:
        read_source(DataSource(GOOD / "nbs_gdp_gbk.csv", indicator="gpd"), UNITS, {"gdp"})
    assert "unknown indicator 'gpd'" in str(info.value)
