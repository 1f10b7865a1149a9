"""results.xlsx: a sheet per level, frozen headers, number formats, banner, values as in
scores.csv."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from kaifang.output.excel import write_workbook
from kaifang.report.data import from_folder


@pytest.fixture(scope="module")
def gz_book(guizhou_out: Path) -> openpyxl.Workbook:
    return openpyxl.load_workbook(guizhou_out / "results.xlsx")


@pytest.fixture(scope="module")
def cn_book(china_out: Path) -> openpyxl.Workbook:
    return openpyxl.load_workbook(china_out / "results.xlsx")


def test_sheets_per_level_then_weights_and_methods(gz_book: openpyxl.Workbook) -> None:
    # the Guizhou framework has levels 0-3; the data, then a sheet per analysis run
    assert gz_book.sheetnames == [
        "第0层",
        "第1层",
        "第2层",
        "第3层",
        "原始数据",
        "分母化数据",
        "目标进度",
        "资金分配",
        "权重情景",
        "排名不确定性",
        "任务台账",  # the ledger: block's officials' sheet (tests/ledger/test_ledger_report.py)
        "权重",
        "方法",
    ]


def test_banner_only_for_simulated_data(
    gz_book: openpyxl.Workbook, cn_book: openpyxl.Workbook
) -> None:
    for ws in gz_book.worksheets:
        assert ws["A2"].value == "模拟数据：非官方统计", ws.title
        assert ws["A2"].font.b
    for ws in cn_book.worksheets:
        assert "模拟" not in str(ws["A2"].value or "")


def test_frozen_header_filters_and_formats(gz_book: openpyxl.Workbook) -> None:
    ws = gz_book["第0层"]
    # title row 1, banner row 2, header row 3: frozen below the header and after code, name, year
    assert ws.freeze_panes == "D4"
    assert ws.auto_filter.ref is not None and ws.auto_filter.ref.startswith("A3")
    assert [c.value for c in ws[3]][:3] == ["地区代码", "地区", "年份"]
    assert ws["D4"].number_format == "0.00"
    assert ws["E4"].number_format == "0"
    assert ws.conditional_formatting  # colour scale on the scores
    assert gz_book["第1层"].freeze_panes == "D4"
    assert gz_book["权重"].freeze_panes == "C4"


def test_level0_values_match_scores_csv(cn_book: openpyxl.Workbook, china_out: Path) -> None:
    ws = cn_book["第0层"]
    # real data: no banner line, so the header is on row 2
    assert ws.freeze_panes == "D3"
    rows = [r for r in ws.iter_rows(min_row=2, values_only=True) if r[0] is not None]
    head, body = rows[0], [r for r in rows[1:] if r[2] is not None]
    table = pd.DataFrame(body, columns=head)
    s = pd.read_csv(china_out / "scores.csv", dtype={"unit": str})
    s = s[s["node"] == "open_economy"]
    assert len(table) == 31 * 8  # 31 provinces x 2017-2024
    # latest year first, then by administrative code
    assert table["年份"].iloc[0] == 2024 and table["地区代码"].iloc[0] == "110000"
    latest = table[table["年份"] == 2024]["地区代码"].tolist()
    assert latest == sorted(latest)
    merged = table.merge(s, left_on=["地区代码", "年份"], right_on=["unit", "year"])
    assert len(merged) == len(table)
    assert (merged["排名"] == merged["rank"]).all()
    assert (abs(merged.iloc[:, 3] - merged["score"]) < 1e-9).all()
    # rank change = last year's rank - this year's rank
    r = s.set_index(["unit", "year"])["rank"]
    for _, row in table[table["年份"] == 2024].head(5).iterrows():
        assert row["名次变化"] == r[(row["地区代码"], 2023)] - r[(row["地区代码"], 2024)]
    assert table[table["年份"] == 2017]["名次变化"].isna().all()  # no year before 2017


def test_weights_and_methods(cn_book: openpyxl.Workbook, china_out: Path) -> None:
    ws = cn_book["权重"]
    rows = [r for r in ws.iter_rows(min_row=2, values_only=True) if r[0] is not None]
    table = pd.DataFrame(rows[1:], columns=rows[0])
    w = pd.read_csv(china_out / "weights.csv")
    assert list(table.columns[:2]) == ["编号", "名称"]  # ids and names, not "地区"
    merged = table.merge(w, left_on="编号", right_on="node")
    assert len(merged) == len(w)
    assert (abs(merged["综合权重"] - merged["effective_weight"]) < 1e-12).all()
    methods = cn_book["方法"]
    params = {r[1] for r in methods.iter_rows(values_only=True)}
    record = json.loads((china_out / "run.json").read_text(encoding="utf-8"))
    for step in record["steps"]:
        for name in step["parameters"]:
            assert name in params, (step["step"], name)
    texts = " ".join(str(c) for r in methods.iter_rows(values_only=True) for c in r if c)
    assert record["data_hash_sha256"] in texts
    assert "极差标准化" in texts  # meaning of normalise: minmax


def test_english_workbook_from_folder(guizhou_out: Path, tmp_path: Path) -> None:
    path = tmp_path / "en.xlsx"
    write_workbook(from_folder(guizhou_out), path, lang="en")
    book = openpyxl.load_workbook(path)
    assert book.sheetnames[:5] == ["Level 0", "Level 1", "Level 2", "Level 3", "Raw data"]
    assert book.sheetnames[-2:] == ["Weights", "Methods"]
    assert book["Level 0"]["A2"].value == "SIMULATED DATA: not official statistics"
    names = {book["Level 0"].cell(row=r, column=2).value for r in range(4, 13)}
    assert "Guiyang" in names
