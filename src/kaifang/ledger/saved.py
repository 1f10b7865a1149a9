"""A ledger and its evaluation saved in a folder and read back, so that a report is rebuilt from
the folder alone (``kaifang report``) without the ledger file or the assessment.

Files::

    ledger.json      the ledger as validated (title, departments, measures, progress reports)
    evaluation.json  the day it was judged at, whether its progress is simulated, its source
    measures.csv     LedgerStatus.measures: reported and derived status of every measure
    milestones.csv   LedgerStatus.milestones (overdue on the day)
    progress.csv     LedgerStatus.progress (every report)
    indicators.csv   LedgerStatus.indicators (target tracking of the linked indicators)
    reminders.csv    LedgerStatus.reminders (reports due or overdue)

The CSV files are the same tables ``kaifang ledger`` writes; reading them back gives the frames
of the evaluation with their types (dates as dates, flags as booleans, 序号 as text).
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
from pydantic import ValidationError

from kaifang.csvfiles import read_csv, write_csv
from kaifang.errors import InputError, Problem
from kaifang.ledger.evaluate import LedgerStatus
from kaifang.ledger.load import Ledger, flatten
from kaifang.ledger.model import LedgerFile

LEDGER_FILE = "ledger.json"
EVALUATION_FILE = "evaluation.json"
TABLES = ("measures", "milestones", "progress", "indicators", "reminders")
DATES = frozenset({"start", "deadline", "due", "done", "submitted"})
FLOATS = frozenset({"percent", "ratio", "projection_to_target"})
INTEGERS = frozenset({"depth", "days_overdue"})
YEARS = frozenset({"latest_year", "target_year"})
FLAGS = frozenset({"mismatch", "overdue"})


@dataclass(frozen=True)
class LedgerProgress:
    """A ledger with its evaluation: what the report's progress section shows. The ledger may
    come from a file (:func:`kaifang.ledger.load_ledger`) or from the platform database; the
    section needs nothing else."""

    ledger: Ledger
    status: LedgerStatus


def write_progress(progress: LedgerProgress, folder: Path) -> None:
    """Write the files above into ``folder`` (created; it must not exist)."""
    folder.mkdir()
    ledger, status = progress.ledger, progress.status
    (folder / LEDGER_FILE).write_text(
        json.dumps(ledger.file.model_dump(mode="json"), ensure_ascii=False, indent=1),
        encoding="utf-8",
    )
    about = {"as_of": status.as_of.isoformat(), "simulated": status.simulated}
    about["source"] = str(ledger.path)
    (folder / EVALUATION_FILE).write_text(
        json.dumps(about, ensure_ascii=False, indent=1), encoding="utf-8"
    )
    for name in TABLES:
        write_csv(getattr(status, name), folder / f"{name}.csv")


def _json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError([Problem(str(path), f"not a readable JSON file: {exc}")]) from None


def _date(text: str) -> dt.date | None:
    return dt.date.fromisoformat(text[:10]) if text else None


def _typed(table: pd.DataFrame, path: Path) -> pd.DataFrame:
    """The columns of a table read as text, given back their types."""
    out = table.copy()
    try:
        for col in out.columns:
            if col in DATES:
                out[col] = [_date(v) for v in out[col]]
            elif col in FLOATS:
                out[col] = [float(v) if v else float("nan") for v in out[col]]
            elif col in INTEGERS:
                out[col] = out[col].astype(int)
            elif col in YEARS:
                out[col] = pd.array([int(float(v)) if v else None for v in out[col]], dtype="Int64")
            elif col in FLAGS:
                out[col] = out[col].map({"True": True, "False": False}).astype(bool)
    except (ValueError, TypeError) as exc:
        raise InputError([Problem(str(path), f"column {col!r}: {exc}")]) from None
    return out


def read_progress(folder: Path) -> LedgerProgress | None:
    """The ledger and evaluation saved in ``folder`` (``None`` when there is none)."""
    if not (folder / LEDGER_FILE).is_file():
        return None
    data = _json(folder / LEDGER_FILE)
    try:
        model = LedgerFile.model_validate(data)
    except ValidationError as exc:
        raise InputError(
            [
                Problem(str(folder / LEDGER_FILE), f"{'.'.join(map(str, e['loc']))}: {e['msg']}")
                for e in exc.errors()
            ]
        ) from None
    about = _json(folder / EVALUATION_FILE)
    tables = {}
    for name in TABLES:
        path = folder / f"{name}.csv"
        if not path.is_file():
            raise InputError([Problem(str(path), "the ledger's table is missing")])
        tables[name] = _typed(read_csv(path, dtype=str, keep_default_na=False), path)
    try:
        as_of = dt.date.fromisoformat(str(about["as_of"]))
    except (KeyError, TypeError, ValueError):
        raise InputError(
            [Problem(str(folder / EVALUATION_FILE), "as_of: a date (YYYY-MM-DD) was expected")]
        ) from None
    ledger = Ledger(model, Path(str(about.get("source", ""))), flatten(model.measures))
    status = LedgerStatus(
        as_of=as_of,
        simulated=bool(about.get("simulated")),
        **tables,
    )
    return LedgerProgress(ledger, status)
