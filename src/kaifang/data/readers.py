"""Read indicator data: long, wide, NBS and COINr tables from CSV or Excel
(docs/en/architecture.md#indicator-data).

Every reader collects every problem it finds and raises one :class:`~kaifang.errors.InputError`
at the end; a row that cannot be used is a problem, never silently dropped. Row numbers are the
ones the user sees (1-based CSV line including header and metadata lines, Excel row number).

Decisions (documented for users in the error messages and here):

- Missing values: empty, ``NA``, ``N/A``, ``NaN``, ``..``, ``...``, ``-``, ``—``, ``——``, and
  the full-width hyphen ``－`` used in Chinese yearbooks (:data:`MISSING_MARKERS`).
- Thousands separators: ``1,234.5`` is read as 1234.5 only when the whole cell has that shape
  (groups of exactly three digits). In a CSV such a cell must be quoted, otherwise the comma
  splits it into two fields and the row gets too many fields (reported). ``12,3`` (a decimal
  comma?) and ``12,3a`` are errors.
- Encodings: UTF-8 with or without BOM; if that fails, GB18030 (a superset of GBK). A file that
  is mostly valid UTF-8 with a few bad bytes is reported as broken UTF-8 rather than decoded as
  GB18030 mojibake. UTF-16 is reported with the advice to save as UTF-8.
- A NaN value (missing) does not count as "given": the same (unit, year, indicator) given twice
  is a problem only when at least two of the places hold a number.
"""

from __future__ import annotations

import codecs
import csv
import functools
import io
import logging
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from kaifang.data.guard import read_head, text_table_problem, workbook_problems
from kaifang.errors import SHOWN_PROBLEMS, InputError, Problem
from kaifang.limits import Limits, current_limits, read_bounded, regular_file_problem
from kaifang.problem_messages import Local, also_rows, local, names

if TYPE_CHECKING:
    from kaifang.data.units import UnitMatcher

logger = logging.getLogger(__name__)

MISSING_MARKERS: frozenset[str] = frozenset(
    {"", "NA", "N/A", "n/a", "NaN", "nan", "..", "...", "-", "—", "——", "－"}
)
EXCEL_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".xlsb", ".ods")
OUTPUT_COLUMNS = [
    "unit",
    "year",
    "indicator",
    "value",
    "origin_file",
    "origin_row",
    "origin_column",
]
CANONICAL_COLUMNS = ("unit", "year", "indicator", "value", "source", "note")
FORMATS = ("auto", "long", "wide", "nbs", "coinr")

_THOUSANDS = re.compile(r"[+-]?\d{1,3}(?:,\d{3})+(?:\.\d+)?")
_YEAR = re.compile(r"(1[89]\d\d|2[01]\d\d)(?:\.0+)?\s*年?")
_NBS_META = re.compile(r"^\s*(数据库|指标|时间|Database|Indicator|Time)\s*[：:]")


# ---------------------------------------------------------------------------------------------
# Low level: bytes -> text -> table of cells with the user's row numbers
# ---------------------------------------------------------------------------------------------


@dataclass
class Table:
    """A rectangular table read from a file, before any meaning is given to its columns.

    ``data`` has positional columns ``0..k-1`` matching ``header``; text columns hold strings
    ("" for an empty cell); other columns may already be float64 (CSV fast path). ``rows`` holds
    the row number the user sees for each data row.
    """

    file: str
    header: list[str]
    header_row: int
    data: pd.DataFrame
    rows: NDArray[np.int64]


