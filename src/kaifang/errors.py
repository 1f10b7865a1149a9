"""Errors a user can act on: every problem names its file, row, column and what was expected."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from kaifang.problem_messages import render_message

#: How many problems a message lists before it says how many more there are.
SHOWN_PROBLEMS = 50


@dataclass(frozen=True)
class Problem:
    """One problem found in an input file.

    ``row`` is the 1-based line (CSV) or row (Excel) number as the user sees it in an editor or
    spreadsheet; ``column`` is the column header (or letter) as written in the file.

    A problem made with :meth:`of` keeps its catalogue ``key`` and ``params``, so it can be
    shown in Chinese or English (:meth:`render`); ``message`` is always the English text.
    """

    file: str
    message: str
    row: int | None = None
    column: str | None = None
    key: str | None = field(default=None, compare=False)
    params: Mapping[str, Any] = field(default_factory=dict, compare=False, hash=False)

    @classmethod
    def of(
        cls, file: str, key: str, row: int | None = None, column: str | None = None, **params: Any
    ) -> Problem:
        """A problem whose text comes from the catalogue (:mod:`kaifang.problem_messages`)."""
        return cls(file, render_message(key, "en", params), row, column, key, params)

    def text(self, lang: str = "en") -> str:
        """What is wrong, in ``lang`` (zh or en), without the place."""
        if self.key is None:
            return self.message
        return render_message(self.key, lang, self.params)

    def render(self, lang: str = "en") -> str:
        """The place (file, row, column) and what is wrong, in ``lang``."""
        if lang == "zh":
            where = self.file
            if self.row is not None:
                where += f"，第 {self.row} 行"
            if self.column is not None:
                where += f"，列 {self.column!r}"
            return f"{where}：{self.text('zh')}"
        where = self.file
        if self.row is not None:
            where += f", row {self.row}"
        if self.column is not None:
            where += f", column {self.column!r}"
        return f"{where}: {self.message}"

    def __str__(self) -> str:
        return self.render("en")


class KaifangError(Exception):
    """Base class for errors caused by the user's input (exit code 1 in the CLI)."""


class InputError(KaifangError):
    """One or more problems in input files, reported all at once."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = list(problems)
        super().__init__(f"{len(self.problems)} problem(s) found:\n" + "\n".join(self.lines("en")))

    def lines(self, lang: str = "en", shown: int = SHOWN_PROBLEMS) -> list[str]:
        """The first ``shown`` problems, one line each, and a line counting the rest."""
        lines = [p.render(lang) for p in self.problems[:shown]]
        rest = len(self.problems) - shown
        if rest > 0:
            lines.append(render_message("more_problems", lang, {"count": rest}))
        return lines


class MethodError(KaifangError, ValueError):
    """A method was given data it cannot handle (e.g. a non-positive value for a geometric mean)."""
