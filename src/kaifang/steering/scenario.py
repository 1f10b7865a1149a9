"""Weight scenarios: the assessment rerun with changed framework weights, compared to baseline.

Two kinds of change (``WeightChange.kind``), applied in the order given:

- ``weight``: the matched nodes' weight relative to their siblings is multiplied or set
  (``--set weight.trade_open=2x``). Doubling every child of one parent changes nothing: weights
  are relative to siblings.
- ``share``: the matched indicators' (and indicators under matched branches) joint share of
  the index :math:`S = \\sum e_i` is multiplied (``scale_share``: ``x2`` makes it :math:`2S`) or
  each is set (:math:`e'_i = s_i`); the other indicators share the rest in their old
  proportions. Then every node's weight becomes the sum of :math:`e'` over its indicators, so
  that products down the tree give exactly :math:`e'`.

Node ids may be globs (``trade_*``: ``fnmatch`` rules), several joined by ``|``
(``trade_*|fdi_*``) to change the joint share of both groups at once. The comparison reports scores
and ranks of every unit and node, rank movers, effective weights before and after, and Spearman's
rank correlation between the two rankings of the index (scipy.stats.spearmanr).
"""

from __future__ import annotations

import fnmatch
import re
from dataclasses import dataclass, field, replace
from typing import Any, Literal

import numpy as np
import pandas as pd

from kaifang.assessment import Assessment, Results
from kaifang.assessment.config import config_block
from kaifang.assessment.weighting import NodeWeights
from kaifang.errors import InputError, KaifangError, MethodError, Problem
from kaifang.framework import Framework, build_framework
from kaifang.framework.model import MAX_WEIGHT
from kaifang.methods.steering import scale_share
from kaifang.steering.models import Scenario, ScenariosBlock, WeightChange

SET_PATTERN = re.compile(r"^(weight|share)\.([A-Za-z0-9_*?\[\]!|-]+)=([0-9.eE+-]+)([xX×]?)$")


class ScenarioError(KaifangError):
    """A scenario cannot be applied (no node matches, weights not used by the method, ...)."""


@dataclass(frozen=True)
class ScenarioReport:
    summary: pd.DataFrame
    movers: pd.DataFrame
    pillars: pd.DataFrame
    weights: pd.DataFrame
    comparison: pd.DataFrame
    year: int
    notes: list[str] = field(default_factory=list)
    simulated: bool = False


def parse_set(text: str) -> WeightChange:
    """``weight.<node>=2x`` (multiply) or ``weight.<node>=0.5`` (set); ``share.`` likewise."""
    m = SET_PATTERN.match(text.strip())
    if not m:
        raise ValueError(
            f"cannot read {text!r}: write weight.<node>=2x (multiply), weight.<node>=0.5 (set), "
            "or share.<node>=... for the share of the index; <node> may be a glob like trade_*"
        )
    on, node, number, times = m.groups()
    value = float(number)
    if not value > 0:
        raise ValueError(f"{text!r}: the value must be positive")
    kind: Literal["weight", "share"] = "share" if on == "share" else "weight"
    if times:
        return WeightChange(node=node, kind=kind, multiply=value)
    return WeightChange(node=node, kind=kind, set=value)


def describe(change: WeightChange) -> str:
    op = f"x{change.multiply:g}" if change.multiply is not None else f"= {change.set:g}"
    return f"{change.kind}.{change.node} {op}"


def explain(change: WeightChange, framework: Framework, nodes: list[str], lang: str) -> str:
    """The change in words for a report: the node's name (or, for a glob, how many indicators
    it matched, the glob kept as code), what changed and by how much."""
    zh = lang == "zh"
    leaves = sorted({leaf for n in nodes for leaf in framework.leaves_under(n)})
    if any(c in change.node for c in "*?[|"):
        who = (
            f"编号匹配 {change.node} 的 {len(leaves)} 个指标"
            if zh
            else f"the {len(leaves)} indicators matching {change.node}"
        )
    else:
        who = (
            "、".join(framework.name(n, lang) for n in nodes)
            if zh
            else ", ".join(framework.name(n, lang) for n in nodes)
        )
    if change.kind == "share":
        what = "在指数中的合计份额" if zh else "joint share of the index"
    else:
        what = "相对同级的权重" if zh else "weight relative to siblings"
    if change.multiply is not None:
        how = f"×{change.multiply:g}"
    else:
        how = f"设为 {change.set:g}" if zh else f"set to {change.set:g}"
    return f"{who}{what}{how}" if zh else f"{who}: {what} {how}"