def _line_of(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1


def decode_bytes(data: bytes, file: str) -> tuple[str | None, Problem | None]:
    """Decode a text file: UTF-8 (BOM optional), else GB18030/GBK; a Problem if neither fits."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return None, Problem.of(file, "utf16")
    try:
        return data.decode("utf-8-sig"), None
    except UnicodeDecodeError as err:
        utf8_error = err
    n_bad = data.decode("utf-8", errors="replace").count("\ufffd")
    n_non_ascii = len(data.translate(None, bytes(range(128))))
    # GBK text fails UTF-8 on nearly every character; a UTF-8 file with a stray byte fails on few.
    if n_bad * 4 < n_non_ascii:
        start = utf8_error.start
        return None, Problem.of(
            file,
            "utf8_broken",
            offset=start,
            line=_line_of(data, start),
            found=data[start : start + 4],
            count=n_bad,
        )
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError as err:
        return None, Problem.of(
            file,
            "undecodable",
            offset=err.start,
            line=_line_of(data, err.start),
            found=data[err.start : err.start + 4],
        )
    logger.info("%s: read as GB18030/GBK", file)
    return text, None


def read_text(path: Path, file: str) -> tuple[str | None, Problem | None]:
    """The decoded text of a CSV/TSV file, read within the limits (:mod:`kaifang.limits`)."""
    limits = current_limits()
    data, problem = read_bounded(path, file, limits)
    if data is None:
        return None, problem
    problem = text_table_problem(data, file, _delimiter(path), limits)
    if problem is not None:
        return None, problem
    return decode_bytes(data, file)


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        # Integral floats are how Excel stores 2024 or 520100; show them as typed.
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return repr(value)
    if hasattr(value, "isoformat"):
        return str(value.isoformat())
    return str(value)


def _col_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def read_records(
    path: Path, file: str, sheet: str | None
) -> tuple[list[tuple[int, list[str]]] | None, list[Problem]]:
    """All rows of a file as (row number, cells) pairs; CSV lines or Excel rows."""
    if path.suffix.lower() in EXCEL_SUFFIXES:
        return _excel_records(path, file, sheet)
    text, problem = read_text(path, file)
    if text is None:
        return None, [problem] if problem else []
    return _csv_records(text, _delimiter(path)), []


def _delimiter(path: Path) -> str:
    return "\t" if path.suffix.lower() in (".tsv", ".tab") else ","


def _csv_records(text: str, delimiter: str) -> list[tuple[int, list[str]]]:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    records = []
    line = 1
    for cells in reader:
        records.append((line, cells))
        line = reader.line_num + 1
    return records


def _workbook_problems(path: Path, file: str) -> list[Problem]:
    """:func:`~kaifang.data.guard.workbook_problems`, once per file version (format detection
    and reading open the same workbook)."""
    try:
        info = path.stat()
    except OSError:
        info = None
    stamp = (info.st_mtime_ns, info.st_size) if info is not None else (0, 0)
    return list(_checked_workbook(str(path), file, stamp, current_limits()))


@functools.lru_cache(maxsize=32)
def _checked_workbook(
    path: str, file: str, stamp: tuple[int, int], limits: Limits
) -> tuple[Problem, ...]:
    del stamp  # part of the cache key only
    return tuple(workbook_problems(Path(path), file, limits))


def _excel_records(
    path: Path, file: str, sheet: str | None
) -> tuple[list[tuple[int, list[str]]] | None, list[Problem]]:
    from python_calamine import CalamineWorkbook

    unsafe = _workbook_problems(path, file)
    if unsafe:
        return None, unsafe
    try:
        book = CalamineWorkbook.from_path(str(path))
        names = list(book.sheet_names)
        if sheet is not None and sheet not in names:
            return None, [Problem.of(file, "no_sheet", sheet=sheet, sheets=", ".join(names))]
        if not names:
            return None, [Problem.of(file, "no_sheets")]
        name = sheet if sheet is not None else names[0]
        ws = book.get_sheet_by_name(name)
        cells = ws.to_python(skip_empty_area=False)
        merged = ws.merged_cell_ranges or []
    except Exception as err:  # calamine raises its own error types for corrupt files
        return None, [Problem.of(file, "not_a_workbook", reason=str(err))]
    if not any(any(str(v).strip() for v in row) for row in cells):
        return None, [Problem.of(file, "sheet_empty", sheet=name)]
    problems = []
    # each merged range is a problem, but a crafted sheet may hold millions: list the first
    for (r0, c0), (r1, c1) in merged[:SHOWN_PROBLEMS]:
        span = f"{_col_letter(c0)}{r0 + 1}:{_col_letter(c1)}{r1 + 1}"
        problems.append(Problem.of(file, "merged_cells", r0 + 1, span=span))
    if len(merged) > SHOWN_PROBLEMS:
        problems.append(Problem.of(file, "merged_more", count=len(merged) - SHOWN_PROBLEMS))
    return [(i + 1, [_cell_text(v) for v in row]) for i, row in enumerate(cells)], problems


def _is_blank(cells: Sequence[str]) -> bool:
    return all(not c.strip() for c in cells)


def _header_problems(file: str, header: list[str], row: int) -> list[Problem]:
    problems = []
    seen: dict[str, int] = {}
    for i, name in enumerate(header):
        key = name.strip()
        if not key:
            continue
        if key in seen:
            problems.append(Problem.of(file, "duplicate_column", row, name, other=seen[key] + 1))
        else:
            seen[key] = i
    return problems


def _table_from_records(
    file: str,
    records: list[tuple[int, list[str]]],
    strict_width: bool,
) -> tuple[Table | None, list[Problem]]:
    """Build a Table from (row number, cells) records: first non-blank record is the header."""
    problems: list[Problem] = []
    body = [(r, c) for r, c in records if not _is_blank(c)]
    if not body:
        return None, [Problem.of(file, "file_empty" if not records else "no_rows")]
    header_row, header = body[0]
    header = [h.strip() for h in header]
    width = len(header)
    rows, cells = [], []
    for r, c in body[1:]:
        if len(c) != width:
            if strict_width:
                problems.append(Problem.of(file, "row_width", r, found=len(c), width=width))
                continue
            c = (c + [""] * width)[:width] if not any(x.strip() for x in c[width:]) else c
            if len(c) != width:
                problems.append(Problem.of(file, "data_beyond_header", r))
                continue
        rows.append(r)
        cells.append(c)
    if not rows and not problems:
        problems.append(Problem.of(file, "header_only", header_row))
    data = (
        pd.DataFrame(cells, columns=range(width), dtype=str)
        if cells
        else pd.DataFrame({i: pd.Series([], dtype=str) for i in range(width)})
    )
    table = Table(file, header, header_row, data, np.asarray(rows, dtype=np.int64))
    return _drop_blank_columns(table, problems), problems


def _drop_blank_columns(table: Table, problems: list[Problem]) -> Table:
    """Drop unnamed empty columns (trailing separators); unnamed columns with data are problems."""
    keep = []
    for i, name in enumerate(table.header):
        if name:
            keep.append(i)
            continue
        col = table.data[i]
        filled = col.notna() & (col.astype(str).str.strip() != "")
        if filled.any():
            first = int(np.argmax(filled.to_numpy()))
            problems.append(
                Problem.of(
                    table.file,
                    "unnamed_column",
                    int(table.rows[first]),
                    _col_letter(i),
                    letter=_col_letter(i),
                )
            )
    problems.extend(_header_problems(table.file, table.header, table.header_row))
    if len(keep) == len(table.header):
        return table
    data = table.data[keep]
    data.columns = pd.RangeIndex(len(keep))
    header = [table.header[i] for i in keep]
    return Table(table.file, header, table.header_row, data, table.rows)


def table_from_text(
    text: str,
    file: str,
    delimiter: str = ",",
    text_columns: Callable[[str], bool] | None = None,
) -> tuple[Table | None, list[Problem]]:
    """Parse CSV text into a Table, with pandas' C parser when the text allows it.

    The fast path (no quote characters, every row as wide as the header) reads the columns for
    which ``text_columns(name)`` is false as numbers directly; otherwise every cell stays text.
    """
    if '"' in text:
        return _table_from_records(file, _csv_records(text, delimiter), strict_width=True)
    n_lines = text.count("\n") + (0 if text.endswith("\n") else 1)
    h, pos = 0, 0
    while True:  # the header is the first line with something in it
        end = text.find("\n", pos)
        line = text[pos:] if end < 0 else text[pos:end]
        if line.strip(" \t\r" + delimiter):
            break
        if end < 0:
            return None, [Problem.of(file, "file_empty")]
        h, pos = h + 1, end + 1
    header = [x.strip() for x in line.rstrip("\r").split(delimiter)]
    width = len(header)
    if end < 0 or not text[end:].strip(" \t\r\n" + delimiter):
        return None, [Problem.of(file, "header_only", h + 1)]
    as_text = [i for i, n in enumerate(header) if text_columns is None or not n or text_columns(n)]
    slow = False
    try:
        data = pd.read_csv(  # type: ignore[call-overload]  # stubs: int column keys
            io.StringIO(text),
            sep=delimiter,
            header=None,
            skiprows=h + 1,
            dtype={i: str for i in as_text},
            na_values={i: sorted(MISSING_MARKERS) for i in range(width) if i not in as_text},
            keep_default_na=False,
            skip_blank_lines=False,
            engine="c",
        )
    except pd.errors.ParserError:  # a row wider than the first data row
        slow = True
    # Row numbers are line numbers only if every line is one record; otherwise take the slow path.
    slow = slow or data.shape[1] != width or len(data) != n_lines - h - 1
    if not slow:
        empty = np.ones(len(data), dtype=bool)
        for i in range(width):
            col = data[i]
            empty &= (
                (col.isna() | (col == "")).to_numpy() if i in as_text else col.isna().to_numpy()
            )
        # pandas pads short rows; a row whose last cell is empty may be one: count its fields.
        last = data[width - 1]
        maybe_short = np.flatnonzero((last.isna() | (last == "")).to_numpy() & ~empty)
        if len(maybe_short):
            lines = text.split("\n")
            slow = any(lines[h + 1 + k].count(delimiter) != width - 1 for k in maybe_short)
    if slow:
        return _table_from_records(file, _csv_records(text, delimiter), strict_width=True)
    line_numbers = np.arange(h + 2, h + 2 + len(data), dtype=np.int64)
    keep = ~empty
    if not keep.all():
        data = data[keep].reset_index(drop=True)
    for i in as_text:
        data[i] = data[i].fillna("")
    problems: list[Problem] = []
    table = Table(file, header, h + 1, data, line_numbers[keep])
    return _drop_blank_columns(table, problems), problems


def read_table(
    path: str | Path,
    sheet: str | None = None,
    text_columns: Callable[[str], bool] | None = None,
) -> tuple[Table | None, list[Problem]]:
    """Read a CSV or Excel file into a :class:`Table` (first non-blank row = header).

    Returns the table (None if nothing usable) and the problems found so far.
    """
    path = Path(path)
    file = str(path)
    if path.suffix.lower() in EXCEL_SUFFIXES:
        records, problems = _excel_records(path, file, sheet)
        if records is None:
            return None, problems
        table, more = _table_from_records(file, records, strict_width=False)
        return table, problems + more
    text, problem = read_text(path, file)
    if text is None:
        return None, [problem] if problem else []
    return table_from_text(text, file, _delimiter(path), text_columns)


def read_text_table(
    path: str | Path, sheet: str | None = None
) -> tuple[Table | None, list[Problem]]:
    """Read a table keeping every cell as text (units tables, metadata tables)."""
    return read_table(path, sheet, text_columns=None)


# ---------------------------------------------------------------------------------------------
# Cell conversion (vectorised; Python loops only over the bad cells)
# ---------------------------------------------------------------------------------------------


def parse_numbers(col: pd.Series) -> tuple[NDArray[np.float64], NDArray[np.bool_]]:
    """Numbers of a column and a mask of cells that are neither numbers nor missing markers."""
    if pd.api.types.is_numeric_dtype(col.dtype) and not pd.api.types.is_bool_dtype(col.dtype):
        values = col.to_numpy(dtype=np.float64, na_value=np.nan)
        return values, np.isinf(values)
    text = col.astype(object).where(col.notna(), "").astype(str).str.strip()
    missing = text.isin(MISSING_MARKERS)
    num = pd.to_numeric(text.where(~missing), errors="coerce").to_numpy(dtype=np.float64, copy=True)
    bad = np.isnan(num) & ~missing.to_numpy()
    if bad.any():
        idx = np.nonzero(bad)[0]
        cand = text.iloc[idx]
        ok = cand.str.fullmatch(_THOUSANDS).to_numpy(dtype=bool)
        if ok.any():
            num[idx[ok]] = pd.to_numeric(cand[ok].str.replace(",", "", regex=False)).to_numpy(
                dtype=np.float64
            )
            bad[idx[ok]] = False
    bad |= np.isinf(num)
    return num, bad


def parse_years(col: pd.Series) -> tuple[NDArray[np.int64], NDArray[np.bool_]]:
    """Years from cells like ``2024``, ``"2024"``, ``2024年``, ``2024.0``; a mask of bad cells."""
    # Parse each distinct text once: a long table repeats a few dozen years millions of times.
    which, distinct = pd.factorize(col.astype(object).fillna("").astype(str), use_na_sentinel=False)
    found = pd.Series(distinct, dtype=object).str.strip().str.extract(rf"^{_YEAR.pattern}$")[0]
    bad = found.isna().to_numpy()[which]
    years = pd.to_numeric(found, errors="coerce").fillna(0).to_numpy(dtype=np.int64)[which]
    return years, bad


def number_problem(file: str, row: int, column: str, text: object) -> Problem:
    shown = "" if text is None or (isinstance(text, float) and np.isnan(text)) else text
    if isinstance(shown, float) and np.isinf(shown):
        return Problem.of(file, "infinite_value", row, column, found=shown)
    return Problem.of(file, "not_a_number", row, column, found=str(shown))


def _unit_problems(
    file: str, column: str, texts: pd.Series, rows: NDArray[np.int64], units: UnitMatcher
) -> tuple[NDArray[np.object_], NDArray[np.bool_], list[Problem]]:
    """Codes for unit cells (one lookup per distinct text); one Problem per distinct bad text."""
    which, raw = pd.factorize(texts.astype(object).fillna("").astype(str))
    distinct = [str(t).strip() for t in raw]
    found = [units.candidates(t) for t in distinct]
    ok = np.array([len(c) == 1 for c in found] + [False], dtype=bool)
    lookup = np.array([c[0] if len(c) == 1 else "" for c in found] + [""], dtype=object)
    codes = lookup[which]
    bad = ~ok[which]
    problems: list[Problem] = []
    for j in np.nonzero(~ok[:-1])[0].tolist():
        text, cands, where = str(distinct[j]), found[j], rows[which == j]
        also = also_rows(where.tolist())
        if not text:
            problems.extend(Problem.of(file, "unit_empty", int(r), column) for r in where)
        elif cands:
            problems.append(
                Problem.of(
                    file,
                    "unit_ambiguous",
                    int(where[0]),
                    column,
                    found=text,
                    matches=", ".join(cands),
                    also=also,
                )
            )
        else:
            problems.append(
                Problem.of(file, "unit_unknown", int(where[0]), column, found=text, also=also)
            )
    return codes, bad, problems


@dataclass(frozen=True)
class Origins:
    """Where each value of a long frame was read: file, row (as the user sees it) and column.

    Kept as a row array and a column list (row-major: each row with every column) rather than
    one ``file:row:column`` string per cell, which costs seconds on a county-scale panel.
    """

    file: str
    rows: NDArray[np.int64]
    columns: Sequence[str]


def origins(file: str, rows: NDArray[np.int64], columns: Sequence[str]) -> Origins:
    """The origin of every cell of a table's value block, row-major."""
    return Origins(Path(file).name, np.asarray(rows, dtype=np.int64), list(columns))


def origin_labels(frame: pd.DataFrame) -> pd.Series:
    """``file:row:column`` text of each row of a long frame, for messages."""
    return (
        frame["origin_file"].astype(str)
        + ":"
        + frame["origin_row"].astype(str)
        + ":"
        + frame["origin_column"].astype(str)
    )


def empty_frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "unit": pd.Series([], dtype=str),
            "year": pd.Series([], dtype=np.int64),
            "indicator": pd.Series([], dtype=str),
            "value": pd.Series([], dtype=np.float64),
            "origin_file": pd.Series([], dtype="category"),
            "origin_row": pd.Series([], dtype=np.int64),
            "origin_column": pd.Series([], dtype="category"),
        }
    )


