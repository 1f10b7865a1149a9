"""The whole flow in a real browser (Debian chromium driven by Playwright), on SQLite and
PostgreSQL: the administrator creates a period, two fillers submit (one explaining a soft-rule
flag), a reviewer returns one and approves the other, the province approves and publishes, and
the assessment reruns on the published data into the results folder that a dashboard has been
serving since before the flow: the page open there shows the new ranking on its next load.

chromium is required: when it is absent the test FAILS (it never skips). Screenshots go to
test-artifacts/screenshots/platform_*.png.
"""

from __future__ import annotations

import socket
import threading
import time
from pathlib import Path

import uvicorn
from fastapi import FastAPI
from platform_support import (
    ADMIN_PASSWORD,
    GUIZHOU,
    PASSWORD,
    actor,
    publish_year,
    published_values,
)
from playwright.sync_api import Browser, Page
from typer.testing import CliRunner

import kaifang
from kaifang.cli import app as cli
from kaifang.platform import accounts, value_reads, workflow
from kaifang.platform.instance import Platform
from kaifang.platform.web import create_app
from kaifang.web import Dashboard
from kaifang.web import create_app as create_dashboard

REPO = Path(__file__).resolve().parents[2]
SHOTS = REPO / "test-artifacts" / "screenshots"


def _serve(platform: Platform) -> tuple[str, uvicorn.Server, threading.Thread, socket.socket]:
    return _serve_app(create_app(platform))


def _serve_app(app: object) -> tuple[str, uvicorn.Server, threading.Thread, socket.socket]:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning"))  # type: ignore[arg-type]
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the platform server did not start")
        time.sleep(0.02)
    return f"http://127.0.0.1:{port}", server, thread, sock


def _history(platform: Platform) -> None:
    """2021-2023 published for the nine prefectures (SIMULATED values of the example)."""
    admin = actor(platform, "admin")
    with platform.tx(admin) as s:
        accounts.create_user(
            s,
            admin,
            username="reviewer",
            display_name="reviewer",
            password=PASSWORD,
            role="prefecture_reviewer",
            scope=["520100", "520200"],
        )
    values = published_values(platform, (2021, 2022, 2023))
    for year in (2021, 2022, 2023):
        publish_year(platform, year, values[year])


class Session:
    """One user's browser context; every request must stay on the platform's origin."""

    def __init__(self, browser: Browser, origin: str, username: str, password: str) -> None:
        self.context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="zh-CN")
        self.page: Page = self.context.new_page()
        self.origin = origin
        self.requests: list[str] = []
        self.errors: list[str] = []
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.goto(f"{origin}/login?lang=en")
        self.page.fill("input[name=username]", username)
        self.page.fill("input[name=password]", password)
        self.page.click("button[type=submit]")
        self.page.wait_for_url("**/periods?lang=en")

    def go(self, path: str) -> None:
        self.page.goto(f"{self.origin}{path}")

    def shot(self, name: str) -> None:
        SHOTS.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(SHOTS / f"platform_{name}.png"), full_page=True)

    def close(self) -> None:
        self.context.close()
        foreign = [u for u in self.requests if not u.startswith((self.origin + "/", "data:"))]
        assert foreign == [], f"requests to other hosts: {foreign}"
        assert self.errors == [], f"script errors: {self.errors}"


def test_whole_flow_in_the_browser(
    platform: Platform, backend: str, browser: Browser, tmp_path: Path
) -> None:
    _history(platform)
    # the dashboard runs through the whole flow, on the results folder of the published 2023
    config = tmp_path / "assessment.yaml"
    _write_config(config, platform, backend, "2023")
    results = tmp_path / "results"
    _assess(config, results)
    dashboard = create_dashboard(Dashboard.open(results), refresh=0)
    dash_origin, dash_server, dash_thread, dash_sock = _serve_app(dashboard)
    try:
        _flow(platform, backend, browser, config, results, dashboard, dash_origin)
    finally:
        dash_server.should_exit = True
        dash_thread.join(timeout=10)
        dash_sock.close()


