"""Spreadsheets and CSV files that declare or unpack to more than the limits are refused before
a parser allocates anything; each run is confined to 1 GB, so a regression fails here."""

from __future__ import annotations

from pathlib import Path

import pytest
from hostile_inputs import (
    csv_long,
    csv_wide,
    csv_wide_row,
    ods_padded,
    ods_repeated_value,
    project,
    run_confined,
    xlsx_far_cell,
    xlsx_lying_sizes,
    xlsx_shared_strings_count,
    xlsx_unpacks_big,
)

from kaifang.data.guard import column_letters, column_number, text_table_problem
from kaifang.limits import Limits


def _check(tmp_path: Path, data: Path, lang: str = "en", **env: str) -> tuple[int, str]:
    config = project(tmp_path, data=data.name)
    before = sorted(p.name for p in tmp_path.iterdir())
    result = run_confined(["assess", str(config), "-o", "out", "--lang", lang], tmp_path, env)
    assert "Traceback" not in result.stdout + result.stderr, result.stderr[-2000:]
    assert sorted(p.name for p in tmp_path.iterdir()) == before  # nothing written
    return result.returncode, " ".join(result.stderr.split())


def test_far_cell_is_refused_not_an_abort(tmp_path: Path) -> None:
    rc, text = _check(tmp_path, xlsx_far_cell(tmp_path))
    assert rc == 1, text
    assert (
        f"{tmp_path / 'far_cell.xlsx'}: sheet 'sheet1' reaches cell XFD1048576 "
        "(1048576 rows x 16384 columns), above the limits (1000000 rows, 5000 columns, "
        "20000000 cells in all); delete the unused rows and columns, or raise the limits with "
        "the environment variables KAIFANG_MAX_ROWS=2000000, KAIFANG_MAX_COLUMNS=10000, "
        "KAIFANG_MAX_CELLS=40000000"
    ) in text


def test_far_cell_in_chinese(tmp_path: Path) -> None:
    rc, text = _check(tmp_path, xlsx_far_cell(tmp_path), lang="zh")
    assert rc == 1
    assert "输入有误" in text
    assert "工作表 'sheet1' 的范围到单元格 XFD1048576（1048576 行 × 16384 列）" in text


def test_cells_limit_catches_a_wide_and_long_rectangle(tmp_path: Path) -> None:
    # within the row and column limits, but 1,000,000 x 5,000 cells would be 5 billion
    rc, text = _check(tmp_path, xlsx_far_cell(tmp_path, "GJH1000000"))
    assert rc == 1
    assert "reaches cell GJH1000000 (1000000 rows x 5000 columns)" in text


def test_shared_strings_count_is_refused_not_an_abort(tmp_path: Path) -> None:
    data = xlsx_shared_strings_count(tmp_path)
    rc, text = _check(tmp_path, data)
    assert rc == 1, text
    assert (
        f"{data}: the workbook part xl/sharedStrings.xml declares 4000000000 entries, above the "
        "limit of 20000000 cells (a damaged or crafted file?)"
    ) in text


def test_opendocument_repeated_value_is_refused_not_an_abort(tmp_path: Path) -> None:
    data = ods_repeated_value(tmp_path)
    assert data.stat().st_size < 2000
    rc, text = _check(tmp_path, data)
    assert rc == 1, text
    assert f"{data}: sheet 'data' reaches cell NTP9000 (9000 rows x 10000 columns)" in text


def test_opendocument_padded_as_libreoffice_writes_it_is_read(tmp_path: Path) -> None:
    data = ods_padded(tmp_path)
    config = project(tmp_path, data=data.name)
    result = run_confined(["check", str(config), "--lang", "en"], tmp_path)
    assert result.returncode == 0, result.stderr
    assert "2 indicators, 2 units, 2024-2024, 4 values" in result.stdout


def test_workbook_unpacking_past_the_limit(tmp_path: Path) -> None:
    data = xlsx_unpacks_big(tmp_path, megabytes=40)
    assert data.stat().st_size < 200_000
    rc, text = _check(tmp_path, data, KAIFANG_MAX_MB="16")
    assert rc == 1
    assert (
        f"{data}: the workbook part xl/worksheets/sheet1.xml unpacks to more than the limit of "
        "16 MB; if the data are genuine, raise the limit with the environment variable "
        "KAIFANG_MAX_MB=32"
    ) in text


def test_workbook_lying_about_its_sizes(tmp_path: Path) -> None:
    data = xlsx_lying_sizes(tmp_path, megabytes=40)
    rc, text = _check(tmp_path, data, KAIFANG_MAX_MB="16")
    assert rc == 1
    assert f"{data}: cannot read as an Excel workbook: the file is damaged" in text
    assert "Bad CRC-32" in text