def _categorical(values: Iterable[object] | pd.Categorical) -> pd.Categorical:
    if isinstance(values, pd.Categorical):
        return values
    return pd.Categorical(np.asarray(values, dtype=object))


def repeat_categorical(values: NDArray[Any], repeats: int) -> pd.Categorical:
    """``np.repeat(values, repeats)`` as a categorical, factorising only the short array."""
    small = pd.Categorical(np.asarray(values, dtype=object))
    return pd.Categorical.from_codes(np.repeat(small.codes, repeats), small.categories)


def tile_categorical(values: NDArray[Any], reps: int) -> pd.Categorical:
    """``np.tile(values, reps)`` as a categorical, factorising only the short array."""
    small = pd.Categorical(np.asarray(values, dtype=object))
    return pd.Categorical.from_codes(np.tile(small.codes, reps), small.categories)


def long_frame(
    units: Iterable[object],
    years: Iterable[int],
    indicators: Iterable[object],
    values: NDArray[np.float64],
    origin: Origins,
) -> pd.DataFrame:
    """The long form every reader returns: ``unit, year, indicator, value`` and the origin of
    each value (``origin_file``, ``origin_row``, ``origin_column``)."""
    m = len(origin.columns)
    n = len(origin.rows)
    column_codes = np.tile(np.arange(m, dtype=np.int64), n)
    return pd.DataFrame(
        {
            # categorical: a panel repeats few distinct units and indicators millions of times,
            # and every later group-by, unique and lookup works on the integer codes
            "unit": _categorical(units),
            "year": np.asarray(years, dtype=np.int64),
            "indicator": _categorical(indicators),
            "value": np.asarray(values, dtype=np.float64),
            "origin_file": pd.Categorical.from_codes(
                np.zeros(n * m, dtype=np.int64), pd.Index([origin.file])
            )
            if m
            else pd.Categorical([]),
            "origin_row": np.repeat(origin.rows, m),
            "origin_column": pd.Categorical.from_codes(
                column_codes, pd.Index(list(dict.fromkeys(origin.columns)))
            )
            if len(set(origin.columns)) == m
            else pd.Categorical(np.asarray(origin.columns, dtype=object)[column_codes]),
        }
    )


