"""Populations by location and year, for presence by RCA per capita (``presence: rpop | both``).

They come from a population column of the trade table (checked row by row by the reader) or
from a population file (``population: {path: ...}``, one row per location and year). Every
location and year with exports needs one: a missing one is an error naming the file, the
column and the location and year (RPOP divides by the location's share of world population,
so a location left out would change every other location's RPOP).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from kaifang.data.readers import parse_numbers, parse_years, read_text_table
from kaifang.errors import InputError, Problem
from kaifang.trade.config import PopulationSpec, TradeConfig

MAX_PROBLEMS = 50


def population_from_column(table: pa.Table) -> pd.DataFrame:
    """(year, location, population) from the trade table's ``population`` column (the reader
    has checked that it is given, positive and the same on every row of a location and year)."""
    rows = table.filter(pc.is_valid(table["population"]))
    grouped = rows.group_by(["year", "location"]).aggregate([("population", "max")])
    frame = grouped.to_pandas().rename(columns={"population_max": "population"})
    out: pd.DataFrame = frame[["year", "location", "population"]]
    return out


def read_population(spec: PopulationSpec, base: Path) -> tuple[pd.DataFrame, str, str]:
    """(year, location, population) from a population file; its path and population column."""
    path = (base / spec.path).resolve()
    file = str(path)
    cols = {"location": "location", "year": "year", "population": "population", **spec.columns}
    table, problems = read_text_table(path, spec.sheet)
    if table is None:
        raise InputError(problems or [Problem(file, "cannot be read as a table")])
    absent = [c for c in cols.values() if c not in table.header]
    if absent:
        raise InputError(
            [Problem.of(file, "missing_columns", missing=absent, header=table.header, hint="")]
        )

    def column(role: str) -> pd.Series:
        return table.data[table.header.index(cols[role])].astype(str).str.strip()

    location, year_text, pop_text = column("location"), column("year"), column("population")
    years, bad_year = parse_years(year_text)
    values, bad_value = parse_numbers(pop_text)
    rows = table.rows
    found: list[Problem] = []
    for i in np.flatnonzero(bad_year)[:MAX_PROBLEMS]:
        found.append(
            Problem.of(file, "not_a_year", int(rows[i]), cols["year"], found=year_text.iloc[i])
        )
    for i in np.flatnonzero(bad_value)[:MAX_PROBLEMS]:
        found.append(
            Problem.of(
                file, "not_a_number", int(rows[i]), cols["population"], found=pop_text.iloc[i]
            )
        )
    missing = np.isnan(values) & ~bad_value
    for i in np.flatnonzero(missing)[:MAX_PROBLEMS]:
        found.append(
            Problem.of(
                file,
                "population_missing",
                int(rows[i]),
                cols["population"],
                location=location.iloc[i],
                year=int(years[i]),
            )
        )
    not_positive = ~np.isnan(values) & ~(values > 0) | np.isinf(values)
    for i in np.flatnonzero(not_positive & ~bad_value)[:MAX_PROBLEMS]:
        found.append(
            Problem.of(
                file,
                "population_not_positive",
                int(rows[i]),
                cols["population"],
                found=pop_text.iloc[i],
            )
        )
    frame = pd.DataFrame(
        {"year": years, "location": location, "population": values * spec.scale, "row": rows}
    )
    twice = frame.duplicated(["year", "location"], keep="first")
    first = frame.drop_duplicates(["year", "location"]).set_index(["year", "location"])["row"]
    for i in np.flatnonzero(twice.to_numpy())[:MAX_PROBLEMS]:
        key = (int(years[i]), location.iloc[i])
        found.append(
            Problem.of(
                file,
                "population_duplicate",
                int(rows[i]),
                cols["location"],
                location=key[1],
                year=key[0],
                first=int(first[key]),
            )
        )
    if found:
        raise InputError(found)
    return frame[["year", "location", "population"]], file, cols["population"]


def population_table(
    config: TradeConfig, table: pa.Table, base: Path | None, needed: pd.DataFrame, data_file: str
) -> pa.Table:
    """The populations of every (year, location) of ``needed`` as an Arrow table (year int32,
    location, population float64); float32 when values are (Stata's storage)."""
    presence = config.complexity.presence
    if config.population is not None:
        frame, file, column = read_population(config.population, base or Path("."))
    else:
        frame, file, column = population_from_column(table), data_file, "population"
        column = config.data.columns.get("population", column)
    have = set(zip(frame["year"].astype(int), frame["location"].astype(str), strict=True))
    lacking = [
        (int(y), str(loc))
        for y, loc in zip(needed["year"], needed["location"], strict=True)
        if (int(y), str(loc)) not in have
    ]
    if lacking:
        raise InputError(
            [
                Problem.of(
                    file,
                    "population_not_found",
                    None,
                    column,
                    location=loc,
                    year=y,
                    presence=presence,
                )
                for y, loc in sorted(lacking)[:MAX_PROBLEMS]
            ]
        )
    pop = frame["population"].to_numpy(dtype=np.float64)
    if config.complexity.value_precision == "float32":
        # Stata's import delimited stores the population as float32, as the values
        pop = pop.astype(np.float32).astype(np.float64)
    return pa.table(
        {
            "year": pa.array(frame["year"].to_numpy(dtype=np.int32)),
            "location": pa.array(frame["location"].astype(str).to_numpy(dtype=object)),
            "population": pa.array(pop),
        }
    )
