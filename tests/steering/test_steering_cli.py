"""The steering verbs: help with an example, outputs written, exit codes 0 / 1 / 2."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from kaifang.cli import app

REPO = Path(__file__).resolve().parents[2]
GUIZHOU = REPO / "examples" / "guizhou" / "assessment.yaml"
CHINA = REPO / "examples" / "china_provinces" / "assessment.yaml"
runner = CliRunner()


@pytest.mark.parametrize("verb", ["targets", "scenario", "allocate"])
def test_help_has_an_example(verb: str) -> None:
    result = runner.invoke(app, [verb, "--help"])
    assert result.exit_code == 0
    assert f"Example: kaifang {verb}" in result.output


def test_targets_guizhou_and_china(tmp_path: Path) -> None:
    out = tmp_path / "t"
    result = runner.invoke(app, ["targets", str(GUIZHOU), "-o", str(out), "--lang", "en"])
    assert result.exit_code == 0, result.output
    assert {p.name for p in out.iterdir()} >= {
        "targets.csv",
        "paths.csv",
        "targets.xlsx",
        "SIMULATED_DATA.txt",
    }
    summary = pd.read_csv(out / "targets.csv", dtype={"unit": str})
    assert len(summary) == 10  # 9 prefectures and the province total
    out = tmp_path / "cn"
    result = runner.invoke(app, ["targets", str(CHINA), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert not (out / "SIMULATED_DATA.txt").exists()
    gz = pd.read_csv(out / "targets.csv", dtype={"unit": str}).set_index("unit").loc["520000"]
    # NBS: 100.5 (2021) -> 120.4994 (2024), 100 million USD; doubling needs 201 by 2025
    assert gz["base_value"] == pytest.approx(100.5)
    assert gz["target_value"] == pytest.approx(201.0)
    # (120.4994 / 100.5)^(1/3) - 1 = 6.24 %; path 100.5 * 2^(3/4) = 169.02; ratio 0.713
    assert gz["realised_cagr"] == pytest.approx(0.06236, abs=1e-4)
    assert gz["ratio"] == pytest.approx(0.7129, abs=1e-3)
    assert gz["status"] == "off_track"


def test_scenario_cli(tmp_path: Path) -> None:
    out = tmp_path / "s"
    result = runner.invoke(
        app,
        [
            "scenario",
            str(GUIZHOU),
            "--set",
            "weight.trade_*=2x",
            "--set",
            "weight.fdi_*=2x",
            "-o",
            str(out),
        ],
    )
    assert result.exit_code == 0, result.output
    names = {p.name for p in out.iterdir()}
    assert {
        "summary.csv",
        "movers.csv",
        "pillars.csv",
        "weights.csv",
        "comparison.csv",
        "scenario.xlsx",
    } <= names
    summary = pd.read_csv(out / "summary.csv")
    assert summary.loc[0, "share_scenario"] > summary.loc[0, "share_baseline"]
    result = runner.invoke(app, ["scenario", str(GUIZHOU), "-o", str(tmp_path / "y")])
    assert result.exit_code == 0, result.output
    assert len(pd.read_csv(tmp_path / "y" / "summary.csv")) == 2
    # a malformed --set is a usage error; a node that matches nothing is bad input
    bad = runner.invoke(app, ["scenario", str(GUIZHOU), "--set", "weighttrade=2x"])
    assert bad.exit_code == 2
    none = runner.invoke(
        app, ["scenario", str(GUIZHOU), "--set", "weight.zzz=2x", "-o", str(tmp_path / "z")]
    )
    assert none.exit_code == 1
    assert not (tmp_path / "z").exists()


def test_allocate_cli(tmp_path: Path) -> None:
    out = tmp_path / "a"
    result = runner.invoke(
        app, ["allocate", str(GUIZHOU), "--budget", "100000000", "-o", str(out), "--lang", "en"]
    )
    assert result.exit_code == 0, result.output
    table = pd.read_csv(out / "allocation.csv", dtype={"unit": str})
    units = table[table["unit"] != "TOTAL"]
    assert units["final"].sum() == 100_000_000
    assert (units["final"] % 10_000 == 0).all()
    assert (units["final"] >= 3_000_000).all() and (units["final"] <= 30_000_000).all()
    assert (out / "allocation.xlsx").exists() and (out / "rule.csv").exists()
    bad = runner.invoke(app, ["allocate", str(GUIZHOU), "--budget", "1234", "-o", str(out)])
    assert bad.exit_code == 1
    assert (out / "allocation.csv").exists()  # the previous output is left intact
    missing = runner.invoke(app, ["allocate", str(CHINA), "-o", str(tmp_path / "b")])
    assert missing.exit_code == 1
