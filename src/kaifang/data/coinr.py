"""Read COINr's input tables: ``iMeta`` (indicator metadata and tree) and ``iData`` (unit data).

Column conventions follow COINr (Becker et al., COINr documentation, "Building coins"):
iMeta has ``Level, iCode, iName, Direction, Weight, Unit, Target, Denominator, Parent, Type``
with Type one of Indicator, Aggregate, Group, Denominator, Other; iData has ``uName, uCode``,
optional ``Time``, grouping columns ending in ``_group`` and one numeric column per indicator or
denominator.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

import numpy as np
import pandas as pd

from kaifang.data.readers import (
    DataSource,
    _unit_problems,
    empty_frame,
    long_frame,
    number_problem,
    origins,
    parse_numbers,
    parse_years,
    read_table,
    read_text_table,
    repeat_categorical,
    tile_categorical,
)
from kaifang.errors import InputError, Problem
from kaifang.problem_messages import Local, names

if TYPE_CHECKING:
    from kaifang.data.units import UnitMatcher

META_REQUIRED = ("Level", "iCode", "Type", "Parent")
META_TYPES = ("Indicator", "Aggregate", "Group", "Denominator", "Other")
KEY_COLUMNS = ("uName", "uCode", "Time")


def _number(text: str) -> float | None:
    value = pd.to_numeric(text, errors="coerce")
    return None if pd.isna(value) else float(value)


def _tidy(value: float) -> int | float:
    return int(value) if value.is_integer() else value


def read_coinr_meta(path: str | Path, sheet: str | None = None) -> dict[str, Any]:
    """Build a framework (the framework.yaml shape, architecture.md#framework-yaml) from a
    COINr iMeta table.

    Indicator and Aggregate rows form the tree (``Parent`` links, one root); each node gets
    ``id, name {en, zh}`` (zh = en unless an ``iName_zh`` column gives it), ``weight`` and, for
    indicators, ``direction``, ``unit``, ``target``, ``denominator`` when given. Denominator rows
    go to a top-level ``auxiliary: [{id, name, unit}]``, Group rows to ``groups: [ids]`` and
    Other rows to ``other: [ids]``.

    Raises
    ------
    InputError
        Missing columns, unknown Type, duplicate or empty iCode, unknown Parent, a parent whose
        Level is not above its child's, an indicator Direction other than 1/-1, a non-numeric
        Weight or Target, an unknown Denominator, an Aggregate without children, no or several
        roots.
    """
    table, problems = read_text_table(path, sheet)
    if table is None:
        raise InputError(problems)
    file, header = table.file, table.header
    col = {h: i for i, h in enumerate(header)}
    missing = [c for c in META_REQUIRED if c not in col]
    if missing:
        problems.append(
            Problem.of(
                file,
                "missing_columns",
                table.header_row,
                missing=names(missing),
                header=", ".join(header),
                hint=Local("", ""),
            )
        )
        raise InputError(problems)

    def cell(k: int, name: str) -> str:
        return str(table.data.iat[k, col[name]]).strip() if name in col else ""

    nodes: dict[str, dict[str, Any]] = {}
    levels: dict[str, float] = {}
    parents: dict[str, tuple[str, int]] = {}
    row_of: dict[str, int] = {}
    auxiliary: list[dict[str, Any]] = []
    groups: list[str] = []
    other: list[str] = []
    for k, row in enumerate(table.rows.tolist()):
        code, kind = cell(k, "iCode"), cell(k, "Type")
        name_en = cell(k, "iName") or code
        name = {"en": name_en, "zh": cell(k, "iName_zh") or name_en}
        if not code:
            problems.append(Problem.of(file, "coinr_empty", row, "iCode", name="iCode"))
            continue
        if code in row_of:
            problems.append(
                Problem.of(
                    file, "coinr_duplicate_icode", row, "iCode", code=code, first=row_of[code]
                )
            )
            continue
        row_of[code] = row
        if kind not in META_TYPES:
            problems.append(
                Problem.of(
                    file,
                    "coinr_unknown_type",
                    row,
                    "Type",
                    found=kind,
                    allowed=", ".join(META_TYPES),
                )
            )
            continue
        if kind == "Denominator":
            entry = {"id": code, "name": name}
            if cell(k, "Unit"):
                entry["unit"] = cell(k, "Unit")
            auxiliary.append(entry)
            continue
        if kind in ("Group", "Other"):
            (groups if kind == "Group" else other).append(code)
            continue
        node: dict[str, Any] = {"id": code, "name": name}
        level = _number(cell(k, "Level"))
        if level is None:
            problems.append(
                Problem.of(
                    file, "coinr_not_number", row, "Level", name="Level", found=cell(k, "Level")
                )
            )
        else:
            levels[code] = level
        weight_text = cell(k, "Weight")
        if weight_text:
            weight = _number(weight_text)
            if weight is None or weight < 0:
                problems.append(
                    Problem.of(file, "coinr_bad_weight", row, "Weight", found=weight_text)
                )
            else:
                node["weight"] = _tidy(weight)
        if kind == "Indicator":
            direction = _number(cell(k, "Direction"))
            if direction not in (1.0, -1.0):
                problems.append(
                    Problem.of(
                        file, "coinr_bad_direction", row, "Direction", found=cell(k, "Direction")
                    )
                )
            else:
                node["direction"] = int(direction or 0)
            if cell(k, "Unit"):
                node["unit"] = cell(k, "Unit")
            target_text = cell(k, "Target")
            if target_text:
                target = _number(target_text)
                if target is None:
                    problems.append(
                        Problem.of(
                            file,
                            "coinr_not_number",
                            row,
                            "Target",
                            name="Target",
                            found=target_text,
                        )
                    )
                else:
                    node["target"] = _tidy(target)
            if cell(k, "Denominator"):
                node["denominator"] = cell(k, "Denominator")
        else:
            node["children"] = []
        nodes[code] = node
        parents[code] = (cell(k, "Parent"), row)

    roots = []
    for code, (parent, row) in parents.items():
        if not parent:
            roots.append(code)
        elif parent not in nodes:
            problems.append(
                Problem.of(file, "coinr_parent_unknown", row, "Parent", parent=parent, code=code)
            )
        elif "children" not in nodes[parent]:
            problems.append(
                Problem.of(file, "coinr_parent_indicator", row, "Parent", parent=parent, code=code)
            )
        else:
            if code in levels and parent in levels and levels[parent] <= levels[code]:
                problems.append(
                    Problem.of(
                        file,
                        "coinr_parent_level",
                        row,
                        "Parent",
                        parent=parent,
                        level=f"{levels[parent]:g}",
                        code=code,
                        own=f"{levels[code]:g}",
                    )
                )
            nodes[parent]["children"].append(nodes[code])
    if len(roots) != 1:
        problems.append(
            Problem.of(
                file,
                "coinr_roots",
                count=len(roots),
                roots=", ".join(roots) or Local("无", "none"),
            )
        )
    known = set(nodes) | {a["id"] for a in auxiliary}
    for code, node in nodes.items():
        if "children" in node and not node["children"]:
            problems.append(Problem.of(file, "coinr_no_children", row_of[code], "iCode", code=code))
        denominator = node.get("denominator")
        if denominator and denominator not in known:
            problems.append(
                Problem.of(
                    file,
                    "coinr_bad_denominator",
                    row_of[code],
                    "Denominator",
                    denominator=denominator,
                    code=code,
                )
            )
    if problems:
        raise InputError(problems)
    framework = dict(nodes[roots[0]])
    if auxiliary:
        framework["auxiliary"] = auxiliary
    if groups:
        framework["groups"] = groups
    if other:
        framework["other"] = other
    return framework


class CoinrData(NamedTuple):
    """Units table (the columns of architecture.md#units-csv plus every ``*_group`` column)
    and long data."""

    units: pd.DataFrame
    data: pd.DataFrame


def _is_key(name: str) -> bool:
    return name in KEY_COLUMNS or name.endswith("_group")


def _parse_data(
    path: str | Path,
    indicators: set[str] | None,
    year: int | None,
    level: str,
    sheet: str | None,
    scale: float = 1.0,
    matcher: UnitMatcher | None = None,
) -> tuple[CoinrData | None, list[Problem]]:
    table, problems = read_table(path, sheet, text_columns=_is_key)
    if table is None:
        return None, problems
    file, header, data, rows = table.file, table.header, table.data, table.rows
    col = {h: i for i, h in enumerate(header)}
    if "uCode" not in col:
        problems.append(
            Problem.of(
                file,
                "coinr_missing_ucode",
                table.header_row,
                header=", ".join(header),
            )
        )
        return None, problems
    codes = data[col["uCode"]].astype(str).str.strip()
    for k in np.nonzero((codes == "").to_numpy())[0].tolist():
        problems.append(Problem.of(file, "coinr_empty", int(rows[k]), "uCode", name="uCode"))
    if "Time" in col:
        years, bad_year = parse_years(data[col["Time"]])
        for k in np.nonzero(bad_year)[0].tolist():
            problems.append(
                Problem.of(
                    file, "not_a_year", int(rows[k]), "Time", found=str(data.iat[k, col["Time"]])
                )
            )
    elif year is None:
        problems.append(Problem.of(file, "coinr_no_time", table.header_row))
        years, bad_year = np.zeros(len(rows), dtype=np.int64), np.zeros(len(rows), bool)
    else:
        years, bad_year = np.full(len(rows), year, dtype=np.int64), np.zeros(len(rows), bool)

    keys = pd.DataFrame({"unit": codes, "year": years})
    dup = keys.duplicated(keep=False).to_numpy() & (codes != "").to_numpy() & ~bad_year
    first: dict[tuple[str, int], int] = {}
    for k in np.nonzero(dup)[0].tolist():
        key = (str(codes.iat[k]), int(years[k]))
        if key in first:
            problems.append(
                Problem.of(
                    file,
                    "coinr_unit_year_twice",
                    int(rows[k]),
                    "uCode",
                    unit=key[0],
                    year=key[1],
                    first=first[key],
                )
            )
        else:
            first[key] = int(rows[k])

    group_cols = [h for h in header if h.endswith("_group")]
    names = data[col["uName"]].astype(str).str.strip() if "uName" in col else codes
    units = pd.DataFrame(
        {
            "code": codes,
            "name_en": names,
            "name_zh": names,
            "level": level,
            "parent": "",
            "group": "",
        }
    )
    for g in group_cols:
        units[g] = data[col[g]].astype(str).str.strip()
    units = units[codes != ""]
    described = units.drop_duplicates()
    clash = described["code"].duplicated(keep=False)
    for code in dict.fromkeys(described.loc[clash, "code"]):
        where = rows[(codes == code).to_numpy()]
        problems.append(
            Problem.of(
                file,
                "coinr_unit_inconsistent",
                int(where[0]),
                "uCode",
                code=code,
                rows=", ".join(map(str, where[:6])),
            )
        )
    units = units.drop_duplicates("code").reset_index(drop=True)

    value_cols = [i for i, h in enumerate(header) if not _is_key(h)]
    if indicators is not None:
        for i in value_cols:
            if header[i] not in indicators:
                problems.append(
                    Problem.of(
                        file,
                        "unknown_indicator_column",
                        table.header_row,
                        header[i],
                        found=header[i],
                    )
                )
    block = np.empty((len(rows), len(value_cols)), dtype=np.float64)
    for j, i in enumerate(value_cols):
        block[:, j], bad = parse_numbers(data[i])
        for k in np.nonzero(bad)[0].tolist():
            problems.append(number_problem(file, int(rows[k]), header[i], data.iat[k, i]))
    keep = (codes != "").to_numpy() & ~bad_year
    unit_codes = codes.to_numpy(dtype=object)
    if matcher is not None:
        idx = np.nonzero(keep)[0]
        mapped, bad_unit, more = _unit_problems(file, "uCode", codes.iloc[idx], rows[idx], matcher)
        problems += more
        unit_codes = np.full(len(codes), "", dtype=object)
        unit_codes[idx] = mapped
        keep[idx[bad_unit]] = False
    m, n = len(value_cols), int(keep.sum())
    names_arr = np.array([header[i] for i in value_cols], dtype=object)
    frame = long_frame(
        repeat_categorical(unit_codes[keep], m),
        np.repeat(years[keep], m),
        tile_categorical(names_arr, n),
        block[keep].ravel() * scale,
        origins(file, rows[keep], list(names_arr)),
    )
    return CoinrData(units, frame), problems


def read_coinr_data(
    path: str | Path,
    indicators: set[str] | None = None,
    year: int | None = None,
    level: str = "country",
    sheet: str | None = None,
) -> CoinrData:
    """Read a COINr iData table (single year or panel) into a units table and long data.

    ``uCode`` is required; ``uName`` gives ``name_en`` and ``name_zh`` (the code when absent);
    every ``*_group`` column is kept as a units column; ``level`` fills the units' level. Without a
    ``Time`` column ``year`` must be given (no default year is guessed). With ``indicators``, a
    numeric column not in the set is an error (pass indicator and denominator ids).

    Raises
    ------
    InputError
        Missing uCode, empty codes, bad years, a (uCode, Time) pair twice, inconsistent names or
        groups of one unit across years, unknown columns, cells that are not numbers.
    """
    result, problems = _parse_data(path, indicators, year, level, sheet)
    if problems or result is None:
        raise InputError(problems)
    return result


def coinr_frame(
    source: DataSource, units: UnitMatcher, indicators: set[str]
) -> tuple[pd.DataFrame, list[Problem]]:
    """Long data of an iData file whose units must be in ``units`` (for read_sources)."""
    result, problems = _parse_data(
        source.path, indicators, None, "country", source.sheet, source.scale, units
    )
    return (result.data if result is not None else empty_frame()), problems
