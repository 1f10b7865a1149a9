"""Framework validation: each mistake gives a clear message with the file and line."""

from __future__ import annotations

from pathlib import Path

import pytest

from kaifang.errors import InputError
from kaifang.framework import load_framework

GOOD = """\
id: root
name: {en: Root, zh: 根}
auxiliary:
  - id: pop
    name: {en: Population, zh: 人口}
children:
  - id: a
    name: {en: A, zh: 甲}
    weight: 2
    children:
      - id: x1
        name: {en: X1, zh: 乙}
        unit: t
        direction: 1
        denominator: pop
      - id: x2
        name: {en: X2, zh: 丙}
        unit: t
        direction: -1
        goalposts: [1, 5]
  - id: x3
    name: {en: X3, zh: 丁}
    unit: t
    direction: 1
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "framework.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def problems(tmp_path: Path, text: str) -> list[str]:
    with pytest.raises(InputError) as info:
        load_framework(write(tmp_path, text))
    return [str(p) for p in info.value.problems]


def test_good_framework(tmp_path: Path) -> None:
    fw = load_framework(write(tmp_path, GOOD))
    assert fw.indicators == ["x1", "x2", "x3"]
    assert fw.branches == ["root", "a"]
    assert fw["x1"].level == 2 and fw["x3"].level == 1  # branches of different depths
    assert fw.series == ["x1", "x2", "x3", "pop"]
    assert fw.name("a", "zh") == "甲"
    assert [n.id for n in fw.bottom_up()] == ["a", "root"]
    assert fw.leaves_under("root") == ["x1", "x2", "x3"]


@pytest.mark.parametrize(
    ("change", "fragments"),
    [
        (("id: x2", "id: x1"), ["duplicate id 'x1'", "row 16"]),
        (("denominator: pop", "denominator: people"), ["denominator 'people'", "row 15"]),
        (("direction: -1", "direction: 2"), ["direction", "1 or -1", "row 19"]),
        (("goalposts: [1, 5]", "goalposts: [5, 1]"), ["min < max", "row 20"]),
        (("weight: 2", "weight: 0"), ["weight", "greater than 0", "row 9"]),
        (("weight: 2", "weight: -1"), ["weight", "row 9"]),
        (("weight: 2", "wieght: 2"), ["wieght", "unknown key", "row 9"]),
        (("id: x3", "id: x-3"), ["snake_case"]),
        (("id: x3", "id: 3x"), ["snake_case"]),
        (("    direction: 1\n", "    unit: t\n"), ["needs 'direction'"]),
        (("{en: A, zh: 甲}", "{en: A}"), ["zh", "missing"]),
        (("denominator: pop", "denominator: x1"), ["own denominator"]),
    ],
)
def test_framework_mistakes(tmp_path: Path, change: tuple[str, str], fragments: list[str]) -> None:
    text = (
        GOOD.replace(*change, 1)
        if change[0] != "    direction: 1\n"
        else GOOD.replace("    unit: t\n    direction: 1\n", "    unit: t\n", 1).replace(
            "  - id: x3\n    name: {en: X3, zh: 丁}\n    unit: t\n    direction: 1\n",
            "  - id: x3\n    name: {en: X3, zh: 丁}\n    unit: t\n",
        )
    )
    found = "\n".join(problems(tmp_path, text))
    for fragment in fragments:
        assert fragment in found, found
    assert "framework.yaml" in found


def test_empty_branch(tmp_path: Path) -> None:
    text = GOOD + "  - id: empty\n    name: {en: E, zh: 空}\n    children: []\n"
    found = "\n".join(problems(tmp_path, text))
    assert "empty children list" in found and "'empty'" in found


def test_yaml_syntax_error_names_line(tmp_path: Path) -> None:
    text = GOOD.replace("name: {en: X1, zh: 乙}", "name: {en: X1, zh: 乙")
    found = "\n".join(problems(tmp_path, text))
    assert "YAML syntax error" in found and "row" in found


def test_duplicate_key_is_an_error(tmp_path: Path) -> None:
    text = GOOD.replace("    weight: 2\n", "    weight: 2\n    weight: 3\n")
    found = "\n".join(problems(tmp_path, text))
    assert "duplicate key 'weight'" in found


def test_all_problems_reported_together(tmp_path: Path) -> None:
    text = GOOD.replace("direction: -1", "direction: 0").replace("weight: 2", "weight: 0")
    assert len(problems(tmp_path, text)) == 2


def test_ahp_matrix_shape(tmp_path: Path) -> None:
    text = GOOD.replace("    weight: 2\n", "    weight: 2\n    ahp: [[1, 3], ['1/3', 1], [1, 1]]\n")
    found = "\n".join(problems(tmp_path, text))
    assert "2 x 2" in found
    ok = GOOD.replace("    weight: 2\n", "    weight: 2\n    ahp: [[1, 3], ['1/3', 1]]\n")
    fw = load_framework(write(tmp_path, ok))
    assert fw["a"].node.ahp_matrix() == [[1.0, 3.0], [1 / 3, 1.0]]


def test_log_transform_needs_positive_goalposts(tmp_path: Path) -> None:
    text = GOOD.replace("goalposts: [1, 5]", "goalposts: [0, 5]\n        transform: log")
    assert "positive goalposts" in "\n".join(problems(tmp_path, text))
