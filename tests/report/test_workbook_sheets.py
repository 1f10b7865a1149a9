"""results.xlsx read back with openpyxl: the raw and denominated data, the analysis sheets, and
regions by administrative code with their rank changes."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from kaifang.report.data import from_folder


@pytest.fixture(scope="module")
def book(guizhou_out: Path) -> openpyxl.Workbook:
    return openpyxl.load_workbook(guizhou_out / "results.xlsx")


def _table(ws: object, header_row: int = 3) -> pd.DataFrame:
    rows = list(ws.iter_rows(min_row=header_row, values_only=True))  # type: ignore[attr-defined]
    body = [r for r in rows[1:] if r[0] is not None]
    return pd.DataFrame(body, columns=rows[0])


def test_raw_and_denominated_sheets(book: openpyxl.Workbook, guizhou_out: Path) -> None:
    fw = from_folder(guizhou_out).framework
    raw = pd.read_csv(guizhou_out / "stages" / "raw.csv", dtype={"unit": str})
    den = pd.read_csv(guizhou_out / "stages" / "denominated.csv", dtype={"unit": str})
    raw_sheet = _table(book["原始数据"])
    den_sheet = _table(book["分母化数据"])
    assert len(raw_sheet) == len(den_sheet) == 9 * 9  # 9 prefectures x 2016-2024
    # the raw sheet holds the auxiliary series too, named with their zh units
    assert "地区生产总值 (亿元)" in raw_sheet.columns
    checked = 0
    for ind in ("fdi_actual", "trade_exports", "sg_special_funds", "ch_expressway_km"):
        head_raw = f"{fw.name(ind, 'zh')} ({fw.unit(ind, 'zh')})"
        head_den = f"{fw.name(ind, 'zh')} ({fw.display_unit(ind, 'zh')})"
        for _, row in den[(den["indicator"] == ind)].iterrows():
            pick = (den_sheet["地区代码"] == row["unit"]) & (den_sheet["年份"] == row["year"])
            cell = den_sheet.loc[pick, head_den].iloc[0]
            assert cell == pytest.approx(row["value"] * fw.display_scale(ind), nan_ok=True)
            r = raw[(raw["indicator"] == ind) & (raw["unit"] == row["unit"])]
            r = r[r["year"] == row["year"]]["value"].iloc[0]
            pick = (raw_sheet["地区代码"] == row["unit"]) & (raw_sheet["年份"] == row["year"])
            assert raw_sheet.loc[pick, head_raw].iloc[0] == pytest.approx(r, nan_ok=True)
            checked += 1
    assert checked == 4 * 81
    # regions by code within each year, latest year first
    assert raw_sheet["年份"].iloc[0] == 2024
    first = raw_sheet[raw_sheet["年份"] == 2024]["地区代码"].tolist()
    assert first == sorted(first)


def test_analysis_sheets(book: openpyxl.Workbook, guizhou_out: Path) -> None:
    params = json.loads((guizhou_out / "analyses" / "analyses.json").read_text("utf-8"))
    alloc = _table(book["资金分配"])
    units = alloc[alloc["地区代码"].astype(str).str.fullmatch(r"\d{6}")]
    assert len(units) == 9 and units["地区代码"].tolist() == sorted(units["地区代码"])
    assert units["分配金额（元）"].sum() == params["allocation"]["budget"]
    targets = _table(book["目标进度"])
    assert len(targets) == 10 and set(targets["状态"]) <= {"进度正常", "存在风险", "明显滞后"}
    scen = book["权重情景"]
    summary = _table(scen)
    assert summary["情景"].iloc[0] == "外贸外资指标在指数中的权重份额翻倍"
    assert summary["情景份额"].iloc[0] == pytest.approx(2 * summary["基准份额"].iloc[0])
    # the rank table below the summary: baseline, then each scenario's rank and change
    rows = [r for r in scen.iter_rows(values_only=True)]
    start = next(i for i, r in enumerate(rows) if r[0] == "地区代码")
    ranks = pd.DataFrame([r for r in rows[start + 1 :] if r[0]], columns=rows[start])
    change = ranks.filter(like="名次变化").iloc[:, 0]
    rank = ranks.filter(like="排名：").iloc[:, 0]
    assert ((ranks["基准排名"] - rank) == change).all()
    assert (change != 0).any()  # the example scenario moves ranks
    unc = book["排名不确定性"]
    assert f"N = {params['sensitivity']['runs']}" in str(unc["A3"].value)


def test_level_sheets_show_rank_changes_by_code(book: openpyxl.Workbook) -> None:
    level0 = _table(book["第0层"])
    latest = level0[level0["年份"] == 2024]
    assert latest["地区代码"].tolist() == sorted(latest["地区代码"])
    assert latest["名次变化"].notna().all()
