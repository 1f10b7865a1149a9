"""Load what an assessment reads: config, framework, units and data, validated once."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from kaifang.assessment.config import AssessmentConfig, load_config
from kaifang.data import DataSource, UnitMatcher, read_coinr_data, read_coinr_meta, read_sources
from kaifang.data import read_units as read_units_file
from kaifang.errors import InputError, Problem
from kaifang.framework import Framework, build_framework, load_framework


@dataclass(frozen=True)
class Inputs:
    """Everything an assessment run reads, validated; runs and variants share it."""

    config: AssessmentConfig
    config_path: Path
    framework: Framework
    units: pd.DataFrame
    data: pd.DataFrame  # long: unit, year, indicator, value, origin
    data_hash: str


def _resolve(base: Path, name: str) -> Path:
    path = Path(name)
    return path if path.is_absolute() else base / path


def _file_hash(paths: list[Path]) -> str:
    digest = hashlib.sha256()
    for path in sorted(paths):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def load_framework_any(path: Path) -> Framework:
    """A ``framework.yaml``, or a COINr ``iMeta`` table (.csv / .xlsx) read as the same tree."""
    if path.suffix.lower() in (".csv", ".xlsx", ".xls"):
        tree = dict(read_coinr_meta(path))
        tree.pop("groups", None)  # COINr's group columns are unit attributes, not tree nodes
        return build_framework(tree, str(path))
    return load_framework(path)


def load_inputs(config_path: Path | str) -> Inputs:
    """Read and validate config, framework, units and data; all problems are raised together."""
    config_path = Path(config_path)
    config = load_config(config_path)
    base = config_path.parent
    framework_path = _resolve(base, config.framework)
    framework = load_framework_any(framework_path)
    series = set(framework.series)

    problems: list[Problem] = []
    for spec in config.data:
        if not _resolve(base, spec.path).exists():
            problems.append(Problem(str(config_path), f"data file not found: {spec.path}"))
    units_path = _resolve(base, config.units) if config.units else None
    if units_path is not None and not units_path.exists():
        problems.append(Problem(str(config_path), f"units file not found: {config.units}"))
    if problems:
        raise InputError(problems)

    coinr_specs = [s for s in config.data if s.format == "coinr"]
    other_specs = [s for s in config.data if s.format != "coinr"]
    frames: list[pd.DataFrame] = []
    units: pd.DataFrame | None = None
    for spec in coinr_specs:
        coinr_units, coinr_data = read_coinr_data(_resolve(base, spec.path), series)
        units = coinr_units if units is None else units
        frames.append(coinr_data)
    if units_path is not None:
        units = read_units_file(units_path)
    if units is None:
        raise InputError(
            [Problem(str(config_path), "no units: give 'units: units.csv' (or COINr iData data)")]
        )
    if other_specs:
        sources = [
            DataSource(
                path=_resolve(base, s.path),
                format=s.format,
                sheet=s.sheet,
                indicator=s.indicator,
                columns=s.columns,
                scale=s.scale,
            )
            for s in other_specs
        ]
        frames.append(read_sources(sources, UnitMatcher(units), series))
    data = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
    _check_data(config, config_path, framework, data)
    _check_units_columns(config, config_path, units)
    paths = [framework_path, *(_resolve(base, s.path) for s in config.data)]
    if units_path is not None:
        paths.append(units_path)
    return Inputs(config, config_path, framework, units, data, _file_hash(paths))


def _check_data(
    config: AssessmentConfig, config_path: Path, framework: Framework, data: pd.DataFrame
) -> None:
    """Problems that need framework, config and data together."""
    problems: list[Problem] = []
    # a row with an empty value is no data (the rows of a fresh `kaifang init` template)
    observed = data["value"].notna()
    if not observed.any():
        raise InputError([Problem(str(config_path), "the data files hold no values")])
    present = set(data.loc[observed, "indicator"].unique())
    derived = {i for i in framework.indicators if getattr(framework[i].node.derive, "growth", None)}
    missing = [s for s in framework.series if s not in present and s not in derived]
    if missing:
        problems.append(
            Problem(
                str(config_path),
                "no data for these framework series (indicators or auxiliary): "
                + ", ".join(missing),
            )
        )
    if config.years is not None:
        first, last = config.years
        years = data["year"]
        if not ((years >= first) & (years <= last)).any():
            problems.append(
                Problem(
                    str(config_path),
                    f"no data in the years {first}-{last} (data cover "
                    f"{int(years.min())}-{int(years.max())})",
                )
            )
    steps = config.steps
    base_year = steps.normalise.base_year if steps.normalise is not None else None
    if base_year is not None and base_year not in set(data["year"]):
        problems.append(Problem(str(config_path), f"base_year {base_year} has no data"))
    for step_name, overrides in (
        ("treat", steps.treat.overrides if steps.treat else {}),
        ("normalise", steps.normalise.overrides if steps.normalise else {}),
    ):
        for ind in overrides:
            if ind not in framework.indicators:
                problems.append(
                    Problem(
                        str(config_path),
                        f"steps.{step_name}.overrides: {ind!r} is not an "
                        "indicator of the framework",
                    )
                )
    if steps.aggregate is not None:
        for node_id in steps.aggregate.nodes:
            if node_id not in framework.branches:
                problems.append(
                    Problem(
                        str(config_path),
                        f"steps.aggregate.nodes: {node_id!r} is not a node "
                        "with children in the framework",
                    )
                )
    if problems:
        raise InputError(problems)


def _check_units_columns(config: AssessmentConfig, config_path: Path, units: pd.DataFrame) -> None:
    impute = config.steps.impute
    if impute is not None and impute.by is not None and impute.by not in units.columns:
        raise InputError(
            [
                Problem(
                    str(config_path),
                    f"steps.impute.by: {impute.by!r} is not a column of the units table "
                    f"(columns: {list(units.columns)})",
                )
            ]
        )
