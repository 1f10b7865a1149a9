"""``kaifang disparity``: the contract files, numbers checked independently, bad blocks reported
with their YAML line, nothing written on failure."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml
from typer.testing import CliRunner

import kaifang
from kaifang.cli import app
from kaifang.methods.disparity import dagum_gini, gini

REPO = Path(__file__).resolve().parents[2]
CHINA = REPO / "examples" / "china_provinces" / "assessment.yaml"
GUIZHOU = REPO / "examples" / "guizhou" / "assessment.yaml"
runner = CliRunner()

CONTRACT = {
    "dagum.csv": ["year", "gini", "within", "between", "transvariation"],
    "theil.csv": ["year", "theil_t", "between", "within"],
    "sigma.csv": ["year", "sd_log", "cv"],
    "beta.csv": ["beta", "se", "lambda", "half_life"],
    "moran.csv": ["year", "i", "expected_i", "z", "p_norm", "p_sim"],
}


@pytest.fixture(scope="module")
def china_out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("cn") / "disparity"
    result = runner.invoke(app, ["disparity", str(CHINA), "-o", str(out), "--lang", "en"])
    assert result.exit_code == 0, result.output
    return out


def test_help_has_an_example() -> None:
    result = runner.invoke(app, ["disparity", "--help"])
    assert result.exit_code == 0 and "Example: kaifang disparity" in result.output


def test_china_contract_files(china_out: Path) -> None:
    for name, cols in CONTRACT.items():
        table = pd.read_csv(china_out / name)
        labels = [c for c in table.columns if c in ("model", "kind")]
        assert list(table.columns[len(labels) : len(labels) + len(cols)]) == cols, name
    dagum = pd.read_csv(china_out / "dagum.csv")
    assert dagum["year"].tolist() == list(range(2017, 2025))
    parts = dagum["within"] + dagum["between"] + dagum["transvariation"]
    np.testing.assert_allclose(parts, dagum["gini"], atol=1e-12)
    markov = pd.read_csv(china_out / "markov.csv")
    np.testing.assert_allclose(markov.filter(like="p_").sum(axis=1), 1.0)
    moran = pd.read_csv(china_out / "moran.csv")
    assert (moran["n"] == 31).all()
    np.testing.assert_allclose(moran["expected_i"], -1 / 30)
    record = json.loads((china_out / "run.json").read_text(encoding="utf-8"))
    assert any("Hainan" in note for note in record["notes_en"])
    assert not (china_out / "SIMULATED_DATA.txt").exists()
    assert not (china_out / "coupling.csv").exists()  # no subsystems named


def test_china_numbers_from_the_scores(china_out: Path) -> None:
    # recompute the Gini of the index from the assessment's own scores, by region
    results = kaifang.load(CHINA).run()
    scores = results.index()
    units = pd.read_csv(CHINA.parent / "units.csv", dtype={"code": str}).set_index("code")
    dagum = pd.read_csv(china_out / "dagum.csv").set_index("year")
    for year in (2017, 2024):
        y = scores[year].dropna()
        r = dagum_gini(y.to_numpy(), units.loc[y.index, "group"].to_numpy())
        assert dagum.at[year, "gini"] == pytest.approx(gini(y.to_numpy()), abs=1e-12)
        assert dagum.at[year, "between"] == pytest.approx(r.between, abs=1e-12)
    sigma = pd.read_csv(china_out / "sigma.csv").set_index("year")
    y = scores[2024].dropna().to_numpy()
    assert sigma.at[2024, "sd_log"] == pytest.approx(np.log(y).std())
    beta = pd.read_csv(china_out / "beta.csv").set_index("model")
    assert {"cross_section", "panel_pooled", "panel_fe_unit", "spatial_sar", "spatial_sem"} <= set(
        beta.index
    )
    sar = beta.loc["spatial_sar"]
    assert sar["direct"] + sar["indirect"] == pytest.approx(sar["total"])


def test_guizhou_coupling_obstacle_and_small_n(tmp_path: Path) -> None:
    out = tmp_path / "gz"
    result = runner.invoke(app, ["disparity", str(GUIZHOU), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "模拟数据" in result.output and "仅有9个地区" in result.output
    assert (out / "SIMULATED_DATA.txt").exists()
    coupling = pd.read_csv(out / "coupling.csv", dtype={"unit": str})
    assert len(coupling) == 9 * 9
    np.testing.assert_allclose(coupling["d"], np.sqrt(coupling["c"] * coupling["t"]))
    assert coupling["grade"].between(1, 10).all()
    assert set(coupling["grade_zh"]) <= {
        "极度失调",
        "严重失调",
        "中度失调",
        "轻度失调",
        "濒临失调",
        "勉强协调",
        "初级协调",
        "中级协调",
        "良好协调",
        "优质协调",
    }
    obstacle = pd.read_csv(out / "obstacle.csv", dtype={"unit": str})
    sums = obstacle.groupby(["unit", "year"])["obstacle"].sum()
    np.testing.assert_allclose(sums, 1.0)
    zunyi = obstacle[(obstacle["unit"] == "520300") & (obstacle["year"] == 2024)]
    assert zunyi["rank"].min() == 1
    record = json.loads((out / "run.json").read_text(encoding="utf-8"))
    assert record["simulated"] is True
    assert any("Only 9 units" in n for n in record["notes_en"])


# ------------------------------------------------------------------------ a hand-computed project
FRAMEWORK = {
    "id": "idx",
    "name": {"en": "Index", "zh": "指数"},
    "auxiliary": [
        {"id": "pop", "name": {"en": "Population", "zh": "人口"}},
        {"id": "grade", "name": {"en": "Grade", "zh": "等级"}},
    ],
    "children": [
        {
            "id": "p1",
            "name": {"en": "Pillar one", "zh": "支柱一"},
            "children": [
                {"id": "x1", "name": {"en": "X1", "zh": "指标一"}, "direction": 1},
                {"id": "x2", "name": {"en": "X2", "zh": "指标二"}, "direction": 1},
            ],
        },
        {
            "id": "p2",
            "name": {"en": "Pillar two", "zh": "支柱二"},
            "children": [{"id": "x3", "name": {"en": "X3", "zh": "指标三"}, "direction": 1}],
        },
    ],
}
VALUES = {"x1": (0, 50, 100), "x2": (100, 50, 0), "x3": (0, 100, 50)}


def project(tmp_path: Path, block: object) -> Path:
    """Units A, B, C; effective weights x1 .25, x2 .25, x3 .5; every year the same values:
    scores A 25, B 75, C 50 (min-max per year on 0..100 is the identity)."""
    (tmp_path / "framework.yaml").write_text(yaml.safe_dump(FRAMEWORK), encoding="utf-8")
    (tmp_path / "units.csv").write_text(
        "code,name_en,name_zh,level,group\n101,A,甲,county,east\n102,B,乙,county,west\n"
        "103,C,丙,county,west\n",
        encoding="utf-8",
    )
    rows = ["unit,year,indicator,value"]
    for year in range(2020, 2025):
        for k, u in enumerate(("101", "102", "103")):
            rows += [f"{u},{year},{i},{v[k]}" for i, v in VALUES.items()]
            rows.append(f"{u},{year},pop,{(100, 300, 600)[k]}")
            # a pre-binned grade 1..3 that moves up one class a year (3 wraps round to 1)
            rows.append(f"{u},{year},grade,{1 + (k + year) % 3}")
    (tmp_path / "data.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    config = {
        "title": "Disparity test",
        "framework": "framework.yaml",
        "units": "units.csv",
        "data": "data.csv",
        "steps": {
            "normalise": {"method": "minmax", "range": [0, 100]},
            "weight": {"method": "framework"},
            "aggregate": {"method": "arithmetic"},
        },
    }
    text = yaml.safe_dump(config) + yaml.safe_dump({"disparity": block})
    path = tmp_path / "assessment.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_hand_computed_obstacle_coupling_and_gini(tmp_path: Path) -> None:
    config = project(
        tmp_path,
        {
            "variable": {"node": "idx"},
            "groups": "group",
            "spatial": None,
            "coupling": {"subsystems": [{"node": "p1"}, {"node": "p2"}], "range": [0, 1]},
        },
    )
    out = tmp_path / "out"
    result = runner.invoke(app, ["disparity", str(config), "-o", str(out), "--lang", "en"])
    assert result.exit_code == 0, result.output
    ob = pd.read_csv(out / "obstacle.csv", dtype={"unit": str})
    a = ob[(ob["unit"] == "101") & (ob["year"] == 2024)].set_index("indicator")["obstacle"]
    # A: normalised (0, 1, 0), gaps .25, 0, .5 -> 1/3, 0, 2/3
    assert a.to_dict() == pytest.approx({"x1": 1 / 3, "x2": 0.0, "x3": 2 / 3})
    pillars = pd.read_csv(out / "obstacle_pillars.csv", dtype={"unit": str})
    pa = pillars[(pillars["unit"] == "101") & (pillars["year"] == 2024)].set_index("pillar")
    assert pa["obstacle"].to_dict() == pytest.approx({"p1": 1 / 3, "p2": 2 / 3})
    # coupling of p1 and p2: B has p1 = 0.5, p2 = 1: C = 2 sqrt(.5) / 1.5, T = .75
    cp = pd.read_csv(out / "coupling.csv", dtype={"unit": str})
    b = cp[(cp["unit"] == "102") & (cp["year"] == 2024)].iloc[0]
    assert b["c"] == pytest.approx(2 * np.sqrt(0.5) / 1.5)
    assert b["t"] == pytest.approx(0.75)
    assert b["d"] == pytest.approx(np.sqrt(b["c"] * 0.75))
    # scores 25, 75, 50: mean absolute difference over ordered pairs 2*(50+25+25)/9
    dagum = pd.read_csv(out / "dagum.csv").set_index("year")
    assert dagum.at[2024, "gini"] == pytest.approx(200 / (2 * 9 * 50))
    assert not (out / "moran.csv").read_text().strip().count("\n")  # header only: no map


def test_minimal_indicator_form(tmp_path: Path) -> None:
    config = project(tmp_path, {"variable": {"indicator": "pop"}})
    out = tmp_path / "out"
    result = runner.invoke(app, ["disparity", str(config), "-o", str(out), "--lang", "en"])
    assert result.exit_code == 0, result.output
    theil = pd.read_csv(out / "theil.csv").set_index("year")
    s = np.array([100, 300, 600]) / 1000
    assert theil.at[2024, "theil_t"] == pytest.approx(np.sum(s * np.log(3 * s)))
    assert "No map" in result.output


def test_prebinned_markov(tmp_path: Path) -> None:
    config = project(
        tmp_path, {"variable": {"indicator": "grade"}, "markov": {"classes": 3, "prebinned": True}}
    )
    out = tmp_path / "out"
    result = runner.invoke(app, ["disparity", str(config), "-o", str(out), "--lang", "en"])
    assert result.exit_code == 0, result.output
    markov = pd.read_csv(out / "markov.csv").set_index("from_class")
    # every move goes one class up: 1 -> 2, 2 -> 3, 3 -> 1; 3 units x 4 moves
    assert markov["n"].tolist() == [4, 4, 4]
    assert (markov.at[1, "p_2"], markov.at[2, "p_3"], markov.at[3, "p_1"]) == (1.0, 1.0, 1.0)
    bad = project(
        tmp_path, {"variable": {"indicator": "pop"}, "markov": {"classes": 3, "prebinned": True}}
    )
    result = runner.invoke(app, ["disparity", str(bad), "-o", str(out), "--lang", "en"])
    assert result.exit_code == 1
    assert "whole numbers 1..3; found 100" in " ".join(result.output.split())


@pytest.mark.parametrize(
    ("block", "expected"),
    [
        ({"variable": {"node": "idx"}, "groupz": "group"}, "disparity.groupz: unknown key"),
        ({"variable": {"node": "nope"}}, "'nope' is not a node"),
        ({"variable": {"node": "idx"}, "groups": "region"}, "no column 'region'"),
        ({"variable": {"node": "idx", "indicator": "x1"}}, "exactly one of"),
        ({"variable": {"indicator": "x1", "stage": "cooked"}}, "stage"),
        ({"variable": {"node": "idx"}, "spatial": {"weights": "distance"}}, "threshold"),
        (
            {"variable": {"node": "idx"}, "coupling": {"subsystems": [{"node": "p1"}]}},
            "at least 2",
        ),
    ],
)
def test_bad_blocks_name_file_and_line(tmp_path: Path, block: object, expected: str) -> None:
    config = project(tmp_path, block)
    out = tmp_path / "out"
    out.mkdir()
    (out / "keep.txt").write_text("previous results", encoding="utf-8")
    result = runner.invoke(app, ["disparity", str(config), "-o", str(out), "--lang", "en"])
    assert result.exit_code == 1, result.output
    text = " ".join(result.output.split())  # rich wraps long lines
    assert "Traceback" not in text
    assert expected in text
    assert "assessment.yaml, row" in text  # the YAML line of the key at fault
    assert (out / "keep.txt").exists()  # the previous results are untouched
    assert [p.name for p in out.iterdir()] == ["keep.txt"]


def test_no_block_and_usage_error(tmp_path: Path) -> None:
    shutil.copytree(REPO / "tests" / "fixtures" / "tiny", tmp_path / "tiny")
    result = runner.invoke(
        app, ["disparity", str(tmp_path / "tiny" / "assessment.yaml"), "-o", str(tmp_path / "o")]
    )
    assert result.exit_code == 1 and "disparity:" in " ".join(result.output.split())
    assert not (tmp_path / "o").exists()
    assert runner.invoke(app, ["disparity"]).exit_code == 2
