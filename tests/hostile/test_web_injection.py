"""Script injection through names: every dashboard page, in both languages, in a real browser.

The assessment's unit, node, index, target, scenario and allocation names are markup and script
(see hostile_dashboard.py). Every page is loaded with Debian's chromium (Playwright), every
chart is hovered where its tooltip renders, and then: no dialog fired, no element carries an
event-handler attribute or the injected image, no script ran other than the app's, and the
hostile names are shown as text. The Content-Security-Policy is checked as sent, and as
enforced: the browser reports no violation (the app itself needs no inline script).
chromium is required: when it is absent the tests FAIL (they never skip).
"""

from __future__ import annotations

from collections.abc import Iterator
from html.parser import HTMLParser

import httpx2 as httpx
import pytest
from hostile_dashboard import (
    HOSTILE_TEXTS,
    IMG,
    INDEX_NAME,
    INDICATOR,
    UNIT_NAMES,
    build_hostile_assessment,
    serving,
)
from playwright.sync_api import Browser, Page

from kaifang.web import Dashboard

PAGES = {
    "overview": "/",
    "unit": "/unit/520100",
    "unit-script": "/unit/520200",
    "indicators": f"/indicators?id={INDICATOR[0]}",
    "framework": "/framework",
    "whatif": "/whatif",
    "targets": "/targets",
    "targets-unit": "/targets?unit=520100",
    "allocation": "/allocation",
    "scenarios": "/scenarios",
    "scenarios-2": "/scenarios?id=channels_share_x2",
    "sensitivity": "/sensitivity",
    "api": "/api-docs",
}
# elements or attributes that only an injection would create
INJECTED = """() => {
  const found = [];
  for (const el of document.querySelectorAll('*')) {
    for (const attr of el.attributes) {
      if (attr.name.toLowerCase().startsWith('on')) found.push(el.tagName + '[' + attr.name + ']');
    }
  }
  for (const el of document.querySelectorAll('img, iframe, object, embed')) {
    found.push(el.outerHTML);
  }
  const app = location.origin + '/static/';
  for (const s of document.querySelectorAll('script')) {
    const ok = s.type === 'application/json' || (s.src && s.src.startsWith(app));
    if (!ok) found.push(s.outerHTML.slice(0, 120));
  }
  return found;
}"""
# where a chart is hovered, as fractions of its width and height
HOVER_POINTS = [(x / 5, y / 6) for x in range(1, 5) for y in range(1, 6)]


@pytest.fixture(scope="module")
def origin(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    config = build_hostile_assessment(tmp_path_factory.mktemp("hostile") / "guizhou")
    with serving(Dashboard.open(config)) as url:
        yield url


def _hover_charts(page: Page) -> list[str]:
    """Hover every chart at a grid of points; the text of every tooltip that showed."""
    texts: list[str] = []
    for chart in page.query_selector_all("div.chart"):
        chart.scroll_into_view_if_needed()
        box = chart.bounding_box()
        assert box is not None
        for fx, fy in HOVER_POINTS:
            page.mouse.move(box["x"] + fx * box["width"], box["y"] + fy * box["height"])
            page.wait_for_timeout(15)
            for tip in chart.query_selector_all("div"):
                style = tip.get_attribute("style") or ""
                if "z-index" in style and "display: none" not in style:
                    text = tip.inner_text().strip()
                    if text:
                        texts.append(text)
    return texts


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_hostile_names_never_run(browser: Browser, origin: str, lang: str) -> None:
    context = browser.new_context(viewport={"width": 1366, "height": 900})
    page = context.new_page()
    dialogs: list[str] = []
    errors: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    tooltips: dict[str, list[str]] = {}
    try:
        for name, path in PAGES.items():
            sep = "&" if "?" in path else "?"
            page.goto(f"{origin}{path}{sep}lang={lang}")
            if name != "api":
                page.wait_for_selector("body[data-ready='1']", timeout=30000)
            tooltips[name] = _hover_charts(page)
            if name == "whatif":
                # the table and the charts are redrawn from the API's answer
                page.fill(".w-number[data-node=talent]", "3")
                page.press(".w-number[data-node=talent]", "Enter")
                page.wait_for_selector("body[data-updates='1']")
                tooltips[name] += _hover_charts(page)
            assert page.evaluate(INJECTED) == [], f"{name}: injected elements"
            assert dialogs == [], f"{name}: a dialog fired: {dialogs}"
        # the names are shown, as text
        page.goto(f"{origin}/?lang={lang}")
        page.wait_for_selector("body[data-ready='1']")
        assert page.inner_text("h1") == INDEX_NAME
        assert IMG in page.inner_text("#ranking-table")
    finally:
        context.close()
    assert errors == [], f"script errors or policy violations: {errors}"
    # the tooltips rendered, and showed the hostile names as text
    for name in ("overview", "whatif", "sensitivity", "allocation"):
        assert tooltips[name], f"{name}: no tooltip showed"
    hostile = (*HOSTILE_TEXTS, *UNIT_NAMES.values())
    for name in ("overview", "sensitivity", "allocation"):
        shown = [text for text in tooltips[name] if any(h in text for h in hostile)]
        assert shown, f"{name}: no tooltip showed a hostile name as text: {tooltips[name][:5]}"


def test_policy_headers_on_every_kind_of_response(origin: str) -> None:
    for path in ("/", "/api/meta", "/static/js/common.js", "/api/nope", "/download/ranking.csv"):
        r = httpx.get(origin + path)
        policy = dict(
            [*d.strip().split(" ", 1), ""][:2]
            for d in r.headers["content-security-policy"].split(";")
        )
        assert policy["script-src"] == "'self'"  # no inline script, no eval
        csp = r.headers["content-security-policy"]
        assert "frame-ancestors 'none'" in csp
        assert r.headers["x-content-type-options"] == "nosniff"
        assert r.headers["referrer-policy"] == "same-origin"
    # no page holds inline script, an event-handler attribute or an injected element
    for path in PAGES.values():
        tags = _tags(httpx.get(origin + path).text)
        assert [(t, a) for t, attrs in tags for a, _ in attrs if a.startswith("on")] == []
        assert [t for t, _ in tags if t in ("img", "svg", "iframe", "object", "embed")] == []
        for tag, attrs in tags:
            if tag == "script":
                a = dict(attrs)
                assert a.get("type") == "application/json" or (a.get("src") or "").startswith(
                    "/static/"
                ), attrs


def _tags(html: str) -> list[tuple[str, list[tuple[str, str | None]]]]:
    """Every start tag of a page with its attributes, as an HTML parser reads them."""
    found: list[tuple[str, list[tuple[str, str | None]]]] = []

    class Collect(HTMLParser):
        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            found.append((tag, attrs))

    Collect().feed(html)
    return found
