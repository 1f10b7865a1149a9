"""The ledger's pages in a real browser (Debian chromium driven by Playwright), on SQLite and
PostgreSQL: a department's filler writes and submits a progress report with an attachment using
only the keyboard in the form, a reviewer returns it, the filler resubmits, the reviewer
approves; the ledger filtered by department shows the measure with its statuses; the measure
page shows the indicator chart and the audit history. No script error, no Content-Security-
Policy violation (chromium reports them on the console), no request leaving the app.

chromium is required: when it is absent the test FAILS (it never skips). Screenshots go to
test-artifacts/screenshots/ledger_*.png.
"""

from __future__ import annotations

import socket
import threading
import time
from pathlib import Path

import uvicorn
from ledger_page_support import write_example_assessment
from ledger_support import GUIYANG_TASK, import_guizhou
from platform_support import PASSWORD
from playwright.sync_api import Browser, Page
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from kaifang.platform.instance import Platform
from kaifang.platform.web import create_app

REPO = Path(__file__).resolve().parents[2]
SHOTS = REPO / "test-artifacts" / "screenshots"
MEASURE = f"/ledger/measures/{GUIYANG_TASK}?lang=en"


class Server:
    """The platform on 127.0.0.1 and a free port, stopped by :meth:`stop`."""

    def __init__(self, platform: Platform) -> None:
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.bind(("127.0.0.1", 0))
        self.origin = f"http://127.0.0.1:{self.sock.getsockname()[1]}"
        config = uvicorn.Config(create_app(platform), log_level="warning")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(
            target=self.server.run, kwargs={"sockets": [self.sock]}, daemon=True
        )
        self.thread.start()
        deadline = time.monotonic() + 30
        while not self.server.started:
            if not self.thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the platform server did not start")
            time.sleep(0.02)

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)
        self.sock.close()


class Session:
    """One user's browser context; every request must stay on the app's origin, and the
    console must stay free of errors (CSP violations are console errors in chromium)."""

    def __init__(self, browser: Browser, origin: str, username: str) -> None:
        self.context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="en")
        self.context.set_default_timeout(90_000)  # an evaluation of the ledger takes seconds
        self.page: Page = self.context.new_page()
        self.origin = origin
        self.requests: list[str] = []
        self.errors: list[str] = []
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.goto(f"{origin}/login?lang=en")
        self.page.fill("input[name=username]", username)
        self.page.fill("input[name=password]", PASSWORD)
        self.page.click("button[type=submit]")
        self.page.wait_for_url("**/periods?lang=en")

    def go(self, path: str) -> None:
        self.page.goto(f"{self.origin}{path}")

    def shot(self, name: str) -> None:
        SHOTS.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(SHOTS / f"ledger_{name}.png"), full_page=True)

    def close(self) -> None:
        self.context.close()
        foreign = [u for u in self.requests if not u.startswith((self.origin + "/", "data:"))]
        assert foreign == [], f"requests to other hosts: {foreign}"
        assert self.errors == [], f"console or script errors: {self.errors}"


def _message(page: Page) -> str:
    return page.inner_text("[data-testid=message]")


def _choose_file_by_keyboard(page: Page, path: Path) -> None:
    """Space on the focused file field opens the file chooser. Headless chromium now and then
    drops that key press on a busy machine (no chooser, no error), so the key is pressed again,
    at most three times; the field is still reached and opened by keyboard only."""
    for attempt in range(3):
        try:
            with page.expect_file_chooser(timeout=20_000) as chooser:
                page.keyboard.press("Space")
        except PlaywrightTimeout:
            if attempt == 2:
                raise
            assert page.evaluate("document.activeElement.id") == "attachment"
            continue
        chooser.value.set_files(str(path))
        return


