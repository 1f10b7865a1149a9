"""The ``kaifang sensitivity`` verb: files, exit codes, help with an example."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
from typer.testing import CliRunner

from kaifang.cli import app

REPO = Path(__file__).resolve().parents[2]
ASEM = REPO / "examples" / "asem" / "assessment.yaml"
runner = CliRunner()


def test_help_shows_the_example() -> None:
    result = runner.invoke(app, ["sensitivity", "--help"])
    assert result.exit_code == 0
    assert "kaifang sensitivity examples/asem/assessment.yaml --samples 500" in result.output


def test_uncertainty_writes_csvs(tmp_path: Path) -> None:
    out = tmp_path / "ua"
    result = runner.invoke(
        app, ["sensitivity", str(ASEM), "--samples", "60", "-o", str(out), "--lang", "en"]
    )
    assert result.exit_code == 0, result.output
    ranks = pd.read_csv(out / "ranks.csv")
    assert list(ranks.columns[:8]) == [
        "unit",
        "name_en",
        "name_zh",
        "nominal_rank",
        "median_rank",
        "mean_rank",
        "q05_rank",
        "q95_rank",
    ]
    assert len(ranks) == 51 and len(pd.read_csv(out / "design.csv")) == 60
    meta = json.loads((out / "sensitivity.json").read_text(encoding="utf-8"))
    assert meta["runs"] == 60 and meta["method"] == "uncertainty"
    assert "Switzerland" in result.output


def test_sobol_writes_indices_and_replaces_old_output(tmp_path: Path) -> None:
    out = tmp_path / "sa"
    out.mkdir()
    (out / "stale.txt").write_text("old")
    result = runner.invoke(
        app, ["sensitivity", str(ASEM), "-n", "16", "-m", "sobol", "-o", str(out), "--seed", "2"]
    )
    assert result.exit_code == 0, result.output
    sobol = pd.read_csv(out / "sobol.csv")
    assert {"S1", "S1_low", "S1_high", "ST", "ST_low", "ST_high"} <= set(sobol.columns)
    assert len(pd.read_csv(out / "design.csv")) == 16 * 10
    assert not (out / "stale.txt").exists()
    assert "总效应" in result.output  # zh labels by default


def test_bad_input_exits_1_and_keeps_old_output(tmp_path: Path) -> None:
    config = tmp_path / "assessment.yaml"
    text = (
        ASEM.read_text(encoding="utf-8")
        .replace(
            "framework: ASEM_iMeta.csv",
            f"framework: {REPO / 'examples' / 'asem' / 'ASEM_iMeta.csv'}",
        )
        .replace("path: ASEM_iData.csv", f"path: {REPO / 'examples' / 'asem' / 'ASEM_iData.csv'}")
    )
    config.write_text(
        text.replace("noise: {1: 0.25, 2: 0.25}", "noise: {9: 0.25}"), encoding="utf-8"
    )
    out = tmp_path / "out"
    out.mkdir()
    (out / "keep.txt").write_text("previous result")
    result = runner.invoke(app, ["sensitivity", str(config), "-n", "10", "-o", str(out)])
    assert result.exit_code == 1
    assert "level 9" in result.output and "Traceback" not in result.output
    assert (out / "keep.txt").exists()


def test_usage_errors_exit_2(tmp_path: Path) -> None:
    bad_method = runner.invoke(app, ["sensitivity", str(ASEM), "-m", "morris", "-o", str(tmp_path)])
    assert bad_method.exit_code == 2
    bad_n = runner.invoke(app, ["sensitivity", str(ASEM), "-n", "1", "-o", str(tmp_path)])
    assert bad_n.exit_code == 2
