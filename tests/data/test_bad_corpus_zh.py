"""The bad-input corpus through the command line in Chinese: every problem is told in Chinese.

`kaifang assess --lang zh` on each bad file exits 1 under the heading 输入有误, and the messages
hold no English words: what is left after removing quoted text (ids and cells as found), file
paths and the words the input files themselves contain (column names as found in the file) must
be a proper name or a unit from a short whitelist.
"""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from kaifang.cli import app

HERE = Path(__file__).parent

_spec = importlib.util.spec_from_file_location("bad_corpus_cli", HERE / "test_bad_corpus_cli.py")
assert _spec is not None and _spec.loader is not None
_cli = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_cli)
CASES: list[tuple[str, str, dict[str, Any], Any]] = _cli.CASES

# Proper names, formats, file-format keywords users type, and units of measurement.
WHITELIST = {
    "UTF", "GBK", "GB", "CSV", "Excel", "YAML", "NBS", "COINr", "Region", "NA", "N/A",
    "indicator", "iCode", "uCode", "uName", "Type", "Level", "Weight", "Direction", "Parent",
    "Target", "Denominator", "Aggregate", "Indicator", "Time", "group", "km", "USD", "CNY",
}  # fmt: skip
_QUOTED = re.compile(r"'[^']*'|\"[^\"]*\"|b'[^']*'")
_PATH = re.compile(r"\S*[/\\]\S*|\S+\.(?:csv|xlsx|yaml|tsv)\b")
_WORD = re.compile(r"[A-Za-z][A-Za-z_]*")
_COLUMN_LETTERS = re.compile(r"[A-Z]{1,3}")  # spreadsheet columns and cells: D, C1:D1


def _words_in(paths: list[Path]) -> set[str]:
    """ASCII words the input files contain: they may be quoted back to the user as found."""
    found: set[str] = set()
    for path in paths:
        if path.suffix == ".xlsx":
            import openpyxl

            book = openpyxl.load_workbook(path, read_only=True)
            text = " ".join(
                str(v) for ws in book.worksheets for row in ws.iter_rows(values_only=True)
                for v in row if v is not None
            ) + " " + " ".join(book.sheetnames)  # fmt: skip
        else:
            text = path.read_bytes().decode("utf-8", errors="replace")
        found |= set(_WORD.findall(text))
    return found


def english_words(message: str, allowed: set[str]) -> list[str]:
    """ASCII words of a zh message that are neither quoted, a path, nor allowed."""
    text = _PATH.sub(" ", _QUOTED.sub(" ", message))
    return [
        w
        for w in _WORD.findall(text)
        if w not in allowed and w not in WHITELIST and not _COLUMN_LETTERS.fullmatch(w)
    ]


def test_the_scan_finds_english() -> None:
    assert english_words("data.csv，第 3 行：unknown unit '火星市'", set()) == ["unknown", "unit"]
    assert english_words("a/b.csv，第 3 行：未知地区 '火星市'", set()) == []


@pytest.mark.parametrize(("files", "how", "options", "expected"), CASES,
                         ids=[c[0] for c in CASES])  # fmt: skip
def test_problems_are_told_in_chinese(
    tmp_path: Path, files: str, how: str, options: dict[str, Any], expected: Any
) -> None:
    work = tmp_path / "project"
    work.mkdir()
    config = _cli.project(work, files, how, options)
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["assess", str(config), "-o", str(out), "--lang", "zh"])
    assert result.exit_code == 1, result.output
    assert "输入有误" in result.output
    assert "Bad input" not in result.output
    inputs = [p for p in work.iterdir() if p.suffix in (".csv", ".xlsx", ".yaml")]
    allowed = _words_in(inputs)
    lines = [" ".join(x.split()) for x in result.output.split("•")[1:]]
    assert lines, result.output
    for line in lines:
        assert re.search(r"[\u4e00-\u9fff]", line), line  # the message itself is Chinese
        assert english_words(line, allowed) == [], line
    assert not out.exists()


