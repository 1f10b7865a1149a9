"""Targets: growth arithmetic by hand, the doubling property, and a tiny project end to end."""

from __future__ import annotations

import math
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import kaifang
from kaifang.errors import InputError, MethodError
from kaifang.methods import steering as ms
from kaifang.steering.projection import project
from kaifang.steering.targets import evaluate_targets

DOUBLING = {
    "id": "double",
    "indicator": "trade",
    "base_year": 2021,
    "multiple": 2.0,
    "target_year": 2025,
}


def test_required_and_realised_cagr_by_hand() -> None:
    # doubling in 4 years: 2^(1/4) - 1 = 1.189207115 - 1
    assert float(ms.required_cagr(100, 200, 4)) == pytest.approx(0.189207115, abs=1e-9)
    # 110 -> 146.41 in 3 years: 1.331^(1/3) = 1.1
    assert float(ms.realised_cagr(110, 146.41, 3)) == pytest.approx(0.10, abs=1e-12)
    # no year elapsed: undefined, NaN (never Inf)
    assert math.isnan(float(ms.realised_cagr(110, 120, 0)))
    with pytest.raises(MethodError, match="positive"):
        ms.required_cagr(0, 200, 4)
    with pytest.raises(MethodError, match="after the base year"):
        ms.required_cagr(100, 200, 0)


def test_straight_path_status_and_years_to_reach_by_hand() -> None:
    # 110 * 2^(3/4) = 110 * 1.681792831 = 184.9972114
    expected = float(ms.geometric_path(110, 2**0.25 - 1, 3))
    assert expected == pytest.approx(184.9972114, rel=1e-9)
    # ratios 1.0, 0.95, 0.85 -> on track, at risk, off track; a missing value -> -1
    status = ms.path_status([100, 95, 85, np.nan], [100, 100, 100, 100])
    assert status.tolist() == [ms.ON_TRACK, ms.AT_RISK, ms.OFF_TRACK, -1]
    # ln(220 / 146.41) / ln(1.1) = ln(1.502630) / ln(1.1) = 0.4072173 / 0.0953102 = 4.272541
    assert float(ms.years_to_reach(146.41, 220, 0.1)) == pytest.approx(4.272541, abs=1e-6)
    assert float(ms.years_to_reach(230, 220, 0.1)) == 0.0  # already there
    assert math.isnan(float(ms.years_to_reach(100, 220, -0.01)))  # never at a falling rate
    with pytest.raises(MethodError, match="at_risk <= on_track"):
        ms.path_status([1.0], [1.0], on_track=0.8, at_risk=0.9)


@given(
    base=st.floats(1e-3, 1e9),
    horizon=st.integers(1, 15),
    data=st.data(),
)
def test_doubling_reached_exactly_on_the_path_is_on_track(
    base: float, horizon: int, data: st.DataObject
) -> None:
    elapsed = data.draw(st.integers(0, horizon))
    actual = base * 2.0 ** (elapsed / horizon)  # the doubling path itself
    g = ms.required_cagr(base, 2 * base, horizon)
    expected = ms.geometric_path(base, g, elapsed)
    assert int(ms.path_status(actual, expected)) == ms.ON_TRACK


def test_projection_of_an_exact_exponential_is_exact() -> None:
    years = np.arange(2016.0, 2025.0)
    values = 50 * 1.08 ** (years - 2016)
    proj = project(years, values, 2025, level=0.8, holdout=3)
    assert proj is not None
    # 50 * 1.08^9 = 99.95023
    assert proj.point == pytest.approx(50 * 1.08**9, rel=1e-6)
    assert proj.lower <= proj.point <= proj.upper
    assert proj.model in ("loglinear", "rw_drift")
    assert project(years[:3], values[:3], 2025) is None  # too few points


def test_projection_interval_and_rule_on_noisy_series() -> None:
    rng = np.random.default_rng(1)
    years = np.arange(2010.0, 2025.0)
    values = 100 * np.exp(0.05 * (years - 2010) + rng.normal(0, 0.05, len(years)))
    proj = project(years, values, 2027, level=0.8, holdout=3)
    assert proj is not None
    assert proj.lower < proj.point < proj.upper
    chosen = min(proj.errors, key=lambda k: (proj.errors[k], k != "loglinear"))
    assert proj.model == chosen  # the smaller one-step error wins, log-linear on a tie


def test_evaluate_tiny_project_by_hand(steer_project: Callable[..., Path]) -> None:
    config = steer_project(targets={"additive": ["trade"], "items": [DOUBLING]})
    report = evaluate_targets(kaifang.load(config))
    s = report.summary.set_index("unit")
    a = s.loc["101"]
    # base 2021 = 110, target 220, latest 2024 = 146.41
    assert a["target_value"] == 220.0
    assert a["realised_cagr"] == pytest.approx(0.10)
    assert a["expected_latest"] == pytest.approx(184.9972114, rel=1e-9)
    # 146.41 / 184.9972 = 0.791418 -> off track
    assert a["ratio"] == pytest.approx(0.791418, abs=1e-6)
    assert a["status"] == "off_track"
    # needed from now: 220 / 146.41 = 1.502630 in one year -> 50.26 %
    assert a["cagr_needed_from_now"] == pytest.approx(0.502630, abs=1e-6)
    assert a["year_reached"] == 2029  # 2024 + ceil(4.272541)
    # exact 10 % series: the log-linear projection is 146.41 * 1.1 = 161.051
    assert a["projection"] == pytest.approx(161.051, rel=1e-6)
    # unit 102 is flat: realised 0 %, never reached at that rate
    b = s.loc["102"]
    assert b["realised_cagr"] == pytest.approx(0.0, abs=1e-12)
    assert math.isnan(b["year_reached"])
    # total 2021 = 110 + 50 + 20 = 180; 2024 = 146.41 + 50 + 50 = 246.41
    total = s.loc["total"]
    assert total["base_value"] == pytest.approx(180.0)
    assert total["latest_value"] == pytest.approx(246.41)
    # 246.41 / (180 * 2^(3/4)) = 246.41 / 302.72272 = 0.813980 -> off track
    assert total["ratio"] == pytest.approx(0.813980, abs=1e-6)
    # unit 103: 20 -> 50 in 3 years, path 20 * 2^(3/4) = 33.6359: ratio 1.4865 -> on track
    assert s.loc["103", "status"] == "on_track"
    paths = report.paths
    row = paths[(paths["unit"] == "101") & (paths["year"] == 2025)].iloc[0]
    assert row["expected"] == pytest.approx(220.0)


def test_total_needs_an_additive_series(steer_project: Callable[..., Path]) -> None:
    config = steer_project(targets={"items": [DOUBLING]})
    with pytest.raises(InputError, match="additive"):
        evaluate_targets(kaifang.load(config))


def test_bad_target_blocks_are_clear_errors(steer_project: Callable[..., Path]) -> None:
    both = {**DOUBLING, "level": 300}
    with pytest.raises(InputError, match="exactly one of"):
        evaluate_targets(kaifang.load(steer_project(targets={"items": [both]})))
    early = {**DOUBLING, "base_year": 2019, "scope": "units"}
    with pytest.raises(InputError, match="base year 2019"):
        evaluate_targets(kaifang.load(steer_project(targets={"items": [early]})))
    unknown = {**DOUBLING, "indicator": "nope", "scope": "units"}
    with pytest.raises(InputError, match="not a series"):
        evaluate_targets(kaifang.load(steer_project(targets={"items": [unknown]})))
