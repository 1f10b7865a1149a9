"""Check an input table before a parser sees it: its size, rows, columns and cells.

Text tables (CSV): a file of one line with a million commas makes pandas build a million columns;
the newlines and separators are counted on the bytes, in chunks, before any parsing.

Workbooks: sizes unpacked and the extent of each sheet.

The Excel reader (calamine) allocates a sheet's whole rectangle up front, so one cell at XFD1048576
in a 5 KB file makes it allocate 17 billion cells and abort the process; a small zip may unpack to
gigabytes. This module reads the zip with a bounded, streaming decompression (declared sizes are
not trusted: Python's zip reader stops at the declared size and fails the checksum when the data
run on) and scans the sheet XML for ``<dimension ref=...>``, ``<row r=...>`` and ``<c r=...>``
without building a tree; an OpenDocument sheet's ``content.xml`` is streamed to find the
extent of its (possibly repeated) cells with values. Binary workbooks (``.xls``, ``.xlsb``) are
only checked for their size and unpacked size.
"""

from __future__ import annotations

import csv
import re
import zipfile
from pathlib import Path
from typing import IO
from xml.etree import ElementTree

import numpy as np

from kaifang.errors import Problem
from kaifang.limits import MB, Limits, limit_hint, regular_file_problem, too_big

ZIP_SUFFIXES = (".xlsx", ".xlsm", ".xlsb", ".ods")
_CHUNK = 1 << 20
# A cell reference in a sheet's XML: <dimension ref="A1:XFD1048576">, <row r="7">, <c r="AB7">.
# Each pattern starts with a literal, which the regex engine finds by a fast scan; only <row>
# and <c> carry an attribute r, and <dimension ref="A1:XFD1048576"> declares the extent.
_COLUMNS = re.compile(rb' r="([A-Z]{1,3})\d')
_ROWS = re.compile(rb' r="[A-Z]{0,3}(\d{1,9})"')
_COUNTS = re.compile(rb'[cC]ount="(\d{1,20})"')
_DIMENSION = re.compile(rb'dimension ref="(?:[A-Z]{0,3}\d{0,9}:)?([A-Z]{0,3})(\d{1,9})"')
_TAIL = 64  # bytes kept between chunks so a reference cut in two is still seen


def text_table_problem(data: bytes, file: str, delimiter: str, limits: Limits) -> Problem | None:
    """A Problem if a CSV/TSV text has too many lines, fields on one line, or fields in all.

    Counts run on the raw bytes (a newline and the separators are single ASCII bytes in UTF-8
    and GB18030 alike), chunk by chunk, so the check itself needs little memory.
    """
    sep = ord(delimiter)
    view = np.frombuffer(data, dtype=np.uint8)
    breaks: list[np.ndarray] = []
    separators = 0
    for start in range(0, len(view), 16 * _CHUNK):
        chunk = view[start : start + 16 * _CHUNK]
        breaks.append(np.flatnonzero(chunk == 10) + start)
        separators += int(np.count_nonzero(chunk == sep))
    ends = np.concatenate([*breaks, np.array([len(view)])])
    lines = len(ends) - (1 if len(view) and view[-1] == 10 else 0)
    if lines > limits.max_rows:
        return Problem.of(
            file,
            "limit_rows",
            found=lines,
            limit=limits.max_rows,
            hint=limit_hint("max_rows", limits),
        )
    # A line with more fields than allowed has at least that many bytes: check only those.
    starts = np.concatenate([[0], ends[:-1] + 1])
    widest = 0
    for k in np.flatnonzero(ends - starts >= limits.max_columns).tolist():
        begin, end = int(starts[k]), int(ends[k])
        fields = data.count(delimiter.encode(), begin, end) + 1
        if fields > limits.max_columns and b'"' in data[begin:end]:
            line = data[begin:end].decode("latin-1")
            fields = max((len(r) for r in csv.reader([line], delimiter=delimiter)), default=0)
        widest = max(widest, fields)
        if widest > limits.max_columns:
            return Problem.of(
                file,
                "limit_columns",
                row=k + 1,
                found=fields,
                limit=limits.max_columns,
                hint=limit_hint("max_columns", limits),
            )
    if separators + lines > limits.max_cells:
        return Problem.of(
            file,
            "limit_cells",
            rows=lines,
            columns=round((separators + lines) / max(lines, 1)),
            limit=limits.max_cells,
            hint=limit_hint("max_cells", limits),
        )
    return None


