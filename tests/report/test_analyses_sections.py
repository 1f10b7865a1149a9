"""The analyses kaifang assess adds to the results folder (analyses/) and their report sections:
targets, weight scenarios, fund allocation, rank uncertainty."""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from kaifang.cli import app
from kaifang.report.build import build_reports
from kaifang.report.data import from_folder
from kaifang.report.html import render_html
from kaifang.report.pdf import write_pdf

EXAMPLES = Path(__file__).parents[2] / "examples"
SECTIONS = ("targets", "scenarios", "allocation", "sensitivity")
runner = CliRunner()


def _sections(html: str) -> set[str]:
    return {s for s in SECTIONS if f'<section id="{s}">' in html}


def _toc(html: str) -> set[str]:
    toc = html[html.index('<nav class="toc"') : html.index("</nav>")]
    return {s for s in SECTIONS if f'href="#{s}"' in toc}


def _html(folder: Path) -> str:
    return (folder / "report.html").read_text(encoding="utf-8")


def test_guizhou_has_every_section_and_its_tables(guizhou_out: Path) -> None:
    html = _html(guizhou_out)
    assert _sections(html) == set(SECTIONS)
    assert _toc(html) == set(SECTIONS)
    names = {p.name for p in (guizhou_out / "analyses").iterdir()}
    assert names == {
        "analyses.json",
        "targets.csv",
        "target_paths.csv",
        "scenario_summary.csv",
        "scenario_ranks.csv",
        "allocation.csv",
        "allocation_rule.csv",
        "rank_intervals.csv",
        "disparity",  # the disparity: block's tables (tests/report/test_disparity_page.py)
        "ledger",  # the ledger: block's ledger and evaluation (tests/ledger/test_ledger_report.py)
    }
    params = json.loads((guizhou_out / "analyses" / "analyses.json").read_text(encoding="utf-8"))
    # the report's uncertainty analysis: the default N of the report block, the block's seed
    assert params["sensitivity"]["runs"] == 200
    assert params["sensitivity"]["seed"] == 1
    assert "200 次蒙特卡洛模拟" in html  # N is stated in the section
    # one status badge per target row: 9 prefectures and the province total
    targets = pd.read_csv(guizhou_out / "analyses" / "targets.csv", dtype={"unit": str})
    assert len(targets) == 10
    assert html.count('<span class="status ') == 10
    for status in targets["status"]:
        assert status in {"on_track", "at_risk", "off_track"}
    assert html.count('<svg class="target"') == 10
    # one interval row per unit, sorted by nominal rank
    intervals = pd.read_csv(guizhou_out / "analyses" / "rank_intervals.csv", dtype={"unit": str})
    assert len(intervals) == 9
    assert intervals["nominal_rank"].is_monotonic_increasing
    assert (intervals["q05_rank"] <= intervals["median_rank"]).all()
    assert (intervals["median_rank"] <= intervals["q95_rank"]).all()


def test_allocation_table_in_the_report_sums_to_the_budget(guizhou_out: Path) -> None:
    html = _html(guizhou_out)
    rows = re.findall(r'<tr class="alloc-row">(.*?)</tr>', html, flags=re.S)
    assert len(rows) == 9
    finals = [
        int(re.findall(r'<td class="num">([-0-9,]+)</td>', r)[-1].replace(",", "")) for r in rows
    ]
    # the budget of examples/guizhou/assessment.yaml: 100,000,000 yuan
    assert sum(finals) == 100_000_000
    total = re.search(r'id="allocation-total">([0-9,]+)<', html)
    assert total is not None and total.group(1) == "100,000,000"
    assert 'class="check ok"' in html
    table = pd.read_csv(guizhou_out / "analyses" / "allocation.csv", dtype={"unit": str})
    units = table[table["unit"] != "TOTAL"]
    assert sorted(units["final"].astype(int).tolist()) == sorted(finals)
    # every amount is rounded to the rule's 10,000 yuan
    assert all(f % 10_000 == 0 for f in finals)


