"""A tiny project whose steering numbers are computed by hand in the tests of this folder.

Units 101, 102, 103 (A, B, C); pillars p1 (x1, x2) and p2 (x3), equal weights, so the
effective weights are x1 0.25, x2 0.25, x3 0.5. Values of 2024 (min-max per year is the
identity on 0..100): x1 = 0, 50, 100; x2 = 100, 50, 0 (more is better); x3 = 0, 100, 50, giving
index scores A 25, B 75, C 50. In 2023 x3 = 0, 50, 100 (scores A 25, B 50, C 75).
Auxiliary series: ``trade`` (targets) and ``pop`` (allocation factor, 2024: 100, 300, 600).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

FRAMEWORK = {
    "id": "idx",
    "name": {"en": "Index", "zh": "指数"},
    "auxiliary": [
        {"id": "trade", "name": {"en": "Trade", "zh": "进出口"}},
        {"id": "pop", "name": {"en": "Population", "zh": "人口"}},
    ],
    "children": [
        {
            "id": "p1",
            "name": {"en": "Pillar one", "zh": "支柱一"},
            "children": [
                {"id": "x1", "name": {"en": "X1", "zh": "指标一"}, "direction": 1},
                {"id": "x2", "name": {"en": "X2", "zh": "指标二"}, "direction": 1},
            ],
        },
        {
            "id": "p2",
            "name": {"en": "Pillar two", "zh": "支柱二"},
            "children": [{"id": "x3", "name": {"en": "X3", "zh": "指标三"}, "direction": 1}],
        },
    ],
}

TRADE = {  # 2020..2024
    "101": [100.0, 110.0, 121.0, 133.1, 146.41],  # +10% a year
    "102": [50.0, 50.0, 50.0, 50.0, 50.0],
    "103": [10.0, 20.0, 30.0, 40.0, 50.0],
}


def _rows() -> list[str]:
    rows = ["unit,year,indicator,value"]
    x1 = {"101": 0, "102": 50, "103": 100}
    x2 = {"101": 100, "102": 50, "103": 0}
    x3 = {"101": 0, "102": 100, "103": 50}
    x3_2023 = {"101": 0, "102": 50, "103": 100}
    pop = {"101": 100, "102": 300, "103": 600}
    for t, year in enumerate(range(2020, 2025)):
        for u in ("101", "102", "103"):
            rows.append(f"{u},{year},x1,{x1[u]}")
            rows.append(f"{u},{year},x2,{x2[u]}")
            rows.append(f"{u},{year},x3,{x3_2023[u] if year == 2023 else x3[u]}")
            rows.append(f"{u},{year},pop,{pop[u]}")
            rows.append(f"{u},{year},trade,{TRADE[u][t]}")
    return rows


@pytest.fixture
def steer_project(tmp_path: Path) -> Callable[..., Path]:
    """Write the tiny project with the given extra blocks; return the assessment.yaml path."""

    def make(weight: str = "framework", **blocks: object) -> Path:
        (tmp_path / "framework.yaml").write_text(
            yaml.safe_dump(FRAMEWORK, allow_unicode=True), encoding="utf-8"
        )
        (tmp_path / "units.csv").write_text(
            "code,name_en,name_zh,level\n101,A,甲,prefecture\n102,B,乙,prefecture\n"
            "103,C,丙,prefecture\n",
            encoding="utf-8",
        )
        (tmp_path / "data.csv").write_text("\n".join(_rows()) + "\n", encoding="utf-8")
        config = {
            "title": {"en": "Steering test", "zh": "调控测试"},
            "framework": "framework.yaml",
            "units": "units.csv",
            "data": "data.csv",
            "steps": {
                "normalise": {"method": "minmax", "range": [0, 100], "reference": "per_year"},
                "weight": {"method": weight},
                "aggregate": {"method": "arithmetic"},
            },
            **blocks,
        }
        path = tmp_path / "assessment.yaml"
        path.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
        return path

    return make
