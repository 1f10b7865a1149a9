"""The assessment: the config's steps run in order on the inputs, every stage kept."""

from __future__ import annotations

import logging
import platform
import time
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from kaifang.assessment import steps
from kaifang.assessment.aggregation import aggregate
from kaifang.assessment.config import STEP_ORDER, AssessmentConfig, Steps
from kaifang.assessment.extremes import extreme_warnings, find_extremes
from kaifang.assessment.grid import Grid, pivot_to_grid
from kaifang.assessment.inputs import Inputs, load_inputs
from kaifang.assessment.results import Results
from kaifang.assessment.weighting import compute_weights
from kaifang.errors import InputError, KaifangError, Problem
from kaifang.framework import build_framework
from kaifang.framework.model import MAX_WEIGHT
from kaifang.methods.ranking import rank_desc_along

log = logging.getLogger(__name__)


def _grid(inputs: Inputs) -> tuple[Grid, Grid]:
    """(assessment grid, grid over every data year): growth rates need the year before."""
    data = inputs.data
    units_with_data = set(data["unit"].unique())
    units = np.array([c for c in inputs.units["code"].astype(str) if c in units_with_data])
    all_years = np.arange(int(data["year"].min()), int(data["year"].max()) + 1, dtype=np.int64)
    years = all_years
    if inputs.config.years is not None:
        first, last = inputs.config.years
        years = all_years[(all_years >= first) & (all_years <= last)]
    if len(units) == 0 or len(years) == 0:
        raise InputError([Problem(str(inputs.config_path), "no unit-year has data to assess")])
    return Grid(units, years), Grid(units, all_years)


