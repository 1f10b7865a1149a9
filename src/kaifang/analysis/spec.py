"""The ``disparity:`` block of assessment.yaml: which variable, which grouping, which measures.

Minimal form::

    disparity:
      variable: {node: open_economy}     # a score of the assessment, or {indicator: ID}
      groups: group                      # a column of the units table

Everything else has a default, and every measure the data allow is run. The block is validated
through ``kaifang.assessment.config.config_block`` (mistakes are reported with their YAML line);
unknown keys are errors.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from kaifang.framework import Name
from kaifang.problem_messages import LocalValueError

STAGES = ("raw", "denominated", "imputed", "treated", "normalised")


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _name(v: Any) -> Any:
    return {"en": v, "zh": v} if isinstance(v, str) else v


class VariableSpec(Strict):
    """A score (``node``: a framework node, the root included) or a series (``indicator``: an
    indicator or auxiliary series, at ``stage``; ``raw`` = as read, before any step)."""

    node: str | None = None
    indicator: str | None = None
    stage: Literal[STAGES] = "raw"  # type: ignore[valid-type]

    @model_validator(mode="after")
    def _one(self) -> VariableSpec:
        if (self.node is None) == (self.indicator is None):
            raise LocalValueError("v_node_or_indicator")
        if self.node is not None and self.stage != "raw":
            raise LocalValueError("v_stage_for_indicator")
        return self


class KernelSpec(Strict):
    kernel: Literal["gaussian", "epanechnikov"] = "gaussian"
    bandwidth: Literal["scott", "silverman"] | Annotated[float, Field(gt=0)] = "silverman"
    points: Annotated[int, Field(ge=10, le=1000)] = 100


class MarkovSpec(Strict):
    """Quantile classes (``classes`` = k) per year or pooled over the years; ``relative``
    divides each year's values by that year's mean first (usual with pooled classes of a
    growing series); ``prebinned`` takes the variable's values as the classes 1..k;
    ties: ``upper`` (equal values share a class, as PySAL) or ``random``
    (seeded: equal class sizes)."""

    classes: Annotated[int, Field(ge=2, le=10)] = 4
    prebinned: bool = False  # the variable already holds classes 1..classes (e.g. a grade)
    pooled: bool = False
    relative: bool = False
    ties: Literal["upper", "random"] = "upper"
    seed: int = 0
    fill_empty: bool = False


class SpatialSpec(Strict):
    """Spatial weights and the spatial tests. Geometry: ``geojson`` (default: the report
    block's map) with ``id_property`` naming the unit codes, or ``points`` (a CSV with columns
    code, x, y). Islands (units without neighbours): ``nearest`` joins each to its nearest
    unit, ``drop`` leaves them out of the spatial statistics, ``error`` stops."""

    geojson: str | None = None
    id_property: str | None = None
    points: str | None = None
    weights: Literal["queen", "rook", "knn", "distance"] = "queen"
    k: Annotated[int, Field(ge=1, le=50)] = 4
    threshold: Annotated[float, Field(gt=0)] | None = None
    power: Annotated[float, Field(ge=0, le=4)] = 0.0
    geographic: bool = True
    islands: Literal["nearest", "drop", "error"] = "nearest"
    permutations: Annotated[int, Field(ge=0, le=99_999)] = 999
    seed: int = 0
    alpha: Annotated[float, Field(gt=0, lt=1)] = 0.05

    @model_validator(mode="after")
    def _threshold(self) -> SpatialSpec:
        if self.weights == "distance" and self.threshold is None:
            raise LocalValueError("v_distance_threshold")
        if self.geojson is not None and self.points is not None:
            raise LocalValueError("v_geojson_or_points")
        return self


class BetaSpec(Strict):
    """Conditional β: unit fixed effects (``unit``) or unit and year effects (``unit_year``),
    with optional control series (raw values, logged when all > 0); spatial β (SAR and SEM)
    needs spatial weights and the optional ``spatial`` extra (PySAL spreg)."""

    fixed_effects: Literal["unit", "unit_year"] = "unit"
    controls: list[str] = Field(default_factory=list)
    spatial: Literal["none", "sar", "sem", "both"] = "both"


class Subsystem(Strict):
    """One subsystem of a coupling: a score (``node``) or a plain index of ``series`` (raw
    values, each divided by ``per`` when given, min-max normalised per year and averaged)."""

    name: Name | None = None
    node: str | None = None
    series: list[str] | None = None
    per: str | None = None

    _name = field_validator("name", mode="before")(_name)

    @model_validator(mode="after")
    def _one(self) -> Subsystem:
        if (self.node is None) == (self.series is None):
            raise LocalValueError("v_node_or_series")
        if self.series is not None and not self.series:
            raise LocalValueError("v_series_empty")
        return self


class CouplingSpec(Strict):
    """Coupling coordination of two or more subsystems. Each subsystem is brought to
    ``range`` (a floor above 0 keeps the unit at the minimum from getting C = 0 whatever the
    other subsystems); ``alpha`` are the contributions in T (default equal); ``modified``
    uses Wang et al.'s (2021) modified C."""

    subsystems: list[Subsystem] = Field(min_length=2, max_length=10)
    alpha: list[Annotated[float, Field(ge=0)]] | None = None
    modified: bool = False
    range: tuple[float, float] = (0.01, 1.0)

    @model_validator(mode="after")
    def _check(self) -> CouplingSpec:
        if self.alpha is not None:
            if len(self.alpha) != len(self.subsystems):
                raise LocalValueError(
                    "v_alpha_count", expected=len(self.subsystems), found=len(self.alpha)
                )
            if abs(sum(self.alpha) - 1.0) > 1e-9:
                raise LocalValueError("v_alpha_sum", found=f"{sum(self.alpha):g}")
        lo, hi = self.range
        if not 0 <= lo < hi <= 1:
            raise LocalValueError("v_unit_range", found=list(self.range))
        return self


class ObstacleSpec(Strict):
    """Obstacle degrees of the indicators (and pillars: the node's children) under ``node``
    (default: the root)."""

    node: str | None = None


class DisparityBlock(Strict):
    variable: VariableSpec
    groups: str | None = None
    years: tuple[int, int] | None = None
    population: VariableSpec | None = None
    kernel: KernelSpec = Field(default_factory=KernelSpec)
    markov: MarkovSpec = Field(default_factory=MarkovSpec)
    beta: BetaSpec = Field(default_factory=BetaSpec)
    spatial: SpatialSpec | None = Field(default_factory=SpatialSpec)
    coupling: CouplingSpec | None = None
    obstacle: ObstacleSpec | None = Field(default_factory=ObstacleSpec)

    @field_validator("kernel", "markov", "beta", mode="before")
    @classmethod
    def _empty(cls, v: Any) -> Any:
        return {} if v is None else v

    @field_validator("years")
    @classmethod
    def _years(cls, v: tuple[int, int] | None) -> tuple[int, int] | None:
        if v is not None and v[0] > v[1]:
            raise LocalValueError("v_years_order", found=list(v))
        return v
