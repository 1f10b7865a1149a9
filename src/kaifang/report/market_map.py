"""The market map: a world choropleth of a location's export markets (or of any value per
country, e.g. ECI by location), as inline SVG without script, and the market table beside it.

Projection: plate carrée (x = longitude, y = latitude, one scale): at world scale no projection
keeps both shapes and areas, and this one needs no library and keeps every country where a
reader looks for it. Countries too small for the 1:110m map are dots. Colours: five quantile
classes (YlGnBu), since market shares are skewed (one market often holds a third of the
exports and most hold under 1 %): equal-width classes would paint almost every country alike.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from html import escape
from typing import Any

import numpy as np
import pandas as pd

from kaifang.report.charts import INK, NO_DATA, SVG_FONT, YLGNBU_5, class_of
from kaifang.report.countries import countries, match_partners, shape_codes
from kaifang.report.geomap import _legend, _polygons

MARKET_COLUMNS = ["partner", "value", "share", "growth"]


def market_table(shares: pd.DataFrame, location: str, year: int) -> pd.DataFrame:
    """One location's markets in ``year``: partner, value, share and growth, largest first.

    ``shares`` has the columns of ``partner_shares.csv`` (year, location, partner, value, share).
    Growth is year on year, :math:`g_j = v_{j,t} / v_{j,t-1} - 1`, NaN where the partner took
    nothing in :math:`t-1` (a new market has no growth rate).
    """
    mine = shares[shares["location"].astype(str) == str(location)]
    now = mine[mine["year"].astype(int) == int(year)]
    before = mine[mine["year"].astype(int) == int(year) - 1].set_index("partner")["value"]
    prev = before.reindex(now["partner"]).to_numpy(dtype=float)
    value = now["value"].to_numpy(dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        growth = np.where(prev > 0, value / prev - 1.0, np.nan)
    out = pd.DataFrame(
        {
            "partner": now["partner"].astype(str).to_numpy(),
            "value": value,
            "share": now["share"].to_numpy(dtype=float),
            "growth": growth,
        }
    )
    return out.sort_values(["value", "partner"], ascending=[False, True], ignore_index=True)


def quantile_breaks(values: np.ndarray, classes: int = 5) -> list[float]:
    """``classes + 1`` break points at the quantiles of ``values`` (the first is the minimum,
    the last the maximum)."""
    return [float(b) for b in np.quantile(values, np.linspace(0.0, 1.0, classes + 1))]


@dataclass(frozen=True)
class WorldMap:
    svg: str
    drawn: list[str]  # codes coloured on the map (shape or dot)
    dotted: list[str]  # of those, the ones drawn as a dot
    unmatched: dict[str, str]  # code -> "unknown" | "no_shape"


def world_map_svg(
    geo: Mapping[str, Any],
    values: Mapping[str, float],
    names: Mapping[str, str],
    legend_title: str,
    no_data_label: str,
    value_text: Callable[[float], str],
    width: int = 760,
) -> WorldMap:
    """Countries coloured by ``values`` (keyed by the data's own codes: ISO alpha-3, numeric or
    alpha-2, see :func:`~kaifang.report.countries.match_partners`), a ``<title>`` per shape with
    the escaped name and value, a legend, dots for countries too small for the map."""
    shown = {k: float(v) for k, v in values.items() if v is not None and math.isfinite(v)}
    match = match_partners(shown, shape_codes(dict(geo)))
    by_iso = {iso: code for code, iso in match.iso3.items()}
    features = [
        (str(f["properties"]["iso3"]), _polygons(f.get("geometry")))
        for f in geo.get("features", [])
    ]
    lats = [p[1] for _, polys in features for poly in polys for p in poly[0]] or [-60.0, 85.0]
    top, bottom = max(lats), min(lats)
    pad = 6.0
    scale = (width - 2 * pad) / 360.0
    map_h = (top - bottom) * scale + 2 * pad
    height = math.ceil(map_h + 46)

    def xy(lon: float, lat: float) -> tuple[float, float]:
        return pad + (lon + 180.0) * scale, pad + (top - lat) * scale

    matched = [shown[c] for c in match.iso3]
    breaks = quantile_breaks(np.asarray(matched)) if matched else [0.0] * 6
    shapes: list[str] = []
    any_grey = False
    for iso, polys in features:
        d = ""
        for poly in polys:
            for ring in poly:
                pts: list[tuple[float, float]] = []
                for lon, lat in ring:
                    p = xy(lon, lat)
                    if not pts or abs(p[0] - pts[-1][0]) + abs(p[1] - pts[-1][1]) >= 0.5:
                        pts.append(p)
                if len(pts) >= 3:
                    d += "M" + "L".join(f"{x:.1f} {y:.1f}" for x, y in pts) + "Z"
        if not d:
            continue
        code = by_iso.get(iso)
        if code is None:
            any_grey = True
            shapes.append(
                f'<path class="other" data-iso3="{escape(iso)}" d="{d}" fill="{NO_DATA}" '
                'fill-rule="evenodd" stroke="#ffffff" stroke-width="0.4"/>'
            )
            continue
        value = shown[code]
        label = f"{names.get(code, code)}: {value_text(value)}"
        shapes.append(
            f'<path class="market" data-iso3="{escape(iso)}" d="{d}" '
            f'fill="{YLGNBU_5[class_of(value, breaks)]}" fill-rule="evenodd" stroke="#ffffff" '
            f'stroke-width="0.4"><title>{escape(label)}</title></path>'
        )
    table = countries()
    for code in match.dotted:
        c = table[match.iso3[code]]
        assert c.lon is not None and c.lat is not None
        x, y = xy(c.lon, c.lat)
        value = shown[code]
        label = f"{names.get(code, code)}: {value_text(value)}"
        shapes.append(
            f'<circle class="market dot" data-iso3="{escape(c.iso3)}" cx="{x:.1f}" cy="{y:.1f}" '
            f'r="3.5" fill="{YLGNBU_5[class_of(value, breaks)]}" stroke="{INK}" '
            f'stroke-width="0.7"><title>{escape(label)}</title></circle>'
        )
    legend = _legend(breaks, legend_title, no_data_label if any_grey else None, map_h, width)
    svg = (
        f'<svg class="map world-map" xmlns="http://www.w3.org/2000/svg" '
        f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" role="img" '
        f'aria-label="{escape(legend_title)}" font-family="{escape(SVG_FONT)}">'
        + "".join(shapes)
        + legend
        + "</svg>"
    )
    return WorldMap(svg, list(match.iso3), match.dotted, match.unmatched)
