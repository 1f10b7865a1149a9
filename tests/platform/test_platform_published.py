"""``kaifang assess`` on published platform data, and the CLI of the platform."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pandas as pd
from platform_support import GUIZHOU, actor
from typer.testing import CliRunner

import kaifang
from kaifang.cli import app
from kaifang.platform import review, workflow
from kaifang.platform.instance import Platform

runner = CliRunner()


def _publish_year(platform: Platform, year: int, values: dict[str, dict[str, float]]) -> None:
    admin = actor(platform, "admin")
    code = str(year)
    with platform.tx(admin) as s:
        workflow.create_period(
            s, admin, platform.framework, code=code, year=year, name_zh=code, name_en=code
        )
        workflow.set_period_state(s, admin, code, "open")
        period = workflow.get_period(s, code)
        for region, cells in values.items():
            sub = workflow.save_values(
                s, admin, period, region, cells, {i: "SIMULATED test value" for i in cells}
            )
            review.submit(s, admin, sub.id)
            review.review(s, admin, sub.id, "approve", seen_state="submitted")
            review.review(s, admin, sub.id, "approve", seen_state="prefecture_approved")
        review.publish(s, admin, code)


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


def test_assess_reads_only_published_values(platform: Platform, tmp_path: Path) -> None:
    data = pd.read_csv(GUIZHOU / "data" / "indicators_SIMULATED.csv", dtype={"unit": str})
    fields = {f.indicator for f in workflow_fields(platform)}
    values: dict[int, dict[str, dict[str, float]]] = {}
    for year in (2022, 2023):
        part = data[(data["year"] == year) & data["indicator"].isin(fields) & data["value"].notna()]
        values[year] = {
            region: dict(zip(rows["indicator"], rows["value"].astype(float), strict=True))
            for region, rows in part.groupby("unit")
        }
        _publish_year(platform, year, values[year])
    database = platform.engine.url.render_as_string(hide_password=False)
    if platform.engine.dialect.name == "sqlite":
        database = str(platform.folder / "platform.db")
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


def workflow_fields(platform: Platform) -> list:
    from kaifang.platform.forms import form_fields

    return form_fields(platform.framework)


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
