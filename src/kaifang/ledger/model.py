"""The measures ledger (任务台账) file: departments, the tree of measures, progress reports.

A ledger file is YAML::

    title: {zh: ..., en: ...}
    assessment: assessment.yaml      # optional: links indicators and their targets
    simulated_progress: true         # the progress reports are simulated (labelled everywhere)
    reporting: {frequency: quarterly, due_days: 15}
    departments:
      - {id: commerce, name: {zh: 省商务厅, en: Department of Commerce}}
    measures:                        # breakthrough -> task -> ... (any depth)
      - id: trade_doubling
        name: {zh: ..., en: ...}
        lead: commerce
        cooperating: [customs]
        regions: ["520000"]
        start: 2024-01-01
        deadline: 2027-12-31
        milestones:
          - {id: m1, name: {zh: ..., en: ...}, due: 2024-06-30, done: 2024-06-20}
        indicators:
          - {indicator: trade_total, target: trade_doubling_2025}
        children: [...]
    progress:
      - {measure: trade_doubling, period: 2024Q2, status: on_track, percent: 40,
         narrative: {zh: ..., en: ...}}

The models check each record on its own; :func:`kaifang.ledger.load.load_ledger` checks what
spans records (unknown departments, spans of milestones and children, links to the framework).
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from kaifang.framework import Name
from kaifang.problem_messages import LocalValueError

ID = Annotated[str, Field(pattern=r"^[A-Za-z][A-Za-z0-9_]*$", max_length=64)]
STATUSES = ("not_started", "on_track", "at_risk", "delayed", "done")
Status = Literal["not_started", "on_track", "at_risk", "delayed", "done"]
Frequency = Literal["monthly", "quarterly", "half_yearly", "yearly"]
_PERIOD = {
    "monthly": re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$"),
    "quarterly": re.compile(r"^(\d{4})Q([1-4])$"),
    "half_yearly": re.compile(r"^(\d{4})H([12])$"),
    "yearly": re.compile(r"^(\d{4})$"),
}


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _bilingual(value: object) -> object:
    return {"en": value, "zh": value} if isinstance(value, str) else value


class Department(Strict):
    id: ID
    name: Name

    _name = field_validator("name", mode="before")(_bilingual)


class Milestone(Strict):
    id: ID
    name: Name
    due: dt.date
    done: dt.date | None = None  # the day it was completed; empty while open

    _name = field_validator("name", mode="before")(_bilingual)


class OwnTarget(Strict):
    """A target set on the measure itself, in the ``targets:`` block's terms. Like those, it
    tracks the raw series (before any denominator): name it when the indicator is a ratio."""

    name: Name | None = None
    base_year: int
    multiple: Annotated[float, Field(gt=0)] | None = None
    level: Annotated[float, Field(gt=0)] | None = None
    target_year: int

    @model_validator(mode="after")
    def _check(self) -> OwnTarget:
        if (self.multiple is None) == (self.level is None):
            raise LocalValueError("v_multiple_or_level")
        if self.target_year <= self.base_year:
            raise LocalValueError(
                "v_target_after_base", target_year=self.target_year, base_year=self.base_year
            )
        return self

    _name = field_validator("name", mode="before")(_bilingual)


class IndicatorLink(Strict):
    """An indicator of the framework that shows the measure's progress, with its target: the id
    of an item of the assessment's ``targets:`` block, or a target set here."""

    indicator: ID
    target: ID | OwnTarget | None = None


class Measure(Strict):
    id: ID
    name: Name
    lead: ID
    cooperating: list[ID] = Field(default_factory=list)
    # codes of the units table (GB/T 2260 administrative codes for Chinese regions)
    regions: list[Annotated[str, Field(pattern=r"^[A-Za-z0-9_.-]{1,32}$")]] = Field(
        default_factory=list
    )
    start: dt.date
    deadline: dt.date
    milestones: list[Milestone] = Field(default_factory=list)
    indicators: list[IndicatorLink] = Field(default_factory=list)
    children: list[Measure] = Field(default_factory=list)

    _name = field_validator("name", mode="before")(_bilingual)

    @field_validator("regions", mode="before")
    @classmethod
    def _codes_as_text(cls, v: object) -> object:
        # 520000 written without quotes is an int in YAML; administrative codes are text
        return [str(c) for c in v] if isinstance(v, list) else v

    @model_validator(mode="after")
    def _span(self) -> Measure:
        if self.deadline < self.start:
            raise LocalValueError(
                "v_deadline_after_start", deadline=self.deadline, start=self.start
            )
        return self


class ProgressReport(Strict):
    measure: ID
    period: str
    status: Status
    percent: Annotated[float, Field(ge=0, le=100)]
    narrative: Name | None = None
    submitted: dt.date | None = None

    _narrative = field_validator("narrative", mode="before")(_bilingual)


class Reporting(Strict):
    frequency: Frequency = "quarterly"
    due_days: Annotated[int, Field(ge=0, le=90)] = 15  # days after a period's end
    remind_days: Annotated[int, Field(ge=0, le=90)] = 30  # list reports due this soon


class LedgerFile(Strict):
    title: Name
    assessment: str | None = None
    simulated_progress: bool = False
    as_of: dt.date | None = None  # the day statuses are judged at; default: today
    reporting: Reporting = Field(default_factory=Reporting)
    departments: list[Department] = Field(min_length=1)
    measures: list[Measure] = Field(min_length=1)
    progress: list[ProgressReport] = Field(default_factory=list)

    _title = field_validator("title", mode="before")(_bilingual)


def period_bounds(period: str, frequency: Frequency) -> tuple[dt.date, dt.date]:
    """First and last day of a reporting period written as ``2024Q2``, ``2024-05``, ``2024H1``
    or ``2024``; ``ValueError`` if the text is not a period of ``frequency``."""
    m = _PERIOD[frequency].match(period)
    if m is None:
        examples = {"monthly": "2024-05", "quarterly": "2024Q2", "half_yearly": "2024H1"}
        raise ValueError(
            f"period {period!r} is not a {frequency} period (write it as "
            f"{examples.get(frequency, '2024')})"
        )
    year = int(m.group(1))
    months = {"monthly": 1, "quarterly": 3, "half_yearly": 6, "yearly": 12}[frequency]
    index = int(m.group(2)) if frequency != "yearly" else 1
    first_month = (index - 1) * months + 1
    start = dt.date(year, first_month, 1)
    end_month = first_month + months
    end = (
        dt.date(year + 1, 1, 1) if end_month > 12 else dt.date(year, end_month, 1)
    ) - dt.timedelta(days=1)
    return start, end


def periods_between(first: dt.date, last: dt.date, frequency: Frequency) -> list[str]:
    """The labels of the periods that overlap ``[first, last]``, in order."""
    months = {"monthly": 1, "quarterly": 3, "half_yearly": 6, "yearly": 12}[frequency]
    labels: list[str] = []
    year, index = first.year, (first.month - 1) // months + 1
    while True:
        label = _label(year, index, frequency)
        start, _ = period_bounds(label, frequency)
        if start > last:
            return labels
        labels.append(label)
        index += 1
        if index > 12 // months:
            year, index = year + 1, 1


def _label(year: int, index: int, frequency: Frequency) -> str:
    if frequency == "monthly":
        return f"{year}-{index:02d}"
    if frequency == "quarterly":
        return f"{year}Q{index}"
    if frequency == "half_yearly":
        return f"{year}H{index}"
    return str(year)
