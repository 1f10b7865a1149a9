"""Statistical audit of an assessment (OECD/JRC Handbook 2008, steps 4 and 7;
COINr's ``get_corr``, ``get_cronbach``, ``get_PCA`` and ``remove_elements``).

Every statistic is computed on one year's cross-section of units (the latest year by default, or
each year in turn with ``years="all"``): pooling years would mix the trend over time with the
differences between units that the audit is about. Indicators enter with their normalised values
(directions applied), branches with their aggregated scores, i.e. the numbers the index is
built from.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from itertools import combinations
from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd

from kaifang.assessment import Assessment, Results
from kaifang.atomic import atomic_folder, write_simulated_note
from kaifang.csvfiles import write_csv
from kaifang.errors import KaifangError, MethodError
from kaifang.methods import audit_stats as st
from kaifang.sensitivity.audit_loo import leave_one_out

log = logging.getLogger(__name__)

__all__ = ["AuditResult", "audit", "write_audit"]

YearChoice = Literal["latest", "all"] | Sequence[int]


@dataclass(frozen=True)
class AuditResult:
    """The audit tables (pandas DataFrames, one per CSV file) and the choices behind them."""

    correlations: pd.DataFrame
    collinear: pd.DataFrame
    cronbach: pd.DataFrame
    pca_variance: pd.DataFrame
    pca_loadings: pd.DataFrame
    importance: pd.DataFrame
    loo_summary: pd.DataFrame
    loo_shifts: pd.DataFrame
    flags: pd.DataFrame
    heatmap: pd.DataFrame  # indicators x branches, Pearson r, latest audited year
    years: list[int]
    options: dict[str, object]
    simulated: bool = False
    notes: list[str] = field(default_factory=list)

    TABLES = (
        "flags",
        "correlations",
        "collinear",
        "cronbach",
        "pca_variance",
        "pca_loadings",
        "importance",
        "loo_summary",
        "loo_shifts",
    )

    def tables(self) -> dict[str, pd.DataFrame]:
        return {name: getattr(self, name) for name in self.TABLES}


def _years(results: Results, years: YearChoice) -> list[int]:
    available = [int(y) for y in results.grid.years]
    if isinstance(years, str):
        if years == "latest":
            return available[-1:]
        if years == "all":
            return available
        raise KaifangError(
            f"audit: years must be 'latest', 'all' or a list of years; got {years!r}"
        )
    chosen = [int(y) for y in years]
    bad = [y for y in chosen if y not in available]
    if bad or not chosen:
        raise KaifangError(f"audit: years {bad or chosen} are not assessed (years: {available})")
    return chosen


def _ancestors(results: Results, node: str) -> list[str]:
    fw = results.framework
    out = []
    parent = fw[node].parent
    while parent is not None:
        out.append(parent)
        parent = fw[parent].parent
    return out


def _correlations(
    results: Results, block: np.ndarray, year: int, p_threshold: float
) -> pd.DataFrame:
    fw = results.framework
    col = {n: k for k, n in enumerate(results.node_ids)}
    rows = []
    for node in fw.nodes:
        x = block[:, col[node]]
        for against in _ancestors(results, node):
            y = block[:, col[against]]
            pe = st.correlations_with(x, y, "pearson")
            sp = st.correlations_with(x, y, "spearman")
            r, p = float(pe.r[0]), float(pe.p[0])
            rows.append(
                {
                    "year": year,
                    "node": node,
                    "level": fw[node].level,
                    "kind": "indicator" if fw[node].is_indicator else "pillar",
                    "against": against,
                    "against_level": fw[against].level,
                    "relation": "parent" if against == fw[node].parent else "ancestor",
                    "pearson": r,
                    "pearson_p": p,
                    "spearman": float(sp.r[0]),
                    "spearman_p": float(sp.p[0]),
                    "n": int(pe.n[0]),
                    "negative": bool(r < 0),
                    "insignificant": bool(not p <= p_threshold),
                }
            )
    return pd.DataFrame(rows)


def _within_nodes(
    results: Results,
    block: np.ndarray,
    year: int,
    collinear: float,
    n_components: int,
    notes: list[str],
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    fw = results.framework
    col = {n: k for k, n in enumerate(results.node_ids)}
    pairs, alphas, variance, loadings = [], [], [], []
    for node in fw.branches:
        children = list(fw[node].children)
        x = block[:, [col[c] for c in children]]
        pe = st.correlation_matrix(x, method="pearson")
        sp = st.correlation_matrix(x, method="spearman")
        for a, b in combinations(range(len(children)), 2):
            r = float(pe.r[a, b])
            if np.isfinite(r) and abs(r) >= collinear:
                pairs.append(
                    {
                        "year": year,
                        "parent": node,
                        "node_a": children[a],
                        "node_b": children[b],
                        "pearson": r,
                        "pearson_p": float(pe.p[a, b]),
                        "spearman": float(sp.r[a, b]),
                        "n": int(pe.n[a, b]),
                    }
                )
        complete = int((~np.isnan(x).any(axis=1)).sum())
        alphas.append(
            {
                "year": year,
                "node": node,
                "level": fw[node].level,
                "n_children": len(children),
                "alpha": st.cronbach_alpha(x),
                "n_complete": complete,
            }
        )
        if len(children) < 2:
            continue
        try:
            res = st.pca(x)
        except MethodError as exc:
            notes.append(f"PCA of {node!r} ({year}) skipped: {exc}")
            continue
        cumulative = np.cumsum(res.share)
        for k in range(len(res.variance)):
            variance.append(
                {
                    "year": year,
                    "node": node,
                    "component": k + 1,
                    "eigenvalue": float(res.variance[k]),
                    "share": float(res.share[k]),
                    "cumulative": float(cumulative[k]),
                    "n_used": res.n_used,
                }
            )
        keep = min(n_components, res.loadings.shape[1])
        for i, child in enumerate(children):
            loadings.append(
                {"year": year, "node": node, "child": child}
                | {f"pc{k + 1}": float(res.loadings[i, k]) for k in range(keep)}
            )
    pair_cols = ["year", "parent", "node_a", "node_b", "pearson", "pearson_p", "spearman", "n"]
    return (
        pd.DataFrame(pairs, columns=pair_cols),
        pd.DataFrame(alphas),
        pd.DataFrame(variance),
        pd.DataFrame(loadings),
    )


def _importance(results: Results, block: np.ndarray, year: int) -> pd.DataFrame:
    """S_i of every node for its parent (weight within the parent) and of every indicator for
    the index (effective weight). ``s_share`` and ``weight_share`` are normalised over the group
    compared (siblings, or all indicators), as Paruolo et al. (2013) compare them; ``ratio`` =
    s_share / weight_share (1: the indicator matters as much as its weight says)."""
    fw = results.framework
    col = {n: k for k, n in enumerate(results.node_ids)}
    w = results.weights.set_index("node")
    groups: list[tuple[str, str, list[str], str]] = [
        (node, "parent", list(fw[node].children), "weight") for node in fw.branches
    ]
    groups.append((fw.root_id, "index", fw.indicators, "effective_weight"))
    rows = []
    for target, relation, members, weight_col in groups:
        if (
            relation == "parent"
            and target == fw.root_id
            and fw[target].children == tuple(fw.indicators)
        ):
            continue  # a flat framework: the same comparison as the index rows
        x = block[:, [col[m] for m in members]]
        ratio = st.correlation_ratio(x, block[:, col[target]])
        weights = w.loc[members, weight_col].to_numpy(dtype=float)
        s_total = np.nansum(ratio.s)
        w_total = weights.sum()
        for k, member in enumerate(members):
            s_share = ratio.s[k] / s_total if s_total > 0 else np.nan
            w_share = weights[k] / w_total if w_total > 0 else np.nan
            rows.append(
                {
                    "year": year,
                    "node": member,
                    "level": fw[member].level,
                    "target": target,
                    "relation": relation,
                    "weight": float(weights[k]),
                    "s": float(ratio.s[k]),
                    "s_share": float(s_share),
                    "weight_share": float(w_share),
                    "ratio": float(s_share / w_share) if w_share > 0 else np.nan,
                    "bandwidth": float(ratio.bandwidth[k]),
                }
            )
    return pd.DataFrame(rows)


def _flags(
    correlations: pd.DataFrame,
    collinear: pd.DataFrame,
    cronbach: pd.DataFrame,
    p_threshold: float,
    cronbach_min: float,
) -> pd.DataFrame:
    rows = []
    parent = correlations[correlations["relation"] == "parent"]
    for r in parent.itertuples():
        if r.negative:
            rows.append(
                (
                    r.year,
                    "negative",
                    r.node,
                    r.against,
                    r.pearson,
                    f"{r.node} correlates negatively with its parent {r.against} "
                    f"(r = {r.pearson:.2f})",
                )
            )
        if r.insignificant:
            rows.append(
                (
                    r.year,
                    "insignificant",
                    r.node,
                    r.against,
                    r.pearson_p,
                    f"{r.node}: correlation with {r.against} not significant "
                    f"(p = {r.pearson_p:.3g} > {p_threshold})",
                )
            )
    for c in collinear.itertuples():
        rows.append(
            (
                c.year,
                "collinear",
                c.node_a,
                c.node_b,
                c.pearson,
                f"{c.node_a} and {c.node_b} (in {c.parent}) are collinear (r = {c.pearson:.2f})",
            )
        )
    for year, node, k, alpha in zip(
        cronbach["year"].tolist(),
        cronbach["node"].tolist(),
        cronbach["n_children"].to_numpy(dtype=np.int64),
        cronbach["alpha"].to_numpy(dtype=np.float64),
        strict=True,
    ):
        if k >= 2 and np.isfinite(alpha) and alpha < cronbach_min:
            message = f"{node}: Cronbach's alpha {alpha:.2f} < {cronbach_min}"
            rows.append((year, "low_alpha", node, "", float(alpha), message))
    return pd.DataFrame(rows, columns=["year", "flag", "node", "other", "value", "message"])


def audit(
    source: Results | Assessment,
    *,
    years: YearChoice = "latest",
    p_threshold: float = 0.05,
    collinear: float = 0.9,
    cronbach_min: float = 0.7,
    n_components: int = 3,
    loo: bool = True,
    assessment: Assessment | None = None,
) -> AuditResult:
    """Audit an assessment: correlations, flags, Cronbach's alpha, PCA, importance, leave-one-out.

    Parameters
    ----------
    source : Results or Assessment
        An Assessment is run first. Leave-one-out rebuilds need the Assessment: pass it as
        ``source`` or as ``assessment`` (with ``source`` its Results); otherwise it is skipped
        and a note says so.
    years : "latest", "all" or a list of years
        Cross-sections audited (each year separately, never pooled).
    p_threshold : float
        A correlation with the parent whose two-sided p-value exceeds this is flagged.
    collinear : float
        Sibling pairs with :math:`|r| \\ge` this (Pearson) are flagged as collinear.
    cronbach_min : float
        Nodes whose children's alpha is below this are flagged (0.7: Nunnally 1978, used by the
        JRC audits).
    n_components : int
        Principal components whose loadings are tabulated (all variances are).
    loo : bool
        Run the leave-one-out rebuilds (one per node but the root).
    """
    if not 0 < p_threshold < 1:
        raise KaifangError(f"audit: the p-value threshold must be in (0, 1); got {p_threshold}")
    if not 0 < collinear <= 1:
        raise KaifangError(f"audit: the collinearity threshold must be in (0, 1]; got {collinear}")
    if isinstance(source, Assessment):
        assessment = source
        results = source.run()
    else:
        results = source
    chosen = _years(results, years)
    notes: list[str] = []
    fw = results.framework
    parts: dict[str, list[pd.DataFrame]] = {
        k: [] for k in ("cor", "col", "alp", "var", "lod", "imp")
    }
    for year in chosen:
        block = results.node_scores[results.grid.block(year)]
        parts["cor"].append(_correlations(results, block, year, p_threshold))
        col_, alp, var, lod = _within_nodes(results, block, year, collinear, n_components, notes)
        parts["col"].append(col_)
        parts["alp"].append(alp)
        parts["var"].append(var)
        parts["lod"].append(lod)
        parts["imp"].append(_importance(results, block, year))

    def cat(key: str) -> pd.DataFrame:
        return pd.concat(parts[key], ignore_index=True)

    correlations, collinear_pairs, cronbach = cat("cor"), cat("col"), cat("alp")
    if results.grid.n_units < 20:
        notes.append(
            f"only {results.grid.n_units} units per year: the importance S_i (a smoother fitted to "
            "each indicator) is rough; read it as an indication"
        )
    if loo and assessment is not None:
        loo_summary, loo_shifts = leave_one_out(assessment, results, chosen)
    else:
        loo_summary, loo_shifts = pd.DataFrame(), pd.DataFrame()
        if loo:
            notes.append("leave-one-out skipped: it needs the Assessment to rebuild")
    last = results.node_scores[results.grid.block(chosen[-1])]
    col = {n: k for k, n in enumerate(results.node_ids)}
    heat = st.correlation_matrix(
        last[:, [col[i] for i in fw.indicators]], last[:, [col[b] for b in fw.branches]]
    )
    for note in notes:
        log.warning(note)
    return AuditResult(
        correlations=correlations,
        collinear=collinear_pairs,
        cronbach=cronbach,
        pca_variance=cat("var"),
        pca_loadings=cat("lod"),
        importance=cat("imp"),
        loo_summary=loo_summary,
        loo_shifts=loo_shifts,
        flags=_flags(correlations, collinear_pairs, cronbach, p_threshold, cronbach_min),
        heatmap=pd.DataFrame(heat.r, index=fw.indicators, columns=fw.branches),
        years=chosen,
        options={
            "years": years if isinstance(years, str) else list(chosen),
            "p_threshold": p_threshold,
            "collinear": collinear,
            "cronbach_min": cronbach_min,
            "n_components": n_components,
            "leave_one_out": bool(loo and assessment is not None),
            "importance_smoother": "local linear kernel regression, LOO-CV bandwidth",
        },
        simulated=bool(results.record.get("simulated")),
        notes=notes,
    )


def _replace_dir(outdir: Path, fill: Callable[[Path], None]) -> Path:
    """Fill a temporary sibling folder, then swap it in: all or nothing."""
    with atomic_folder(outdir) as tmp:
        fill(tmp)
    return outdir


def write_audit(
    result: AuditResult,
    outdir: Path | str,
    *,
    lang: str = "en",
    names: dict[str, str] | None = None,
    pictures: bool = True,
) -> Path:
    """Write one CSV per table (UTF-8), ``audit.json`` (options, notes) and the correlation
    heat map (PNG, SVG) into ``outdir``, replacing it only once everything is written.

    ``names`` maps node ids to labels for the picture (default: the ids).
    """
    import json

    def fill(folder: Path) -> None:
        for name, table in result.tables().items():
            write_csv(table, folder / f"{name}.csv")
        (folder / "audit.json").write_text(
            json.dumps(
                {
                    "years": result.years,
                    "options": result.options,
                    "notes": result.notes,
                    "simulated": result.simulated,
                },
                ensure_ascii=False,
                indent=2,
                default=str,
            ),
            encoding="utf-8",
        )
        if result.simulated:
            write_simulated_note(folder)
        if pictures:
            from kaifang.sensitivity.plots import correlation_heatmap

            year = result.years[-1]
            title = (
                f"指标与上级节点的相关系数 · {year}"
                if lang == "zh"
                else (f"Correlations of indicators with pillars and index · {year}")
            )
            correlation_heatmap(
                result.heatmap,
                folder / "correlation_heatmap",
                lang=lang,
                title=title,
                simulated=result.simulated,
                names=names,
            )

    return _replace_dir(Path(outdir), fill)