# ---------------------------------------------------------------------------------------------
# Sources: long and wide tables, dispatch to NBS and COINr
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DataSource:
    """One input file and how to read it.

    ``columns`` maps canonical names (unit, year, indicator, value, source, note) to the file's
    header names, e.g. ``{"unit": "region_code"}``. ``indicator`` is the framework indicator id of
    a single-indicator table (NBS export, or a long table without an ``indicator`` column).
    ``scale`` multiplies every value (e.g. 0.1 to turn 千美元 into 万美元).
    """

    path: Path
    format: str = "auto"
    sheet: str | None = None
    indicator: str | None = None
    columns: dict[str, str] | None = None
    scale: float = 1.0


def _peek(source: DataSource) -> list[list[str]]:
    """The first non-blank rows of a file (for format detection); [] if unreadable."""
    path = Path(source.path)
    if path.suffix.lower() in EXCEL_SUFFIXES:
        records, _ = _excel_records(path, str(path), source.sheet)
    else:
        head = read_head(path, 8192)
        text, _ = decode_bytes(head, str(path))
        if text is None:  # a cut multi-byte character at the end; retry a bit shorter
            text, _ = decode_bytes(head[: head.rfind(b"\n") + 1], str(path))
        records = _csv_records(text or "", _delimiter(path))
    return [c for _, c in (records or []) if not _is_blank(c)][:6]


