"""The command line: exit codes, files written, nothing written on bad input."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from kaifang.cli import app

runner = CliRunner()
TINY = Path(__file__).parent / "fixtures" / "tiny"


def copy_tiny(tmp_path: Path) -> Path:
    target = tmp_path / "tiny"
    shutil.copytree(TINY, target)
    return target / "assessment.yaml"


def test_assess_writes_design_files(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = runner.invoke(
        app, ["assess", str(TINY / "assessment.yaml"), "-o", str(out), "--lang", "en"]
    )
    assert result.exit_code == 0, result.output
    for name in (
        "scores.csv",
        "weights.csv",
        "run.json",
        "results.xlsx",
        "imputed.csv",
        "treated.csv",
    ):
        assert (out / name).is_file(), name
    for stage in ("raw", "denominated", "imputed", "normalised", "aggregated"):
        assert (out / "stages" / f"{stage}.csv").is_file()
    scores = pd.read_csv(out / "scores.csv")
    assert list(scores.columns) == ["unit", "year", "node", "level", "score", "rank"]
    weights = pd.read_csv(out / "weights.csv")
    assert list(weights.columns) == ["node", "parent", "weight", "effective_weight"]
    record = json.loads((out / "run.json").read_text(encoding="utf-8"))
    assert record["data_hash_sha256"] and record["packages"]["numpy"]
    assert [s["step"] for s in record["steps"]] == [
        "denominate",
        "impute",
        "normalise",
        "weight",
        "aggregate",
    ]
    assert record["config"]["steps"]["normalise"]["range"] == [0.0, 100.0]
    sheets = pd.ExcelFile(out / "results.xlsx").sheet_names
    assert sheets == [
        "Level 0",
        "Level 1",
        "Level 2",
        "Raw data",
        "Denominated",
        "Weights",
        "Methods",
    ]
    assert "Unit three" in result.output  # the ranking table uses unit names


def test_assess_zh_labels(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = runner.invoke(
        app, ["assess", str(TINY / "assessment.yaml"), "-o", str(out), "--lang", "zh"]
    )
    assert result.exit_code == 0, result.output
    assert "丙地" in result.output and "排名" in result.output
    assert pd.ExcelFile(out / "results.xlsx").sheet_names[0] == "第0层"


def test_rerun_replaces_output(tmp_path: Path) -> None:
    out = tmp_path / "out"
    for _ in range(2):
        result = runner.invoke(app, ["assess", str(TINY / "assessment.yaml"), "-o", str(out)])
        assert result.exit_code == 0, result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_bad_input_exit_1_and_nothing_written(tmp_path: Path) -> None:
    config = copy_tiny(tmp_path)
    data = config.parent / "data.csv"
    data.write_text(data.read_text().replace("U2,2020,x1,20", "U2,2020,x1,twenty"))
    out = tmp_path / "out"
    result = runner.invoke(app, ["assess", str(config), "-o", str(out)])
    assert result.exit_code == 1
    assert "twenty" in result.output and "data.csv" in result.output
    assert "Traceback" not in result.output
    assert not out.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["tiny"]


def test_bad_input_keeps_previous_results(tmp_path: Path) -> None:
    config = copy_tiny(tmp_path)
    out = tmp_path / "out"
    assert runner.invoke(app, ["assess", str(config), "-o", str(out)]).exit_code == 0
    before = (out / "scores.csv").read_bytes()
    fw = config.parent / "framework.yaml"
    fw.write_text(fw.read_text().replace("direction: -1", "direction: -2"))
    result = runner.invoke(app, ["assess", str(config), "-o", str(out)])
    assert result.exit_code == 1
    assert (out / "scores.csv").read_bytes() == before


def test_step_error_is_clean(tmp_path: Path) -> None:
    config = copy_tiny(tmp_path)
    config.write_text(config.read_text().replace("{method: arithmetic}", "{method: geometric}"))
    result = runner.invoke(app, ["assess", str(config), "-o", str(tmp_path / "out")])
    assert result.exit_code == 1
    assert "geometric" in result.output and "Traceback" not in result.output
    assert not (tmp_path / "out").exists()


def test_check(tmp_path: Path) -> None:
    ok = runner.invoke(app, ["check", str(TINY / "assessment.yaml"), "--lang", "en"])
    assert ok.exit_code == 0 and "All clear" in ok.output
    config = copy_tiny(tmp_path)
    config.write_text(config.read_text().replace("method: minmax", "methd: minmax"))
    bad = runner.invoke(app, ["check", str(config)])
    assert bad.exit_code == 1 and "methd" in bad.output


def test_usage_errors_exit_2() -> None:
    assert runner.invoke(app, ["assess"]).exit_code == 2
    assert runner.invoke(app, ["frobnicate"]).exit_code == 2
    assert (
        runner.invoke(app, ["assess", str(TINY / "assessment.yaml"), "--lang", "fr"]).exit_code == 2
    )


@pytest.mark.parametrize("verb", ["assess", "check", "init"])
def test_help_has_example(verb: str) -> None:
    result = runner.invoke(app, [verb, "--help"])
    assert result.exit_code == 0
    assert "Example: kaifang" in result.output


def test_init_then_fill_then_assess(tmp_path: Path) -> None:
    project = tmp_path / "proj"
    result = runner.invoke(app, ["init", str(project), "--lang", "en"])
    assert result.exit_code == 0, result.output
    names = sorted(p.name for p in project.iterdir())
    assert names == ["assessment.yaml", "data_template.xlsx", "framework.yaml", "units.csv"]
    book = pd.ExcelFile(project / "data_template.xlsx")
    assert book.sheet_names == ["data", "indicators", "units"]
    indicators = pd.read_excel(book, "indicators")
    assert "进口整体通关时间" in indicators["name_zh"].tolist()
    # empty template: check says which series have no data
    empty = runner.invoke(app, ["check", str(project / "assessment.yaml"), "--lang", "en"])
    assert empty.exit_code == 1
    # fill the template as a user would, then assess
    template = pd.read_excel(book, "data")
    units = pd.read_csv(project / "units.csv", dtype=str)["code"].tolist()
    rows = []
    for k, unit in enumerate(units):
        for year in (2022, 2023):
            row = {"unit": unit, "year": year}
            for j, col in enumerate(template.columns[2:]):
                row[col] = 10 + k * (j + 1) + (year - 2022)
            rows.append(row)
    with pd.ExcelWriter(project / "data_template.xlsx") as writer:
        pd.DataFrame(rows, columns=template.columns).to_excel(
            writer, sheet_name="data", index=False
        )
    out = tmp_path / "out"
    done = runner.invoke(app, ["assess", str(project / "assessment.yaml"), "-o", str(out)])
    assert done.exit_code == 0, done.output
    assert (out / "scores.csv").is_file()


def test_init_refuses_non_empty(tmp_path: Path) -> None:
    (tmp_path / "x.txt").write_text("keep me")
    result = runner.invoke(app, ["init", str(tmp_path)])
    assert result.exit_code == 1
    assert (tmp_path / "x.txt").read_text() == "keep me"


def test_schema_validates_example(tmp_path: Path) -> None:
    import jsonschema
    import yaml

    out = tmp_path / "framework.schema.json"
    result = runner.invoke(app, ["schema", "framework", "-o", str(out)])
    assert result.exit_code == 0, result.output
    schema = json.loads(out.read_text(encoding="utf-8"))
    example = yaml.safe_load((TINY / "framework.yaml").read_text(encoding="utf-8"))
    jsonschema.validate(example, schema)
    bad = dict(example, children=[dict(example["children"][0], wieght=2)])
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(bad, schema)
    assert runner.invoke(app, ["schema", "nonsense"]).exit_code == 2
