"""Uncertainty analysis: rank and score statistics equal numpy's over the rebuilt runs."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

import kaifang
from kaifang.sensitivity import Evaluator, SensitivitySpec, run_uncertainty, uncertainty_analysis
from kaifang.sensitivity.design import monte_carlo
from kaifang.sensitivity.uncertainty import quantiles_from_counts

REPO = Path(__file__).resolve().parents[2]
ASEM = REPO / "examples" / "asem" / "assessment.yaml"


def test_quantiles_from_counts_by_hand() -> None:
    # samples of unit 0: ranks 1, 1, 2, 4 -> sorted [1, 1, 2, 4]; numpy linear rule:
    # q05: h = 3 * 0.05 = 0.15 -> 1 + 0.15 * (1 - 1) = 1
    # q50: h = 1.5 -> 1 + 0.5 * (2 - 1) = 1.5
    # q95: h = 2.85 -> 2 + 0.85 * (4 - 2) = 3.7
    counts = np.array([[0, 2, 1, 0, 1]])
    out = quantiles_from_counts(counts, np.arange(5, dtype=float))
    assert np.allclose(out, [[1.0, 1.5, 3.7]])


@settings(max_examples=40, deadline=None)
@given(st.lists(st.integers(1, 12), min_size=1, max_size=60))
def test_quantiles_from_counts_equal_numpy(ranks: list[int]) -> None:
    counts = np.bincount(ranks, minlength=13)[None, :]
    out = quantiles_from_counts(counts, np.arange(13, dtype=float))
    assert np.allclose(out[0], np.quantile(ranks, [0.05, 0.5, 0.95]), atol=1e-12)


def test_statistics_equal_numpy_over_the_runs() -> None:
    spec = SensitivitySpec.model_validate(
        {
            "inputs": [
                {"step": "treat", "parameter": "winmax", "values": [1, 3, 5]},
                {
                    "step": "normalise",
                    "options": [{"range": [1, 100]}, {"method": "zscore", "mean": 10, "sd": 2}],
                },
                {"noise": {1: 0.25, 2: 0.25}},
                {"step": "aggregate", "parameter": "method", "values": ["arithmetic", "geometric"]},
            ]
        }
    )
    assessment = kaifang.load(ASEM)
    result = run_uncertainty(assessment, spec, n=120, seed=5)
    # the same design evaluated in one go, summarised with numpy
    ev = Evaluator(assessment, spec)
    design = monte_carlo(ev.n_levels(noise_pool=120), 120, 5, fresh=ev.is_noise())
    batch = ev.evaluate(design.codes, ev.draw_noise(120, 5))
    table = result.table.set_index("unit").loc[ev.units]
    q = np.quantile(batch.ranks, [0.05, 0.5, 0.95], axis=0)
    assert np.allclose(table["q05_rank"], q[0]) and np.allclose(table["median_rank"], q[1])
    assert np.allclose(table["q95_rank"], q[2])
    assert np.allclose(table["mean_rank"], batch.ranks.mean(axis=0))
    qs = np.quantile(batch.scores, [0.05, 0.5, 0.95], axis=0)
    assert np.allclose(table["median_score"], qs[1], rtol=1e-12)
    assert np.allclose(table["mean_score"], batch.scores.mean(axis=0), rtol=1e-12)
    assert np.array_equal(table["nominal_rank"], ev.nominal_ranks)
    # design: one row per run, options by label, the mean absolute rank shift per run
    assert len(result.design) == 120
    shift = np.abs(batch.ranks - ev.nominal_ranks).mean(axis=1)
    assert np.allclose(result.design["mean_abs_rank_shift"], shift)
    assert set(result.design["aggregate.method"]) <= {"arithmetic", "geometric"}


def test_asem_block_percentiles_are_ordered_and_reproducible() -> None:
    assessment = kaifang.load(ASEM)
    table = uncertainty_analysis(assessment, n=200, seed=3)
    again = uncertainty_analysis(assessment, n=200, seed=3)
    assert table.equals(again)
    assert (table["q05_rank"] <= table["median_rank"]).all()
    assert (table["median_rank"] <= table["q95_rank"]).all()
    assert (table["q05_score"] <= table["median_score"]).all()
    assert (table["median_score"] <= table["q95_score"]).all()
    assert table["nominal_rank"].tolist() == list(range(1, 52))  # sorted by nominal rank
    assert table["q05_rank"].min() >= 1 and table["q95_rank"].max() <= 51


def test_output_node_and_year_can_be_chosen() -> None:
    spec = SensitivitySpec.model_validate({"node": "Conn", "inputs": [{"noise": {2: 0.25}}]})
    result = run_uncertainty(kaifang.load(ASEM), spec, n=50, seed=1)
    assert result.node == "Conn" and result.year == 2018
    nominal = kaifang.load(ASEM).run().scores
    conn = nominal[nominal["node"] == "Conn"].set_index("unit")["rank"]
    table = result.table.set_index("unit")
    assert np.array_equal(table["nominal_rank"].to_numpy(), conn.loc[table.index].to_numpy(float))
