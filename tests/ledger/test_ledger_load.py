"""Bad ledgers: every problem is named with its file and YAML line, all at once."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from kaifang.errors import InputError
from kaifang.ledger import load_ledger


def _task(d: dict[str, Any], i: int) -> dict[str, Any]:
    task: dict[str, Any] = d["measures"][0]["children"][i]
    return task


def _set(path: str, value: Any) -> Callable[[dict[str, Any]], None]:
    def change(d: dict[str, Any]) -> None:
        keys = path.split(".")
        cur: Any = d
        for k in keys[:-1]:
            cur = cur[int(k)] if k.isdigit() else cur[k]
        cur[int(keys[-1]) if keys[-1].isdigit() else keys[-1]] = value

    return change


CASES = {
    "deadline before start": (
        _set("measures.0.children.0.deadline", "2023-12-31"),
        "deadline 2023-12-31 is before start 2024-01-01",
    ),
    "milestone outside its measure's span": (
        _set("measures.0.children.0.milestones.0.due", "2028-06-30"),
        "milestone 'm1' is due 2028-06-30, outside the measure's span 2024-01-01 to 2027-12-31",
    ),
    "child outside its parent": (
        _set("measures.0.children.2.deadline", "2029-12-31"),
        "measure 'c' runs 2024-01-01 to 2029-12-31, outside its parent 'top'",
    ),
    "unknown indicator": (
        _set("measures.0.children.0.indicators.0.indicator", "tarde"),
        "'tarde' is not an indicator of the assessment's framework",
    ),
    "unknown target": (
        _set("measures.0.children.0.indicators.0.target", "dbl2"),
        "target 'dbl2' is not in the assessment's targets (dbl)",
    ),
    "target of another indicator": (
        _set("measures.0.children.0.indicators.0.indicator", "x1"),
        "target 'dbl' tracks 'trade', not 'x1'",
    ),
    "unknown department": (
        _set("measures.0.children.1.lead", "finance"),
        "department 'finance' is not in departments: (com, drc)",
    ),
    "duplicate measure id": (
        _set("measures.0.children.2.id", "a"),
        "measure id 'a' is used twice",
    ),
    "progress for an unknown measure": (
        _set("progress.0.measure", "zz"),
        "progress report for unknown measure 'zz'",
    ),
    "period of another frequency": (
        _set("progress.0.period", "2024-11"),
        "period '2024-11' is not a quarterly period (write it as 2024Q2)",
    ),
    "percent above 100": (_set("progress.0.percent", 120), "less than or equal to 100"),
    "unknown status": (_set("progress.0.status", "fine"), "progress.0.status"),
    "unknown region": (
        _set("measures.0.children.0.regions", ["999"]),
        "region 999 is not a unit (or parent) of the assessment's units table",
    ),
    "unknown key": (_set("measures.0.children.0.owner", "x"), "unknown key"),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_bad_ledger_is_refused_with_file_and_line(
    case: str, ledger_project: Callable[..., Path], ledger_data: dict[str, Any]
) -> None:
    change, expected = CASES[case]
    data = ledger_data
    change(data)
    path = ledger_project(data)
    with pytest.raises(InputError) as info:
        load_ledger(path)
    text = "\n".join(str(p) for p in info.value.problems)
    assert expected in text
    assert all(p.file == str(path) for p in info.value.problems)
    assert all(p.row is not None for p in info.value.problems), text


def test_every_problem_is_reported_at_once(
    ledger_project: Callable[..., Path], ledger_data: dict[str, Any]
) -> None:
    data = ledger_data
    _task(data, 0)["lead"] = "nobody"
    _task(data, 1)["indicators"][0]["indicator"] = "nothing"
    data["progress"][0]["period"] = "2024Q9"
    with pytest.raises(InputError) as info:
        load_ledger(ledger_project(data))
    assert len(info.value.problems) == 3


def test_duplicate_report_names_the_first_line(
    ledger_project: Callable[..., Path], ledger_data: dict[str, Any]
) -> None:
    data = ledger_data
    data["progress"].append(dict(data["progress"][0]))
    with pytest.raises(
        InputError,
        match=r"a second progress report of 'a' for 2024Q4 \(the first "
        r"is on line \d+\)",
    ):
        load_ledger(ledger_project(data))


def test_not_a_mapping(tmp_path: Path) -> None:
    path = tmp_path / "ledger.yaml"
    path.write_text("- a\n- b\n", encoding="utf-8")
    with pytest.raises(InputError, match="a ledger file is a mapping"):
        load_ledger(path)
