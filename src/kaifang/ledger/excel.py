"""The ledger as the workbook officials keep (任务台账), and back.

The first sheet has the layout of a provincial task ledger: one row per measure with 序号, 任务,
牵头单位, 配合单位, 完成时限, 进展情况, 状态, followed by the derived status and the mismatch flag.
The sheets after it hold every field of the ledger file in plain columns, so that
:func:`read_ledger_workbook` rebuilds exactly the ledger that was written.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from kaifang.errors import InputError, Problem
from kaifang.ledger.evaluate import LedgerStatus
from kaifang.ledger.load import Ledger
from kaifang.ledger.model import LedgerFile, OwnTarget

OFFICIAL_COLUMNS = ["序号", "任务", "牵头单位", "配合单位", "完成时限", "进展情况", "状态"]
CHECK_COLUMNS = ["核验状态", "不一致提示"]
SHEETS: dict[str, list[str]] = {
    "about": [
        "title_zh",
        "title_en",
        "assessment",
        "simulated_progress",
        "as_of",
        "frequency",
        "due_days",
        "remind_days",
    ],
    "departments": ["id", "name_zh", "name_en"],
    "measures": [
        "id",
        "parent",
        "name_zh",
        "name_en",
        "lead",
        "cooperating",
        "regions",
        "start",
        "deadline",
    ],
    "milestones": ["measure", "id", "name_zh", "name_en", "due", "done"],
    "indicators": [
        "measure",
        "indicator",
        "target",
        "base_year",
        "multiple",
        "level",
        "target_year",
        "target_name_zh",
        "target_name_en",
    ],
    "progress": [
        "measure",
        "period",
        "status",
        "percent",
        "narrative_zh",
        "narrative_en",
        "submitted",
    ],
}


def _progress_text(row: Any) -> str:
    parts = []
    if row["period"]:
        pct = "" if row["percent"] != row["percent"] else f"（完成{row['percent']:g}%）"
        parts.append(f"{row['period']}{pct}")
    if row["narrative_zh"]:
        parts.append(row["narrative_zh"])
    return "：".join(parts)


def _records(ledger: Ledger) -> dict[str, list[list[Any]]]:
    f = ledger.file
    r = f.reporting
    out: dict[str, list[list[Any]]] = {
        "about": [
            [
                f.title.zh,
                f.title.en,
                f.assessment or "",
                f.simulated_progress,
                f.as_of,
                r.frequency,
                r.due_days,
                r.remind_days,
            ]
        ],
        "departments": [[d.id, d.name.zh, d.name.en] for d in f.departments],
        "measures": [],
        "milestones": [],
        "indicators": [],
        "progress": [
            [
                p.measure,
                p.period,
                p.status,
                p.percent,
                p.narrative.zh if p.narrative else None,
                p.narrative.en if p.narrative else None,
                p.submitted,
            ]
            for p in f.progress
        ],
    }
    for fm in ledger.measures:
        m = fm.measure
        out["measures"].append(
            [
                m.id,
                fm.parent,
                m.name.zh,
                m.name.en,
                m.lead,
                ";".join(m.cooperating),
                ";".join(m.regions),
                m.start,
                m.deadline,
            ]
        )
        out["milestones"] += [
            [m.id, s.id, s.name.zh, s.name.en, s.due, s.done] for s in m.milestones
        ]
        for link in m.indicators:
            t = link.target
            if isinstance(t, OwnTarget):
                named = [t.name.zh, t.name.en] if t.name else [None, None]
                own = [None, t.base_year, t.multiple, t.level, t.target_year, *named]
                out["indicators"].append([m.id, link.indicator, *own])
            else:
                out["indicators"].append([m.id, link.indicator, t] + [None] * 6)
    return out


OFFICIAL_SHEET = "任务台账"


def write_official_sheet(
    book: Any, ledger: Ledger, status: LedgerStatus, banner: str | None = None
) -> Any:
    """Add the officials' sheet (任务台账: 序号, 任务, 牵头单位, 配合单位, 完成时限, 进展情况,
    状态, then the derived status and the mismatch flag) to an open XlsxWriter ``book``: the
    ledger's own workbook and the assessment's results.xlsx share it. ``banner``: a warning
    line under the title (results.xlsx: its data are simulated). Returns the sheet."""
    title_fmt = book.add_format({"bold": True, "font_size": 14, "align": "center"})
    head = _head_format(book)
    cell = book.add_format({"border": 1, "text_wrap": True, "valign": "top"})
    flag = book.add_format(
        {"border": 1, "text_wrap": True, "valign": "top", "font_color": "#C00000"}
    )
    sheet = book.add_worksheet(OFFICIAL_SHEET)
    columns = OFFICIAL_COLUMNS + CHECK_COLUMNS
    title = ledger.file.title.zh
    if status.simulated:
        title += "（进展为模拟数据）"
    sheet.merge_range(0, 0, 0, len(columns) - 1, title, title_fmt)
    top = 1
    if banner:
        warn = book.add_format({"bold": True, "font_color": "#B91C1C", "bg_color": "#FEF2F2"})
        sheet.write_string(1, 0, banner, warn)
        top = 2
    sheet.write_row(top, 0, columns, head)
    for i, r in enumerate(status.measures.to_dict("records")):
        values = [
            r["number"],
            "　" * r["depth"] + r["name_zh"],
            r["lead_zh"],
            r["cooperating_zh"],
            f"{r['deadline']:%Y年%m月%d日}",
            _progress_text(r),
            r["reported_zh"],
            r["derived_zh"],
            r["mismatch_zh"],
        ]
        for j, v in enumerate(values):
            sheet.write_string(top + 1 + i, j, str(v), flag if j == 8 and v else cell)
    for j, width in enumerate([7, 40, 16, 24, 14, 44, 10, 10, 40]):
        sheet.set_column(j, j, width)
    sheet.freeze_panes(top + 1, 0)
    sheet.autofilter(top, 0, top + len(status.measures), len(columns) - 1)
    return sheet


def _head_format(book: Any) -> Any:
    return book.add_format(
        {
            "bold": True,
            "bg_color": "#DDEBF7",
            "border": 1,
            "text_wrap": True,
            "valign": "vcenter",
            "align": "center",
        }
    )


def write_ledger_workbook(path: Path, ledger: Ledger, status: LedgerStatus) -> None:
    """Write the official sheet and the detail sheets to ``path`` (XlsxWriter)."""
    import xlsxwriter

    book = xlsxwriter.Workbook(str(path), {"remove_timezone": True})
    try:
        write_official_sheet(book, ledger, status)
        head = _head_format(book)
        date_fmt = book.add_format({"num_format": "yyyy-mm-dd"})
        for name, rows in _records(ledger).items():
            ws = book.add_worksheet(name)
            ws.write_row(0, 0, SHEETS[name], head)
            for i, values in enumerate(rows):
                for j, v in enumerate(values):
                    if v is None or v == "":
                        continue
                    if isinstance(v, dt.date):
                        ws.write_datetime(i + 1, j, dt.datetime.combine(v, dt.time()), date_fmt)
                    elif isinstance(v, bool):
                        ws.write_boolean(i + 1, j, v)
                    elif isinstance(v, int | float):
                        ws.write_number(i + 1, j, v)
                    else:
                        ws.write_string(i + 1, j, str(v))
            ws.set_column(0, len(SHEETS[name]) - 1, 16)
    finally:
        book.close()


def _date(v: Any) -> Any:
    return v.date() if isinstance(v, dt.datetime) else v


def read_ledger_workbook(path: Path) -> LedgerFile:
    """Rebuild the ledger file from a workbook written by :func:`write_ledger_workbook`."""
    import openpyxl

    file = str(path)
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a file that is not a workbook
        raise InputError([Problem(file, f"not an Excel workbook ({type(exc).__name__})")]) from None
    tables: dict[str, list[dict[str, Any]]] = {}
    problems: list[Problem] = []
    try:
        for name, columns in SHEETS.items():
            if name not in book.sheetnames:
                problems.append(Problem(file, f"sheet {name!r} is missing"))
                continue
            rows = book[name].iter_rows(values_only=True)
            header = [str(h) if h is not None else "" for h in next(rows, ())]
            missing = [c for c in columns if c not in header]
            if missing:
                problems.append(Problem(f"{file} [{name}]", f"columns missing: {missing}", row=1))
                continue
            tables[name] = [
                {h: _date(v) for h, v in zip(header, values, strict=False) if h in columns}
                for values in rows
                if any(v is not None for v in values)
            ]
    finally:
        book.close()
    if problems:
        raise InputError(problems)
    by_parent: dict[str | None, list[dict[str, Any]]] = {}
    for m in tables["measures"]:
        by_parent.setdefault(m.get("parent") or None, []).append(m)

    def split(text: Any) -> list[str]:
        return [s for s in str(text).split(";") if s] if text not in (None, "") else []

    def build(m: dict[str, Any]) -> dict[str, Any]:
        mid = m["id"]
        links = []
        for link in tables["indicators"]:
            if link["measure"] != mid:
                continue
            target: Any = link.get("target")
            if target is None and link.get("target_year") is not None:
                target = {
                    k: link[k]
                    for k in ("base_year", "multiple", "level", "target_year")
                    if link.get(k) is not None
                }
                target["base_year"] = int(target["base_year"])
                if link.get("target_name_zh"):
                    target["name"] = {"zh": link["target_name_zh"], "en": link["target_name_en"]}
                target["target_year"] = int(target["target_year"])
            links.append({"indicator": link["indicator"], "target": target})
        return {
            "id": mid,
            "name": {"zh": m["name_zh"], "en": m["name_en"]},
            "lead": m["lead"],
            "cooperating": split(m.get("cooperating")),
            "regions": split(m.get("regions")),
            "start": m["start"],
            "deadline": m["deadline"],
            "milestones": [
                {
                    "id": s["id"],
                    "name": {"zh": s["name_zh"], "en": s["name_en"]},
                    "due": s["due"],
                    "done": s.get("done"),
                }
                for s in tables["milestones"]
                if s["measure"] == mid
            ],
            "indicators": links,
            "children": [build(c) for c in by_parent.get(mid, [])],
        }

    about = tables["about"][0] if tables["about"] else {}
    data = {
        "title": {"zh": about.get("title_zh"), "en": about.get("title_en")},
        "assessment": about.get("assessment") or None,
        "simulated_progress": bool(about.get("simulated_progress")),
        "as_of": about.get("as_of"),
        "reporting": {
            k: about[k]
            for k in ("frequency", "due_days", "remind_days")
            if about.get(k) is not None
        },
        "departments": [
            {"id": d["id"], "name": {"zh": d["name_zh"], "en": d["name_en"]}}
            for d in tables["departments"]
        ],
        "measures": [build(m) for m in by_parent.get(None, [])],
        "progress": [
            {
                "measure": p["measure"],
                "period": str(p["period"]),
                "status": p["status"],
                "percent": p["percent"],
                "submitted": p.get("submitted"),
                "narrative": (
                    {"zh": p["narrative_zh"], "en": p["narrative_en"]}
                    if p.get("narrative_zh")
                    else None
                ),
            }
            for p in tables["progress"]
        ],
    }
    try:
        model = LedgerFile.model_validate(data)
    except ValidationError as exc:
        raise InputError(
            [Problem(file, f"{'.'.join(map(str, e['loc']))}: {e['msg']}") for e in exc.errors()]
        ) from None
    return model
