"""The ledger in the assessment's report: the progress section (HTML and PDF, zh and en), the
officials' sheet of results.xlsx, rebuilt by ``kaifang report`` from the folder alone.

The expected numbers are those of the tiny ledger worked by hand in conftest.py, on 2024-12-31:
reported: a and b on track, c at risk, top without a report; derived: a on track, b delayed (its
own doubling target is off track for unit 102), c delayed (milestone m2 due 2024-09-30 still
open: 92 days overdue), top delayed (its worst child). Reminders (quarterly, due 15 days after a
quarter, listed 30 days ahead): a and b lack 2024Q1-Q3 (due 04-15, 07-15, 10-15: 260, 169 and 77
days overdue), c lacks Q1, Q2 and Q4 (due 2025-01-15: due, not overdue).
"""

from __future__ import annotations

import re
import subprocess
from collections.abc import Callable
from dataclasses import replace
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import yaml
from typer.testing import CliRunner

import kaifang
from kaifang.cli import app
from kaifang.ledger import evaluate_ledger
from kaifang.ledger.excel import CHECK_COLUMNS, OFFICIAL_COLUMNS, OFFICIAL_SHEET
from kaifang.ledger.load import Ledger, flatten
from kaifang.ledger.model import LedgerFile
from kaifang.ledger.saved import LedgerProgress
from kaifang.output import write_results
from kaifang.report.build import build_reports
from kaifang.report.data import from_folder
from kaifang.report.html import render_html
from kaifang.report.ledger_section import build_section, period_text
from kaifang.report.zhtext import stray_in_html

runner = CliRunner()


class Tables(HTMLParser):
    """The tables (by class) and the text of the ledger section of a report page."""

    def __init__(self) -> None:
        super().__init__()
        self.depth = 0  # inside <section id="ledger">
        self.svg = 0
        self.tables: dict[str, list[list[str]]] = {}
        self.current: list[list[str]] | None = None
        self.cell: list[str] | None = None
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "section" and a.get("id") == "ledger":
            self.depth = 1
            return
        if not self.depth:
            return
        if tag == "section":
            self.depth += 1
        if tag == "svg":
            self.svg += 1
        if tag == "table":
            self.current = self.tables.setdefault(str(a.get("class")), [])
        elif tag == "tr" and self.current is not None:
            self.current.append([])
        elif tag in ("td", "th"):
            self.cell = []

    def handle_endtag(self, tag: str) -> None:
        if not self.depth:
            return
        if tag == "section":
            self.depth -= 1
        elif tag == "svg":
            self.svg -= 1
        elif tag == "table":
            self.current = None
        elif tag in ("td", "th") and self.cell is not None and self.current is not None:
            self.current[-1].append("".join(self.cell).strip())
            self.cell = None

    def handle_data(self, data: str) -> None:
        if not self.depth:
            return
        if self.cell is not None:
            self.cell.append(data)
        if not self.svg:
            self.text.append(data)


def ledger_part(html: str) -> Tables:
    parser = Tables()
    parser.feed(html)
    return parser


def section_html(html: str) -> str:
    m = re.search(r'<section id="ledger".*?</section>', html, flags=re.S)
    assert m is not None
    return m.group(0)


def add_block(path: Path, block: Any = "ledger.yaml") -> Path:
    config = path.parent / "assessment.yaml"
    data = yaml.safe_load(config.read_text(encoding="utf-8"))
    data["ledger"] = block
    config.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return config


@pytest.fixture
def assessed(ledger_project: Callable[..., Path], tmp_path: Path) -> Callable[..., Path]:
    """Run ``kaifang assess`` on the tiny project with a ledger block; the results folder."""

    def run(ledger: dict[str, Any] | None = None, lang: str = "zh") -> Path:
        config = add_block(ledger_project(ledger))
        out = tmp_path / f"out_{lang}"
        result = runner.invoke(app, ["assess", str(config), "-o", str(out), "--lang", lang])
        assert result.exit_code == 0, result.output
        return out

    return run


