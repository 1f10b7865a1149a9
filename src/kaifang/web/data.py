"""What the dashboard shows: one assessment's results as arrays, and its what-if variants.

The dashboard serves either a live assessment (an ``assessment.yaml``: run once at start, what-if
variants recomputed by the same engine through ``Assessment.with_weights``) or a results folder
written by ``kaifang assess`` (read-only: the numbers of that run, no recomputation).
"""

from __future__ import annotations

import json
import math
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from kaifang.assessment.grid import FloatArray, Grid, pivot_to_grid
from kaifang.assessment.pipeline import Assessment, load
from kaifang.assessment.results import Results
from kaifang.errors import KaifangError
from kaifang.framework import Framework
from kaifang.report.spec import ReportSpec, geojson_path, report_spec
from kaifang.web.queue import ComputeQueue

if TYPE_CHECKING:
    from kaifang.web.trade_data import TradeView

# unit code of each map feature, as a string, whatever type the GeoJSON stores it in
MAP_KEY = "kaifang_unit"
WHATIF_CACHE_SIZE = 32
# uncertainty runs that may wait behind the one being computed (more get HTTP 429)
SENSITIVITY_QUEUE = 2


@dataclass(frozen=True)
class Snapshot:
    """The numbers of one run: every node's score and rank on the year-major grid."""

    framework: Framework
    grid: Grid
    node_ids: list[str]
    scores: FloatArray  # (rows, nodes)
    ranks: FloatArray  # (rows, nodes); NaN where the score is missing
    weights: pd.DataFrame  # node, parent, weight, effective_weight
    stages: dict[str, tuple[FloatArray, list[str]]]
    record: dict[str, Any]

    @classmethod
    def from_results(cls, results: Results) -> Snapshot:
        return cls(
            framework=results.framework,
            grid=results.grid,
            node_ids=list(results.node_ids),
            scores=results.node_scores,
            ranks=results.node_ranks,
            weights=results.weights,
            stages=dict(results.stages_wide),
            record=results.record,
        )

    def column(self, node: str) -> int:
        try:
            return self.node_ids.index(node)
        except ValueError:
            raise KeyError(node) from None

    def node_table(self, node: str) -> tuple[FloatArray, FloatArray]:
        """Scores and ranks of ``node`` as (years, units) arrays."""
        j = self.column(node)
        shape = (self.grid.n_years, self.grid.n_units)
        return self.scores[:, j].reshape(shape), self.ranks[:, j].reshape(shape)


def clean(value: float) -> float | None:
    """JSON has no NaN: a missing number is null."""
    return None if math.isnan(value) else float(value)


def _read_snapshot(folder: Path) -> tuple[Snapshot, Path]:
    """A results folder (architecture.md#output-folder) back into arrays; the framework comes
    from the config that run.json names, since the tables hold ids only and the pages need the
    bilingual names."""
    from kaifang.assessment.inputs import load_framework_any

    run_json = folder / "run.json"
    for name in ("run.json", "scores.csv", "weights.csv"):
        if not (folder / name).is_file():
            raise KaifangError(
                f"{folder} is not a results folder written by `kaifang assess`: {name} is missing"
            )
    record = json.loads(run_json.read_text(encoding="utf-8"))
    config_path = Path(record.get("config_path", ""))
    framework_name = (record.get("config") or {}).get("framework")
    if not framework_name or not config_path.is_file():
        raise KaifangError(
            f"{run_json}: the assessment config it names ({config_path}) is not readable; the "
            "dashboard needs its framework file for the names of the nodes. Serve the "
            "assessment.yaml instead, or run `kaifang assess` again where the config is."
        )
    fw_path = Path(framework_name)
    if not fw_path.is_absolute():
        fw_path = config_path.parent / fw_path
    framework = load_framework_any(fw_path)
    grid = Grid(
        np.array([str(u) for u in record["units"]]),
        np.array(record["years"], dtype=np.int64),
    )
    scores_long = pd.read_csv(folder / "scores.csv", dtype={"unit": str})
    node_ids = [n for n in framework.nodes if n in set(scores_long["node"].astype(str))]
    score_in = scores_long.rename(columns={"node": "indicator", "score": "value"})
    scores = pivot_to_grid(score_in, grid, node_ids)
    rank_in = scores_long.rename(columns={"node": "indicator", "rank": "value"})
    ranks = pivot_to_grid(rank_in.dropna(subset=["value"]), grid, node_ids)
    weights = pd.read_csv(folder / "weights.csv", dtype={"node": str, "parent": str})
    weights["parent"] = weights["parent"].fillna("")
    stages: dict[str, tuple[FloatArray, list[str]]] = {}
    stage_dir = folder / "stages"
    order = ["raw", "denominated", "imputed", "treated", "normalised"]
    for name in order:
        path = stage_dir / f"{name}.csv"
        if path.is_file():
            long = pd.read_csv(path, dtype={"unit": str, "indicator": str})
            columns = list(dict.fromkeys(long["indicator"].astype(str)))
            stages[name] = (pivot_to_grid(long, grid, columns), columns)
    snap = Snapshot(framework, grid, node_ids, scores, ranks, weights, stages, record)
    return snap, config_path