def detect_format(source: DataSource) -> str:
    """``nbs`` (metadata lines or a unit x year matrix), ``coinr`` (uCode), ``long`` or ``wide``."""
    rows = _peek(source)
    if not rows:
        return "long"
    first = rows[0]
    if _NBS_META.match(first[0]):
        return "nbs"
    header = [h.strip() for h in first]
    if "uCode" in header:
        return "coinr"
    years = [h for h in header[1:] if h]
    if years and all(_YEAR.fullmatch(h) for h in years):
        return "nbs"
    renamed = {v: k for k, v in (source.columns or {}).items()}
    names = {renamed.get(h, h).lower() for h in header}
    if "value" in names and ("indicator" in names or source.indicator):
        return "long"
    return "wide"


def _roles(
    source: DataSource, table: Table, required: Sequence[str]
) -> tuple[dict[str, int], list[Problem]]:
    """Column index of each canonical column, from the header and the source's rename map."""
    problems = []
    mapping = dict(source.columns or {})
    for key in mapping:
        if key not in CANONICAL_COLUMNS:
            problems.append(
                Problem.of(
                    table.file, "columns_map_key", found=key, allowed=", ".join(CANONICAL_COLUMNS)
                )
            )
    by_name = {h: i for i, h in enumerate(table.header)}
    by_lower = {h.lower(): i for i, h in enumerate(table.header)}
    roles = {}
    for key in CANONICAL_COLUMNS:
        if key in mapping:
            if mapping[key] in by_name:
                roles[key] = by_name[mapping[key]]
            else:
                problems.append(
                    Problem.of(
                        table.file,
                        "mapped_column_missing",
                        table.header_row,
                        found=mapping[key],
                        role=key,
                        header=", ".join(table.header),
                    )
                )
        elif key in by_lower:
            roles[key] = by_lower[key]
    missing = [k for k in required if k not in roles and k not in mapping]
    if missing:
        hint = local("semicolon_hint") if ";" in table.header[0] else Local("", "")
        problems.append(
            Problem.of(
                table.file,
                "missing_columns",
                table.header_row,
                missing=names(missing),
                header=", ".join(table.header),
                hint=hint,
            )
        )
    return roles, problems


