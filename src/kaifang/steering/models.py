"""The ``targets:``, ``scenarios:`` and ``allocation:`` blocks of assessment.yaml.

Each block is validated by its own model through ``kaifang.assessment.config.config_block``,
which reports a mistake with its YAML line; unknown keys are errors, as everywhere in the config.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from kaifang.framework import Name
from kaifang.problem_messages import LocalValueError


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _name(v: Any) -> Any:
    return {"en": v, "zh": v} if isinstance(v, str) else v


# ---------------------------------------------------------------------------------------- targets
class Thresholds(Strict):
    """Status from r = actual / straight-path value: on track r >= on_track, at risk
    at_risk <= r < on_track, off track below."""

    on_track: Annotated[float, Field(gt=0)] = 0.98
    at_risk: Annotated[float, Field(gt=0)] = 0.90

    @model_validator(mode="after")
    def _order(self) -> Thresholds:
        if self.at_risk > self.on_track:
            raise LocalValueError(
                "v_thresholds_order", at_risk=self.at_risk, on_track=self.on_track
            )
        return self


class Target(Strict):
    id: str
    name: Name | None = None
    indicator: str  # an indicator or auxiliary series, raw values (before denominate)
    scope: Literal["units", "total", "both"] = "both"
    units: list[str] | None = None  # default: every unit of the assessment
    base_year: int
    base_value: Annotated[float, Field(gt=0)] | None = None  # default: from the data
    multiple: Annotated[float, Field(gt=0)] | None = None  # 2.0 = doubling
    level: Annotated[float, Field(gt=0)] | None = None
    target_year: int
    fit_years: tuple[int, int] | None = None  # years the projection models see; default all

    _name = field_validator("name", mode="before")(_name)

    @model_validator(mode="after")
    def _check(self) -> Target:
        if (self.multiple is None) == (self.level is None):
            raise LocalValueError("v_multiple_or_level")
        if self.target_year <= self.base_year:
            raise LocalValueError(
                "v_target_after_base", target_year=self.target_year, base_year=self.base_year
            )
        return self


class TargetsBlock(Strict):
    additive: list[str] = Field(default_factory=list)  # series whose unit values sum to a total
    thresholds: Thresholds = Field(default_factory=Thresholds)
    interval: Annotated[float, Field(gt=0, lt=1)] = 0.8
    holdout: Annotated[int, Field(ge=1, le=5)] = 3  # last k years for the one-step model choice
    items: list[Target] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique(self) -> TargetsBlock:
        ids = [t.id for t in self.items]
        dup = sorted({i for i in ids if ids.count(i) > 1})
        if dup:
            raise LocalValueError("v_target_ids_unique", dup=dup)
        return self


# -------------------------------------------------------------------------------------- scenarios
class WeightChange(Strict):
    """One change: ``node`` is an id or a glob (``trade_*``); ``kind: weight`` changes the node's
    weight relative to its siblings, ``kind: share`` the matched indicators' share of the index.
    (Not ``on:``: YAML 1.1 reads the key ``on`` as the boolean true.)"""

    node: str
    kind: Literal["weight", "share"] = "weight"
    multiply: Annotated[float, Field(gt=0)] | None = None
    set: Annotated[float, Field(gt=0)] | None = None

    @model_validator(mode="after")
    def _one(self) -> WeightChange:
        if (self.multiply is None) == (self.set is None):
            raise LocalValueError("v_multiply_or_set")
        if self.kind == "share" and self.set is not None and self.set >= 1:
            raise LocalValueError("v_share_below_one", found=self.set)
        return self


class Scenario(Strict):
    id: str
    name: Name | None = None
    changes: list[WeightChange] = Field(min_length=1)

    _name = field_validator("name", mode="before")(_name)


class ScenariosBlock(Strict):
    year: int | None = None  # year of the rank comparison; default the latest
    items: list[Scenario] = Field(min_length=1)


# ------------------------------------------------------------------------------------- allocation
class Factor(Strict):
    factor: str  # "equal" or a series id (indicator or auxiliary), raw values
    weight: Annotated[float, Field(ge=0)]
    year: int | None = None  # default: the allocation year, else the latest year with data


class BasePart(Strict):
    share: Annotated[float, Field(ge=0, le=1)]
    factors: list[Factor] = Field(min_length=1)


class Grades(Strict):
    by: Literal["score", "rank_quantile"] = "score"
    thresholds: tuple[float, float, float] | None = None  # A >= t1 > B >= t2 > C >= t3 > D
    quantiles: tuple[float, float, float] | None = None  # A: rank/n <= q1, B <= q2, C <= q3
    multipliers: dict[Literal["A", "B", "C", "D"], Annotated[float, Field(ge=0)]]

    @model_validator(mode="after")
    def _check(self) -> Grades:
        if self.by == "score" and self.thresholds is None:
            raise LocalValueError("v_grades_thresholds")
        if self.by == "rank_quantile" and self.quantiles is None:
            raise LocalValueError("v_grades_quantiles")
        missing = [g for g in "ABCD" if g not in self.multipliers]
        if missing:
            raise LocalValueError("v_multipliers_missing", missing=missing)
        m = [self.multipliers[g] for g in "ABCD"]  # type: ignore[index]
        if any(m[i] < m[i + 1] for i in range(3)):
            raise LocalValueError("v_multipliers_order", found=m)
        return self


class PerformancePart(Strict):
    share: Annotated[float, Field(ge=0, le=1)]
    method: Literal["score_share", "grades"] = "score_share"
    grades: Grades | None = None

    @model_validator(mode="after")
    def _check(self) -> PerformancePart:
        if self.method == "grades" and self.grades is None:
            raise LocalValueError("v_grades_block_needed")
        return self


class ImprovementPart(Strict):
    share: Annotated[float, Field(ge=0, le=1)]
    from_year: int | None = None  # default: the year before the allocation year


class Bound(Strict):
    default: Annotated[float, Field(ge=0)] | None = None
    units: dict[str, Annotated[float, Field(ge=0)]] = Field(default_factory=dict)

    @field_validator("units", mode="before")
    @classmethod
    def _codes(cls, v: Any) -> Any:
        return {str(k): val for k, val in v.items()} if isinstance(v, dict) else v


class AllocationBlock(Strict):
    name: Name | None = None
    budget: Annotated[int, Field(gt=0)] | None = None  # in yuan; --budget overrides
    rounding: Annotated[int, Field(gt=0)] = 10_000
    year: int | None = None  # assessment year used; default the latest
    node: str | None = None  # score of this node; default the index (root)
    base: BasePart | None = None
    performance: PerformancePart | None = None
    improvement: ImprovementPart | None = None
    floor: Bound | None = None
    cap: Bound | None = None

    _name = field_validator("name", mode="before")(_name)

    @field_validator("floor", "cap", mode="before")
    @classmethod
    def _scalar(cls, v: Any) -> Any:
        return {"default": v} if isinstance(v, int | float) else v

    @model_validator(mode="after")
    def _shares(self) -> AllocationBlock:
        parts = [p for p in (self.base, self.performance, self.improvement) if p is not None]
        if not parts:
            raise LocalValueError("v_allocation_parts")
        total = sum(p.share for p in parts)
        if abs(total - 1.0) > 1e-9:
            raise LocalValueError("v_allocation_shares_sum", found=f"{total:g}")
        if self.base is not None:
            wsum = sum(f.weight for f in self.base.factors)
            if abs(wsum - 1.0) > 1e-9:
                raise LocalValueError("v_factor_weights_sum", found=f"{wsum:g}")
        return self
