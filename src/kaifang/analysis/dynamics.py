"""Dynamics of the regions for the disparity analysis: Markov chains of classes (classical and
spatial), Moran's I and LISA clusters per year, as tables."""

from __future__ import annotations

import numpy as np
import pandas as pd

from kaifang.analysis.geometry import UnitWeights
from kaifang.analysis.panel import UnitNames, Where
from kaifang.analysis.spec import DisparityBlock
from kaifang.errors import MethodError
from kaifang.methods import markov as mm
from kaifang.methods import spatial as msp

Notes = list[tuple[str, str]]
# fewer moves than this from a class and its row of probabilities rests on very few observations
MIN_ROW_MOVES = 5


def markov_tables_of(
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
    return class_tables("all", counts, classes, cuts, panel, spec.fill_empty, notes)


def class_tables(
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
                f"马尔可夫链：类别{thin}的转移少于{MIN_ROW_MOVES}次，该行概率依据很少",
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


def spatial_tables(
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
            notes.append(
                (f"Moran's I {year}: {exc}", f"{year}年莫兰指数未能计算（数值恒定或地区过少）")
            )
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
            notes.append((f"spatial Markov: {exc}", "空间马尔可夫链未能计算：数据不足"))
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
