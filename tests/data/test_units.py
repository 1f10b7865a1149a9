"""Tests for kaifang.data.units: reading units tables and matching unit names/codes."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from kaifang.data.units import AmbiguousUnitError, UnitMatcher, read_units
from kaifang.errors import InputError

GOOD = Path(__file__).parent / "good"
PROVINCES = read_units(GOOD / "units_provinces.csv")
GUIZHOU = read_units(GOOD / "units_guizhou.csv")


def test_read_units_columns_and_types() -> None:
    assert list(PROVINCES.columns[:6]) == ["code", "name_en", "name_zh", "level", "parent", "group"]
    assert len(PROVINCES) == 32  # 31 provinces + China
    row = PROVINCES.set_index("code").loc["520000"]
    assert (row["name_en"], row["name_zh"], row["level"], row["parent"]) == (
        "Guizhou", "贵州省", "province", "100000",
    )  # fmt: skip
    assert PROVINCES.set_index("code").loc["100000", "parent"] == ""


def test_read_units_keeps_extra_columns_and_adds_optional(tmp_path: Path) -> None:
    path = tmp_path / "u.csv"
    path.write_text("code,name_en,name_zh,level,terrain\nA,Alpha,甲,county,karst\n", "utf-8")
    units = read_units(path)
    assert list(units.columns) == [
        "code",
        "name_en",
        "name_zh",
        "level",
        "parent",
        "group",
        "terrain",
    ]
    assert units.loc[0, "terrain"] == "karst"
    assert units.loc[0, "parent"] == ""


def test_read_units_excel_numeric_codes(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    ws = book.active
    ws.append(["code", "name_en", "name_zh", "level", "parent"])
    ws.append([520000, "Guizhou", "贵州省", "province", None])
    ws.append([520100, "Guiyang", "贵阳市", "prefecture", 520000])
    book.save(tmp_path / "u.xlsx")
    units = read_units(tmp_path / "u.xlsx")
    assert units["code"].tolist() == ["520000", "520100"]
    assert units["parent"].tolist() == ["", "520000"]


def test_read_units_reports_every_problem(tmp_path: Path) -> None:
    path = tmp_path / "u.csv"
    path.write_text(
        "code,name_en,name_zh,level,parent\n"
        "A,Alpha,甲,county,B\n"  # row 2: A -> B -> A is a cycle
        "B,Beta,乙,county,A\n"  # row 3
        ",Gamma,丙,county,\n"  # row 4: empty code
        "D,Delta,,county,\n",  # row 5: empty name_zh
        "utf-8",
    )
    with pytest.raises(InputError) as info:
        read_units(path)
    found = {(p.row, p.column) for p in info.value.problems}
    assert {(2, "parent"), (3, "parent"), (4, "code"), (5, "name_zh")} <= found


# The pairs the design names: every spelling on the left matches the unit on the right.
PROVINCE_SPELLINGS = [
    ("贵州省", "520000"), ("贵州", "520000"), ("广西壮族自治区", "450000"), ("广西", "450000"),
    ("内蒙古自治区", "150000"), ("内蒙古", "150000"), ("新疆维吾尔自治区", "650000"),
    ("新疆", "650000"), ("宁夏回族自治区", "640000"), ("宁夏", "640000"), ("西藏自治区", "540000"),
    ("西藏", "540000"), ("北京市", "110000"), ("北京", "110000"), ("Inner Mongolia", "150000"),
    (" inner   MONGOLIA ", "150000"), ("Guizhou Province", "520000"), ("520000", "520000"),
    ("520000.0", "520000"), ("５２００００", "520000"),
]  # fmt: skip
GUIZHOU_SPELLINGS = [
    ("黔东南苗族侗族自治州", "522600"), ("黔东南州", "522600"), ("黔东南", "522600"),
    ("贵阳市", "520100"), ("贵阳", "520100"), ("黔南州", "522700"), ("黔西南", "522300"),
    ("520100.0", "520100"), ("Guiyang", "520100"),
]  # fmt: skip


@pytest.mark.parametrize(("text", "code"), PROVINCE_SPELLINGS)
def test_match_provinces(text: str, code: str) -> None:
    assert UnitMatcher(PROVINCES).match(text) == code


@pytest.mark.parametrize(("text", "code"), GUIZHOU_SPELLINGS)
def test_match_prefectures(text: str, code: str) -> None:
    assert UnitMatcher(GUIZHOU).match(text) == code


def test_match_short_names_in_table_full_names_in_data() -> None:
    # The other direction: the units table holds short names, the data full ones.
    units = pd.DataFrame(
        {"code": ["45", "52", "5226"], "name_en": ["Guangxi", "Guizhou", "Qiandongnan"],
         "name_zh": ["广西", "贵州", "黔东南"], "level": ["p", "p", "c"]}
    )  # fmt: skip
    matcher = UnitMatcher(units)
    assert matcher.match("广西壮族自治区") == "45"
    assert matcher.match("贵州省") == "52"
    assert matcher.match("黔东南苗族侗族自治州") == "5226"
    assert matcher.match("黔东南州") == "5226"


def test_ambiguous_is_an_error_not_a_guess() -> None:
    units = pd.DataFrame(
        {"code": ["220000", "220200"], "name_en": ["Jilin", "Jilin City"],
         "name_zh": ["吉林省", "吉林市"], "level": ["province", "prefecture"]}
    )  # fmt: skip
    matcher = UnitMatcher(units)
    assert matcher.candidates("吉林") == ["220000", "220200"]
    with pytest.raises(AmbiguousUnitError):
        matcher.match("吉林")
    # Exact names are not ambiguous.
    assert matcher.match("吉林省") == "220000"
    assert matcher.match("吉林市") == "220200"


def test_unknown_is_none() -> None:
    matcher = UnitMatcher(PROVINCES)
    assert matcher.match("火星") is None
    assert matcher.match("") is None
    assert matcher.match(None) is None


@given(st.sampled_from(range(len(GUIZHOU))), st.sampled_from(["", " ", "\u3000", "  "]))
def test_every_code_and_name_matches_itself_whatever_the_padding(i: int, pad: str) -> None:
    matcher = UnitMatcher(GUIZHOU)
    row = GUIZHOU.iloc[i]
    for text in (row["code"], row["name_en"], row["name_zh"], row["name_en"].upper()):
        assert matcher.match(pad + text + pad) == row["code"]


@given(st.text(alphabet="xyzqwXYZQW", min_size=1, max_size=8))
def test_text_sharing_no_name_never_matches(text: str) -> None:
    # No Guizhou unit name contains these letters only, so nothing may match.
    assert UnitMatcher(GUIZHOU).match(text) is None