def test_scenarios_section_states_spearman_and_ranks(guizhou_out: Path) -> None:
    html = _html(guizhou_out)
    summary = pd.read_csv(guizhou_out / "analyses" / "scenario_summary.csv")
    assert len(summary) == 2
    section = html[html.index('<section id="scenarios">') : html.index('<section id="allocation">')]
    for rho in summary["spearman_rho"]:
        assert f"{rho:.3f}" in section
    for name in summary["name_zh"]:
        assert name in section
    # a row per unit in the rank comparison
    assert section.count("<tr><td>") >= 9 + 2


def test_asem_has_only_the_sensitivity_section(asem_out: Path) -> None:
    html = _html(asem_out)
    assert _sections(html) == {"sensitivity"}
    assert _toc(html) == {"sensitivity"}
    names = {p.name for p in (asem_out / "analyses").iterdir()}
    assert names == {"analyses.json", "rank_intervals.csv"}
    assert "N = 200 Monte Carlo runs" in html  # asem_out is written in English
    # 51 countries: one interval row each
    svg = html[html.index('<svg class="intervals"') :]
    svg = svg[: svg.index("</svg>")]
    assert svg.count("<polygon") == 51


def test_china_has_targets_only(china_out: Path) -> None:
    html = _html(china_out)
    assert _sections(html) == {"targets"}
    assert _toc(html) == {"targets"}
    assert "贵州省进出口总额2021-2025年翻番" in html
    targets = pd.read_csv(china_out / "analyses" / "targets.csv", dtype={"unit": str})
    assert targets["unit"].iloc[0] == "520000"


def test_report_from_the_folder_equals_the_report_of_assess(
    guizhou_out: Path, tmp_path: Path
) -> None:
    written = _html(guizhou_out)
    day = re.search(r"<span>[^<]*</span>(\d{4}-\d{2}-\d{2})</div>", written)
    assert day is not None
    today = dt.date.fromisoformat(day.group(1))
    build_reports(guizhou_out, ["html"], lang="zh", outdir=tmp_path, today=today)
    assert (tmp_path / "report.html").read_text(encoding="utf-8") == written


def test_sections_in_english_and_pdf(guizhou_out: Path, tmp_path: Path) -> None:
    data = from_folder(guizhou_out)
    html = render_html(data, "en", embed_font=False)
    assert _sections(html) == set(SECTIONS)
    for heading in ("Targets", "Weight scenarios", "Fund allocation", "Rank uncertainty"):
        assert heading in html
    assert "N = 200 Monte Carlo runs (seed 1)" in html
    pdf = tmp_path / "report.pdf"
    write_pdf(data, pdf, "en")
    assert pdf.stat().st_size > 10_000


@pytest.fixture()
def guizhou_copy(tmp_path: Path) -> Path:
    project = tmp_path / "guizhou"
    shutil.copytree(EXAMPLES / "guizhou", project)
    return project / "assessment.yaml"


def test_infeasible_allocation_fails_assess_and_writes_nothing(
    guizhou_copy: Path, tmp_path: Path
) -> None:
    text = guizhou_copy.read_text(encoding="utf-8")
    # nine floors of 20 million exceed the budget of 100 million: the rule cannot be met
    assert "  floor: 3000000\n" in text
    guizhou_copy.write_text(text.replace("  floor: 3000000\n", "  floor: 20000000\n"), "utf-8")
    out = tmp_path / "out"
    result = runner.invoke(app, ["assess", str(guizhou_copy), "-o", str(out), "--lang", "en"])
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    assert not out.exists()


def test_zero_samples_skips_the_uncertainty_analysis(guizhou_copy: Path, tmp_path: Path) -> None:
    text = guizhou_copy.read_text(encoding="utf-8")
    assert "\nreport:\n" in text
    guizhou_copy.write_text(
        text.replace("\nreport:\n", "\nreport:\n  sensitivity_samples: 0\n"), "utf-8"
    )
    out = tmp_path / "out"
    result = runner.invoke(app, ["assess", str(guizhou_copy), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert not (out / "analyses" / "rank_intervals.csv").exists()
    assert _sections(_html(out)) == {"targets", "scenarios", "allocation"}
