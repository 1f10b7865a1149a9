"""Per-indicator validation rules as pure functions: by hand and as properties (a field's own
threshold, band and range; the checks of an administrator's change)."""

from __future__ import annotations

import math

from hypothesis import given
from hypothesis import strategies as st

from kaifang.platform import indicator_rules, rules
from kaifang.platform.indicator_rules import RuleChange
from kaifang.platform.rules import FieldSpec, Finding

HISTORY = {2019: 80.0, 2020: 90.0, 2021: 100.0, 2022: 100.0, 2023: 100.0}

# ------------------------------------------------------------------------------ pure, by hand


def test_range_text_by_hand() -> None:
    assert rules.range_text(0.0, 100.0) == "[0, 100]"
    assert rules.range_text(0.0, None) == "[0, +∞)"
    assert rules.range_text(None, -2.5) == "(-∞, -2.5]"
    assert rules.range_text(1234567.0, None) == "[1234567, +∞)"


def test_per_indicator_threshold_and_band_by_hand() -> None:
    # 125 / 100 - 1 = 25%: quiet at the period's 50%, flagged at the indicator's own 20%
    # (125 is above the five-year max 100 either way)
    loose = {"x": FieldSpec("x")}
    tight = {"x": FieldSpec("x", yoy_threshold=0.2)}
    assert [f.rule for f in rules.check_values(loose, {"x": "125"}, 2024, {"x": HISTORY})] == [
        "outside_history"
    ]
    found = rules.check_values(tight, {"x": "125"}, 2024, {"x": HISTORY}, threshold=0.5)
    assert [f.rule for f in found] == ["yoy_change", "outside_history"]
    assert found[0].params == {"change": 25.0, "threshold": 20}
    # without the band only the year-on-year rule is left
    no_band = {"x": FieldSpec("x", yoy_threshold=0.2, history_band=False)}
    found = rules.check_values(no_band, {"x": "125"}, 2024, {"x": HISTORY})
    assert [f.rule for f in found] == ["yoy_change"]
    # a per-indicator range replaces the derived one: -3 allowed in [-10, 10], 11 is not
    spec = {"net": FieldSpec("net", -10.0, 10.0, name_zh="净额", name_en="Net")}
    assert rules.check_values(spec, {"net": "-3"}, 2024, {}) == []
    [above] = rules.check_values(spec, {"net": "11"}, 2024, {})
    assert above.rule == "above_range"
    assert above.params["value"] == 11.0 and above.params["range"] == "[-10, 10]"


def test_check_change_by_hand() -> None:
    field = FieldSpec("x", 0.0, 100.0, name_zh="占比", name_en="Share")
    names = {"name_zh": "占比", "name_en": "Share"}
    assert indicator_rules.check_change(RuleChange("x", 5.0, 5.0, 0.1), field) == []
    assert indicator_rules.check_change(RuleChange("x", None, None, None), field) == []
    assert indicator_rules.check_change(RuleChange("x", 6.0, 5.0), field) == [
        Finding("x", "hard", "range_reversed", {**names, "low": 6.0, "high": 5.0})
    ]
    assert [
        f.rule for f in indicator_rules.check_change(RuleChange("x", 0.0, 1.0, 0.0), field)
    ] == ["bad_rule_threshold"]
    for bad in (-0.5, 10.01, math.inf, math.nan):
        found = indicator_rules.check_change(RuleChange("x", yoy_threshold=bad), field)
        assert [f.rule for f in found] == ["bad_rule_threshold"], bad
    assert [f.rule for f in indicator_rules.check_change(RuleChange("x", math.inf), field)] == [
        "bad_bound"
    ]
    assert indicator_rules.check_change(RuleChange("zzz"), None) == [
        Finding("zzz", "hard", "unknown_indicator", {"name_zh": "zzz", "name_en": "zzz"})
    ]
    # a reset needs no values
    assert indicator_rules.check_change(RuleChange("x", 9.0, 1.0, reset=True), field) == []


def test_parse_change_by_hand() -> None:
    change, found = indicator_rules.parse_change("x", "1,000", "", "35", False, False)
    assert found == []
    assert change == RuleChange("x", 1000.0, None, 0.35, False, False)
    change, found = indicator_rules.parse_change("x", "abc", "5", "ten", True, False)
    assert change is None
    assert [(f.rule, f.params["which"], f.params["text"]) for f in found] == [
        ("bad_rule_number", "low", "abc"),
        ("bad_rule_number", "yoy", "ten"),
    ]


@given(
    st.floats(1, 1e6),
    st.floats(1, 1e6),
    st.floats(0.01, 10),
    st.booleans(),
)
def test_own_threshold_is_the_threshold_used(
    last: float, value: float, threshold: float, band: bool
) -> None:
    """A field's own threshold gives the findings the plain soft rules give with it."""
    history = {2021: last, 2022: last, 2023: last}
    specs = {"x": FieldSpec("x", yoy_threshold=threshold, history_band=band)}
    found = rules.check_values(specs, {"x": value}, 2024, {"x": history}, threshold=0.5)
    assert found == rules.soft_findings("x", value, 2024, history, threshold, band)
    assert ("outside_history" in {f.rule for f in found}) <= band


@given(
    st.one_of(st.none(), st.floats(-1e9, 1e9)),
    st.one_of(st.none(), st.floats(-1e9, 1e9)),
    st.floats(-1e10, 1e10),
)
def test_a_change_accepted_gives_a_range_holding_its_bounds(
    low: float | None, high: float | None, value: float
) -> None:
    field = FieldSpec("x")
    problems = indicator_rules.check_change(RuleChange("x", low, high), field)
    reversed_range = low is not None and high is not None and low > high
    assert (problems != []) == reversed_range
    if not reversed_range:
        inside = (low is None or value >= low) and (high is None or value <= high)
        assert (rules.hard_findings(FieldSpec("x", low, high), value) == []) == inside
