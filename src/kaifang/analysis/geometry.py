"""Spatial weights of an assessment's units from its map (GeoJSON) or a table of points.

The files are read defensively (size and feature count bounded, every problem named with the
file); the weights come from :mod:`kaifang.methods.spatial`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from scipy import sparse

from kaifang.analysis.spec import SpatialSpec
from kaifang.errors import InputError, Problem
from kaifang.methods import spatial as msp

MAX_GEOJSON_BYTES = 200 * 1024 * 1024
MAX_FEATURES = 20_000


@dataclass(frozen=True)
class UnitWeights:
    """Weights (n, n) over ``codes`` (the units kept, in the order given), what was done about
    islands, and a plain description of the weights for the outputs."""

    codes: list[str]
    w: sparse.csr_array
    description: str
    islands: list[str] = field(default_factory=list)
    dropped: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)  # units with no geometry
    geojson: str | None = None  # the map the weights come from (None: points)
    id_property: str | None = None


def _rings(geometry: Any) -> list[np.ndarray]:
    if not isinstance(geometry, dict):
        return []
    kind, coords = geometry.get("type"), geometry.get("coordinates") or []
    if kind == "Polygon":
        return [np.asarray(r, dtype=np.float64)[:, :2] for r in coords if len(r) >= 2]
    if kind == "MultiPolygon":
        return [np.asarray(r, dtype=np.float64)[:, :2] for p in coords for r in p if len(r) >= 2]
    if kind == "GeometryCollection":
        return [r for g in geometry.get("geometries", []) for r in _rings(g)]
    return []


def _ring_area_centroid(ring: np.ndarray) -> tuple[float, float, float]:
    x, y = ring[:, 0], ring[:, 1]
    x1, y1 = np.roll(x, -1), np.roll(y, -1)
    cross = x * y1 - x1 * y
    area = cross.sum() / 2.0
    if abs(area) < 1e-15:
        return 0.0, float(x.mean()), float(y.mean())
    cx = ((x + x1) * cross).sum() / (6.0 * area)
    cy = ((y + y1) * cross).sum() / (6.0 * area)
    return abs(float(area)), float(cx), float(cy)


def _centroid(rings: list[np.ndarray]) -> tuple[float, float]:
    """Area-weighted centroid of the rings (holes counted as area: fine for a neighbour search)."""
    parts = [_ring_area_centroid(r) for r in rings]
    total = sum(a for a, _, _ in parts)
    if total <= 0:
        pts = np.vstack(rings)
        return float(pts[:, 0].mean()), float(pts[:, 1].mean())
    return (
        sum(a * cx for a, cx, _ in parts) / total,
        sum(a * cy for a, _, cy in parts) / total,
    )


def read_geojson(path: Path, id_property: str) -> dict[str, list[np.ndarray]]:
    """Rings of every feature by unit code (the ``id_property`` of the feature)."""
    where = str(path)
    if not path.is_file():
        raise InputError([Problem(where, "the GeoJSON file does not exist")])
    if path.stat().st_size > MAX_GEOJSON_BYTES:
        raise InputError([Problem(where, f"larger than {MAX_GEOJSON_BYTES // 2**20} MB")])
    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError([Problem(where, f"not valid GeoJSON (UTF-8 JSON): {exc}")]) from None
    features = data.get("features") if isinstance(data, dict) else None
    if not isinstance(features, list):
        raise InputError([Problem(where, "expected a FeatureCollection with 'features'")])
    if len(features) > MAX_FEATURES:
        raise InputError([Problem(where, f"more than {MAX_FEATURES} features")])
    out: dict[str, list[np.ndarray]] = {}
    for i, feature in enumerate(features):
        props = feature.get("properties") if isinstance(feature, dict) else None
        if not isinstance(props, dict) or id_property not in props:
            raise InputError(
                [Problem(where, f"feature {i} has no property {id_property!r} (the unit code)")]
            )
        try:
            rings = _rings(feature.get("geometry"))
        except (ValueError, TypeError, IndexError):
            raise InputError(
                [Problem(where, f"feature {i} ({props[id_property]}): coordinates are not numbers")]
            ) from None
        if rings:
            out.setdefault(str(props[id_property]), []).extend(rings)
    return out


def read_points(path: Path) -> dict[str, tuple[float, float]]:
    """Points (columns code, x, y) by unit code."""
    where = str(path)
    if not path.is_file():
        raise InputError([Problem(where, "the points file does not exist")])
    try:
        table = pd.read_csv(path, dtype={"code": str}, encoding="utf-8-sig", nrows=MAX_FEATURES + 1)
    except (ValueError, UnicodeDecodeError) as exc:
        raise InputError([Problem(where, f"not a readable CSV: {exc}")]) from None
    missing = [c for c in ("code", "x", "y") if c not in table.columns]
    if missing:
        raise InputError([Problem(where, f"missing columns {missing} (need code, x, y)")])
    problems = []
    for col in ("x", "y"):
        values = pd.to_numeric(table[col], errors="coerce")
        for row in np.flatnonzero(~np.isfinite(values.to_numpy(dtype=float)))[:20]:
            problems.append(
                Problem(
                    where, f"expected a number, found {table[col].iloc[row]!r}", int(row) + 2, col
                )
            )
    if problems:
        raise InputError(problems)
    return {
        str(c): (float(x), float(y))
        for c, x, y in zip(table["code"], table["x"], table["y"], strict=True)
    }


def unit_weights(
    codes: list[str],
    spec: SpatialSpec,
    geojson: Path | None,
    id_property: str,
    points: Path | None,
) -> UnitWeights:
    """Weights over ``codes`` following ``spec``; units without geometry are left out (named in
    ``missing``), islands handled as ``spec.islands`` says."""
    if points is not None:
        pts = read_points(points)
        have = [c for c in codes if c in pts]
        coords = np.array([pts[c] for c in have]) if have else np.zeros((0, 2))
        rings: list[list[np.ndarray]] = []
        source = points.name
    elif geojson is not None:
        shapes = read_geojson(geojson, id_property)
        have = [c for c in codes if c in shapes]
        rings = [shapes[c] for c in have]
        coords = np.array([_centroid(r) for r in rings]) if have else np.zeros((0, 2))
        source = geojson.name
    else:
        raise InputError([Problem("disparity.spatial", "no geometry: give geojson or points")])
    missing = [c for c in codes if c not in have]
    if len(have) < 3:
        raise InputError(
            [Problem(source, f"only {len(have)} of the {len(codes)} units have a geometry")]
        )
    rule = spec.weights
    if rule in ("queen", "rook"):
        if not rings:
            raise InputError(
                [Problem(source, f"{rule} contiguity needs polygons (a GeoJSON), not points")]
            )
        w = msp.contiguity_weights(rings, rule)
        desc = f"{rule} contiguity ({source})"
    elif rule == "knn":
        w = msp.knn_weights(coords, min(spec.k, len(have) - 1), spec.geographic)
        desc = f"{min(spec.k, len(have) - 1)} nearest neighbours ({source})"
    else:
        assert spec.threshold is not None  # checked by the spec
        w = msp.distance_weights(coords, spec.threshold, spec.power, spec.geographic)
        unit = "km" if spec.geographic else "map units"
        desc = f"distance band {spec.threshold:g} {unit}, power {spec.power:g} ({source})"
    alone = [have[i] for i in msp.islands(w)]
    dropped: list[str] = []
    if alone:
        if spec.islands == "error":
            raise InputError(
                [
                    Problem(
                        source,
                        f"units without neighbours (islands): {alone}; set "
                        "disparity.spatial.islands to nearest or drop",
                    )
                ]
            )
        if spec.islands == "nearest":
            w = msp.connect_islands(w, coords, spec.geographic)
            desc += f"; islands joined to their nearest unit: {', '.join(alone)}"
        else:
            keep = np.setdiff1d(np.arange(len(have)), msp.islands(w))
            w = sparse.csr_array(w[keep][:, keep])
            dropped = alone
            have = [have[i] for i in keep]
            desc += f"; islands left out: {', '.join(alone)}"
    return UnitWeights(
        have,
        msp.row_standardise(w),
        desc + "; row-standardised",
        alone,
        dropped,
        missing,
        None if geojson is None or points is not None else str(geojson.resolve()),
        id_property,
    )
