"""The sensitivity: block model: the three kinds of input, and mistakes reported with lines."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from kaifang.errors import InputError
from kaifang.sensitivity.spec import (
    DropInput,
    SensitivitySpec,
    StepInput,
    WeightNoiseInput,
    load_spec,
)

REPO = Path(__file__).resolve().parents[2]


def test_asem_block_is_the_coinr_vignette() -> None:
    spec = load_spec(REPO / "examples" / "asem" / "assessment.yaml")
    assert spec is not None
    assert spec.labels == ["winmax", "normalisation", "weights", "aggregation"]
    winmax, norm, weights, aggregation = spec.inputs
    assert isinstance(winmax, StepInput) and winmax.variants() == [
        {"winmax": v} for v in range(1, 6)
    ]
    assert isinstance(norm, StepInput) and norm.option_labels() == [
        "method=minmax, range=[1,100]",
        "method=zscore, mean=10, sd=2",
    ]
    # COINr levels 2 (pillars) and 3 (sub-indices) are our levels 2 and 1
    assert isinstance(weights, WeightNoiseInput) and weights.noise == {1: 0.25, 2: 0.25}
    assert isinstance(aggregation, StepInput) and aggregation.step == "aggregate"


def test_kinds_are_told_apart_by_their_keys() -> None:
    spec = SensitivitySpec.model_validate(
        {
            "inputs": [
                {"step": "impute", "options": [None, {"method": "mean"}]},
                {"noise": {1: 0.1}},
                {"drop_indicator": ["a", "b"], "keep_all": False},
            ]
        }
    )
    kinds = [type(i) for i in spec.inputs]
    assert kinds == [StepInput, WeightNoiseInput, DropInput]
    assert spec.labels == ["impute", "weights", "drop_indicator"]
    assert spec.inputs[0].option_labels() == ["skip", "method=mean"]  # type: ignore[union-attr]
    # the spec serialises back without warnings about the union
    assert spec.model_dump(mode="json")["inputs"][1]["noise"] == {"1": 0.1}


@pytest.mark.parametrize(
    "bad",
    [
        {"inputs": []},
        {"inputs": [{"step": "treat"}]},  # neither options nor parameter
        {"inputs": [{"step": "treat", "parameter": "winmax", "values": [1], "options": [{}]}]},
        {"inputs": [{"step": "treat", "parameter": "winmax", "values": []}]},
        {"inputs": [{"step": "colour", "options": [{}]}]},
        {"inputs": [{"noise": {0: 0.2}}]},  # the root has no siblings
        {"inputs": [{"noise": {1: 1.5}}]},  # a >= 1 could make a weight negative
        {"inputs": [{"noise": {1: 0.2}}, {"noise": {2: 0.2}}]},  # two inputs named "weights"
        {"inputs": [{"noise": {1: 0.2}, "spread": 3}]},  # unknown key
        {"samples": 1, "inputs": [{"noise": {1: 0.2}}]},
    ],
)
def test_mistakes_are_refused(bad: dict[str, object]) -> None:
    with pytest.raises(ValidationError):
        SensitivitySpec.model_validate(bad)


def test_mistake_is_reported_with_its_yaml_line(tmp_path: Path) -> None:
    config = tmp_path / "assessment.yaml"
    config.write_text(
        "title: t\nframework: f.yaml\ndata: d.csv\n"
        "sensitivity:\n"
        "  inputs:\n"
        "    - {step: treat, parameter: winmax, values: [1, 2]}\n"
        "    - {noise: {1: 0.25}, spred: 2}\n",
        encoding="utf-8",
    )
    with pytest.raises(InputError) as info:
        load_spec(config)
    text = str(info.value)
    assert "row 7" in text and "unknown key" in text


def test_absent_block_is_none(tmp_path: Path) -> None:
    config = tmp_path / "assessment.yaml"
    config.write_text("title: t\nframework: f.yaml\ndata: d.csv\n", encoding="utf-8")
    assert load_spec(config) is None
