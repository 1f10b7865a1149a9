"""A choropleth map as inline SVG, drawn from the GeoJSON of the config's ``report:`` block.

Projection: equirectangular with longitudes scaled by cos(mid-latitude), which keeps shapes
true enough at the scale of a province or a country and needs no projection library.
Vertices closer than half a pixel to the previous one are dropped: the page stays small
(the China map shrinks from 0.8 MB of GeoJSON to about 0.1 MB of SVG) and looks the same.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from html import escape
from typing import Any

from kaifang.report.charts import INK, MUTED, NO_DATA, SVG_FONT, YLGNBU_5, class_of

Ring = list[tuple[float, float]]


@dataclass(frozen=True)
class MapResult:
    svg: str
    drawn: list[str]  # unit codes drawn with a score
    unmatched: list[str]  # units with a score but no shape


def _polygons(geometry: Mapping[str, Any] | None) -> list[list[Ring]]:
    if not geometry:
        return []
    kind, coords = geometry.get("type"), geometry.get("coordinates") or []
    if kind == "Polygon":
        return [[[(float(p[0]), float(p[1])) for p in ring] for ring in coords]]
    if kind == "MultiPolygon":
        return [[[(float(p[0]), float(p[1])) for p in ring] for ring in poly] for poly in coords]
    if kind == "GeometryCollection":
        return [p for g in geometry.get("geometries", []) for p in _polygons(g)]
    return []


def _area(ring: Ring) -> float:
    """Shoelace area (absolute) of a ring."""
    return (
        abs(
            sum(
                x0 * y1 - x1 * y0
                for (x0, y0), (x1, y1) in zip(ring, ring[1:] + ring[:1], strict=True)
            )
        )
        / 2
    )


def label_point(rings: list[Ring], n: int = 18) -> tuple[float, float, float]:
    """A point well inside a polygon (outer ring first, then holes) and its distance to the edge.

    A grid search for the point farthest from the boundary (a coarse pole of inaccessibility):
    unlike the centroid it never falls outside a C-shaped unit or inside its hole.
    """
    import numpy as np

    # every k-th vertex is plenty to place a label, and keeps this at a millisecond per unit
    rings = [r[:: max(1, len(r) // 160)] for r in rings]
    rings = [r for r in rings if len(r) >= 3] or rings
    outer = np.asarray(rings[0])
    xs = np.linspace(outer[:, 0].min(), outer[:, 0].max(), n + 2)[1:-1]
    ys = np.linspace(outer[:, 1].min(), outer[:, 1].max(), n + 2)[1:-1]
    px, py = (a.ravel() for a in np.meshgrid(xs, ys))
    inside = np.zeros(px.shape, dtype=bool)
    best = np.full(px.shape, np.inf)
    for ring in rings:
        a = np.asarray(ring)
        b = np.roll(a, -1, axis=0)
        # even-odd rule: a horizontal ray from the point crosses the ring an odd number of times
        cond = (a[:, 1][None, :] > py[:, None]) != (b[:, 1][None, :] > py[:, None])
        with np.errstate(divide="ignore", invalid="ignore"):
            xcross = a[:, 0] + (py[:, None] - a[:, 1]) * (b[:, 0] - a[:, 0]) / (b[:, 1] - a[:, 1])
        inside ^= (cond & (px[:, None] < xcross)).sum(axis=1) % 2 == 1
        d = b - a
        length2 = np.maximum((d**2).sum(axis=1), 1e-12)
        t = ((px[:, None] - a[:, 0]) * d[:, 0] + (py[:, None] - a[:, 1]) * d[:, 1]) / length2
        t = np.clip(t, 0.0, 1.0)
        dx = a[:, 0] + t * d[:, 0] - px[:, None]
        dy = a[:, 1] + t * d[:, 1] - py[:, None]
        best = np.minimum(best, np.sqrt(dx**2 + dy**2).min(axis=1))
    if not inside.any():
        return float(outer[:, 0].mean()), float(outer[:, 1].mean()), 0.0
    score = np.where(inside, best, -1.0)
    i = int(score.argmax())
    return float(px[i]), float(py[i]), float(best[i])


_ZH_SUFFIX = re.compile(r"(特别行政区|自治区|省|市)$")
# the peoples named in China's autonomous regions, prefectures and counties
_PEOPLES = (
    "布依|苗|侗|土家|彝|藏|壮|回|维吾尔|哈萨克|蒙古|傣|白|哈尼|景颇|傈僳|羌|朝鲜|柯尔克孜|瑶|黎|"
    "仡佬|纳西|拉祜|佤|水|畲|怒|独龙|普米|土|撒拉|保安|东乡|裕固|达斡尔|鄂温克|鄂伦春|满|锡伯|"
    "毛南|仫佬|京|布朗|阿昌|德昂|基诺|门巴|珞巴|塔吉克"
)
_ZH_AUTONOMOUS = re.compile(rf"^(.{{2,}}?)(?:(?:{_PEOPLES})族?)+自治(州|县|区)$")


def short_name(name: str) -> str:
    """A label that fits on a map: 黔西南布依族苗族自治州 -> 黔西南州, 广西壮族自治区 -> 广西,
    贵阳市 -> 贵阳; other names are kept."""
    m = _ZH_AUTONOMOUS.match(name)
    if m:
        return m.group(1) + ("" if m.group(2) == "区" else m.group(2))
    short = _ZH_SUFFIX.sub("", name)
    return short if len(short) >= 2 else name


def choropleth(
    geojson: Mapping[str, Any],
    id_property: str,
    values: Mapping[str, float],
    labels: Mapping[str, str],
    breaks: Sequence[float],
    legend_title: str,
    no_data_label: str,
    width: int = 720,
) -> MapResult:
    """Units coloured by ``values`` in the equal-width classes ``breaks`` (YlGnBu), with labels,
    a legend and a ``<title>`` per shape; shapes of units without a value are grey."""
    features = []
    for feature in geojson.get("features", []):
        code = str((feature.get("properties") or {}).get(id_property, ""))
        polys = _polygons(feature.get("geometry"))
        if polys:
            features.append((code, polys))
    # The extent covers every polygon of the geometry as given: a map of China must show all of
    # its territory, the South China Sea islands included, and which parts to show is the
    # geometry file's business (an approved standard map may come with its own inset).
    points = [p for _, polys in features for poly in polys for p in poly[0]]
    if not points:
        return MapResult("", [], sorted(values))
    lons = [p[0] for p in points]
    lats = [p[1] for p in points]
    kx = math.cos(math.radians((min(lats) + max(lats)) / 2))
    x0, y1 = min(lons) * kx, max(lats)
    pad = 8.0
    scale = (width - 2 * pad) / max((max(lons) - min(lons)) * kx, 1e-9)
    map_h = (max(lats) - min(lats)) * scale + 2 * pad
    legend_h = 46
    height = math.ceil(map_h + legend_h)

    def project(ring: Ring) -> Ring:
        out: Ring = []
        for lon, lat in ring:
            p = (pad + (lon * kx - x0) * scale, pad + (y1 - lat) * scale)
            if not out or abs(p[0] - out[-1][0]) + abs(p[1] - out[-1][1]) >= 0.5:
                out.append(p)
        return out

    font = 13 if len(values) <= 15 else 10
    shapes: list[str] = []
    texts: list[str] = []
    drawn: list[str] = []
    any_no_data = False
    for code, polys in features:
        projected = [[project(r) for r in poly] for poly in polys]
        projected = [
            [r for r in poly if len(r) >= 3]
            for poly in projected
            if poly and len(poly[0]) >= 3 and _visible(poly[0], width, map_h)
        ]
        if not projected:
            continue
        d = "".join(
            "M" + "L".join(f"{x:.1f} {y:.1f}" for x, y in r) + "Z"
            for poly in projected
            for r in poly
        )
        value = values.get(code, math.nan)
        name = labels.get(code, code)
        if code in values and not math.isnan(value):
            fill = YLGNBU_5[class_of(value, breaks)]
            drawn.append(code)
            shapes.append(
                f'<path class="unit" data-unit="{escape(code)}" data-score="{value:.4f}" '
                f'd="{d}" fill="{fill}" fill-rule="evenodd" stroke="#ffffff" '
                f'stroke-width="0.8"><title>{escape(name)}: {value:.1f}</title></path>'
            )
            main = max(projected, key=lambda poly: _area(poly[0]))
            cx, cy, room = label_point(main)
            text = short_name(name)
            # label only where it fits: half its width must clear the nearest edge roughly
            if room >= font * 0.55 and _area(main[0]) >= (font * len(text)) ** 2 / 4:
                label = escape(text)
                # a white halo first, then the text, so labels read on dark and light fills
                common = (
                    f'x="{cx:.1f}" y="{cy + font / 3:.1f}" font-size="{font}" text-anchor="middle"'
                )
                texts.append(
                    f'<text {common} fill="none" stroke="#ffffff" stroke-width="3" '
                    f'stroke-linejoin="round" stroke-opacity="0.9">{label}</text>'
                    f'<text {common} fill="{INK}">{label}</text>'
                )
        else:
            any_no_data = True
            shapes.append(
                f'<path class="other" data-unit="{escape(code)}" d="{d}" fill="{NO_DATA}" '
                f'fill-rule="evenodd" stroke="#ffffff" stroke-width="0.6"/>'
            )
    legend = _legend(breaks, legend_title, no_data_label if any_no_data else None, map_h, width)
    svg = (
        f'<svg class="map" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'role="img" aria-label="{escape(legend_title)}" font-family="{SVG_FONT}">'
        + "".join(shapes)
        + "".join(texts)
        + legend
        + "</svg>"
    )
    unmatched = sorted(set(values) - set(drawn))
    return MapResult(svg, drawn, unmatched)


def _visible(ring: Ring, width: float, height: float) -> bool:
    return any(0 <= x <= width and 0 <= y <= height for x, y in ring)


def _legend(
    breaks: Sequence[float], title: str, no_data: str | None, top: float, width: int
) -> str:
    box_w, box_h = 56, 12
    x0 = 8.0
    y = top + 14
    parts = [f'<text x="{x0}" y="{y - 4:.1f}" font-size="10" fill="{INK}">{escape(title)}</text>']
    decimals = 0 if breaks[-1] - breaks[0] >= 20 else 2 if breaks[-1] - breaks[0] < 2 else 1
    for i, colour in enumerate(YLGNBU_5):
        x = x0 + i * box_w
        parts.append(
            f'<rect x="{x:.1f}" y="{y:.1f}" width="{box_w}" height="{box_h}" fill="{colour}" '
            f'stroke="#ffffff" stroke-width="0.5"/>'
        )
        parts.append(
            f'<text x="{x:.1f}" y="{y + box_h + 11:.1f}" font-size="9" fill="{MUTED}" '
            f'text-anchor="middle">{breaks[i]:.{decimals}f}</text>'
        )
    end = x0 + len(YLGNBU_5) * box_w
    parts.append(
        f'<text x="{end:.1f}" y="{y + box_h + 11:.1f}" font-size="9" fill="{MUTED}" '
        f'text-anchor="middle">{breaks[-1]:.{decimals}f}</text>'
    )
    if no_data is not None:
        nx = end + 24
        parts.append(
            f'<rect x="{nx:.1f}" y="{y:.1f}" width="{box_h}" height="{box_h}" fill="{NO_DATA}"/>'
            f'<text x="{nx + box_h + 4:.1f}" y="{y + box_h - 2:.1f}" font-size="9" '
            f'fill="{MUTED}">{escape(no_data)}</text>'
        )
    return "".join(parts)
