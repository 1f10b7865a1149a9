"""The weight step: node weights relative to siblings, from the framework, AHP or the data."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from kaifang.assessment.config import WeightStep
from kaifang.assessment.grid import FloatArray
from kaifang.assessment.steps import name_columns
from kaifang.errors import KaifangError, MethodError
from kaifang.framework import Framework
from kaifang.methods import weights as wts


class WeightError(KaifangError):
    """Weights could not be computed (e.g. an inconsistent AHP matrix)."""


@dataclass(frozen=True)
class NodeWeights:
    """Weight of every node relative to its siblings (the root has weight 1)."""

    raw: dict[str, float]
    info: dict[str, Any] = field(default_factory=dict)

    def children(self, framework: Framework, node_id: str) -> FloatArray:
        return np.array([self.raw[c] for c in framework[node_id].children], dtype=np.float64)

    def table(self, framework: Framework) -> pd.DataFrame:
        """``weights.csv`` (architecture.md#output-folder): node, parent, weight (normalised
        within the parent), effective_weight (product of the normalised weights down the tree)."""
        rows = []
        effective: dict[str, float] = {}
        for node_id, tn in framework.nodes.items():
            if tn.parent is None:
                w = 1.0
                effective[node_id] = 1.0
            else:
                siblings = framework[tn.parent].children
                total = sum(self.raw[s] for s in siblings)
                w = self.raw[node_id] / total if total > 0 else 0.0
                effective[node_id] = effective[tn.parent] * w
            rows.append(
                {
                    "node": node_id,
                    "parent": tn.parent if tn.parent is not None else "",
                    "weight": w,
                    "effective_weight": effective[node_id],
                }
            )
        return pd.DataFrame(rows)


def _framework_weights(framework: Framework) -> dict[str, float]:
    return {i: float(n.node.weight) for i, n in framework.nodes.items()}


def _ahp_weights(
    framework: Framework, allow_inconsistent: bool
) -> tuple[dict[str, float], dict[str, Any]]:
    raw = _framework_weights(framework)
    info: dict[str, Any] = {}
    bad = []
    for node_id, tn in framework.nodes.items():
        matrix = tn.node.ahp_matrix()
        if matrix is None:
            continue
        try:
            w, cr, lambda_max = wts.ahp_weights(np.array(matrix, dtype=float))
        except MethodError as exc:
            raise WeightError(f"weight (ahp): node {node_id!r}: {exc}") from None
        info[node_id] = {"consistency_ratio": float(cr), "lambda_max": float(lambda_max)}
        if cr > 0.1:
            bad.append(f"{node_id!r} (CR = {cr:.3f})")
        for child, value in zip(tn.children, w, strict=True):
            raw[child] = float(value)
    if not info:
        raise WeightError("weight (ahp): no node of the framework has an 'ahp' pairwise matrix")
    if bad and not allow_inconsistent:
        raise WeightError(
            "weight (ahp): the pairwise matrix of node " + ", ".join(bad) + " is inconsistent "
            "(consistency ratio > 0.1, Saaty 1980); revise the judgements or set "
            "'allow_inconsistent: true' in steps.weight"
        )
    return raw, info


def _leaf_effective(framework: Framework, raw: dict[str, float]) -> FloatArray:
    weights = NodeWeights(raw).table(framework).set_index("node")["effective_weight"]
    return np.asarray(weights.reindex(framework.indicators).to_numpy(), dtype=np.float64)


def _from_leaf_weights(framework: Framework, leaf: FloatArray) -> dict[str, float]:
    """Leaf weights from a flat method; a branch weighs the sum of its indicators' weights,
    so that with arithmetic aggregation each indicator's effective weight is its flat weight."""
    by_leaf = dict(zip(framework.indicators, leaf.tolist(), strict=True))
    raw = {}
    for node_id in framework.nodes:
        raw[node_id] = float(sum(by_leaf[i] for i in framework.leaves_under(node_id)))
    # a branch whose indicators all weigh 0 (all constant) is kept out without dividing by 0
    return raw