def test_csv_with_a_million_columns(tmp_path: Path) -> None:
    data = csv_wide(tmp_path)
    rc, text = _check(tmp_path, data)
    assert rc == 1
    assert (
        f"{data}, row 1: too many columns: 1000002, above the limit of 5000; if the data are "
        "genuine, raise the limit with the environment variable KAIFANG_MAX_COLUMNS=10000"
    ) in text


def test_csv_with_one_wide_data_line(tmp_path: Path) -> None:
    data = csv_wide_row(tmp_path)
    rc, text = _check(tmp_path, data)
    assert rc == 1
    assert f"{data}, row 2: too many columns: 1000002" in text


def test_csv_with_too_many_rows(tmp_path: Path) -> None:
    data = csv_long(tmp_path)
    rc, text = _check(tmp_path, data)
    assert rc == 1
    assert f"{data}: too many rows: 1200001, above the limit of 1000000" in text


def test_limits_are_set_by_environment(tmp_path: Path) -> None:
    data = tmp_path / "data.csv"
    project(tmp_path)  # the valid two-indicator data file (4 columns)
    rc, text = _check(tmp_path, data, KAIFANG_MAX_COLUMNS="3")
    assert rc == 1
    assert "too many columns: 4, above the limit of 3" in text
    result = run_confined(["check", "assessment.yaml"], tmp_path, {"KAIFANG_MAX_COLUMNS": "4"})
    assert result.returncode == 0, result.stderr


def test_bad_limit_value_is_a_clear_error(tmp_path: Path) -> None:
    project(tmp_path)
    result = run_confined(
        ["check", "assessment.yaml", "--lang", "en"], tmp_path, {"KAIFANG_MAX_ROWS": "lots"}
    )
    assert result.returncode == 1
    assert (
        "KAIFANG_MAX_ROWS: environment variable KAIFANG_MAX_ROWS must be a positive whole "
        "number; found 'lots'"
    ) in " ".join(result.stderr.split())


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_problem_list_is_capped(tmp_path: Path, lang: str) -> None:
    rows = "".join(f"520100,{2000 + k},x{k},1\n" for k in range(200))
    (tmp_path / "data.csv").write_text("unit,year,gdp,trade\n" + rows, encoding="utf-8")
    config = project(tmp_path)
    result = run_confined(["check", str(config), "--lang", lang], tmp_path)
    assert result.returncode == 1
    lines = result.stderr.splitlines()
    bullets = [line for line in lines if line.startswith("  • ")]
    assert len(bullets) == 50  # the first 50 problems, then a count of the rest
    last = " ".join(lines[-1].split())
    if lang == "en":
        assert last == "... and 150 more problems (fix the ones above first)"
    else:
        assert last == "……另有 150 个问题未列出（先改正以上问题）"


# ------------------------------------------------------------------ the checks themselves


def test_column_letters_round_trip() -> None:
    for number, letters in [(1, "A"), (26, "Z"), (27, "AA"), (702, "ZZ"), (16384, "XFD")]:
        assert column_letters(number) == letters
        assert column_number(letters) == number


def test_text_check_counts_quoted_separators_once() -> None:
    limits = Limits(max_columns=4)
    inside_quotes = b'a,b,c\n1,"x,y,z,w,v",2\n'
    assert text_table_problem(inside_quotes, "f.csv", ",", limits) is None
    five = b"a,b,c\n1,2,3,4,5\n"
    problem = text_table_problem(five, "f.csv", ",", limits)
    assert problem is not None
    assert (problem.key, problem.row, problem.params["found"]) == ("limit_columns", 2, 5)


def test_text_check_counts_cells() -> None:
    problem = text_table_problem(b"a,b\n1,2\n3,4\n", "f.csv", ",", Limits(max_cells=5))
    assert problem is not None and problem.key == "limit_cells"
    assert text_table_problem(b"a,b\n1,2\n3,4\n", "f.csv", ",", Limits(max_cells=6)) is None


def test_merged_ranges_are_listed_up_to_fifty(tmp_path: Path) -> None:
    from hostile_inputs import _SHEET_HEAD, _workbook

    from kaifang.data.readers import read_records

    merges = "".join(f'<mergeCell ref="A{2 * k + 1}:B{2 * k + 1}"/>' for k in range(5000))
    body = (
        f'{_SHEET_HEAD}<dimension ref="A1:B10000"/><sheetData><row r="1"><c r="A1"><v>1</v>'
        f'</c></row></sheetData><mergeCells count="5000">{merges}</mergeCells></worksheet>'
    )
    path = _workbook(tmp_path / "merges.xlsx", [body.encode()])
    _, problems = read_records(path, "merges.xlsx", None)
    assert len(problems) == 51
    assert problems[0].render("en").startswith("merges.xlsx, row 1: merged cells A1:B1")
    assert problems[-1].render("en") == "merges.xlsx: and 4950 more merged ranges"
