"""Read tables exported from the National Bureau of Statistics (data.stats.gov.cn, 国家数据).

An export holds one indicator for units (rows) by years (columns)::

    数据库：分省年度数据
    指标：地区生产总值(亿元)
    时间：最近20年
    地区,2024年,2023年,...
    北京市,49670.2,47353.7,...
    ...
    注：按照我国国民经济核算数据修订制度...
    2. 续行 (continuation lines start with full-width spaces)
    数据来源：国家统计局

The Chinese export is GBK with CRLF line ends. English exports use ``Database:``, ``Indicator:``,
``Time:``, a ``Region`` column, plain years, ``Note:`` and ``Source:``; the metadata lines may be
absent (then the file is a plain unit-by-year matrix). Empty cells are missing values.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

import numpy as np
import pandas as pd

from kaifang.data.readers import (
    _YEAR,
    EXCEL_SUFFIXES,
    MISSING_MARKERS,
    _excel_records,
    _unit_problems,
    empty_frame,
    long_frame,
    number_problem,
    origins,
    parse_numbers,
    read_text,
    repeat_categorical,
)
from kaifang.errors import InputError, Problem

if TYPE_CHECKING:
    from kaifang.data.units import UnitMatcher

_META = re.compile(r"^\s*(数据库|指标|时间|Database|Indicator|Time)\s*[：:]\s*(.*?)[\s,]*$")
_META_KEYS = {
    "数据库": "database",
    "Database": "database",
    "指标": "indicator",
    "Indicator": "indicator",
    "时间": "time",
    "Time": "time",
}
_NOTE = re.compile(r"^\s*(注|Note|Notes)\s*[：:]", re.IGNORECASE)
_SOURCE = re.compile(
    r"^\s*(数据来源|来源|Data\s*Source|Source)\s*[：:]\s*(.*?)[\s,]*$", re.IGNORECASE
)
_REGION_HEADERS = {"地区", "地区名称", "省份", "城市", "region", "province", "city", "area"}
# The unit of measure is the last parenthesised part: 人口数(人口抽样调查)(人) -> 人.
_UNIT_OF_MEASURE = re.compile(r"[(（]([^()（）]*)[)）]\s*$")


@dataclass(frozen=True)
class NbsMeta:
    """What an NBS export says about itself (None when the line is absent)."""

    database: str | None = None
    indicator: str | None = None
    unit: str | None = None
    time: str | None = None
    notes: tuple[str, ...] = ()
    source: str | None = None


class NbsTable(NamedTuple):
    """Long data of an NBS export (``unit, year, indicator, value, origin``) and its metadata."""

    frame: pd.DataFrame
    meta: NbsMeta


def _records(
    path: Path, file: str, sheet: str | None
) -> tuple[list[tuple[int, list[str]]] | None, list[Problem]]:
    if path.suffix.lower() in EXCEL_SUFFIXES:
        return _excel_records(path, file, sheet)
    text, problem = read_text(path, file)
    if text is None:
        return None, [problem] if problem else []
    # Line by line: a stray quote in a footnote must not swallow the lines after it.
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return [(i + 1, next(csv.reader([ln])) if ln else []) for i, ln in enumerate(lines)], []


def _joined(cells: list[str]) -> str:
    return ",".join(cells).rstrip(", ")


def _is_header(cells: list[str]) -> bool:
    if not cells:
        return False
    if cells[0].strip().lower() in _REGION_HEADERS:
        return True
    years = [c.strip() for c in cells[1:] if c.strip()]
    return bool(years) and all(_YEAR.fullmatch(y) for y in years)


def _parse(
    path: str | Path, units: UnitMatcher, indicator_id: str, scale: float, sheet: str | None
) -> tuple[NbsTable | None, list[Problem]]:
    path = Path(path)
    file = str(path)
    records, problems = _records(path, file, sheet)
    if records is None:
        return None, problems
    nonblank = [(r, c) for r, c in records if any(x.strip() for x in c)]
    if not nonblank:
        return None, [*problems, Problem.of(file, "file_empty")]

    meta: dict[str, str] = {}
    pos = 0
    while pos < len(nonblank) and not _is_header(nonblank[pos][1]):
        row, cells = nonblank[pos]
        m = _META.match(_joined(cells))
        if m is None:
            problems.append(
                Problem.of(file, "nbs_unrecognised_line", row, found=_joined(cells)[:60])
            )
        else:
            key = _META_KEYS[m.group(1)]
            if key in meta:
                problems.append(Problem.of(file, "nbs_meta_twice", row, name=m.group(1)))
            elif not m.group(2):
                problems.append(Problem.of(file, "nbs_meta_empty", row, name=m.group(1)))
            meta[key] = m.group(2)
        pos += 1
    if pos == len(nonblank):
        problems.append(Problem.of(file, "nbs_no_header"))
        return None, problems

    header_row, header = nonblank[pos][0], [h.strip() for h in nonblank[pos][1]]
    start = next(i for i, (r, _) in enumerate(records) if r == header_row) + 1
    body: list[tuple[int, list[str]]] = []
    end = len(records)
    for i in range(start, len(records)):
        row, cells = records[i]
        text = _joined(cells)
        if not text.strip() or _NOTE.match(text) or _SOURCE.match(text):
            end = i
            break
        body.append((row, cells))
    notes: list[str] = []
    source_line = None
    for row, cells in records[end:]:
        text = ",".join(cells).rstrip(",")
        if not text.strip():
            continue
        if _NOTE.match(text):
            notes.append(text.strip())
        elif (m := _SOURCE.match(text)) is not None:
            source_line = m.group(2)
        elif notes and text[:1].isspace():  # continuation: full-width or ASCII indentation
            notes[-1] += "\n" + text.strip()
        else:
            problems.append(Problem.of(file, "nbs_after_table", row, found=text[:60]))

    region_col = header[0] or "A"
    year_cols: list[tuple[int, int, str]] = []  # (cell index, year, header text)
    seen_years: dict[int, str] = {}
    for j, h in enumerate(header[1:], start=1):
        filled = any(j < len(c) and c[j].strip() not in MISSING_MARKERS for _, c in body)
        if not h:
            if filled:
                problems.append(Problem.of(file, "nbs_column_no_year", header_row, number=j + 1))
            continue
        m = _YEAR.fullmatch(h)
        if m is None:
            problems.append(Problem.of(file, "nbs_header_not_year", header_row, h, found=h))
            continue
        year = int(m.group(1))
        if year in seen_years:
            problems.append(
                Problem.of(file, "nbs_year_twice", header_row, h, year=year, other=seen_years[year])
            )
            continue
        seen_years[year] = h
        year_cols.append((j, year, h))

    width = len(header)
    rows, cells_kept = [], []
    for row, cells in body:
        if any(c.strip() for c in cells[width:]):
            problems.append(Problem.of(file, "nbs_row_width", row, found=len(cells), width=width))
            continue
        rows.append(row)
        cells_kept.append((cells + [""] * width)[:width])
    if not rows:
        problems.append(Problem.of(file, "nbs_no_rows", header_row))
        return None, problems
    row_numbers = np.asarray(rows, dtype=np.int64)
    grid = pd.DataFrame(cells_kept, columns=range(width), dtype=str)
    codes, bad_unit, more = _unit_problems(file, region_col, grid[0], row_numbers, units)
    problems += more

    block = np.empty((len(rows), len(year_cols)), dtype=np.float64)
    for k, (j, _, h) in enumerate(year_cols):
        block[:, k], bad = parse_numbers(grid[j])
        for b in np.nonzero(bad)[0].tolist():
            problems.append(number_problem(file, int(row_numbers[b]), h, grid.iat[b, j]))
    keep = ~bad_unit
    m_cols = len(year_cols)
    frame = long_frame(
        repeat_categorical(codes[keep], m_cols),
        np.tile(np.array([y for _, y, _ in year_cols], dtype=np.int64), int(keep.sum())),
        [indicator_id] * (int(keep.sum()) * m_cols),
        block[keep].ravel() * scale,
        origins(file, row_numbers[keep], [h for _, _, h in year_cols]),
    )
    indicator_text = meta.get("indicator")
    unit_match = _UNIT_OF_MEASURE.search(indicator_text) if indicator_text else None
    info = NbsMeta(
        database=meta.get("database"),
        indicator=indicator_text,
        unit=unit_match.group(1).strip() if unit_match else None,
        time=meta.get("time"),
        notes=tuple(notes),
        source=source_line,
    )
    return NbsTable(frame, info), problems


def read_nbs(
    path: str | Path,
    units: UnitMatcher,
    indicator_id: str,
    scale: float = 1.0,
    sheet: str | None = None,
) -> NbsTable:
    """Read one NBS export (CSV in GBK or UTF-8, or Excel) into long form plus its metadata.

    Region names are matched with ``units`` (省/市/自治区 suffixes optional); the values are
    multiplied by ``scale``; every cell of the table becomes one row (empty cells give NaN).

    Raises
    ------
    InputError
        With every problem: unrecognised lines before the table, header cells that are not
        years, unknown or ambiguous regions, cells that are not numbers, stray lines after it.
    """
    table, problems = _parse(path, units, indicator_id, scale, sheet)
    if problems or table is None:
        raise InputError(problems)
    return table


def nbs_frame(
    path: str | Path, units: UnitMatcher, indicator_id: str, scale: float, sheet: str | None
) -> tuple[pd.DataFrame, list[Problem]]:
    """The long frame and the problems of an NBS export, for :func:`kaifang.data.read_sources`."""
    table, problems = _parse(path, units, indicator_id, scale, sheet)
    return (table.frame if table is not None else empty_frame()), problems
