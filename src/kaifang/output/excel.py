"""``results.xlsx``: the workbook officials pass around.

One sheet per framework level (units x nodes, latest year first, units by administrative code),
the raw and denominated data, a sheet per analysis run with the assessment (targets, allocation,
scenarios, rank uncertainty), the weights and the methods. Every sheet has a title line, the
SIMULATED banner where the data are simulated, a frozen header and name column, an autofilter,
number formats and a colour scale on the scores. Built from the same ``ReportData`` as the HTML
report, so ``kaifang report`` rebuilds it from a results folder alone.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

from kaifang.output.excel_sheets import analysis_sheets, data_sheets, rich
from kaifang.report.data import ReportData
from kaifang.report.glossary import STEPS, format_value, method_rows

LABELS = {
    "en": {
        "unit": "Code",
        "name": "Unit",
        "year": "Year",
        "score": "Score",
        "rank": "Rank",
        "change": "Rank change",
        "level": "Level {k}",
        "level_title": "Level {k}: {what}",
        "index": "the index",
        "pillars": "{n} nodes",
        "weights": "Weights",
        "methods": "Methods",
        "node": "Node",
        "parent": "Parent",
        "depth": "Level",
        "weight": "Weight",
        "effective_weight": "Effective weight",
        "simulated": "SIMULATED DATA: not official statistics",
        "step": "Step",
        "parameter": "Parameter",
        "value": "Value",
        "meaning": "Meaning",
        "value_meaning": "Value means",
        "skipped": "not run",
        "outcome": "outcome",
        "warnings": "Warnings",
        "years": "Years",
        "data_hash": "Data hash (SHA-256)",
        "version": "Software",
        "config": "Config file",
        "packages": "Package versions",
        "indicator": "indicator",
        "note": "Scores of the latest year first; units by code. Rank change: ranks gained "
        "since the previous year.",
        "code": "Id",
        "node_name": "Name",
    },
    "zh": {
        "unit": "地区代码",
        "name": "地区",
        "year": "年份",
        "score": "得分",
        "rank": "排名",
        "change": "名次变化",
        "level": "第{k}层",
        "level_title": "第{k}层：{what}",
        "index": "总指数",
        "pillars": "{n}个指标",
        "weights": "权重",
        "methods": "方法",
        "node": "指标",
        "parent": "上级",
        "depth": "层级",
        "weight": "权重",
        "effective_weight": "综合权重",
        "simulated": "模拟数据：非官方统计",
        "step": "步骤",
        "parameter": "参数",
        "value": "取值",
        "meaning": "含义",
        "value_meaning": "取值含义",
        "skipped": "未执行",
        "outcome": "运行结果",
        "warnings": "警告",
        "years": "年份",
        "data_hash": "数据指纹 (SHA-256)",
        "version": "软件版本",
        "config": "配置文件",
        "packages": "依赖版本",
        "indicator": "指标",
        "note": "最近年份在前；地区按行政区划代码排列。名次变化：较上一年上升的名次。",
        "code": "编号",
        "node_name": "名称",
    },
}


def _width(text: str) -> int:
    # a CJK character is about two Latin characters wide in Excel's column units
    return sum(2 if ord(c) > 0x2E80 else 1 for c in str(text))


def write_workbook(data: ReportData, path: Path, lang: str = "en") -> None:
    """Write the workbook to ``path``: a sheet per level, then Weights and Methods."""
    import xlsxwriter

    lang = "zh" if lang == "zh" else "en"
    t = LABELS[lang]
    fw = data.framework
    root = fw.root_id
    years = data.years
    simulated = data.simulated
    book = xlsxwriter.Workbook(str(path))
    fmt = {
        "title": book.add_format({"bold": True, "font_size": 13}),
        "warn": book.add_format({"bold": True, "font_color": "#B91C1C", "bg_color": "#FEF2F2"}),
        "note": book.add_format({"italic": True, "font_color": "#6B7280"}),
        "header": book.add_format(
            {
                "bold": True,
                "bg_color": "#DDEBF7",
                "border": 1,
                "text_wrap": True,
                "valign": "top",
            }
        ),
        "score": book.add_format({"num_format": "0.00"}),
        "rank": book.add_format({"num_format": "0", "align": "center"}),
        "change": book.add_format({"num_format": "+0;-0;0", "align": "center"}),
        "weight": book.add_format({"num_format": "0.0000"}),
        "text": book.add_format({"text_wrap": True, "valign": "top"}),
        "mono": book.add_format({"font_name": "Consolas", "valign": "top", "text_wrap": True}),
        "step": book.add_format({"bold": True, "bg_color": "#F3F6FB", "text_wrap": True}),
        "stepcode": book.add_format(
            {"bold": True, "bg_color": "#F3F6FB", "font_name": "Consolas", "valign": "top"}
        ),
        "code": book.add_format({"font_name": "Consolas"}),
        "value": book.add_format({"num_format": "#,##0.00##"}),
        "pct": book.add_format({"num_format": "0.0%"}),
        "money": book.add_format({"num_format": "#,##0"}),
        "rho": book.add_format({"num_format": "0.000"}),
        "bold": book.add_format({"bold": True}),
    }
    for k in range(6):
        fmt[f"indent{k}"] = book.add_format({"indent": k})
    title = data.title(lang)

    def banner(ws: Any, heading: str) -> int:
        """Title (and SIMULATED) lines; returns the row of the table header."""
        ws.write(0, 0, heading, fmt["title"])
        row = 1
        if simulated:
            ws.write(row, 0, t["simulated"], fmt["warn"])
            row += 1
        return row

    # rows in the same order on every level sheet: latest year first, units by index rank
    scores = data.scores
    value: dict[tuple[int, str, str], float] = {}
    rank: dict[tuple[int, str, str], float] = {}
    ranks = scores["rank"].to_numpy(dtype="float64", na_value=math.nan)
    for y, n, u, s, r in zip(
        scores["year"].tolist(),
        scores["node"].tolist(),
        scores["unit"].tolist(),
        scores["score"].tolist(),
        ranks.tolist(),
        strict=True,
    ):
        value[(int(y), str(n), str(u))] = float(s)
        rank[(int(y), str(n), str(u))] = float(r)
    scored = set(scores["unit"].tolist())  # once: a set per unit made the workbook quadratic
    units = [u for u in data.units if u in scored]
    order = [(y, u) for y in reversed(years) for u in sorted(units)]

    for level in range(fw.depth + 1):
        nodes = [n for n, tn in fw.nodes.items() if tn.level == level]
        sheet = t["level"].format(k=level)
        ws = book.add_worksheet(sheet)
        what = t["index"] if level == 0 else t["pillars"].format(n=len(nodes))
        head_row = banner(ws, f"{title} · " + t["level_title"].format(k=level, what=what))
        heads = [t["unit"], t["name"], t["year"]]
        if level == 0:
            heads += [fw.name(root, lang), t["rank"], t["change"]]
        else:
            heads += [
                fw.name(n, lang) + (f" ({t['indicator']})" if fw[n].is_indicator else "")
                for n in nodes
            ]
        for c, h in enumerate(heads):
            ws.write(head_row, c, h, fmt["header"])
        ws.set_row(head_row, 48 if level else 32)
        for i, (y, u) in enumerate(order, start=head_row + 1):
            ws.write_string(i, 0, u, fmt["code"])
            ws.write_string(i, 1, data.unit_name(u, lang))
            ws.write_number(i, 2, y)
            if level == 0:
                _number(ws, i, 3, value.get((y, root, u), math.nan), fmt["score"])
                r = rank.get((y, root, u), math.nan)
                _number(ws, i, 4, r, fmt["rank"])
                prev = rank.get((y - 1, root, u), math.nan) if y - 1 in years else math.nan
                _number(ws, i, 5, prev - r, fmt["change"])
            else:
                for c, n in enumerate(nodes, start=3):
                    _number(ws, i, c, value.get((y, n, u), math.nan), fmt["score"])
        last = head_row + len(order)
        n_cols = len(heads)
        score_cols = range(3, 4) if level == 0 else range(3, n_cols)
        for c in score_cols:
            ws.conditional_format(
                head_row + 1,
                c,
                last,
                c,
                {
                    "type": "3_color_scale",
                    "min_color": "#FFFFCC",
                    "mid_color": "#7FCDBB",
                    "max_color": "#2C7FB8",
                },
            )
        ws.set_column(0, 0, 10)
        names = [_width(data.unit_name(u, lang)) for u in units] or [8]
        ws.set_column(1, 1, min(max(max(names) + 2, 8), 40))
        ws.set_column(2, 2, 7)
        ws.set_column(3, n_cols - 1, 12 if level else 14)
        ws.autofilter(head_row, 0, last, n_cols - 1)
        ws.freeze_panes(head_row + 1, 3)
        ws.write(last + 2, 0, t["note"], fmt["note"])

    data_sheets(book, data, lang, fmt, lambda ws, what: banner(ws, f"{title} · {what}"))
    analysis_sheets(book, data, lang, fmt, lambda ws, what: banner(ws, f"{title} · {what}"))
    if data.analyses.ledger is not None:
        from kaifang.ledger.excel import write_official_sheet

        # the officials' layout is Chinese in either language: it is the form they keep
        progress = data.analyses.ledger
        write_official_sheet(
            book, progress.ledger, progress.status, t["simulated"] if simulated else None
        )

    # weights: the tree in depth-first order, indented by level
    ws = book.add_worksheet(t["weights"])
    head_row = banner(ws, f"{title} · {t['weights']}")
    heads = [
        t["code"],
        t["node_name"],
        t["depth"],
        t["parent"],
        t["weight"],
        t["effective_weight"],
    ]
    for c, h in enumerate(heads):
        ws.write(head_row, c, h, fmt["header"])
    weights = {
        str(n): (float(w), float(e))
        for n, w, e in zip(
            data.weights["node"].tolist(),
            data.weights["weight"].tolist(),
            data.weights["effective_weight"].tolist(),
            strict=True,
        )
    }
    widest = 10
    for i, (nid, tn) in enumerate(fw.nodes.items(), start=head_row + 1):
        w, e = weights.get(nid, (math.nan, math.nan))
        ws.write_string(i, 0, nid, fmt["code"])
        ws.write_string(i, 1, fw.name(nid, lang), fmt[f"indent{min(tn.level, 5)}"])
        widest = max(widest, _width(fw.name(nid, lang)) + 2 * tn.level)
        ws.write_number(i, 2, tn.level)
        ws.write_string(i, 3, "" if tn.parent is None else fw.name(tn.parent, lang))
        _number(ws, i, 4, w, fmt["weight"])
        _number(ws, i, 5, e, fmt["weight"])
    ws.set_column(0, 0, 26)
    ws.set_column(1, 1, min(widest + 2, 60))
    ws.set_column(2, 2, 7)
    ws.set_column(3, 3, 24)
    ws.set_column(4, 5, 14)
    ws.freeze_panes(head_row + 1, 2)
    ws.autofilter(head_row, 0, head_row + len(fw.nodes), len(heads) - 1)

    # methods: vintage, then every recorded choice with its meaning
    ws = book.add_worksheet(t["methods"])
    row = banner(ws, f"{title} · {t['methods']}")
    record = data.record
    other = "en" if lang == "zh" else "zh"
    vintage = [
        (t["years"], f"{years[0]}–{years[-1]}" if len(years) > 1 else str(years[0])),
        (t["data_hash"], str(record.get("data_hash_sha256", ""))),
        (t["version"], f"kaifang {record.get('kaifang_version', '')}"),
        (t["config"], str(record.get("config_path", ""))),
        (
            t["packages"],
            ", ".join(f"{k} {v}" for k, v in (record.get("packages") or {}).items()),
        ),
    ]
    for key, text in vintage:
        ws.write_string(row, 0, key, fmt["step"])
        ws.write_string(row, 1, text, fmt["mono"])
        row += 1
    row += 1
    heads = [t["step"], t["parameter"], t["value"], t["meaning"], t["value_meaning"]]
    # the Chinese workbook is Chinese throughout; the English one keeps the Chinese meanings
    if lang == "en":
        heads.append(other)
    head_row = row
    for c, h in enumerate(heads):
        ws.write(row, c, h, fmt["header"])
    row += 1
    for m in method_rows(record):
        if m["parameter"] is None:
            ws.write_string(row, 0, m["step"], fmt["stepcode"])
            ws.write_string(row, 3, f"{STEPS[m['step']][lang]} ({t['skipped']})", fmt["text"])
            row += 1
            continue
        ws.write_string(row, 0, m["step"], fmt["stepcode"])
        ws.write_string(row, 1, m["parameter"], fmt["mono"])
        ws.write_string(row, 2, m["value"], fmt["mono"])
        outcome = f"{t['outcome']}：" if m["outcome"] and lang == "zh" else ""
        outcome = outcome or (f"{t['outcome']}: " if m["outcome"] else "")
        rich(ws, row, 3, outcome + m["meaning"][lang], fmt, fmt["text"])
        vm = m["value_meaning"]
        rich(ws, row, 4, vm[lang] if vm else "", fmt, fmt["text"])
        if lang == "en":
            ws.write_string(
                row, 5, m["meaning"][other] + (f" {vm[other]}" if vm else ""), fmt["text"]
            )
        row += 1
    row += 1
    ws.write_string(row, 0, t["warnings"], fmt["step"])
    for w in record.get("warnings") or []:
        ws.write_string(row, 1, format_value(w), fmt["text"])
        row += 1
    ws.set_column(0, 0, 16)
    ws.set_column(1, 1, 24)
    ws.set_column(2, 2, 22)
    ws.set_column(3, 4, 48)
    ws.set_column(5, 5, 48)
    ws.freeze_panes(head_row + 1, 0)
    book.close()


def _number(ws: Any, row: int, col: int, v: float, f: Any) -> None:
    if math.isnan(v):
        ws.write_blank(row, col, None, f)
    else:
        ws.write_number(row, col, v, f)
