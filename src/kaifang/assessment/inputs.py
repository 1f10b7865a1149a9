"""Load what an assessment reads: config, framework, units and data, validated once."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from kaifang.assessment.config import AssessmentConfig, load_config
from kaifang.data import (
    DataSource,
    UnitMatcher,
    detect_format,
    read_coinr_data,
    read_coinr_meta,
    read_sources,
)
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
    file_specs = [s for s in config.data if s.database is None]
    database_specs = [s for s in config.data if s.database is not None]
    for spec in file_specs:
        if not _resolve(base, spec.path).exists():
            problems.append(Problem.of(str(config_path), "data_file_not_found", path=spec.path))
    units_path = _resolve(base, config.units) if config.units else None
    if units_path is not None and not units_path.exists():
        problems.append(Problem.of(str(config_path), "units_file_not_found", path=config.units))
    if problems:
        raise InputError(problems)

    coinr_specs = [s for s in file_specs if s.format == "coinr"]
    other_specs = [s for s in file_specs if s.format != "coinr"]
    frames: list[pd.DataFrame] = []
    units: pd.DataFrame | None = None
    for spec in coinr_specs:
        coinr_units, coinr_data = read_coinr_data(_resolve(base, spec.path), series)
        units = coinr_units if units is None else units
        frames.append(coinr_data)
    if units_path is not None:
        units = read_units_file(units_path)
    if units is None:
        raise InputError([Problem.of(str(config_path), "no_units")])
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
    for spec in database_specs:
        from kaifang.data.published import read_published  # SQLAlchemy only when it is needed

        assert spec.database is not None and spec.period is not None  # checked by the model
        frames.append(
            read_published(
                spec.database,
                spec.period,
                base,
                set(units["code"].astype(str)),
                series,
                str(config_path),
            )
        )
    data = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
    _check_data(config, config_path, framework, data)
    _check_units_columns(config, config_path, units)
    paths = [framework_path, *(_resolve(base, s.path) for s in file_specs)]
    if units_path is not None:
        paths.append(units_path)
    data_hash = _file_hash(paths)
    if database_specs:
        # published values come from a database, not a file: hash the values themselves
        digest = hashlib.sha256(data_hash.encode())
        digest.update(
            pd.util.hash_pandas_object(data[["unit", "year", "indicator", "value"]], index=False)
            .to_numpy()
            .tobytes()
        )
        data_hash = digest.hexdigest()
    return Inputs(config, config_path, framework, units, data, data_hash)


def _series_problems(
    config: AssessmentConfig, config_path: Path, framework: Framework, data: pd.DataFrame
) -> list[Problem]:
    """Every framework series needs data: a missing one is reported against the data files.

    A series is looked for in the tables that hold several indicators (wide, long, COINr); it is
    reported at the header of each (row and column where its column would be), or, when every
    file holds a single indicator, against the config that lists the files.
    """
    present = set(data.loc[data["value"].notna(), "indicator"].unique())
    derived = {i for i in framework.indicators if getattr(framework[i].node.derive, "growth", None)}
    missing = [s for s in framework.series if s not in present and s not in derived]
    if not missing:
        return []
    base = config_path.parent
    problems: list[Problem] = []
    for spec in config.data:
        if spec.indicator:
            continue  # a single-indicator table cannot be the place of another series
        path = _resolve(base, spec.path)
        fmt: str = spec.format
        if fmt == "auto":
            fmt = detect_format(DataSource(path=path, sheet=spec.sheet, columns=spec.columns))
        if fmt == "nbs":
            continue
        rows = data.loc[data["origin_file"].astype(str) == path.name, "origin_row"]
        header_row = max(int(rows.min()) - 1, 1) if len(rows) else 1
        for series in missing:
            if fmt == "long":
                problems.append(Problem.of(str(path), "series_no_rows", series=series))
            else:
                problems.append(
                    Problem.of(str(path), "series_no_column", header_row, series, series=series)
                )
    if not problems:
        problems.append(Problem.of(str(config_path), "series_no_data", series=", ".join(missing)))
    return problems


def _check_data(
    config: AssessmentConfig, config_path: Path, framework: Framework, data: pd.DataFrame
) -> None:
    """Problems that need framework, config and data together."""
    # a row with an empty value is no data (the rows of a fresh `kaifang init` template)
    if not data["value"].notna().any():
        raise InputError([Problem.of(str(config_path), "no_values")])
    problems = _series_problems(config, config_path, framework, data)
    if config.years is not None:
        first, last = config.years
        years = data["year"]
        if not ((years >= first) & (years <= last)).any():
            problems.append(
                Problem.of(
                    str(config_path),
                    "no_data_in_years",
                    first=first,
                    last=last,
                    low=int(years.min()),
                    high=int(years.max()),
                )
            )
    steps = config.steps
    base_year = steps.normalise.base_year if steps.normalise is not None else None
    if base_year is not None and base_year not in set(data["year"]):
        problems.append(Problem.of(str(config_path), "base_year_no_data", year=base_year))
    for step_name, overrides in (
        ("treat", steps.treat.overrides if steps.treat else {}),
        ("normalise", steps.normalise.overrides if steps.normalise else {}),
    ):
        for ind in overrides:
            if ind not in framework.indicators:
                problems.append(
                    Problem.of(str(config_path), "override_not_indicator", step=step_name, node=ind)
                )
    if steps.aggregate is not None:
        for node_id in steps.aggregate.nodes:
            if node_id not in framework.branches:
                problems.append(
                    Problem.of(str(config_path), "aggregate_node_unknown", node=node_id)
                )
    if problems:
        raise InputError(problems)


def _check_units_columns(config: AssessmentConfig, config_path: Path, units: pd.DataFrame) -> None:
    impute = config.steps.impute
    if impute is not None and impute.by is not None and impute.by not in units.columns:
        raise InputError(
            [
                Problem.of(
                    str(config_path),
                    "impute_by_unknown",
                    name=impute.by,
                    columns=", ".join(map(str, units.columns)),
                )
            ]
        )


def _file_stamp(path: Path) -> str:
    # a file replaced by a rename has another inode; one rewritten in place another mtime/size
    try:
        st = path.stat()
    except OSError:
        return f"{path}:absent"
    return f"{path}:{st.st_ino}:{st.st_mtime_ns}:{st.st_size}"


def inputs_stamp(inputs: Inputs) -> str:
    """A short hash that changes when what ``load_inputs`` read may have changed: the config
    file, the framework, units and data files (their size, time and identity, not their bytes)
    and, for a ``data: {database, period}`` source, the publication of that period
    (``kaifang.data.published.publication_stamp``). Raises ``InputError`` when the database
    cannot be read or the period is no longer published."""
    config, base = inputs.config, inputs.config_path.parent
    paths = [inputs.config_path, _resolve(base, config.framework)]
    if config.units:
        paths.append(_resolve(base, config.units))
    parts = [_file_stamp(p) for p in paths]
    for spec in config.data:
        if spec.database is None:
            parts.append(_file_stamp(_resolve(base, spec.path)))
        else:
            from kaifang.data.published import publication_stamp

            assert spec.period is not None  # checked by the model
            parts.append(
                publication_stamp(spec.database, spec.period, base, str(inputs.config_path))
            )
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:32]
