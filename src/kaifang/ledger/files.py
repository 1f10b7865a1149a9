"""The ledger's output folder: ledger.xlsx (the officials' layout), ledger.html (timeline,
table, reminders), and the tables as CSV (measures, milestones, progress, indicators,
reminders)."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

from kaifang.atomic import atomic_folder, write_simulated_note
from kaifang.csvfiles import write_csv
from kaifang.ledger.evaluate import LedgerStatus
from kaifang.ledger.excel import write_ledger_workbook
from kaifang.ledger.gantt import gantt_svg
from kaifang.ledger.load import Ledger
from kaifang.ledger.status import STATUS_NAMES

TEXT: dict[str, dict[str, Any]] = {
    "zh": {
        "simulated": "模拟数据：进展填报为示例生成，并非真实工作进展",
        "as_of": "核验日期",
        "timeline": "时间进度",
        "ledger": "任务台账",
        "reminders": "待报与逾期进展报告",
        "no_reminders": "当前没有待报或逾期的进展报告。",
        "headers": [
            "序号",
            "任务",
            "牵头单位",
            "配合单位",
            "完成时限",
            "进展情况",
            "状态",
            "核验状态",
            "不一致提示",
        ],
        "reminder_headers": ["牵头单位", "任务", "报告期", "报送截止", "状态"],
        "due": "待报",
        "overdue": "逾期{days}天",
    },
    "en": {
        "simulated": "SIMULATED: the progress reports are generated examples, not real progress",
        "as_of": "Status as of",
        "timeline": "Timeline",
        "ledger": "Measures ledger",
        "reminders": "Progress reports due or overdue",
        "no_reminders": "No progress report is due or overdue.",
        "headers": [
            "No.",
            "Measure",
            "Lead",
            "Cooperating",
            "Deadline",
            "Progress",
            "Reported",
            "Derived",
            "Mismatch",
        ],
        "reminder_headers": ["Lead", "Measure", "Period", "Due", "State"],
        "due": "due",
        "overdue": "{days} days overdue",
    },
}


def _progress(r: dict[Any, Any], zh: bool) -> str:
    if not r["period"]:
        return ""
    pct = r["percent"]
    done = "" if isinstance(pct, float) and math.isnan(pct) else f" {pct:g}%"
    narrative = r["narrative_zh"] if zh else r["narrative_en"]
    return f"{r['period']}{done}" + (f"：{narrative}" if zh else f": {narrative}") * bool(narrative)


def render_html(ledger: Ledger, status: LedgerStatus, lang: str) -> str:
    """ledger.html: self-contained (inline SVG, no script), every text escaped."""
    from jinja2 import Environment, PackageLoader

    zh = lang == "zh"
    t = TEXT[lang]
    env = Environment(loader=PackageLoader("kaifang.ledger", "templates"), autoescape=True)
    rows = []
    for r in status.measures.to_dict("records"):
        rows.append(
            {
                "number": r["number"],
                "name": r["name_zh"] if zh else r["name_en"],
                "lead": r["lead_zh"] if zh else r["lead_en"],
                "cooperating": r["cooperating_zh"] if zh else r["cooperating_en"],
                "deadline": r["deadline"],
                "progress": _progress(r, zh),
                "reported": STATUS_NAMES[r["reported"]][1 if zh else 0] if r["reported"] else "",
                "derived": STATUS_NAMES[r["derived"]][1 if zh else 0],
                "derived_key": r["derived"],
                "flag": r["mismatch_zh"] if zh else r["mismatch_en"],
            }
        )
    reminders = [
        {
            "department": r["department_zh"] if zh else r["department_en"],
            "number": r["number"],
            "measure": r["measure_zh"] if zh else r["measure_en"],
            "period": r["period"],
            "due": r["due"],
            "state": t["due"]
            if r["state"] == "due"
            else t["overdue"].format(days=r["days_overdue"]),
            "overdue": r["state"] == "overdue",
        }
        for r in status.reminders.to_dict("records")
    ]
    title = ledger.file.title.zh if zh else ledger.file.title.en
    return env.get_template("ledger.html.j2").render(
        zh=zh,
        t=t,
        title=title,
        as_of=status.as_of,
        simulated=status.simulated,
        gantt=gantt_svg(status.measures, status.milestones, status.as_of, lang),
        headers=t["headers"],
        rows=rows,
        reminders=reminders,
        reminder_headers=t["reminder_headers"],
    )


def write_ledger_outputs(outdir: Path, ledger: Ledger, status: LedgerStatus, lang: str) -> None:
    """Write the whole folder, all or nothing."""
    with atomic_folder(outdir) as tmp:
        write_ledger_workbook(tmp / "ledger.xlsx", ledger, status)
        (tmp / "ledger.html").write_text(render_html(ledger, status, lang), encoding="utf-8")
        for name in ("measures", "milestones", "progress", "indicators", "reminders"):
            write_csv(getattr(status, name), tmp / f"{name}.csv")
        if status.simulated:
            write_simulated_note(tmp)
