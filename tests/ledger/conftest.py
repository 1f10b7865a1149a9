"""A tiny assessment with a trade series, and a ledger on it whose statuses are worked by hand.

Trade (2020..2024): unit 101 grows 10% a year (100 -> 146.41), 102 stays at 50, 103 goes
10, 20, 30, 40, 50. Doubling 2020 -> 2027 needs 2^(1/7) - 1 = 10.41% a year, so the straight path
in 2024 is base x 2^(4/7) = base x 1.48599: unit 101 has ratio 146.41 / 148.599 = 0.985 (on track,
>= 0.98); unit 102 has 50 / 74.30 = 0.673 (off track).

On 2024-12-31: measure ``a`` (unit 101, milestone done) is on track; ``b`` (unit 102, its own
doubling target) is delayed by the indicator; ``c`` has a milestone due 2024-09-30 still open, so
it is delayed; their parent ``top`` is delayed.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

FRAMEWORK = {
    "id": "idx",
    "name": {"en": "Index", "zh": "指数"},
    "auxiliary": [{"id": "trade", "name": {"en": "Trade", "zh": "进出口总额"}}],
    "children": [{"id": "x1", "name": {"en": "X1", "zh": "指标一"}, "direction": 1}],
}
TRADE = {
    "101": [100.0, 110.0, 121.0, 133.1, 146.41],
    "102": [50.0] * 5,
    "103": [10.0, 20.0, 30.0, 40.0, 50.0],
}


def ledger_dict() -> dict[str, Any]:
    return {
        "title": {"zh": "测试台账", "en": "Test ledger"},
        "assessment": "assessment.yaml",
        "as_of": "2024-12-31",
        "departments": [
            {"id": "com", "name": {"zh": "商务厅", "en": "Commerce"}},
            {"id": "drc", "name": {"zh": "发展改革委", "en": "DRC"}},
        ],
        "measures": [
            {
                "id": "top",
                "name": {"zh": "外贸倍增", "en": "Double trade"},
                "lead": "com",
                "regions": ["100000"],
                "start": "2024-01-01",
                "deadline": "2027-12-31",
                "children": [
                    {
                        "id": "a",
                        "name": {"zh": "甲任务", "en": "Task A"},
                        "lead": "com",
                        "cooperating": ["drc"],
                        "regions": ["101"],
                        "start": "2024-01-01",
                        "deadline": "2027-12-31",
                        "milestones": [
                            {
                                "id": "m1",
                                "name": {"zh": "方案印发", "en": "Plan issued"},
                                "due": "2024-06-30",
                                "done": "2024-06-01",
                            }
                        ],
                        "indicators": [{"indicator": "trade", "target": "dbl"}],
                    },
                    {
                        "id": "b",
                        "name": {"zh": "乙任务", "en": "Task B"},
                        "lead": "drc",
                        "regions": ["102"],
                        "start": "2024-01-01",
                        "deadline": "2027-12-31",
                        "indicators": [
                            {
                                "indicator": "trade",
                                "target": {"base_year": 2020, "multiple": 2, "target_year": 2027},
                            }
                        ],
                    },
                    {
                        "id": "c",
                        "name": {"zh": "丙任务", "en": "Task C"},
                        "lead": "drc",
                        "start": "2024-01-01",
                        "deadline": "2027-12-31",
                        "milestones": [
                            {
                                "id": "m2",
                                "name": {"zh": "平台建成", "en": "Platform built"},
                                "due": "2024-09-30",
                            }
                        ],
                    },
                ],
            }
        ],
        "progress": [
            {"measure": "a", "period": "2024Q4", "status": "on_track", "percent": 50},
            {
                "measure": "b",
                "period": "2024Q4",
                "status": "on_track",
                "percent": 40,
                "narrative": {"zh": "进展顺利", "en": "Going well"},
            },
            {"measure": "c", "period": "2024Q3", "status": "at_risk", "percent": 30},
        ],
    }


@pytest.fixture
def ledger_data() -> dict[str, Any]:
    """A fresh copy of the tiny ledger, to change in a test."""
    return ledger_dict()


@pytest.fixture
def ledger_project(tmp_path: Path) -> Callable[..., Path]:
    """Write the tiny assessment and a ledger (``ledger_dict()`` or the one given)."""

    def make(ledger: dict[str, Any] | None = None) -> Path:
        (tmp_path / "framework.yaml").write_text(
            yaml.safe_dump(FRAMEWORK, allow_unicode=True), encoding="utf-8"
        )
        (tmp_path / "units.csv").write_text(
            "code,name_en,name_zh,level,parent\n101,A,甲,prefecture,100000\n"
            "102,B,乙,prefecture,100000\n103,C,丙,prefecture,100000\n",
            encoding="utf-8",
        )
        rows = ["unit,year,indicator,value"]
        for t, year in enumerate(range(2020, 2025)):
            for u in TRADE:
                rows += [f"{u},{year},x1,{t}", f"{u},{year},trade,{TRADE[u][t]}"]
        (tmp_path / "data.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
        config = {
            "title": {"en": "Ledger test", "zh": "台账测试"},
            "framework": "framework.yaml",
            "units": "units.csv",
            "data": "data.csv",
            "steps": {"normalise": {"method": "minmax"}, "aggregate": {"method": "arithmetic"}},
            "targets": {
                "additive": ["trade"],
                "items": [
                    {
                        "id": "dbl",
                        "indicator": "trade",
                        "base_year": 2020,
                        "multiple": 2,
                        "target_year": 2027,
                    }
                ],
            },
        }
        (tmp_path / "assessment.yaml").write_text(
            yaml.safe_dump(config, allow_unicode=True), encoding="utf-8"
        )
        path = tmp_path / "ledger.yaml"
        path.write_text(
            yaml.safe_dump(
                ledger if ledger is not None else ledger_dict(), allow_unicode=True, sort_keys=False
            ),
            encoding="utf-8",
        )
        return path

    return make