def _load_geojson(path: Path | None, spec: ReportSpec, units: list[str]) -> dict[str, Any] | None:
    if path is None:
        return None
    if not path.is_file():
        raise KaifangError(f"report.geojson: no file at {path}")
    try:
        geo = json.loads(path.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError) as exc:
        raise KaifangError(f"report.geojson: {path} is not valid GeoJSON ({exc})") from None
    features = geo.get("features") if isinstance(geo, dict) else None
    if not isinstance(features, list):
        raise KaifangError(f"report.geojson: {path} has no 'features' list")
    known = set(units)
    kept = []
    for feature in features:
        props = feature.get("properties") or {}
        code = props.get(spec.id_property)
        if code is None:
            raise KaifangError(
                f"report.geojson: a feature of {path} has no property {spec.id_property!r} "
                "(report.id_property)"
            )
        props = {**props, MAP_KEY: str(code)}
        if props[MAP_KEY] in known:
            kept.append({**feature, "properties": props})
    if not kept:
        raise KaifangError(
            f"report.geojson: no feature of {path} has a {spec.id_property!r} matching a unit code "
            f"of the assessment (e.g. {units[:3]})"
        )
    return {"type": "FeatureCollection", "features": kept}


@dataclass
class Dashboard:
    """The base run, the map, and (for a live assessment) a small LRU of what-if variants."""

    base: Snapshot
    source: Path
    assessment: Assessment | None
    geojson: dict[str, Any] | None
    whatif_reason: str | None  # why what-if is unavailable; None when it is available
    # Monte Carlo runs shown by default: the report's (report.sensitivity_samples), so that the
    # dashboard and the report show the same analysis
    sensitivity_runs: int = ReportSpec().sensitivity_samples
    _cache: OrderedDict[tuple[tuple[str, float], ...], Snapshot] = field(
        default_factory=OrderedDict
    )
    _lock: threading.Lock = field(default_factory=threading.Lock)
    # results of the analyses (targets, allocation, scenarios, uncertainty runs), see analyses.py
    _analyses: OrderedDict[tuple[Any, ...], Any] = field(default_factory=OrderedDict)
    # the uncertainty analysis runs one at a time per server (see ComputeQueue)
    sensitivity_queue: ComputeQueue = field(default_factory=lambda: ComputeQueue(SENSITIVITY_QUEUE))
    # the trade results of `kaifang serve --trade` (see kaifang.web.trade_data), None without
    trade: TradeView | None = None

    @classmethod
    def open(cls, path: Path | str) -> Dashboard:
        """An ``assessment.yaml`` (live, what-if on) or a results folder (read-only)."""
        path = Path(path)
        if path.is_dir():
            return cls.from_results(path)
        if path.is_file():
            return cls.from_config(path)
        raise KaifangError(f"{path}: neither an assessment config file nor a results folder")

    @classmethod
    def from_config(cls, config_path: Path | str) -> Dashboard:
        config_path = Path(config_path)
        assessment = load(config_path)
        base = Snapshot.from_results(assessment.run())
        spec = report_spec(config_path)
        geo = _load_geojson(
            geojson_path(config_path, spec), spec, [str(u) for u in base.grid.units]
        )
        weight = assessment.config.steps.weight
        reason = None
        if weight is not None and weight.method != "framework":
            reason = (
                f"what-if sets the framework's weights, but this assessment computes its weights "
                f"with method '{weight.method}' (steps.weight): changing them would have no effect"
            )
        # 0 means the report skips the analysis; the dashboard then offers the default N
        runs = spec.sensitivity_samples or ReportSpec().sensitivity_samples
        return cls(base, config_path, assessment, geo, reason, sensitivity_runs=runs)

    @classmethod
    def from_results(cls, folder: Path | str) -> Dashboard:
        folder = Path(folder)
        base, config_path = _read_snapshot(folder)
        spec = report_spec(config_path)
        geo = _load_geojson(
            geojson_path(config_path, spec), spec, [str(u) for u in base.grid.units]
        )
        reason = (
            "serving a results folder (read-only): start `kaifang serve` with the "
            "assessment.yaml to recompute what-if variants"
        )
        return cls(base, folder, None, geo, reason)

    @property
    def pillars(self) -> list[str]:
        fw = self.base.framework
        return list(fw[fw.root_id].children)

    def whatif(self, weights: dict[str, float]) -> tuple[Snapshot, float, bool]:
        """The assessment recomputed with ``weights`` (relative to siblings, as in the
        framework); returns the variant, the milliseconds it took and whether it was cached.

        A weight of 0 switches a node off, as long as one of its siblings keeps a weight above 0
        (see ``switch_off``). Raises ``KaifangError`` for a weight that is negative or not a
        finite number, and for a node whose siblings would all be switched off.
        """
        if self.assessment is None or self.whatif_reason is not None:
            raise KaifangError(self.whatif_reason or "what-if is unavailable")
        fw = self.base.framework
        check_whatif_weights(fw, weights)
        # weights equal to the framework's are dropped so equal requests share a cache entry
        changed = {
            n: float(w)
            for n, w in weights.items()
            if n not in fw.nodes or not math.isclose(float(w), float(fw[n].node.weight))
        }
        key = tuple(sorted(changed.items()))
        started = time.perf_counter()
        with self._lock:
            hit = self._cache.get(key)
            if hit is not None:
                self._cache.move_to_end(key)
                return hit, (time.perf_counter() - started) * 1000, True
        if not changed:
            snap = self.base
        else:
            off = {n for n, w in changed.items() if w == 0}
            kept = {n: w for n, w in changed.items() if w != 0}
            variant = self.assessment.with_weights(kept) if kept else self.assessment
            if off:
                variant = switch_off(variant, off)
            snap = Snapshot.from_results(variant.run())
        with self._lock:
            self._cache[key] = snap
            while len(self._cache) > WHATIF_CACHE_SIZE:
                self._cache.popitem(last=False)
        return snap, (time.perf_counter() - started) * 1000, False


