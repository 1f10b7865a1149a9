"""Validation rules of a data submission, as pure functions of the values and their history.

Hard rules block a submission: a value that is not a number (the readers' own parser and
missing-value markers decide), a value outside the indicator's range, a non-positive value for an
indicator the framework log-transforms. Soft rules ask for a written explanation: a year-on-year
change beyond a threshold, a value outside the min-max of the last five years.

The range, the threshold and whether the five-year band applies are per indicator (a
:class:`FieldSpec`); the administrator edits them (:mod:`kaifang.platform.indicator_rules`).

Every finding is a :class:`Finding` with a message key and its parameters, so that the web layer
shows it in Chinese or English and the API returns it as data.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from kaifang.data.readers import MISSING_MARKERS, parse_numbers

# a year-on-year change of more than 50% (either way) needs an explanation
YOY_THRESHOLD = 0.5
HISTORY_YEARS = 5
# the shortest history on which a min-max band is judged (two points make no band worth trusting)
MIN_HISTORY = 3
MAX_EXPLANATION = 2000


@dataclass(frozen=True)
class FieldSpec:
    """One field of a form: an indicator with its hard range and its soft rules.

    ``low``/``high`` are inclusive bounds (``None``: unbounded); ``positive`` asks for a value
    strictly above zero (the framework takes its logarithm). ``yoy_threshold`` is the
    indicator's own year-on-year threshold (``None``: the one given to :func:`check_values`);
    ``history_band`` says whether the five-year min-max rule applies. The names go into the
    findings so that a message names the indicator in the reader's language.
    """

    indicator: str
    low: float | None = None
    high: float | None = None
    positive: bool = False
    yoy_threshold: float | None = None
    history_band: bool = True
    name_zh: str = ""
    name_en: str = ""


@dataclass(frozen=True)
class Finding:
    """One rule broken by one value: ``severity`` is ``hard`` or ``soft``."""

    indicator: str
    severity: str
    rule: str
    params: dict[str, object] = field(default_factory=dict)


def default_range(unit: str | None, transform: str | None) -> tuple[float | None, float | None]:
    """The hard range an indicator gets from its unit: shares and 0-100 scores lie in [0, 100];
    every other level is non-negative. Growth rates are derived, never entered."""
    text = (unit or "").strip().lower()
    if text == "%" or "0-100" in text:
        return 0.0, 100.0
    return 0.0, None


def range_text(low: float | None, high: float | None) -> str:
    """An inclusive range in interval notation, the same in every language: ``[0, 100]``,
    ``[0, +∞)``, ``(-∞, 5]``."""
    left = "(-∞" if low is None else f"[{low:.10g}"
    right = "+∞)" if high is None else f"{high:.10g}]"
    return f"{left}, {right}"


def parse_value(text: str | float | None) -> tuple[float | None, bool]:
    """The number in a form cell and whether the text was a number or a missing marker.

    Uses the readers' parser, so a form accepts exactly what a data file accepts (``1,234.5``,
    the missing markers ``NA``, ``..``, ``-``, ``—``, an empty cell).
    """
    if text is None:
        return None, True
    if isinstance(text, float | int):
        value = float(text)
        return (None, True) if math.isnan(value) else (value, math.isfinite(value))
    cell = str(text).strip()
    if cell in MISSING_MARKERS:
        return None, True
    numbers, bad = parse_numbers(pd.Series([cell], dtype=object))
    if bad[0]:
        return None, False
    value = float(numbers[0])
    return (None, True) if math.isnan(value) else (value, True)


def hard_findings(spec: FieldSpec, text: str | float | None) -> list[Finding]:
    """Hard-rule findings of one entered cell."""
    value, ok = parse_value(text)
    if not ok:
        return [Finding(spec.indicator, "hard", "not_a_number", {"text": str(text)[:40]})]
    if value is None:
        return []
    found = []
    if (spec.low is not None and value < spec.low) or (spec.high is not None and value > spec.high):
        # the message names the indicator, the value and the whole range
        found.append(
            Finding(
                spec.indicator,
                "hard",
                "below_range" if spec.low is not None and value < spec.low else "above_range",
                {
                    "value": value,
                    "low": spec.low,
                    "high": spec.high,
                    "range": range_text(spec.low, spec.high),
                    "name_zh": spec.name_zh or spec.indicator,
                    "name_en": spec.name_en or spec.indicator,
                },
            )
        )
    if spec.positive and value <= 0:
        found.append(Finding(spec.indicator, "hard", "not_positive", {}))
    return found


def soft_findings(
    indicator: str,
    value: float | None,
    year: int,
    history: Mapping[int, float],
    threshold: float = YOY_THRESHOLD,
    band: bool = True,
) -> list[Finding]:
    """Soft-rule findings of one value against its own history (year -> value).

    Year-on-year: :math:`|x_t / x_{t-1} - 1| > \\text{threshold}` when the previous year is known
    and non-zero. Band (when ``band``): :math:`x_t < \\min` or :math:`x_t > \\max` over the
    values of the five years before ``year`` (at least three of them known).
    """
    if value is None:
        return []
    found = []
    previous = history.get(year - 1)
    if previous is not None and previous != 0:
        change = value / previous - 1.0
        if abs(change) > threshold:
            found.append(
                Finding(
                    indicator,
                    "soft",
                    "yoy_change",
                    {"change": round(100 * change, 1), "threshold": round(100 * threshold)},
                )
            )
    window = np.array(
        [v for y, v in history.items() if year - HISTORY_YEARS <= y < year and v is not None],
        dtype=np.float64,
    )
    if band and window.size >= MIN_HISTORY:
        low, high = float(window.min()), float(window.max())
        if value < low or value > high:
            found.append(
                Finding(
                    indicator,
                    "soft",
                    "outside_history",
                    {"low": low, "high": high, "years": HISTORY_YEARS},
                )
            )
    return found


def check_values(
    specs: Mapping[str, FieldSpec],
    cells: Mapping[str, str | float | None],
    year: int,
    history: Mapping[str, Mapping[int, float]],
    threshold: float = YOY_THRESHOLD,
) -> list[Finding]:
    """Every finding of a set of entered cells (indicator -> text), in form order.

    A cell for an indicator that is not a field of the form is a hard finding. A field's own
    ``yoy_threshold`` takes precedence over ``threshold``.
    """
    found: list[Finding] = []
    for indicator, text in cells.items():
        spec = specs.get(indicator)
        if spec is None:
            found.append(Finding(indicator, "hard", "unknown_indicator", {}))
            continue
        hard = hard_findings(spec, text)
        found += hard
        if not hard:
            value, _ = parse_value(text)
            own = spec.yoy_threshold if spec.yoy_threshold is not None else threshold
            found += soft_findings(
                indicator, value, year, history.get(indicator, {}), own, spec.history_band
            )
    order = {name: i for i, name in enumerate(specs)}
    return sorted(found, key=lambda f: order.get(f.indicator, len(order)))


def unexplained(findings: list[Finding], explanations: Mapping[str, str]) -> list[str]:
    """Indicators with a soft finding and no written explanation (blank text does not count)."""
    needing = dict.fromkeys(f.indicator for f in findings if f.severity == "soft")
    return [i for i in needing if not (explanations.get(i) or "").strip()]
