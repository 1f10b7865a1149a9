"""Assessment config validation: unknown keys and bad values are errors with lines."""

from __future__ import annotations

from pathlib import Path

import pytest

import kaifang
from kaifang.assessment.config import load_config
from kaifang.errors import InputError

TINY = Path(__file__).parent.parent / "fixtures" / "tiny"


def config_problems(tmp_path: Path, text: str) -> str:
    path = tmp_path / "assessment.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as info:
        load_config(path)
    return str(info.value)


BASE = (TINY / "assessment.yaml").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("change", "fragments"),
    [
        (
            ("normalise: {method: minmax", "normalise: {methd: minmax"),
            ["methd", "unknown key", "row 8"],
        ),
        (("method: minmax", "method: min_max"), ["min_max", "row 8"]),
        (("range: [0, 100]", "range: [100, 0]"), ["lo < hi"]),
        (("aggregate: {method: arithmetic}", "aggregate: {method: power}"), ["needs the exponent"]),
        (("impute: {method: mean}", "impute: {method: group_mean}"), ["'by'"]),
        (("steps:", "stepz:"), ["stepz", "unknown key"]),
        (("reference: per_year", "reference: base_year"), ["base_year"]),
    ],
)
def test_config_mistakes(tmp_path: Path, change: tuple[str, str], fragments: list[str]) -> None:
    found = config_problems(tmp_path, BASE.replace(*change))
    for fragment in fragments:
        assert fragment in found, found
    assert "assessment.yaml" in found


def test_missing_files_listed_together(tmp_path: Path) -> None:
    path = tmp_path / "assessment.yaml"
    text = BASE.replace("framework: framework.yaml", f"framework: {TINY / 'framework.yaml'}")
    text = text.replace("units: units.csv", "units: nowhere.csv").replace(
        "data: data.csv", "data: [nothing.csv, {path: nothing2.xlsx}]"
    )
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as info:
        kaifang.load(path)
    msg = str(info.value)
    assert "nothing.csv" in msg and "nothing2.xlsx" in msg and "nowhere.csv" in msg


def test_override_of_unknown_indicator(tmp_path: Path) -> None:
    for name in ("framework.yaml", "units.csv", "data.csv"):
        (tmp_path / name).write_bytes((TINY / name).read_bytes())
    text = BASE.replace(
        "reference: per_year}", "reference: per_year, overrides: {x9: {method: rank}}}"
    )
    (tmp_path / "assessment.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(InputError, match="'x9' is not an indicator"):
        kaifang.load(tmp_path / "assessment.yaml")