def _header_like(table: Table, roles: dict[str, int], values: Sequence[int]) -> int | None:
    """Index of a first data row that looks like a second header row, else None."""
    if not len(table.rows):
        return None
    first = table.data.iloc[0]
    year_cell = str(first[roles["year"]]) if "year" in roles else ""
    if _YEAR.fullmatch(year_cell.strip()):
        return None
    cells = [first[i] for i in values]
    texts = [
        str(c).strip() for c in cells if isinstance(c, str) and c.strip() not in MISSING_MARKERS
    ]
    wordy = [t for t in texts if pd.isna(pd.to_numeric(t, errors="coerce"))]
    return 0 if wordy and len(wordy) * 2 >= len(values) else None


def _read_keyed(
    source: DataSource, units: UnitMatcher, indicators: set[str], fmt: str
) -> tuple[pd.DataFrame, list[Problem]]:
    """Read a long or wide table."""
    keys = {"unit", "year", "indicator", "source", "note"}
    renamed = {v: k for k, v in (source.columns or {}).items()}

    def is_text(name: str) -> bool:
        return renamed.get(name, name).lower() in keys

    table, problems = read_table(source.path, source.sheet, text_columns=is_text)
    if table is None:
        return empty_frame(), problems
    file = table.file
    required = ["unit", "year", "value"] if fmt == "long" else ["unit", "year"]
    if fmt == "long" and not source.indicator:
        required.insert(2, "indicator")
    roles, more = _roles(source, table, required)
    problems += more
    if any(k not in roles for k in required):
        return empty_frame(), problems
    if fmt == "long":
        value_cols = [roles["value"]]
        if source.indicator and "indicator" in roles:
            problems.append(
                Problem.of(file, "indicator_twice", table.header_row, indicator=source.indicator)
            )
    else:
        # A repeated column name is reported with the header; read only its first column.
        first_of = {h: i for i, h in reversed(list(enumerate(table.header)))}
        value_cols = [
            i for i, h in enumerate(table.header) if i not in roles.values() and first_of[h] == i
        ]
        if not value_cols:
            problems.append(Problem.of(file, "no_indicator_columns", table.header_row))
        for i in value_cols:
            if table.header[i] not in indicators:
                problems.append(
                    Problem.of(
                        file,
                        "unknown_indicator_column",
                        table.header_row,
                        table.header[i],
                        found=table.header[i],
                    )
                )
    data, rows = table.data, table.rows
    skip = _header_like(table, roles, value_cols)
    if skip is not None:
        problems.append(Problem.of(file, "second_header", int(rows[0])))
        data, rows = data.iloc[1:].reset_index(drop=True), rows[1:]
    if not len(rows):
        return empty_frame(), problems

    unit_col = table.header[roles["unit"]]
    codes, bad_unit, more = _unit_problems(file, unit_col, data[roles["unit"]], rows, units)
    problems += more
    years, bad_year = parse_years(data[roles["year"]])
    year_col = table.header[roles["year"]]
    for k in np.nonzero(bad_year)[0].tolist():
        text = str(data.iat[k, roles["year"]]).strip()
        problems.append(
            Problem.of(file, "year_empty", int(rows[k]), year_col)
            if not text
            else Problem.of(file, "not_a_year", int(rows[k]), year_col, found=text)
        )

    bad_row = bad_unit | bad_year
    if fmt == "long":
        values, bad_val = parse_numbers(data[roles["value"]])
        value_col = table.header[roles["value"]]
        for k in np.nonzero(bad_val)[0].tolist():
            problems.append(
                number_problem(file, int(rows[k]), value_col, data.iat[k, roles["value"]])
            )
        if source.indicator:
            inds = np.full(len(rows), source.indicator, dtype=object)
        else:
            which, raw_ind = pd.factorize(data[roles["indicator"]].astype(object).fillna(""))
            distinct = [str(t).strip() for t in raw_ind]
            inds = np.asarray(distinct, dtype=object)[which]
            ind_col = table.header[roles["indicator"]]
            for j, text in enumerate(distinct):
                if text in indicators:
                    continue
                where = rows[which == j]
                bad_row |= which == j
                also = also_rows(where.tolist())
                problems.append(
                    Problem.of(file, "indicator_empty", int(where[0]), ind_col, also=also)
                    if not text
                    else Problem.of(
                        file, "unknown_indicator", int(where[0]), ind_col, found=text, also=also
                    )
                )
        keep = ~(bad_row | bad_val)
        frame = long_frame(
            codes[keep],
            years[keep],
            inds[keep],
            values[keep] * source.scale,
            origins(file, rows[keep], [value_col]),
        )
        return frame, problems

    names = [table.header[i] for i in value_cols]
    block = np.empty((len(rows), len(value_cols)), dtype=np.float64)
    for j, i in enumerate(value_cols):
        block[:, j], bad = parse_numbers(data[i])
        for k in np.nonzero(bad)[0].tolist():
            problems.append(number_problem(file, int(rows[k]), names[j], data.iat[k, i]))
    keep = ~bad_row
    n_keep, m = int(keep.sum()), len(value_cols)
    frame = long_frame(
        repeat_categorical(codes[keep], m),
        np.repeat(years[keep], m),
        tile_categorical(np.array(names, dtype=object), n_keep),
        block[keep].ravel() * source.scale,
        origins(file, rows[keep], names),
    )
    return frame, problems


