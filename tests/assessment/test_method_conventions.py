"""Conventions users bring from elsewhere: 熵权TOPSIS without a second normalisation, tie rules of
rank-based normalisations, an uncapped distance to target; checked against pymcdm, scipy and
hand computation, through the methods and through the pipeline."""

from __future__ import annotations

import json
import math
import warnings
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from pymcdm.methods import TOPSIS as PymcdmTopsis
from scipy.stats import rankdata
from typer.testing import CliRunner

import kaifang
from kaifang.assessment.config import Steps
from kaifang.cli import app
from kaifang.methods import mcda
from kaifang.methods import normalise as nrm
from kaifang.report.glossary import method_rows


def score(results: kaifang.Results, unit: str, year: int, node: str) -> float:
    s = results.scores
    row = s[(s["unit"] == unit) & (s["year"] == year) & (s["node"] == node)]
    return float(row["score"].iloc[0])


# ------------------------------------------------------------------ TOPSIS


def _pymcdm(x: np.ndarray, w: np.ndarray) -> np.ndarray:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # pymcdm warns about dominated alternatives
        return np.asarray(PymcdmTopsis()(x, w, np.ones(x.shape[1])))


@settings(max_examples=60, deadline=None)
@given(
    arrays(np.float64, (6, 3), elements=st.floats(0, 1)),
    arrays(np.float64, 3, elements=st.floats(0.05, 1)),
)
def test_topsis_none_equals_pymcdm_default_on_min_max_data(raw: np.ndarray, w: np.ndarray) -> None:
    span = raw.max(axis=0) - raw.min(axis=0)
    if np.any(span < 1e-6):
        return  # pymcdm divides by a zero range
    x = (raw - raw.min(axis=0)) / span  # oriented min-max, as the normalise step gives
    np.testing.assert_allclose(
        mcda.topsis(x, w / w.sum(), normalisation="none"), _pymcdm(x, w / w.sum()), atol=1e-12
    )


def test_topsis_none_by_hand() -> None:
    # p1 = 0, 75, 75 and p2 = 0, 50, 75 with weights 2/3, 1/3 (the tiny fixture in 2020):
    # ideal (75, 75), anti-ideal (0, 0); U2: D+ = 25/3, D- = 50 sqrt(10)/3
    x = np.array([[0.0, 0.0], [75.0, 50.0], [75.0, 75.0]])
    c = mcda.topsis(x, np.array([2.0, 1.0]) / 3, normalisation="none")
    u2 = 2 * math.sqrt(10) / (1 + 2 * math.sqrt(10))
    np.testing.assert_allclose(c, [0.0, u2, 1.0])


def test_topsis_default_follows_the_normalise_step() -> None:
    with_normalise = Steps.model_validate({"normalise": {}, "aggregate": {"method": "topsis"}})
    assert with_normalise.resolved_aggregate().topsis_normalisation == "none"
    without = Steps.model_validate({"aggregate": {"method": "topsis"}})
    assert without.resolved_aggregate().topsis_normalisation == "vector"
    chosen = Steps.model_validate(
        {"normalise": {}, "aggregate": {"method": "topsis", "topsis_normalisation": "vector"}}
    )
    assert chosen.resolved_aggregate().topsis_normalisation == "vector"
    assert Steps.model_validate({}).resolved_aggregate().topsis_normalisation == "vector"


