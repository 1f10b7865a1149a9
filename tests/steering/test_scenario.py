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
    for bad in ("weighttalent=2x", "weight.talent=", "weight.talent=-1", "score.x=2x"):
        with pytest.raises(ValueError):
            parse_set(bad)


def test_weight_and_share_changes_by_hand(steer_project: Callable[..., Path]) -> None:
    config = steer_project()
    # baseline effective weights: x1 0.25, x2 0.25, x3 0.5
    # weight.x1=2x: within p1 2/3 and 1/3 -> x1 1/3, x2 1/6, x3 1/2
    e = _effective(config, "weight.x1=2x")
    assert (e["x1"], e["x2"], e["x3"]) == pytest.approx((1 / 3, 1 / 6, 1 / 2))
    # share.x1=2x: 0.5, 0.25, 0.5 / 1.25 -> 0.4, 0.2, 0.4
    e = _effective(config, "share.x1=2x")
    assert (e["x1"], e["x2"], e["x3"]) == pytest.approx((0.4, 0.2, 0.4))
    # share.x1=0.5: the others keep proportions in 0.5: x2 0.25 * 0.5 / 0.75, x3 0.5 * 0.5 / 0.75
    e = _effective(config, "share.x1=0.5")
    assert (e["x1"], e["x2"], e["x3"]) == pytest.approx((0.5, 1 / 6, 1 / 3))
    # a glob matching every indicator changes nothing in share mode: all doubled, renormalised
    e = _effective(config, "share.x*=2x")
    assert (e["x1"], e["x2"], e["x3"]) == pytest.approx((0.25, 0.25, 0.5))


def test_rank_movers_and_spearman_by_hand(steer_project: Callable[..., Path]) -> None:
    config = steer_project()
    scenario = Scenario(id="x2_up", changes=[parse_set("share.x2=4x")])
    report = run_scenarios(kaifang.load(config), [scenario])
    # shares 0.25, 1, 0.5 / 1.75 = 1/7, 4/7, 2/7; 2024 values x1 (0, 50, 100), x2 (100, 50, 0),
    # x3 (0, 100, 50): A = 400/7 = 57.14, B = (50 + 200 + 200)/7 = 64.29, C = 200/7 = 28.57
    movers = report.movers.set_index("unit")
    assert movers.loc["101", "score_baseline"] == pytest.approx(25.0)
    assert movers.loc["101", "score_scenario"] == pytest.approx(400 / 7)
    assert movers.loc["102", "score_scenario"] == pytest.approx(450 / 7)
    assert movers.loc["103", "score_scenario"] == pytest.approx(200 / 7)
    # ranks A 3 -> 2 (+1), B 1 -> 1, C 2 -> 3 (-1)
    assert movers["rank_change"].to_dict() == {"101": 1, "102": 0, "103": -1}
    summary = report.summary.iloc[0]
    # rank differences (1, 0, 1): rho = 1 - 6 * 2 / (3 * 8) = 0.5
    assert summary["spearman_rho"] == pytest.approx(0.5)
    assert summary["units_moved"] == 2
    assert summary["share_baseline"] == pytest.approx(0.25)
    assert summary["share_scenario"] == pytest.approx(4 / 7)
    pillars = report.pillars.set_index("node")
    # p1 = x1 + x2 = 5/7 after, 1/2 before
    assert pillars.loc["p1", "effective_scenario"] == pytest.approx(5 / 7)
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
            {"id": "a", "changes": [{"node": "x*", "kind": "share", "multiply": 2}]},
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
