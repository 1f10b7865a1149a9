"""Run the documents' examples (pytest --doctest-glob='*.md', see scripts/docs.sh) from the
repository root, so that paths such as examples/asem/assessment.yaml work as written, with a
``kaifang_cli`` helper that runs the command line as a user would and returns its exit code."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parent.parent


def kaifang_cli(*args: str) -> int:
    """Run ``kaifang ARGS...`` in a fresh process (output discarded) and return its exit code."""
    code = "from kaifang.cli import main; main()"
    env = {**os.environ, "COLUMNS": "100"}
    done = subprocess.run(
        [sys.executable, "-c", code, *args],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    return done.returncode


@pytest.fixture(autouse=True)
def _doc_namespace(
    doctest_namespace: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(REPO)
    doctest_namespace["kaifang_cli"] = kaifang_cli
    doctest_namespace["tmp"] = tmp_path