def test_pipeline_topsis_uses_normalised_values_and_records_the_choice(
    tiny_config: Path,
) -> None:
    base = kaifang.load(tiny_config)
    res = base.with_step("aggregate", method="arithmetic", levels={0: "topsis"}).run()
    u2 = 2 * math.sqrt(10) / (1 + 2 * math.sqrt(10))
    got = [score(res, u, 2020, "idx") for u in ("U1", "U2", "U3")]
    np.testing.assert_allclose(got, [0.0, u2, 1.0], atol=1e-12)
    entry = next(s for s in res.record["steps"] if s["step"] == "aggregate")
    assert entry["parameters"]["topsis_normalisation"] == "none"
    row = next(r for r in method_rows(res.record) if r["parameter"] == "topsis_normalisation")
    assert row["value"] == "none"
    assert "SPSSAU" in row["meaning"]["en"]
    # the vector choice still gives the former numbers: columns divided by their norms
    vec = base.with_step(
        "aggregate", method="arithmetic", levels={0: "topsis"}, topsis_normalisation="vector"
    ).run()
    x = np.array([[0.0, 0.0], [75.0, 50.0], [75.0, 75.0]])
    expected = mcda.topsis(x, np.array([2.0, 1.0]) / 3, normalisation="vector")
    got = [score(vec, u, 2020, "idx") for u in ("U1", "U2", "U3")]
    np.testing.assert_allclose(got, expected, atol=1e-12)
    assert not np.allclose(expected, [0.0, u2, 1.0])


def test_run_json_records_the_resolved_topsis_choice(tiny_config: Path, tmp_path: Path) -> None:
    config = tmp_path / "assessment.yaml"
    text = tiny_config.read_text(encoding="utf-8").replace(
        "aggregate: {method: arithmetic}", "aggregate: {method: topsis}"
    )
    for name in ("framework.yaml", "units.csv", "data.csv"):
        (tmp_path / name).write_bytes((tiny_config.parent / name).read_bytes())
    config.write_text(text, encoding="utf-8")
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["assess", str(config), "-o", str(out), "--lang", "en"])
    assert result.exit_code == 0, result.output
    record = json.loads((out / "run.json").read_text(encoding="utf-8"))
    entry = next(s for s in record["steps"] if s["step"] == "aggregate")
    assert entry["parameters"]["topsis_normalisation"] == "none"
    assert record["config"]["steps"]["aggregate"]["topsis_normalisation"] is None  # as written


# ------------------------------------------------------------------ ties


@pytest.mark.parametrize("ties", ["min", "average", "max"])
def test_rank_ties_match_scipy(ties: str) -> None:
    x = np.array([[3.0], [1.0], [3.0], [2.0], [3.0]])
    np.testing.assert_array_equal(nrm.rank(x, ties=ties)[:, 0], rankdata(x[:, 0], method=ties))


def test_borda_ties_by_hand() -> None:
    x = np.array([[3.0], [1.0], [3.0], [2.0]])
    # units strictly worse: 2, 0, 2, 1 (COINr n_borda); average gives ties half a point each
    np.testing.assert_array_equal(nrm.borda(x)[:, 0], [2, 0, 2, 1])
    np.testing.assert_array_equal(nrm.borda(x, ties="average")[:, 0], [2.5, 0, 2.5, 1])
    np.testing.assert_array_equal(nrm.borda(x, ties="max")[:, 0], [3, 0, 3, 1])


@settings(max_examples=60, deadline=None)
@given(arrays(np.float64, (7, 2), elements=st.integers(0, 3).map(float)))
def test_borda_is_rank_minus_one_under_every_tie_rule(x: np.ndarray) -> None:
    for ties in ("min", "average", "max"):
        np.testing.assert_array_equal(nrm.borda(x, ties=ties), nrm.rank(x, ties=ties) - 1)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("method", "ties", "expected"),
    [
        # tiny fixture 2020, p1's x1 = 10, 20, 30 has no ties; x3 = x3/pop = 10, 10, 15 has one
        ("rank", "min", [1.0, 1.0, 3.0]),
        ("rank", "average", [1.5, 1.5, 3.0]),
        ("rank", None, [1.5, 1.5, 3.0]),  # unset: average, as before
        ("percentile_rank", "min", [0.0, 0.0, 1.0]),
        ("percentile_rank", "max", [0.5, 0.5, 1.0]),
        ("borda", None, [0.0, 0.0, 2.0]),  # unset: min, as before (COINr)
        ("borda", "average", [0.5, 0.5, 2.0]),
    ],
)
def test_ties_reach_the_normalise_step(
    tiny_config: Path, method: str, ties: str | None, expected: list[float]
) -> None:
    params: dict[str, object] = {"method": method}
    if ties is not None:
        params["ties"] = ties
    res = kaifang.load(tiny_config).with_step("normalise", **params).run()
    got = [score(res, u, 2020, "x3") for u in ("U1", "U2", "U3")]
    assert got == pytest.approx(expected)


