"""What the dashboard shows, as chromium renders it.

The Chinese dashboard is Chinese: every page under ?lang=zh (the charts' texts and the
accessible labels included, every <details> opened) holds no ASCII word outside a short
whitelist. The English targets table fits its card, the allocation chart's axis starts at 0,
and what-if says why it refuses a weight.

What is not scanned, and why:
- ``<code>``: ids and file names, shown as such on purpose;
- units of measure (``.measure-unit``, and the same text as a chart's axis name) and the
  framework's free text (``.framework-text``: an indicator's source): they are the words of
  framework.yaml, not of the dashboard;
- ``[lang=en]``: text that the page itself declares English (the steering engine's technical
  notes, headed "计算说明（英文原文）");
- the allocation rule (``[data-testid=allocation-rule]``): its wording comes from the allocation
  engine (kaifang.steering), not from the dashboard's catalogue.
chromium is required: when it is absent the test FAILS (it never skips).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page
from web_support import serve_app

from kaifang.web import Dashboard, create_app

REPO = Path(__file__).resolve().parents[2]
GUIZHOU = REPO / "examples" / "guizhou" / "assessment.yaml"
PAGES = [
    "/",
    "/unit/520100",
    "/indicators?id=trade_rcep_share",
    "/indicators?id=fdi_actual&stage=normalised",
    "/framework",
    "/whatif",
    "/targets",
    "/allocation",
    "/scenarios",
    "/sensitivity",
    "/api-docs",
]
# proper names and formats that Chinese text writes in Latin letters
WHITELIST = {
    "kaifang",  # the product's name
    "English",  # the language switch names the other language in that language
    "CSV",
    "Excel",
    "JSON",
    "OpenAPI",
    "ECharts",
    "RCEP",  # a trade agreement, written so in Chinese
    "km",
}
VISIBLE_TEXT = """() => {
  document.querySelectorAll('details').forEach((d) => { d.open = true; });
  const units = [...document.querySelectorAll('.measure-unit')].map((e) => e.textContent.trim());
  const skip = 'code, .measure-unit, .framework-text, [lang=en], [data-testid=allocation-rule]';
  document.querySelectorAll(skip).forEach((e) => e.remove());
  // a chart's axis named by a unit of measure
  for (const t of document.querySelectorAll('svg text')) {
    if (units.includes(t.textContent.trim())) t.remove();
  }
  // innerText holds the charts' texts as well
  const parts = [document.title, document.body.innerText];
  const names = ['aria-label', 'title', 'alt', 'placeholder'];
  for (const e of document.querySelectorAll('[aria-label], [title], [alt], [placeholder]')) {
    for (const a of names) parts.push(e.getAttribute(a) || '');
  }
  return parts.join('\\n');
}"""


@pytest.fixture(scope="module")
def origin() -> Iterator[str]:
    yield from serve_app(create_app(Dashboard.open(GUIZHOU)))


def english_words(text: str) -> dict[str, str]:
    """ASCII words of two letters or more outside the whitelist, each with its line."""
    found: dict[str, str] = {}
    for line in text.splitlines():
        for word in re.findall(r"[A-Za-z][A-Za-z_'-]*[A-Za-z]", line):
            if word not in WHITELIST:
                found.setdefault(word, line.strip()[:120])
    return found


def test_english_words_are_found() -> None:
    assert english_words("排名 Rank 与 km、CSV") == {"Rank": "排名 Rank 与 km、CSV"}
    assert english_words("采用 2024 年 open_economy 得分") == {
        "open_economy": "采用 2024 年 open_economy 得分"
    }


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1366, "height": 900})
    errors: list[str] = []
    page = context.new_page()
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    yield page
    context.close()
    assert errors == [], errors


def test_zh_pages_have_no_english_words(origin: str, page: Page) -> None:
    found: dict[str, dict[str, str]] = {}
    for path in PAGES:
        sep = "&" if "?" in path else "?"
        page.goto(f"{origin}{path}{sep}lang=zh")
        if path != "/api-docs":
            page.wait_for_selector("body[data-ready='1']", timeout=30000)
        if path == "/whatif":
            # the texts written after an update (timings) are Chinese as well
            page.fill(".w-number[data-node=talent]", "2")
            page.press(".w-number[data-node=talent]", "Enter")
            page.wait_for_selector("body[data-updates='1']")
            page.fill(".w-number[data-node=talent]", "-3")
            page.press(".w-number[data-node=talent]", "Enter")
            assert "不能为负数" in page.inner_text("[data-testid=weight-message]")
        words = english_words(page.evaluate(VISIBLE_TEXT))
        if words:
            found[path] = words
    assert found == {}, found


def test_english_targets_table_fits_its_card(origin: str, page: Page) -> None:
    page.goto(f"{origin}/targets?lang=en")
    page.wait_for_selector("body[data-ready='1']")
    for table in ("#status-table", "#path-table"):
        overflow = page.eval_on_selector(
            table, "t => t.scrollWidth - t.closest('.card').clientWidth"
        )
        assert overflow <= 0, f"{table} is {overflow}px wider than its card"
    headers = page.eval_on_selector_all(
        "#status-table thead th", "ths => ths.map(th => th.scrollWidth - th.clientWidth)"
    )
    assert max(headers) <= 0  # no header is cut
    assert "Year reached" in page.inner_text("#status-table thead")


def test_allocation_axis_starts_at_zero(origin: str, page: Page) -> None:
    for lang in ("zh", "en"):
        page.goto(f"{origin}/allocation?lang={lang}")
        page.wait_for_selector("body[data-ready='1']")
        labels = page.eval_on_selector_all(
            "#allocation-chart svg text", "ts => ts.map(t => t.textContent.trim())"
        )
        numbers = [x for x in labels if re.fullmatch(r"[-−]?[\d,]+", x)]
        assert "0" in numbers
        assert not [x for x in numbers if x.startswith(("-", "−"))], numbers


def _weight(page: Page, node: str, value: str) -> None:
    page.fill(f".w-number[data-node={node}]", value)
    page.press(f".w-number[data-node={node}]", "Enter")


def test_whatif_says_why_and_allows_zero(origin: str, page: Page) -> None:
    page.goto(f"{origin}/whatif?lang=en")
    page.wait_for_selector("body[data-ready='1']")
    message = "[data-testid=weight-message]"
    _weight(page, "talent", "-3")
    assert "cannot be negative" in page.inner_text(message)
    assert page.input_value(".w-number[data-node=talent]") == "1"
    _weight(page, "talent", "0")  # switches the pillar off
    page.wait_for_selector("body[data-updates='1']")
    assert page.inner_text(message) == ""
    assert page.inner_text("[data-share=talent]") == "0.0%"
    timing = page.inner_text("[data-testid=whatif-timing]")
    assert "server computed in" in timing and "change to updated page in" in timing
    pillars = page.eval_on_selector_all(".w-number", "xs => xs.map(x => x.dataset.node)")
    for node in pillars:
        if node != "talent":
            _weight(page, node, "0")
    # the last weight above 0 cannot go: the page says so and keeps it
    assert "cannot be 0" in page.inner_text(message)
    assert float(page.input_value(f".w-number[data-node={pillars[-1]}]")) > 0
    # download of what is shown: the weights and the year follow the page
    href = page.get_attribute("a[data-download=whatif]", "href") or ""
    assert "weights=" in href and "talent%3A0" in href


def test_downloads_follow_the_year_shown(origin: str, page: Page) -> None:
    page.goto(f"{origin}/?lang=en")
    page.wait_for_selector("body[data-ready='1']")
    page.focus("#year")
    page.keyboard.press("Home")  # the first year
    first = page.get_attribute("#year", "min")
    for link in page.query_selector_all("a[data-download=ranking]"):
        assert f"year={first}" in (link.get_attribute("href") or "")
    csv_link = page.get_attribute("a[data-download=ranking][href*='.csv']", "href") or ""
    with page.expect_download() as info:
        page.click(f"a[href='{csv_link}']")
    text = Path(info.value.path()).read_text(encoding="utf-8-sig")
    assert text.splitlines()[0] == "Rank,Code,Unit,Score,Rank change"
    assert len(text.splitlines()) == 1 + 9