def _flow(
    platform: Platform,
    backend: str,
    browser: Browser,
    config: Path,
    results: Path,
    dashboard: FastAPI,
    dash_origin: str,
) -> None:
    context = browser.new_context(viewport={"width": 1366, "height": 900})
    page = context.new_page()
    page.goto(f"{dash_origin}/?lang=en")
    page.wait_for_selector("body[data-ready='1']", timeout=30000)
    assert "2023" in page.inner_text("#ranking-caption")
    origin, server, thread, sock = _serve(platform)
    try:
        # the administrator creates and opens the 2024 period
        admin = Session(browser, origin, "admin", ADMIN_PASSWORD)
        form = admin.page.locator("[data-testid=create-period]")
        form.locator("input[name=code]").fill("2024")
        form.locator("input[name=year]").fill("2024")
        form.locator("input[name=name_zh]").fill("2024年度")
        form.locator("input[name=name_en]").fill("Year 2024")
        form.locator("button[type=submit]").click()
        admin.page.click("[data-testid=open-2024]")
        assert "Open" in admin.page.inner_text("[data-testid=periods]")
        admin.shot(f"periods_{backend}")

        # filler 1 (Guiyang): a tripled trade total is flagged at once and explained
        gy = Session(browser, origin, "filler_gy", PASSWORD)
        gy.go("/periods/2024/520100?lang=en")
        gy.page.fill("#v_gdp", f"{platform_value(platform, '520100', 'gdp', 2023):.2f}")
        last = platform_value(platform, "520100", "trade_total", 2023)
        gy.page.fill("#v_trade_total", f"{last * 3:.1f}")
        gy.page.wait_for_selector("tr[data-indicator=trade_total] .finding-soft", timeout=15000)
        assert "please explain" in gy.page.inner_text("#f_trade_total")
        gy.page.fill("#v_env_single_window_rate", "120")
        gy.page.wait_for_selector("tr[data-indicator=env_single_window_rate] .finding-hard")
        rate = platform_value(platform, "520100", "env_single_window_rate", 2023)
        gy.page.fill("#v_env_single_window_rate", f"{rate:.2f}")
        gy.page.fill("textarea[name=e_trade_total]", "新建综合保税区投产，进出口大幅增长")
        gy.shot(f"entry_{backend}")
        gy.page.click("[data-testid=save]")
        gy.page.wait_for_selector("[data-testid=message]")
        gy.page.click("[data-testid=submit]")
        assert gy.page.inner_text("[data-testid=state]") == "Submitted", gy.page.inner_text("main")[
            :600
        ]

        # filler 2 (Liupanshui) submits without any flag
        lps = Session(browser, origin, "filler_lps", PASSWORD)
        lps.go("/periods/2024/520200?lang=en")
        lps.page.fill("#v_gdp", f"{platform_value(platform, '520200', 'gdp', 2023):.2f}")
        lps.page.click("[data-testid=save]")
        lps.page.wait_for_selector("[data-testid=message]")
        lps.page.click("[data-testid=submit]")
        assert lps.page.inner_text("[data-testid=state]") == "Submitted", lps.page.inner_text(
            "main"
        )[:600]

        # the reviewer returns Liupanshui's and approves Guiyang's
        rev = Session(browser, origin, "reviewer", PASSWORD)
        rev.go("/periods/2024/520200?lang=en")
        rev.page.fill("[data-testid=comment-return]", "GDP differs from the yearbook")
        rev.page.click("[data-testid=return]")
        assert rev.page.inner_text("[data-testid=state]") == "Draft"
        rev.go("/periods/2024/520100?lang=en")
        rev.page.click("[data-testid=approve]")
        assert rev.page.inner_text("[data-testid=state]") == "Approved by prefecture"
        rev.shot(f"review_{backend}")

        # Liupanshui's filler sees the comment
        lps.go("/periods/2024/520200?lang=en")
        assert "GDP differs from the yearbook" in lps.page.inner_text("[data-testid=returned]")

        # the province approves and publishes
        prov = Session(browser, origin, "prov", PASSWORD)
        prov.go("/periods/2024/520100?lang=en")
        prov.page.click("[data-testid=approve]")
        assert "locked" in prov.page.inner_text("[data-testid=state]")
        admin.go("/periods?lang=en")
        admin.page.click("[data-testid=publish-2024]")
        published = admin.page.inner_text("[data-testid=published]")
        assert "520100" in published and "520200" in published.split("approved:")[1]
        admin.go("/audit?lang=en&action=publish")
        assert "520100" in admin.page.inner_text("[data-testid=audit]")
        assert "intact" in admin.page.inner_text("[data-testid=chain]")
        admin.shot(f"audit_{backend}")
        for session in (admin, gy, lps, rev, prov):
            session.close()
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()

    # the assessment reruns on the published data: Guiyang's 2024 values are in it
    _write_config(config, platform, backend, "2024")
    assessment = kaifang.load(config)
    data = assessment.inputs.data
    gy_2024 = data[(data["unit"] == "520100") & (data["year"] == 2024)]
    assert set(gy_2024["indicator"]) == {"gdp", "trade_total", "env_single_window_rate"}
    assert not ((data["unit"] == "520200") & (data["year"] == 2024)).any()
    scores = assessment.run().scores
    assert (scores["year"] == 2024).any()

    # rerun into the folder the dashboard serves: the same page, opened again, shows the 2024
    # ranking (now the latest year), Guiyang in it, with no restart
    _assess(config, results)
    page.goto(f"{dash_origin}/?lang=en")
    page.wait_for_selector("body[data-ready='1']", timeout=30000)
    assert "2024" in page.inner_text("#ranking-caption")
    table = page.inner_text("table:has(#ranking-caption)")
    assert "Guiyang" in table
    assert "SIMULATED" in page.inner_text("[data-testid=simulated-banner]")
    assert dashboard.state.live.reloads == 1
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"platform_dashboard_{backend}.png"), full_page=True)
    context.close()


