"""``kaifang platform ledger-import`` and ``ledger-department``: a good file is loaded, a bad
one is refused with the file loader's messages (file, line) and changes nothing (SQLite and
PostgreSQL)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from ledger_support import LEDGER
from platform_support import GUIZHOU
from sqlalchemy import func, select
from typer.testing import CliRunner

from kaifang.cli import app
from kaifang.platform.instance import Platform
from kaifang.platform.ledger import store
from kaifang.platform.ledger.models import LedgerMeasure, LedgerReport, UserDepartment
from kaifang.platform.models import AuditEntry

runner = CliRunner()


def _copy(tmp_path: Path, old: str = "", new: str = "") -> Path:
    """The Guizhou ledger with its assessment path made absolute and ``old`` replaced once."""
    text = LEDGER.read_text(encoding="utf-8")
    text = text.replace("assessment: assessment.yaml", f"assessment: {GUIZHOU / 'assessment.yaml'}")
    if old:
        assert old in text
        text = text.replace(old, new, 1)
    path = tmp_path / "ledger.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def _counts(platform: Platform) -> tuple[int, int, int]:
    with platform.read() as session:
        return (
            session.scalar(select(func.count()).select_from(LedgerMeasure)) or 0,
            session.scalar(select(func.count()).select_from(LedgerReport)) or 0,
            session.scalar(select(func.count()).select_from(AuditEntry)) or 0,
        )


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            "start: 2024-03-01\n        deadline: 2025-06-30",
            "start: 2024-03-01\n        deadline: 2023-06-30",
            r"ledger\.yaml, row 117: .*deadline 2023-06-30 is before start 2024-03-01",
        ),
        ("due: 2025-03-31}", "due: 2026-03-31}", "outside the measure's span"),
        ("{indicator: trade_rcep_share}", "{indicator: no_such_indicator}", "no_such_indicator"),
    ],
)
def test_a_bad_file_changes_nothing(
    platform: Platform, tmp_path: Path, old: str, new: str, message: str
) -> None:
    before = _counts(platform)
    result = runner.invoke(
        app,
        [
            "platform",
            "ledger-import",
            str(platform.folder),
            str(_copy(tmp_path, old, new)),
            "--lang",
            "en",
        ],
    )
    assert result.exit_code == 1, result.output
    assert re.search(message, " ".join(result.output.split())), result.output
    assert "Traceback" not in result.output
    assert _counts(platform) == before
    with platform.read() as session:
        assert not store.has_ledger(session)


def test_import_then_departments(platform: Platform, tmp_path: Path) -> None:
    path = _copy(tmp_path)
    result = runner.invoke(
        app, ["platform", "ledger-import", str(platform.folder), str(path), "--lang", "en"]
    )
    assert result.exit_code == 0, result.output
    assert "20 measures" in result.output and "SIMULATED" in result.output
    measures, reports, _ = _counts(platform)
    assert (measures, reports) == (20, 47)
    again = runner.invoke(
        app, ["platform", "ledger-import", str(platform.folder), str(path), "--lang", "zh"]
    )
    assert again.exit_code == 1 and "已有任务台账" in again.output
    assert _counts(platform)[:2] == (20, 47)
    ok = runner.invoke(
        app, ["platform", "ledger-department", str(platform.folder), "filler_gy", "customs"]
    )
    assert ok.exit_code == 0, ok.output
    bad = runner.invoke(
        app,
        [
            "platform",
            "ledger-department",
            str(platform.folder),
            "filler_gy",
            "nope",
            "--lang",
            "en",
        ],
    )
    assert bad.exit_code == 1 and "Unknown department: nope" in bad.output
    with platform.read() as session:
        rows = list(session.scalars(select(UserDepartment)))
        assert [r.department_id for r in rows] == ["customs"]
    usage = runner.invoke(app, ["platform", "ledger-import", str(platform.folder)])
    assert usage.exit_code == 2
