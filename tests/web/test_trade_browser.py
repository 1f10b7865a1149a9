"""The trade pages in a real browser (Debian's chromium through Playwright): every page in both
languages on the Guizhou trade example (SIMULATED) and the world example, the market map
hovered, no script error or CSP violation, and no request leaving the app.

Screenshots go to test-artifacts/screenshots/ (kept by CI). chromium is required: without it
the tests FAIL (they never skip).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page
from web_support import Watched, serve_app

from kaifang.web import Dashboard, create_app
from kaifang.web.trade_app import create_trade_app
from kaifang.web.trade_data import TradeView

REPO = Path(__file__).resolve().parents[2]
TINY = REPO / "tests" / "fixtures" / "tiny" / "assessment.yaml"
GUIZHOU_TRADE = REPO / "examples" / "guizhou_trade"
WORLD_TRADE = REPO / "examples" / "trade_world" / "trade.yaml"
SHOTS = REPO / "test-artifacts" / "screenshots"
PAGES = ("/trade", "/trade/space", "/trade/opportunities", "/trade/markets")


def _serve(dashboard: Dashboard) -> Iterator[str]:
    yield from serve_app(create_app(dashboard))


@pytest.fixture(scope="module")
def guizhou_origin() -> Iterator[str]:
    dash = Dashboard.open(TINY)
    dash.trade = TradeView.open([GUIZHOU_TRADE / "trade.yaml", GUIZHOU_TRADE / "structure.yaml"])
    yield from _serve(dash)


@pytest.fixture(scope="module")
def world_origin() -> Iterator[str]:
    dash = Dashboard.open(TINY)
    dash.trade = TradeView.open([WORLD_TRADE])
    yield from _serve(dash)


def _watch(browser: Browser, origin: str) -> tuple[Watched, object]:
    context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="zh-CN")
    return Watched(context.new_page(), origin, ready_ms=20000), context


def _charts_drawn(page: Page) -> None:
    charts = page.query_selector_all("div.chart")
    assert charts, "no chart on the page"
    for chart in charts:
        assert chart.get_attribute("role") == "img"
        assert (chart.get_attribute("aria-label") or "").strip()
        assert chart.query_selector("svg") is not None, f"chart #{chart.get_attribute('id')}"
    assert page.query_selector("table.data tbody tr") is not None


def _hover_map(page: Page, map_id: str, lon: float, lat: float) -> str:
    """Move the mouse onto the map at (lon, lat) and return the tooltip's text."""
    page.locator(f"#{map_id}").scroll_into_view_if_needed()
    box = page.locator(f"#{map_id}").bounding_box()
    assert box is not None
    x, y = page.evaluate(
        "([id, lon, lat]) => echarts.getInstanceByDom(document.getElementById(id))"
        ".convertToPixel({geoIndex: 0}, [lon, lat])",
        [map_id, lon, lat],
    )
    page.mouse.move(box["x"] + x - 3, box["y"] + y - 3)
    page.mouse.move(box["x"] + x, box["y"] + y)
    tip = page.locator(f"#{map_id} > div").last
    tip.wait_for(state="visible", timeout=5000)
    return tip.inner_text()


