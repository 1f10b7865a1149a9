"""The disparity report pages (zh, en): sections with charts and tables, escaped text, the
SIMULATED banner, and no internal ids in the Chinese page."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from kaifang.cli import app
from kaifang.report.disparity import build_page, read_folder, render_page

REPO = Path(__file__).resolve().parents[2]
COUNTIES = REPO / "examples" / "guizhou_counties" / "assessment.yaml"
runner = CliRunner()


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("counties") / "d"
    result = runner.invoke(app, ["disparity", str(COUNTIES), "-o", str(out), "--lang", "en"])
    assert result.exit_code == 0, result.output
    return out


def test_pages_have_every_section_with_its_table(folder: Path) -> None:
    for lang in ("zh", "en"):
        html = (folder / f"report_{lang}.html").read_text(encoding="utf-8")
        ids = re.findall(r'<section id="disparity-(\w+)">', html)
        assert ids == ["dagum", "dispersion", "beta", "kde", "markov", "moran", "obstacle"]
        for sid in ids:
            body = html.split(f'id="disparity-{sid}"')[1].split("</section>")[0]
            assert "<table>" in body  # each chart with its table
        # the LISA map of the 88 cells: one polygon per cell
        moran = html.split('id="disparity-moran"')[1].split("</section>")[0]
        assert moran.count("<polygon") == 88
    zh = (folder / "report_zh.html").read_text(encoding="utf-8")
    assert "模拟数据：非官方统计" in zh and "区域差异与动态演进" in zh
    for internal in ("cross_section", "panel_pooled", "panel_fe_unit", "spatial_sar"):
        assert internal not in zh
    assert "绝对β收敛（截面）" in zh


def test_numbers_on_the_page_are_those_of_the_csv(folder: Path) -> None:
    dagum = pd.read_csv(folder / "dagum.csv")
    html = (folder / "report_en.html").read_text(encoding="utf-8")
    last = dagum.iloc[-1]
    assert f'<td class="num">{last["gini"]:.4f}</td>' in html
    moran = pd.read_csv(folder / "moran.csv")
    assert f"{moran['i'].iloc[0]:.4f}" in html


def test_hostile_text_is_escaped(folder: Path) -> None:
    tables, _ = read_folder(folder)
    obstacle = tables["obstacle"].copy()
    obstacle["unit_en"] = "<script>alert(1)</script>"
    tables["obstacle"] = obstacle
    notes = [("<img src=x onerror=alert(1)>", "<b>注</b>")]
    html = render_page(build_page(tables, notes, True, "en"), "en")
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;" in html
    assert "<img src=x" not in html


def test_assess_report_has_the_disparity_sections(tmp_path: Path) -> None:
    out = tmp_path / "assess"
    result = runner.invoke(app, ["assess", str(COUNTIES), "-o", str(out), "--lang", "en"])
    assert result.exit_code == 0, result.output
    saved = out / "analyses" / "disparity"
    assert (saved / "dagum.csv").is_file() and (saved / "moran.csv").is_file()
    html = (out / "report.html").read_text(encoding="utf-8")
    assert 'id="disparity-moran"' in html and 'id="disparity-dagum"' in html
    # rebuilt from the folder alone, the sections and their numbers are the same
    (out / "report.html").unlink()
    result = runner.invoke(app, ["report", str(out), "--format", "html", "--lang", "en"])
    assert result.exit_code == 0, result.output
    rebuilt = (out / "report.html").read_text(encoding="utf-8")
    dagum = pd.read_csv(saved / "dagum.csv")
    assert f"{dagum['gini'].iloc[-1]:.4f}" in rebuilt
    assert rebuilt.count('id="disparity-') == html.count('id="disparity-')
