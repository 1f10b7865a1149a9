"""The ``ledger:`` block of an assessment config: the measures ledger the report shows beside the
assessment, evaluated against that assessment.

```yaml
ledger:
  path: ledger.yaml        # relative to the config file
  as_of: 2024-12-31        # optional: the day statuses are judged at (default: the ledger's
                           # own as_of, else the day of the run)
```
``ledger: ledger.yaml`` is short for ``ledger: {path: ledger.yaml}``. The ledger's links to
indicators are checked against, and tracked with, the assessment being run (its own
``targets:`` block included); the ledger file's own ``assessment:`` key is not read here.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd
from pydantic import BaseModel, ConfigDict, model_validator

from kaifang.errors import InputError, Problem
from kaifang.ledger.evaluate import evaluate_ledger
from kaifang.ledger.load import load_ledger
from kaifang.ledger.saved import LedgerProgress
from kaifang.yamlio import line_of

if TYPE_CHECKING:
    from kaifang.assessment import Assessment


class LedgerBlock(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    path: str
    as_of: dt.date | None = None

    @model_validator(mode="before")
    @classmethod
    def _short_form(cls, value: Any) -> Any:
        return {"path": value} if isinstance(value, str) else value


def ledger_block(config_path: Path) -> tuple[LedgerBlock, Path] | None:
    """The validated block and the ledger file it names (``None`` without a block); a missing
    file is a problem at the block's line of the config."""
    from kaifang.assessment.config import config_block, load_config_with_lines

    block = config_block(config_path, "ledger", LedgerBlock)
    if block is None:
        return None
    path = Path(block.path)
    path = path if path.is_absolute() else config_path.parent / path
    if not path.is_file():
        _, _, lines = load_config_with_lines(config_path)
        row = line_of(lines, ("ledger", "path"))
        raise InputError(
            [Problem.of(str(config_path), "ledger_file_not_found", row=row, path=block.path)]
        )
    return block, path


def evaluate_block(
    assessment: Assessment, targets: pd.DataFrame | None = None
) -> LedgerProgress | None:
    """The ledger of the config's ``ledger:`` block evaluated on its day against
    ``assessment`` (``None`` without a block). ``targets``: the summary of the ``targets:``
    block when the run already computed it."""
    found = ledger_block(assessment.inputs.config_path)
    if found is None:
        return None
    block, path = found
    ledger = load_ledger(path, assessment=assessment)
    status = evaluate_ledger(ledger, block.as_of, targets=targets)
    return LedgerProgress(ledger, status)