def test_report_round_in_the_browser(
    platform: Platform, backend: str, browser: Browser, tmp_path: Path
) -> None:
    write_example_assessment(platform)
    import_guizhou(platform)
    evidence = tmp_path / "evidence.txt"
    evidence.write_text("服务中心挂牌照片说明\n", encoding="utf-8")
    server = Server(platform)
    try:
        filler = Session(browser, server.origin, "filler_gy")
        filler.go(MEASURE)
        page = filler.page
        # keyboard only from here: the first field of the form, then Tab from field to field
        page.focus("#period")
        assert page.input_value("#period") == "2025Q1"  # the first period not yet reported
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.id") == "status"
        page.keyboard.press("ArrowDown")
        page.keyboard.press("ArrowDown")
        assert page.input_value("#status") == "on_track"
        page.keyboard.press("Tab")
        page.keyboard.type("40")
        page.keyboard.press("Tab")
        page.keyboard.type("服务中心已挂牌运行")
        page.keyboard.press("Tab")
        page.keyboard.type("The centre is open")
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.id") == "attachment"
        _choose_file_by_keyboard(page, evidence)
        page.keyboard.press("Tab")  # save draft
        page.keyboard.press("Tab")  # submit for review
        assert page.evaluate("document.activeElement.dataset.testid") == "submit-report"
        with page.expect_navigation():
            page.keyboard.press("Enter")
        assert _message(page) == "Progress report submitted."
        report = page.locator("[data-testid=report-2025Q1]")
        assert "Submitted" in report.inner_text() and "evidence.txt" in report.inner_text()
        filler.shot(f"submitted_{backend}")

        reviewer = Session(browser, server.origin, "pref_gy")
        reviewer.go(MEASURE)
        review = reviewer.page.locator("[data-testid=review-2025Q1]")
        review.locator("textarea[name=comment]").fill("请补充挂牌文件")
        review.locator("[data-testid=return]").click()
        reviewer.page.wait_for_selector("[data-testid=message]")
        assert "Returned" in reviewer.page.inner_text("[data-testid=report-2025Q1]")

        filler.go(MEASURE)
        assert "请补充挂牌文件" in page.inner_text("[data-testid=returned]")
        assert page.input_value("#percent") == "40"  # the form holds the returned report
        page.focus("#percent")
        page.keyboard.press("Control+A")
        page.keyboard.type("50")
        for _ in range(5):  # narratives, attachment, save, submit
            page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.dataset.testid") == "submit-report"
        with page.expect_navigation():
            page.keyboard.press("Enter")
        assert _message(page) == "Progress report submitted."

        reviewer.go(MEASURE)
        reviewer.page.locator("[data-testid=review-2025Q1] [data-testid=approve]").click()
        reviewer.page.wait_for_selector("[data-testid=message]")
        report_text = reviewer.page.inner_text("[data-testid=report-2025Q1]")
        assert "Approved (locked)" in report_text and "50%" in report_text
        # the measure page: the indicator chart and the audit history of the round
        chart = reviewer.page.locator("[data-testid=indicator-chart] svg").first
        assert chart.is_visible()
        assert reviewer.page.locator("[data-testid=indicator-chart] polyline").count() >= 1
        history = reviewer.page.inner_text("[data-testid=audit-history]")
        for words in ("progress report written", "attachment uploaded", "progress report returned"):
            assert words in history, words
        assert "progress report approved" in history
        reviewer.shot(f"measure_{backend}")

        # the ledger filtered by department, with the keyboard on the GET form
        reviewer.go("/ledger?lang=en")
        reviewer.page.focus("[data-testid=filter-department]")
        reviewer.page.keyboard.type("Provincial Department of Commerce")  # type-ahead
        assert reviewer.page.input_value("[data-testid=filter-department]") == "commerce"
        reviewer.page.focus("[data-testid=filter-apply]")
        with reviewer.page.expect_navigation():
            reviewer.page.keyboard.press("Enter")
        assert "department=commerce" in reviewer.page.url
        row = reviewer.page.locator(f"tr[data-measure={GUIYANG_TASK}]")
        assert row.is_visible()
        assert row.locator("[data-testid=reported]").inner_text() == "on track"
        assert row.locator("[data-testid=derived]").inner_text() == "on track"
        assert reviewer.page.locator("tr[data-measure=air_cargo]").count() == 0  # transport's
        assert reviewer.page.locator("[data-testid=timeline] svg").is_visible()
        reviewer.shot(f"ledger_{backend}")
        filler.close()
        reviewer.close()
    finally:
        server.stop()