# ------------------------------------------------------------------ distance to target


def test_distance_to_target_cap_option() -> None:
    x = np.array([[0.0], [5.0], [15.0]])
    np.testing.assert_allclose(nrm.distance_to_target(x, [10.0])[:, 0], [0.0, 0.5, 1.0])
    np.testing.assert_allclose(
        nrm.distance_to_target(x, [10.0], cap=False)[:, 0], [0.0, 0.5, 1.5]
    )  # COINr n_dist2targ(x, 10): (x - min) / (target - min), not capped


def test_unknown_keys_stay_errors_and_schema_lists_the_options(tmp_path: Path) -> None:
    with pytest.raises(ValueError):
        Steps.model_validate({"normalise": {"tie": "min"}})
    with pytest.raises(ValueError):
        Steps.model_validate({"aggregate": {"topsis_normalisation": "l2"}})
    result = CliRunner().invoke(app, ["schema", "assessment", "-o", str(tmp_path / "s.json")])
    assert result.exit_code == 0, result.output
    schema = json.loads((tmp_path / "s.json").read_text(encoding="utf-8"))
    defs = schema["$defs"]
    normalise, aggregate = defs["NormaliseStep"], defs["AggregateStep"]
    assert normalise["additionalProperties"] is False
    assert normalise["properties"]["cap"]["type"] == "boolean"
    ties = normalise["properties"]["ties"]["anyOf"][0]["enum"]
    assert ties == ["min", "average", "max"]
    topsis = aggregate["properties"]["topsis_normalisation"]["anyOf"][0]["enum"]
    assert topsis == ["none", "vector", "minmax"]


def test_cap_through_the_config(tmp_path: Path, tiny_config: Path) -> None:
    for name in ("units.csv", "data.csv"):
        (tmp_path / name).write_bytes((tiny_config.parent / name).read_bytes())
    config = tiny_config.read_text(encoding="utf-8").replace(
        "steps:", "years: [2020, 2020]\nsteps:"
    )
    (tmp_path / "assessment.yaml").write_text(config, encoding="utf-8")
    framework = (tiny_config.parent / "framework.yaml").read_text(encoding="utf-8")
    targets = {"count\n        direction: 1\n": 20, "hours\n        direction: -1\n": 3}
    for anchor, target in targets.items():
        framework = framework.replace(anchor, f"{anchor}        target: {target}\n", 1)
    framework = framework.replace(
        "count per person\n        direction: 1\n",
        "count per person\n        direction: 1\n        target: 12\n",
    ).replace("unit: count\n        direction: 1\n\n", "unit: count\n        direction: 1\n")
    framework = framework.rstrip("\n") + "\n        target: 2\n"
    (tmp_path / "framework.yaml").write_text(framework, encoding="utf-8")
    base = kaifang.load(tmp_path / "assessment.yaml")
    assert [base.framework[i].node.target for i in ("x1", "x2", "x3", "x4")] == [20, 3, 12, 2]
    capped = base.with_step("normalise", method="distance_to_target").run()
    free = base.with_step("normalise", method="distance_to_target", cap=False).run()
    # 2020, x1 = 10, 20, 30 with target 20: (x - 10) / (20 - 10) = 0, 1, 2
    assert [score(capped, u, 2020, "x1") for u in ("U1", "U2", "U3")] == [0.0, 1.0, 1.0]
    assert [score(free, u, 2020, "x1") for u in ("U1", "U2", "U3")] == [0.0, 1.0, 2.0]
    # x2 is a cost (5, 1, 3, target 3): oriented (-x + 5) / (-3 + 5) = 0, 2, 1
    assert [score(free, u, 2020, "x2") for u in ("U1", "U2", "U3")] == [0.0, 2.0, 1.0]
    entry = next(s for s in free.record["steps"] if s["step"] == "normalise")
    assert entry["parameters"]["cap"] is False
