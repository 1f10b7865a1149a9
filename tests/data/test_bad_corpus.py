"""Every file of the bad-input corpus (tests/data/bad/, written by make_bad_corpus.py) must be
rejected with problems that name the file, the row and the column where they apply, and what
was found. Each case lists ALL the problems expected: no more, no fewer.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from kaifang.data import (
    DataSource,
    UnitMatcher,
    read_coinr_data,
    read_coinr_meta,
    read_nbs,
    read_source,
    read_sources,
    read_units,
)
from kaifang.errors import InputError

HERE = Path(__file__).parent
BAD = HERE / "bad"
GUIZHOU = UnitMatcher(read_units(HERE / "good" / "units_guizhou.csv"))
PROVINCES = UnitMatcher(read_units(HERE / "good" / "units_provinces.csv"))
INDICATORS = {"gdp", "trade", "fdi"}

# (files, how to read, options, expected problems as (file, row, column, fragment of message))
Expected = list[tuple[str, int | None, str | None, str]]
CASES: list[tuple[str, str, dict[str, Any], Expected]] = [
    # --- encodings
    ("enc_latin1.csv", "source", {}, [("enc_latin1.csv", None, None,
        "neither UTF-8 nor GBK/GB18030 at byte offset 31 (line 3): found b'\\xe9")]),
    ("enc_utf8_broken.csv", "source", {}, [("enc_utf8_broken.csv", None, None,
        "not valid UTF-8 at byte offset 48 (line 4)")]),
    ("enc_utf16.csv", "source", {}, [("enc_utf16.csv", None, None, "UTF-16")]),
    # --- structure
    ("empty.csv", "source", {}, [("empty.csv", None, None, "file is empty")]),
    ("blank_lines_only.csv", "source", {}, [("blank_lines_only.csv", None, None, "empty")]),
    ("header_only.csv", "source", {}, [("header_only.csv", 1, None, "header only")]),
    ("header_multirow.csv", "source", {}, [
        ("header_multirow.csv", 2, "D", "has data but no name in the header"),
        ("header_multirow.csv", 2, None, "looks like a second header row"),
    ]),
    ("header_duplicated.csv", "source", {}, [
        ("header_duplicated.csv", 1, "gdp", "duplicate column name (also column 3)"),
    ]),
    ("missing_column_long.csv", "source", {"format": "long"}, [
        ("missing_column_long.csv", 1, None, "missing required column(s) value"),
    ]),
    ("missing_column_wide.csv", "source", {}, [
        ("missing_column_wide.csv", 1, None, "missing required column(s) year"),
    ]),
    ("semicolons.csv", "source", {}, [("semicolons.csv", 1, None, "semicolon-separated?")]),
    ("unquoted_thousands.csv", "source", {}, [
        ("unquoted_thousands.csv", 2, None, "row has 4 fields but the header has 3"),
    ]),
    ("excel_merged_header.xlsx", "source", {}, [
        ("excel_merged_header.xlsx", 1, None, "merged cells C1:D1"),
        ("excel_merged_header.xlsx", 1, None, "merged cells A1:A2"),
        ("excel_merged_header.xlsx", 2, "D", "has data but no name in the header"),
        ("excel_merged_header.xlsx", 2, None, "looks like a second header row"),
    ]),
    ("excel_empty_sheet.xlsx", "source", {}, [
        ("excel_empty_sheet.xlsx", None, None, "sheet 'empty' is empty"),
    ]),
    ("excel_empty_sheet.xlsx", "source", {"sheet": "Data"}, [
        ("excel_empty_sheet.xlsx", None, None, "no sheet named 'Data'; sheets: empty, data"),
    ]),
    # --- cells
    ("text_in_number.csv", "source", {}, [("text_in_number.csv", 3, "value", "found 'abc'")]),
    ("stray_chars.csv", "source", {}, [("stray_chars.csv", 3, "gdp", "found '12,3a'")]),
    ("decimal_comma.csv", "source", {}, [("decimal_comma.csv", 2, "gdp", "found '12,3'")]),
    ("infinite_value.csv", "source", {}, [("infinite_value.csv", 2, "gdp", "infinite")]),
    ("excel_text_in_number.xlsx", "source", {}, [
        ("excel_text_in_number.xlsx", 3, "gdp", "not a number: found 'n.a.'"),
    ]),
    ("year_not_year.csv", "source", {}, [
        ("year_not_year.csv", 2, "year", "not a year: found '20x4'"),
        ("year_not_year.csv", 3, "year", "not a year: found '2024-01'"),
        ("year_not_year.csv", 4, "year", "year is empty"),
    ]),
    ("three_problems.csv", "source", {}, [
        ("three_problems.csv", 2, "unit", "unknown unit '火星市'"),
        ("three_problems.csv", 3, "year", "not a year: found '二〇二〇'"),
        ("three_problems.csv", 4, "gdp", "not a number: found 'n.a.'"),
    ]),
    # --- units and indicators
    ("unknown_unit.csv", "source", {}, [("unknown_unit.csv", 3, "unit", "unknown unit '火星市'")]),
    ("unknown_units_several.csv", "source", {}, [
        ("unknown_units_several.csv", 2, "unit", "unknown unit '火星市': not a code or name in "
         "the units table (also row 5)"),
        ("unknown_units_several.csv", 3, "unit", "unknown unit '月球县'"),
        ("unknown_units_several.csv", 6, "unit", "unknown unit 'Atlantis'"),
    ]),
    ("unknown_indicator_long.csv", "source", {}, [
        ("unknown_indicator_long.csv", 2, "indicator", "unknown indicator 'gpd'"),
    ]),
    ("unknown_indicator_wide.csv", "source", {}, [
        ("unknown_indicator_wide.csv", 1, "gpd", "unknown indicator column 'gpd'"),
        ("unknown_indicator_wide.csv", 1, "tarde", "unknown indicator column 'tarde'"),
    ]),
    ("ambiguous_data.csv", "ambiguous", {}, [
        ("ambiguous_data.csv", 2, "unit", "unit '吉林' is ambiguous: it matches 220000, 220200"),
    ]),
    # --- duplicates
    ("duplicate_rows.csv", "source", {}, [
        ("duplicate_rows.csv", 4, "value", "unit 520100, year 2020, indicator gdp given twice: "
         "also at duplicate_rows.csv:2:value"),
    ]),
    ("dup_across_a.csv dup_across_b.csv", "sources", {}, [
        ("dup_across_b.csv", 3, "value", "unit 520200, year 2020, indicator gdp given twice: "
         "also at dup_across_a.csv:3:gdp"),
    ]),
    # --- NBS exports
    ("nbs_garbled_meta.csv", "nbs", {}, [
        ("nbs_garbled_meta.csv", 2, None, "unrecognised line before the table: '指标地区生产总值"),
    ]),
    ("nbs_unknown_region.csv", "nbs", {}, [
        ("nbs_unknown_region.csv", 6, "地区", "unknown unit '火星省'"),
    ]),
    ("nbs_text_in_cell.csv", "nbs", {}, [
        ("nbs_text_in_cell.csv", 5, "2023年", "not a number: found '暂无'"),
    ]),
    ("nbs_row_after_table.csv", "nbs", {}, [
        ("nbs_row_after_table.csv", 7, None, "unexpected line after the table: '天津市,4,5,6'"),
    ]),
    ("nbs_bad_year_header.csv", "nbs", {}, [
        ("nbs_bad_year_header.csv", 4, "去年", "not a year in the header: found '去年'"),
    ]),
    # --- units tables
    ("units_duplicate_codes.csv", "units", {}, [
        ("units_duplicate_codes.csv", 4, "code", "duplicate code '520100' (first at row 3)"),
    ]),
    ("units_missing_name_zh.csv", "units", {}, [
        ("units_missing_name_zh.csv", 1, None, "missing required column(s) name_zh"),
    ]),
    ("units_unknown_parent.csv", "units", {}, [
        ("units_unknown_parent.csv", 3, "parent", "parent '999999' is not a code of this table"),
    ]),
    ("units_empty_name.csv", "units", {}, [
        ("units_empty_name.csv", 3, "name_en", "empty name_en"),
    ]),
    # --- COINr tables
    ("coinr_meta_unknown_parent.csv", "meta", {}, [
        ("coinr_meta_unknown_parent.csv", 3, "Parent", "Parent 'Nowhere' of 'Ship'"),
    ]),
    ("coinr_meta_bad_direction.csv", "meta", {}, [
        ("coinr_meta_bad_direction.csv", 2, "Direction", "Direction must be 1 or -1, found 'up'"),
        ("coinr_meta_bad_direction.csv", 2, "Denominator", "Denominator 'Popn' of 'LPI'"),
    ]),
    ("coinr_data_missing_ucode.csv", "idata", {}, [
        ("coinr_data_missing_ucode.csv", 1, None, "missing required column uCode"),
    ]),
    ("coinr_data_text.csv", "idata", {}, [
        ("coinr_data_text.csv", 3, "LPI", "not a number: found 'four'"),
    ]),
]  # fmt: skip


def _read(files: str, how: str, options: dict[str, Any]) -> object:
    paths = [BAD / f for f in files.split()]
    if how == "source":
        return read_source(DataSource(paths[0], **options), GUIZHOU, INDICATORS)
    if how == "sources":
        return read_sources([DataSource(p) for p in paths], GUIZHOU, INDICATORS)
    if how == "ambiguous":
        jilin = UnitMatcher(read_units(BAD / "ambiguous_units.csv"))
        return read_source(DataSource(paths[0]), jilin, INDICATORS)
    if how == "units":
        return read_units(paths[0])
    if how == "nbs":
        return read_nbs(paths[0], PROVINCES, "gdp")
    if how == "meta":
        return read_coinr_meta(paths[0])
    if how == "idata":
        return read_coinr_data(paths[0])
    raise AssertionError(how)


@pytest.mark.parametrize(
    ("files", "how", "options", "expected"), CASES, ids=[f"{c[0]}|{c[2]}" for c in CASES]
)
def test_bad_file(files: str, how: str, options: dict[str, Any], expected: Expected) -> None:
    with pytest.raises(InputError) as info:
        _read(files, how, options)
    problems = info.value.problems
    got = [(Path(p.file).name, p.row, p.column, p.message) for p in problems]
    assert len(problems) == len(expected), got
    for name, row, column, fragment in expected:
        assert any(
            g[0] == name and g[1] == row and g[2] == column and fragment in g[3] for g in got
        ), (name, row, column, fragment, got)
    # The message the user reads names the file (and row/column where they apply).
    text = str(info.value)
    for name, row, column, _ in expected:
        assert name in text
        if row is not None:
            assert f"row {row}" in text
        if column is not None:
            assert repr(column) in text


def test_corpus_is_large_enough() -> None:
    files = {f for c in CASES for f in c[0].split()}
    assert len(files) >= 30
    assert any(f.endswith(".xlsx") for f in files)
    on_disk = {p.name for p in BAD.iterdir()}
    assert files <= on_disk


def test_controls_read_cleanly() -> None:
    # 2024年, "2023", 2022.0 are years; —, .., NA, － are missing; "4,000.5" quoted is a number.
    frame = read_source(DataSource(BAD / "ok_year_nian.csv"), GUIZHOU, INDICATORS)
    assert frame["year"].tolist() == [2024, 2024, 2023, 2023, 2022, 2022, 2023, 2023]
    assert frame["value"].tolist()[:3] == [5154.8, -12.5, 4401.2]  # negatives are fine here
    assert frame["value"].isna().sum() == 4
    assert frame["value"].tolist()[6] == 4000.5
    sheet = read_source(DataSource(BAD / "ok_excel_named_sheet.xlsx", sheet="data"), GUIZHOU,
                        INDICATORS)  # fmt: skip
    assert sheet["unit"].tolist() == ["520100", "520100", "520300", "520300"]
    assert sheet["value"].tolist()[:3] == [5154.8, -3.5, 4861.0]


def test_corpus_is_reproducible(tmp_path: Path) -> None:
    spec = importlib.util.spec_from_file_location("make_bad_corpus", HERE / "make_bad_corpus.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    for path in module.write_corpus(tmp_path):
        committed = BAD / path.name
        if path.suffix == ".xlsx":
            new, old = openpyxl.load_workbook(path), openpyxl.load_workbook(committed)
            assert new.sheetnames == old.sheetnames
            for a, b in zip(new.worksheets, old.worksheets, strict=True):
                assert list(a.values) == list(b.values)
                assert {str(r) for r in a.merged_cells.ranges} == {
                    str(r) for r in b.merged_cells.ranges
                }
        else:
            assert path.read_bytes() == committed.read_bytes(), path.name
