"""The dashboard shows new results without a restart (kaifang.web.live): a results folder that
``kaifang assess`` replaced, an assessment whose data changed; a folder missing or broken, or
replaced while it was read, never replaces good results."""

from __future__ import annotations

import logging
import shutil
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from starlette.requests import Request
from typer.testing import CliRunner

import kaifang
from kaifang.cli import app as cli
from kaifang.web import Dashboard, create_app
from kaifang.web.live import DEFAULT_REFRESH, LiveDashboard, dashboard_of, results_stamp

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "tiny"
LOCAL = "http://127.0.0.1"
runner = CliRunner()


@pytest.fixture
def config(tmp_path: Path) -> Path:
    """A copy of the tiny assessment that a test may edit."""
    folder = tmp_path / "inputs"
    shutil.copytree(FIXTURES, folder)
    return folder / "assessment.yaml"


def assess(config: Path, out: Path) -> None:
    result = runner.invoke(cli, ["assess", str(config), "-o", str(out), "--lang", "en"])
    assert result.exit_code == 0, result.output


def lift_unit_two(config: Path) -> None:
    """U2 becomes the best in 2021 on two indicators: the ranking of 2021 changes."""
    data = config.parent / "data.csv"
    text = data.read_text(encoding="utf-8")
    text = text.replace("U2,2021,x1,20", "U2,2021,x1,90").replace("U2,2021,x4,2", "U2,2021,x4,9")
    data.write_text(text, encoding="utf-8")


def ranks_2021(client: TestClient) -> dict[str, int]:
    answer = client.get("/api/scores", params={"year": 2021})
    assert answer.status_code == 200, answer.text
    return {row["unit"]: row["rank"] for row in answer.json()}


def computed_ranks_2021(config: Path) -> dict[str, int]:
    scores = kaifang.load(config).run().scores
    root = scores[(scores["year"] == 2021) & (scores["level"] == 0)]
    return {str(u): int(r) for u, r in zip(root["unit"], root["rank"], strict=True)}


@pytest.fixture
def results(config: Path, tmp_path: Path) -> Path:
    out = tmp_path / "results"
    assess(config, out)
    return out


@pytest.fixture
def client(results: Path) -> Iterator[TestClient]:
    with TestClient(create_app(Dashboard.open(results), refresh=0), base_url=LOCAL) as c:
        yield c


def test_rerun_into_the_served_folder_is_shown(
    config: Path, results: Path, client: TestClient
) -> None:
    before = ranks_2021(client)
    assert before == computed_ranks_2021(config)
    lift_unit_two(config)
    after_change = computed_ranks_2021(config)
    assert after_change != before  # the edit does change the ranking
    assert ranks_2021(client) == before  # the data changed, the results folder not yet
    assess(config, results)
    assert ranks_2021(client) == after_change
    page = client.get("/", params={"lang": "en", "year": 2021})
    assert page.status_code == 200
    live: LiveDashboard = client.app.state.live  # type: ignore[attr-defined]
    assert live.reloads == 1
    assert ranks_2021(client) == after_change and live.reloads == 1  # read once only


def test_missing_or_broken_folder_keeps_the_old_results(
    config: Path, results: Path, client: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    before = ranks_2021(client)
    live: LiveDashboard = client.app.state.live  # type: ignore[attr-defined]
    # the instant between the two renames of a replacement: no folder at all
    aside = results.with_name("aside")
    results.rename(aside)
    with caplog.at_level(logging.WARNING, logger="kaifang.web.live"):
        assert ranks_2021(client) == before
    assert "cannot check" in caplog.text
    aside.rename(results)
    # a run.json damaged in place (not by kaifang, which replaces whole folders)
    run_json = results / "run.json"
    run_json.write_text("{ not json", encoding="utf-8")
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="kaifang.web.live"):
        assert ranks_2021(client) == before
        assert ranks_2021(client) == before
    assert caplog.text.count("not shown") == 1  # tried once, not on every request
    assert live.reloads == 0
    # the next good run is shown
    lift_unit_two(config)
    assess(config, results)
    assert ranks_2021(client) == computed_ranks_2021(config) != before
    assert live.reloads == 1


def test_folder_replaced_while_read_is_read_again(config: Path, results: Path) -> None:
    opened: list[Dashboard] = []

    def replaced_while_reading(path: Path) -> Dashboard:
        dashboard = Dashboard.open(path)
        if not opened:
            # another run lands while this one is read: what was read may mix two runs
            assess(config, results)
        opened.append(dashboard)
        return dashboard

    first = Dashboard.open(results)
    live = LiveDashboard(first, every=0, opener=replaced_while_reading)
    lift_unit_two(config)
    assess(config, results)
    assert live.current() is first and len(opened) == 1  # read, then refused
    shown = live.current()
    assert shown is opened[1] and live.reloads == 1
    assert results_stamp(results) == live._stamp  # the stamp of what is shown


