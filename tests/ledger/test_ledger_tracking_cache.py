"""The target tracking of a ledger is remembered for the same assessment and links: evaluating
the ledger again after a new progress report (what the platform does after every save) fits no
projection again, and gives the same evidence as a fresh evaluation."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest

import kaifang.steering.targets as targets
from kaifang.ledger import evaluate_ledger, load_ledger
from kaifang.ledger.model import ProgressReport


def _counting(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    calls: list[int] = []
    real = targets.evaluate_targets

    def counted(*args, **kwargs):  # type: ignore[no-untyped-def]
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(targets, "evaluate_targets", counted)
    return calls


def test_a_new_report_reuses_the_tracking(
    ledger_project: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = _counting(monkeypatch)
    ledger = load_ledger(ledger_project())
    first = evaluate_ledger(ledger)
    assert calls  # computed once
    computed = len(calls)
    # measure a's report for 2024Q4 is changed to "delayed"
    report = ProgressReport(measure="a", period="2024Q4", status="delayed", percent=90)
    others = [r for r in ledger.file.progress if r.measure != "a"]
    newer = dataclasses.replace(
        ledger, file=ledger.file.model_copy(update={"progress": [*others, report]})
    )
    second = evaluate_ledger(newer)
    assert len(calls) == computed  # remembered: no projection fitted again
    pd.testing.assert_frame_equal(first.indicators, second.indicators)
    pd.testing.assert_frame_equal(first.paths, second.paths)
    # the new report counts all the same
    assert second.measures.set_index("id").at["a", "reported"] == "delayed"
    # what a caller does to its copy is not remembered
    second.indicators.loc[:, "status"] = "changed"
    third = evaluate_ledger(newer)
    pd.testing.assert_frame_equal(first.indicators, third.indicators)


def test_another_assessment_is_tracked_again(
    ledger_project: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = _counting(monkeypatch)
    project = ledger_project()
    first = evaluate_ledger(load_ledger(project))
    computed = len(calls)
    again = evaluate_ledger(load_ledger(project))  # a new assessment object (reloaded)
    assert len(calls) == 2 * computed
    pd.testing.assert_frame_equal(first.indicators, again.indicators)


def test_single_targets_are_remembered_across_ledgers(
    ledger_project: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    # a ledger seen in another scope links a different set of the same targets: with the
    # whole-ledger memory gone, each target's own tracking is still reused
    from kaifang.ledger import evaluate as evaluation

    items: list[int] = []
    real = targets.evaluate_targets

    def counted(assessment, block=None):  # type: ignore[no-untyped-def]
        items.append(len(block.items))
        return real(assessment, block)

    monkeypatch.setattr(targets, "evaluate_targets", counted)
    ledger = load_ledger(ledger_project())
    first = evaluate_ledger(ledger)
    assert items and all(n >= 1 for n in items)
    computed = len(items)
    evaluation._tracking.clear()
    again = evaluate_ledger(ledger)
    assert len(items) == computed  # no target projected again
    pd.testing.assert_frame_equal(first.indicators, again.indicators)
    pd.testing.assert_frame_equal(first.paths, again.paths)
    # and the tracking equals a fresh one (both memories gone)
    evaluation._tracking.clear()
    evaluation._targets_done.clear()
    fresh = evaluate_ledger(ledger)
    assert len(items) > computed
    pd.testing.assert_frame_equal(first.indicators, fresh.indicators)
    pd.testing.assert_frame_equal(first.paths, fresh.paths)
