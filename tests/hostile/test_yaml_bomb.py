"""YAML that would expand or recurse without bound is refused with its file and line."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest
from hostile_inputs import FRAMEWORK, project, run_confined, yaml_bomb, yaml_deep

from kaifang.errors import InputError
from kaifang.yamlio import read_yaml

SRC = Path(__file__).resolve().parents[2] / "src" / "kaifang"


def _listing(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*"))


def test_billion_laughs_config_is_refused_by_assess(tmp_path: Path) -> None:
    work = tmp_path / "project"
    config = yaml_bomb(work)
    before = _listing(work)
    result = run_confined(
        ["assess", str(config), "-o", str(tmp_path / "out"), "--lang", "en"], work
    )
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    assert (
        f"{config}, row 2: YAML anchors and aliases (&name, *name) are not supported: "
        "found &l0 here; write the values out"
    ) in " ".join(result.stderr.split())
    assert not (tmp_path / "out").exists()
    assert _listing(work) == before


def test_billion_laughs_message_in_chinese(tmp_path: Path) -> None:
    config = yaml_bomb(tmp_path)
    result = run_confined(["check", str(config), "--lang", "zh"], tmp_path)
    assert result.returncode == 1
    text = "".join(result.stderr.split())
    assert "输入有误" in text
    assert f"{config}，第2行：不支持YAML锚点与别名" in text


def test_alias_in_framework_is_refused(tmp_path: Path) -> None:
    config = project(tmp_path)
    (tmp_path / "framework.yaml").write_text(
        FRAMEWORK.replace("unit: 100 million CNY\n    direction: 1\n  - id: trade",
                          "unit: &u 100 million CNY\n    direction: 1\n  - id: trade", 1)
        .replace("unit: 100 million CNY", "unit: *u"),
        encoding="utf-8",
    )  # fmt: skip
    result = run_confined(["check", str(config), "--lang", "en"], tmp_path)
    assert result.returncode == 1
    text = " ".join(result.stderr.split())
    assert f"{tmp_path / 'framework.yaml'}, row 6: YAML anchors and aliases" in text
    assert "found &u here" in text


def test_refusal_is_immediate_in_process(tmp_path: Path) -> None:
    config = yaml_bomb(tmp_path, levels=12)  # 9**12 leaves if followed
    start = time.perf_counter()
    with pytest.raises(InputError) as err:
        read_yaml(config)
    assert time.perf_counter() - start < 5  # generous: a followed alias would never finish
    (problem,) = err.value.problems
    assert (problem.key, problem.row, problem.params["name"]) == ("yaml_anchor", 2, "l0")


def test_deep_nesting_is_refused_not_a_crash(tmp_path: Path) -> None:
    config = yaml_deep(tmp_path)
    result = run_confined(["check", str(config), "--lang", "en"], tmp_path)
    assert result.returncode == 1, (result.returncode, result.stderr[-500:])
    assert f"{config}: YAML nested too deeply (more than 200 levels)" in result.stderr


def test_every_yaml_load_goes_through_read_yaml() -> None:
    """Only kaifang.yamlio parses YAML; anything else would bypass the anchor and size checks."""
    pattern = re.compile(
        r"yaml\.(load|safe_load|full_load|unsafe_load|compose|parse|scan)\b|yaml\.\w*Loader\("
    )
    offenders = [
        f"{path.relative_to(SRC)}:{n}"
        for path in SRC.rglob("*.py")
        if path.name != "yamlio.py"
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if pattern.search(line)
    ]
    assert offenders == []
