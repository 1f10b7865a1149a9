"""Steering tools built on an assessment: target tracking, weight scenarios, allocation of funds.

- ``evaluate_targets``: required and realised growth, straight path, status, projection.
- ``run_scenarios``: the assessment rerun with changed weights, compared to the baseline.
- ``allocate``: the factor method (因素法) with a performance tilt, floors, caps and exact rounding.
"""

from kaifang.steering.allocation import AllocationReport, allocate
from kaifang.steering.scenario import ScenarioReport, parse_set, run_scenarios
from kaifang.steering.targets import TargetReport, evaluate_targets

__all__ = [
    "AllocationReport",
    "ScenarioReport",
    "TargetReport",
    "allocate",
    "evaluate_targets",
    "parse_set",
    "run_scenarios",
]
