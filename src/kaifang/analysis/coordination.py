"""Coupling coordination of subsystems and obstacle degrees, from an assessment's results.

Node scores enter the coupling on the scale of the normalise step (``range: [0, 100]`` scores
are divided by 100, then brought to the coupling's ``range``); a subsystem of plain series is
min-max normalised per year across units and averaged. Obstacle degrees use the normalised
stage and the effective weights of the same run, so they explain the index as computed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from kaifang.analysis.panel import UnitNames, Where, variable_panel
from kaifang.analysis.spec import CouplingSpec, ObstacleSpec, Subsystem, VariableSpec
from kaifang.methods import coupling as mcp
from kaifang.methods import obstacle as mob

if TYPE_CHECKING:
    from kaifang.assessment import Assessment
    from kaifang.assessment.results import Results

# normalisations whose output is a bounded scale [lo, hi] with lo = worst, hi = best
BOUNDED = ("minmax", "goalposts")


def _normalise_range(assessment: Assessment) -> tuple[str | None, tuple[float, float]]:
    step = assessment.config.steps.normalise
    if step is None:
        return None, (0.0, 1.0)
    methods = {step.method} | {o.method for o in step.overrides.values()}
    method = step.method if methods <= set(BOUNDED) else None
    return method, (float(step.range[0]), float(step.range[1]))


def _subsystem_panel(
    assessment: Assessment,
    results: Results,
    sub: Subsystem,
    where: Where,
    key: tuple[str | int, ...],
) -> pd.DataFrame:
    if sub.node is not None:
        panel = variable_panel(assessment, results, VariableSpec(node=sub.node), where, key)
        method, (lo, hi) = _normalise_range(assessment)
        if method is None:
            raise where.error(
                (*key, "node"),
                "a node's score can enter a coupling only when the normalise step is minmax "
                "or goalposts (a bounded scale); use 'series' for this subsystem instead",
            )
        return ((panel - lo) / (hi - lo)).clip(0.0, 1.0)
    assert sub.series is not None
    parts = []
    for s in sub.series:
        p = variable_panel(assessment, results, VariableSpec(indicator=s), where, key)
        if sub.per is not None:
            per = variable_panel(assessment, results, VariableSpec(indicator=sub.per), where, key)
            p = p / per.reindex(index=p.index, columns=p.columns)
        x = p.to_numpy()
        lo = np.nanmin(x, axis=0, keepdims=True)
        hi = np.nanmax(x, axis=0, keepdims=True)
        with np.errstate(invalid="ignore", divide="ignore"):
            z = np.where(hi > lo, (x - lo) / np.where(hi > lo, hi - lo, 1.0), 0.5)
        parts.append(pd.DataFrame(z, index=p.index, columns=p.columns))
    out = parts[0]
    for p in parts[1:]:
        out = out.add(p.reindex(index=out.index, columns=out.columns))
    return out / len(parts)


def coupling_table(
    assessment: Assessment,
    results: Results,
    spec: CouplingSpec,
    where: Where,
    names: UnitNames,
) -> pd.DataFrame:
    """unit, name_en, name_zh, year, u_1..u_n (in [0, 1] after ``range``), c, t, d, grade (1-10),
    grade_en, grade_zh."""
    panels = [
        _subsystem_panel(assessment, results, s, where, ("coupling", "subsystems", i))
        for i, s in enumerate(spec.subsystems)
    ]
    index = panels[0].index
    columns = panels[0].columns
    for p in panels[1:]:
        index = index.intersection(p.index)
        columns = columns.intersection(p.columns)
    lo, hi = spec.range
    stack = np.stack([p.reindex(index=index, columns=columns).to_numpy() for p in panels], axis=2)
    u = lo + (hi - lo) * stack  # (units, years, n)
    flat = u.reshape(-1, len(panels))
    ok = np.isfinite(flat).all(axis=1)
    c = np.full(flat.shape[0], np.nan)
    t = np.full(flat.shape[0], np.nan)
    d = np.full(flat.shape[0], np.nan)
    if ok.any():
        c[ok], t[ok], d[ok] = mcp.coordination_degree(flat[ok], spec.alpha, spec.modified)
    grade = mcp.coordination_grade(d)
    units = np.repeat(np.asarray(index, dtype=object), len(columns))
    out = pd.DataFrame(
        {
            "unit": units,
            "name_en": [names.get(x, (x, x))[0] for x in units],
            "name_zh": [names.get(x, (x, x))[1] for x in units],
            "year": np.tile(np.asarray(columns, dtype=int), len(index)),
        }
    )
    for i in range(len(panels)):
        out[f"u_{i + 1}"] = flat[:, i]
    out["c"], out["t"], out["d"] = c, t, d
    out["grade"] = np.where(grade >= 0, grade + 1, 0)
    out["grade_en"] = [mcp.COORDINATION_GRADES[g][0] if g >= 0 else "" for g in grade]
    out["grade_zh"] = [mcp.COORDINATION_GRADES[g][1] if g >= 0 else "" for g in grade]
    return out


def obstacle_tables(
    assessment: Assessment,
    results: Results,
    spec: ObstacleSpec,
    where: Where,
    names: UnitNames,
    notes: list[tuple[str, str]],
) -> dict[str, pd.DataFrame]:
    """``obstacle`` (unit, year, indicator, pillar, obstacle, rank) and ``obstacle_pillars``
    (unit, year, pillar, obstacle) for the indicators under ``spec.node``."""
    fw = assessment.framework
    node = spec.node or fw.root_id
    if node not in fw.nodes:
        raise where.error(("obstacle", "node"), f"{node!r} is not a node of the framework")
    method, (lo, hi) = _normalise_range(assessment)
    if method is None or "normalised" not in results.stage_names:
        notes.append(
            (
                "Obstacle degrees need a minmax or goalposts normalise step; left out",
                "障碍度需要极差或目标值标准化，未计算",
            )
        )
        return {}
    leaves = fw.leaves_under(node)
    tree = fw.nodes
    children = tree[node].children
    pillar_of: dict[str, str] = {}
    for child in children:
        for leaf in fw.leaves_under(child) if tree[child].children else [child]:
            pillar_of[leaf] = child
    eff = results.weights.set_index("node")["effective_weight"].reindex(leaves).to_numpy(float)
    if not np.isfinite(eff).all() or eff.sum() <= 0:
        notes.append(("Obstacle degrees: no usable weights", "障碍度：权重不可用"))
        return {}
    eff = eff / eff.sum()
    values, cols = results.stages_wide["normalised"]
    x = values[:, [cols.index(i) for i in leaves]]
    x = np.clip((x - lo) / (hi - lo), 0.0, 1.0)
    o = mob.obstacle_degree(x, eff)
    grid = results.grid
    units = np.tile(np.asarray(grid.units, dtype=object), len(grid.years))
    years = np.repeat(np.asarray(grid.years, dtype=int), len(grid.units))
    m = len(leaves)
    long = pd.DataFrame(
        {
            "unit": np.repeat(units, m),
            "year": np.repeat(years, m),
            "indicator": np.tile(np.asarray(leaves, dtype=object), len(units)),
            "obstacle": o.reshape(-1),
        }
    )
    long["pillar"] = long["indicator"].map(pillar_of)
    long["name_en"] = long["indicator"].map({i: fw.name(i, "en") for i in leaves})
    long["name_zh"] = long["indicator"].map({i: fw.name(i, "zh") for i in leaves})
    long["rank"] = (
        long.groupby(["unit", "year"])["obstacle"]
        .rank(ascending=False, method="min")
        .astype("Int64")
    )
    long = long.dropna(subset=["obstacle"])
    pillars = (
        long.groupby(["unit", "year", "pillar"], as_index=False)["obstacle"].sum()
        if children
        else pd.DataFrame(columns=["unit", "year", "pillar", "obstacle"])
    )
    pillars["pillar_en"] = pillars["pillar"].map({c: fw.name(c, "en") for c in children})
    pillars["pillar_zh"] = pillars["pillar"].map({c: fw.name(c, "zh") for c in children})
    for frame in (long, pillars):
        frame.insert(
            1,
            "unit_en",
            frame["unit"].map({c: v[0] for c, v in names.items()}).fillna(frame["unit"]),
        )
        frame.insert(
            2,
            "unit_zh",
            frame["unit"].map({c: v[1] for c, v in names.items()}).fillna(frame["unit"]),
        )
    aggregate = assessment.config.steps.aggregate
    if aggregate is not None and aggregate.method != "arithmetic":
        notes.append(
            (
                "Obstacle degrees are exact shares of the gap to the top score for an arithmetic "
                f"index; this one aggregates by {aggregate.method}",
                f"障碍度对加权算术平均指数为精确分解；本评估采用{aggregate.method}汇总，仅供参考",
            )
        )
    cols_order = [
        "unit",
        "unit_en",
        "unit_zh",
        "year",
        "indicator",
        "name_en",
        "name_zh",
        "pillar",
        "obstacle",
        "rank",
    ]
    return {
        "obstacle": long[cols_order].sort_values(["unit", "year", "rank"]).reset_index(drop=True),
        "obstacle_pillars": pd.DataFrame(pillars)
        .sort_values(by=["unit", "year", "obstacle"], ascending=[True, True, False])
        .reset_index(drop=True),
    }
