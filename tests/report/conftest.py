"""Results folders of the shipped examples, written once per test session by ``write_results``
(the same call ``kaifang assess`` makes), for the report tests to read."""

from __future__ import annotations

from pathlib import Path

import pytest

import kaifang
from kaifang.assessment.results import Results
from kaifang.output import write_results

EXAMPLES = Path(__file__).parents[2] / "examples"


def _run(name: str) -> Results:
    return kaifang.load(EXAMPLES / name / "assessment.yaml").run()


@pytest.fixture(scope="session")
def guizhou_results() -> Results:
    return _run("guizhou")


@pytest.fixture(scope="session")
def china_results() -> Results:
    return _run("china_provinces")


@pytest.fixture(scope="session")
def guizhou_out(guizhou_results: Results, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_results(guizhou_results, tmp_path_factory.mktemp("gz") / "out", lang="zh")


@pytest.fixture(scope="session")
def china_out(china_results: Results, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_results(china_results, tmp_path_factory.mktemp("cn") / "out", lang="zh")


@pytest.fixture(scope="session")
def asem_out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_results(_run("asem"), tmp_path_factory.mktemp("asem") / "out", lang="en")
