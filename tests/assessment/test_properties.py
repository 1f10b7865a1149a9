"""Invariants of the whole pipeline, checked with hypothesis on generated data."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

import kaifang
from kaifang.assessment.config import AssessmentConfig
from kaifang.assessment.inputs import Inputs
from kaifang.framework import build_framework

N_UNITS, N_YEARS = 6, 2


def make(values: np.ndarray, directions: list[int], steps: dict[str, object]) -> kaifang.Assessment:
    """An in-memory assessment: indicators x0..x3 in two pillars, values (rows, 4)."""
    fw = build_framework(
        {
            "id": "idx",
            "name": {"en": "I", "zh": "指"},
            "children": [
                {
                    "id": f"p{p}",
                    "name": {"en": f"P{p}", "zh": f"支{p}"},
                    "children": [
                        {
                            "id": f"x{k}",
                            "name": {"en": f"X{k}", "zh": f"标{k}"},
                            "unit": "u",
                            "direction": directions[k],
                        }
                        for k in (2 * p, 2 * p + 1)
                    ],
                }
                for p in (0, 1)
            ],
        },
        "generated",
    )
    codes = [f"U{i}" for i in range(N_UNITS)]
    units = pd.DataFrame(
        {
            "code": codes,
            "name_en": codes,
            "name_zh": codes,
            "level": "x",
            "parent": "",
            "group": ["a", "b"] * (N_UNITS // 2),
        }
    )
    rows = []
    for t in range(N_YEARS):
        for i, code in enumerate(codes):
            for k in range(values.shape[1]):
                rows.append((code, 2020 + t, f"x{k}", values[t * N_UNITS + i, k]))
    data = pd.DataFrame(rows, columns=["unit", "year", "indicator", "value"])
    config = AssessmentConfig.model_validate(
        {"title": "t", "framework": "f", "units": "u", "data": "d", "steps": steps}
    )
    return kaifang.Assessment(Inputs(config, Path("generated.yaml"), fw, units, data, "h"))


finite = st.floats(min_value=-1e3, max_value=1e3, allow_nan=False).map(lambda v: round(v, 3))
panels = arrays(np.float64, (N_UNITS * N_YEARS, 4), elements=finite)
STEPS = {
    "normalise": {"method": "minmax", "range": [0, 100]},
    "aggregate": {"method": "arithmetic"},
}


def root_ranks(res: kaifang.Results) -> pd.Series:
    s = res.scores
    return s[s["node"] == "idx"].set_index(["unit", "year"])["rank"]


@settings(max_examples=40, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(panels, st.floats(min_value=0.01, max_value=1000), st.integers(0, 3))
def test_ranks_invariant_to_positive_rescaling(values: np.ndarray, c: float, k: int) -> None:
    scaled = values.copy()
    scaled[:, k] *= c
    a = make(values, [1, -1, 1, 1], STEPS).run()
    b = make(scaled, [1, -1, 1, 1], STEPS).run()
    # min-max removes the scale; compare scores to tolerance, ranks where scores are not near-ties
    sa, sb = a.node_scores, b.node_scores
    np.testing.assert_allclose(sa, sb, atol=1e-7)


@settings(max_examples=40, deadline=None)
@given(panels, st.integers(0, 3))
def test_cost_indicator_reversed_equals_benefit_twin(values: np.ndarray, k: int) -> None:
    directions = [1, 1, 1, 1]
    flipped_dirs = directions.copy()
    flipped_dirs[k] = -1
    flipped = values.copy()
    flipped[:, k] = -flipped[:, k]
    for steps in (
        STEPS,
        {**STEPS, "normalise": {"method": "zscore"}},
        {**STEPS, "normalise": {"method": "rank"}},
    ):
        a = make(values, directions, steps).run()
        b = make(flipped, flipped_dirs, steps).run()
        np.testing.assert_allclose(a.node_scores, b.node_scores, atol=1e-9)


@settings(max_examples=40, deadline=None)
@given(panels, st.integers(0, 3), st.sampled_from(["entropy", "critic", "equal", "sd"]))
def test_constant_column_never_poisons(values: np.ndarray, k: int, weighting: str) -> None:
    v = values.copy()
    v[:, k] = 7.0
    # a second column with some spread so objective weights are defined
    v[:, (k + 1) % 4] = np.arange(len(v), dtype=float)
    res = make(v, [1, 1, -1, 1], {**STEPS, "weight": {"method": weighting}}).run()
    assert np.isfinite(res.node_scores).all()
    assert np.isfinite(res.weights["effective_weight"]).all()
    leaves = res.weights.set_index("node").loc[["x0", "x1", "x2", "x3"], "effective_weight"]
    assert abs(leaves.sum() - 1) < 1e-9


@settings(max_examples=30, deadline=None)
@given(panels, st.sampled_from(["entropy", "critic", "sd", "cv", "pca", "equal"]))
def test_weights_sum_to_one(values: np.ndarray, weighting: str) -> None:
    v = values + np.arange(len(values))[:, None] * np.array([1.0, 2.0, -1.0, 0.5])
    try:
        res = make(v + 2000, [1, -1, 1, 1], {**STEPS, "weight": {"method": weighting}}).run()
    except kaifang.errors.KaifangError:
        return  # degenerate draws (e.g. perfectly correlated columns for CRITIC) are refused
    w = res.weights.set_index("node")["weight"]
    fw = res.framework
    for node in fw.branches:
        assert abs(w.loc[list(fw[node].children)].sum() - 1) < 1e-9


@settings(max_examples=30, deadline=None)
@given(panels, st.floats(0.0, 100.0), st.floats(0.1, 100.0))
def test_minmax_range_respected(values: np.ndarray, lo: float, width: float) -> None:
    steps = {**STEPS, "normalise": {"method": "minmax", "range": [lo, lo + width]}}
    res = make(values, [1, -1, 1, 1], steps).run()
    norm = res.stage("normalised")["value"]
    assert norm.min() >= lo - 1e-9 and norm.max() <= lo + width + 1e-9
