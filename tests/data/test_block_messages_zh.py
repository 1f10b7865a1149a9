"""The analysis blocks of assessment.yaml told in Chinese: a mistake in ``targets:``,
``scenarios:``, ``allocation:``, ``sensitivity:`` or ``disparity:`` is reported under
``--lang zh`` in Chinese (not as 取值无效 around an English sentence), with its YAML line, and the
message holds no English words except the YAML keys the user typed (as in the bad-input corpus).
"""

from __future__ import annotations

import importlib.util
import re
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kaifang.cli import app
from kaifang.problem_messages import render_message

HERE = Path(__file__).parent
TINY = HERE.parent / "fixtures" / "tiny"

_spec = importlib.util.spec_from_file_location("bad_corpus_zh", HERE / "test_bad_corpus_zh.py")
assert _spec is not None and _spec.loader is not None
_zh = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_zh)
english_words = _zh.english_words
words_in = _zh._words_in

# name: (command, block appended to the tiny assessment.yaml, catalogue key and parameters,
#        line of the block text the problem is reported at (1 = its first line))
CASES: dict[str, tuple[str, str, str, dict[str, str], int]] = {
    "targets_multiple_and_level": (
        "targets",
        "targets:\n  items:\n    - id: t1\n      indicator: x1\n      base_year: 2020\n"
        "      multiple: 2.0\n      level: 30\n      target_year: 2025\n",
        "v_multiple_or_level",
        {},
        3,
    ),
    "scenario_share_not_below_one": (
        "scenario",
        "scenarios:\n  items:\n    - id: s1\n      changes:\n"
        "        - {node: x1, kind: share, set: 1.5}\n",
        "v_share_below_one",
        {"found": "1.5"},
        5,
    ),
    "allocation_factor_weights": (
        "allocate",
        "allocation:\n  budget: 1000000\n  base:\n    share: 1\n    factors:\n"
        "      - {factor: equal, weight: 0.5}\n      - {factor: x1, weight: 0.3}\n",
        "v_factor_weights_sum",
        {"found": "0.8"},
        2,  # a problem of the whole mapping is reported at its first key
    ),
    "sensitivity_empty_values": (
        "sensitivity",
        "sensitivity:\n  inputs:\n    - {step: treat, parameter: winmax, values: []}\n",
        "v_values_needed",
        {"parameter": "winmax"},
        3,
    ),
    "disparity_node_and_indicator": (
        "disparity",
        "disparity:\n  variable: {node: idx, indicator: x1}\n  groups: group\n",
        "v_node_or_indicator",
        {},
        2,
    ),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_block_problem_is_told_in_chinese(tmp_path: Path, case: str) -> None:
    command, block, key, params, block_line = CASES[case]
    work = tmp_path / "project"
    shutil.copytree(TINY, work)
    config = work / "assessment.yaml"
    text = config.read_text(encoding="utf-8")
    config.write_text(text + block, encoding="utf-8")
    expected_line = len(text.splitlines()) + block_line
    out = tmp_path / "out"
    args = [command, str(config), "--lang", "zh"]
    if command != "targets":
        args += ["-o", str(out)]

    result = CliRunner().invoke(app, args)

    assert result.exit_code == 1, result.output
    output = " ".join(result.output.split())  # the console wraps long lines
    assert "输入有误" in output, output
    zh_text = render_message(key, "zh", params)
    assert zh_text in output, output
    assert render_message(key, "en", params) not in output
    assert "取值无效" not in output
    assert f"第 {expected_line} 行" in output, output
    lines = [" ".join(x.split()) for x in result.output.split("•")[1:]]
    assert lines, result.output
    allowed = words_in([config])  # YAML keys and ids the user typed may be quoted back
    for line in lines:
        assert re.search(r"[\u4e00-\u9fff]", line), line
        assert english_words(line, allowed) == [], line
    assert not out.exists()


def test_english_text_is_unchanged() -> None:
    # the English of the converted validators is the text users and tests already match
    assert render_message("v_multiple_or_level", "en", {}) == (
        "give exactly one of 'multiple' (2.0 = doubling) or 'level'"
    )
    assert render_message("v_noise_levels_needed", "en", {}) == (
        "'noise' needs at least one level: {level: a}, e.g. {2: 0.25}"
    )
    assert render_message("v_factor_weights_sum", "en", {"found": "0.8"}) == (
        "base.factors weights must sum to 1; found 0.8"
    )
