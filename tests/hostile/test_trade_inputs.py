"""Hostile inputs to ``kaifang trade``: the same guards as the assessment's readers."""

from __future__ import annotations

import csv
import os
import zipfile
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from kaifang.cli import app

runner = CliRunner()


def _config(folder: Path, data: str) -> Path:
    path = folder / "trade.yaml"
    path.write_text(
        yaml.safe_dump(
            {
                "data": {
                    "path": data,
                    "columns": {
                        "location": "origin",
                        "product": "hs92",
                        "year": "year",
                        "value": "export_val",
                    },
                }
            }
        ),
        encoding="utf-8",
    )
    return path


def _far_cell_xlsx(path: Path) -> None:
    """A tiny workbook whose only cell sits at XFD1048576 (the Excel reader would reserve the
    whole sheet and abort)."""
    sheet = (
        '<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org'
        '/spreadsheetml/2006/main"><dimension ref="A1:XFD1048576"/><sheetData>'
        '<row r="1048576"><c r="XFD1048576" t="n"><v>1</v></c></row></sheetData></worksheet>'
    )
    with zipfile.ZipFile(path, "w") as z:
        z.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
            'content-types"/>',
        )
        z.writestr(
            "xl/workbook.xml",
            '<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml'
            '/2006/main"><sheets><sheet name="S" sheetId="1"/></sheets></workbook>',
        )
        z.writestr("xl/worksheets/sheet1.xml", sheet)


def test_far_cell_workbook_is_refused_before_reading(tmp_path: Path) -> None:
    _far_cell_xlsx(tmp_path / "trade.xlsx")
    out = tmp_path / "out"
    result = runner.invoke(app, ["trade", str(_config(tmp_path, "trade.xlsx")), "-o", str(out)])
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    assert "trade.xlsx" in result.output
    assert not out.exists()


@pytest.mark.parametrize("kind", ["fifo", "folder"])
def test_non_regular_data_is_refused(tmp_path: Path, kind: str) -> None:
    data = tmp_path / "trade.csv"
    if kind == "fifo":
        os.mkfifo(data)
    else:
        data.mkdir()
    out = tmp_path / "out"
    result = runner.invoke(app, ["trade", str(_config(tmp_path, "trade.csv")), "-o", str(out)])
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    assert not out.exists()


def test_formula_like_names_are_escaped_in_the_tables(tmp_path: Path) -> None:
    rows = [["origin", "hs92", "year", "export_val"]]
    names = ["=HYPERLINK(1)", "AAA", "BBB", "CCC"]
    for i, loc in enumerate(names):
        for j, prod in enumerate(["0101", "0202", "0303", "0404"]):
            rows.append([loc, prod, "2000", str(1 + (i * 7 + j * 3) % 5 + i + j)])
    with open(tmp_path / "trade.csv", "w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows(rows)
    out = tmp_path / "out"
    result = runner.invoke(app, ["trade", str(_config(tmp_path, "trade.csv")), "-o", str(out)])
    assert result.exit_code == 0, result.output
    text = (out / "locations.csv").read_text(encoding="utf-8")
    assert "'=HYPERLINK(1)" in text
    assert "\n=HYPERLINK" not in text
