"""The officials' workbook: its layout, and the ledger read back from it equals the ledger."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest

from kaifang.errors import InputError
from kaifang.ledger import evaluate_ledger, load_ledger
from kaifang.ledger.excel import OFFICIAL_COLUMNS, read_ledger_workbook, write_ledger_workbook

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "guizhou" / "ledger.yaml"


def test_official_layout(ledger_project: Callable[..., Path], tmp_path: Path) -> None:
    ledger = load_ledger(ledger_project())
    status = evaluate_ledger(ledger)
    path = tmp_path / "ledger.xlsx"
    write_ledger_workbook(path, ledger, status)
    sheet = openpyxl.load_workbook(path).worksheets[0]
    assert sheet.title == "任务台账"
    header = [c.value for c in sheet[2]]
    assert (
        header[:7]
        == OFFICIAL_COLUMNS
        == ["序号", "任务", "牵头单位", "配合单位", "完成时限", "进展情况", "状态"]
    )
    rows = [[c.value for c in r] for r in sheet.iter_rows(min_row=3)]
    assert [r[0] for r in rows] == ["1", "1.1", "1.2", "1.3"]
    b = rows[2]
    assert b[2] == "发展改革委"
    assert b[4] == "2027年12月31日"
    assert b[5] == "2024Q4（完成40%）：进展顺利"
    assert b[6] == "按计划推进"
    assert b[7] == "滞后"
    assert b[8] == "填报为按计划推进，但指标“进出口总额”明显滞后"
    assert rows[1][3] == "发展改革委"  # cooperating department of task a


@pytest.mark.parametrize("which", ["tiny", "guizhou"])
def test_reimported_workbook_equals_the_ledger(
    which: str, ledger_project: Callable[..., Path], tmp_path: Path
) -> None:
    ledger = load_ledger(ledger_project() if which == "tiny" else EXAMPLE)
    path = tmp_path / "ledger.xlsx"
    write_ledger_workbook(path, ledger, evaluate_ledger(ledger))
    assert read_ledger_workbook(path) == ledger.file


def test_not_a_workbook(tmp_path: Path) -> None:
    path = tmp_path / "ledger.xlsx"
    path.write_bytes(b"PK\x03\x04 not really")
    with pytest.raises(InputError, match="not an Excel workbook"):
        read_ledger_workbook(path)


def test_missing_sheet_is_named(ledger_project: Callable[..., Path], tmp_path: Path) -> None:
    ledger = load_ledger(ledger_project())
    path = tmp_path / "ledger.xlsx"
    write_ledger_workbook(path, ledger, evaluate_ledger(ledger))
    book = openpyxl.load_workbook(path)
    del book["milestones"]
    book.save(path)
    with pytest.raises(InputError, match="sheet 'milestones' is missing"):
        read_ledger_workbook(path)
