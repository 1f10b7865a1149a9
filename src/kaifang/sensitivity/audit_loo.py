"""Leave-one-out of the audit: rebuild the assessment without one indicator or one pillar and
measure how far every unit's rank moves (OECD/JRC Handbook 2008, section 7: "excluding one
indicator at a time"; COINr's ``remove_elements``)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import numpy as np
import pandas as pd

from kaifang.assessment import Assessment, Results
from kaifang.errors import KaifangError
from kaifang.framework import Framework, build_framework


def framework_without(framework: Framework, node_id: str) -> Framework:
    """The framework minus ``node_id`` (and its subtree); the siblings' weights are relative, so
    they are rescaled by the aggregation. A parent left with no children goes too; an AHP
    matrix of the parent loses the removed row and column; a removed indicator that another
    indicator divides by (or derives growth from) is kept as an auxiliary series."""
    if node_id == framework.root_id:
        raise KaifangError("leave-one-out cannot remove the root (the index itself)")
    if node_id not in framework.nodes:
        raise KaifangError(f"leave-one-out: {node_id!r} is not a node of the framework")
    tree: dict[str, Any] = framework.root.model_dump(exclude_none=True)
    removed = set(framework.leaves_under(node_id))
    target = node_id
    # climb while the parent would be left empty
    while True:
        parent = framework[target].parent
        assert parent is not None
        if len(framework[parent].children) > 1:
            break
        if parent == framework.root_id:
            raise KaifangError(f"leave-one-out: removing {node_id!r} would leave the index empty")
        target = parent

    def prune(node: dict[str, Any]) -> None:
        children = node.get("children")
        if not children:
            return
        ids = [c["id"] for c in children]
        if target in ids:
            k = ids.index(target)
            node["children"] = children[:k] + children[k + 1 :]
            if node.get("ahp") is not None:
                node["ahp"] = [
                    row[:k] + row[k + 1 :] for i, row in enumerate(node["ahp"]) if i != k
                ]
            return
        for child in children:
            prune(child)

    prune(tree)
    still_needed = set()
    for tn in framework.nodes.values():
        nd = tn.node
        if tn.id in removed:
            continue
        if nd.denominator in removed:
            still_needed.add(nd.denominator)
        growth = nd.derive.growth if nd.derive is not None else None
        if growth in removed:
            still_needed.add(growth)
    aux = tree.setdefault("auxiliary", [])
    for ind in sorted(still_needed):
        nd = framework[ind].node
        entry: dict[str, Any] = {"id": ind, "name": nd.name.model_dump()}
        if nd.unit is not None:
            entry["unit"] = nd.unit
        aux.append(entry)
    return build_framework(tree, framework.path)


def removable_nodes(framework: Framework) -> list[str]:
    """Every node but the root, in framework order (pillars, sub-indices and indicators)."""
    return [n for n in framework.nodes if n != framework.root_id]


def leave_one_out(
    assessment: Assessment,
    nominal: Results,
    years: list[int],
    nodes: list[str] | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Rebuild without each node in turn; rank shift of the index for every unit.

    The shift of unit :math:`u` when element :math:`e` is removed is
    :math:`\\Delta_{ue} = r_u^{(-e)} - r_u` (positive: the unit falls), and the element's
    summary is the mean absolute shift :math:`\\frac{1}{n}\\sum_u |\\Delta_{ue}|` and the largest
    :math:`|\\Delta_{ue}|`, per year.

    Returns
    -------
    (summary, shifts)
        ``summary``: year, removed, kind (indicator | pillar), level, mean_abs_shift,
        max_abs_shift. ``shifts``: year, unit, nominal_rank, then one column per removed
        element with the unit's rank shift (the full unit x element table).
    """
    fw = nominal.framework
    nodes = removable_nodes(fw) if nodes is None else nodes
    root_col = nominal.node_ids.index(fw.root_id)
    grid = nominal.grid
    base = nominal.node_ranks[:, root_col]
    shifts: dict[str, np.ndarray] = {}
    for node in nodes:
        variant = Assessment(replace(assessment.inputs, framework=framework_without(fw, node)))
        res = variant.run()
        if not np.array_equal(res.grid.units, grid.units) or not np.array_equal(
            res.grid.years, grid.years
        ):
            raise KaifangError(
                f"leave-one-out: without {node!r} the assessment covers other units or years; "
                "its rank shifts cannot be compared"
            )
        shifts[node] = res.node_ranks[:, res.node_ids.index(fw.root_id)] - base
    summary_rows = []
    wide = []
    for year in years:
        rows = grid.block(year)
        table = pd.DataFrame(
            {"year": year, "unit": grid.units, "nominal_rank": base[rows]}
            | {node: shifts[node][rows] for node in nodes}
        )
        wide.append(table)
        for node in nodes:
            d = np.abs(shifts[node][rows])
            ok = ~np.isnan(d)
            summary_rows.append(
                {
                    "year": year,
                    "removed": node,
                    "kind": "indicator" if fw[node].is_indicator else "pillar",
                    "level": fw[node].level,
                    "mean_abs_shift": float(d[ok].mean()) if ok.any() else np.nan,
                    "max_abs_shift": float(d[ok].max()) if ok.any() else np.nan,
                }
            )
    return pd.DataFrame(summary_rows), pd.concat(wide, ignore_index=True)