def _read_one(
    source: DataSource, units: UnitMatcher, indicators: set[str]
) -> tuple[pd.DataFrame, list[Problem]]:
    file = str(source.path)
    if source.format not in FORMATS:
        return empty_frame(), [
            Problem.of(file, "unknown_format", found=source.format, allowed=", ".join(FORMATS))
        ]
    missing = regular_file_problem(Path(source.path), file)
    if missing is not None:
        return empty_frame(), [missing]
    fmt = detect_format(source) if source.format == "auto" else source.format
    if fmt == "nbs":
        from kaifang.data.nbs import nbs_frame

        if not source.indicator:
            return empty_frame(), [Problem.of(file, "nbs_needs_indicator")]
        problems: list[Problem] = []
        if source.indicator not in indicators:
            problems.append(
                Problem.of(file, "unknown_indicator", found=source.indicator, also=Local("", ""))
            )
        frame, more = nbs_frame(source.path, units, source.indicator, source.scale, source.sheet)
        return frame, problems + more
    if fmt == "coinr":
        from kaifang.data.coinr import coinr_frame

        return coinr_frame(source, units, indicators)
    return _read_keyed(source, units, indicators, fmt)


def _keys(frame: pd.DataFrame) -> NDArray[np.int64]:
    """One int64 per (unit, year, indicator): hashing ints is far faster than string triples."""
    unit = pd.factorize(frame["unit"])[0].astype(np.int64)
    ind = pd.factorize(frame["indicator"])[0].astype(np.int64)
    year = frame["year"].to_numpy(dtype=np.int64)
    span = int(year.max() - year.min() + 1) if len(year) else 1
    return (unit * span + (year - year.min() if len(year) else 0)) * (
        int(ind.max(initial=0)) + 1
    ) + ind


