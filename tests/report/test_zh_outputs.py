"""Chinese outputs are Chinese: the whole zh report (its HTML text) and the zh workbook carry no
Latin word outside code formatting, text marked as English, and the allowed symbols, acronyms
and proper names (``kaifang.report.zhtext.allowed_word``)."""

from __future__ import annotations

from pathlib import Path

import openpyxl
from openpyxl.cell.rich_text import CellRichText

from kaifang.output.excel import write_workbook
from kaifang.report.data import from_folder
from kaifang.report.html import render_html
from kaifang.report.zhtext import code_ids, source_text, split_ids, stray_in_html, stray_words


def _workbook_strays(path: Path) -> list[tuple[str, str, str]]:
    """(sheet, cell, word) for every stray word; Consolas is the workbook's code formatting."""
    found = []
    book = openpyxl.load_workbook(path, rich_text=True)
    for ws in book:
        found += [(ws.title, "sheet name", w) for w in stray_words(ws.title)]
        for row in ws.iter_rows():
            for cell in row:
                value = cell.value
                if isinstance(value, CellRichText):
                    texts = [
                        b if isinstance(b, str) else b.text
                        for b in value
                        if isinstance(b, str) or b.font is None or b.font.rFont != "Consolas"
                    ]
                elif isinstance(value, str) and cell.font.name != "Consolas":
                    texts = [value]
                else:
                    texts = []
                found += [(ws.title, cell.coordinate, w) for t in texts for w in stray_words(t)]
    return found


def test_zh_report_has_no_stray_english(guizhou_out: Path, china_out: Path) -> None:
    for folder in (guizhou_out, china_out):
        html = render_html(from_folder(folder), "zh", embed_font=False)
        assert stray_in_html(html) == [], folder
    # the scan does see English: the same report in English (its root not marked as English)
    # is full of it
    english = render_html(from_folder(guizhou_out), "en", embed_font=False)
    assert len(stray_in_html(english.replace('<html lang="en">', "<html>", 1))) > 100


def test_zh_workbook_has_no_stray_english(guizhou_out: Path, tmp_path: Path) -> None:
    path = tmp_path / "zh.xlsx"
    write_workbook(from_folder(guizhou_out), path, "zh")
    assert _workbook_strays(path) == []
    write_workbook(from_folder(guizhou_out), tmp_path / "en.xlsx", "en")
    assert len(_workbook_strays(tmp_path / "en.xlsx")) > 100


def test_the_things_the_issue_named_are_gone(guizhou_out: Path) -> None:
    html = render_html(from_folder(guizhou_out), "zh", embed_font=False)
    for english in ("(enterprises)", "10 thousand USD ÷ gdp", "km ÷ land_area", "equal占比"):
        assert english not in html
    assert "采用 2024 年 open_economy 得分" not in html
    assert "同时改变：imputation, winmax" not in html
    assert "0.3×平均分配" in html and "采用 2024 年贵州省开放型经济高质量发展指数得分" in html
    assert "(家)" in html and "公里 ÷ 行政区域土地面积" in html


def test_code_ids_and_sources() -> None:
    assert split_ids("编号匹配 trade_*|fdi_* 的指标") == [
        ("编号匹配 ", False),
        ("trade_*|fdi_*", True),
        (" 的指标", False),
    ]
    assert str(code_ids("见 run.json 与 <b>")) == "见 <code>run.json</code> 与 &lt;b&gt;"
    assert str(code_ids("(x - min)/(max - min)，COINr/JRC 规则")) == (
        "(x - min)/(max - min)，COINr/JRC 规则"
    )
    both = "贵阳海关 (Guiyang Customs)"
    assert source_text(both, "zh") == "贵阳海关"
    assert source_text(both, "en") == "Guiyang Customs"
    assert source_text("海关", "en") == "海关"
