"""Results of one run: scores and ranks of every node, weights, every stage, and the run record."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import numpy as np
import pandas as pd

from kaifang.assessment.grid import FloatArray, Grid
from kaifang.framework import Framework


@dataclass(frozen=True)
class Results:
    """What ``Assessment.run()`` returns (architecture.md#python-api); tables are in the long
    form of the files."""

    framework: Framework
    grid: Grid
    node_ids: list[str]
    node_scores: FloatArray  # (rows, nodes), year-major rows
    node_ranks: FloatArray
    weights: pd.DataFrame
    stages_wide: dict[str, tuple[FloatArray, list[str]]]
    imputed: pd.DataFrame
    treated: pd.DataFrame
    record: dict[str, Any] = field(default_factory=dict)

    @cached_property
    def scores(self) -> pd.DataFrame:
        """unit, year, node, level, score, rank (rank 1 = best; ties share the best rank)."""
        long = self.grid.to_long(self.node_scores, self.node_ids, name="node")
        long = long.rename(columns={"value": "score"})
        levels = np.array([self.framework[n].level for n in self.node_ids])
        rows = self.node_scores.shape[0]
        long.insert(3, "level", np.tile(levels, rows))
        ranks = self.node_ranks.reshape(-1)
        long["rank"] = pd.array(np.where(np.isnan(ranks), 0, ranks).astype(np.int64), dtype="Int64")
        long.loc[np.isnan(ranks), "rank"] = pd.NA
        return long

    @property
    def ranks(self) -> pd.DataFrame:
        """unit, year, node, level, rank."""
        return self.scores.drop(columns="score")

    @property
    def stage_names(self) -> list[str]:
        return list(self.stages_wide)

    def stage(self, name: str) -> pd.DataFrame:
        """The indicator table after step ``name`` in long form (unit, year, indicator, value)."""
        if name not in self.stages_wide:
            raise KeyError(f"no stage {name!r}; stages of this run: {self.stage_names}")
        values, columns = self.stages_wide[name]
        return self.grid.to_long(values, columns)

    def index(self, node: str | None = None, year: int | None = None) -> pd.DataFrame:
        """Scores and ranks of one node (default the root) as a unit x year table."""
        node = node or self.framework.root_id
        s = self.scores
        s = s[s["node"] == node]
        if year is not None:
            s = s[s["year"] == year]
        return s.pivot(index="unit", columns="year", values="score")
