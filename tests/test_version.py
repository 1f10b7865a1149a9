"""One version, from pyproject.toml through the installed metadata to run.json and the changelog."""

from __future__ import annotations

import importlib.metadata
import re
import tomllib
from pathlib import Path

import kaifang

REPO = Path(__file__).resolve().parent.parent
SEMVER = re.compile(r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-[0-9A-Za-z.-]+)?$")


def _pyproject_version() -> str:
    with (REPO / "pyproject.toml").open("rb") as f:
        return str(tomllib.load(f)["project"]["version"])


def test_version_is_the_installed_metadata() -> None:
    assert kaifang.__version__ == importlib.metadata.version("kaifang")


def test_pyproject_version_is_semantic() -> None:
    assert SEMVER.match(_pyproject_version())


def test_changelog_names_the_current_version_first() -> None:
    text = (REPO / "CHANGELOG.md").read_text(encoding="utf-8")
    releases = re.findall(r"^## \[(\d+\.\d+\.\d+[^\]]*)\] - \d{4}-\d{2}-\d{2}$", text, re.MULTILINE)
    assert releases, "CHANGELOG.md has no '## [x.y.z] - YYYY-MM-DD' release heading"
    assert releases[0] == _pyproject_version()


def test_run_json_records_the_version(tmp_path: Path) -> None:
    (tmp_path / "framework.yaml").write_text(
        "id: index\nname: {en: Index, zh: 指数}\nchildren:\n"
        "  - {id: a, name: {en: A, zh: 甲}, unit: '%', direction: 1}\n"
        "  - {id: b, name: {en: B, zh: 乙}, unit: '%', direction: -1}\n",
        encoding="utf-8",
    )
    (tmp_path / "units.csv").write_text(
        "code,name_en,name_zh,level\nX,Ex,艾克斯,region\nY,Why,歪,region\n", encoding="utf-8"
    )
    (tmp_path / "data.csv").write_text("unit,year,a,b\nX,2024,1,3\nY,2024,2,1\n", encoding="utf-8")
    (tmp_path / "assessment.yaml").write_text(
        "title: Version check\nframework: framework.yaml\nunits: units.csv\ndata: data.csv\n"
        "steps:\n  normalise: {method: minmax}\n  aggregate: {method: arithmetic}\n",
        encoding="utf-8",
    )
    results = kaifang.load(tmp_path / "assessment.yaml").run()
    assert results.record["kaifang_version"] == kaifang.__version__


def test_unknown_attribute_is_still_an_error() -> None:
    assert not hasattr(kaifang, "no_such_attribute")
