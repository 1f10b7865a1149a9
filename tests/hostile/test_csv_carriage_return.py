"""A lone carriage return inside a text cell: the csv module does not quote it, and every reader
takes it for the end of a row, so such a table is written with its text quoted."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from kaifang.csvfiles import read_csv, write_csv


def test_a_carriage_return_in_text_reads_back(tmp_path: Path) -> None:
    frame = pd.DataFrame({"name": ["a\rb", "=1+1\r", "plain"], "value": [1.5, 2.0, 3.0]})
    write_csv(frame, tmp_path / "t.csv")
    back = read_csv(tmp_path / "t.csv")
    assert back["name"].tolist() == ["a\rb", "=1+1\r", "plain"]
    assert back["value"].tolist() == [1.5, 2.0, 3.0]


def test_tables_without_one_are_written_as_before(tmp_path: Path) -> None:
    frame = pd.DataFrame({"name": ["a\nb", "x,y"], "value": [1, 2]})
    write_csv(frame, tmp_path / "t.csv")
    assert (tmp_path / "t.csv").read_text(encoding="utf-8") == 'name,value\n"a\nb",1\n"x,y",2\n'
    pd.testing.assert_frame_equal(read_csv(tmp_path / "t.csv"), frame)
