"""Regional disparity and dynamics of an assessment: the ``disparity:`` block run as tables.

Every measure the data allow is run: Dagum's Gini decomposition and Theil indices by group,
σ- and β-convergence, kernel densities, Markov chains of classes, and, with a map, Moran's I,
LISA clusters, spatial Markov chains and spatial β; coupling coordination and obstacle degrees
come from :mod:`kaifang.analysis.coordination`. What could not be run, and why, is said in
``notes``; so is a sample too small for a test to mean much.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from kaifang.analysis import spatial_beta
from kaifang.analysis.coordination import coupling_table, obstacle_tables
from kaifang.analysis.geometry import UnitWeights, unit_weights
from kaifang.analysis.panel import UnitNames, Where, group_labels, unit_names, variable_panel
from kaifang.analysis.spec import DisparityBlock
from kaifang.assessment.config import config_block
from kaifang.errors import MethodError
from kaifang.methods import convergence as mc
from kaifang.methods import density as md
from kaifang.methods import disparity as mdis
from kaifang.methods import markov as mm
from kaifang.methods import spatial as msp

if TYPE_CHECKING:
    from kaifang.assessment import Assessment
    from kaifang.assessment.results import Results

log = logging.getLogger(__name__)

Notes = list[tuple[str, str]]

# below this many units a test's p-value says little (and a Markov row rests on few moves)
SMALL_N = 30
MIN_ROW_MOVES = 5


@dataclass(frozen=True)
class DisparityReport:
    """The tables (name -> DataFrame, written as ``<name>.csv``), notes in en and zh, the
    parameters used and whether the data are simulated."""

    tables: dict[str, pd.DataFrame]
    notes: list[tuple[str, str]] = field(default_factory=list)
    params: dict[str, Any] = field(default_factory=dict)
    simulated: bool = False


def load_block(assessment: Assessment) -> DisparityBlock:
    path = assessment.inputs.config_path
    block = config_block(path, "disparity", DisparityBlock)
    if block is None:
        raise Where.of(path).error(
            (),
            "no 'disparity:' block: add one, e.g. disparity: {variable: {node: <root id>}, "
            "groups: group}; see examples/china_provinces/assessment.yaml",
        )
    return block


def _needs_results(block: DisparityBlock) -> bool:
    v = block.variable
    return (
        v.node is not None
        or v.stage != "raw"
        or block.coupling is not None
        or block.obstacle is not None
    )


def _inequality(
    panel: pd.DataFrame, groups: list[str] | None, pop: pd.DataFrame | None, notes: Notes
) -> dict[str, pd.DataFrame]:
    dagum, dgroups, dpairs, theil, sigma = [], [], [], [], []
    group_arr = np.array(groups) if groups is not None else None
    for year in panel.columns:
        col = panel[year]
        ok = col.notna().to_numpy()
        y = col.to_numpy()[ok]
        if y.size < 2:
            continue
        row: dict[str, Any] = {"year": int(year), "n": int(y.size)}
        positive = bool((y > 0).all())
        if (y >= 0).all() and y.sum() > 0:
            if group_arr is not None and len(set(group_arr[ok])) >= 2:
                g = group_arr[ok]
                r = mdis.dagum_gini(y, g)
                row |= {
                    "gini": r.gini,
                    "within": r.within,
                    "between": r.between,
                    "transvariation": r.transvariation,
                }
                row |= {
                    f"share_{k}": row[k] / r.gini if r.gini > 0 else np.nan
                    for k in ("within", "between", "transvariation")
                }
                names = sorted(set(g))
                for j, name in enumerate(names):
                    dgroups.append(
                        {
                            "year": int(year),
                            "group": name,
                            "n": int((g == name).sum()),
                            "mean": float(r.means[j]),
                            "gini": float(r.group_gini[j]),
                        }
                    )
                for j in range(len(names)):
                    for h in range(j + 1, len(names)):
                        dpairs.append(
                            {
                                "year": int(year),
                                "group_a": names[j],
                                "group_b": names[h],
                                "gini": float(r.pair_gini[j, h]),
                                "affluence_a_over_b": float(r.affluence[j, h]),
                            }
                        )
            else:
                row["gini"] = mdis.gini(y)
            dagum.append(row)
        p = None
        if pop is not None and year in pop.columns:
            pv = pop[year].reindex(panel.index).to_numpy()[ok]
            p = pv if np.isfinite(pv).all() and (pv > 0).all() else None
        srow: dict[str, Any] = {"year": int(year), "n": int(y.size)}
        if positive:
            g_ok = group_arr[ok] if group_arr is not None else None
            t = mdis.theil(y, g_ok, p)
            theil.append(
                {
                    "year": int(year),
                    "theil_t": t.theil_t,
                    "between": t.between_t,
                    "within": t.within_t,
                    "theil_l": t.theil_l,
                    "between_l": t.between_l,
                    "within_l": t.within_l,
                    "weighted": p is not None,
                }
            )
            srow["sd_log"] = float(np.log(y).std())
        else:
            notes.append(
                (
                    f"{year}: a value is <= 0, so the Theil indices and the SD of logs are "
                    "left out",
                    f"{year}年存在小于或等于0的数值，未计算泰尔指数和对数标准差",
                )
            )
        if y.mean() > 0:
            srow["cv"] = (
                mdis.coefficient_of_variation(y) if (y >= 0).all() else float(y.std() / y.mean())
            )
        if p is not None and (y >= 0).all():
            srow["williamson_cv"] = mdis.williamson_cv(y, p)
        sigma.append(srow)
    out = {
        "dagum": pd.DataFrame(dagum),
        "theil": pd.DataFrame(theil),
        "sigma": pd.DataFrame(sigma),
    }
    if dgroups:
        out["dagum_groups"] = pd.DataFrame(dgroups)
        out["dagum_pairs"] = pd.DataFrame(dpairs)
    return out


def _kde(panel: pd.DataFrame, block: DisparityBlock) -> pd.DataFrame:
    values = panel.to_numpy()
    finite = values[np.isfinite(values)]
    spec = block.kernel
    hs = []
    for year in panel.columns:
        y = panel[year].dropna().to_numpy()
        if y.size >= 2 and np.ptp(y) > 0:
            hs.append((year, y, md.bandwidth(y, spec.bandwidth)))
    if not hs:
        return pd.DataFrame(columns=["year", "x", "density", "bandwidth"])
    pad = 3 * max(h for _, _, h in hs)
    grid = np.linspace(finite.min() - pad, finite.max() + pad, spec.points)
    rows = [
        pd.DataFrame(
            {
                "year": int(year),
                "x": grid,
                "density": md.kernel_density(y, grid, spec.kernel, h),
                "bandwidth": h,
            }
        )
        for year, y, h in hs
    ]
    return pd.concat(rows, ignore_index=True)


def _beta(
    panel: pd.DataFrame, controls: list[pd.DataFrame], block: DisparityBlock, notes: Notes
) -> list[dict[str, Any]]:
    y = panel.to_numpy()
    if (y[np.isfinite(y)] <= 0).any():
        notes.append(
            (
                "β-convergence needs values > 0 (logs); it is left out",
                "β收敛需取对数，变量存在小于或等于0的数值，未计算",
            )
        )
        return []
    rows: list[dict[str, Any]] = []
    fits: list[tuple[str, Any]] = []
    try:
        fits.append(("absolute", mc.beta_cross_section(y)))
        fits.append(("absolute", mc.beta_panel(y)))
        ctrl = None
        if controls:
            stack = np.stack([c.to_numpy() for c in controls], axis=2)
            ctrl = np.where(stack > 0, np.log(np.where(stack > 0, stack, 1.0)), stack)
        fe = block.beta.fixed_effects
        fits.append(("conditional", mc.beta_panel(y, True, fe == "unit_year", controls=ctrl)))
    except MethodError as exc:
        notes.append((f"β-convergence: {exc}", f"β收敛：{exc}"))
    for kind, r in fits:
        rows.append(
            {
                "model": r.model,
                "kind": kind,
                "beta": r.beta,
                "se": r.se,
                "p_value": r.p_value,
                "lambda": r.lam,
                "half_life": r.half_life,
                "n_obs": r.n_obs,
                "r2": r.r2,
            }
        )
    return rows


def _markov(
    panel: pd.DataFrame, block: DisparityBlock, notes: Notes, where: Where
) -> dict[str, pd.DataFrame]:
    spec = block.markov
    y = panel.to_numpy()
    if spec.relative:
        y = y / np.nanmean(y, axis=0, keepdims=True)
    k = spec.classes
    if spec.prebinned:
        finite = y[np.isfinite(y)]
        bad = finite[(finite != np.round(finite)) | (finite < 1) | (finite > k)]
        if bad.size:
            raise where.error(
                ("markov", "prebinned"),
                f"pre-binned classes must be whole numbers 1..{k}; found {bad[0]:g}",
            )
        classes = np.where(np.isfinite(y), y - 1, -1).astype(np.int64)
        cuts = np.empty((0, k - 1))
    else:
        classes, cuts = mm.quantile_classes(
            y, k, pooled=spec.pooled, ties=spec.ties, seed=spec.seed
        )
    counts = mm.transition_counts(classes, k)
    return _markov_tables("all", counts, classes, cuts, panel, spec.fill_empty, notes)


def _markov_tables(
    regime: str,
    counts: np.ndarray,
    classes: np.ndarray,
    cuts: np.ndarray,
    panel: pd.DataFrame,
    fill_empty: bool,
    notes: Notes,
) -> dict[str, pd.DataFrame]:
    k = counts.shape[0]
    p = mm.transition_probabilities(counts, fill_empty=fill_empty)
    matrix = pd.DataFrame(p, columns=[f"p_{j + 1}" for j in range(k)])
    matrix.insert(0, "n", counts.sum(axis=1).astype(int))
    matrix.insert(0, "from_class", np.arange(1, k + 1))
    matrix.insert(0, "regime", regime)
    thin = [int(c) + 1 for c in np.flatnonzero(counts.sum(axis=1) < MIN_ROW_MOVES)]
    if thin:
        notes.append(
            (
                f"Markov ({regime}): classes {thin} start fewer than {MIN_ROW_MOVES} moves; "
                "their rows rest on very few observations",
                f"马尔可夫链（{regime}）：类别{thin}的转移少于{MIN_ROW_MOVES}次，该行概率依据很少",
            )
        )
    summary = pd.DataFrame({"regime": regime, "class": np.arange(1, k + 1)})
    if cuts.shape[0] == 1:
        summary["lower"] = np.r_[-np.inf, cuts[0]]
        summary["upper"] = np.r_[cuts[0], np.inf]
    first = classes[:, 0][classes[:, 0] >= 0]
    last = classes[:, -1][classes[:, -1] >= 0]
    summary["share_first_year"] = np.bincount(first, minlength=k) / max(first.size, 1)
    summary["share_last_year"] = np.bincount(last, minlength=k) / max(last.size, 1)
    try:
        summary["steady_state"] = mm.steady_state(p)
        passage = pd.DataFrame(mm.first_passage_times(p), columns=[f"to_{j + 1}" for j in range(k)])
        passage.insert(0, "from_class", np.arange(1, k + 1))
    except MethodError as exc:
        summary["steady_state"] = np.nan
        passage = None
        notes.append((f"Markov: no steady state ({exc})", "马尔可夫链：无唯一稳态分布"))
    out = {"markov": matrix, "markov_summary": summary}
    if passage is not None:
        out["markov_passage"] = passage
    # time homogeneity: the first half of the moves against the second
    t = classes.shape[1]
    if t >= 5:
        half = t // 2
        parts = np.stack(
            [
                mm.transition_counts(classes[:, : half + 1], k),
                mm.transition_counts(classes[:, half:], k),
            ]
        )
        h = mm.homogeneity_test(parts)
        y0, y1 = int(panel.columns[0]), int(panel.columns[-1])
        ym = int(panel.columns[half])
        out["markov_tests"] = pd.DataFrame(
            [
                {
                    "test": f"time homogeneity {y0}-{ym} vs {ym}-{y1}",
                    "lr": h.lr,
                    "lr_p": h.lr_p,
                    "q": h.q,
                    "q_p": h.q_p,
                    "dof": h.dof,
                }
            ]
        )
    return out


def _spatial(
    panel: pd.DataFrame,
    weights: UnitWeights,
    block: DisparityBlock,
    names: UnitNames,
    notes: Notes,
) -> dict[str, pd.DataFrame]:
    spec = block.spatial
    assert spec is not None
    sub = panel.reindex(weights.codes)
    moran_rows, lisa_rows = [], []
    for year in sub.columns:
        col = sub[year]
        ok = col.notna().to_numpy()
        if ok.sum() < 3:
            continue
        w = weights.w
        if not ok.all():
            idx = np.flatnonzero(ok)
            w = msp.row_standardise(w[idx][:, idx])
        y = col.to_numpy()[ok]
        try:
            m = msp.moran(y, w, spec.permutations, spec.seed)
            lisa = msp.local_moran(y, w, spec.permutations, spec.seed, spec.alpha)
        except MethodError as exc:
            notes.append((f"Moran's I {year}: {exc}", f"{year}年莫兰指数：{exc}"))
            continue
        moran_rows.append(
            {
                "year": int(year),
                "i": m.i,
                "expected_i": m.expected_i,
                "z": m.z_norm,
                "p_norm": m.p_norm,
                "p_sim": m.p_sim,
                "z_sim": m.z_sim,
                "n": m.n,
                "permutations": m.permutations,
            }
        )
        codes = [c for c, keep in zip(weights.codes, ok, strict=True) if keep]
        for j, code in enumerate(codes):
            label = msp.LISA_LABELS[int(lisa.cluster[j])]
            lisa_rows.append(
                {
                    "year": int(year),
                    "unit": code,
                    "name_en": names.get(code, (code, code))[0],
                    "name_zh": names.get(code, (code, code))[1],
                    "value": float(y[j]),
                    "local_i": float(lisa.i[j]),
                    "quadrant": int(lisa.q[j]),
                    "p_sim": float(lisa.p_sim[j]),
                    "cluster": int(lisa.cluster[j]),
                    "cluster_en": label[0],
                    "cluster_zh": label[1],
                }
            )
    out = {"moran": pd.DataFrame(moran_rows), "lisa": pd.DataFrame(lisa_rows)}
    complete = sub.dropna(axis=0, how="any")
    if block.markov.prebinned:
        notes.append(
            (
                "Spatial Markov chain left out: it classes values by quantiles, and the data are "
                "pre-binned",
                "数据为预先分级的类别，未计算空间马尔可夫链（其按分位数分类）",
            )
        )
    elif complete.shape[0] >= 3 and complete.shape[1] >= 2:
        keep = [weights.codes.index(c) for c in complete.index]
        w = msp.row_standardise(weights.w[keep][:, keep])
        y = complete.to_numpy()
        if block.markov.relative:
            y = y / y.mean(axis=0, keepdims=True)
        k = block.markov.classes
        try:
            sm = mm.spatial_markov(
                y, msp.spatial_lag(w, y), k, k, block.markov.pooled, block.markov.fill_empty
            )
        except MethodError as exc:
            notes.append((f"spatial Markov: {exc}", f"空间马尔可夫链：{exc}"))
        else:
            frames = []
            for r in range(k):
                p = pd.DataFrame(sm.p[r], columns=[f"p_{j + 1}" for j in range(k)])
                p.insert(0, "n", sm.counts[r].sum(axis=1).astype(int))
                p.insert(0, "from_class", np.arange(1, k + 1))
                p.insert(0, "regime", f"neighbours_{r + 1}")
                frames.append(p)
            out["spatial_markov"] = pd.concat(frames, ignore_index=True)
            h = sm.homogeneity
            out["spatial_markov_tests"] = pd.DataFrame(
                [
                    {
                        "test": "homogeneity across neighbour classes",
                        "lr": h.lr,
                        "lr_p": h.lr_p,
                        "q": h.q,
                        "q_p": h.q_p,
                        "dof": h.dof,
                    }
                ]
            )
    return out


def run_disparity(assessment: Assessment, results: Results | None = None) -> DisparityReport:
    """Run the ``disparity:`` block of the assessment's config (results are computed when a
    measure needs scores or stages and none are given)."""
    block = load_block(assessment)
    path = assessment.inputs.config_path
    where = Where.of(path)
    if results is None and _needs_results(block):
        results = assessment.run()
    notes: list[tuple[str, str]] = []
    panel = variable_panel(assessment, results, block.variable, where, ("variable",))
    if block.years is not None:
        lo, hi = block.years
        panel = panel[[c for c in panel.columns if lo <= int(c) <= hi]]
        if panel.shape[1] == 0:
            raise where.error(("years",), f"no year of the variable lies in {lo}-{hi}")
    panel = panel.dropna(how="all")
    codes = list(panel.index)
    names = unit_names(assessment)
    groups = group_labels(assessment, block.groups, codes, where) if block.groups else None
    pop = None
    if block.population is not None:
        pop = variable_panel(assessment, results, block.population, where, ("population",))
    n = len(codes)
    if n < SMALL_N:
        notes.append(
            (
                f"Only {n} units: the p-values of Moran's I, the β regressions and the Markov "
                "tests have little power and rest on few observations; read them as descriptive.",
                f"仅有{n}个地区：莫兰指数、β收敛回归和马尔可夫检验的统计效力很低，"
                "所依据的观测很少，结果仅供描述参考。",
            )
        )
    tables = _inequality(panel, groups, pop, notes)
    tables["kde"] = _kde(panel, block)
    controls = [
        variable_panel(
            assessment, results, type(block.variable)(indicator=c), where, ("beta", "controls")
        ).reindex(index=panel.index, columns=panel.columns)
        for c in block.beta.controls
    ]
    beta_rows = _beta(panel, controls, block, notes)
    if panel.shape[1] >= 2:
        tables |= _markov(panel, block, notes, where)
    params: dict[str, Any] = {
        "block": block.model_dump(mode="json"),
        "units": n,
        "years": [int(panel.columns[0]), int(panel.columns[-1])],
        "groups": sorted(set(groups)) if groups else None,
    }
    weights = _weights(assessment, block, codes, notes, path, names)
    if weights is not None:
        params["weights"] = weights.description
        if weights.geojson is not None:
            params["map"] = {"geojson": weights.geojson, "id_property": weights.id_property}
        tables |= _spatial(panel, weights, block, names, notes)
        if block.beta.spatial != "none" and beta_rows:
            beta_rows += spatial_beta.spatial_beta_rows(panel, weights, block.beta.spatial, notes)
    tables["beta"] = pd.DataFrame(beta_rows)
    if block.coupling is not None:
        assert results is not None
        tables["coupling"] = coupling_table(assessment, results, block.coupling, where, names)
    if block.obstacle is not None:
        assert results is not None
        tables |= obstacle_tables(assessment, results, block.obstacle, where, names, notes)
    return DisparityReport(
        tables=tables, notes=notes, params=params, simulated=bool(assessment.config.simulated)
    )


def _weights(
    assessment: Assessment,
    block: DisparityBlock,
    codes: list[str],
    notes: Notes,
    path: Path,
    names: UnitNames,
) -> UnitWeights | None:
    spec = block.spatial
    if spec is None:
        return None
    report = assessment.config.report if isinstance(assessment.config.report, dict) else {}
    base = path.parent
    geojson = spec.geojson or (report.get("geojson") if spec.points is None else None)
    id_property = spec.id_property or str(report.get("id_property") or "adcode")
    if geojson is None and spec.points is None:
        notes.append(
            (
                "No map (report.geojson or disparity.spatial): spatial statistics left out",
                "未提供地图（report.geojson 或 disparity.spatial），未计算空间统计",
            )
        )
        return None
    gpath = (
        None
        if geojson is None
        else (Path(geojson) if Path(geojson).is_absolute() else base / geojson)
    )
    ppath = None
    if spec.points is not None:
        ppath = Path(spec.points) if Path(spec.points).is_absolute() else base / spec.points
    weights = unit_weights(codes, spec, gpath, id_property, ppath)
    if weights.missing:
        notes.append(
            (
                f"Units without geometry, left out of the spatial statistics: {weights.missing}",
                f"以下地区无地图要素，未参与空间统计：{weights.missing}",
            )
        )
    if weights.islands:
        label = [f"{names.get(c, (c, c))[0]} ({c})" for c in weights.islands]
        label_zh = [names.get(c, (c, c))[1] for c in weights.islands]
        action = (
            ("joined to their nearest unit", "已与最近的地区相连")
            if not weights.dropped
            else ("left out", "已排除")
        )
        notes.append(
            (
                f"Units without neighbours (islands) {', '.join(label)}: {action[0]}",
                f"无相邻地区的单元（孤岛）{'、'.join(label_zh)}：{action[1]}",
            )
        )
    return weights
