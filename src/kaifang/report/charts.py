"""Charts drawn on the server as inline SVG, so the same page renders in a browser and in
WeasyPrint (which runs no JavaScript). Hand-built: a few lines each, and far faster than a
plotting library for the dozens of small charts of a report."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from html import escape

# ColorBrewer YlGnBu (Brewer, Harrower and Hillier 2003): sequential, print- and colour-blind-safe.
YLGNBU_5 = ("#ffffcc", "#a1dab4", "#41b6c4", "#2c7fb8", "#253494")
YLGNBU_9 = (
    "#ffffd9",
    "#edf8b1",
    "#c7e9b4",
    "#7fcdbb",
    "#41b6c4",
    "#1d91c0",
    "#225ea8",
    "#253494",
    "#081d58",
)
NO_DATA = "#e6e6e6"
INK = "#1f2937"
MUTED = "#6b7280"
ACCENT = "#225ea8"
# WeasyPrint's SVG renderer does not inherit the page's CSS fonts: name them on every chart
SVG_FONT = (
    "KaifangCJK, Noto Sans CJK SC, Source Han Sans SC, PingFang SC, Microsoft YaHei, sans-serif"
)


def _hex(c: str) -> tuple[int, int, int]:
    return int(c[1:3], 16), int(c[3:5], 16), int(c[5:7], 16)


def ramp(t: float) -> str:
    """Colour at ``t`` in [0, 1] on YlGnBu (linear between the nine ColorBrewer stops)."""
    if math.isnan(t):
        return NO_DATA
    t = min(max(t, 0.0), 1.0) * (len(YLGNBU_9) - 1)
    i = min(int(t), len(YLGNBU_9) - 2)
    f = t - i
    a, b = _hex(YLGNBU_9[i]), _hex(YLGNBU_9[i + 1])
    r, g, bl = (round(a[k] + (b[k] - a[k]) * f) for k in range(3))
    return f"#{r:02x}{g:02x}{bl:02x}"


def ink_on(t: float) -> str:
    """Text colour readable on ``ramp(t)``."""
    return "#ffffff" if not math.isnan(t) and t > 0.55 else INK


def classes(lo: float, hi: float, k: int = 5) -> list[float]:
    """``k + 1`` equal-width class breaks from ``lo`` to ``hi``."""
    if not hi > lo:
        hi = lo + 1.0
    return [lo + (hi - lo) * i / k for i in range(k + 1)]


def class_of(value: float, breaks: Sequence[float]) -> int:
    """Index of the class holding ``value`` (the top break belongs to the last class)."""
    for i in range(len(breaks) - 2, -1, -1):
        if value >= breaks[i]:
            return i
    return 0


def nice_bounds(lo: float, hi: float) -> tuple[float, float, float]:
    """Axis bounds on round numbers around [lo, hi] and the tick step."""
    if not hi > lo:
        lo, hi = lo - 1.0, hi + 1.0
    raw = (hi - lo) / 4
    mag = 10 ** math.floor(math.log10(raw))
    step = next(m * mag for m in (1, 2, 2.5, 5, 10) if m * mag >= raw)
    return math.floor(lo / step) * step, math.ceil(hi / step) * step, step


def fmt_tick(v: float, step: float) -> str:
    decimals = max(0, -math.floor(math.log10(step))) if step < 1 else 0
    return f"{v:.{decimals}f}"


def trend_chart(
    years: Sequence[int],
    unit: Sequence[float],
    median: Sequence[float],
    low: Sequence[float],
    high: Sequence[float],
    bounds: tuple[float, float, float],
    title: str,
    ranks: Sequence[int | None] | None = None,
    rank_label: str = "#",
    width: int = 330,
    height: int = 150,
) -> str:
    """The unit's score over the years, against the median (dashed) and the range of all units
    (band), with the rank of each year under its label. Every profile uses the same ``bounds``
    so units can be compared at a glance."""
    left, right, top = 34, 10, 8
    bottom = 34 if ranks is not None else 20
    height += 14 if ranks is not None else 0
    lo, hi, step = bounds
    n = len(years)

    inset = 12  # keeps the first and last points clear of the axis labels

    def x(i: int) -> float:
        span = width - left - right - 2 * inset
        return left + inset + span * (i / (n - 1) if n > 1 else 0.5)

    def y(v: float) -> float:
        return top + (height - top - bottom) * (1 - (v - lo) / (hi - lo))

    parts = [
        f'<svg class="trend" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'role="img" aria-label="{escape(title)}" font-family="{SVG_FONT}">'
    ]
    v = lo
    while v <= hi + step / 2:
        parts.append(
            f'<line x1="{left}" x2="{width - right}" y1="{y(v):.1f}" y2="{y(v):.1f}" '
            f'stroke="#e5e7eb" stroke-width="1"/>'
            f'<text x="{left - 4}" y="{y(v) + 3:.1f}" font-size="9" fill="{MUTED}" '
            f'text-anchor="end">{fmt_tick(v, step)}</text>'
        )
        v += step
    pts = [(x(i), y(h)) for i, h in enumerate(high) if not math.isnan(h)]
    pts += [(x(i), y(lw)) for i, lw in reversed(list(enumerate(low))) if not math.isnan(lw)]
    if len(pts) > 2:
        poly = " ".join(f"{px:.1f},{py:.1f}" for px, py in pts)
        parts.append(f'<polygon points="{poly}" fill="#dbeafe" fill-opacity="0.7"/>')
    parts.append(_polyline(x, y, median, "#9ca3af", 1.5, dash=True))
    parts.append(_polyline(x, y, unit, ACCENT, 2.2))
    for i, v in enumerate(unit):
        if not math.isnan(v):
            parts.append(f'<circle cx="{x(i):.1f}" cy="{y(v):.1f}" r="2.6" fill="{ACCENT}"/>')
    every = 1 if n <= 10 else math.ceil(n / 8)
    year_y = height - bottom + 14
    for i, yr in enumerate(years):
        if i % every == 0 or i == n - 1:
            parts.append(
                f'<text x="{x(i):.1f}" y="{year_y}" font-size="9" fill="{MUTED}" '
                f'text-anchor="middle">{yr}</text>'
            )
            if ranks is not None:
                r = ranks[i]
                parts.append(
                    f'<text x="{x(i):.1f}" y="{year_y + 13}" font-size="9.5" fill="{INK}" '
                    f'font-weight="bold" text-anchor="middle">{"—" if r is None else r}</text>'
                )
    if ranks is not None:
        parts.append(
            f'<text x="{left - 4}" y="{year_y + 13}" font-size="9" fill="{MUTED}" '
            f'text-anchor="end">{escape(rank_label)}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def _polyline(
    x: Callable[[int], float],
    y: Callable[[float], float],
    values: Sequence[float],
    colour: str,
    width: float,
    dash: bool = False,
) -> str:
    """A line through the present values; a missing year breaks it rather than bridging it."""
    segments: list[list[str]] = [[]]
    for i, v in enumerate(values):
        if math.isnan(v):
            segments.append([])
        else:
            segments[-1].append(f"{x(i):.1f},{y(v):.1f}")
    dashed = ' stroke-dasharray="4 3"' if dash else ""
    return "".join(
        f'<polyline points="{" ".join(s)}" fill="none" stroke="{colour}" stroke-width="{width}"'
        f' stroke-linejoin="round"{dashed}/>'
        for s in segments
        if len(s) > 1
    )