ZH_COUNTS = [
    ["状态", "填报", "核验"],
    ["未启动", "0", "0"],
    ["按计划推进", "2", "1"],
    ["存在风险", "1", "0"],
    ["滞后", "0", "3"],
    ["已完成", "0", "0"],
    ["未填报", "1", "—"],
    ["合计", "4", "4"],
]
ZH_REMINDERS = [
    ["牵头单位", "任务", "报告期", "报送截止", "状态"],
    ["商务厅", "1.1 甲任务", "2024年第一季度", "2024-04-15", "逾期260天"],
    ["商务厅", "1.1 甲任务", "2024年第二季度", "2024-07-15", "逾期169天"],
    ["商务厅", "1.1 甲任务", "2024年第三季度", "2024-10-15", "逾期77天"],
    ["发展改革委", "1.2 乙任务", "2024年第一季度", "2024-04-15", "逾期260天"],
    ["发展改革委", "1.2 乙任务", "2024年第二季度", "2024-07-15", "逾期169天"],
    ["发展改革委", "1.2 乙任务", "2024年第三季度", "2024-10-15", "逾期77天"],
    ["发展改革委", "1.3 丙任务", "2024年第一季度", "2024-04-15", "逾期260天"],
    ["发展改革委", "1.3 丙任务", "2024年第二季度", "2024-07-15", "逾期169天"],
    ["发展改革委", "1.3 丙任务", "2024年第四季度", "2025-01-15", "待报"],
]


def test_the_zh_section_shows_the_hand_worked_numbers(assessed: Callable[..., Path]) -> None:
    out = assessed()
    html = (out / "report.html").read_text(encoding="utf-8")
    part = ledger_part(html)
    assert part.tables["ledger-counts"] == ZH_COUNTS
    assert part.tables["ledger-flagged"] == [
        ["序号", "任务", "牵头单位", "填报", "核验", "不一致提示"],
        [
            "1.2",
            "乙任务",
            "发展改革委",
            "按计划推进",
            "滞后",
            "填报为按计划推进，但指标“进出口总额”明显滞后",
        ],
        [
            "1.3",
            "丙任务",
            "发展改革委",
            "存在风险",
            "滞后",
            "填报为存在风险，但1个里程碑逾期：平台建成",
        ],
    ]
    assert part.tables["ledger-overdue"] == [
        ["序号", "任务", "里程碑", "到期日", "逾期天数"],
        ["1.3", "丙任务", "平台建成", "2024-09-30", "92"],
    ]
    assert part.tables["ledger-reminders"] == ZH_REMINDERS
    assert part.tables["ledger-measures"] == [
        ["序号", "任务", "牵头单位", "开始日期", "完成时限", "最近进展", "核验"],
        ["1", "外贸倍增", "商务厅", "2024-01-01", "2027-12-31", "", "滞后"],
        [
            "1.1",
            "甲任务",
            "商务厅",
            "2024-01-01",
            "2027-12-31",
            "2024年第四季度 50% 按计划推进",
            "按计划推进",
        ],
        [
            "1.2",
            "乙任务",
            "发展改革委",
            "2024-01-01",
            "2027-12-31",
            "2024年第四季度 40% 按计划推进",
            "滞后",
        ],
        [
            "1.3",
            "丙任务",
            "发展改革委",
            "2024-01-01",
            "2027-12-31",
            "2024年第三季度 30% 存在风险",
            "滞后",
        ],
    ]
    text = "".join(part.text)
    assert "测试台账：共4项任务，状态核验日期为2024-12-31。" in text
    assert "4项任务中3项已填报" in text
    assert "模拟数据" not in text  # this ledger's progress is not simulated
    # the timeline: one bar per measure in the colour of its derived status
    gantt = re.search(r'<svg[^>]*class="gantt".*?</svg>', section_html(html), flags=re.S)
    assert gantt is not None
    fills = re.findall(
        r'<rect x="[^"]*" y="[^"]*" width="[^"]*" height="[^"]*" rx="3" fill="(#\w+)"',
        gantt.group(0),
    )
    assert fills == ["#c0392b", "#5b8db8", "#c0392b", "#c0392b"]
    # Chinese throughout (the other sections are checked by tests/report/test_zh_outputs.py)
    assert stray_in_html(section_html(html)) == []
    assert '<a href="#ledger">任务台账进展</a>' in html


def test_the_en_section(assessed: Callable[..., Path]) -> None:
    html = (assessed(lang="en") / "report.html").read_text(encoding="utf-8")
    part = ledger_part(html)
    assert part.tables["ledger-counts"][1:] == [
        ["not started", "0", "0"],
        ["on track", "2", "1"],
        ["at risk", "1", "0"],
        ["delayed", "0", "3"],
        ["done", "0", "0"],
        ["No report", "1", "—"],
        ["Total", "4", "4"],
    ]
    flagged = part.tables["ledger-flagged"]
    assert [r[0] for r in flagged[1:]] == ["1.2", "1.3"]
    assert flagged[1][-1] == "reported on track, indicator Trade off track"
    assert flagged[2][-1] == "reported at risk, 1 milestone(s) overdue: Platform built"
    assert part.tables["ledger-reminders"][1] == [
        "Commerce",
        "1.1 Task A",
        "2024Q1",
        "2024-04-15",
        "260 days overdue",
    ]
    assert part.tables["ledger-reminders"][-1][-1] == "due"
    assert "Test ledger: 4 measures, their status as of 2024-12-31." in "".join(part.text)


