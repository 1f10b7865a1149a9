"""Weights that overflow (1e308, inf, nan): refused with a clear message in the framework, in
weight scenarios (--set and the config's block), and in Assessment.with_weights, the what-if of
the dashboard; never all-null scores with rank 1 and rho = nan."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest
from fastapi.testclient import TestClient
from hostile_cli import copy_tiny, kaifang

import kaifang as kf
from kaifang.errors import KaifangError
from kaifang.framework.model import MAX_WEIGHT
from kaifang.web import Dashboard, create_app


def set_pillar_weight(config: Path, text: str) -> None:
    framework = config.parent / "framework.yaml"
    source = framework.read_text(encoding="utf-8")
    assert "    weight: 2\n" in source
    framework.write_text(source.replace("    weight: 2\n", f"    weight: {text}\n"), "utf-8")


@pytest.mark.parametrize("text", ["1e308", "1.0e+13", ".inf", ".nan", "-1", "0"])
def test_a_framework_weight_that_overflows_is_refused_with_its_line(
    tmp_path: Path, text: str
) -> None:
    config = copy_tiny(tmp_path)
    set_pillar_weight(config, text)
    for verb in ("check", "assess"):
        args = [verb, str(config), "--lang", "en"]
        if verb == "assess":
            args += ["-o", str(tmp_path / "out")]
        result = kaifang(*args)
        assert result.returncode == 1, result.text
        assert "framework.yaml" in result.text and "weight" in result.text
        assert "row 11" in result.text  # the line of `weight:` in the file
    assert not (tmp_path / "out").exists()


def test_the_largest_weight_allowed_still_gives_finite_scores(tmp_path: Path) -> None:
    config = copy_tiny(tmp_path)
    set_pillar_weight(config, f"{MAX_WEIGHT:g}")
    results = kf.load(config).run()
    assert np.isfinite(results.scores["score"].to_numpy(float)).all()
    result = kaifang("assess", str(config), "-o", str(tmp_path / "out"), "--lang", "en")
    assert result.returncode == 0, result.text
    assert (tmp_path / "out" / "results.xlsx").is_file()


@pytest.mark.parametrize("weight", [1e308, math.inf, math.nan, 1.01 * MAX_WEIGHT, 0.0, -2.0])
def test_with_weights_refuses_what_would_overflow(tiny_config: Path, weight: float) -> None:
    with pytest.raises(KaifangError, match="weights must be positive numbers, at most 1e"):
        kf.load(tiny_config).with_weights({"p1": weight})


def test_with_weights_accepts_the_boundary(tiny_config: Path) -> None:
    scores = kf.load(tiny_config).with_weights({"p1": MAX_WEIGHT}).run().scores
    assert np.isfinite(scores["score"].to_numpy(float)).all()


@pytest.mark.parametrize("expr", ["weight.p1=1e308", "weight.p*=1e308x", "share.x1=1e308x"])
def test_a_set_scenario_that_overflows_is_refused(tmp_path: Path, expr: str) -> None:
    config = copy_tiny(tmp_path)
    result = kaifang(
        "scenario", str(config), "--set", expr, "-o", str(tmp_path / "sc"), "--lang", "en"
    )
    assert result.returncode == 1, result.text
    # a weight beyond the bound, or a share pushed past the whole index: refused either way
    assert any(m in result.text for m in ("weights must", "not usable", "it must stay below 1")), (
        result.text
    )
    assert "nan" not in result.stdout
    assert not (tmp_path / "sc").exists()


def test_a_config_scenario_that_overflows_is_refused(tmp_path: Path) -> None:
    config = copy_tiny(tmp_path)
    config.write_text(
        config.read_text(encoding="utf-8")
        + "scenarios:\n  items:\n    - id: huge\n      changes:\n"
        + "        - {node: p1, multiply: 1.0e+308}\n",
        encoding="utf-8",
    )
    result = kaifang("scenario", str(config), "-o", str(tmp_path / "sc"), "--lang", "en")
    assert result.returncode == 1, result.text
    assert "weight.p1 x1e+308" in result.text and "not usable" in result.text


def test_the_dashboard_what_if_gets_the_same_refusal(tiny_config: Path) -> None:
    with TestClient(create_app(Dashboard.open(tiny_config)), base_url="http://127.0.0.1") as client:
        refused = client.post("/api/whatif", json={"weights": {"p1": 1e308}})
        assert refused.status_code == 422
        assert "at most 1e+12" in refused.json()["detail"]
        fine = client.post("/api/whatif", json={"weights": {"p1": 3}})
        assert fine.status_code == 200
        assert all(row["score"] is not None for row in fine.json()["rows"])
