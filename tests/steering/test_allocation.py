"""Allocation: factor shares, grades, bounds and rounding by hand; invariants by hypothesis."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

import kaifang
from kaifang.errors import MethodError
from kaifang.methods import steering as ms
from kaifang.steering.allocation import AllocationError, allocate

RULE = {
    "budget": 1_000_000,
    "rounding": 10_000,
    "base": {
        "share": 0.5,
        "factors": [{"factor": "equal", "weight": 0.5}, {"factor": "pop", "weight": 0.5}],
    },
    "performance": {"share": 0.3, "method": "score_share"},
    "improvement": {"share": 0.2},
}


def test_kernels_by_hand() -> None:
    # equal 1/3 and pop shares (0.1, 0.3, 0.6), weights 0.5 / 0.5
    b = ms.factor_shares(np.array([[1, 100], [1, 300], [1, 600]]), np.array([0.5, 0.5]))
    assert b == pytest.approx([1 / 6 + 0.05, 1 / 6 + 0.15, 1 / 6 + 0.30])
    assert ms.performance_shares([25, 75, 50]) == pytest.approx([1 / 6, 1 / 2, 1 / 3])
    grades = ms.grade_by_thresholds([85, 70, 60, 59.9, 90], [85, 70, 60])
    assert grades.tolist() == [0, 1, 2, 3, 0]
    # ranks 1..10, cuts 0.2 / 0.5 / 0.8: r/n = 0.1, 0.2 -> A; 0.3..0.5 -> B; 0.6..0.8 -> C
    q = ms.grade_by_rank_quantiles(np.arange(1, 11), [0.2, 0.5, 0.8])
    assert q.tolist() == [0, 0, 1, 1, 1, 2, 2, 2, 3, 3]
    assert ms.improvement_shares([25, 75, 50], [25, 50, 75]) == pytest.approx([0, 1, 0])
    # q = 15.8333, 50.8333, 33.3333 -> floors 15 + 50 + 33 = 98; two more steps to the largest
    # remainders 0.8333 (A) and 0.8333 (B, tie broken by order)
    out = ms.largest_remainder([158_333.33, 508_333.34, 333_333.33], 10_000, 1_000_000)
    assert out.tolist() == [160_000, 510_000, 330_000]
    with pytest.raises(MethodError, match="multiple"):
        ms.largest_remainder([500.0, 500.0], 300, 1000)


def test_bounds_by_hand() -> None:
    a = np.array([158_333.33, 508_333.34, 333_333.33])
    inf = np.full(3, np.inf)
    # cap 400k: B and then C are capped, A takes the remaining 200k
    x = ms.fit_to_bounds(a, np.zeros(3), np.full(3, 400_000.0), 1_000_000)
    assert x == pytest.approx([200_000, 400_000, 400_000])
    # floor 300k: A and then C are lifted, B keeps 400k
    x = ms.fit_to_bounds(a, np.full(3, 300_000.0), inf, 1_000_000)
    assert x == pytest.approx([300_000, 400_000, 300_000])
    with pytest.raises(MethodError, match="floors sum"):
        ms.fit_to_bounds(a, np.full(3, 400_000.0), inf, 1_000_000)
    with pytest.raises(MethodError, match="cannot absorb"):
        ms.fit_to_bounds(a, np.zeros(3), np.full(3, 300_000.0), 1_000_000)


def test_allocate_tiny_project_by_hand(steer_project: Callable[..., Path]) -> None:
    report = allocate(kaifang.load(steer_project(allocation=RULE)))
    t = report.table.set_index("unit")
    # base 500k x (0.216667, 0.316667, 0.466667); performance 300k x (1/6, 1/2, 1/3);
    # improvement 200k all to B (score 50 -> 75; A 25 -> 25; C 75 -> 50)
    assert t.loc["101", "base"] == pytest.approx(108_333.333, abs=1e-3)
    assert t.loc["102", "performance"] == pytest.approx(150_000)
    assert t.loc["102", "improvement"] == pytest.approx(200_000)
    assert t.loc["103", "improvement"] == 0
    # by rule: A 158,333.33, B 508,333.33, C 333,333.33 -> 160k, 510k, 330k
    assert t.loc[["101", "102", "103"], "final"].tolist() == [160_000, 510_000, 330_000]
    assert t.loc["TOTAL", "final"] == 1_000_000
    assert "= budget 1,000,000" in t.loc["TOTAL", "unit_en"]
    assert "largest remainder" in t.loc["101", "formula_en"]
    assert "最大余额法" in t.loc["101", "formula_zh"]


def test_allocate_with_grades_caps_and_errors(steer_project: Callable[..., Path]) -> None:
    rule = {
        **RULE,
        "performance": {
            "share": 0.3,
            "method": "grades",
            "grades": {
                "by": "score",
                "thresholds": [70, 40, 20],
                "multipliers": {"A": 2, "B": 1, "C": 1, "D": 0.5},
            },
        },
        "cap": 400_000,
    }
    report = allocate(kaifang.load(steer_project(allocation=rule)))
    t = report.table.set_index("unit")
    # scores 25, 75, 50 -> grades C, A, B; multipliers 1, 2, 1 -> shares 1/4, 1/2, 1/4
    assert t.loc[["101", "102", "103"], "grade"].tolist() == ["C", "A", "B"]
    assert t.loc["101", "performance"] == pytest.approx(75_000)
    # by rule A 183,333, B 508,333, C 308,333; B capped at 400k, A and C share 600k
    # in proportion 183,333 : 308,333 -> 223,729 and 376,271 -> 220k and 380k
    assert t.loc["102", "final"] == 400_000
    assert t.loc[["101", "103"], "final"].tolist() == [220_000, 380_000]
    assert t.loc["TOTAL", "final"] == 1_000_000
    with pytest.raises(AllocationError, match="floors sum"):
        allocate(kaifang.load(steer_project(allocation={**RULE, "floor": 400_000})))
    with pytest.raises(AllocationError, match="cannot absorb"):
        allocate(kaifang.load(steer_project(allocation={**RULE, "cap": 300_000})))
    with pytest.raises(AllocationError, match="multiple of the rounding"):
        allocate(kaifang.load(steer_project(allocation={**RULE, "floor": 5})))
    with pytest.raises(AllocationError, match="not a multiple"):
        allocate(kaifang.load(steer_project(allocation=RULE)), budget=1_000_001)


def test_a_denormal_amount_next_to_a_large_cap_gets_the_rest_of_the_budget() -> None:
    # 5.6e-305 and 10,000: the only unit with room is the tiny one, whose scale
    # 10,000 / 5.6e-305 overflows a float; it must still receive the whole budget
    a = np.array([1.1125369292536007e-308, 2.0])
    a = a / a.sum() * 10_000
    x = ms.fit_to_bounds(a, np.zeros(2), np.array([20_000.0, 0.0]), 10_000)
    assert x.tolist() == [10_000.0, 0.0]
    # and with a floor below it: 10,000 floor + 10,000 more, cap 30,000
    a = np.array([1.1125369292536007e-308, 2.0])
    a = a / a.sum() * 20_000
    x = ms.fit_to_bounds(a, np.array([10_000.0, 0.0]), np.array([30_000.0, 0.0]), 20_000)
    assert x.tolist() == [20_000.0, 0.0]
    assert ms.largest_remainder(x, 10_000, 20_000).tolist() == [20_000, 0]


amounts = st.lists(st.floats(0, 1e6), min_size=1, max_size=12)


@given(raw=amounts, n_steps=st.integers(1, 5000), data=st.data())
def test_allocation_always_sums_to_the_budget(
    raw: list[float], n_steps: int, data: st.DataObject
) -> None:
    a = np.array(raw)
    assume(a.sum() > 0)
    step = 10_000
    budget = n_steps * step
    a = a / a.sum() * budget
    n = len(a)
    floors = np.array(data.draw(st.lists(st.integers(0, 3), min_size=n, max_size=n))) * step
    caps = floors + np.array(data.draw(st.lists(st.integers(0, 5000), min_size=n, max_size=n)))
    caps = caps * step // step * step
    caps = np.maximum(caps, floors)
    free = a > 0
    feasible = floors.sum() <= budget <= caps[free].sum() + floors[~free].sum()
    if not feasible:
        with pytest.raises(MethodError):
            ms.fit_to_bounds(a, floors, caps, budget)
        return
    x = ms.fit_to_bounds(a, floors.astype(float), caps.astype(float), budget)
    final = ms.largest_remainder(x, step, budget)
    assert sum(int(v) for v in final) == budget
    assert (final >= floors).all() and (final <= caps).all()
    assert (final % step == 0).all()


@given(
    scores=st.lists(st.floats(0, 100), min_size=2, max_size=10),
    i=st.integers(0, 9),
    bump=st.floats(0, 50),
)
def test_raising_a_score_never_lowers_its_performance_share(
    scores: list[float], i: int, bump: float
) -> None:
    s = np.array(scores)
    i = i % len(s)
    assume(s.sum() > 0)
    up = s.copy()
    up[i] += bump
    assert ms.performance_shares(up)[i] >= ms.performance_shares(s)[i] - 1e-12
    mult = np.array([1.5, 1.2, 1.0, 0.5])
    for grade in (
        lambda v: ms.grade_by_thresholds(v, [80, 60, 40]),
        lambda v: ms.grade_by_rank_quantiles(
            1 + (v[None, :] > v[:, None]).sum(axis=1), [0.25, 0.5, 0.75]
        ),
    ):
        before = ms.performance_shares(mult[grade(s)])[i]
        after = ms.performance_shares(mult[grade(up)])[i]
        assert after >= before - 1e-12