def test_simulated_progress_is_labelled(
    assessed: Callable[..., Path], ledger_data: dict[str, Any]
) -> None:
    ledger_data["simulated_progress"] = True
    out = assessed(ledger_data)
    text = "".join(ledger_part((out / "report.html").read_text(encoding="utf-8")).text)
    assert "模拟数据：进展填报为示例生成，并非真实工作进展" in text
    book = openpyxl.load_workbook(out / "results.xlsx", read_only=True)
    assert book[OFFICIAL_SHEET]["A1"].value == "测试台账（进展为模拟数据）"


def test_the_pdf_has_the_section(assessed: Callable[..., Path], tmp_path: Path) -> None:
    out = assessed()
    [pdf] = build_reports(out, ["pdf"], lang="zh", outdir=tmp_path / "pdf")
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, check=True, text=True
    ).stdout
    flat = re.sub(r"\s+", "", text)
    for expected in (
        "任务台账进展",
        "填报状态与核验状态",
        "填报为按计划推进，但指标“进出口总额”明显滞后",
        "逾期里程碑",
        "平台建成2024-09-3092",
        "2024年第一季度2024-04-15逾期260天",
        "时间进度",
    ):
        assert expected in flat, expected


def test_results_xlsx_sheet_read_back_equals_the_ledger(assessed: Callable[..., Path]) -> None:
    out = assessed()
    book = openpyxl.load_workbook(out / "results.xlsx", read_only=True)
    rows = [list(r) for r in book[OFFICIAL_SHEET].iter_rows(values_only=True)]
    assert rows[0][0] == "测试台账"
    assert rows[1] == OFFICIAL_COLUMNS + CHECK_COLUMNS
    official = [r[: len(OFFICIAL_COLUMNS)] for r in rows[2:]]
    # from the ledger file as written (conftest.ledger_dict), not from the evaluation
    assert official == [
        ["1", "外贸倍增", "商务厅", "", "2027年12月31日", "", ""],
        [
            "1.1",
            "　甲任务",
            "商务厅",
            "发展改革委",
            "2027年12月31日",
            "2024Q4（完成50%）",
            "按计划推进",
        ],
        [
            "1.2",
            "　乙任务",
            "发展改革委",
            "",
            "2027年12月31日",
            "2024Q4（完成40%）：进展顺利",
            "按计划推进",
        ],
        ["1.3", "　丙任务", "发展改革委", "", "2027年12月31日", "2024Q3（完成30%）", "存在风险"],
    ]
    assert [r[7] for r in rows[2:]] == ["滞后", "按计划推进", "滞后", "滞后"]


def test_kaifang_report_rebuilds_the_same_section_from_the_folder_alone(
    assessed: Callable[..., Path], tmp_path: Path
) -> None:
    out = assessed()
    project = out.parent
    (project / "ledger.yaml").unlink()
    (project / "assessment.yaml").unlink()
    again = tmp_path / "again"
    result = runner.invoke(
        app, ["report", str(out), "--format", "html,xlsx", "-o", str(again), "--lang", "zh"]
    )
    assert result.exit_code == 0, result.output
    first = (out / "report.html").read_text(encoding="utf-8")
    second = (again / "report.html").read_text(encoding="utf-8")
    assert section_html(second) == section_html(first)

    def sheet(path: Path) -> list[tuple[Any, ...]]:
        book = openpyxl.load_workbook(path, read_only=True)
        return list(book[OFFICIAL_SHEET].iter_rows(values_only=True))

    assert sheet(again / "results.xlsx") == sheet(out / "results.xlsx")