# Config and framework problems: the words of the YAML files (keys, ids) may be quoted back.
_FRAMEWORK_OK = """\
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
"""
_CONFIG_OK = """\
title: {en: T, zh: 测试}
framework: framework.yaml
units: units.csv
data: data.csv
steps:
  normalise: {method: minmax}
  aggregate: {method: arithmetic}
"""
CONFIG_CASES = {
    "config_values": _CONFIG_OK.replace(
        "steps:\n  normalise: {method: minmax}",
        "foo: 1\nyears: [2024, 2020]\nsteps:\n  normalise: {method: minmx, range: [1, 0]}\n"
        "  weight: {method: entropy, alpha: 3}",
    ).replace("{method: arithmetic}", "{method: power, min_share: x}"),
    "config_syntax": _CONFIG_OK.replace("units: units.csv", "units: units.csv: more"),
    "config_duplicate_key": _CONFIG_OK + "units: other.csv\n",
    "config_anchor": _CONFIG_OK.replace("{method: minmax}", "&n {method: minmax}"),
    "config_missing_files": _CONFIG_OK.replace("data.csv", "nothing.csv").replace(
        "units.csv", "nobody.csv"
    ),
    "framework_problems": _FRAMEWORK_OK.replace(
        "    direction: 1\n  - id: trade", "  - id: trade"
    ).replace("id: trade", "id: Trade-2")
    + "  - id: empty_pillar\n    name: {en: E, zh: 空}\n    children: []\n"
    + "  - id: gdp\n    name: {en: G, zh: 重}\n    unit: x\n    direction: 1\n"
    + "    denominator: people\n",
    "missing_data_column": "unit,year,gdp\n520100,2024,1\n520200,2024,2\n",
}


@pytest.mark.parametrize("case", sorted(CONFIG_CASES))
def test_config_and_framework_problems_in_chinese(tmp_path: Path, case: str) -> None:
    (tmp_path / "framework.yaml").write_text(_FRAMEWORK_OK, encoding="utf-8")
    (tmp_path / "units.csv").write_bytes((HERE / "good" / "units_guizhou.csv").read_bytes())
    (tmp_path / "data.csv").write_text(
        "unit,year,gdp,trade\n520100,2024,1,2\n520200,2024,2,3\n", encoding="utf-8"
    )
    (tmp_path / "assessment.yaml").write_text(_CONFIG_OK, encoding="utf-8")
    text = CONFIG_CASES[case]
    target = {"framework_problems": "framework.yaml", "missing_data_column": "data.csv"}
    (tmp_path / target.get(case, "assessment.yaml")).write_text(text, encoding="utf-8")
    result = CliRunner().invoke(app, ["check", str(tmp_path / "assessment.yaml"), "--lang", "zh"])
    assert result.exit_code == 1, result.output
    allowed = _words_in([p for p in tmp_path.iterdir() if p.is_file()])
    lines = [" ".join(x.split()) for x in result.output.split("•")[1:]]
    assert lines, result.output
    for line in lines:
        assert re.search(r"[\u4e00-\u9fff]", line), line
        assert english_words(line, allowed) == [], line


def test_missing_data_column_is_reported_at_the_data_file(tmp_path: Path) -> None:
    (tmp_path / "framework.yaml").write_text(_FRAMEWORK_OK, encoding="utf-8")
    (tmp_path / "units.csv").write_bytes((HERE / "good" / "units_guizhou.csv").read_bytes())
    (tmp_path / "data.csv").write_text(CONFIG_CASES["missing_data_column"], encoding="utf-8")
    (tmp_path / "assessment.yaml").write_text(_CONFIG_OK, encoding="utf-8")
    for lang, expected in (
        ("en", "data.csv, row 1, column 'trade': no column for indicator 'trade'"),
        ("zh", "data.csv，第 1 行，列 'trade'：缺少指标 'trade' 的列"),
    ):
        result = CliRunner().invoke(
            app, ["check", str(tmp_path / "assessment.yaml"), "--lang", lang]
        )
        assert result.exit_code == 1
        text = " ".join(result.output.split())
        assert f"{tmp_path / expected}" in text, text
        assert "assessment.yaml" not in text
