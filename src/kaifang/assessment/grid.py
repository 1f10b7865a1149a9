"""The unit-year grid every stage lives on: rows are year-major (all units of year 1, then
year 2, ...).

Year-major rows make a year's cross-section a contiguous block, so per-year methods are a reshape
to (T, n, m) instead of a group-by.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
import pandas as pd
from numpy.typing import NDArray

FloatArray = NDArray[np.float64]


@dataclass(frozen=True)
class Grid:
    units: NDArray[np.str_]
    years: NDArray[np.int64]

    @property
    def n_units(self) -> int:
        return len(self.units)

    @property
    def n_years(self) -> int:
        return len(self.years)

    @property
    def n_rows(self) -> int:
        return self.n_units * self.n_years

    @property
    def unit_column(self) -> NDArray[np.str_]:
        return np.tile(self.units, self.n_years)

    @property
    def year_column(self) -> NDArray[np.int64]:
        return np.repeat(self.years, self.n_units)

    @property
    def unit_codes(self) -> NDArray[np.int64]:
        """Integer unit position of every row (cheap group labels for methods)."""
        return np.tile(np.arange(self.n_units), self.n_years)

    def year_blocks(self) -> Iterator[tuple[int, slice]]:
        n = self.n_units
        for t, year in enumerate(self.years):
            yield int(year), slice(t * n, (t + 1) * n)

    def block(self, year: int) -> slice:
        t = int(np.searchsorted(self.years, year))
        if t >= self.n_years or self.years[t] != year:
            raise KeyError(year)
        return slice(t * self.n_units, (t + 1) * self.n_units)

    def to_long(
        self, values: FloatArray, columns: list[str], name: str = "indicator"
    ) -> pd.DataFrame:
        """Long table unit, year, <name>, value (stage files, architecture.md#output-folder)."""
        rows, m = values.shape
        return pd.DataFrame(
            {
                "unit": np.repeat(self.unit_column, m),
                "year": np.repeat(self.year_column, m),
                name: np.tile(np.asarray(columns, dtype=object), rows),
                "value": values.reshape(-1),
            }
        )


def pivot_to_grid(long: pd.DataFrame, grid: Grid, columns: list[str]) -> FloatArray:
    """Place long (unit, year, indicator, value) rows on the grid; absent cells are NaN."""
    out = np.full((grid.n_rows, len(columns)), np.nan)
    if long.empty:
        return out
    unit_pos = _positions(long["unit"], pd.Index(grid.units))
    year_pos = pd.Index(grid.years).get_indexer(pd.Index(long["year"]))
    col_pos = _positions(long["indicator"], pd.Index(columns))
    keep = (unit_pos >= 0) & (year_pos >= 0) & (col_pos >= 0)
    rows = year_pos[keep] * grid.n_units + unit_pos[keep]
    out[rows, col_pos[keep]] = long["value"].to_numpy(dtype=float)[keep]
    return out


def _positions(values: pd.Series, index: pd.Index) -> np.ndarray:
    """Position of each value in ``index`` (-1 if absent); via the codes when categorical."""
    if isinstance(values.dtype, pd.CategoricalDtype):
        cat = values.cat
        lookup = index.get_indexer(pd.Index(cat.categories.astype(str)))
        codes = cat.codes.to_numpy()
        return np.where(codes >= 0, lookup[codes], -1)
    return np.asarray(index.get_indexer(pd.Index(values.astype(str))))
