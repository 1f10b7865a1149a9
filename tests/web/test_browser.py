"""The dashboard in a real browser: Debian's chromium driven by Playwright for Python.

The app is served by uvicorn in a background thread on 127.0.0.1 (a free port); every test
checks that the page asked nothing of any host but the app. Screenshots of every page in both
languages, and the measured what-if times, are written to test-artifacts/ (kept by CI).
chromium is required: when it is absent the tests FAIL (they never skip).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx2 as httpx  # the HTTP client starlette's TestClient uses (a dev dependency)
import pytest
from playwright.sync_api import Browser, Page
from web_support import Watched, serve_app

from kaifang.web import Dashboard, create_app

REPO = Path(__file__).resolve().parents[2]
GUIZHOU = REPO / "examples" / "guizhou" / "assessment.yaml"
ARTIFACTS = REPO / "test-artifacts"
SHOTS = ARTIFACTS / "screenshots"
PAGES = {
    "overview": "/",
    "unit": "/unit/520300",
    "indicators": "/indicators?id=trade_processing_share",
    "framework": "/framework",
    "whatif": "/whatif",
    "targets": "/targets",
    "allocation": "/allocation",
    "scenarios": "/scenarios",
    "sensitivity": "/sensitivity?n=300",
    "api": "/api-docs",
    "disparity": "/disparity",
}


@pytest.fixture(scope="module")
def origin() -> Iterator[str]:
    yield from serve_app(create_app(Dashboard.open(GUIZHOU)))


@pytest.fixture
def watched(browser: Browser, origin: str) -> Iterator[Watched]:
    context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="zh-CN")
    w = Watched(context.new_page(), origin)
    yield w
    context.close()
    # checked after every test: no request may leave the app
    w.check()


def _shot(page: Page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


@pytest.mark.parametrize("name", list(PAGES))
def test_page_loads_in_both_languages(watched: Watched, name: str) -> None:
    page = watched.page
    path = PAGES[name]
    sep = "&" if "?" in path else "?"
    watched.goto(f"{path}{sep}lang=zh", ready=name != "api")
    assert page.get_attribute("html", "lang") == "zh-CN"
    assert "模拟数据" in page.inner_text("[data-testid=simulated-banner]")
    assert page.inner_text("nav[aria-label] a[aria-current=page]") in (
        "总览",
        "地区画像",
        "指标浏览",
        "指标体系",
        "权重模拟",
        "目标跟踪",
        "资金分配",
        "权重情景",
        "敏感性",
        "数据接口",
        "区域差异",
    )
    # every chart container has a label and ECharts drew into it; a table carries the numbers
    charts = page.query_selector_all("div.chart")
    for chart in charts:
        assert chart.get_attribute("role") == "img"
        assert (chart.get_attribute("aria-label") or "").strip()
        assert chart.query_selector("svg") is not None, f"chart #{chart.get_attribute('id')}"
    if charts:
        assert page.query_selector("table.data tbody tr") is not None
    _shot(page, f"{name}-zh")

    page.click("[data-testid=lang-switch]")
    page.wait_for_load_state("load")
    if name != "api":
        page.wait_for_selector("body[data-ready='1']")
    assert "lang=en" in page.url
    assert page.get_attribute("html", "lang") == "en"
    assert "SIMULATED" in page.inner_text("[data-testid=simulated-banner]")
    nav = page.inner_text("nav[aria-label]")
    assert "Overview" in nav and "总览" not in nav
    _shot(page, f"{name}-en")


def test_overview_year_slider_by_keyboard(watched: Watched) -> None:
    page = watched.page
    watched.goto("/?lang=en")
    last = int(page.get_attribute("#year", "max") or 0)
    first_row = page.inner_text("#ranking-table tbody tr:first-child td:nth-child(2)")
    page.focus("#year")
    page.keyboard.press("Home")  # to the first year
    first_year = int(page.get_attribute("#year", "min") or 0)
    assert page.inner_text("#year-out") == str(first_year)
    assert page.inner_text("#ranking-caption") == f"Ranking in {first_year}"
    assert f"year={first_year}" in page.url
    # the language switch keeps the year chosen
    assert f"year={first_year}" in (page.get_attribute("[data-testid=lang-switch]", "href") or "")
    # the table shows the first year's ranking, as the API gives it
    api = httpx.get(f"{watched.origin}/api/scores", params={"year": first_year}).json()
    best = min((r for r in api if r["rank"] is not None), key=lambda r: r["rank"])
    names = httpx.get(f"{watched.origin}/api/meta").json()["units"]
    best_name = next(u["name"]["en"] for u in names if u["code"] == best["unit"])
    assert page.inner_text("#ranking-table tbody tr:first-child td:nth-child(2)") == best_name
    assert last > first_year
    assert first_row  # the latest year's table was there before the change


def test_skip_link_and_keyboard_focus(watched: Watched) -> None:
    page = watched.page
    watched.goto("/?lang=zh")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip-link"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"


def test_unit_select_navigates(watched: Watched) -> None:
    page = watched.page
    watched.goto("/unit/520100?lang=en")
    assert page.inner_text("h1").startswith("Guiyang")
    page.select_option("[data-testid=unit-select]", "520500")
    page.wait_for_url("**/unit/520500?**")
    page.wait_for_selector("body[data-ready='1']")
    assert page.inner_text("h1").startswith("Bijie")
    assert "lang=en" in page.url


def _latest_order(rows: list[dict[str, Any]], key: str) -> list[str]:
    last = max(r["year"] for r in rows)
    shown = [r for r in rows if r["year"] == last and r[key] is not None]
    return [r["unit"] for r in sorted(shown, key=lambda r: (r[key], r["unit"]))]


def _table_units(page: Page) -> list[str]:
    return page.eval_on_selector_all(
        "#whatif-table tbody tr", "rows => rows.map(r => r.dataset.unit)"
    )


def test_whatif_weight_changes_ranking(watched: Watched) -> None:
    page = watched.page
    origin = watched.origin
    meta = httpx.get(f"{origin}/api/meta").json()
    # find, through the API, a pillar whose heavy weight reorders the latest year's ranking
    base_rows = httpx.get(f"{origin}/api/scores").json()
    base_order = _latest_order(base_rows, "rank")
    pillar, expected = None, None
    for p in meta["pillars"]:
        rows = httpx.post(f"{origin}/api/whatif", json={"weights": {p: 50}}).json()["rows"]
        order = _latest_order(rows, "rank")
        if order != base_order:
            pillar, expected = p, order
            break
    assert pillar is not None, "no pillar weight changes the Guizhou ranking"

    watched.goto("/whatif?lang=en")
    ties_free = len(set(base_order)) == len(base_order)
    assert ties_free and _table_units(page)[: len(base_order)] == base_order
    page.fill(f".w-number[data-node={pillar}]", "50")
    page.press(f".w-number[data-node={pillar}]", "Enter")  # Enter commits the value (change)
    page.wait_for_selector("body[data-updates='1']")
    assert _table_units(page)[: len(expected)] == expected
    assert _table_units(page) != base_order
    share = page.inner_text(f"[data-share={pillar}]")
    assert float(share.rstrip("%")) > 50  # 50 against the others' sum of weights (< 50)

    # move a slider with the keyboard, several times: record what the user waits for
    page.click("#reset")
    page.wait_for_selector("body[data-updates='2']")
    assert _table_units(page)[: len(base_order)] == base_order
    timings = []
    slider = f".w-range[data-node={meta['pillars'][1]}]"
    page.focus(slider)
    for i in range(10):
        page.keyboard.press("ArrowRight")
        page.wait_for_selector(f"body[data-updates='{3 + i}']")
        timings.append(
            {
                k: float(page.get_attribute("body", f"data-{k}") or "nan")
                for k in ("server-ms", "round-trip-ms", "update-ms")
            }
        )
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "whatif_timings.json").write_text(json.dumps(timings, indent=2))
    print("what-if timings (ms):", json.dumps(timings))
    assert len(timings) == 10
    _shot(page, "whatif-after-change")


def test_no_request_leaves_the_app(watched: Watched) -> None:
    for path in PAGES.values():
        watched.goto(path, ready=path != "/api-docs")
    assert any(u.endswith("/static/vendor/echarts.min.js") for u in watched.requests)
    assert any(u.endswith("/api/geojson") for u in watched.requests)
    assert watched.foreign() == []


def test_target_status_in_words_and_unit_choice(watched: Watched) -> None:
    page = watched.page
    watched.goto("/targets?lang=en")
    total = page.inner_text("#status-table tr[data-unit=total] .status")
    api = httpx.get(f"{watched.origin}/api/targets").json()["targets"][0]
    status = next(u["status"] for u in api["units"] if u["unit"] == "total")
    words = {"on_track": "On track", "at_risk": "At risk", "off_track": "Off track"}
    assert words[status] in total  # the status is written, not only coloured
    page.select_option("[data-testid=target-unit-select]", "520300")
    page.wait_for_url("**unit=520300**")
    page.wait_for_selector("body[data-ready='1']")
    assert page.inner_text("#path-h").startswith("Zunyi")
    assert page.query_selector("#target-chart svg") is not None
    _shot(page, "targets-zunyi-en")


def test_allocation_check_and_sensitivity_n(watched: Watched) -> None:
    page = watched.page
    watched.goto("/allocation?lang=zh")
    assert page.inner_text("[data-testid=sum-check]").startswith("✓")
    assert page.inner_text("[data-testid=allocation-total]") == "100,000,000"
    watched.goto("/sensitivity?lang=en&n=300")
    page.fill("#n-input", "100")
    page.press("#n-input", "Enter")
    page.wait_for_url("**n=100**")
    page.wait_for_selector("body[data-ready='1']")
    assert "N = 100" in page.inner_text("#ri-h")
    rows = page.eval_on_selector_all("#interval-table tbody tr", "rs => rs.length")
    assert rows == 9