def check_whatif_weights(fw: Framework, weights: dict[str, float]) -> None:
    """Refuse unknown nodes, negative or non-finite weights, and a parent whose children would
    all weigh 0 (nothing left to aggregate)."""
    unknown = [n for n in weights if n not in fw.nodes]
    if unknown:
        raise KaifangError(f"unknown node(s) for a weight change: {', '.join(unknown)}")
    bad = {n: w for n, w in weights.items() if not (math.isfinite(w) and w >= 0)}
    if bad:
        raise KaifangError(
            "a weight must be a number >= 0 (0 switches a node off); found "
            + ", ".join(f"{n} = {w}" for n, w in bad.items())
        )
    parents = {fw[n].parent for n in weights if weights[n] == 0 and fw[n].parent}
    for parent in sorted(p for p in parents if p is not None):
        siblings = fw[parent].children
        if all(float(weights.get(c, fw[c].node.weight)) == 0 for c in siblings):
            raise KaifangError(f"every weight under {parent} would be 0: keep at least one above 0")


def switch_off(assessment: Assessment, nodes: set[str]) -> Assessment:
    """A variant without ``nodes`` (and the indicators under them) in its framework.

    This is what a weight of 0 means: every data step (denominate, impute, treat, normalise)
    works indicator by indicator, and the framework-weighted aggregations give a child of
    weight 0 no influence, so leaving the node out gives the same scores of the others. (The
    framework file itself requires weights above 0, hence the variant leaves the node out.)
    """
    from dataclasses import replace

    from kaifang.framework.tree import build_framework

    framework = assessment.inputs.framework

    def prune(node: dict[str, Any]) -> dict[str, Any]:
        children = node.get("children")
        if children:
            node["children"] = [prune(c) for c in children if c["id"] not in nodes]
        return node

    tree = prune(framework.root.model_dump(exclude_none=True))
    return Assessment(replace(assessment.inputs, framework=build_framework(tree, framework.path)))
