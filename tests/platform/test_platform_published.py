"""``kaifang assess`` on published platform data, and the CLI of the platform."""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from platform_support import (
    GUIZHOU,
    LOCAL,
    actor,
    approve_and_publish,
    publish_year,
    published_values,
)
from typer.testing import CliRunner

import kaifang
from kaifang.cli import app
from kaifang.platform import data_entry, workflow
from kaifang.platform.instance import Platform
from kaifang.web import Dashboard
from kaifang.web import create_app as create_dashboard

runner = CliRunner()


def _config(folder: Path, database: str, period: str) -> Path:
    path = folder / "assessment.yaml"
    path.write_text(
        "title: {en: platform test (SIMULATED), zh: 平台测试（模拟）}\nsimulated: true\n"
        f"framework: {GUIZHOU / 'framework.yaml'}\n"
        f"units: {GUIZHOU / 'units.csv'}\n"
        f'data: {{database: "{database}", period: "{period}"}}\n'
        "steps:\n  denominate: {}\n  normalise: {method: minmax, reference: pooled}\n",
        encoding="utf-8",
    )
    return path


def _database(platform: Platform) -> str:
    """How an assessment.yaml names the platform's database: its SQLite file, or its URL."""
    if platform.engine.dialect.name == "sqlite":
        return str(platform.folder / "platform.db")
    return platform.engine.url.render_as_string(hide_password=False)


def test_assess_reads_only_published_values(platform: Platform, tmp_path: Path) -> None:
    values = published_values(platform, (2022, 2023))
    for year in (2022, 2023):
        publish_year(platform, year, values[year])
    database = _database(platform)
    config = _config(tmp_path, database, "2023")
    inputs = kaifang.load(config).inputs
    frame = inputs.data
    assert sorted(frame["year"].unique()) == [2022, 2023]
    gy = frame[
        (frame["unit"] == "520100") & (frame["year"] == 2023) & (frame["indicator"] == "gdp")
    ]
    assert float(gy["value"].iloc[0]) == values[2023]["520100"]["gdp"]
    results = kaifang.load(config).run()
    assert set(results.scores["unit"]) == set(values[2023])
    # a later period that is not published is refused with a clear message
    admin = actor(platform, "admin")
    with platform.tx(admin) as s:
        workflow.create_period(
            s, admin, platform.framework, code="2024", year=2024, name_zh="x", name_en="x"
        )
    answer = runner.invoke(app, ["check", str(_config(tmp_path, database, "2024")), "--lang", "en"])
    assert answer.exit_code == 1 and "is not published" in " ".join(answer.output.split())


def _guiyang_2023(client: TestClient) -> dict[str, Any]:
    answer = client.get("/api/scores", params={"year": 2023})
    assert answer.status_code == 200, answer.text
    return next(row for row in answer.json() if row["unit"] == "520100")


def test_running_dashboard_shows_a_new_publication(platform: Platform, tmp_path: Path) -> None:
    """2023 is published with Guiyang's submission still waiting; the dashboards already
    running on that assessment (live, and on a results folder) show Guiyang once the province
    approves it and publishes again: the live one at once, the folder once the assessment
    reruns into it."""
    values = published_values(platform, (2022, 2023))
    publish_year(platform, 2022, values[2022])
    publish_year(platform, 2023, values[2023], pending={"520100"})
    config = _config(tmp_path, _database(platform), "2023")
    out = tmp_path / "results"
    assess = ["assess", str(config), "-o", str(out), "--lang", "en"]
    assert runner.invoke(app, assess).exit_code == 0
    live_app = create_dashboard(Dashboard.open(config), refresh=0)
    folder_app = create_dashboard(Dashboard.open(out), refresh=0)
    with (
        TestClient(live_app, base_url=LOCAL) as live,
        TestClient(folder_app, base_url=LOCAL) as folder,
    ):
        for client in (live, folder):
            assert _guiyang_2023(client)["rank"] is None
        # work on another period is no reason to rerun
        admin = actor(platform, "admin")
        with platform.tx(admin) as s:
            workflow.create_period(
                s, admin, platform.framework, code="2024", year=2024, name_zh="x", name_en="x"
            )
            workflow.set_period_state(s, admin, "2024", "open")
            data_entry.save_values(s, admin, workflow.get_period(s, "2024"), "520100", {"gdp": 1})
        assert _guiyang_2023(live)["rank"] is None
        assert live_app.state.live.reloads == 0

        approve_and_publish(platform, "2023", "520100")
        scores = kaifang.load(config).run().scores
        expected = scores[
            (scores["unit"] == "520100") & (scores["year"] == 2023) & (scores["level"] == 0)
        ]
        shown = _guiyang_2023(live)
        assert shown["rank"] == int(expected["rank"].iloc[0])
        assert shown["score"] == pytest.approx(float(expected["score"].iloc[0]))
        assert live_app.state.live.reloads == 1
        # the results folder is what the last run wrote, until the assessment reruns
        assert _guiyang_2023(folder)["rank"] is None
        assert runner.invoke(app, assess).exit_code == 0
        assert _guiyang_2023(folder) == shown


def test_platform_init_cli(tmp_path: Path) -> None:
    folder = tmp_path / "inst"
    answer = runner.invoke(
        app,
        [
            "platform",
            "init",
            str(folder),
            "--framework",
            str(GUIZHOU / "framework.yaml"),
            "--units",
            str(GUIZHOU / "units.csv"),
            "--lang",
            "en",
        ],
    )
    assert answer.exit_code == 0, answer.output
    assert "shown once" in " ".join(answer.output.split())
    secret = folder / "secret.key"
    assert stat.S_IMODE(os.stat(secret).st_mode) == 0o600
    assert len(secret.read_text().strip()) >= 48
    again = runner.invoke(
        app,
        [
            "platform",
            "init",
            str(folder),
            "--framework",
            str(GUIZHOU / "framework.yaml"),
            "--units",
            str(GUIZHOU / "units.csv"),
            "--lang",
            "en",
        ],
    )
    assert again.exit_code == 1 and "not empty" in " ".join(again.output.split())
    bad = runner.invoke(
        app,
        [
            "platform",
            "init",
            str(tmp_path / "other"),
            "--framework",
            str(GUIZHOU / "units.csv"),
            "--units",
            str(GUIZHOU / "units.csv"),
            "--lang",
            "en",
        ],
    )
    assert bad.exit_code == 1 and not (tmp_path / "other").exists()
    missing = runner.invoke(app, ["platform", "serve", str(tmp_path / "nowhere"), "--lang", "en"])
    assert missing.exit_code == 1 and "not a platform instance" in " ".join(missing.output.split())
    assert runner.invoke(app, ["platform", "init"]).exit_code == 2
