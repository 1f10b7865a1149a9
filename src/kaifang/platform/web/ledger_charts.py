"""The charts of a measure's linked indicators, drawn on the server as inline SVG (the page's
Content-Security-Policy allows no inline script): each indicator's values over the years and,
where the measure tracks a target, the straight path to that target (dashed).

Every text that reaches the SVG is escaped; the numbers are formatted here.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape
from typing import Any

import pandas as pd

from kaifang.ledger.evaluate import LedgerStatus
from kaifang.ledger.load import Ledger

ACTUAL = "#1f5f99"
PATH = "#8a6d1f"
GRID = "#e5e7eb"
MUTED = "#6b7280"
STATUS_COLOURS = {"on_track": "#2e7d32", "at_risk": "#b7791f", "off_track": "#b91c1c"}


@dataclass(frozen=True)
class Line:
    label: str
    values: Sequence[float]
    colour: str
    dashed: bool = False


@dataclass(frozen=True)
class Chart:
    title: str
    status: str  # the target tracking status ("no_target" without a target)
    svg: str


def _ticks(lo: float, hi: float) -> tuple[float, float, float]:
    """Round axis bounds and step holding [lo, hi] in about four steps."""
    if not (math.isfinite(lo) and math.isfinite(hi)):
        return 0.0, 1.0, 0.25
    if hi <= lo:
        hi = lo + (abs(lo) or 1.0)
    raw = (hi - lo) / 4
    if not (0 < raw < math.inf):  # values too close to zero to tell apart (subnormals)
        return math.floor(lo), math.floor(lo) + 1.0, 0.25
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)
    return math.floor(lo / step) * step, math.ceil(hi / step) * step, step


def _number(value: float, step: float) -> str:
    """A tick label with as many decimals as the step needs (2.5 -> one, 0.25 -> two)."""
    decimals = next(d for d in range(7) if abs(round(step, d) - step) <= 1e-9 * step or d == 6)
    return f"{value:,.{decimals}f}"


def line_chart(
    years: Sequence[int], lines: Sequence[Line], title: str, width: int = 420, height: int = 190
) -> str:
    """An SVG line chart of ``lines`` over ``years``; a missing value breaks its line."""
    left, right, top, bottom = 56, 12, 10, 40
    values = [v for line in lines for v in line.values if not math.isnan(v)]
    if not years or not values:
        return ""
    lo, hi, step = _ticks(min(values), max(values))
    if min(values) >= 0:
        lo = max(lo, 0.0)
    first, last = years[0], years[-1]

    def x(year: int) -> float:
        share = (year - first) / (last - first) if last > first else 0.5
        return left + 8 + (width - left - right - 16) * share

    def y(value: float) -> float:
        return top + (height - top - bottom) * (1 - (value - lo) / (hi - lo))

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="indicator-chart" '
        f'viewBox="0 0 {width} {height}" role="img" aria-label="{escape(title)}" font-size="10">',
        f"<title>{escape(title)}</title>",
    ]
    tick = lo
    while tick <= hi + step / 2:
        parts.append(
            f'<line x1="{left}" x2="{width - right}" y1="{y(tick):.1f}" y2="{y(tick):.1f}" '
            f'stroke="{GRID}"/><text x="{left - 4}" y="{y(tick) + 3:.1f}" fill="{MUTED}" '
            f'text-anchor="end">{_number(tick, step)}</text>'
        )
        tick += step
    every = max(1, math.ceil(len(years) / 8))
    for i, year in enumerate(years):
        if i % every == 0 or i == len(years) - 1:
            parts.append(
                f'<text x="{x(year):.1f}" y="{height - bottom + 14}" fill="{MUTED}" '
                f'text-anchor="middle">{year}</text>'
            )
    for line in lines:
        segments: list[list[str]] = [[]]
        for year, value in zip(years, line.values, strict=True):
            if math.isnan(value):
                segments.append([])
            else:
                segments[-1].append(f"{x(year):.1f},{y(value):.1f}")
        dash = ' stroke-dasharray="5 3"' if line.dashed else ""
        for segment in segments:
            if len(segment) > 1:
                parts.append(
                    f'<polyline points="{" ".join(segment)}" fill="none" '
                    f'stroke="{line.colour}" stroke-width="2"{dash}/>'
                )
            elif len(segment) == 1:
                cx, cy = segment[0].split(",")
                parts.append(f'<circle cx="{cx}" cy="{cy}" r="2.5" fill="{line.colour}"/>')
    legend_x = left
    for line in lines:
        dash = ' stroke-dasharray="5 3"' if line.dashed else ""
        parts.append(
            f'<line x1="{legend_x}" x2="{legend_x + 18}" y1="{height - 8}" y2="{height - 8}" '
            f'stroke="{line.colour}" stroke-width="2"{dash}/>'
            f'<text x="{legend_x + 22}" y="{height - 4}">{escape(line.label)}</text>'
        )
        legend_x += 30 + 7 * len(line.label)
    parts.append("</svg>")
    return "".join(parts)


def _floats(values: Any) -> list[float]:
    return [float("nan") if pd.isna(v) else float(v) for v in values]


def measure_charts(
    ledger: Ledger,
    status: LedgerStatus,
    measure_id: str,
    lang: str,
    names: dict[str, str],
    words: dict[str, str],
) -> list[Chart]:
    """One chart per linked indicator and tracked region of the measure: tracked targets show
    the actual values against the target path; other links the values of the measure's
    regions (the median of all units for a region that is not a unit of the data, e.g. the
    province). ``words`` names the lines in the page's language: ``actual``, ``path``,
    ``median``, and the sum of the units the targets verb tracks: ``total``."""
    zh = lang == "zh"
    charts: list[Chart] = []
    rows = status.indicators[status.indicators["measure"] == measure_id]
    assessment = ledger.assessment
    framework = assessment.inputs.framework if assessment is not None else None
    for link in rows.to_dict("records"):
        indicator = str(link["indicator"])
        label = framework.name(indicator, lang) if framework is not None else indicator
        if link["status"] != "no_target":
            path = status.paths[
                (status.paths["measure"] == measure_id)
                & (status.paths["indicator"] == indicator)
                & (status.paths["unit"] == link["unit"])
            ]
            if path.empty:
                continue
            code = str(link["unit"])
            unit = words["total"] if code == "total" else names.get(code, code)
            target = str(link["target_zh" if zh else "target_en"] or link["target"])
            title = f"{label} · {unit} · {target}"
            svg = line_chart(
                [int(v) for v in path["year"]],
                [
                    Line(words["actual"], _floats(path["actual"]), ACTUAL),
                    Line(words["path"], _floats(path["expected"]), PATH, dashed=True),
                ],
                title,
            )
            charts.append(Chart(title, str(link["status"]), svg))
            continue
        if assessment is None:
            continue
        data = assessment.inputs.data
        series = data[data["indicator"] == indicator]
        if series.empty:
            continue
        wide = series.pivot_table(
            index="year", columns="unit", values="value", aggfunc="first", observed=True
        )
        wide.columns = wide.columns.astype(str)
        years = list(range(int(wide.index.min()), int(wide.index.max()) + 1))
        wide = wide.reindex(years)
        measure = ledger.measure(measure_id).measure
        for region in dict.fromkeys(measure.regions):
            if region in wide.columns:
                values = _floats(wide[region])
                where = names.get(region, region)
            else:
                values = _floats(wide.median(axis=1))
                where = words["median"]
            title = f"{label} · {where}"
            svg = line_chart(years, [Line(words["actual"], values, ACTUAL)], title)
            if svg:
                charts.append(Chart(title, "no_target", svg))
    return charts
