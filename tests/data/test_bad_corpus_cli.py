"""The bad-input corpus through the command line: `kaifang assess` exits 1 with a message naming
the file, prints no traceback, and writes nothing (no output folder, no temporary leftovers)."""

from __future__ import annotations

import importlib.util
import shutil
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from kaifang.cli import app

HERE = Path(__file__).parent
BAD, GOOD = HERE / "bad", HERE / "good"

_spec = importlib.util.spec_from_file_location("bad_corpus_cases", HERE / "test_bad_corpus.py")
assert _spec is not None and _spec.loader is not None
_cases = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_cases)
CASES: list[tuple[str, str, dict[str, Any], Any]] = [
    c for c in _cases.CASES if c[1] in ("source", "sources", "nbs", "units", "meta", "idata")
]

FRAMEWORK = """\
id: idx
name: {en: Index, zh: 指数}
children:
  - id: gdp
    name: {en: GDP, zh: 地区生产总值}
    unit: 100 million CNY
    direction: 1
  - id: trade
    name: {en: Trade, zh: 进出口}
    unit: 100 million CNY
    direction: 1
  - id: fdi
    name: {en: FDI, zh: 外资}
    unit: USD
    direction: 1
"""


def project(tmp: Path, files: str, how: str, options: dict[str, Any]) -> Path:
    names = files.split()
    for name in names:
        shutil.copy(BAD / name, tmp / name)
    (tmp / "framework.yaml").write_text(FRAMEWORK, encoding="utf-8")
    framework, units = "framework.yaml", "units.csv"
    shutil.copy(GOOD / "units_guizhou.csv", tmp / "units.csv")
    data: list[dict[str, Any]] = [{"path": n, **options} for n in names]
    if how == "nbs":
        shutil.copy(GOOD / "units_provinces.csv", tmp / "units.csv")
        data = [{"path": names[0], "format": "nbs", "indicator": "gdp"}]
    elif how == "units":
        units = names[0]
        shutil.copy(GOOD / "nbs_gdp_gbk.csv", tmp / "gdp.csv")
        data = [{"path": "gdp.csv", "format": "nbs", "indicator": "gdp"}]
    elif how == "meta":
        framework = names[0]
        shutil.copy(GOOD / "ASEM_iData.csv", tmp / "iData.csv")
        data = [{"path": "iData.csv", "format": "coinr"}]
    elif how == "idata":
        shutil.copy(GOOD / "ASEM_iMeta.csv", tmp / "iMeta.csv")
        framework = "iMeta.csv"
        data = [{"path": names[0], "format": "coinr"}]
    lines = ["title: {en: Bad input, zh: 错误输入}", f"framework: {framework}"]
    if how not in ("meta", "idata"):
        lines.append(f"units: {units}")
    lines.append("data:")
    for entry in data:
        inner = ", ".join(f"{k}: {v}" for k, v in entry.items())
        lines.append(f"  - {{{inner}}}")
    lines += ["steps:", "  normalise: {method: minmax}", "  aggregate: {method: arithmetic}"]
    config = tmp / "assessment.yaml"
    config.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return config


@pytest.mark.parametrize(("files", "how", "options", "expected"), CASES,
                         ids=[c[0] for c in CASES])  # fmt: skip
def test_cli_rejects_and_writes_nothing(
    tmp_path: Path, files: str, how: str, options: dict[str, Any], expected: Any
) -> None:
    work = tmp_path / "project"
    work.mkdir()
    config = project(work, files, how, options)
    before = sorted(p.name for p in work.iterdir())
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["assess", str(config), "-o", str(out), "--lang", "en"])
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    assert "Bad input" in result.output
    for name, _row, _column, _fragment in expected:
        assert name in result.output.replace("\n", ""), result.output
    assert not out.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["project"]
    assert sorted(p.name for p in work.iterdir()) == before