def read_head(path: Path, size: int) -> bytes:
    """The first ``size`` bytes of a regular file; b"" for anything else (a FIFO never blocks)."""
    if regular_file_problem(path, str(path)) is not None:
        return b""
    try:
        with open(path, "rb") as handle:
            return handle.read(size)
    except OSError:
        return b""


def column_number(letters: str) -> int:
    """``A`` -> 1, ``Z`` -> 26, ``AA`` -> 27, ``XFD`` -> 16384."""
    number = 0
    for char in letters:
        number = number * 26 + ord(char) - 64
    return number


def column_letters(number: int) -> str:
    """1 -> ``A``, 27 -> ``AA`` (inverse of :func:`column_number`)."""
    letters = ""
    while number:
        number, rem = divmod(number - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def workbook_problems(path: Path, file: str, limits: Limits) -> list[Problem]:
    """Problems that make a workbook unsafe to hand to the Excel reader; [] when it is safe."""
    problem = regular_file_problem(path, file)
    if problem is not None:
        return [problem]
    size = path.stat().st_size
    if size > limits.max_bytes:
        return [too_big(file, size, limits)]
    if path.suffix.lower() not in ZIP_SUFFIXES:
        return []
    try:
        with zipfile.ZipFile(path) as book:
            problems = _zip_problems(book, file, limits)
            if not problems and path.suffix.lower() == ".ods" and "content.xml" in book.namelist():
                with book.open("content.xml") as content:
                    for sheet, rows, columns in ods_extents(content):
                        problem = _extent_problem(file, sheet, rows, columns, limits)
                        if problem is not None:
                            return [problem]
            return problems
    except (
        zipfile.BadZipFile,
        zipfile.LargeZipFile,
        OSError,
        EOFError,
        ValueError,
        ElementTree.ParseError,
    ) as err:
        # ValueError/EOFError: truncated or corrupt deflate streams; NotImplementedError is
        # not caught here on purpose: an unknown compression method is a damaged file too.
        return [Problem.of(file, "not_a_workbook", reason=str(err) or type(err).__name__)]
    except NotImplementedError as err:
        return [Problem.of(file, "not_a_workbook", reason=str(err))]


def _zip_problems(book: zipfile.ZipFile, file: str, limits: Limits) -> list[Problem]:
    budget = limits.max_bytes
    declared = 0
    for info in book.infolist():
        declared += info.file_size
        if declared > budget:
            return [_member_too_big(file, info.filename, limits)]
    for info in book.infolist():
        if info.is_dir():
            continue
        is_sheet = info.filename.startswith("xl/worksheets/") and info.filename.endswith(".xml")
        max_row = max_col = 0
        tail = b""
        with book.open(info) as member:
            while chunk := member.read(_CHUNK):
                budget -= len(chunk)
                if budget < 0:
                    return [_member_too_big(file, info.filename, limits)]
                text = tail + chunk
                # a reader sizes its tables by the counts a part declares (the shared strings'
                # uniqueCount, a sheet's mergeCells count): a count no sheet could fill is refused
                declared_count = max(map(int, set(_COUNTS.findall(text))), default=0)
                if declared_count > limits.max_cells:
                    return [_count_problem(file, info.filename, declared_count, limits)]
                if not is_sheet:
                    tail = text[-_TAIL:]
                    continue
                # distinct values first: a sheet repeats a few column letters and row numbers
                # hundreds of thousands of times, and sets are built in C
                for letters, digits in _DIMENSION.findall(text):
                    max_row = max(max_row, int(digits))
                    if letters:
                        max_col = max(max_col, column_number(letters.decode()))
                for letters in set(_COLUMNS.findall(text)):
                    max_col = max(max_col, column_number(letters.decode()))
                for digits in set(_ROWS.findall(text)):
                    max_row = max(max_row, int(digits))
                tail = text[-_TAIL:]
                cut = tail.rfind(b"<")
                tail = tail[cut:] if cut >= 0 else b""
        if is_sheet:
            problem = _extent_problem(file, info.filename, max_row, max_col, limits)
            if problem is not None:
                return [problem]
    return []


_TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
_OFFICE = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"
_CELLS = (f"{_TABLE}table-cell", f"{_TABLE}covered-table-cell")


def ods_extents(content: IO[bytes]) -> list[tuple[str, int, int]]:
    """(sheet, rows, columns) each sheet of an OpenDocument spreadsheet spans with values.

    Streams ``content.xml``: rows and cells may repeat (``number-rows-repeated``,
    ``number-columns-repeated``), and a reader expands a repeated cell that holds a value;
    repeated empty cells (how LibreOffice pads a sheet) span nothing. Parsed elements are
    dropped as soon as they are counted, so memory stays small whatever the sheet holds.
    """
    extents: list[tuple[str, int, int]] = []
    open_elements: list[ElementTree.Element] = []
    name, row, col, rows_repeated, max_row, max_col = "", 0, 0, 1, 0, 0
    for event, elem in ElementTree.iterparse(content, events=("start", "end")):
        tag = elem.tag
        if event == "start":
            open_elements.append(elem)
            if tag == f"{_TABLE}table":
                name = elem.get(f"{_TABLE}name", "")
                row = max_row = max_col = 0
            elif tag == f"{_TABLE}table-row":
                rows_repeated = int(elem.get(f"{_TABLE}number-rows-repeated", "1"))
                col = 0
            continue
        open_elements.pop()
        if tag in _CELLS:
            repeated = int(elem.get(f"{_TABLE}number-columns-repeated", "1"))
            has_value = elem.get(f"{_OFFICE}value-type") is not None or len(elem) > 0
            if has_value or (elem.text or "").strip():
                max_col = max(max_col, col + repeated)
                max_row = max(max_row, row + rows_repeated)
            col += repeated
        elif tag == f"{_TABLE}table-row":
            row += rows_repeated
        elif tag == f"{_TABLE}table":
            extents.append((name, max_row, max_col))
        if tag in (*_CELLS, f"{_TABLE}table-row") and open_elements:
            del open_elements[-1][-1]  # counted: drop it (it is its parent's last child)
    return extents


def _count_problem(file: str, member: str, count: int, limits: Limits) -> Problem:
    return Problem.of(
        file,
        "limit_declared_count",
        member=member,
        count=count,
        limit=limits.max_cells,
        hint=limit_hint("max_cells", limits),
    )


def _member_too_big(file: str, member: str, limits: Limits) -> Problem:
    return Problem.of(
        file,
        "limit_member_bytes",
        member=member,
        limit_mb=limits.max_bytes // MB,
        hint=limit_hint("max_bytes", limits),
    )


def _extent_problem(
    file: str, member: str, rows: int, columns: int, limits: Limits
) -> Problem | None:
    within = rows <= limits.max_rows and columns <= limits.max_columns
    if within and rows * columns <= limits.max_cells:
        return None
    sheet = member.rsplit("/", 1)[-1].removesuffix(".xml")  # a sheet name for ODS
    return Problem.of(
        file,
        "limit_sheet_extent",
        sheet=sheet,
        cell=f"{column_letters(columns)}{rows}",
        rows=rows,
        columns=columns,
        max_rows=limits.max_rows,
        max_columns=limits.max_columns,
        max_cells=limits.max_cells,
        hint=", ".join(limit_hint(k, limits) for k in ("max_rows", "max_columns", "max_cells")),
    )
