"""The unit x year panels the disparity analysis works on, taken from an assessment: a node's
scores, a series at one stage of the pipeline, the grouping column of the units table.

Mistakes in the block name the config file and the YAML line of the key at fault.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from kaifang.analysis.spec import VariableSpec
from kaifang.assessment.config import load_config_with_lines
from kaifang.errors import InputError, Problem
from kaifang.yamlio import Location, line_of

if TYPE_CHECKING:
    from kaifang.assessment import Assessment
    from kaifang.assessment.results import Results


@dataclass(frozen=True)
class Where:
    """Names the config file and the line of a key of the ``disparity:`` block."""

    path: Path
    lines: dict[Location, int]

    @classmethod
    def of(cls, config_path: Path) -> Where:
        _, _, lines = load_config_with_lines(config_path)
        return cls(config_path, lines)

    def problem(self, key: Location, message: str) -> Problem:
        loc = ("disparity", *key)
        label = ".".join(str(k) for k in loc)
        return Problem(str(self.path), f"{label}: {message}", row=line_of(self.lines, loc))

    def error(self, key: Location, message: str) -> InputError:
        return InputError([self.problem(key, message)])


def variable_panel(
    assessment: Assessment,
    results: Results | None,
    spec: VariableSpec,
    where: Where,
    key: Location,
) -> pd.DataFrame:
    """Units (rows, in units-table order) x years (columns) of the variable; NaN where missing."""
    fw = assessment.framework
    units = [c for c in assessment.inputs.units["code"].astype(str)]
    if spec.node is not None:
        if spec.node not in fw.nodes:
            raise where.error(
                (*key, "node"),
                f"{spec.node!r} is not a node of the framework (the root is {fw.root_id!r})",
            )
        assert results is not None
        s = results.scores
        s = s[s["node"] == spec.node]
        wide = s.pivot_table(index="unit", columns="year", values="score", observed=True)
    else:
        ind = spec.indicator
        assert ind is not None
        if ind not in fw.series:
            raise where.error(
                (*key, "indicator"),
                f"{ind!r} is not a series of the framework (indicators and auxiliary series)",
            )
        if spec.stage == "raw":
            data = assessment.inputs.data
            rows = data[data["indicator"] == ind]
            wide = rows.pivot_table(
                index="unit", columns="year", values="value", aggfunc="first", observed=True
            )
        else:
            assert results is not None
            if spec.stage not in results.stage_names:
                raise where.error(
                    (*key, "stage"),
                    f"the assessment has no {spec.stage!r} stage (its stages: "
                    f"{', '.join(results.stage_names)})",
                )
            st = results.stage(spec.stage)
            st = st[st["indicator"] == ind]
            if st.empty:
                raise where.error(
                    (*key, "indicator"),
                    f"{ind!r} is not in the {spec.stage!r} stage (auxiliary series are raw only)",
                )
            wide = st.pivot_table(index="unit", columns="year", values="value", observed=True)
    wide.index = wide.index.astype(str)
    wide.columns = wide.columns.astype(int)
    years = assessment.config.years
    if years is not None:
        wide = wide[[c for c in wide.columns if years[0] <= int(c) <= years[1]]]
    wide = wide.reindex(index=[u for u in units if u in wide.index])
    if wide.empty or wide.notna().sum().sum() == 0:
        raise where.error(key, "the variable has no value in the assessment's years")
    return wide.astype(np.float64)


def group_labels(assessment: Assessment, column: str, codes: list[str], where: Where) -> list[str]:
    """The value of ``column`` of the units table for each unit code."""
    units = assessment.inputs.units
    if column not in units.columns:
        cols = [c for c in units.columns if c not in ("code",)]
        raise where.error(
            ("groups",), f"the units table has no column {column!r} (its columns: {cols})"
        )
    table = units.assign(code=units["code"].astype(str)).set_index("code")[column]
    labels = table.reindex(codes)
    empty = [c for c, v in labels.items() if pd.isna(v) or str(v).strip() == ""]
    if empty:
        raise where.error(("groups",), f"units without a value in column {column!r}: {empty}")
    return [str(v) for v in labels]


UnitNames = dict[str, tuple[str, str]]


def unit_names(assessment: Assessment) -> UnitNames:
    """code -> (name_en, name_zh)."""
    u = assessment.inputs.units
    return {
        str(c): (str(en), str(zh))
        for c, en, zh in zip(u["code"], u["name_en"], u["name_zh"], strict=True)
    }
