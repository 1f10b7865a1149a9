"""report.pdf page by page (pypdf): the contents list page numbers, the map page holds the map,
the title metadata says SIMULATED once, pillar heads wrap by words, not one character a line."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from pypdf import PdfReader

from kaifang.report.build import build_reports
from kaifang.report.data import from_folder


@pytest.fixture(scope="module")
def pages(guizhou_out: Path, tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    out = tmp_path_factory.mktemp("pdf_layout")
    [path] = build_reports(guizhou_out, ["pdf"], lang="zh", outdir=out, today=dt.date(2025, 1, 2))
    reader = PdfReader(path)
    assert reader.metadata is not None
    pytest.title = str(reader.metadata.title)  # type: ignore[attr-defined]
    return [p.extract_text() for p in reader.pages]


def test_title_metadata_says_simulated_once(pages: list[str]) -> None:
    title = pytest.title  # type: ignore[attr-defined]
    assert title == "贵州省开放型经济高质量发展评估（模拟数据）"
    assert title.count("模拟数据") == 1


def test_contents_have_page_numbers_that_point_at_the_sections(pages: list[str]) -> None:
    entries = re.findall(r"^(\S+) \.{3,} ?(\d+)$", pages[0], flags=re.M)
    sections = dict(entries)
    assert {"主要结论", "地图", "排名", "同比变化", "分项排名走势", "指标数据", "方法附录"} <= set(
        sections
    )
    numbers = [int(n) for _, n in entries]
    assert numbers == sorted(numbers) and numbers[-1] <= len(pages)
    # each entry's page begins with that section's heading (its zh and en title)
    for name, number in entries:
        assert pages[int(number) - 1].count(name) >= 1, name
    heading = {"地图": "地图 Map", "排名": "排名 Ranking", "方法附录": "方法附录 Methods appendix"}
    for name, words in heading.items():
        assert pages[int(sections[name]) - 1].startswith(words), name


def test_map_page_is_not_a_lone_caption(pages: list[str], guizhou_out: Path) -> None:
    data = from_folder(guizhou_out)
    for page in pages:
        body = [
            ln
            for ln in page.splitlines()
            if "模拟数据" not in ln and not re.match(r"\d+ / \d+", ln)
        ]
        assert len(body) > 2, page  # no page holds a caption alone
    [map_page] = [p for p in pages if p.startswith("地图 Map")]
    assert "地图数据：" in map_page and "得分，颜色越深得分越高" in map_page
    assert "贵阳" in map_page and "遵义" in map_page  # the map's labels are on the same page
    assert len(data.units) == 9


def test_pillar_heads_never_wrap_one_character_a_line(pages: list[str]) -> None:
    [ranking] = [p for p in pages if p.startswith("排名 Ranking")]
    start = ranking.index("分项得分 Pillar scores")
    head = ranking[start : ranking.index("贵阳市 ", start)]
    # the heads' pieces as laid out (pieces on one baseline come out joined by spaces): a piece
    # of one character is a word broken one character a line
    pieces = head.split()[4:]  # after 分项得分 Pillar scores and the caption
    pieces = [p for p in pieces if not p.startswith("2024年")]
    assert pieces and all(len(p) > 1 for p in pieces), pieces
    assert "开放产业" in pieces and "外贸倍增" in pieces
