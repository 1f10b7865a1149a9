"""Tests for kaifang.data.readers: long and wide tables, cells, encodings, duplicates, speed."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from kaifang.data import (
    DataSource,
    UnitMatcher,
    detect_format,
    read_source,
    read_sources,
    read_units,
)
from kaifang.data.readers import MISSING_MARKERS, origin_labels, parse_numbers, parse_years
from kaifang.errors import InputError

GOOD = Path(__file__).parent / "good"
UNITS = UnitMatcher(read_units(GOOD / "units_guizhou.csv"))
INDICATORS = {"gdp", "trade", "fdi"}


def _write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


def test_long_table(tmp_path: Path) -> None:
    path = _write(
        tmp_path / "long.csv",
        "unit,year,indicator,value,source\n贵阳市,2024,gdp,5154.8,yearbook\n"
        "520300,2024年,trade,-3.5,\nZunyi,2023,gdp,NA,\n",
    )
    frame = read_source(DataSource(path), UNITS, INDICATORS)
    assert list(frame.columns) == [
        "unit",
        "year",
        "indicator",
        "value",
        "origin_file",
        "origin_row",
        "origin_column",
    ]
    assert frame["unit"].tolist() == ["520100", "520300", "520300"]
    assert frame["year"].tolist() == [2024, 2024, 2023]
    assert frame["value"].iloc[:2].tolist() == [5154.8, -3.5]
    assert np.isnan(frame["value"].iloc[2])
    assert origin_labels(frame).tolist() == [
        "long.csv:2:value",
        "long.csv:3:value",
        "long.csv:4:value",
    ]


def test_wide_table_gbk_crlf_and_scale(tmp_path: Path) -> None:
    path = _write(
        tmp_path / "wide.csv", "地区,年份,gdp\r\n贵阳,2024,51548\r\n遵义,2024,49000\r\n", "gbk"
    )
    src = DataSource(path, columns={"unit": "地区", "year": "年份"}, scale=0.1)
    frame = read_source(src, UNITS, INDICATORS)
    # 51548 x 0.1 = 5154.8
    assert frame["value"].tolist() == pytest.approx([5154.8, 4900.0])
    assert frame["unit"].tolist() == ["520100", "520300"]


def test_utf8_bom_and_single_indicator_long(tmp_path: Path) -> None:
    path = tmp_path / "gdp.csv"
    path.write_bytes(b"\xef\xbb\xbfcode,yr,val\n520100,2024,1.5\n")
    src = DataSource(path, indicator="gdp", columns={"unit": "code", "year": "yr", "value": "val"})
    frame = read_source(src, UNITS, INDICATORS)
    assert frame[["unit", "year", "indicator", "value"]].values.tolist() == [
        ["520100", 2024, "gdp", 1.5]
    ]


def test_missing_markers_and_thousands(tmp_path: Path) -> None:
    markers = sorted(MISSING_MARKERS - {""})
    lines = [f"520100,{2000 + i},{m}" for i, m in enumerate(markers)]
    lines.append('520100,1999,"1,234,567.25"')
    path = _write(tmp_path / "m.csv", "unit,year,gdp\n" + "\n".join(lines) + "\n520100,1998,\n")
    frame = read_source(DataSource(path), UNITS, INDICATORS).set_index("year")["value"]
    assert frame.loc[2000 : 2000 + len(markers) - 1].isna().all()
    assert frame.loc[1998] != frame.loc[1998]  # NaN
    assert frame.loc[1999] == 1234567.25


def test_blank_lines_keep_row_numbers(tmp_path: Path) -> None:
    path = _write(tmp_path / "b.csv", "\nunit,year,gdp\n520100,2020,1\n\n,,\n520200,2020,x\n")
    with pytest.raises(InputError) as info:
        read_source(DataSource(path), UNITS, INDICATORS)
    # line 1 blank, 2 header, 3 data, 4 blank, 5 only commas, 6 the bad cell
    assert [(p.row, p.column) for p in info.value.problems] == [(6, "gdp")]


def test_quoted_newline_keeps_row_numbers(tmp_path: Path) -> None:
    # The record on lines 3-4 holds a two-line note; the bad value is on line 5.
    path = _write(
        tmp_path / "q.csv",
        'unit,year,indicator,value,note\n520100,2020,gdp,1,\n520200,2020,gdp,2,"two\nlines"\n'
        "520300,2020,gdp,bad,\n",
    )
    with pytest.raises(InputError) as info:
        read_source(DataSource(path), UNITS, INDICATORS)
    assert [(p.row, p.column) for p in info.value.problems] == [(5, "value")]


def test_detect_format(tmp_path: Path) -> None:
    long = _write(tmp_path / "l.csv", "unit,year,indicator,value\n")
    wide = _write(tmp_path / "w.csv", "unit,year,gdp\n")
    matrix = _write(tmp_path / "m.csv", "Region,2020,2019\n")
    nbs = _write(tmp_path / "n.csv", "数据库：分省年度数据\n")
    coinr = _write(tmp_path / "c.csv", "uName,uCode,LPI\n")
    got = [detect_format(DataSource(p)) for p in (long, wide, matrix, nbs, coinr)]
    assert got == ["long", "wide", "nbs", "nbs", "coinr"]


def test_missing_in_one_file_and_number_in_another_is_not_a_duplicate(tmp_path: Path) -> None:
    a = _write(tmp_path / "a.csv", "unit,year,gdp\n520100,2020,\n")
    b = _write(tmp_path / "b.csv", "unit,year,indicator,value\n520100,2020,gdp,7\n")
    frame = read_sources([DataSource(a), DataSource(b)], UNITS, INDICATORS)
    assert frame[["unit", "year", "indicator", "value"]].values.tolist() == [
        ["520100", 2020, "gdp", 7.0]
    ]


def test_problems_from_all_files_are_raised_together(tmp_path: Path) -> None:
    a = _write(tmp_path / "a.csv", "unit,year,gdp\n火星,2020,1\n")
    b = _write(tmp_path / "b.csv", "unit,year,gdp\n520100,2020,x\n")
    with pytest.raises(InputError) as info:
        read_sources([DataSource(a), DataSource(b)], UNITS, INDICATORS)
    assert sorted(Path(p.file).name for p in info.value.problems) == ["a.csv", "b.csv"]


def test_unknown_format_and_missing_file(tmp_path: Path) -> None:
    with pytest.raises(InputError) as info:
        read_sources(
            [DataSource(tmp_path / "nope.csv"), DataSource(tmp_path / "x.csv", format="tall")],
            UNITS, INDICATORS,
        )  # fmt: skip
    messages = [p.message for p in info.value.problems]
    assert messages[0] == "file not found" and "unknown format 'tall'" in messages[1]


@given(st.floats(allow_nan=False, allow_infinity=False, width=64))
def test_parse_numbers_round_trips_repr(x: float) -> None:
    values, bad = parse_numbers(pd.Series([repr(x), f" {x!r} "], dtype=str))
    assert not bad.any()
    assert values.tolist() == [x, x]


@given(st.integers(min_value=-(10**12), max_value=10**12), st.integers(0, 99))
def test_parse_numbers_thousands(whole: int, cents: int) -> None:
    text = f"{whole:,}.{cents:02d}"
    values, bad = parse_numbers(pd.Series([text], dtype=str))
    assert not bad.any()
    assert values[0] == float(f"{whole}.{cents:02d}")


@given(st.text(alphabet="abcxyz%*#", min_size=1, max_size=5), st.sampled_from(["1", "2.5", ""]))
def test_parse_numbers_rejects_stray_characters(junk: str, number: str) -> None:
    _, bad = parse_numbers(pd.Series([number + junk], dtype=str))
    assert bad.tolist() == [True]


@given(st.integers(1800, 2199), st.sampled_from(["{}", "{}年", " {} ", "{}.0", "{} 年"]))
def test_parse_years(year: int, form: str) -> None:
    years, bad = parse_years(pd.Series([form.format(year)], dtype=str))
    assert not bad.any() and years.tolist() == [year]


def test_parse_years_rejects() -> None:
    _, bad = parse_years(pd.Series(["24", "20x4", "2024-01", "", "1700", "二〇二四"], dtype=str))
    assert bad.all()


def test_wide_28440_by_98_reads_every_cell(tmp_path: Path) -> None:
    # speed is measured in benchmarks/bench_pipeline.py, never asserted here
    n_units, n_years, m = 1422, 20, 98
    rng = np.random.default_rng(0)
    codes = [f"U{i:04d}" for i in range(n_units)]
    frame = pd.DataFrame(rng.normal(size=(n_units * n_years, m)).round(4),
                         columns=[f"ind_{j}" for j in range(m)])  # fmt: skip
    frame.insert(0, "year", np.tile(np.arange(2000, 2000 + n_years), n_units))
    frame.insert(0, "unit", np.repeat(codes, n_years))
    frame.to_csv(tmp_path / "big.csv", index=False)
    units = UnitMatcher(pd.DataFrame({"code": codes, "name_en": codes, "name_zh": codes,
                                      "level": "county"}))  # fmt: skip
    out = read_source(DataSource(tmp_path / "big.csv"), units, {f"ind_{j}" for j in range(m)})
    assert len(out) == 28440 * 98
    assert out["value"].iloc[98 * 5 + 3] == frame.iloc[5, 2 + 3]
    np.testing.assert_array_equal(out["value"].to_numpy(), frame.iloc[:, 2:].to_numpy().ravel())
