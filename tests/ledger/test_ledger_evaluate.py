"""The tiny ledger of conftest.py: statuses, flags, indicator evidence and reminders by hand."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest

from kaifang.ledger import evaluate_ledger, load_ledger


@pytest.fixture
def status(ledger_project: Callable[..., Path]):  # type: ignore[no-untyped-def]
    return evaluate_ledger(load_ledger(ledger_project()))


def test_derived_statuses_by_hand(status) -> None:  # type: ignore[no-untyped-def]
    derived = dict(zip(status.measures["id"], status.measures["derived"], strict=True))
    assert derived == {"top": "delayed", "a": "on_track", "b": "delayed", "c": "delayed"}
    numbers = dict(zip(status.measures["id"], status.measures["number"], strict=True))
    assert numbers == {"top": "1", "a": "1.1", "b": "1.2", "c": "1.3"}


def test_indicator_evidence_is_the_target_tracking(status) -> None:  # type: ignore[no-untyped-def]
    ind = status.indicators.set_index("measure")
    assert ind.loc["a", "unit"] == "101"
    assert ind.loc["a", "status"] == "on_track"
    assert ind.loc["a", "ratio"] == pytest.approx(146.41 / (100 * 2 ** (4 / 7)), rel=1e-12)
    assert ind.loc["b", "status"] == "off_track"
    assert ind.loc["b", "ratio"] == pytest.approx(50 / (50 * 2 ** (4 / 7)), rel=1e-12)


def test_mismatches_are_flagged_in_both_languages(status) -> None:  # type: ignore[no-untyped-def]
    m = status.measures.set_index("id")
    assert not m.loc["a", "mismatch"]
    assert m.loc["b", "mismatch_en"] == "reported on track, indicator Trade off track"
    assert m.loc["b", "mismatch_zh"] == "填报为按计划推进，但指标“进出口总额”明显滞后"
    assert m.loc["c", "mismatch_zh"] == "填报为存在风险，但1个里程碑逾期：平台建成"
    assert m.loc["top", "reported"] == ""  # parents have no report of their own


def test_reminders_by_hand(status) -> None:  # type: ignore[no-untyped-def]
    r = status.reminders
    # quarterly reports are due 15 days after the quarter; a: only 2024Q4 reported
    a = r[r["measure"] == "a"]
    assert list(a["period"]) == ["2024Q1", "2024Q2", "2024Q3"]
    assert set(a["state"]) == {"overdue"}
    assert list(a["due"]) == [dt.date(2024, 4, 15), dt.date(2024, 7, 15), dt.date(2024, 10, 15)]
    assert list(a["days_overdue"]) == [260, 169, 77]
    c = r[r["measure"] == "c"]
    # 2024Q4 is due 2025-01-15, within the 30 days of the reminder horizon
    assert list(zip(c["period"], c["state"], strict=True)) == [
        ("2024Q1", "overdue"),
        ("2024Q2", "overdue"),
        ("2024Q4", "due"),
    ]
    assert set(r["department"]) == {"com", "drc"}
    assert "top" not in set(r["measure"])  # reports are expected of tasks, not of parents


def test_as_of_moves_the_judgement(ledger_project: Callable[..., Path]) -> None:
    early = evaluate_ledger(load_ledger(ledger_project()), dt.date(2024, 9, 1))
    derived = dict(zip(early.measures["id"], early.measures["derived"], strict=True))
    assert derived["c"] == "on_track"  # m2 is due 2024-09-30: not overdue on 2024-09-01
