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
from kaifang.analysis.dynamics import markov_tables_of, spatial_tables
from kaifang.analysis.geometry import UnitWeights, unit_weights
from kaifang.analysis.panel import UnitNames, Where, group_labels, unit_names, variable_panel
from kaifang.analysis.spec import DisparityBlock
from kaifang.assessment.config import config_block
from kaifang.errors import MethodError
from kaifang.methods import convergence as mc
from kaifang.methods import density as md
from kaifang.methods import disparity as mdis

if TYPE_CHECKING:
    from kaifang.assessment import Assessment
    from kaifang.assessment.results import Results

log = logging.getLogger(__name__)

Notes = list[tuple[str, str]]

# below this many units a test's p-value says little (and a Markov row rests on few moves)
SMALL_N = 30


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
        notes.append((f"β-convergence: {exc}", "β收敛未能估计：数据不足或取值不符合要求"))
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
        tables |= markov_tables_of(panel, block, notes, where)
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
        tables |= spatial_tables(panel, weights, block, names, notes)
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
