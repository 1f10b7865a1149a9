"""Weight scenarios on the tiny project (scores computed by hand in conftest.py)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

import kaifang
from kaifang.errors import InputError
from kaifang.steering.models import Scenario, WeightChange
from kaifang.steering.scenario import (
    ScenarioError,
    apply_changes,
    parse_set,
    run_scenarios,
)


def _effective(config: Path, *changes: str) -> dict[str, float]:
    assessment = kaifang.load(config)
    fw, _ = apply_changes(assessment, assessment.framework, [parse_set(c) for c in changes])
    from dataclasses import replace

    from kaifang.assessment import Assessment

    w = Assessment(replace(assessment.inputs, framework=fw)).run().weights
    return dict(zip(w["node"], w["effective_weight"], strict=True))


def test_parse_set() -> None:
    assert parse_set("weight.trade_*=2x") == WeightChange(node="trade_*", multiply=2.0)
    assert parse_set("weight.talent=0.5") == WeightChange(node="talent", set=0.5)
    assert parse_set("share.fdi_*=1.5X") == WeightChange(node="fdi_*", kind="share", multiply=1.5)
    assert parse_set("share.trade_*|fdi_*=2x") == WeightChange(
        node="trade_*|fdi_*", kind="share", multiply=2.0
    )
    for bad in ("weighttalent=2x", "weight.talent=", "weight.talent=-1", "score.x=2x"):
        with pytest.raises(ValueError):
            parse_set(bad)


def test_weight_and_share_changes_by_hand(steer_project: Callable[..., Path]) -> None:
    config = steer_project()
    # baseline effective weights: x1 0.25, x2 0.25, x3 0.5
    # weight.x1=2x: within p1 2/3 and 1/3 -> x1 1/3, x2 1/6, x3 1/2
    e = _effective(config, "weight.x1=2x")
    assert (e["x1"], e["x2"], e["x3"]) == pytest.approx((1 / 3, 1 / 6, 1 / 2))
    # share.x1=2x doubles the share itself: x1 0.25 -> 0.5, the others share the other 0.5 in
    # their old proportions (0.25 : 0.5) -> x2 1/6, x3 1/3
    e = _effective(config, "share.x1=2x")
    assert (e["x1"], e["x2"], e["x3"]) == pytest.approx((0.5, 1 / 6, 1 / 3))
    # two globs joined by |: the joint share of x1 and x2 (0.5) times 1.5 -> 0.75
    e = _effective(config, "share.x1|x2=1.5x")
    assert (e["x1"], e["x2"], e["x3"]) == pytest.approx((0.375, 0.375, 0.25))
    # share.x1=0.5: the others keep proportions in 0.5: x2 0.25 * 0.5 / 0.75, x3 0.5 * 0.5 / 0.75
    e = _effective(config, "share.x1=0.5")
    assert (e["x1"], e["x2"], e["x3"]) == pytest.approx((0.5, 1 / 6, 1 / 3))
    # a glob matching every indicator cannot change its share (it is the whole index), and a
    # share pushed to 1 or beyond leaves nothing for the others
    with pytest.raises(ScenarioError, match="whole index"):
        _effective(config, "share.x*=2x")
    with pytest.raises(ScenarioError, match="leaving nothing"):
        _effective(config, "share.x3=2x")


def test_rank_movers_and_spearman_by_hand(steer_project: Callable[..., Path]) -> None:
    config = steer_project()
    scenario = Scenario(id="x2_up", changes=[parse_set("share.x2=3x")])
    report = run_scenarios(kaifang.load(config), [scenario])
    # x2's share 0.25 -> 0.75; x1 and x3 share 0.25 as 1 : 2 -> 1/12, 1/6. 2024 values
    # x1 (0, 50, 100), x2 (100, 50, 0), x3 (0, 100, 50): A = 75, B = 50/12 + 37.5 + 100/6
    # = 175/3, C = 100/12 + 50/6 = 50/3
    movers = report.movers.set_index("unit")
    assert movers.loc["101", "score_baseline"] == pytest.approx(25.0)
    assert movers.loc["101", "score_scenario"] == pytest.approx(75.0)
    assert movers.loc["102", "score_scenario"] == pytest.approx(175 / 3)
    assert movers.loc["103", "score_scenario"] == pytest.approx(50 / 3)
    # baseline B 75, C 50, A 25; ranks A 3 -> 1 (+2), B 1 -> 2 (-1), C 2 -> 3 (-1)
    assert movers["rank_change"].to_dict() == {"101": 2, "102": -1, "103": -1}
    summary = report.summary.iloc[0]
    # rank differences (2, 1, 1): rho = 1 - 6 * 6 / (3 * 8) = -0.5
    assert summary["spearman_rho"] == pytest.approx(-0.5)
    assert summary["units_moved"] == 3
    assert summary["share_baseline"] == pytest.approx(0.25)
    assert summary["share_scenario"] == pytest.approx(0.75)
    pillars = report.pillars.set_index("node")
    # p1 = x1 + x2 = 1/12 + 3/4 = 5/6 after, 1/2 before
    assert pillars.loc["p1", "effective_scenario"] == pytest.approx(5 / 6)
    assert pillars.loc["p1", "effective_baseline"] == pytest.approx(0.5)
    # every unit, year and node is compared
    assert len(report.comparison) == 3 * 5 * 6


def test_no_change_keeps_the_ranking(steer_project: Callable[..., Path]) -> None:
    report = run_scenarios(
        kaifang.load(steer_project()), [Scenario(id="same", changes=[parse_set("weight.p1=1x")])]
    )
    assert report.summary.iloc[0]["spearman_rho"] == pytest.approx(1.0)
    assert (report.comparison["score_change"].abs() < 1e-12).all()


def test_yaml_scenarios_and_errors(steer_project: Callable[..., Path]) -> None:
    block = {
        "items": [
            {"id": "a", "changes": [{"node": "x1", "kind": "share", "multiply": 2}]},
            {"id": "b", "name": "p2 heavier", "changes": [{"node": "p2", "set": 3}]},
        ]
    }
    report = run_scenarios(kaifang.load(steer_project(scenarios=block)))
    assert report.summary["scenario"].tolist() == ["a", "b"]
    # p2 weight 3 vs p1 1: x3 0.75; x1 = x2 = 0.125
    w = report.weights[report.weights["scenario"] == "b"].set_index("node")
    assert w.loc["x3", "effective_scenario"] == pytest.approx(0.75)
    with pytest.raises(ScenarioError, match="no node id matches"):
        run_scenarios(
            kaifang.load(steer_project()), [Scenario(id="z", changes=[parse_set("weight.q=2x")])]
        )
    with pytest.raises(ScenarioError, match="does not use the framework weights"):
        run_scenarios(
            kaifang.load(steer_project(weight="equal")),
            [Scenario(id="z", changes=[parse_set("weight.x1=2x")])],
        )
    with pytest.raises(InputError, match="no 'scenarios:' block"):
        run_scenarios(kaifang.load(steer_project()))
    bad = {"items": [{"id": "c", "changes": [{"node": "x1", "multiply": 2, "set": 1}]}]}
    with pytest.raises(InputError, match="exactly one of"):
        run_scenarios(kaifang.load(steer_project(scenarios=bad)))


def test_scale_share_by_hand() -> None:
    import numpy as np

    from kaifang.errors import MethodError
    from kaifang.methods.steering import scale_share

    # S = 0.3 doubled to 0.6; the rest 0.7 -> 0.4 in proportions 0.2 : 0.5
    out = scale_share(np.array([0.1, 0.2, 0.2, 0.5]), np.array([1, 0, 1, 0], bool), 2.0)
    assert out.tolist() == pytest.approx([0.2, 0.4 * 2 / 7, 0.4, 0.4 * 5 / 7])
    # halving works the same way
    out = scale_share(np.array([0.5, 0.5]), np.array([True, False]), 0.5)
    assert out.tolist() == pytest.approx([0.25, 0.75])
    for shares, matched, factor, message in [
        ([0.5, 0.5], [True, False], 2.0, "leaving nothing"),
        ([0.5, 0.4], [True, False], 1.5, "sum to 1"),
        ([0.5, 0.5], [False, False], 1.5, "no indicator"),
    ]:
        with pytest.raises(MethodError, match=message):
            scale_share(np.array(shares), np.array(matched), factor)


@pytest.mark.parametrize("factor", [0.25, 0.5, 1.5, 2.0])
def test_scale_share_invariants(factor: float) -> None:
    import numpy as np
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from kaifang.methods.steering import scale_share

    @settings(max_examples=60, deadline=None)
    @given(
        st.lists(st.floats(0.01, 10), min_size=2, max_size=12),
        st.lists(st.booleans(), min_size=12, max_size=12),
    )
    def check(raw: list[float], flags: list[bool]) -> None:
        e = np.array(raw) / sum(raw)
        m = np.array(flags[: len(raw)])
        if not m.any() or m.all() or factor * e[m].sum() >= 1:
            return
        out = scale_share(e, m, factor)
        assert out.sum() == pytest.approx(1.0)
        assert out[m].sum() == pytest.approx(factor * e[m].sum())
        # the others keep their proportions
        rest = e[~m] / e[~m].sum()
        assert (out[~m] / out[~m].sum()).tolist() == pytest.approx(rest.tolist())

    check()


def test_changes_described_in_words(steer_project: Callable[..., Path]) -> None:
    scenarios = [
        Scenario(id="a", changes=[parse_set("share.x1|x2=1.5x")]),
        Scenario(id="b", changes=[parse_set("weight.x1=2x")]),
    ]
    summary = run_scenarios(kaifang.load(steer_project()), scenarios).summary
    assert summary["changes_zh"].tolist() == [
        "编号匹配 x1|x2 的 2 个指标在指数中的合计份额×1.5",
        "指标一相对同级的权重×2",
    ]
    assert summary["changes_en"].tolist()[1] == "X1: weight relative to siblings ×2"
    assert summary["share_scenario"].iloc[0] == pytest.approx(0.75)