def _duplicate_problems(
    frame: pd.DataFrame, keys: NDArray[np.int64], paths: dict[str, str]
) -> list[Problem]:
    given = frame["value"].notna().to_numpy()
    dup = np.zeros(len(frame), dtype=bool)
    dup[given] = pd.Series(keys[given]).duplicated(keep=False).to_numpy()
    if not dup.any():
        return []
    problems = []
    rows = frame[dup].assign(_key=keys[dup])
    rows["_label"] = origin_labels(rows)
    for _, group in rows.groupby("_key", sort=False):
        first = group["_label"].iloc[0]
        unit, year, ind = group["unit"].iloc[0], group["year"].iloc[0], group["indicator"].iloc[0]
        for file, row, column in zip(
            group["origin_file"].iloc[1:].astype(str),
            group["origin_row"].iloc[1:],
            group["origin_column"].iloc[1:].astype(str),
            strict=True,
        ):
            problems.append(
                Problem.of(
                    paths.get(file, file),
                    "given_twice",
                    int(row),
                    column,
                    unit=unit,
                    year=year,
                    indicator=ind,
                    first=first,
                )
            )
    return problems


def _settle(frame: pd.DataFrame, keys: NDArray[np.int64]) -> pd.DataFrame:
    """Keep one row per key: the number when there is one, else the first missing entry."""
    if not pd.Series(keys).duplicated().any():
        return frame
    # Numbers first (stable sort), so the first row of each key is the number when there is one.
    order = np.argsort(frame["value"].isna().to_numpy(), kind="stable")
    first = ~pd.Series(keys[order]).duplicated().to_numpy()
    return frame.iloc[np.sort(order[first])].reset_index(drop=True)


def read_source(source: DataSource, units: UnitMatcher, indicators: set[str]) -> pd.DataFrame:
    """Read one data file into the long form ``unit, year, indicator, value, origin``.

    ``unit`` holds unit codes (cells may hold codes or names, matched by ``units``); ``value`` is
    float with NaN for missing; ``origin`` is ``file:row:column`` for messages.

    Raises
    ------
    InputError
        With every problem in the file: unknown units and indicators (each listed once, with the
        rows it occurs in), non-numeric values, bad years, structural problems, duplicates.
    """
    return read_sources([source], units, indicators)


def read_sources(
    sources: Iterable[DataSource], units: UnitMatcher, indicators: set[str]
) -> pd.DataFrame:
    """Read several data files into one long DataFrame (see :func:`read_source`).

    Problems from all files are gathered and raised together; the same (unit, year, indicator)
    given (non-missing) in two places, in one file or across files, is a problem naming both.
    """
    sources = list(sources)
    frames, problems = [], []
    for source in sources:
        frame, more = _read_one(source, units, indicators)
        frames.append(frame)
        problems += more
    frame = (
        pd.concat(frames, ignore_index=True) if len(frames) > 1 else (frames or [empty_frame()])[0]
    )
    keys = _keys(frame)
    paths = {Path(s.path).name: str(s.path) for s in sources}
    problems += _duplicate_problems(frame, keys, paths)
    if problems:
        raise InputError(problems)
    return _settle(frame, keys)
