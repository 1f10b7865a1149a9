"""The report's section on the measures ledger (任务台账), zh and en: how many measures stand at
each status as reported and as derived from the evidence, the measures whose report is more
favourable than the evidence, overdue milestones, reports due or overdue, and the timeline, each
picture with its table.

It is built from a :class:`~kaifang.ledger.saved.LedgerProgress` (a ledger and its evaluation),
whatever the ledger was read from: a file, the results folder, or the platform database.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from html import escape
from typing import Any

from kaifang.ledger.files import TEXT as LEDGER_TEXT
from kaifang.ledger.gantt import COLOURS, gantt_svg
from kaifang.ledger.model import STATUSES
from kaifang.ledger.saved import LedgerProgress
from kaifang.ledger.status import STATUS_NAMES
from kaifang.report.charts import SVG_FONT

# key -> (en, zh)
TEXT: dict[str, tuple[str, str]] = {
    "title": ("Measures ledger: progress", "任务台账进展"),
    "lead_in": (
        "{ledger}: {n} measures, their status as of {as_of}.",
        "{ledger}：共{n}项任务，状态核验日期为{as_of}。",
    ),
    "counts": ("Reported and derived status", "填报状态与核验状态"),
    "counts_caption": (
        "Reported: the lead department's latest progress report ({reported} of {n} measures "
        "have one). Derived: from the milestones (overdue or not) and the target tracking of "
        "the linked indicators; a measure with sub-measures takes the worst of them.",
        "填报状态为牵头单位最近一期进展填报（{n}项任务中{reported}项已填报）；核验状态根据里程碑"
        "是否逾期和所关联指标的目标进度推算，含子任务的任务取其子任务中最差的状态。",
    ),
    "status": ("Status", "状态"),
    "reported": ("Reported", "填报"),
    "derived": ("Derived", "核验"),
    "not_reported": ("No report", "未填报"),
    "total": ("Total", "合计"),
    "flagged": ("Reported more favourably than the evidence", "填报与核验不一致"),
    "flagged_caption": (
        "Measures whose report is more favourable than the derived status, such as "
        '"reported on track, indicators off track".',
        "填报状态好于核验状态的任务，如“填报为按计划推进，但指标明显滞后”。",
    ),
    "no_flagged": (
        "Every report agrees with the evidence.",
        "所有填报均与核验结果一致。",
    ),
    "flag": ("Why", "不一致提示"),
    "overdue": ("Overdue milestones", "逾期里程碑"),
    "no_overdue": ("No milestone is overdue.", "没有逾期的里程碑。"),
    "milestone": ("Milestone", "里程碑"),
    "due": ("Due", "到期日"),
    "days_overdue": ("Days overdue", "逾期天数"),
    "reminders_caption": (
        "Progress reports of the tasks not yet submitted, due within {days} days or overdue.",
        "尚未报送、{days}天内到期或已逾期的任务进展报告。",
    ),
    "timeline_caption": (
        "One bar per measure from its start to its deadline, coloured by the derived status; "
        "diamonds are milestones (filled: done, red outline: overdue); the dashed line is the "
        "day of the status.",
        "每项任务一条横条，自开始日期至完成时限，颜色表示核验状态；菱形为里程碑（实心为已完成，"
        "红色边框为逾期）；虚线为状态核验日期。",
    ),
    "number": ("No.", "序号"),
    "measure": ("Measure", "任务"),
    "lead": ("Lead", "牵头单位"),
    "start": ("Start", "开始日期"),
    "deadline": ("Deadline", "完成时限"),
    "progress": ("Latest report", "最近进展"),
}
_QUARTERS = "一二三四"


def t(key: str, lang: str, **fields: Any) -> str:
    en, zh = TEXT[key]
    text = zh if lang == "zh" else en
    return text.format(**fields) if fields else text


def status_name(status: str, lang: str) -> str:
    en, zh = STATUS_NAMES[status]
    return zh if lang == "zh" else en


def period_text(period: str, lang: str) -> str:
    """A reporting period as a reader writes it: ``2024Q2`` is 2024年第二季度 in Chinese."""
    if lang != "zh":
        return period
    if m := re.fullmatch(r"(\d{4})Q([1-4])", period):
        return f"{m.group(1)}年第{_QUARTERS[int(m.group(2)) - 1]}季度"
    if m := re.fullmatch(r"(\d{4})H([12])", period):
        return f"{m.group(1)}年{'上' if m.group(2) == '1' else '下'}半年"
    if m := re.fullmatch(r"(\d{4})-(\d{2})", period):
        return f"{m.group(1)}年{int(m.group(2))}月"
    if re.fullmatch(r"\d{4}", period):
        return f"{period}年"
    return period


@dataclass(frozen=True)
class Table:
    head: list[str]
    rows: list[list[str]]
    numeric: frozenset[int] = frozenset()  # columns aligned right


@dataclass(frozen=True)
class LedgerSection:
    title: str
    alt_title: str  # the title in the other language, as every section of the report has
    lead_in: str
    simulated: str  # the label when the progress is simulated, else ""
    counts_title: str
    counts_caption: str
    counts_chart: str  # inline SVG, escaped here
    counts: Table
    flagged_title: str
    flagged_caption: str
    flagged: Table
    no_flagged: str
    overdue_title: str
    overdue: Table
    no_overdue: str
    reminders_title: str
    reminders_caption: str
    reminders: Table
    no_reminders: str
    timeline_title: str
    timeline_caption: str
    timeline: str  # inline SVG, escaped by kaifang.ledger.gantt
    legend: list[tuple[str, str]] = field(default_factory=list)  # (colour, status name)
    measures: Table = field(default_factory=lambda: Table([], []))


def _count_rows(
    progress: LedgerProgress, lang: str
) -> tuple[list[list[str]], list[int], list[int]]:
    m = progress.status.measures
    reported = m["reported"].fillna("").astype(str).tolist()
    derived = m["derived"].astype(str).tolist()
    rows, rep_counts, der_counts = [], [], []
    for s in STATUSES:
        r, d = reported.count(s), derived.count(s)
        rep_counts.append(r)
        der_counts.append(d)
        rows.append([status_name(s, lang), str(r), str(d)])
    missing = sum(1 for r in reported if not r)
    rows.append([t("not_reported", lang), str(missing), "—"])
    rows.append([t("total", lang), str(len(reported)), str(len(derived))])
    return rows, rep_counts, der_counts


def counts_chart(names: list[str], reported: list[int], derived: list[int], lang: str) -> str:
    """Paired horizontal bars per status: reported (pale) above derived (full colour)."""
    left, width, row, top = 110, 300, 34, 8
    hi = max([*reported, *derived, 1])
    height = top + row * len(names) + 26
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {left + width + 40} {height}" '
        f'role="img" class="ledger-counts" font-size="11" font-family="{escape(SVG_FONT)}">'
        f"<title>{escape(t('counts', lang))}</title>"
    ]
    for i, (name, r, d, key) in enumerate(zip(names, reported, derived, STATUSES, strict=True)):
        y = top + i * row
        colour = COLOURS[key]
        out.append(f'<text x="{left - 6}" y="{y + 17}" text-anchor="end">{escape(name)}</text>')
        for k, (n, opacity) in enumerate(((r, 0.4), (d, 1.0))):
            w = width * n / hi
            yy = y + 3 + k * 13
            out.append(
                f'<rect x="{left}" y="{yy}" width="{w:.1f}" height="11" fill="{colour}" '
                f'fill-opacity="{opacity}"/><text x="{left + w + 4:.1f}" y="{yy + 9}" '
                f'font-size="9">{n}</text>'
            )
    ly = height - 10
    out.append(
        f'<rect x="{left}" y="{ly - 9}" width="10" height="10" fill="#555" fill-opacity="0.4"/>'
        f'<text x="{left + 14}" y="{ly}">{escape(t("reported", lang))}</text>'
        f'<rect x="{left + 90}" y="{ly - 9}" width="10" height="10" fill="#555"/>'
        f'<text x="{left + 104}" y="{ly}">{escape(t("derived", lang))}</text></svg>'
    )
    return "".join(out)


def _percent(v: Any) -> str:
    try:
        f = float(v)
    except (TypeError, ValueError):
        return ""
    return "" if math.isnan(f) else f"{f:g}%"


def build_section(progress: LedgerProgress, lang: str) -> LedgerSection:
    """The section's texts, tables and pictures in ``lang`` (zh or en)."""
    zh = lang == "zh"
    ledger, status = progress.ledger, progress.status
    measures = status.measures.to_dict("records")
    name = {r["id"]: r["name_zh" if zh else "name_en"] for r in measures}
    number = {r["id"]: str(r["number"]) for r in measures}
    lt = LEDGER_TEXT["zh" if zh else "en"]

    count_rows, rep, der = _count_rows(progress, lang)
    chart = counts_chart([status_name(s, lang) for s in STATUSES], rep, der, lang)
    n_reported = sum(1 for r in measures if r["reported"])

    flagged = [
        [
            number[r["id"]],
            name[r["id"]],
            r["lead_zh" if zh else "lead_en"],
            status_name(r["reported"], lang),
            status_name(r["derived"], lang),
            r["mismatch_zh" if zh else "mismatch_en"],
        ]
        for r in measures
        if r["mismatch"]
    ]
    overdue = [
        [
            number[ms["measure"]],
            name[ms["measure"]],
            ms["name_zh" if zh else "name_en"],
            ms["due"].isoformat(),
            str((status.as_of - ms["due"]).days),
        ]
        for ms in status.milestones.to_dict("records")
        if ms["overdue"]
    ]
    reminders = [
        [
            r["department_zh" if zh else "department_en"],
            f"{r['number']} {r['measure_zh' if zh else 'measure_en']}",
            period_text(str(r["period"]), lang),
            r["due"].isoformat(),
            lt["due"] if r["state"] == "due" else lt["overdue"].format(days=r["days_overdue"]),
        ]
        for r in status.reminders.to_dict("records")
    ]
    measure_rows = [
        [
            number[r["id"]],
            ("　" * int(r["depth"])) + name[r["id"]],
            r["lead_zh" if zh else "lead_en"],
            r["start"].isoformat(),
            r["deadline"].isoformat(),
            " ".join(
                x
                for x in (
                    period_text(str(r["period"]), lang) if r["period"] else "",
                    _percent(r["percent"]),
                    status_name(r["reported"], lang) if r["reported"] else "",
                )
                if x
            ),
            status_name(r["derived"], lang),
        ]
        for r in measures
    ]
    title = ledger.file.title.zh if zh else ledger.file.title.en
    return LedgerSection(
        title=t("title", lang),
        alt_title=t("title", "en" if zh else "zh"),
        lead_in=t("lead_in", lang, ledger=title, n=len(measures), as_of=status.as_of.isoformat()),
        simulated=lt["simulated"] if status.simulated else "",
        counts_title=t("counts", lang),
        counts_caption=t("counts_caption", lang, reported=n_reported, n=len(measures)),
        counts_chart=chart,
        counts=Table(
            [t("status", lang), t("reported", lang), t("derived", lang)],
            count_rows,
            frozenset({1, 2}),
        ),
        flagged_title=t("flagged", lang),
        flagged_caption=t("flagged_caption", lang),
        flagged=Table(
            [
                t("number", lang),
                t("measure", lang),
                t("lead", lang),
                t("reported", lang),
                t("derived", lang),
                t("flag", lang),
            ],
            flagged,
        ),
        no_flagged=t("no_flagged", lang),
        overdue_title=t("overdue", lang),
        overdue=Table(
            [
                t("number", lang),
                t("measure", lang),
                t("milestone", lang),
                t("due", lang),
                t("days_overdue", lang),
            ],
            overdue,
            frozenset({4}),
        ),
        no_overdue=t("no_overdue", lang),
        reminders_title=lt["reminders"],
        reminders_caption=t("reminders_caption", lang, days=ledger.file.reporting.remind_days),
        reminders=Table(lt["reminder_headers"], reminders),
        no_reminders=lt["no_reminders"],
        timeline_title=lt["timeline"],
        timeline_caption=t("timeline_caption", lang),
        timeline=gantt_svg(
            status.measures, status.milestones, status.as_of, lang, font_family=SVG_FONT
        ),
        legend=[(COLOURS[s], status_name(s, lang)) for s in STATUSES],
        measures=Table(
            [
                t("number", lang),
                t("measure", lang),
                t("lead", lang),
                t("start", lang),
                t("deadline", lang),
                t("progress", lang),
                t("derived", lang),
            ],
            measure_rows,
        ),
    )
