"""What the terminal shows: whole numbers at any width, --budget 1e8, a pre-filled data
template, a --set scenario titled by its changes, and a CLI that imports nothing heavy."""

from __future__ import annotations

import csv
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from rich.console import Console
from rich.table import Table
from typer.testing import CliRunner

from kaifang.cli import app
from kaifang.cli.common import keep_numbers_whole

REPO = Path(__file__).resolve().parent.parent.parent
GUIZHOU = REPO / "examples" / "guizhou" / "assessment.yaml"
TINY = REPO / "tests" / "fixtures" / "tiny" / "assessment.yaml"
runner = CliRunner()


def child_env(columns: int) -> dict[str, str]:
    src = str(REPO / "src")
    path = os.pathsep.join([src, *filter(None, os.environ.get("PYTHONPATH", "").split(":"))])
    return {**os.environ, "PYTHONPATH": path, "COLUMNS": str(columns)}


def test_importing_the_cli_imports_no_heavy_library() -> None:
    code = (
        "import sys, kaifang.cli\n"
        "heavy = ['pandas', 'scipy', 'matplotlib', 'statsmodels', 'SALib', 'weasyprint',"
        " 'fontTools', 'numpy', 'pydantic', 'jinja2', 'fastapi']\n"
        "print(' '.join(m for m in heavy if m in sys.modules))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=child_env(80)
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == []


def test_help_imports_no_heavy_library() -> None:
    code = (
        "import sys\nfrom kaifang.cli import app\n"
        "try:\n    app(['--help'])\nexcept SystemExit:\n    pass\n"
        "print('MODULES', *[m for m in ('pandas', 'scipy', 'numpy') if m in sys.modules])\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=child_env(80)
    )
    assert done.stdout.strip().splitlines()[-1] == "MODULES"


def test_numbers_are_never_cut_and_names_fold() -> None:
    table = Table(title="t")
    table.add_column("Unit")
    table.add_column("Final", justify="right")
    table.add_column("Share", justify="right")
    table.add_row("Qiandongnan Miao and Dong Autonomous Prefecture", "16,862,345,678", "12.5%")
    console = Console(width=40, record=True, color_system=None)
    console.print(keep_numbers_whole(table))
    text = console.export_text()
    assert "16,862,345,678" in text and "12.5%" in text
    assert "…" not in text
    name_cells = [line.split("│")[1].strip() for line in text.splitlines() if "│" in line]
    assert "".join(name_cells).replace(" ", "") == (
        "QiandongnanMiaoandDongAutonomousPrefecture"
    )  # folded over lines, whole


@pytest.mark.parametrize("budget", ["1e8", "100000000", "100_000_000"])
def test_allocate_accepts_1e8_and_shows_every_amount_whole_at_80_columns(
    tmp_path: Path, budget: str
) -> None:
    out = tmp_path / "alloc"
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; from kaifang.cli import main; sys.argv[0] = 'kaifang'; main()",
            "allocate",
            str(GUIZHOU),
            "--budget",
            budget,
            "-o",
            str(out),
            "--lang",
            "zh",
        ],
        capture_output=True,
        text=True,
        env=child_env(80),
    )
    assert done.returncode == 0, done.stderr
    with (out / "allocation.csv").open(encoding="utf-8") as f:
        finals = [int(float(row["final"])) for row in csv.DictReader(f) if row["unit"] != "TOTAL"]
    assert sum(finals) == 100_000_000
    assert "…" not in done.stdout
    for amount in finals:
        assert f"{amount:,}" in done.stdout
    assert max(len(line) for line in done.stdout.splitlines()) <= 80


def test_init_prefills_a_row_for_every_unit_and_year(tmp_path: Path) -> None:
    project = tmp_path / "p"
    result = runner.invoke(app, ["init", str(project), "--years", "2021-2024", "--lang", "en"])
    assert result.exit_code == 0, result.output
    data = pd.read_excel(project / "data_template.xlsx", sheet_name="data", engine="openpyxl")
    units = pd.read_csv(project / "units.csv", dtype=str)["code"].tolist()
    expected = [(u, y) for u in units for y in range(2021, 2025)]
    assert list(zip(data["unit"].astype(str), data["year"], strict=True)) == expected
    assert data.drop(columns=["unit", "year"]).isna().all().all()  # values left to fill
    # rows without values are no data: check says so
    empty = runner.invoke(app, ["check", str(project / "assessment.yaml"), "--lang", "en"])
    assert empty.exit_code == 1
    assert "hold no values" in " ".join(empty.output.split())


def test_scenario_set_titles_its_table_with_the_changes(tmp_path: Path) -> None:
    args = ["scenario", str(TINY), "--set", "weight.p1=2x", "--set", "share.x*=0.2"]
    zh = runner.invoke(app, [*args, "-o", str(tmp_path / "zh"), "--lang", "zh"])
    assert zh.exit_code == 0, zh.output
    flat = " ".join(zh.output.split())
    assert "调整：支柱一 权重 ×2，x* 占比 = 0.2" in flat
    assert "cli ·" not in flat
    en = runner.invoke(app, [*args, "-o", str(tmp_path / "en"), "--lang", "en"])
    assert "Changed: Pillar one weight ×2, x* share = 0.2" in " ".join(en.output.split())
    summary = pd.read_csv(tmp_path / "en" / "summary.csv")
    assert summary["name_en"].tolist() == ["Changed: Pillar one weight ×2, x* share = 0.2"]