@pytest.mark.parametrize("path", PAGES)
def test_guizhou_trade_pages_in_both_languages(
    browser: Browser, guizhou_origin: str, path: str
) -> None:
    watched, context = _watch(browser, guizhou_origin)
    page = watched.page
    name = path.strip("/").replace("/", "-")
    try:
        watched.goto(f"{path}?lang=zh")
        assert page.get_attribute("html", "lang") == "zh-CN"
        assert "模拟数据" in page.inner_text("[data-testid=trade-simulated]")
        assert page.inner_text("nav.site-nav a[aria-current=page]") == "贸易"
        _charts_drawn(page)
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / f"{name}-zh.png"), full_page=True)
        if path == "/trade/markets":
            # the United States, 4.9 % of the (simulated) exports in 2024
            assert "美国" in _hover_map(page, "market-map", -100.0, 40.0)
            # by keyboard, the map shows growth instead of share (the tooltip says so)
            page.focus("#market-metric")
            page.keyboard.press("End")
            assert page.eval_on_selector("#market-metric", "s => s.value") == "growth"
            assert "同比增长" in _hover_map(page, "market-map", -100.0, 40.0)
        # keyboard: the location select and the page links are reachable and labelled
        page.focus("#location")
        assert page.evaluate("document.activeElement.id") == "location"
        page.click("[data-testid=lang-switch]")
        page.wait_for_selector("body[data-ready='1']", timeout=20000)
        assert page.get_attribute("html", "lang") == "en"
        assert "SIMULATED" in page.inner_text("[data-testid=trade-simulated]")
        _charts_drawn(page)
        page.screenshot(path=str(SHOTS / f"{name}-en.png"), full_page=True)
        if path == "/trade/markets":
            assert "United States" in _hover_map(page, "market-map", -100.0, 40.0)
        watched.check()
    finally:
        context.close()  # type: ignore[attr-defined]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_world_trade_overview_map(browser: Browser, world_origin: str, lang: str) -> None:
    watched, context = _watch(browser, world_origin)
    page = watched.page
    try:
        watched.goto(f"/trade?lang={lang}")
        _charts_drawn(page)
        brazil = "巴西" if lang == "zh" else "Brazil"
        assert brazil in _hover_map(page, "world-eci-map", -52.0, -10.0)
        # keyboard only: Tab reaches the location list, an arrow key picks the next economy
        # and the page shows it
        page.focus("#location")
        first = page.eval_on_selector("#location", "s => s.value")
        page.keyboard.press("ArrowDown")
        page.wait_for_url(lambda url: "location=" in url and first not in url.split("location=")[1])
        page.wait_for_selector("body[data-ready='1']", timeout=20000)
        assert page.eval_on_selector("#location", "s => s.value") != first
        for path in PAGES[1:]:
            watched.goto(f"{path}?lang={lang}")
        assert page.query_selector("[data-testid=no-partner-data]") is not None
        assert any(u.endswith("/api/trade/world") for u in watched.requests)
        watched.check()
    finally:
        context.close()  # type: ignore[attr-defined]


@pytest.fixture(scope="module")
def trade_only_origin() -> Iterator[str]:
    view = TradeView.open([GUIZHOU_TRADE / "trade.yaml", GUIZHOU_TRADE / "structure.yaml"])
    yield from serve_app(create_trade_app(view))


def test_trade_pages_alone_switch_to_import_markets(
    browser: Browser, trade_only_origin: str
) -> None:
    watched, context = _watch(browser, trade_only_origin)
    page = watched.page
    try:
        watched.goto("/?lang=zh")  # the start page is the trade overview
        assert page.url.startswith(trade_only_origin + "/trade?")
        _charts_drawn(page)
        watched.goto("/trade/markets?lang=zh")
        assert page.inner_text("[data-testid=market-flows] a[aria-current=page]") == "出口市场"
        # exports -> imports by the link (a plain link: works without script)
        page.click("[data-testid=market-flows] a[data-flow=import]")
        page.wait_for_selector("body[data-ready='1']", timeout=20000)
        assert "flow=import" in page.url
        assert "进口来源市场" in page.inner_text("#markets-h")
        assert page.get_attribute("[data-testid=markets-table]", "data-flow") == "import"
        _charts_drawn(page)
        # the metric select names imports, and the year select keeps the flow
        assert "进口额" in page.inner_text("#market-metric")
        page.select_option("#market-year", index=0)
        page.wait_for_url(lambda url: "flow=import" in url and "year=" in url)
        page.wait_for_selector("body[data-ready='1']", timeout=20000)
        assert page.get_attribute("[data-testid=markets-table]", "data-flow") == "import"
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / "trade-only-import-markets-zh.png"), full_page=True)
        watched.check()
    finally:
        context.close()  # type: ignore[attr-defined]
