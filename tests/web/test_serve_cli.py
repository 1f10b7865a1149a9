"""``kaifang serve``: starts uvicorn with the dashboard app, or fails with a clear message."""

from __future__ import annotations

import socket
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from kaifang.cli import app

runner = CliRunner()
GUIZHOU = Path(__file__).resolve().parents[2] / "examples" / "guizhou" / "assessment.yaml"


def test_help_shows_an_example() -> None:
    result = runner.invoke(app, ["serve", "--help"])
    assert result.exit_code == 0
    assert "Example: kaifang serve" in result.output


def test_serve_starts_uvicorn_with_the_dashboard(monkeypatch: pytest.MonkeyPatch) -> None:
    import uvicorn

    started: dict[str, Any] = {}

    def fake_run(server: uvicorn.Server, sockets: list[Any]) -> None:
        host, port = sockets[0].getsockname()[:2]
        started.update(app=server.config.app, host=host, port=port)

    monkeypatch.setattr(uvicorn.Server, "run", fake_run)
    with socket.socket() as probe:  # a port free at this moment
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    result = runner.invoke(app, ["serve", str(GUIZHOU), "--port", str(port), "--lang", "en"])
    assert result.exit_code == 0, result.output
    assert f"http://127.0.0.1:{port}/?lang=en" in result.output
    assert "SIMULATED" in result.output
    assert started["host"] == "127.0.0.1" and started["port"] == port
    with TestClient(started["app"], base_url="http://127.0.0.1") as client:
        assert client.get("/api/meta").json()["whatif_available"] is True


def test_serve_missing_source_exits_1(tmp_path: Path) -> None:
    result = runner.invoke(app, ["serve", str(tmp_path / "nope.yaml"), "--lang", "en"])
    assert result.exit_code == 1
    assert "neither an assessment config file nor a results folder" in result.output


def test_serve_folder_that_is_not_results_exits_1(tmp_path: Path) -> None:
    result = runner.invoke(app, ["serve", str(tmp_path), "--lang", "en"])
    assert result.exit_code == 1
    assert "run.json is missing" in result.output
