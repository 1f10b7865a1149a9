"""The numbers each page and API endpoint shows, as plain dicts (one source for both)."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from kaifang.web.data import Dashboard, Snapshot, clean

STAGE_ORDER = ("raw", "denominated", "imputed", "treated", "normalised")
N_STRENGTHS = 3


def _rank(value: float) -> int | None:
    return None if math.isnan(value) else int(value)


def unit_names(dash: Dashboard) -> dict[str, dict[str, str]]:
    names: dict[str, dict[str, str]] = dash.base.record.get("unit_names") or {}
    return {str(u): names.get(str(u), {"en": str(u), "zh": str(u)}) for u in dash.base.grid.units}


def name_of(snap: Snapshot, node: str) -> dict[str, str]:
    fw = snap.framework
    return {"en": fw.name(node, "en"), "zh": fw.name(node, "zh")}


def meta(dash: Dashboard) -> dict[str, Any]:
    snap = dash.base
    names = unit_names(dash)
    title = (snap.record.get("config") or {}).get("title") or name_of(snap, snap.framework.root_id)
    return {
        "title": {"en": str(title["en"]), "zh": str(title["zh"])},
        "simulated": bool(snap.record.get("simulated")),
        "source_kind": "config" if dash.assessment is not None else "results",
        "units": [{"code": code, "name": names[code]} for code in names],
        "years": [int(y) for y in snap.grid.years],
        "root": snap.framework.root_id,
        "pillars": dash.pillars,
        "stages": [s for s in STAGE_ORDER if s in snap.stages],
        "whatif_available": dash.whatif_reason is None,
        "whatif_reason": dash.whatif_reason,
        "has_map": dash.geojson is not None,
    }


def framework_nodes(snap: Snapshot) -> list[dict[str, Any]]:
    """Every node depth-first with names, weights (normalised within parent) and metadata."""
    table = snap.weights
    weight = dict(zip(table["node"].astype(str), table["weight"].astype(float), strict=True))
    effective = dict(
        zip(table["node"].astype(str), table["effective_weight"].astype(float), strict=True)
    )
    out = []
    for node_id, tn in snap.framework.nodes.items():
        nd = tn.node
        out.append(
            {
                "id": node_id,
                "name": name_of(snap, node_id),
                "parent": tn.parent,
                "level": tn.level,
                "children": list(tn.children),
                "is_indicator": tn.is_indicator,
                "framework_weight": float(nd.weight),
                "weight": weight.get(node_id),
                "effective_weight": effective.get(node_id),
                "unit": nd.unit,
                "unit_name": {lang: snap.framework.unit(node_id, lang) for lang in ("en", "zh")},
                "direction": nd.direction,
                "source": nd.source,
            }
        )
    return out


def score_rows(snap: Snapshot, node: str, year: int | None = None) -> list[dict[str, Any]]:
    """Score, rank and rank change since the previous year (positive = moved up)."""
    scores, ranks = snap.node_table(node)
    years = [int(y) for y in snap.grid.years]
    rows = []
    for t, y in enumerate(years):
        if year is not None and y != year:
            continue
        for i, unit in enumerate(snap.grid.units):
            rank = _rank(ranks[t, i])
            prev = _rank(ranks[t - 1, i]) if t > 0 else None
            change = prev - rank if rank is not None and prev is not None else None
            rows.append(
                {
                    "unit": str(unit),
                    "year": y,
                    "score": clean(scores[t, i]),
                    "rank": rank,
                    "change": change,
                }
            )
    return rows


def profile(dash: Dashboard, code: str, year: int) -> dict[str, Any]:
    """A unit's pillars against the median of all units, strengths, weaknesses and its trend."""
    snap = dash.base
    units = [str(u) for u in snap.grid.units]
    i = units.index(code)
    t = [int(y) for y in snap.grid.years].index(year)
    pillars = []
    diffs: dict[str, float] = {}
    for node in dash.pillars:
        scores, ranks = snap.node_table(node)
        row = scores[t]
        present = row[~np.isnan(row)]
        median = float(np.median(present)) if present.size else math.nan
        diff = float(row[i] - median)
        if not math.isnan(diff):
            diffs[node] = diff
        pillars.append(
            {
                "node": node,
                "name": name_of(snap, node),
                "score": clean(row[i]),
                "rank": _rank(ranks[t, i]),
                "median": clean(median),
                "diff": clean(diff),
            }
        )
    ranked = sorted(diffs, key=lambda n: -diffs[n])
    strengths = [n for n in ranked[:N_STRENGTHS] if diffs[n] > 0]
    weaknesses = [n for n in reversed(ranked[-N_STRENGTHS:]) if diffs[n] < 0]
    root = snap.framework.root_id
    trend = [r for r in score_rows(snap, root) if r["unit"] == code]
    index_row = next(r for r in trend if r["year"] == year)
    return {
        "unit": code,
        "name": unit_names(dash)[code],
        "year": year,
        "index_score": index_row["score"],
        "index_rank": index_row["rank"],
        "pillars": pillars,
        "strengths": strengths,
        "weaknesses": weaknesses,
        "trend": trend,
    }


def indicator_values(snap: Snapshot, indicator: str, stage: str) -> dict[str, Any]:
    values, columns = snap.stages[stage]
    j = columns.index(indicator)
    grid = snap.grid
    table = values[:, j].reshape(grid.n_years, grid.n_units)
    tn = snap.framework[indicator]
    rows = [
        {"unit": str(u), "year": int(y), "value": clean(table[t, i])}
        for t, y in enumerate(grid.years)
        for i, u in enumerate(grid.units)
    ]
    boxes = []
    for t, y in enumerate(grid.years):
        present = table[t][~np.isnan(table[t])]
        if present.size:
            q = np.quantile(present, [0.0, 0.25, 0.5, 0.75, 1.0])
            boxes.append({"year": int(y), "quartiles": [float(v) for v in q]})
        else:
            boxes.append({"year": int(y), "quartiles": None})
    # the raw stage is in the indicator's own units; later stages are ratios or normalised scores
    measure = tn.node.unit if stage == "raw" else None
    return {
        "id": indicator,
        "name": name_of(snap, indicator),
        "parent": tn.parent,
        "unit": measure,
        "unit_name": None
        if measure is None
        else {lang: snap.framework.unit(indicator, lang) for lang in ("en", "zh")},
        "direction": tn.node.direction,
        "source": tn.node.source,
        "stage": stage,
        "stages": [s for s in STAGE_ORDER if s in snap.stages and indicator in snap.stages[s][1]],
        "values": rows,
        "boxes": boxes,
    }


def whatif_rows(base: Snapshot, variant: Snapshot) -> list[dict[str, Any]]:
    root = base.framework.root_id
    new = score_rows(variant, root)
    old = score_rows(base, root)
    return [
        {
            "unit": n["unit"],
            "year": n["year"],
            "score": n["score"],
            "rank": n["rank"],
            "base_score": o["score"],
            "base_rank": o["rank"],
        }
        for n, o in zip(new, old, strict=True)
    ]


def pillar_shares(snap: Snapshot, pillars: list[str]) -> dict[str, float]:
    """The pillars' weights normalised to sum to 1 (what the engine uses); 0 for a pillar
    switched off (absent from the variant)."""
    table = snap.weights
    w = dict(zip(table["node"].astype(str), table["weight"].astype(float), strict=True))
    return {p: w.get(p, 0.0) for p in pillars}
