"""The pipeline end to end on a tiny assessment computed by hand (see fixtures/tiny)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import kaifang
from kaifang.errors import KaifangError


def score(results: kaifang.Results, unit: str, year: int, node: str) -> float:
    s = results.scores
    row = s[(s["unit"] == unit) & (s["year"] == year) & (s["node"] == node)]
    assert len(row) == 1
    return float(row["score"].iloc[0])


def rank(results: kaifang.Results, unit: str, year: int, node: str) -> int:
    s = results.scores
    row = s[(s["unit"] == unit) & (s["year"] == year) & (s["node"] == node)]
    return int(row["rank"].iloc[0])


def test_hand_computed_scores(tiny_config: Path) -> None:
    res = kaifang.load(tiny_config).run()
    # 2020, min-max [0, 100] per year:
    #   x1 10,20,30 -> 0,50,100; x2 (cost) 5,1,3 -> (5-x)/4*100 = 0,100,50
    #   x3 = x3/pop = 10,10,15 -> 0,0,100; x4 0,4,2 -> 0,100,50
    #   p1 = (x1+x2)/2 = 0,75,75; p2 = (x3+x4)/2 = 0,50,75
    #   idx = (2 p1 + p2)/3 = 0, 200/3, 75
    expected_2020 = {"U1": 0.0, "U2": 200 / 3, "U3": 75.0}
    for unit, value in expected_2020.items():
        assert score(res, unit, 2020, "idx") == pytest.approx(value)
    assert score(res, "U2", 2020, "x2") == pytest.approx(100.0)
    assert score(res, "U3", 2020, "p2") == pytest.approx(75.0)
    # ranks: ties share the best rank (p1: U2 and U3 both 75)
    assert [rank(res, u, 2020, "p1") for u in ("U1", "U2", "U3")] == [3, 1, 1]
    assert [rank(res, u, 2020, "idx") for u in ("U1", "U2", "U3")] == [3, 2, 1]
    # 2021: x1 of U1 imputed by the year's mean (20+40)/2 = 30 -> x1 = 50,0,100;
    #   x2 and x3 constant -> mid-range 50; x4 1,2,3 -> 0,50,100
    #   p1 = 50,25,75; p2 = 25,50,75; idx = (100+25)/3, (50+50)/3, 75
    expected_2021 = {"U1": 125 / 3, "U2": 100 / 3, "U3": 75.0}
    for unit, value in expected_2021.items():
        assert score(res, unit, 2021, "idx") == pytest.approx(value)
    imputed = res.imputed
    assert len(imputed) == 1
    assert imputed.iloc[0][["unit", "year", "indicator"]].tolist() == ["U1", 2021, "x1"]
    assert imputed.iloc[0]["value"] == pytest.approx(30.0)


def test_weights_table(tiny_config: Path) -> None:
    w = kaifang.load(tiny_config).run().weights.set_index("node")
    assert w.loc["p1", "weight"] == pytest.approx(2 / 3)
    assert w.loc["x1", "effective_weight"] == pytest.approx(1 / 3)
    assert w.loc["x4", "effective_weight"] == pytest.approx(1 / 6)
    assert w.loc["idx", "parent"] == ""
    leaves = w.loc[["x1", "x2", "x3", "x4"], "effective_weight"]
    assert leaves.sum() == pytest.approx(1.0)


def test_variant_equal_weights(tiny_config: Path) -> None:
    base = kaifang.load(tiny_config)
    res = base.with_step("weight", method="equal").run()
    # idx = (p1 + p2)/2: U2 2020 = (75 + 50)/2
    assert score(res, "U2", 2020, "idx") == pytest.approx(62.5)
    # the original is unchanged (variants are new objects)
    assert score(base.run(), "U2", 2020, "idx") == pytest.approx(200 / 3)


def test_stages_kept(tiny_config: Path) -> None:
    res = kaifang.load(tiny_config).run()
    assert res.stage_names == ["raw", "denominated", "imputed", "normalised", "aggregated"]
    den = res.stage("denominated")
    value = den[(den.unit == "U3") & (den.year == 2020) & (den.indicator == "x3")]["value"]
    assert float(value.iloc[0]) == pytest.approx(15.0)
    assert list(res.stage("raw").columns) == ["unit", "year", "indicator", "value"]


def test_min_share_leaves_parent_missing(tiny_config: Path) -> None:
    a = kaifang.load(tiny_config).without_step("impute")
    res = a.with_step("aggregate", method="arithmetic", min_share=1.0).run()
    # U1 2021 lacks x1: p1 is missing rather than computed from x2 alone, and so is idx
    assert np.isnan(score(res, "U1", 2021, "p1"))
    assert np.isnan(score(res, "U1", 2021, "idx"))
    # without a threshold, p1 is the mean of the children present, weights rescaled: x2 only
    res2 = a.run()
    assert score(res2, "U1", 2021, "p1") == pytest.approx(50.0)


def test_geometric_mean_with_zero_is_clear_error(tiny_config: Path) -> None:
    a = kaifang.load(tiny_config).with_step("aggregate", method="geometric")
    with pytest.raises(KaifangError, match="geometric"):
        a.run()
    # normalising to [1, 100] makes it valid
    b = a.with_step("normalise", method="minmax", range=[1, 100])
    res = b.run()
    assert np.isfinite(res.scores["score"]).all()


def test_scores_long_form(tiny_config: Path) -> None:
    s = kaifang.load(tiny_config).run().scores
    assert list(s.columns) == ["unit", "year", "node", "level", "score", "rank"]
    # 3 units x 2 years x 7 nodes (root, 2 pillars, 4 indicators)
    assert len(s) == 3 * 2 * 7
    levels = s.drop_duplicates("node").set_index("node")["level"]
    assert levels["idx"] == 0 and levels["p1"] == 1 and levels["x3"] == 2
    assert isinstance(s, pd.DataFrame)


def test_with_weights(tiny_config: Path) -> None:
    base = kaifang.load(tiny_config)
    res = base.with_weights({"p1": 1.0}).run()
    # equal pillar weights now: idx = (p1 + p2)/2 = (75 + 50)/2 for U2 in 2020
    assert score(res, "U2", 2020, "idx") == pytest.approx(62.5)
    assert base.framework["p1"].node.weight == 2  # the original is unchanged
    with pytest.raises(KaifangError, match="unknown node"):
        base.with_weights({"nope": 1.0})
    with pytest.raises(KaifangError, match="positive"):
        base.with_weights({"p1": 0.0})
