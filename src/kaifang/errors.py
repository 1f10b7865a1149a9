"""Errors a user can act on: every problem names its file, row, column and what was expected."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One problem found in an input file.

    ``row`` is the 1-based line (CSV) or row (Excel) number as the user sees it in an editor or
    spreadsheet; ``column`` is the column header (or letter) as written in the file.
    """

    file: str
    message: str
    row: int | None = None
    column: str | None = None

    def __str__(self) -> str:
        where = self.file
        if self.row is not None:
            where += f", row {self.row}"
        if self.column is not None:
            where += f", column {self.column!r}"
        return f"{where}: {self.message}"


class KaifangError(Exception):
    """Base class for errors caused by the user's input (exit code 1 in the CLI)."""


class InputError(KaifangError):
    """One or more problems in input files, reported all at once."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = list(problems)
        lines = [str(p) for p in self.problems[:50]]
        if len(self.problems) > 50:
            lines.append(f"... and {len(self.problems) - 50} more problems")
        super().__init__(f"{len(self.problems)} problem(s) found:\n" + "\n".join(lines))


class MethodError(KaifangError, ValueError):
    """A method was given data it cannot handle (e.g. a non-positive value for a geometric mean)."""
