"""Size limits for untrusted input files, and reading a file only up to them.

Every input file (config, framework, units, data) may be hostile: a spreadsheet that declares a
million columns, a zip that unpacks to gigabytes, ``/dev/zero`` given as a data file. Readers
check what a file declares before a parser builds anything, and read at most the limit.

The limits are environment variables, so that the same bounds hold for every verb and for the
dashboard, whichever config file is read (a config cannot raise the limits that guard the reading
of itself). The defaults are far above any real yearbook:

=======================  =========  ==========================================================
variable                 default    what it bounds
=======================  =========  ==========================================================
``KAIFANG_MAX_ROWS``     1000000    rows of one table (CSV lines, Excel rows)
``KAIFANG_MAX_COLUMNS``  5000       columns of one table (CSV fields of any line, Excel columns)
``KAIFANG_MAX_CELLS``    20000000   cells of one sheet's rectangle (rows x columns it spans)
``KAIFANG_MAX_MB``       500        megabytes of one file, uncompressed (a workbook's XML unpacked)
=======================  =========  ==========================================================

The cell bound exists because a spreadsheet reader allocates the whole rectangle a sheet spans:
a million rows are fine with a few columns, not with five thousand.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from pathlib import Path

from kaifang.errors import InputError, Problem
from kaifang.problem_messages import os_reason

MB = 1 << 20
_CHUNK = MB  # a read(n) reserves n bytes up front, whatever the file holds


@dataclass(frozen=True)
class Limits:
    """Bounds on one input file; see the module docstring for the variables that set them."""

    max_rows: int = 1_000_000
    max_columns: int = 5_000
    max_cells: int = 20_000_000
    max_bytes: int = 500 * MB


ENVIRONMENT = {
    "max_rows": "KAIFANG_MAX_ROWS",
    "max_columns": "KAIFANG_MAX_COLUMNS",
    "max_cells": "KAIFANG_MAX_CELLS",
    "max_bytes": "KAIFANG_MAX_MB",
}


def current_limits() -> Limits:
    """The limits in force: the defaults, replaced by any ``KAIFANG_MAX_*`` variable that is set.

    Raises
    ------
    InputError
        When a variable is set to something other than a positive whole number.
    """
    values: dict[str, int] = {}
    for field, variable in ENVIRONMENT.items():
        text = os.environ.get(variable, "").strip()
        if not text:
            continue
        try:
            number = int(text)
        except ValueError:
            number = 0
        if number <= 0:
            raise InputError([Problem.of(variable, "limit_env_bad", variable=variable, found=text)])
        values[field] = number * MB if field == "max_bytes" else number
    return Limits(**values)


def limit_hint(field: str, limits: Limits | None = None) -> str:
    """The variable that raises a limit, set to twice the limit in force, for messages
    (``KAIFANG_MAX_COLUMNS=10000``)."""
    variable = ENVIRONMENT[field]
    current = getattr(limits or Limits(), field)
    suggested = current // MB * 2 if field == "max_bytes" else current * 2
    return f"{variable}={suggested}"


def regular_file_problem(path: Path, file: str) -> Problem | None:
    """A Problem if ``path`` is not a regular file (directory, FIFO, device, socket, missing).

    A FIFO or ``/dev/zero`` would block or feed bytes forever; a directory is a likely slip.
    """
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        return Problem.of(file, "file_not_found")
    except OSError as err:
        return Problem.of(file, "cannot_read", reason=os_reason(err))
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISDIR(mode):
        return Problem.of(file, "is_directory")
    return Problem.of(file, "not_regular_file")


def read_bounded(
    path: Path, file: str, limits: Limits | None = None
) -> tuple[bytes | None, Problem | None]:
    """The bytes of a regular file of at most ``limits.max_bytes``; else None and a Problem.

    The file is opened without blocking and checked on the open descriptor, so a FIFO swapped in
    after a check cannot hang the read; at most ``max_bytes + 1`` bytes are ever read, whatever
    size the file claims.
    """
    limits = limits or current_limits()
    problem = regular_file_problem(path, file)
    if problem is not None:
        return None, problem
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    except OSError as err:
        return None, Problem.of(file, "cannot_read", reason=os_reason(err))
    with os.fdopen(fd, "rb") as handle:
        info = os.fstat(handle.fileno())
        if not stat.S_ISREG(info.st_mode):
            return None, Problem.of(file, "not_regular_file")
        if info.st_size > limits.max_bytes:
            return None, too_big(file, info.st_size, limits)
        # in chunks: one read(max_bytes + 1) would reserve the whole limit up front
        chunks: list[bytes] = []
        size = 0
        try:
            while chunk := handle.read(min(_CHUNK, limits.max_bytes + 1 - size)):
                chunks.append(chunk)
                size += len(chunk)
                if size > limits.max_bytes:
                    return None, too_big(file, size, limits)
        except OSError as err:
            return None, Problem.of(file, "cannot_read", reason=os_reason(err))
    return b"".join(chunks), None


def too_big(file: str, size: int, limits: Limits) -> Problem:
    """The Problem of a file (or a workbook part) larger than ``max_bytes``."""
    return Problem.of(
        file,
        "limit_bytes",
        size_mb=f"{size / MB:.0f}" if size >= MB else f"{size / MB:.2f}",
        limit_mb=limits.max_bytes // MB,
        hint=limit_hint("max_bytes", limits),
    )
