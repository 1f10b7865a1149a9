"""The aggregate step: node scores bottom-up, each node by its own method."""

from __future__ import annotations

import numpy as np

from kaifang.assessment.config import AggregateStep
from kaifang.assessment.grid import FloatArray, Grid
from kaifang.assessment.steps import name_columns
from kaifang.assessment.weighting import NodeWeights
from kaifang.errors import KaifangError, MethodError
from kaifang.framework import Framework
from kaifang.methods import aggregate as agg
from kaifang.methods import mcda

MEANS = ("arithmetic", "geometric", "harmonic", "power")


class AggregationError(KaifangError):
    """A node could not be aggregated (the message names the node and what to change)."""


def node_method(params: AggregateStep, framework: Framework, node_id: str) -> str:
    """Which method combines ``node_id``'s children: config ``nodes`` > the framework node's
    ``aggregate`` > config ``levels`` (by the node's level) > config ``method``."""
    if node_id in params.nodes:
        return str(params.nodes[node_id])
    own = framework[node_id].node.aggregate
    if own is not None:
        return str(own)
    level = framework[node_id].level
    if level in params.levels:
        return str(params.levels[level])
    return str(params.method)


def cross_section(method: str, x: FloatArray, w: FloatArray, params: AggregateStep) -> FloatArray:
    """One year's cross-section by a comparison method (TOPSIS, VIKOR, grey relational grade,
    Copeland); ``w`` is (k,) or a stack (R, k). Rows with fewer children present than
    ``min_share`` (or none) are NaN, never computed from what is left."""
    present = ~np.isnan(x)
    keep = ~((present.mean(axis=1) < params.min_share) | ~present.any(axis=1))
    shape = (x.shape[0],) if w.ndim == 1 else (w.shape[0], x.shape[0])
    out = np.full(shape, np.nan)
    if keep.sum() < 1:
        return out
    xk = x[keep]
    if method == "topsis":
        res = mcda.topsis(xk, w, normalisation=params.topsis_normalisation or "vector")
    elif method == "vikor":
        res = mcda.vikor_score(xk, w, v=params.vikor_v)
    elif method == "grey":
        res = mcda.grey_relational_grade(xk, w, rho=params.grey_rho)
    else:
        res = np.asarray(mcda.copeland(xk, w), dtype=np.float64)
    out[..., keep] = res
    return out


def aggregate(
    normalised: FloatArray,
    params: AggregateStep | None,
    framework: Framework,
    weights: NodeWeights,
    grid: Grid,
) -> tuple[FloatArray, list[str], dict[str, str], list[str]]:
    """Scores of every node (columns in framework order; indicators keep their normalised
    values). Means run on all unit-years at once; TOPSIS, VIKOR, grey relational analysis and
    Copeland compare units, so they run on each year's cross-section."""
    params = params or AggregateStep()
    node_ids = list(framework.nodes)
    col = {n: k for k, n in enumerate(node_ids)}
    scores = np.full((grid.n_rows, len(node_ids)), np.nan)
    for j, ind in enumerate(framework.indicators):
        scores[:, col[ind]] = normalised[:, j]
    used: dict[str, str] = {}
    notes: list[str] = []
    for tn in framework.bottom_up():
        method = node_method(params, framework, tn.id)
        used[tn.id] = method
        x = scores[:, [col[c] for c in tn.children]]
        w = weights.children(framework, tn.id)
        if not np.any(w > 0):
            # Objective weights give 0 to constant indicators, so a node whose indicators are
            # all constant weighs 0 in its parent; its own score is still shown, as the equal-
            # weight mean of its children, rather than left undefined.
            w = np.ones_like(w)
            notes.append(
                f"aggregate: every child of {tn.id!r} has weight 0 (constant indicators); its "
                "score uses equal weights and it weighs 0 in its parent"
            )
        try:
            if method in MEANS:
                if method == "arithmetic":
                    out = agg.arithmetic_mean(x, w, min_share=params.min_share)
                elif method == "geometric":
                    out = agg.geometric_mean(x, w, min_share=params.min_share)
                elif method == "harmonic":
                    out = agg.harmonic_mean(x, w, min_share=params.min_share)
                else:
                    assert params.p is not None
                    out = agg.power_mean(x, w, params.p, min_share=params.min_share)
                scores[:, col[tn.id]] = out
            else:
                for _, rows in grid.year_blocks():
                    scores[rows, col[tn.id]] = cross_section(method, x[rows], w, params)
        except MethodError as exc:
            message = name_columns(str(exc), list(tn.children))
            raise AggregationError(f"aggregate ({method}): node {tn.id!r}: {message}") from None
    return scores, node_ids, used, notes