def load_scenarios(assessment: Assessment) -> ScenariosBlock | None:
    return config_block(assessment.inputs.config_path, "scenarios", ScenariosBlock)


def _matches(framework: Framework, pattern: str) -> list[str]:
    # "trade_*|fdi_*": either glob, so that one change can move the joint share of two groups
    globs = [g.strip() for g in pattern.split("|") if g.strip()]
    return [
        i
        for i in framework.nodes
        if i != framework.root_id and any(fnmatch.fnmatchcase(i, g) for g in globs)
    ]


def _check_method(
    assessment: Assessment, framework: Framework, change: WeightChange, nodes: list[str]
) -> None:
    step = assessment.config.steps.weight
    method = "framework" if step is None else step.method
    subjective = None if step is None else step.subjective
    uses_framework = method == "framework" or (method == "combine" and subjective == "framework")
    uses_ahp = method == "ahp" or (method == "combine" and subjective == "ahp")
    if not (uses_framework or uses_ahp):
        raise ScenarioError(
            f"steps.weight.method is {method!r}, which does not use the framework weights: a "
            "weight scenario would change nothing (use method framework, ahp or combine)"
        )
    if uses_ahp:
        under_ahp = [n for n in nodes if framework[framework[n].parent or ""].node.ahp is not None]
        if change.kind == "share" or under_ahp:
            raise ScenarioError(
                f"{describe(change)}: the weights of "
                f"{under_ahp or 'the tree'} come from AHP pairwise matrices; edit the matrix "
                "or use steps.weight.method: framework"
            )


def _effective(framework: Framework) -> dict[str, float]:
    raw = {i: float(n.node.weight) for i, n in framework.nodes.items()}
    table = NodeWeights(raw).table(framework)
    return dict(zip(table["node"], table["effective_weight"].astype(float), strict=True))


def apply_changes(
    assessment: Assessment, framework: Framework, changes: list[WeightChange]
) -> tuple[Framework, dict[str, list[str]]]:
    """A new framework with the changes applied, and the nodes each change matched."""
    matched: dict[str, list[str]] = {}
    for change in changes:
        nodes = _matches(framework, change.node)
        if not nodes:
            raise ScenarioError(
                f"{describe(change)}: no node id matches {change.node!r} "
                f"(ids: {', '.join(list(framework.nodes)[:12])}, ...)"
            )
        _check_method(assessment, framework, change, nodes)
        matched[describe(change)] = nodes
        weights = {i: float(n.node.weight) for i, n in framework.nodes.items()}
        if change.kind == "weight":
            for n in nodes:
                weights[n] = (
                    weights[n] * change.multiply if change.multiply else float(change.set or 0)
                )
        else:
            leaves = sorted({leaf for n in nodes for leaf in framework.leaves_under(n)})
            eff = {i: v for i, v in _effective(framework).items() if framework[i].is_indicator}
            if change.multiply is not None:
                eff = _scaled_share(eff, leaves, change)
            else:
                fixed = float(change.set or 0) * len(leaves)
                if fixed >= 1:
                    raise ScenarioError(
                        f"{describe(change)}: {len(leaves)} indicators x {change.set} leaves no "
                        "share for the others"
                    )
                rest = sum(v for k, v in eff.items() if k not in leaves)
                eff = {
                    k: (float(change.set or 0) if k in leaves else v * (1 - fixed) / rest)
                    for k, v in eff.items()
                }
            for node_id in framework.nodes:
                weights[node_id] = sum(eff[leaf] for leaf in framework.leaves_under(node_id))
        # a huge factor (2e308x) gives weights that overflow: no score would be finite
        bad = {n: w for n, w in weights.items() if not 0 < w <= MAX_WEIGHT}
        if bad:
            found = ", ".join(f"{n} = {w:g}" for n, w in list(bad.items())[:5])
            raise ScenarioError(
                f"{describe(change)}: gives weights that are not usable ({found}); weights must "
                f"be above 0 and at most {MAX_WEIGHT:g}, with finite shares"
            )
        framework = _with_weights(framework, weights)
    return framework, matched


