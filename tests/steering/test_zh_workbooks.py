"""The steering verbs' Chinese workbooks are Chinese: English twins of zh columns are left out,
ids are in Consolas (inside prose too), the factor columns are named after their series."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from openpyxl.cell.rich_text import CellRichText
from typer.testing import CliRunner

from kaifang.cli import app
from kaifang.report.zhtext import stray_words

GUIZHOU = Path(__file__).resolve().parents[2] / "examples" / "guizhou" / "assessment.yaml"


def strays(path: Path) -> list[tuple[str, str, str]]:
    found = []
    for ws in openpyxl.load_workbook(path, rich_text=True):
        for row in ws.iter_rows():
            for cell in row:
                v = cell.value
                if isinstance(v, CellRichText):
                    texts = [
                        b if isinstance(b, str) else b.text
                        for b in v
                        if isinstance(b, str) or b.font is None or b.font.rFont != "Consolas"
                    ]
                elif isinstance(v, str) and cell.font.name != "Consolas":
                    texts = [v]
                else:
                    texts = []
                found += [(ws.title, cell.coordinate, w) for t in texts for w in stray_words(t)]
    return found


@pytest.mark.parametrize("verb", ["targets", "scenario", "allocate"])
def test_zh_workbook_has_no_stray_english(verb: str, tmp_path: Path) -> None:
    out = tmp_path / verb
    result = CliRunner().invoke(app, [verb, str(GUIZHOU), "-o", str(out), "--lang", "zh"])
    assert result.exit_code == 0, result.output
    [book] = out.glob("*.xlsx")
    assert strays(book) == []
    en = tmp_path / f"{verb}_en"
    result = CliRunner().invoke(app, [verb, str(GUIZHOU), "-o", str(en), "--lang", "en"])
    assert result.exit_code == 0, result.output
    [book_en] = en.glob("*.xlsx")
    assert len(strays(book_en)) > 10  # the check sees English where there is some
    if verb == "allocate":
        heads = [c.value for c in openpyxl.load_workbook(book)["资金分配"][3]]
        assert "平均分配份额" in heads and "年末常住人口占比" in heads
        assert not any("equal" in str(h) for h in heads)
