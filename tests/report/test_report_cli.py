"""``kaifang report``: formats, output folder, exit codes, all or nothing."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kaifang.cli import app
from kaifang.errors import KaifangError

runner = CliRunner()
TINY = Path(__file__).parents[1] / "fixtures" / "tiny"


def test_help_shows_example() -> None:
    result = runner.invoke(app, ["report", "--help"])
    assert result.exit_code == 0
    assert "Example: kaifang report out/guizhou --format html,pdf" in result.output


def test_html_and_xlsx_into_another_folder(guizhou_out: Path, tmp_path: Path) -> None:
    out = tmp_path / "reports"
    result = runner.invoke(
        app, ["report", str(guizhou_out), "--format", "html,xlsx", "-o", str(out), "--lang", "en"]
    )
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == ["report.html", "results.xlsx"]
    html = (out / "report.html").read_text(encoding="utf-8")
    assert '<html lang="en">' in html and "Guiyang" in html


def test_unknown_format_is_a_usage_error(guizhou_out: Path) -> None:
    result = runner.invoke(app, ["report", str(guizhou_out), "--format", "html,docx"])
    assert result.exit_code == 2
    assert "docx" in result.output


def test_not_a_results_folder(tmp_path: Path) -> None:
    result = runner.invoke(app, ["report", str(tmp_path), "--format", "html"])
    assert result.exit_code == 1
    said = " ".join(result.output.split())  # rich wraps long lines
    assert "not a results" in said and "kaifang assess" in said
    result = runner.invoke(app, ["report", str(tmp_path / "missing"), "--format", "html"])
    assert result.exit_code == 1
    assert "Traceback" not in result.output


def test_folder_of_an_older_kaifang(guizhou_out: Path, tmp_path: Path) -> None:
    old = tmp_path / "old"
    shutil.copytree(guizhou_out, old)
    (old / "framework.json").unlink()
    result = runner.invoke(app, ["report", str(old), "--format", "html"])
    assert result.exit_code == 1
    assert "framework.json" in "".join(result.output.split())


def test_all_or_nothing(guizhou_out: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "gz"
    shutil.copytree(guizhou_out, folder)
    before = (folder / "report.html").read_bytes()

    def broken(*args: object, **kwargs: object) -> None:
        raise KaifangError("PDF engine broke")

    monkeypatch.setattr("kaifang.report.pdf.write_pdf", broken)
    result = runner.invoke(app, ["report", str(folder), "--format", "html,pdf,xlsx"])
    assert result.exit_code == 1
    assert "PDF engine broke" in result.output
    # the html written before the failure never replaced the old one; no temporary left
    assert (folder / "report.html").read_bytes() == before
    assert not (folder / "report.pdf").exists()
    assert not [p for p in folder.iterdir() if p.name.startswith(".report.")]


def test_assess_writes_report_and_rebuild_inputs(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = runner.invoke(app, ["assess", str(TINY / "assessment.yaml"), "-o", str(out)])
    assert result.exit_code == 0, result.output
    for name in ("report.html", "framework.json", "units.csv"):
        assert (out / name).is_file(), name
    assert not (out / "map.geojson").exists()  # the tiny config names no map
    result = runner.invoke(app, ["report", str(out), "--format", "html,xlsx"])
    assert result.exit_code == 0, result.output


def test_missing_map_fails_assess_and_writes_nothing(tmp_path: Path) -> None:
    project = tmp_path / "tiny"
    shutil.copytree(TINY, project)
    config = project / "assessment.yaml"
    config.write_text(
        config.read_text(encoding="utf-8") + "report:\n  geojson: geo/missing.geojson\n",
        encoding="utf-8",
    )
    out = tmp_path / "out"
    result = runner.invoke(app, ["assess", str(config), "-o", str(out)])
    assert result.exit_code == 1
    assert "missing.geojson" in "".join(result.output.split())  # rich wraps long lines
    assert not out.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["tiny"]