def _objective(
    method: str,
    params: WeightStep,
    treated: FloatArray,
    normalised: FloatArray,
    framework: Framework,
) -> tuple[FloatArray, str]:
    default_data = "treated" if method in ("entropy", "critic") else "normalised"
    data_kind = params.data or default_data
    directions = np.array([float(framework[i].node.direction or 1) for i in framework.indicators])
    x = treated if data_kind == "treated" else normalised
    d = directions if data_kind == "treated" else np.ones_like(directions)
    if method in ("critic", "pca", "sd", "cv"):
        # correlations and covariances need complete rows; say how many were used
        complete = ~np.isnan(x).any(axis=1)
        if not complete.any():
            raise WeightError(f"weight ({method}): no unit-year has every indicator; impute first")
        x = x[complete]
    try:
        if method == "entropy":
            w = wts.entropy_weights(x, d, delta=params.delta)
        elif method == "critic":
            w = wts.critic_weights(x, d)
        elif method == "sd":
            w = wts.sd_weights(x)
        elif method == "cv":
            w = wts.cv_weights(x)
        else:
            w = wts.pca_weights(x)
    except MethodError as exc:
        message = name_columns(str(exc), framework.indicators)
        raise WeightError(f"weight ({method}): {message}") from None
    return np.asarray(w, dtype=np.float64), data_kind


def compute_weights(
    params: WeightStep | None,
    framework: Framework,
    treated: FloatArray,
    normalised: FloatArray,
    latest_rows: slice | None = None,
) -> NodeWeights:
    """Node weights for the chosen method (architecture.md#assessment-yaml and #conventions).

    Objective methods see all unit-years stacked (``mode: panel``: min, max and the entropy
    constant k = 1/ln(T n) over the panel) or the last year's cross-section only
    (``mode: latest_year``); either way one set of weights serves every year, so scores stay
    comparable over time.
    """
    if params is not None and params.mode == "latest_year" and latest_rows is not None:
        treated, normalised = treated[latest_rows], normalised[latest_rows]
    if params is None or params.method == "framework":
        return NodeWeights(_framework_weights(framework), {"method": "framework"})
    method = params.method
    if method == "equal":
        return NodeWeights({i: 1.0 for i in framework.nodes}, {"method": "equal"})
    if method == "ahp":
        raw, info = _ahp_weights(framework, params.allow_inconsistent)
        return NodeWeights(raw, {"method": "ahp", "ahp": info})
    if method == "combine":
        if params.subjective == "ahp":
            subj_raw, ahp_info = _ahp_weights(framework, params.allow_inconsistent)
        elif params.subjective == "equal":
            subj_raw, ahp_info = {i: 1.0 for i in framework.nodes}, {}
        else:
            subj_raw, ahp_info = _framework_weights(framework), {}
        subjective = _leaf_effective(framework, subj_raw)
        objective, data_kind = _objective(params.objective, params, treated, normalised, framework)
        try:
            leaf = wts.combine_weights(subjective, objective, params.alpha, params.combination)
        except MethodError as exc:
            raise WeightError(f"weight (combine): {exc}") from None
        leaf = np.asarray(leaf, dtype=np.float64)
        info = {
            "method": "combine",
            "subjective": dict(zip(framework.indicators, subjective.tolist(), strict=True)),
            "objective": dict(zip(framework.indicators, objective.tolist(), strict=True)),
            "objective_method": params.objective,
            "objective_data": data_kind,
            "alpha": params.alpha,
            "ahp": ahp_info,
        }
        return NodeWeights(_from_leaf_weights(framework, leaf), info)
    leaf, data_kind = _objective(method, params, treated, normalised, framework)
    info = {"method": method, "data": data_kind, "mode": params.mode}
    if method == "entropy":
        info["delta"] = params.delta
    return NodeWeights(_from_leaf_weights(framework, leaf), info)
