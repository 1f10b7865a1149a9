"""The ``sensitivity:`` block of an assessment config: which inputs are uncertain and how.

Three kinds of uncertain input, told apart by their keys::

    sensitivity:
      node: index            # output node (default: the root)
      year: 2018             # output year (default: the latest)
      seed: 1
      inputs:
        # a choice among variants of one pipeline step; each option updates the nominal
        # step's parameters (keys not given keep their nominal values; null skips the step)
        - {name: winmax, step: treat, parameter: winmax, values: [1, 2, 3, 4, 5]}
        - name: normalisation
          step: normalise
          options:
            - {method: minmax, range: [1, 100]}
            - {method: zscore, mean: 10, sd: 2}
        - {name: aggregation, step: aggregate, parameter: method, values: [arithmetic, geometric]}
        - {name: entropy_shift, step: weight, parameter: delta, values: [0.0001, 0.01]}
        # noise on the weights of the nodes at chosen levels: w * (1 + U(-a, a))
        - {name: weights, noise: {1: 0.25, 2: 0.25}}
        # leave one indicator out at a time ("all", or a list of indicator ids)
        - {name: drop, drop_indicator: all}

Levels are counted as everywhere in kaifang: the root is level 0, its children level 1, ...
COINr counts from the indicators up (level 1 = indicators), so for COINr's ASEM example
(indicators, pillars, sub-indices, index) COINr's level 2 (pillars) is our level 2 and COINr's
level 3 (sub-indices) is our level 1: in general ``ours = depth + 1 - coinr`` with
``depth`` = 3 for ASEM. Noise on the weights of level L perturbs the weights that combine the
level-L nodes into their parents.

Discrete choices are uniform over their options (COINr's ``Type = "discrete"``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Discriminator, Field, Tag, model_validator

from kaifang.assessment.config import config_block
from kaifang.problem_messages import LocalValueError

__all__ = [
    "DropInput",
    "SensitivitySpec",
    "StepInput",
    "WeightNoiseInput",
    "load_spec",
]

VARIED_STEPS = ("impute", "treat", "normalise", "weight", "aggregate")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class StepInput(_Strict):
    """A choice among variants of one pipeline step (uniform over the variants).

    Either ``options`` (a list of parameter mappings, ``null`` = skip the step) or the shorthand
    ``parameter`` + ``values`` (one parameter takes each value in turn).
    """

    name: str | None = None
    step: Literal["impute", "treat", "normalise", "weight", "aggregate"]
    options: list[dict[str, Any] | None] | None = None
    parameter: str | None = None
    values: list[Any] | None = None

    @model_validator(mode="after")
    def _one_form(self) -> StepInput:
        if (self.options is None) == (self.parameter is None):
            raise LocalValueError("v_options_or_parameter")
        if self.parameter is not None and not self.values:
            raise LocalValueError("v_values_needed", parameter=self.parameter)
        if self.options is not None and not self.options:
            raise LocalValueError("v_options_empty")
        return self

    @property
    def label(self) -> str:
        if self.name:
            return self.name
        return f"{self.step}.{self.parameter}" if self.parameter else self.step

    def variants(self) -> list[dict[str, Any] | None]:
        """Parameter updates of the nominal step, one per option."""
        if self.options is not None:
            return list(self.options)
        assert self.parameter is not None and self.values is not None
        return [{self.parameter: v} for v in self.values]

    def option_labels(self) -> list[str]:
        if self.parameter is not None:
            assert self.values is not None
            return [str(v) for v in self.values]
        out = []
        for opt in self.variants():
            if opt is None:
                out.append("skip")
            else:
                out.append(", ".join(f"{k}={_short(v)}" for k, v in opt.items()))
        return out


class WeightNoiseInput(_Strict):
    """Multiplicative noise on the weights of every node at the given levels (root = 0).

    .. math:: \\tilde w_j = w_j \\, (1 + u_j), \\qquad u_j \\sim U(-a_L, a_L)

    drawn independently for every node j at level L, as COINr's ``get_noisy_weights``.
    """

    name: str | None = None
    noise: dict[int, Annotated[float, Field(gt=0, lt=1)]]
    draws: Annotated[int, Field(ge=2)] = 1000

    @model_validator(mode="after")
    def _levels(self) -> WeightNoiseInput:
        if not self.noise:
            raise LocalValueError("v_noise_levels_needed")
        if any(level < 1 for level in self.noise):
            raise LocalValueError("v_noise_level_root")
        return self

    @property
    def label(self) -> str:
        return self.name or "weights"


class DropInput(_Strict):
    """Leave one indicator out at a time (uniform over the indicators listed, and over
    "none dropped" when ``keep_all`` is true)."""

    name: str | None = None
    drop_indicator: Literal["all"] | list[str]
    keep_all: bool = True

    @property
    def label(self) -> str:
        return self.name or "drop_indicator"


def _kind(value: Any) -> str:
    if isinstance(value, WeightNoiseInput):
        return "noise"
    if isinstance(value, DropInput):
        return "drop"
    if isinstance(value, dict):
        if "noise" in value:
            return "noise"
        if "drop_indicator" in value:
            return "drop"
    return "step"


UncertainInput = Annotated[
    Annotated[StepInput, Tag("step")]
    | Annotated[WeightNoiseInput, Tag("noise")]
    | Annotated[DropInput, Tag("drop")],
    Discriminator(_kind),
]


class SensitivitySpec(_Strict):
    """The validated ``sensitivity:`` block."""

    node: str | None = None
    year: int | None = None
    samples: Annotated[int, Field(ge=2)] = 500
    seed: int = 1
    chunk: Annotated[int, Field(ge=1)] | None = None
    bootstrap: Annotated[int, Field(ge=10)] = 500
    conf_level: Annotated[float, Field(gt=0, lt=1)] = 0.95
    inputs: Annotated[list[UncertainInput], Field(min_length=1)]

    @model_validator(mode="after")
    def _unique_names(self) -> SensitivitySpec:
        labels = [i.label for i in self.inputs]
        dup = sorted({x for x in labels if labels.count(x) > 1})
        if dup:
            raise LocalValueError("v_input_names_unique", dup=dup)
        return self

    @property
    def labels(self) -> list[str]:
        return [i.label for i in self.inputs]


def _short(value: Any) -> str:
    if isinstance(value, list | tuple):
        return "[" + ",".join(_short(v) for v in value) + "]"
    return str(value)


def load_spec(config_path: str | Path) -> SensitivitySpec | None:
    """The ``sensitivity:`` block of ``config_path`` (mistakes reported with their YAML
    lines), or ``None`` when the config has none."""
    return config_block(Path(config_path), "sensitivity", SensitivitySpec)


STEP_WORDS = {
    "impute": {"zh": "缺失值插补方法", "en": "imputation method"},
    "treat": {"zh": "异常值处理", "en": "outlier treatment"},
    "normalise": {"zh": "标准化方法", "en": "normalisation method"},
    "weight": {"zh": "权重方法", "en": "weighting method"},
    "aggregate": {"zh": "加总方法", "en": "aggregation method"},
}


def describe_input(value: StepInput | WeightNoiseInput | DropInput, lang: str) -> str:
    """An uncertain input in words, for a report caption (no ids in the Chinese text)."""
    zh = lang == "zh"
    if isinstance(value, WeightNoiseInput):
        levels = "、".join(str(k) for k in sorted(value.noise))
        spread = "、".join(f"±{100 * a:g}%" for _, a in sorted(value.noise.items()))
        if zh:
            return f"第{levels}层权重随机扰动（{spread}）"
        return f"noise on the weights of level {levels} ({spread})"
    if isinstance(value, DropInput):
        n = "全部" if value.drop_indicator == "all" else f"{len(value.drop_indicator)} 个"
        if zh:
            return f"逐一剔除指标（{n}指标轮流剔除）"
        count = "every" if value.drop_indicator == "all" else f"{len(value.drop_indicator)}"
        return f"leaving out one indicator at a time ({count} indicators in turn)"
    what = STEP_WORDS[value.step]["zh" if zh else "en"]
    k = len(value.variants())
    if value.parameter is not None:
        if zh:
            return f"{what}参数（{k} 个取值）"
        return f"{what} parameter {value.parameter} ({k} values)"
    return f"{what}（{k} 种方案）" if zh else f"{what} ({k} variants)"
