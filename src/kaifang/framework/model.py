"""The framework file (architecture.md#framework-yaml) as validated pydantic models."""

from __future__ import annotations

import re
from fractions import Fraction
from typing import Annotated, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    WithJsonSchema,
    field_validator,
    model_validator,
)

from kaifang.problem_messages import LocalValueError

# Weights are relative to the siblings' (1 = equal). Past 1e12 a weight overflows in the
# products of aggregation (1e308 x a score is inf) without meaning anything a smaller one would
# not: such a weight is refused.
MAX_WEIGHT = 1e12

# snake_case in framework.yaml; upper-case letters are accepted too so that COINr users keep their
# iMeta codes (e.g. "TolMin") unchanged.
ID_PATTERN = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")
AGGREGATION_METHODS = (
    "arithmetic",
    "geometric",
    "harmonic",
    "power",
    "topsis",
    "vikor",
    "grey",
    "copeland",
)


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Name(Strict):
    en: str = Field(min_length=1)
    zh: str = Field(min_length=1)


def _bilingual(value: object) -> object:
    # A plain string is accepted for descriptions and used for both languages.
    if isinstance(value, str):
        return {"en": value, "zh": value}
    return value


def _split_unit(data: object) -> object:
    # ``unit: {zh: 家, en: enterprises}`` is stored as ``unit`` (en) and ``unit_zh``, so that every
    # reader of ``unit`` keeps getting a plain string; a plain string stays valid for both.
    if isinstance(data, dict) and isinstance(data.get("unit"), dict):
        unit = dict(data["unit"])
        if set(unit) - {"en", "zh"} or not all(isinstance(v, str) and v for v in unit.values()):
            raise ValueError("unit: give a string, or {zh: ..., en: ...} with both texts")
        data = {**data, "unit": unit.get("en") or unit.get("zh")}
        if "zh" in unit and data.get("unit_zh") is None:
            data["unit_zh"] = unit["zh"]
    return data


UNIT_SCHEMA = WithJsonSchema(
    {
        "anyOf": [
            {"type": "string"},
            {
                "type": "object",
                "properties": {"zh": {"type": "string"}, "en": {"type": "string"}},
                "required": ["zh", "en"],
                "additionalProperties": False,
            },
            {"type": "null"},
        ],
        "description": "Unit of the raw series: a string, or {zh: 家, en: enterprises}",
    }
)
UnitText = Annotated[str | None, UNIT_SCHEMA]
ZH_UNIT_SCHEMA = WithJsonSchema(
    {
        "anyOf": [{"type": "string"}, {"type": "null"}],
        "description": "Chinese unit (filled from unit: {zh: ..., en: ...}); default: the "
        "translation table of kaifang.framework.units",
    }
)


class Derive(Strict):
    growth: str | None = None
    """Year-on-year growth in percent of another series: 100 * (s_t / s_{t-1} - 1)."""


class Auxiliary(Strict):
    id: str
    name: Name
    unit: UnitText = None
    unit_zh: Annotated[str | None, ZH_UNIT_SCHEMA] = None
    source: str | None = None
    description: Name | None = None

    @model_validator(mode="before")
    @classmethod
    def _unit(cls, data: object) -> object:
        return _split_unit(data)

    @field_validator("description", mode="before")
    @classmethod
    def _desc(cls, v: object) -> object:
        return _bilingual(v)


def check_weight(value: float) -> float:
    """A node weight: a finite number in (0, MAX_WEIGHT]; else a ValueError saying why."""
    if not (0 < value <= MAX_WEIGHT):  # also refuses nan and inf
        raise ValueError(
            f"weight {value:g} is not usable: a weight is relative to its siblings' (1 = equal, "
            f"2 = twice as much) and must be a number above 0 and at most {MAX_WEIGHT:g}"
        )
    return value


def _parse_ratio(value: float | int | str) -> float:
    if isinstance(value, str):
        try:
            return float(Fraction(value.strip()))
        except (ValueError, ZeroDivisionError):
            raise LocalValueError("v_ratio", found=value) from None
    return float(value)


class Node(Strict):
    id: str
    name: Name
    description: Name | None = None
    weight: Annotated[float, Field(gt=0)] = 1.0
    aggregate: Literal[AGGREGATION_METHODS] | None = None  # type: ignore[valid-type]
    ahp: list[list[float | int | str]] | None = None
    children: list[Node] | None = None
    # leaf (indicator) fields
    unit: UnitText = None
    unit_zh: Annotated[str | None, ZH_UNIT_SCHEMA] = None
    direction: Literal[1, -1] | None = None
    denominator: str | None = None
    # what a ratio (an indicator with a denominator) is shown in: the denominated value times
    # display_scale, in display_unit (e.g. 100 and % for a share, 10000 and 元/人 for
    # 100 million CNY per 10 thousand persons)
    display_unit: Name | None = None
    display_scale: Annotated[float, Field(gt=0)] | None = None
    transform: Literal["log", "log1p"] | None = None
    goalposts: tuple[float, float] | None = None
    target: float | None = None
    source: str | None = None
    derive: Derive | None = None

    @field_validator("description", mode="before")
    @classmethod
    def _desc(cls, v: object) -> object:
        return _bilingual(v)

    @model_validator(mode="before")
    @classmethod
    def _unit(cls, data: object) -> object:
        return _split_unit(data)

    @field_validator("id")
    @classmethod
    def _id(cls, v: str) -> str:
        if not ID_PATTERN.match(v):
            raise LocalValueError("v_id_pattern", node=v)
        return v

    @field_validator("weight")
    @classmethod
    def _weight(cls, v: float) -> float:
        return check_weight(v)

    @field_validator("goalposts")
    @classmethod
    def _goalposts(cls, v: tuple[float, float] | None) -> tuple[float, float] | None:
        if v is not None and not v[0] < v[1]:
            raise LocalValueError("v_goalposts_order", found=list(v))
        return v

    @model_validator(mode="after")
    def _shape(self) -> Node:
        if self.children is not None:
            if len(self.children) == 0:
                raise LocalValueError("v_empty_children", node=self.id)
            leaf_only = [
                k
                for k in (
                    "unit",
                    "direction",
                    "denominator",
                    "transform",
                    "goalposts",
                    "derive",
                    "display_unit",
                    "display_scale",
                )
                if getattr(self, k) is not None
            ]
            if leaf_only:
                raise LocalValueError("v_branch_leaf_fields", node=self.id, fields=leaf_only)
            if self.ahp is not None:
                k = len(self.children)
                if len(self.ahp) != k or any(len(row) != k for row in self.ahp):
                    raise LocalValueError("v_ahp_shape", node=self.id, k=k)
                for row in self.ahp:
                    for cell in row:
                        _parse_ratio(cell)
        else:
            if self.direction is None:
                raise LocalValueError("v_direction_needed", node=self.id)
            if self.ahp is not None or self.aggregate is not None:
                raise LocalValueError("v_leaf_branch_fields", node=self.id)
            if (
                self.display_unit is not None or self.display_scale is not None
            ) and self.denominator is None:
                raise LocalValueError("v_display_without_denominator", node=self.id)
            if self.transform == "log" and self.goalposts is not None and self.goalposts[0] <= 0:
                raise LocalValueError("v_log_goalposts", node=self.id, found=list(self.goalposts))
        return self

    def ahp_matrix(self) -> list[list[float]] | None:
        if self.ahp is None:
            return None
        return [[_parse_ratio(c) for c in row] for row in self.ahp]


class FrameworkFile(Node):
    auxiliary: list[Auxiliary] = Field(default_factory=list)
