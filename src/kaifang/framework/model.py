"""The framework file (DESIGN 2.3) as validated pydantic models."""

from __future__ import annotations

import re
from fractions import Fraction
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

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


class Derive(Strict):
    growth: str | None = None
    """Year-on-year growth in percent of another series: 100 * (s_t / s_{t-1} - 1)."""


class Auxiliary(Strict):
    id: str
    name: Name
    unit: str | None = None
    source: str | None = None
    description: Name | None = None

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
            raise ValueError(f"not a number or a fraction like '1/3': {value!r}") from None
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
    unit: str | None = None
    direction: Literal[1, -1] | None = None
    denominator: str | None = None
    transform: Literal["log", "log1p"] | None = None
    goalposts: tuple[float, float] | None = None
    target: float | None = None
    source: str | None = None
    derive: Derive | None = None

    @field_validator("description", mode="before")
    @classmethod
    def _desc(cls, v: object) -> object:
        return _bilingual(v)

    @field_validator("id")
    @classmethod
    def _id(cls, v: str) -> str:
        if not ID_PATTERN.match(v):
            raise ValueError(
                f"id {v!r} must be snake_case: a letter, then letters, digits and _ only"
            )
        return v

    @field_validator("weight")
    @classmethod
    def _weight(cls, v: float) -> float:
        return check_weight(v)

    @field_validator("goalposts")
    @classmethod
    def _goalposts(cls, v: tuple[float, float] | None) -> tuple[float, float] | None:
        if v is not None and not v[0] < v[1]:
            raise ValueError(f"goalposts [min, max] need min < max; found {list(v)}")
        return v

    @model_validator(mode="after")
    def _shape(self) -> Node:
        if self.children is not None:
            if len(self.children) == 0:
                raise ValueError(
                    f"node {self.id!r} has an empty children list: give it children or make it "
                    "an indicator (remove 'children' and add unit and direction)"
                )
            leaf_only = [
                k
                for k in ("unit", "direction", "denominator", "transform", "goalposts", "derive")
                if getattr(self, k) is not None
            ]
            if leaf_only:
                raise ValueError(
                    f"node {self.id!r} has children, so it cannot have indicator fields {leaf_only}"
                )
            if self.ahp is not None:
                k = len(self.children)
                if len(self.ahp) != k or any(len(row) != k for row in self.ahp):
                    raise ValueError(
                        f"ahp matrix of node {self.id!r} must be {k} x {k} (one row and column per "
                        "child, in the children's order)"
                    )
                for row in self.ahp:
                    for cell in row:
                        _parse_ratio(cell)
        else:
            if self.direction is None:
                raise ValueError(
                    f"indicator {self.id!r} needs 'direction': 1 (more is better) or -1 "
                    "(less is better)"
                )
            if self.ahp is not None or self.aggregate is not None:
                raise ValueError(
                    f"indicator {self.id!r} has no children: 'ahp'/'aggregate' apply "
                    "to nodes with children"
                )
            if self.transform == "log" and self.goalposts is not None and self.goalposts[0] <= 0:
                raise ValueError(
                    f"indicator {self.id!r}: transform log needs positive goalposts; "
                    f"found {list(self.goalposts)}"
                )
        return self

    def ahp_matrix(self) -> list[list[float]] | None:
        if self.ahp is None:
            return None
        return [[_parse_ratio(c) for c in row] for row in self.ahp]


class FrameworkFile(Node):
    auxiliary: list[Auxiliary] = Field(default_factory=list)