def _write_config(config: Path, platform: Platform, backend: str, period: str) -> None:
    """The assessment of the published data up to ``period``."""
    database = (
        str(platform.folder / "platform.db")
        if backend == "sqlite"
        else platform.engine.url.render_as_string(hide_password=False)
    )
    config.write_text(
        "title: {en: published data (SIMULATED), zh: 已发布数据（模拟）}\nsimulated: true\n"
        f"framework: {GUIZHOU / 'framework.yaml'}\nunits: {GUIZHOU / 'units.csv'}\n"
        f'data: {{database: "{database}", period: "{period}"}}\n'
        "steps:\n  denominate: {}\n  impute: {method: locf}\n"
        "  normalise: {method: minmax, reference: pooled}\n",
        encoding="utf-8",
    )


def _assess(config: Path, results: Path) -> None:
    answer = CliRunner().invoke(cli, ["assess", str(config), "-o", str(results), "--lang", "en"])
    assert answer.exit_code == 0, answer.output


def platform_value(platform: Platform, region: str, indicator: str, year: int) -> float:
    admin = actor(platform, "admin")
    with platform.tx(admin) as s:
        history = value_reads.value_history(s, admin, region, year + 1, [indicator])
    return history[indicator][year]


def test_administrator_narrows_a_range_and_the_filler_sees_it_fire(
    platform: Platform, backend: str, browser: Browser
) -> None:
    """The administrator changes trade_total's maximum with the keyboard only (type, Enter);
    the filler's instant validation then names the value and the new range, and saving is
    refused."""
    admin_actor = actor(platform, "admin")
    with platform.tx(admin_actor) as s:
        workflow.create_period(
            s,
            admin_actor,
            platform.framework,
            code="2024",
            year=2024,
            name_zh="2024",
            name_en="2024",
        )
        workflow.set_period_state(s, admin_actor, "2024", "open")
    origin, server, thread, sock = _serve(platform)
    try:
        admin = Session(browser, origin, "admin", ADMIN_PASSWORD)
        admin.page.click("nav.site-nav >> text=Validation rules")
        admin.page.click("[data-testid=level-2024]")
        admin.page.focus("#high-trade_total")
        admin.page.keyboard.type("10")
        admin.page.keyboard.press("Enter")
        admin.page.wait_for_selector("[data-testid=message]")
        assert "1 rule changes saved" in admin.page.inner_text("[data-testid=message]")
        row = admin.page.locator("tr[data-indicator=trade_total]")
        assert row.get_attribute("data-source") == "period"
        assert "admin" in row.inner_text()
        admin.shot(f"rules_{backend}")

        gy = Session(browser, origin, "filler_gy", PASSWORD)
        gy.go("/periods/2024/520100?lang=en")
        assert "0–10" in gy.page.inner_text("tr[data-indicator=trade_total]")
        gy.page.fill("#v_trade_total", "12")
        gy.page.wait_for_selector("tr[data-indicator=trade_total] .finding-hard", timeout=15000)
        message = gy.page.inner_text("#f_trade_total")
        assert "12 is above the maximum (allowed range [0, 10])" in message
        gy.page.click("[data-testid=save]")
        assert "nothing was saved" in gy.page.inner_text("[data-testid=error]")
        gy.shot(f"rule_fires_{backend}")
        for session in (admin, gy):
            session.close()
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()
    with platform.tx(admin_actor) as s:
        period = workflow.get_period(s, "2024")
        assert workflow.list_submissions(s, admin_actor, period) == {}
