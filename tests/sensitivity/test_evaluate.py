"""The batched evaluator gives exactly what the full pipeline rebuilt with the same choices
gives; its stacked means equal kaifang.methods.aggregate run by run."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import kaifang
from kaifang.errors import InputError
from kaifang.methods import aggregate as agg
from kaifang.sensitivity import Evaluator, SensitivityError, SensitivitySpec
from kaifang.sensitivity.design import monte_carlo, saltelli
from kaifang.sensitivity.evaluate import stacked_mean

REPO = Path(__file__).resolve().parents[2]
ASEM = REPO / "examples" / "asem" / "assessment.yaml"
GUIZHOU = REPO / "examples" / "guizhou" / "assessment.yaml"


def _check_against_rebuild(ev: Evaluator, codes: np.ndarray, pools: dict[int, Any]) -> None:
    batch = ev.evaluate(codes, pools)
    for r in range(codes.shape[0]):
        res = ev.rebuild(codes[r], pools).run()
        rows = res.grid.block(ev.year)
        col = res.node_ids.index(ev.node)
        expected = res.node_scores[rows, col]
        assert np.allclose(batch.scores[r], expected, rtol=0, atol=1e-9), ev.describe(codes[r])
        assert np.array_equal(batch.ranks[r], res.node_ranks[rows, col]), ev.describe(codes[r])


def test_asem_batched_equals_rebuilt() -> None:
    spec = SensitivitySpec.model_validate(
        {
            "inputs": [
                {"name": "winmax", "step": "treat", "parameter": "winmax", "values": [1, 3, 5]},
                {
                    "name": "normalisation",
                    "step": "normalise",
                    "options": [
                        {"method": "minmax", "range": [1, 100]},
                        {"method": "zscore", "mean": 10, "sd": 2},
                    ],
                },
                {"name": "weights", "noise": {1: 0.25, 2: 0.25, 3: 0.1}},
                {"step": "aggregate", "parameter": "method", "values": ["arithmetic", "geometric"]},
                {"drop_indicator": "all"},
            ]
        }
    )
    ev = Evaluator(kaifang.load(ASEM), spec)
    design = monte_carlo(ev.n_levels(noise_pool=10), 10, seed=4, fresh=ev.is_noise())
    _check_against_rebuild(ev, design.codes, ev.draw_noise(10, 4))


def test_guizhou_batched_equals_rebuilt_with_imputation_weights_and_topsis() -> None:
    # 9 prefectures over 9 years: imputation in time, entropy weights (panel), TOPSIS at the
    # root over children that differ run by run
    spec = SensitivitySpec.model_validate(
        {
            "inputs": [
                {
                    "step": "impute",
                    "options": [
                        {"method": "linear_time", "then": "group_mean", "by": "group"},
                        {"method": "mean", "then": None},
                    ],
                },
                {
                    "step": "weight",
                    "options": [{"method": "framework"}, {"method": "entropy", "delta": 0.01}],
                },
                {
                    "step": "normalise",
                    "options": [{"method": "minmax", "range": [1, 100]}, {"method": "rank"}],
                },
                {"noise": {1: 0.3}},
                {
                    "step": "aggregate",
                    "options": [
                        {"method": "arithmetic"},
                        {"method": "geometric"},
                        {"method": "arithmetic", "levels": {0: "topsis"}},
                    ],
                },
                {"drop_indicator": "all", "keep_all": False},
            ]
        }
    )
    ev = Evaluator(kaifang.load(GUIZHOU), spec)
    design = saltelli(ev.n_levels(), 2, seed=9)  # 2 * (2 * 6 + 2) = 28 runs
    _check_against_rebuild(ev, design.codes[:14], ev.draw_noise(None, 9))


def test_nominal_choices_reproduce_the_nominal_ranks() -> None:
    # options equal to the config's own steps: every run is the nominal assessment
    spec = SensitivitySpec.model_validate(
        {"inputs": [{"step": "treat", "parameter": "winmax", "values": [5]}]}
    )
    ev = Evaluator(kaifang.load(ASEM), spec)
    batch = ev.evaluate(np.zeros((3, 1), dtype=np.int64))
    assert np.array_equal(batch.ranks, np.tile(ev.nominal_ranks, (3, 1)))
    # COINr's published top score (CHE 68.38, conventions note) comes out of the fast path
    assert batch.scores[0, ev.units.index("CHE")] == pytest.approx(68.383724238341713, abs=1e-9)


def test_chunks_and_order_do_not_change_results() -> None:
    spec = SensitivitySpec.model_validate(
        {
            "inputs": [
                {"step": "treat", "parameter": "winmax", "values": [1, 5]},
                {"step": "normalise", "options": [{"range": [1, 100]}]},
                {"noise": {2: 0.25}},
                {"step": "aggregate", "parameter": "method", "values": ["arithmetic", "geometric"]},
            ]
        }
    )
    ev = Evaluator(kaifang.load(ASEM), spec)
    design = monte_carlo(ev.n_levels(noise_pool=40), 40, seed=2, fresh=ev.is_noise())
    pools = ev.draw_noise(40, 2)
    whole = ev.evaluate(design.codes, pools)
    pieces = np.empty_like(whole.scores)
    ranks = np.empty_like(whole.ranks)
    for idx, batch in ev.iter_batches(design.codes, pools, chunk=7):
        pieces[idx], ranks[idx] = batch.scores, batch.ranks
    # BLAS may sum in another order for another batch size: equal to rounding
    assert np.allclose(pieces, whole.scores, rtol=1e-14, atol=0)
    assert np.array_equal(ranks, whole.ranks)
    assert ev.upstream_combinations == 2  # one normalised matrix per winmax, cached


def test_bad_inputs_are_reported_together() -> None:
    spec = SensitivitySpec.model_validate(
        {
            "node": "nowhere",
            "inputs": [
                {"noise": {7: 0.2}},
                {"drop_indicator": ["Flights", "NotAnIndicator"]},
                {"step": "normalise", "options": [{"method": "minmax", "range": [5, 1]}]},
            ],
        }
    )
    with pytest.raises(InputError) as info:
        Evaluator(kaifang.load(ASEM), spec)
    text = str(info.value)
    assert "'nowhere'" in text and "level 7" in text and "NotAnIndicator" in text
    assert "option 1" in text and "range" in text


def test_geometric_mean_of_a_non_positive_value_names_the_choices() -> None:
    spec = SensitivitySpec.model_validate(
        {
            "inputs": [
                {
                    "name": "norm",
                    "step": "normalise",
                    "options": [{"method": "minmax", "range": [0, 100]}],
                },
                {
                    "name": "agg",
                    "step": "aggregate",
                    "parameter": "method",
                    "values": ["geometric"],
                },
            ]
        }
    )
    ev = Evaluator(kaifang.load(ASEM), spec)
    with pytest.raises(SensitivityError, match="agg = geometric"):
        ev.evaluate(np.zeros((1, 2), dtype=np.int64))


@settings(max_examples=30, deadline=None)
@given(
    seed=st.integers(0, 10_000),
    method=st.sampled_from(["arithmetic", "geometric", "harmonic", "power"]),
    p=st.sampled_from([-2.0, 0.5, 3.0]),
    min_share=st.sampled_from([0.0, 0.6]),
    missing=st.booleans(),
)
def test_stacked_mean_equals_methods_run_by_run(
    seed: int, method: str, p: float, min_share: float, missing: bool
) -> None:
    rng = np.random.default_rng(seed)
    x = rng.uniform(0.5, 100.0, size=(4, 6, 3))
    if missing:
        x[rng.random(x.shape) < 0.3] = np.nan
    w = rng.uniform(0.0, 2.0, size=(4, 3)) + 0.01
    got = stacked_mean(method, x, w, min_share, p)
    for r in range(4):
        if method == "power":
            want = agg.power_mean(x[r], w[r], p, min_share=min_share)
        else:
            want = agg.AGGREGATORS[method](x[r], w[r], min_share=min_share)
        assert np.allclose(got[r], want, rtol=1e-12, atol=0, equal_nan=True)
