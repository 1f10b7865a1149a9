"""The Excel template of one region and period, and reading it back.

The template is the readers' long form (``unit, year, indicator, value, note``) with one row per
form field, pre-filled with the current values; ``note`` carries the explanation a soft rule asks
for. A second sheet lists the indicators with names, units and ranges. An upload is read by the
same readers as ``kaifang check`` (every problem with its row and column), then checked against
the region and year of the page it was uploaded to.
"""

from __future__ import annotations

import io
import math
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import xlsxwriter

from kaifang.data import DataSource, UnitMatcher, read_source
from kaifang.data.readers import read_table
from kaifang.errors import InputError, Problem
from kaifang.platform.models import FormField, Period, Region

MAX_UPLOAD = 5 * 1024 * 1024
DATA_SHEET = "data"
HEADER = ["unit", "year", "indicator", "value", "note"]


def template_bytes(
    period: Period,
    region: Region,
    fields: list[FormField],
    values: dict[str, tuple[float | None, str | None]],
    lang: str,
    ranges: Mapping[str, tuple[float | None, float | None]] | None = None,
) -> bytes:
    """The .xlsx template of ``region`` for ``period``, with the current values filled in.

    ``ranges`` (indicator -> low, high) are the ranges that apply now (the administrator's
    rules); without them the fields' derived ranges are listed."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    head = book.add_format({"bold": True, "bg_color": "#DDE2E8"})
    locked = book.add_format({"locked": True, "font_color": "#5F6B78"})
    open_cell = book.add_format({"locked": False, "bg_color": "#FFF8E1"})
    sheet = book.add_worksheet(DATA_SHEET)
    sheet.protect("", {"format_columns": True})
    for col, name in enumerate(HEADER):
        sheet.write(0, col, name, head)
    for row, field in enumerate(fields, start=1):
        value, note = values.get(field.indicator, (None, None))
        sheet.write_string(row, 0, region.code, locked)
        sheet.write_number(row, 1, period.year, locked)
        sheet.write_string(row, 2, field.indicator, locked)
        if value is None:
            sheet.write_blank(row, 3, None, open_cell)
        else:
            sheet.write_number(row, 3, value, open_cell)
        sheet.write_string(row, 4, note or "", open_cell)
    sheet.set_column(0, 1, 9)
    sheet.set_column(2, 2, 32)
    sheet.set_column(3, 3, 14)
    sheet.set_column(4, 4, 50)
    sheet.freeze_panes(1, 0)
    guide = book.add_worksheet("指标说明" if lang == "zh" else "indicators")
    labels = (
        ["指标代码", "指标名称", "英文名称", "计量单位", "下限", "上限"]
        if lang == "zh"
        else ["indicator", "name (zh)", "name (en)", "unit", "low", "high"]
    )
    for col, name in enumerate(labels):
        guide.write(0, col, name, head)
    for row, field in enumerate(fields, start=1):
        guide.write_row(
            row,
            0,
            [field.indicator, field.name_zh, field.name_en, field.unit]
            + [
                "" if x is None else x
                for x in (ranges or {}).get(field.indicator, (field.low, field.high))
            ],
        )
    guide.set_column(0, 0, 32)
    guide.set_column(1, 2, 48)
    book.close()
    return buffer.getvalue()


@dataclass(frozen=True)
class Upload:
    cells: dict[str, float | None]
    notes: dict[str, str]


def read_upload(
    content: bytes, filename: str, period: Period, region: Region, indicators: set[str]
) -> Upload:
    """Read an uploaded workbook (or CSV) for ``region`` and ``period``.

    Raises ``InputError`` with every problem: what the readers find (bad numbers, unknown
    indicators, duplicates ...) and rows for another region or year.
    """
    name = Path(filename or "upload.xlsx").name
    suffix = Path(name).suffix.lower()
    if suffix not in (".xlsx", ".csv"):
        raise InputError([Problem(name, "expected an .xlsx or .csv file")])
    if len(content) > MAX_UPLOAD:
        raise InputError(
            [Problem(name, f"the file is larger than {MAX_UPLOAD // 1024 // 1024} MB")]
        )
    with tempfile.TemporaryDirectory(prefix="kaifang-upload-") as folder:
        path = Path(folder) / f"upload{suffix}"
        path.write_bytes(content)
        units = pd.DataFrame(
            {
                "code": [region.code],
                "name_en": [region.name_en],
                "name_zh": [region.name_zh],
                "level": [region.level],
                "parent": [region.parent or ""],
                "group": [""],
            }
        )
        source = DataSource(
            path=path, format="long", sheet=DATA_SHEET if suffix == ".xlsx" else None
        )
        try:
            frame = read_source(source, UnitMatcher(units), indicators)
        except InputError as exc:
            raise InputError([_rename(p, name) for p in exc.problems]) from None
        table, _ = read_table(path, DATA_SHEET if suffix == ".xlsx" else None)
    problems = []
    notes: dict[str, str] = {}
    if table is not None and "note" in table.header:
        column = table.header.index("note")
        note_of_row = dict(zip(table.rows.tolist(), table.data[column].astype(str), strict=True))
    else:
        note_of_row = {}
    cells: dict[str, float | None] = {}
    years = frame["year"].to_numpy(dtype="int64")
    rows = frame["origin_row"].to_numpy(dtype="int64")
    values = frame["value"].to_numpy(dtype="float64")
    names = frame["indicator"].astype(str).to_numpy()
    for year, row, value, indicator in zip(years, rows, values, names, strict=True):
        if int(year) != period.year:
            problems.append(
                Problem(
                    name,
                    f"year {int(year)} is not the period's year {period.year}",
                    int(row),
                    "year",
                )
            )
            continue
        cells[str(indicator)] = None if math.isnan(value) else float(value)
        note = note_of_row.get(int(row), "").strip()
        if note and note.lower() != "nan":
            notes[str(indicator)] = note[:2000]
    if problems:
        raise InputError(problems)
    if not cells:
        raise InputError([Problem(name, "the file holds no values")])
    return Upload(cells, notes)


def _rename(problem: Problem, name: str) -> Problem:
    # the temporary path means nothing to the user: show the name of the uploaded file
    return Problem(name, problem.message, problem.row, problem.column)
