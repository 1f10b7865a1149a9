"""Validation rules and scopes, by hand and as properties."""

from __future__ import annotations

import math

from hypothesis import given
from hypothesis import strategies as st

from kaifang.platform import rules, scope
from kaifang.platform.rules import FieldSpec, Finding


def test_parse_value_accepts_what_the_readers_accept() -> None:
    assert rules.parse_value("1,234.5") == (1234.5, True)
    assert rules.parse_value(" 7 ") == (7.0, True)
    for marker in ("", "NA", "..", "-", "—", None):
        assert rules.parse_value(marker) == (None, True)
    assert rules.parse_value("12abc") == (None, False)
    assert rules.parse_value("inf") == (None, False)
    assert rules.parse_value(float("nan")) == (None, True)


def test_hard_rules_by_hand() -> None:
    share = FieldSpec("s", 0.0, 100.0, name_zh="占比", name_en="Share")
    assert rules.hard_findings(share, "100") == []
    named = {"low": 0.0, "high": 100.0, "range": "[0, 100]", "name_zh": "占比", "name_en": "Share"}
    assert rules.hard_findings(share, "100.01") == [
        Finding("s", "hard", "above_range", {"value": 100.01, **named})
    ]
    assert rules.hard_findings(share, "-1") == [
        Finding("s", "hard", "below_range", {"value": -1.0, **named})
    ]
    logged = FieldSpec("l", 0.0, None, positive=True)
    assert [f.rule for f in rules.hard_findings(logged, "0")] == ["not_positive"]
    assert [f.rule for f in rules.hard_findings(logged, "x")] == ["not_a_number"]
    assert rules.hard_findings(logged, "") == []


def test_soft_rules_by_hand() -> None:
    history = {2019: 80.0, 2020: 90.0, 2021: 100.0, 2022: 100.0, 2023: 100.0}
    # 151 / 100 - 1 = 51% > 50%, and 151 > max 100
    found = rules.soft_findings("x", 151.0, 2024, history)
    assert [f.rule for f in found] == ["yoy_change", "outside_history"]
    assert found[0].params == {"change": 51.0, "threshold": 50}
    assert found[1].params == {"low": 80.0, "high": 100.0, "years": 5}
    # 150 / 100 - 1 = 50%: not beyond the threshold, but above the band
    assert [f.rule for f in rules.soft_findings("x", 150.0, 2024, history)] == ["outside_history"]
    # inside the band and close to last year
    assert rules.soft_findings("x", 95.0, 2024, history) == []
    # two years of history make no band; the year before is missing: no year-on-year check
    assert rules.soft_findings("x", 500.0, 2024, {2021: 1.0, 2022: 2.0}) == []
    # the 2018 value is more than five years back and does not widen the band
    wider = {**history, 2018: 10.0}
    assert [f.rule for f in rules.soft_findings("x", 40.0, 2024, wider)] == [
        "yoy_change",
        "outside_history",
    ]


def test_unexplained_ignores_blank_text() -> None:
    found = [Finding("a", "soft", "yoy_change"), Finding("b", "soft", "yoy_change")]
    assert rules.unexplained(found, {"a": "   ", "b": "new plant opened"}) == ["a"]


def test_check_values_flags_unknown_indicators() -> None:
    specs = {"a": FieldSpec("a", 0.0, None)}
    found = rules.check_values(specs, {"a": "1", "zzz": "2"}, 2024, {})
    assert found == [Finding("zzz", "hard", "unknown_indicator", {})]


@given(
    st.floats(min_value=-1e6, max_value=1e6, allow_nan=False),
    st.floats(min_value=0, max_value=1e3, allow_nan=False),
    st.floats(min_value=1e-3, max_value=1e3, allow_nan=False),
)
def test_range_rule_matches_the_interval(value: float, low: float, width: float) -> None:
    spec = FieldSpec("x", low, low + width)
    inside = low <= value <= low + width
    assert (rules.hard_findings(spec, value) == []) == inside


@given(st.dictionaries(st.integers(2015, 2023), st.floats(1, 1e6), min_size=3), st.floats(1, 1e6))
def test_value_inside_history_band_and_near_last_year_is_quiet(
    history: dict[int, float], scale: float
) -> None:
    values = [v for y, v in history.items() if y >= 2019]
    found = rules.soft_findings("x", scale, 2024, history)
    band = len(values) >= 3 and min(values) <= scale <= max(values)
    previous = history.get(2023)
    near = previous is None or abs(scale / previous - 1) <= 0.5
    assert (found == []) == ((band or len(values) < 3) and near)
    assert all(math.isfinite(float(str(f.params.get("low", 0)))) for f in found)


def test_scope_by_hand() -> None:
    assert scope.covers("520000", "520100")
    assert scope.covers("520000", "520102")
    assert scope.covers("520100", "520102")
    assert not scope.covers("520100", "520200")
    assert not scope.covers("520100", "520000")
    assert scope.covers("520102", "520102")
    assert not scope.covers("520102", "520103")
    assert scope.prefixes(["520100", "520000", "530000"]) == ["52", "53"]
    assert scope.level("520000") == "province"
    assert scope.level("520100") == "prefecture"
    assert scope.level("520102") == "county"


@given(st.from_regex(r"\A\d{6}\Z"), st.from_regex(r"\A\d{6}\Z"))
def test_scope_is_transitive_and_matches_sql_prefixes(a: str, b: str) -> None:
    if scope.covers(a, b):
        assert b.startswith(scope.prefix(a))
        for c in (b[:4] + "00", b[:2] + "0000"):
            if scope.covers(c, a):
                assert scope.covers(c, b)
    assert scope.in_scope([a], b) == any(b.startswith(p) for p in scope.prefixes([a]))
