"""The CSV files kaifang writes, safe to open in a spreadsheet.

A spreadsheet runs a cell that begins with ``=``, ``+``, ``-``, ``@`` (or a tab or carriage
return before one) as a formula: a unit named ``=HYPERLINK(...)`` would become a link, or worse,
on the analyst's machine (CSV or formula injection). As OWASP recommends, such text cells are
written with a leading single quote, which spreadsheets show as text. Numbers are left alone: a
numeric column stays numeric, and text that is a plain number (``-3.5``) is no formula.

The quote is added reversibly: text that already begins with quotes before one of those
characters gets one more, and ``read_csv`` removes exactly one, so that a folder read back
gives the names as they were. results.xlsx needs none of this: its cells are typed (a string
cell is never a formula).
"""

from __future__ import annotations

import re
from csv import QUOTE_NONNUMERIC
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$")


def _is_formula_like(text: str) -> bool:
    return text.startswith(TRIGGERS) and _PLAIN_NUMBER.match(text) is None


def escape_cell(value: Any) -> Any:
    """``'`` before text a spreadsheet would run as a formula; anything else unchanged."""
    if isinstance(value, str) and _is_formula_like(value.lstrip("'")):
        return "'" + value
    return value


def unescape_cell(value: Any) -> Any:
    """The inverse of ``escape_cell``."""
    if isinstance(value, str) and value.startswith("'") and _is_formula_like(value.lstrip("'")):
        return value[1:]
    return value


def _text_columns(frame: pd.DataFrame) -> list[Any]:
    import pandas as pd

    return [
        c
        for c in frame.columns
        if pd.api.types.is_object_dtype(frame[c]) or pd.api.types.is_string_dtype(frame[c])
    ]


def _map_where(column: pd.Series, starts: tuple[str, ...], fn: Any) -> pd.Series:
    """``fn`` applied to the cells of ``column`` that may need it (found vectorised: the text,
    leading quotes removed, begins with one of ``starts``); the others as they are."""
    try:
        text = column.str.lstrip("'")
    except AttributeError:  # an object column without text
        return column
    candidates = text.str.startswith(starts).astype("boolean").fillna(False).to_numpy(bool)
    if not candidates.any():
        return column
    out = column.astype(object)
    out[candidates] = [fn(v) for v in out[candidates]]
    return out


def escape_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` with formula-like text cells and headers escaped (numbers as they
    are)."""
    out = frame.copy()
    for column in _text_columns(out):
        out[column] = _map_where(out[column], TRIGGERS, escape_cell)
    out.columns = [escape_cell(c) for c in out.columns]
    if out.index.dtype == object:
        out.index = out.index.map(escape_cell)
    if out.index.name is not None:
        out.index.name = escape_cell(out.index.name)
    return out


def write_csv(frame: pd.DataFrame, path: Path | str, index: bool = False) -> None:
    """Write ``frame`` as UTF-8 CSV with formula-like text escaped: the one CSV writer of
    kaifang's outputs."""
    escaped = escape_frame(frame)
    # the csv module quotes a field holding "\n" but not one holding a lone "\r", which every
    # reader takes for the end of the row: such a table has its text quoted
    if _has_carriage_return(escaped):
        escaped.to_csv(path, index=index, quoting=QUOTE_NONNUMERIC)
    else:
        escaped.to_csv(path, index=index)


def _has_carriage_return(frame: pd.DataFrame) -> bool:
    names = [str(c) for c in frame.columns]
    return any("\r" in n for n in names) or any(
        frame[c].map(lambda v: isinstance(v, str) and "\r" in v).any() for c in _text_columns(frame)
    )


def read_csv(path: Path | str, **kwargs: Any) -> pd.DataFrame:
    """Read a CSV written by ``write_csv``, the escaping undone (``kwargs`` go to pandas)."""
    import pandas as pd

    frame: pd.DataFrame = pd.read_csv(path, **kwargs)
    for column in _text_columns(frame):
        frame[column] = _map_where(frame[column], TRIGGERS, unescape_cell)
    frame.columns = [unescape_cell(c) for c in frame.columns]
    return frame
