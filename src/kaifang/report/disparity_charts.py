"""Small inline-SVG charts of the disparity report sections: lines over years, stacked bars,
a ridge plot of kernel densities and a map coloured by category (LISA clusters)."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from html import escape
from typing import Any

import pandas as pd

from kaifang.report.charts import INK, MUTED, SVG_FONT, ramp

COLOURS = ("#225ea8", "#f59e0b", "#15803d", "#b91c1c", "#7c3aed", "#0891b2")
LISA_COLOURS = {0: "#e5e7eb", 1: "#d7191c", 2: "#abd9e9", 3: "#2c7bb6", 4: "#fdae61"}


def _svg_open(width: int, height: int, title: str) -> str:
    return (
        f'<svg viewBox="0 0 {width} {height}" width="{width}" height="{height}" role="img" '
        f'aria-label="{escape(title)}" font-family="{SVG_FONT}">'
    )


def line_chart(
    years: Sequence[int],
    series: Mapping[str, Sequence[float]],
    title: str,
    markers: Sequence[bool] | None = None,
    width: int = 560,
    height: int = 220,
) -> str:
    """Lines over the years with a legend; ``markers`` fills the points of the first series."""
    left, right, top, bottom = 44, 12, 10, 44
    values = [v for s in series.values() for v in s if math.isfinite(v)]
    if not values or not years:
        return ""
    lo, hi = min(min(values), 0.0), max(values)
    hi = hi if hi > lo else lo + 1.0
    n = len(years)

    def x(i: int) -> float:
        return left + (width - left - right) * (i / (n - 1) if n > 1 else 0.5)

    def y(v: float) -> float:
        return top + (height - top - bottom) * (1 - (v - lo) / (hi - lo))

    parts = [_svg_open(width, height, title)]
    for k in range(5):
        v = lo + (hi - lo) * k / 4
        parts.append(
            f'<line x1="{left}" x2="{width - right}" y1="{y(v):.1f}" y2="{y(v):.1f}" '
            f'stroke="#e5e7eb"/><text x="{left - 4}" y="{y(v) + 3:.1f}" font-size="9" '
            f'fill="{MUTED}" text-anchor="end">{v:.3g}</text>'
        )
    for i, yr in enumerate(years):
        parts.append(
            f'<text x="{x(i):.1f}" y="{height - bottom + 14}" font-size="9" fill="{MUTED}" '
            f'text-anchor="middle">{yr}</text>'
        )
    for k, (name, s) in enumerate(series.items()):
        colour = COLOURS[k % len(COLOURS)]
        pts = [(x(i), y(v)) for i, v in enumerate(s) if math.isfinite(v)]
        if len(pts) > 1:
            path = " ".join(f"{px:.1f},{py:.1f}" for px, py in pts)
            parts.append(
                f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2"/>'
            )
        for i, v in enumerate(s):
            if math.isfinite(v):
                filled = markers[i] if (markers is not None and k == 0) else True
                fill = colour if filled else "white"
                parts.append(
                    f'<circle cx="{x(i):.1f}" cy="{y(v):.1f}" r="3" fill="{fill}" '
                    f'stroke="{colour}"/>'
                )
        lx = left + 130 * k
        parts.append(
            f'<rect x="{lx}" y="{height - 16}" width="10" height="10" fill="{colour}"/>'
            f'<text x="{lx + 14}" y="{height - 7}" font-size="10" fill="{INK}">'
            f"{escape(name)}</text>"
        )
    parts.append("</svg>")
    return "".join(parts)


def stacked_bars(
    labels: Sequence[str],
    parts: Mapping[str, Sequence[float]],
    title: str,
    width: int = 560,
    height: int = 220,
) -> str:
    """Vertical bars of non-negative parts stacked per label, with a legend."""
    left, right, top = 44, 12, 10
    legend_rows = (len(parts) + 3) // 4
    bottom = (28 if len(labels) <= 12 else 80) + 16 * legend_rows
    height += bottom - 44
    totals = [
        sum(max(p[i], 0.0) for p in parts.values() if math.isfinite(p[i]))
        for i in range(len(labels))
    ]
    hi = max(totals) if totals and max(totals) > 0 else 1.0
    n = len(labels)
    slot = (width - left - right) / max(n, 1)
    bar = slot * 0.65

    def y(v: float) -> float:
        return top + (height - top - bottom) * (1 - v / hi)

    out = [_svg_open(width, height, title)]
    for k in range(5):
        v = hi * k / 4
        out.append(
            f'<line x1="{left}" x2="{width - right}" y1="{y(v):.1f}" y2="{y(v):.1f}" '
            f'stroke="#e5e7eb"/><text x="{left - 4}" y="{y(v) + 3:.1f}" font-size="9" '
            f'fill="{MUTED}" text-anchor="end">{v:.3g}</text>'
        )
    for i, lab in enumerate(labels):
        x0 = left + slot * i + (slot - bar) / 2
        base = 0.0
        for k, values in enumerate(parts.values()):
            v = values[i]
            if not math.isfinite(v) or v <= 0:
                continue
            out.append(
                f'<rect x="{x0:.1f}" y="{y(base + v):.1f}" width="{bar:.1f}" '
                f'height="{y(base) - y(base + v):.1f}" fill="{COLOURS[k % len(COLOURS)]}"/>'
            )
            base += v
        lx, ly = x0 + bar / 2, height - bottom + 14
        # many bars: labels turned to read upwards so they do not overlap
        turn = f' transform="rotate(-60 {lx:.1f} {ly})"' if n > 12 else ""
        anchor = "end" if n > 12 else "middle"
        out.append(
            f'<text x="{lx:.1f}" y="{ly}" font-size="9" fill="{MUTED}" '
            f'text-anchor="{anchor}"{turn}>{escape(str(lab))}</text>'
        )
    for k, name in enumerate(parts):
        # four legend entries a row, the rows below the axis labels
        lx = left + 130 * (k % 4)
        ly = height - 16 * (legend_rows - k // 4)
        out.append(
            f'<rect x="{lx}" y="{ly}" width="10" height="10" '
            f'fill="{COLOURS[k % len(COLOURS)]}"/><text x="{lx + 14}" y="{ly + 9}" '
            f'font-size="10" fill="{INK}">{escape(name)}</text>'
        )
    out.append("</svg>")
    return "".join(out)


def ridge_plot(kde: pd.DataFrame, title: str, width: int = 560) -> str:
    """One density curve per year, offset upwards, the earliest year at the back."""
    years = sorted(kde["year"].unique())
    if not years:
        return ""
    step, curve_h, left, right, top = 22, 70, 44, 12, 8
    height = int(top + curve_h + step * (len(years) - 1) + 24)
    xs = kde["x"].to_numpy()
    xlo, xhi = float(xs.min()), float(xs.max())
    dmax = float(kde["density"].max()) or 1.0

    def px(v: float) -> float:
        return left + (width - left - right) * (v - xlo) / ((xhi - xlo) or 1.0)

    out = [_svg_open(width, height, title)]
    for k, year in enumerate(reversed(years)):
        part = kde[kde["year"] == year]
        base = top + curve_h + step * (len(years) - 1 - k)
        pts = [
            f"{px(float(a)):.1f},{base - curve_h * float(d) / dmax:.1f}"
            for a, d in zip(part["x"], part["density"], strict=True)
        ]
        poly = f"{px(xlo):.1f},{base:.1f} " + " ".join(pts) + f" {px(xhi):.1f},{base:.1f}"
        shade = ramp(0.2 + 0.7 * (len(years) - 1 - k) / max(len(years) - 1, 1))
        out.append(
            f'<polygon points="{poly}" fill="{shade}" fill-opacity="0.75" stroke="white"/>'
            f'<text x="{left - 4}" y="{base:.1f}" font-size="9" fill="{MUTED}" '
            f'text-anchor="end">{year}</text>'
        )
    out.append("</svg>")
    return "".join(out)


def category_map(
    geojson: Mapping[str, Any],
    id_property: str,
    category: Mapping[str, int],
    colours: Mapping[int, str],
    legend: Mapping[int, str],
    title: str,
    width: int = 560,
) -> str:
    """Shapes coloured by a category (LISA clusters), equirectangular projection with longitudes
    scaled by cos(mid-latitude) as the report's choropleth."""
    shapes: list[tuple[str, list[list[tuple[float, float]]]]] = []
    for feature in geojson.get("features", []):
        code = str((feature.get("properties") or {}).get(id_property, ""))
        geom = feature.get("geometry") or {}
        coords = geom.get("coordinates") or []
        polys = [coords] if geom.get("type") == "Polygon" else coords
        rings = [[(float(p[0]), float(p[1])) for p in poly[0]] for poly in polys if poly]
        if rings:
            shapes.append((code, rings))
    pts = [p for _, rings in shapes for r in rings for p in r]
    if not pts:
        return ""
    lats = [p[1] for p in pts]
    kx = math.cos(math.radians((min(lats) + max(lats)) / 2))
    lons = [p[0] * kx for p in pts]
    scale = (width - 16) / max(max(lons) - min(lons), 1e-9)
    map_h = (max(lats) - min(lats)) * scale + 16
    height = int(map_h + 30)
    out = [_svg_open(width, height, title)]
    for code, rings in shapes:
        fill = colours.get(category.get(code, -1), "#f3f4f6")
        for ring in rings:
            step = max(1, len(ring) // 400)
            path = " ".join(
                f"{8 + (x * kx - min(lons)) * scale:.1f},{8 + (max(lats) - y) * scale:.1f}"
                for x, y in ring[::step]
            )
            out.append(
                f'<polygon points="{path}" fill="{fill}" stroke="white" stroke-width="0.6">'
                f"<title>{escape(code)}</title></polygon>"
            )
    for k, (key, name) in enumerate(legend.items()):
        lx = 8 + 110 * k
        out.append(
            f'<rect x="{lx}" y="{height - 18}" width="10" height="10" fill="{colours[key]}" '
            f'stroke="#9ca3af" stroke-width="0.5"/><text x="{lx + 14}" y="{height - 9}" '
            f'font-size="10" fill="{INK}">{escape(name)}</text>'
        )
    out.append("</svg>")
    return "".join(out)
