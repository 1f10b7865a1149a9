"""The Chinese dashboard is Chinese: every page under ?lang=zh, as chromium renders it (the
charts' texts and the accessible labels included, every <details> opened), holds no ASCII word
outside a short whitelist.

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
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn
from playwright.sync_api import sync_playwright

from kaifang.web import Dashboard, create_app

REPO = Path(__file__).resolve().parents[2]
GUIZHOU = REPO / "examples" / "guizhou" / "assessment.yaml"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
    "--disable-default-apps",
    "--disable-domain-reliability",
]
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
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    server = uvicorn.Server(
        uvicorn.Config(create_app(Dashboard.open(GUIZHOU)), log_level="warning")
    )
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the dashboard server did not start")
        time.sleep(0.02)
    yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    server.should_exit = True
    thread.join(timeout=10)
    sock.close()


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


def test_zh_pages_have_no_english_words(origin: str) -> None:
    if not Path(CHROMIUM).exists() and shutil.which("chromium") is None:
        pytest.fail(f"Debian's chromium is required but {CHROMIUM} is missing")
    found: dict[str, dict[str, str]] = {}
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        page = browser.new_page(viewport={"width": 1366, "height": 900})
        try:
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
        finally:
            browser.close()
    assert found == {}, found