def _scaled_share(
    eff: dict[str, float], leaves: list[str], change: WeightChange
) -> dict[str, float]:
    keys = list(eff)
    values = np.array([eff[k] for k in keys])
    values = values / values.sum()
    matched = np.isin(keys, leaves)
    try:
        scaled = scale_share(values, matched, float(change.multiply or 1.0))
    except MethodError as exc:
        raise ScenarioError(f"{describe(change)}: {exc}") from None
    return dict(zip(keys, scaled.tolist(), strict=True))


def _with_weights(framework: Framework, weights: dict[str, float]) -> Framework:
    tree = framework.root.model_dump(exclude_none=True)

    def visit(node: dict[str, Any]) -> None:
        node["weight"] = weights[node["id"]]
        for child in node.get("children") or ():
            visit(child)

    visit(tree)
    return build_framework(tree, framework.path)


def _names(results: Results, lang_key: str) -> dict[str, str]:
    return {k: v.get(lang_key, k) for k, v in results.record.get("unit_names", {}).items()}


def _compare(
    scenario: Scenario,
    base: Results,
    alt: Results,
    matched: dict[str, list[str]],
    year: int,
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, pd.DataFrame, dict[str, Any]]:
    from scipy.stats import spearmanr

    fw_base = base.framework
    keys = ["unit", "year", "node", "level"]
    b = base.scores.rename(columns={"score": "score_baseline", "rank": "rank_baseline"})
    s = alt.scores.rename(columns={"score": "score_scenario", "rank": "rank_scenario"})
    comp = b.merge(s, on=keys, how="outer")
    comp["score_change"] = comp["score_scenario"] - comp["score_baseline"]
    # positive = moved up the ranking (rank 5 -> 3 is +2)
    comp["rank_change"] = comp["rank_baseline"] - comp["rank_scenario"]
    en, zh = _names(base, "en"), _names(base, "zh")
    comp.insert(1, "unit_en", comp["unit"].map(en))
    comp.insert(2, "unit_zh", comp["unit"].map(zh))
    comp.insert(0, "scenario", scenario.id)

    root = fw_base.root_id
    movers = comp[(comp["node"] == root) & (comp["year"] == year)].copy()
    movers = movers.sort_values(["rank_change", "rank_scenario"], ascending=[False, True])
    movers = movers.drop(columns=["node", "level"])

    wb = base.weights.set_index("node")
    wa = alt.weights.set_index("node")
    changed = sorted({n for nodes in matched.values() for n in nodes})
    changed_leaves = sorted({leaf for n in changed for leaf in fw_base.leaves_under(n)})
    weights = pd.DataFrame(
        {
            "scenario": scenario.id,
            "node": wb.index,
            "name_en": [fw_base.name(n, "en") for n in wb.index],
            "name_zh": [fw_base.name(n, "zh") for n in wb.index],
            "parent": wb["parent"].to_numpy(),
            "level": [fw_base[n].level for n in wb.index],
            "weight_baseline": wb["weight"].to_numpy(),
            "weight_scenario": wa["weight"].reindex(wb.index).to_numpy(),
            "effective_baseline": wb["effective_weight"].to_numpy(),
            "effective_scenario": wa["effective_weight"].reindex(wb.index).to_numpy(),
            "matched": [n in changed for n in wb.index],
        }
    )
    pillars = weights[weights["level"] == 1].drop(columns=["parent", "level", "matched"])
    pillars = pillars.assign(change=pillars["effective_scenario"] - pillars["effective_baseline"])

    top_b = movers["score_baseline"].to_numpy(dtype=np.float64)
    top_s = movers["score_scenario"].to_numpy(dtype=np.float64)
    ok = np.isfinite(top_b) & np.isfinite(top_s)
    rho = float(spearmanr(top_b[ok], top_s[ok]).statistic) if ok.sum() > 2 else float("nan")
    eff_b = base.weights.set_index("node")["effective_weight"]
    eff_s = alt.weights.set_index("node")["effective_weight"]
    rank_moves = movers["rank_change"].astype("Float64").fillna(0).to_numpy(dtype=np.float64)
    summary = {
        "scenario": scenario.id,
        "name_en": scenario.name.en if scenario.name else scenario.id,
        "name_zh": scenario.name.zh if scenario.name else scenario.id,
        "changes": "; ".join(matched),
        "changes_zh": "；".join(
            explain(c, fw_base, matched[describe(c)], "zh") for c in scenario.changes
        ),
        "changes_en": "; ".join(
            explain(c, fw_base, matched[describe(c)], "en") for c in scenario.changes
        ),
        "nodes_matched": len(changed),
        "indicators_affected": len(changed_leaves),
        "share_baseline": float(eff_b.reindex(changed_leaves).sum()),
        "share_scenario": float(eff_s.reindex(changed_leaves).sum()),
        "year": year,
        "spearman_rho": rho,
        "units_moved": int((rank_moves != 0).sum()),
        "max_rank_move": int(np.abs(rank_moves).max()) if len(rank_moves) else 0,
    }
    return comp, movers, pillars, weights, summary


