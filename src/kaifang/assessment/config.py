"""The assessment config: which data, framework, steps and parameters
(docs/en/architecture.md#assessment-yaml).

The config is the log of every choice: what-if variants and Monte Carlo runs are edits of it
(COINr's idea of regenerating a coin from its log).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from kaifang.errors import InputError, Problem
from kaifang.framework.model import AGGREGATION_METHODS, Name
from kaifang.problem_messages import LocalValueError
from kaifang.yamlio import Location, pydantic_problems, read_yaml

M = TypeVar("M", bound=BaseModel)


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


Reference = Literal["per_year", "pooled", "base_year"]
IMPUTE_METHODS = (
    "none",
    "mean",
    "median",
    "group_mean",
    "group_median",
    "linear_time",
    "locf",
    "nocb",
)
TREAT_METHODS = ("none", "winsorise", "log", "log1p", "boxcox", "log_ct")
NORMALISE_METHODS = (
    "minmax",
    "zscore",
    "goalposts",
    "rank",
    "percentile_rank",
    "borda",
    "distance_to_max",
    "distance_to_target",
    "fraction_of_max",
)
WEIGHT_METHODS = ("framework", "equal", "entropy", "critic", "sd", "cv", "pca", "ahp", "combine")


class DataSourceSpec(Strict):
    path: str = ""
    format: Literal["auto", "long", "wide", "nbs", "coinr"] = "auto"
    sheet: str | None = None
    indicator: str | None = None
    columns: dict[str, str] | None = None
    scale: float = 1.0
    # published data of a platform database: a SQLite file or a database URL, and a period code
    # (every published period up to that period's year is read)
    database: str | None = None
    period: str | None = None

    @model_validator(mode="after")
    def _one_source(self) -> DataSourceSpec:
        if self.database is None and self.period is not None:
            raise ValueError("'period' needs 'database'")
        if self.database is not None:
            if self.path:
                raise ValueError("give either 'path' (a file) or 'database', not both")
            if not self.period:
                raise ValueError("'database' needs 'period': the code of a published period")
        elif not self.path:
            raise ValueError("a data source needs 'path' (a file) or 'database' and 'period'")
        return self


class DenominateStep(Strict):
    """Divide each indicator by its framework ``denominator`` (raw values of that series)."""

    scale: float = 1.0


class ImputeStep(Strict):
    method: Literal[IMPUTE_METHODS] = "none"  # type: ignore[valid-type]
    then: Literal[IMPUTE_METHODS] | None = None  # type: ignore[valid-type]
    by: str | None = None
    reference: Literal["per_year", "pooled"] = "per_year"

    @model_validator(mode="after")
    def _needs_by(self) -> ImputeStep:
        uses_groups = "group" in self.method or (self.then and "group" in self.then)
        if uses_groups and self.by is None:
            raise LocalValueError("v_by_needed")
        return self


class TreatOverride(Strict):
    method: Literal[TREAT_METHODS]  # type: ignore[valid-type]
    winmax: int | None = None
    lmbda: float | None = None


class TreatStep(Strict):
    method: Literal[TREAT_METHODS] = "none"  # type: ignore[valid-type]
    winmax: Annotated[int, Field(ge=0)] = 5
    skew: Annotated[float, Field(gt=0)] = 2.0
    kurtosis: Annotated[float, Field(gt=0)] = 3.5
    reference: Literal["per_year", "pooled"] = "per_year"
    overrides: dict[str, TreatOverride] = Field(default_factory=dict)


class NormaliseOverride(Strict):
    method: Literal[NORMALISE_METHODS]  # type: ignore[valid-type]
    range: tuple[float, float] | None = None


class NormaliseStep(Strict):
    method: Literal[NORMALISE_METHODS] = "minmax"  # type: ignore[valid-type]
    range: tuple[float, float] = (0.0, 1.0)
    mean: float = 0.0
    sd: Annotated[float, Field(gt=0)] = 1.0
    reference: Reference = "per_year"
    base_year: int | None = None
    # Tie rule of rank, percentile_rank and borda; unset = each method's own default
    # (average for rank and percentile_rank, min for borda). COINr uses min for all three.
    ties: Literal["min", "average", "max"] | None = None
    # distance_to_target: scores past the target capped at 1 (COINr's n_dist2targ: not capped)
    cap: bool = True
    overrides: dict[str, NormaliseOverride] = Field(default_factory=dict)

    @field_validator("range")
    @classmethod
    def _range(cls, v: tuple[float, float]) -> tuple[float, float]:
        if not v[0] < v[1]:
            raise LocalValueError("v_range_order", found=list(v))
        return v

    @model_validator(mode="after")
    def _base(self) -> NormaliseStep:
        if self.reference == "base_year" and self.base_year is None:
            raise LocalValueError("v_base_year_needed")
        return self


class WeightStep(Strict):
    method: Literal[WEIGHT_METHODS] = "framework"  # type: ignore[valid-type]
    delta: Annotated[float, Field(ge=0)] = 1e-4
    mode: Literal["panel", "latest_year"] = "panel"
    data: Literal["treated", "normalised"] | None = None
    subjective: Literal["framework", "ahp", "equal"] = "ahp"
    objective: Literal["entropy", "critic", "sd", "cv", "pca"] = "entropy"
    alpha: Annotated[float, Field(ge=0, le=1)] = 0.5
    combination: Literal["linear", "multiplicative"] = "linear"
    allow_inconsistent: bool = False


class AggregateStep(Strict):
    method: Literal[AGGREGATION_METHODS] = "arithmetic"  # type: ignore[valid-type]
    p: float | None = None
    min_share: Annotated[float, Field(ge=0, le=1)] = 0.0
    levels: dict[int, Literal[AGGREGATION_METHODS]] = Field(default_factory=dict)  # type: ignore[valid-type]
    nodes: dict[str, Literal[AGGREGATION_METHODS]] = Field(default_factory=dict)  # type: ignore[valid-type]
    # unset = "none" after a normalise step, "vector" without one (see Steps.resolved_aggregate)
    topsis_normalisation: Literal["none", "vector", "minmax"] | None = None
    vikor_v: Annotated[float, Field(ge=0, le=1)] = 0.5
    grey_rho: Annotated[float, Field(gt=0, le=1)] = 0.5

    @model_validator(mode="after")
    def _power(self) -> AggregateStep:
        uses_power = (
            self.method == "power"
            or "power" in self.levels.values()
            or ("power" in self.nodes.values())
        )
        if uses_power and self.p is None:
            raise LocalValueError("v_power_needs_p")
        return self


class Steps(Strict):
    denominate: DenominateStep | None = None
    impute: ImputeStep | None = None
    treat: TreatStep | None = None
    normalise: NormaliseStep | None = None
    weight: WeightStep | None = None
    aggregate: AggregateStep | None = None

    @field_validator("*", mode="before")
    @classmethod
    def _empty(cls, v: Any) -> Any:
        # `denominate:` written with nothing after it means "run with defaults"
        return {} if v is None else v

    def resolved_aggregate(self) -> AggregateStep:
        """The aggregate step with every default that depends on other steps filled in.

        TOPSIS after a normalise step weights the normalised values as they are (熵权TOPSIS as
        SPSSAU, most papers and pymcdm compute it); without one it normalises the raw values
        by their vector norm, so units of measurement cancel.
        """
        step = self.aggregate or AggregateStep()
        if step.topsis_normalisation is not None:
            return step
        choice = "none" if self.normalise is not None else "vector"
        return step.model_copy(update={"topsis_normalisation": choice})


STEP_ORDER = ("denominate", "impute", "treat", "normalise", "weight", "aggregate")


class AssessmentConfig(Strict):
    title: Name
    simulated: bool = False
    framework: str
    units: str | None = None
    data: list[DataSourceSpec]
    years: tuple[int, int] | None = None
    steps: Steps = Field(default_factory=Steps)
    # Blocks read by the analyses built on an assessment (layer 4 in architecture.md#layers); each
    # analysis validates its own block with its own model (see ``config_block``), so the
    # assessment layer does not import them.
    sensitivity: Any = None
    targets: Any = None
    scenarios: Any = None
    allocation: Any = None
    report: Any = None
    disparity: Any = None
    ledger: Any = None

    @field_validator("data", mode="before")
    @classmethod
    def _data(cls, v: Any) -> Any:
        if isinstance(v, str | dict):
            v = [v]
        if isinstance(v, list):
            return [{"path": item} if isinstance(item, str) else item for item in v]
        return v

    @field_validator("title", mode="before")
    @classmethod
    def _title(cls, v: Any) -> Any:
        return {"en": v, "zh": v} if isinstance(v, str) else v

    @field_validator("years")
    @classmethod
    def _years(cls, v: tuple[int, int] | None) -> tuple[int, int] | None:
        if v is not None and v[0] > v[1]:
            raise LocalValueError("v_years_order", found=list(v))
        return v


def load_config(path: Path) -> AssessmentConfig:
    """Read and validate ``assessment.yaml``: every problem is listed with its line."""
    return load_config_with_lines(path)[0]


def load_config_with_lines(path: Path) -> tuple[AssessmentConfig, Any, dict[Location, int]]:
    """The validated config, the raw YAML data and the line of every key (for analyses that
    validate their own block and must name the line of a mistake)."""
    data, lines = read_yaml(path)
    if not isinstance(data, dict):
        raise InputError([Problem.of(str(path), "config_not_mapping")])
    try:
        return AssessmentConfig.model_validate(data), data, lines
    except ValidationError as exc:
        raise InputError(pydantic_problems(str(path), exc, lines, data=data)) from None


def config_block(path: Path, key: str, model: type[M]) -> M | None:
    """Validate the block ``key`` of an assessment config with ``model`` (a pydantic model of an
    analysis), reporting mistakes with their lines; ``None`` if the block is absent."""
    _, data, lines = load_config_with_lines(path)
    block = data.get(key)
    if block is None:
        return None
    try:
        return model.model_validate(block)
    except ValidationError as exc:
        raise InputError(
            pydantic_problems(str(path), exc, lines, prefix=(key,), data=data)
        ) from None
