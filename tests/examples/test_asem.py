"""The ASEM example reproduces COINr's numbers stage by stage.

The reference tables in tests/fixtures/asem_coinr were produced by COINr 1.1.14 itself
(make_reference.R there). Our example reads COINr's iData/iMeta as shipped, which were written with
15 significant digits, so stages agree to ~1e-9 relative rather than bit for bit.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import kaifang

REPO = Path(__file__).parent.parent.parent
REF = REPO / "tests" / "fixtures" / "asem_coinr"
CONFIG = REPO / "examples" / "asem" / "assessment.yaml"


@pytest.fixture(scope="module")
def results() -> kaifang.Results:
    return kaifang.load(CONFIG).run()


def wide(results: kaifang.Results, stage: str) -> pd.DataFrame:
    long = results.stage(stage)
    col = "indicator" if "indicator" in long.columns else "node"
    return long.pivot(index="unit", columns=col, values="value")


@pytest.mark.parametrize(
    ("ours", "coinr"),
    [
        ("denominated", "Denominated"),
        ("imputed", "Imputed"),
        ("treated", "Treated"),
        ("normalised", "Normalised"),
        ("aggregated", "Aggregated"),
    ],
)
def test_stage_matches_coinr(results: kaifang.Results, ours: str, coinr: str) -> None:
    ref = pd.read_csv(REF / f"{coinr}.csv").set_index("uCode")
    got = wide(results, ours)
    cols = [c for c in ref.columns if c in got.columns]
    assert len(cols) >= 49
    a = got.loc[ref.index, cols].to_numpy(dtype=float)
    b = ref[cols].to_numpy(dtype=float)
    assert np.array_equal(np.isnan(a), np.isnan(b))
    np.testing.assert_allclose(a, b, rtol=1e-8, atol=1e-8, equal_nan=True)


def test_published_index(results: kaifang.Results) -> None:
    s = results.scores
    index = s[s["node"] == "Index"].set_index("unit")
    published = {"CHE": 68.38, "NLD": 64.82, "DNK": 64.80, "NOR": 64.47, "BEL": 63.54}
    for unit, value in published.items():
        assert round(float(index.loc[unit, "score"]), 2) == value
    top = index.sort_values("rank").index[:5].tolist()
    assert top == list(published)
    assert int(index.loc["CHE", "rank"]) == 1


def test_ranks_match_coinr(results: kaifang.Results) -> None:
    ref = pd.read_csv(REF / "index_ranks.csv").set_index("uCode")
    s = results.scores
    ours = s[s["node"] == "Index"].set_index("unit")["rank"].astype(int)
    assert (ours.loc[ref.index] == ref["Rank"]).all()


def test_treatment_log_matches_coinr(results: kaifang.Results) -> None:
    ref = pd.read_csv(REF / "treatment.csv").set_index("iCode")
    winsorised_ref = set(ref.index[ref["final_treatment"] == "winsorise"])
    treated = results.treated
    ours = set(treated.loc[treated["action"].str.startswith("winsorised"), "indicator"])
    assert ours == winsorised_ref


def test_log_ct_fallback_matches_coinr() -> None:
    """With at most 1 winsorised point, 11 indicators fall through to COINr's log_CT."""
    a = kaifang.load(CONFIG).with_step("treat", method="winsorise", winmax=1)
    res = a.run()
    ref = pd.read_csv(REF / "Treated_winmax1.csv").set_index("uCode")
    got = wide(res, "treated")
    cols = [c for c in ref.columns if c in got.columns]
    np.testing.assert_allclose(
        got.loc[ref.index, cols].to_numpy(dtype=float),
        ref[cols].to_numpy(dtype=float),
        rtol=1e-8,
        atol=1e-8,
    )
    log_ref = pd.read_csv(REF / "treatment_winmax1.csv").set_index("iCode")
    logged_ref = set(log_ref.index[log_ref["final_treatment"] == "log_CT"])
    assert len(logged_ref) == 11
    treated = res.treated
    assert set(treated.loc[treated["action"] == "log_CT", "indicator"]) == logged_ref