def run_scenarios(
    assessment: Assessment,
    scenarios: list[Scenario] | None = None,
    year: int | None = None,
) -> ScenarioReport:
    """Run each scenario (default: the config's ``scenarios:`` block) against the baseline."""
    config_path = str(assessment.inputs.config_path)
    if scenarios is None:
        block = load_scenarios(assessment)
        if block is None:
            raise InputError(
                [
                    Problem(
                        config_path,
                        "no 'scenarios:' block and no --set: give weight changes, e.g. "
                        "--set 'weight.trade_*=2x'",
                    )
                ]
            )
        scenarios = list(block.items)
        year = year if year is not None else block.year
    base = assessment.run()
    years = [int(y) for y in base.grid.years]
    year = year if year is not None else years[-1]
    if year not in years:
        raise InputError([Problem(config_path, f"year {year} is not assessed (years: {years})")])
    parts: list[tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, pd.DataFrame]] = []
    rows = []
    for scenario in scenarios:
        fw, matched = apply_changes(assessment, assessment.framework, list(scenario.changes))
        alt = Assessment(replace(assessment.inputs, framework=fw)).run()
        comp, movers, pillars, weights, summary = _compare(scenario, base, alt, matched, year)
        parts.append((comp, movers, pillars, weights))
        rows.append(summary)
    notes = [
        "rank_change = baseline rank - scenario rank (positive: moved up).",
        "share_baseline / share_scenario: effective weight of the affected indicators in the "
        "index (product of relative weights down the tree).",
        f"spearman_rho: Spearman rank correlation of the index scores of {year}, baseline vs "
        "scenario (scipy.stats.spearmanr).",
        "weight.<node>: weight relative to siblings; share.<node>: share of the index, the "
        "other indicators keeping their proportions.",
    ]
    return ScenarioReport(
        summary=pd.DataFrame(rows),
        movers=pd.concat([p[1] for p in parts], ignore_index=True),
        pillars=pd.concat([p[2] for p in parts], ignore_index=True),
        weights=pd.concat([p[3] for p in parts], ignore_index=True),
        comparison=pd.concat([p[0] for p in parts], ignore_index=True),
        year=year,
        notes=notes,
        simulated=bool(assessment.config.simulated),
    )
