"""Filters of the ledger's table of measures (``LedgerStatus.measures``): by department
(leading or cooperating), region, derived and reported status, and deadline. The platform's
ledger page and its JSON API filter with the same rules."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd


@dataclass(frozen=True)
class Filters:
    """The ledger table's filters as the GET form sent them (empty: no filter)."""

    department: str = ""
    region: str = ""
    status: str = ""
    reported: str = ""
    deadline_before: dt.date | None = None

    def active(self) -> bool:
        return bool(
            self.department or self.region or self.status or self.reported or self.deadline_before
        )


def filter_measures(table: pd.DataFrame, where: Filters) -> pd.DataFrame:
    """The rows of ``table`` (``LedgerStatus.measures``) that pass the filters: the department
    leads or cooperates, the region is one of the measure's, the derived and the reported
    status (``none``: no report), the deadline lies before the day."""
    if table.empty:
        return table
    keep = pd.Series(True, index=table.index)
    if where.department:
        cooperating = table["cooperating"].astype(str).str.split(";")
        keep &= (table["lead"] == where.department) | cooperating.map(
            lambda ids: where.department in ids
        )
    if where.region:
        keep &= table["regions"].astype(str).str.split(";").map(lambda ids: where.region in ids)
    if where.status:
        keep &= table["derived"] == where.status
    if where.reported:
        keep &= table["reported"] == ("" if where.reported == "none" else where.reported)
    if where.deadline_before:
        keep &= table["deadline"].map(lambda day: day < where.deadline_before)
    return table[keep]
