"""Reporting periods: bounds and the list of periods between two days."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kaifang.ledger.model import period_bounds, periods_between

D = dt.date


def test_bounds_by_hand() -> None:
    assert period_bounds("2024Q1", "quarterly") == (D(2024, 1, 1), D(2024, 3, 31))
    assert period_bounds("2024Q4", "quarterly") == (D(2024, 10, 1), D(2024, 12, 31))
    assert period_bounds("2024-02", "monthly") == (D(2024, 2, 1), D(2024, 2, 29))
    assert period_bounds("2024H2", "half_yearly") == (D(2024, 7, 1), D(2024, 12, 31))
    assert period_bounds("2024", "yearly") == (D(2024, 1, 1), D(2024, 12, 31))


@pytest.mark.parametrize("text", ["2024Q5", "2024-13", "24Q1", "2024q1", "2024"])
def test_a_period_of_another_frequency_is_refused(text: str) -> None:
    with pytest.raises(ValueError, match="not a quarterly period"):
        period_bounds(text, "quarterly")


def test_periods_between_by_hand() -> None:
    assert periods_between(D(2024, 2, 15), D(2024, 10, 1), "quarterly") == [
        "2024Q1",
        "2024Q2",
        "2024Q3",
        "2024Q4",
    ]
    assert periods_between(D(2024, 11, 5), D(2025, 1, 1), "monthly") == [
        "2024-11",
        "2024-12",
        "2025-01",
    ]


@given(
    st.dates(D(2000, 1, 1), D(2040, 1, 1)),
    st.integers(0, 2000),
    st.sampled_from(["monthly", "quarterly", "half_yearly", "yearly"]),
)
def test_periods_tile_the_span_without_gaps(first: dt.date, days: int, freq: str) -> None:
    last = first + dt.timedelta(days=days)
    labels = periods_between(first, last, freq)  # type: ignore[arg-type]
    bounds = [period_bounds(p, freq) for p in labels]  # type: ignore[arg-type]
    assert bounds[0][0] <= first <= bounds[0][1]
    assert bounds[-1][0] <= last <= bounds[-1][1]
    for (_, end), (start, _) in itertools.pairwise(bounds):
        assert start == end + dt.timedelta(days=1)
