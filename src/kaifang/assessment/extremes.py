"""The pipeline's check for extreme values (see ``kaifang.methods.extremes``): which indicator,
unit and year, and what to do about it, for run.json and the console."""

from __future__ import annotations

from typing import Any

import numpy as np

from kaifang.assessment.grid import Grid
from kaifang.methods.extremes import GAP_RATIO, MAGNITUDE, extreme_values

# listed one by one up to this many; then a count
SHOWN = 10


def find_extremes(
    x: np.ndarray, columns: list[str], grid: Grid, stage: str
) -> list[dict[str, Any]]:
    """Extreme values of ``x`` (year-major rows, one column per series in ``columns``), each
    cross-section (year) on its own; ``stage`` names the data they were found in."""
    cube = x.reshape(grid.n_years, grid.n_units, x.shape[1])
    year, unit, col = np.nonzero(extreme_values(cube))
    return [
        {
            "stage": stage,
            "indicator": columns[int(c)],
            "unit": str(grid.units[int(u)]),
            "year": int(grid.years[int(t)]),
            "value": float(cube[t, u, c]),
        }
        for t, u, c in zip(year, unit, col, strict=True)
    ]


def extreme_warnings(found: list[dict[str, Any]]) -> list[str]:
    """One warning per extreme value (the first ``SHOWN``), saying what it does and what to do."""
    lines = []
    for e in found[:SHOWN]:
        why = (
            f"beyond ±{MAGNITUDE:.0e}, where squares overflow"
            if abs(e["value"]) >= MAGNITUDE
            else f"more than {GAP_RATIO:.0e} times the range of the other units away from them"
        )
        lines.append(
            f"extreme value in the {e['stage']} data: series {e['indicator']!r}, unit "
            f"{e['unit']!r}, {e['year']}: {e['value']:.3g}, {why}. Normalisation squeezes every "
            "other unit together: check the value (a unit or exponent typo, a missing-value "
            "code?); if it is right, treat it (steps.treat: winsorise, or a log transform)"
        )
    if len(found) > SHOWN:
        lines.append(f"... and {len(found) - SHOWN} more extreme values (run.json: extreme_values)")
    return lines