def test_hostile_names_are_escaped(
    assessed: Callable[..., Path], ledger_data: dict[str, Any]
) -> None:
    evil = '<script>alert("x")</script>&'
    ledger_data["departments"][1]["name"] = {"zh": "<img src=x onerror=alert(1)>", "en": evil}
    child = ledger_data["measures"][0]["children"][2]
    child["name"] = {"zh": f"=HYPERLINK(1){evil}", "en": evil}
    child["milestones"][0]["name"] = {"zh": f"</svg>{evil}", "en": evil}
    out = assessed(ledger_data)
    html = (out / "report.html").read_text(encoding="utf-8")
    section = section_html(html)
    assert "<script>" not in section and "<img" not in section and "</svg>&lt;" not in section
    assert "&lt;script&gt;" in section and "&lt;img src=x onerror=alert(1)&gt;" in section
    part = ledger_part(html)
    assert part.tables["ledger-overdue"][1][1] == f"=HYPERLINK(1){evil}"
    assert part.tables["ledger-overdue"][1][2] == f"</svg>{evil}"
    # in the workbook a typed text cell, never a formula
    book = openpyxl.load_workbook(out / "results.xlsx")
    cell = book[OFFICIAL_SHEET]["B6"]
    assert cell.data_type == "s" and cell.value == f"　=HYPERLINK(1){evil}"


def test_a_report_without_a_ledger_block_is_unchanged(
    assessed: Callable[..., Path],
) -> None:
    out = assessed()
    data = from_folder(out)
    assert data.analyses.ledger is not None
    without = replace(data, analyses=replace(data.analyses, ledger=None))
    for lang in ("zh", "en"):
        with_html = render_html(data, lang, embed_font=False)
        plain = render_html(without, lang, embed_font=False)
        assert 'id="ledger"' not in plain and 'href="#ledger"' not in plain
        stripped = re.sub(r'<section id="ledger".*?</section>', "", with_html, flags=re.S)
        stripped = re.sub(r'<li><a href="#ledger">[^<]*</a></li>', "", stripped)
        assert re.sub(r"\s+", "", stripped) == re.sub(r"\s+", "", plain)


def test_a_folder_without_the_block_has_no_ledger(
    ledger_project: Callable[..., Path], tmp_path: Path
) -> None:
    config = ledger_project().parent / "assessment.yaml"
    out = write_results(kaifang.load(config).run(), tmp_path / "out", lang="zh")
    assert not (out / "analyses" / "ledger").exists()
    assert from_folder(out).analyses.ledger is None
    assert 'id="ledger"' not in (out / "report.html").read_text(encoding="utf-8")
    book = openpyxl.load_workbook(out / "results.xlsx", read_only=True)
    assert OFFICIAL_SHEET not in book.sheetnames


def test_a_ledger_from_elsewhere_feeds_the_same_section(
    ledger_data: dict[str, Any],
) -> None:
    """The section takes a ledger and its evaluation: one built in memory (as the platform
    database gives it, without a file or an assessment) is shown like one from a file."""
    ledger_data.pop("assessment")
    model = LedgerFile.model_validate(ledger_data)
    ledger = Ledger(model, Path("<database>"), flatten(model.measures))
    section = build_section(LedgerProgress(ledger, evaluate_ledger(ledger)), "zh")
    # without indicator evidence: b is on track; c is still delayed by its milestone, and so
    # is its parent
    assert section.counts.rows[1:4] == [
        ["按计划推进", "2", "2"],
        ["存在风险", "1", "0"],
        ["滞后", "0", "2"],
    ]
    assert [r[1] for r in section.flagged.rows] == ["丙任务"]


@pytest.mark.parametrize(
    ("period", "zh"),
    [
        ("2024Q1", "2024年第一季度"),
        ("2025Q4", "2025年第四季度"),
        ("2024H1", "2024年上半年"),
        ("2024H2", "2024年下半年"),
        ("2024-05", "2024年5月"),
        ("2024", "2024年"),
    ],
)
def test_periods_in_chinese(period: str, zh: str) -> None:
    assert period_text(period, "zh") == zh
    assert period_text(period, "en") == period


def test_the_counts_chart_draws_the_counts_of_its_table() -> None:
    from kaifang.report.ledger_section import counts_chart

    # the tiny ledger's counts (not started, on track, at risk, delayed, done): the longest bar,
    # 3, is the full 300 units wide
    names = ["未启动", "按计划推进", "存在风险", "滞后", "已完成"]
    svg = counts_chart(names, [0, 2, 1, 0, 0], [0, 1, 0, 3, 0], "zh")
    widths = [
        float(w) for w in re.findall(r'<rect x="110" y="\d+" width="([\d.]+)" height="11"', svg)
    ]
    assert widths == [0, 0, 200, 100, 100, 0, 0, 300, 0, 0]
    assert [int(n) for n in re.findall(r'font-size="9">(\d+)</text>', svg)] == [
        0,
        0,
        2,
        1,
        1,
        0,
        0,
        3,
        0,
        0,
    ]
    assert counts_chart(names, [0] * 5, [0] * 5, "en").count('width="0.0"') == 10
