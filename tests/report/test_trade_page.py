"""The trade report page: treemap geometry, and the page of the Guizhou example (SIMULATED)."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest

from kaifang.report.trade_page import render_trade_page, spectral_layout, squarify
from kaifang.trade.pipeline import run_trade

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "guizhou_trade"


def test_squarify_fills_the_box_without_overlap() -> None:
    values = [40.0, 25.0, 15.0, 10.0, 6.0, 4.0]
    rects = squarify(values, 0, 0, 300, 200)
    areas = [w * h for _, _, w, h in rects]
    np.testing.assert_allclose(areas, [v / 100 * 300 * 200 for v in values])
    for x, y, w, h in rects:
        assert x >= -1e-9 and y >= -1e-9 and x + w <= 300 + 1e-9 and y + h <= 200 + 1e-9
    for i, a in enumerate(rects):
        for b in rects[i + 1 :]:
            overlap_w = min(a[0] + a[2], b[0] + b[2]) - max(a[0], b[0])
            overlap_h = min(a[1] + a[3], b[1] + b[3]) - max(a[1], b[1])
            assert overlap_w <= 1e-9 or overlap_h <= 1e-9


def test_spectral_layout_in_unit_square() -> None:
    rng = np.random.default_rng(0)
    phi = rng.random((30, 30))
    phi = (phi + phi.T) / 2
    np.fill_diagonal(phi, 0)
    xy = spectral_layout(phi)
    assert xy.shape == (30, 2) and xy.min() >= 0 and xy.max() <= 1


@pytest.fixture(scope="module")
def guizhou_results():  # type: ignore[no-untyped-def]
    return run_trade(EXAMPLE / "trade.yaml"), run_trade(EXAMPLE / "structure.yaml")


def test_page_zh_has_charts_tables_and_no_codes_where_named(guizhou_results) -> None:  # type: ignore[no-untyped-def]
    complexity, structure = guizhou_results
    page = render_trade_page(complexity, "zh")
    assert "模拟数据" in page
    assert "产品空间" in page and "机会散点图" in page
    assert page.count("<svg") == 2 and page.count("<table>") == 2
    assert "贵州具有比较优势" in page and "guizhou" not in page
    markets = render_trade_page(structure, "zh")
    assert "出口市场" in markets and "荷兰" in markets
    assert not re.search(r">(nld|usa|tha) ", markets)


def test_page_en(guizhou_results) -> None:  # type: ignore[no-untyped-def]
    complexity, structure = guizhou_results
    page = render_trade_page(complexity, "en")
    assert "SIMULATED DATA" in page and "Product space" in page and "Opportunities" in page
    assert "Netherlands" in render_trade_page(structure, "en")


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_page_has_export_and_import_markets_each_with_map_and_table(guizhou_results, lang) -> None:  # type: ignore[no-untyped-def]
    _, structure = guizhou_results
    page = render_trade_page(structure, lang)
    zh = lang == "zh"
    for flow in ("export", "import"):
        maps = re.findall(rf"<section class='market-map' data-flow='{flow}'>(.*?)</section>", page)
        trees = re.findall(rf"<section class='markets' data-flow='{flow}'>(.*?)</section>", page)
        assert len(maps) == 1 and len(trees) == 1, flow
        assert "<svg" in maps[0] and "<table>" in maps[0] and "<table>" in trees[0]
        shares = structure.partner_shares
        last = shares[(shares["flow"] == flow) & (shares["year"] == 2024)]
        top = last.sort_values("value", ascending=False).iloc[0]
        # the largest market's share, as the table prints it, in the flow's own table
        assert f"<td>{top['share']:.1%}</td>" in maps[0]
    imports = re.search(r"<section class='market-map' data-flow='import'>(.*?)</section>", page)
    assert imports is not None
    assert ("进口来源市场地图" if zh else "Map of import markets") in imports.group(1)
    assert ("进口额" if zh else "Imports") in imports.group(1)