@dataclass(frozen=True)
class Assessment:
    """A configured assessment: ``run()`` computes it, ``with_step()`` gives a variant."""

    inputs: Inputs

    @property
    def config(self) -> AssessmentConfig:
        return self.inputs.config

    @property
    def framework(self) -> Any:
        return self.inputs.framework

    def with_step(self, name: str, **params: Any) -> Assessment:
        """A variant with step ``name`` replaced by ``params`` (validated like the YAML).

        ``with_step("weight", method="entropy")`` is the same as editing assessment.yaml;
        ``with_step("treat", None)``-style removal is ``without_step``.
        """
        if name not in STEP_ORDER:
            raise ValueError(f"unknown step {name!r}; steps are {list(STEP_ORDER)}")
        new_steps = self.config.steps.model_dump()
        new_steps[name] = params
        steps_model = Steps.model_validate(new_steps)
        return Assessment(
            replace(self.inputs, config=self.config.model_copy(update={"steps": steps_model}))
        )

    def with_weights(self, weights: dict[str, float]) -> Assessment:
        """A variant whose framework gives node ``id`` the weight ``weights[id]`` (relative to its
        siblings, as ``weight:`` in framework.yaml). Used by what-if and weight scenarios.

        Raises ``KaifangError`` for an unknown node or a weight that is not > 0.
        """
        framework = self.inputs.framework
        unknown = [n for n in weights if n not in framework.nodes]
        if unknown:
            raise KaifangError(f"unknown node(s) for a weight change: {', '.join(unknown)}")
        bad = {n: w for n, w in weights.items() if not (0 < w <= MAX_WEIGHT)}
        if bad:
            found = ", ".join(f"{n} = {w:g}" for n, w in bad.items())
            raise KaifangError(
                f"weights must be positive numbers, at most {MAX_WEIGHT:g} (they are relative "
                f"to the siblings' weights: 1 = equal); found {found}"
            )

        def edit(node: dict[str, Any]) -> dict[str, Any]:
            if node["id"] in weights:
                node["weight"] = float(weights[node["id"]])
            for child in node.get("children") or []:
                edit(child)
            return node

        tree = edit(framework.root.model_dump(exclude_none=True))
        new_framework = build_framework(tree, framework.path)
        return Assessment(replace(self.inputs, framework=new_framework))

    def without_step(self, name: str) -> Assessment:
        """A variant that skips step ``name``."""
        if name not in STEP_ORDER:
            raise ValueError(f"unknown step {name!r}; steps are {list(STEP_ORDER)}")
        steps_model = self.config.steps.model_copy(update={name: None})
        return Assessment(
            replace(self.inputs, config=self.config.model_copy(update={"steps": steps_model}))
        )

    def run(self) -> Results:
        started = time.perf_counter()
        inputs, config, framework = self.inputs, self.config, self.inputs.framework
        grid, full_grid = _grid(inputs)
        series = framework.series
        warnings: list[str] = []
        stages: dict[str, tuple[np.ndarray, list[str]]] = {}
        indicators = framework.indicators

        raw_full = pivot_to_grid(inputs.data, full_grid, series)
        raw_full = steps.derive(raw_full, series, framework, full_grid)
        offset = int(np.searchsorted(full_grid.years, grid.years[0])) * grid.n_units
        raw = raw_full[offset : offset + grid.n_rows]
        stages["raw"] = (raw, series)

        s = config.steps
        if s.denominate is not None:
            x, warn = steps.denominate(raw, series, framework, s.denominate)
            warnings += warn
            stages["denominated"] = (x, indicators)
        else:
            x = raw[:, [series.index(i) for i in indicators]].copy()
        # the data as given, then the ratios (a tiny denominator makes a huge ratio)
        extremes = find_extremes(raw, series, grid, "raw")
        if s.denominate is not None:
            seen = {(e["indicator"], e["unit"], e["year"], e["value"]) for e in extremes}
            extremes += [
                e
                for e in find_extremes(x, indicators, grid, "denominated")
                if (e["indicator"], e["unit"], e["year"], e["value"]) not in seen
            ]
        warnings += extreme_warnings(extremes)

        imputed = pd.DataFrame(columns=["unit", "year", "indicator", "value", "method"])
        if s.impute is not None:
            x, imputed, warn = steps.impute(x, s.impute, grid, inputs.units, indicators)
            warnings += warn
            stages["imputed"] = (x, indicators)

        has_transform = any(framework[i].node.transform for i in indicators)
        treated_report = pd.DataFrame(columns=["indicator", "year", "action"])
        if s.treat is not None or has_transform:
            x, treated_report = steps.treat(x, s.treat, framework, grid)
            stages["treated"] = (x, indicators)
        treated_x = x

        if s.normalise is not None:
            x = steps.normalise(x, s.normalise, framework, grid)
            stages["normalised"] = (x, indicators)
        else:
            warnings.append("no normalise step: indicators are aggregated in their own units")

        latest = grid.block(int(grid.years[-1]))
        weights = compute_weights(s.weight, framework, treated_x, x, latest)
        scores, node_ids, methods_used, notes = aggregate(
            x, s.resolved_aggregate(), framework, weights, grid
        )
        warnings += notes
        stages["aggregated"] = (scores, node_ids)

        ranks = rank_within_years(scores, grid)

        missing_root = int(np.isnan(scores[:, node_ids.index(framework.root_id)]).sum())
        if missing_root:
            warnings.append(
                f"aggregate: the index is missing for {missing_root} unit-year(s) (too few "
                "children present; see min_share)"
            )
        for w in warnings:
            log.warning(w)
        record = self._record(
            grid,
            weights.info,
            methods_used,
            warnings,
            imputed,
            treated_report,
            time.perf_counter() - started,
        )
        if extremes:
            record["extreme_values"] = extremes
        return Results(
            framework=framework,
            grid=grid,
            node_ids=node_ids,
            node_scores=scores,
            node_ranks=ranks,
            weights=weights.table(framework),
            stages_wide=stages,
            imputed=imputed,
            treated=treated_report,
            record=record,
        )

    def _record(
        self,
        grid: Grid,
        weight_info: dict[str, Any],
        methods_used: dict[str, str],
        warnings: list[str],
        imputed: pd.DataFrame,
        treated: pd.DataFrame,
        seconds: float,
    ) -> dict[str, Any]:
        """run.json: everything needed to reproduce the numbers (architecture.md#output-folder)."""
        import kaifang  # the package's version, read on first use (kaifang.__getattr__)
        from kaifang.provenance import package_versions

        versions = package_versions(("numpy", "pandas", "scipy", "pydantic", "PyYAML"))
        config = self.config
        step_records = []
        for name in STEP_ORDER:
            step = getattr(config.steps, name)
            if step is None:
                continue
            if name == "aggregate":
                step = config.steps.resolved_aggregate()  # the defaults as they were applied
            entry: dict[str, Any] = {"step": name, "parameters": step.model_dump(mode="json")}
            if name == "impute":
                entry["filled"] = len(imputed)
            if name == "treat":
                entry["actions"] = int((treated["action"] != "passed").sum()) if len(treated) else 0
            if name == "weight":
                entry["result"] = weight_info
            if name == "aggregate":
                entry["method_by_node"] = methods_used
            step_records.append(entry)
        return {
            "kaifang_version": kaifang.__version__,
            "python": platform.python_version(),
            "packages": versions,
            "config_path": str(self.inputs.config_path),
            "config": config.model_dump(mode="json"),
            "data_hash_sha256": self.inputs.data_hash,
            "simulated": config.simulated,
            "units": grid.units.tolist(),
            "unit_names": _unit_names(self.inputs.units, grid),
            "years": grid.years.tolist(),
            "indicators": self.framework.indicators,
            "steps": step_records,
            "warnings": warnings,
            "seconds": round(seconds, 4),
        }


def rank_within_years(scores: np.ndarray, grid: Grid) -> np.ndarray:
    """Rank every node's scores within each year (rows are year-major: a reshape, no group-by)."""
    blocks = scores.reshape(grid.n_years, grid.n_units, scores.shape[1])
    return rank_desc_along(blocks, axis=1).reshape(scores.shape)


def _unit_names(units: pd.DataFrame, grid: Grid) -> dict[str, dict[str, str]]:
    table = units.assign(code=units["code"].astype(str)).set_index("code")
    table = table.reindex(grid.units.tolist())
    return {
        code: {"en": str(en), "zh": str(zh)}
        for code, en, zh in zip(table.index, table["name_en"], table["name_zh"], strict=True)
    }


def load(config_path: str | Path) -> Assessment:
    """Read and validate an assessment config and everything it names (the Python API of
    docs/en/architecture.md#python-api)."""
    return Assessment(load_inputs(Path(config_path)))
