"""Shared by the hostile CLI tests: a copy of the tiny project, and the CLI run as a user runs
it: in this process through its click group (what `kaifang` runs), or in a process of its own
where a test needs one (SIGKILL)."""

from __future__ import annotations

import os
import shutil
import subprocess
from contextlib import chdir
from dataclasses import dataclass
from pathlib import Path

from typer.testing import CliRunner

from kaifang.cli import app

TESTS = Path(__file__).resolve().parent.parent
TINY = TESTS / "fixtures" / "tiny"
SRC = TESTS.parent / "src"


def copy_tiny(folder: Path) -> Path:
    """A writable copy of the tiny project; returns its assessment.yaml."""
    target = folder / "tiny"
    shutil.copytree(TINY, target)
    return target / "assessment.yaml"


def env() -> dict[str, str]:
    """The environment of a child process: this worktree's package first on the path."""
    paths = [str(SRC), *filter(None, os.environ.get("PYTHONPATH", "").split(os.pathsep))]
    return {**os.environ, "PYTHONPATH": os.pathsep.join(paths), "COLUMNS": "100"}


@dataclass(frozen=True)
class Run:
    returncode: int
    stdout: str
    stderr: str

    @property
    def text(self) -> str:
        """stdout and stderr with rich's line wrapping undone."""
        return " ".join((self.stdout + " " + self.stderr).split())


def kaifang(*args: str, cwd: Path | None = None) -> Run:
    """``kaifang ARGS``: exit code, stdout and stderr as the user sees them (100 columns)."""
    runner = CliRunner()
    with chdir(cwd or Path.cwd()):
        result = runner.invoke(app, list(args), env={"COLUMNS": "100"})
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception  # a traceback the user would have seen
    return Run(result.exit_code, result.stdout, result.stderr)


def kaifang_process(*args: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    """``kaifang ARGS`` in a new process (with the entry point's own main)."""
    import sys

    code = "import sys; from kaifang.cli import main; sys.argv[0] = 'kaifang'; main()"
    return subprocess.run(
        [sys.executable, "-c", code, *args],
        capture_output=True,
        text=True,
        env=env(),
        timeout=timeout,
    )
