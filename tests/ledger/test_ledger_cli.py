"""``kaifang ledger``: the folder it writes, the Guizhou example, and bad input."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import openpyxl
import pandas as pd
from typer.testing import CliRunner

from kaifang.cli import app

runner = CliRunner()
EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "guizhou" / "ledger.yaml"


def test_writes_the_folder(ledger_project: Callable[..., Path], tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = runner.invoke(app, ["ledger", str(ledger_project()), "-o", str(out), "--lang", "en"])
    assert result.exit_code == 0, result.output
    assert {p.name for p in out.iterdir()} == {
        "ledger.xlsx",
        "ledger.html",
        "measures.csv",
        "milestones.csv",
        "progress.csv",
        "indicators.csv",
        "reminders.csv",
    }
    assert "reported on track, indicator Trade off track" in result.output
    measures = pd.read_csv(out / "measures.csv", dtype={"number": str})
    assert list(measures["derived"]) == ["delayed", "on_track", "delayed", "delayed"]


def test_as_of_option_and_its_usage_error(
    ledger_project: Callable[..., Path], tmp_path: Path
) -> None:
    path = ledger_project()
    ok = runner.invoke(
        app, ["ledger", str(path), "-o", str(tmp_path / "o"), "--as-of", "2024-09-01"]
    )
    assert ok.exit_code == 0, ok.output
    assert "核验日期 2024-09-01" in ok.output
    bad = runner.invoke(app, ["ledger", str(path), "-o", str(tmp_path / "p"), "--as-of", "soon"])
    assert bad.exit_code == 2
    assert not (tmp_path / "p").exists()


def test_bad_ledger_exit_1_nothing_written(
    ledger_project: Callable[..., Path], tmp_path: Path
) -> None:
    path = ledger_project()
    path.write_text(
        path.read_text(encoding="utf-8").replace(
            "deadline: '2027-12-31'", "deadline: '2023-12-31'", 1
        ),
        encoding="utf-8",
    )
    out = tmp_path / "out"
    result = runner.invoke(app, ["ledger", str(path), "-o", str(out)])
    assert result.exit_code == 1
    assert "输入有误" in result.output
    assert "Traceback" not in result.output
    assert not out.exists()


def test_guizhou_example(tmp_path: Path) -> None:
    out = tmp_path / "gz"
    result = runner.invoke(app, ["ledger", str(EXAMPLE), "-o", str(out)])
    assert result.exit_code == 0, result.output
    measures = pd.read_csv(out / "measures.csv", dtype={"number": str}).set_index("id")
    # the doubling action plan: reported on track while trade is off its doubling path
    assert measures.loc["trade_doubling_plan", "reported"] == "on_track"
    assert measures.loc["trade_doubling_plan", "mismatch_zh"] == (
        "填报为按计划推进，但1个里程碑逾期：新增外贸经营主体；"
        "目标“进出口总额2021-2025年翻番”明显滞后"
    ) or measures.loc["trade_doubling_plan", "mismatch_zh"] == (
        "填报为按计划推进，但目标“进出口总额2021-2025年翻番”明显滞后"
    )
    # every department of the plan's lead units has a row of its own in the workbook
    sheet = openpyxl.load_workbook(out / "ledger.xlsx").worksheets[0]
    assert "模拟" in str(sheet["A1"].value)
    assert (out / "SIMULATED_DATA.txt").exists()
    html = (out / "ledger.html").read_text(encoding="utf-8")
    assert "模拟数据" in html
    assert "<svg" in html
    assert "<script" not in html
    # the zh page names indicators and departments in Chinese: no framework ids in its prose
    text = re.sub(r"<[^>]+>", " ", html.split("<body>")[1])
    ids = {"trade_total", "fdi_actual", "commerce", "drc", "trade_doubling_plan"}
    assert not [w for w in re.findall(r"[A-Za-z_][A-Za-z0-9_]+", text) if w in ids]


def test_hostile_names_are_escaped(
    ledger_project: Callable[..., Path], ledger_data: dict[str, Any], tmp_path: Path
) -> None:
    data = ledger_data
    evil = '"><img src=x onerror=alert(1)><script>alert(2)</script>'
    data["measures"][0]["name"] = {"zh": evil, "en": evil}
    data["departments"][0]["name"] = {"zh": evil, "en": evil}
    out = tmp_path / "out"
    result = runner.invoke(app, ["ledger", str(ledger_project(data)), "-o", str(out)])
    assert result.exit_code == 0, result.output
    html = (out / "ledger.html").read_text(encoding="utf-8")
    assert "<img" not in html
    assert "<script" not in html
    assert "&lt;script&gt;" in html