def test_assessment_config_reruns_when_its_data_change(
    config: Path, caplog: pytest.LogCaptureFixture
) -> None:
    with TestClient(create_app(Dashboard.open(config), refresh=0), base_url=LOCAL) as client:
        before = ranks_2021(client)
        lift_unit_two(config)
        lifted = computed_ranks_2021(config)
        assert ranks_2021(client) == lifted != before
        # a data file with an error: the last good results stay, and the log says why
        data = config.parent / "data.csv"
        data.write_text(data.read_text(encoding="utf-8") + "U1,2021,x1,lots\n", encoding="utf-8")
        with caplog.at_level(logging.WARNING, logger="kaifang.web.live"):
            assert ranks_2021(client) == lifted
        assert "not shown" in caplog.text and "lots" in caplog.text
        # the what-if of the shown results still works
        assert client.post("/api/whatif", json={"weights": {"p1": 1}}).status_code == 200


def test_checks_are_spaced_and_can_be_off(config: Path, results: Path) -> None:
    now = [100.0]
    calls: list[Path] = []

    def opener(path: Path) -> Dashboard:
        calls.append(path)
        return Dashboard.open(path)

    first = Dashboard.open(results)
    live = LiveDashboard(first, every=10, opener=opener, clock=lambda: now[0])
    never = LiveDashboard(first, every=None, opener=opener, clock=lambda: now[0])
    lift_unit_two(config)
    assess(config, results)
    now[0] += 9.5
    assert live.current() is first and calls == []
    now[0] += 1
    assert live.current() is not first and len(calls) == 1
    now[0] += 1000
    assert never.current() is first and len(calls) == 1


def test_a_request_keeps_the_results_it_started_with(config: Path, results: Path) -> None:
    app = create_app(Dashboard.open(results), refresh=0)
    first = app.state.live.current()
    request = Request({"type": "http", "app": app, "headers": [], "method": "GET"})
    assert dashboard_of(request) is first
    lift_unit_two(config)
    assess(config, results)
    assert dashboard_of(request) is first  # the same request: the same results
    fresh = Request({"type": "http", "app": app, "headers": [], "method": "GET"})
    assert dashboard_of(fresh) is not first


def test_uncertainty_queue_kept_across_reloads(config: Path, results: Path) -> None:
    first = Dashboard.open(results)
    live = LiveDashboard(first, every=0)
    lift_unit_two(config)
    assess(config, results)
    assert live.current() is not first
    assert live.current().sensitivity_queue is first.sensitivity_queue


def test_trade_results_kept_across_reloads(config: Path, results: Path) -> None:
    # the trade view is loaded once from `--trade`; new assessment results must not drop it
    first = Dashboard.open(results)
    marker = object()
    first.trade = marker  # type: ignore[assignment]
    live = LiveDashboard(first, every=0)
    lift_unit_two(config)
    assess(config, results)
    fresh = live.current()
    assert fresh is not first
    assert fresh.trade is marker


# ------------------------------------------------------------------- kaifang serve --refresh


def _served_app(monkeypatch: pytest.MonkeyPatch, *options: str) -> Any:
    import uvicorn

    seen: dict[str, Any] = {}
    monkeypatch.setattr(
        uvicorn.Server, "run", lambda server, sockets=None: seen.update(app=server.config.app)
    )
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = str(probe.getsockname()[1])
    source = str(FIXTURES / "assessment.yaml")
    result = runner.invoke(cli, ["serve", source, "--port", port, *options])
    assert result.exit_code == 0, result.output
    return seen["app"]


def test_serve_refresh_option(monkeypatch: pytest.MonkeyPatch) -> None:
    assert _served_app(monkeypatch).state.live.every == DEFAULT_REFRESH
    assert _served_app(monkeypatch, "--refresh", "5").state.live.every == 5
    assert _served_app(monkeypatch, "--refresh", "0").state.live.every is None
    bad = runner.invoke(cli, ["serve", str(FIXTURES / "assessment.yaml"), "--refresh", "-1"])
    assert bad.exit_code == 2 and "--refresh" in bad.output


def test_cli_default_refresh_is_the_servers() -> None:
    from kaifang.cli.serve import DEFAULT_REFRESH as CLI_DEFAULT

    assert CLI_DEFAULT == DEFAULT_REFRESH
