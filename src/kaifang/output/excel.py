"""``results.xlsx``: the workbook officials pass around (frozen headers, number formats, one sheet
per level, the weights and the methods)."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from kaifang.assessment.results import Results

LABELS = {
    "en": {
        "unit": "Unit",
        "name": "Name",
        "year": "Year",
        "score": "Score",
        "rank": "Rank",
        "level": "Level {k}",
        "weights": "Weights",
        "methods": "Methods",
        "node": "Node",
        "parent": "Parent",
        "weight": "Weight",
        "effective_weight": "Effective weight",
        "simulated": "SIMULATED DATA: not official statistics",
        "about": "About",
    },
    "zh": {
        "unit": "地区代码",
        "name": "地区",
        "year": "年份",
        "score": "得分",
        "rank": "排名",
        "level": "第{k}层",
        "weights": "权重",
        "methods": "方法",
        "node": "指标",
        "parent": "上级",
        "weight": "权重",
        "effective_weight": "综合权重",
        "simulated": "模拟数据：非官方统计",
        "about": "说明",
    },
}


def write_workbook(results: Results, path: Path, lang: str = "en") -> None:
    """One sheet per framework level (units x nodes, for every year), weights, and methods."""
    t = LABELS["zh" if lang == "zh" else "en"]
    fw = results.framework
    scores = results.scores
    with pd.ExcelWriter(path, engine="xlsxwriter") as writer:
        book = writer.book
        header = book.add_format(
            {"bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True, "valign": "top"}
        )
        num = book.add_format({"num_format": "0.00"})
        warn = book.add_format({"bold": True, "font_color": "#C00000"})
        for level in range(fw.depth + 1):
            nodes = [n for n in results.node_ids if fw[n].level == level]
            part = scores[scores["node"].isin(nodes)]
            wide = part.pivot_table(
                index=["unit", "year"], columns="node", values="score", sort=False, dropna=False
            ).reindex(columns=nodes)
            ranks = part.pivot_table(
                index=["unit", "year"], columns="node", values="rank", sort=False, dropna=False
            ).reindex(columns=nodes)
            wide.columns = [fw.name(n, lang) for n in nodes]
            if level == 0:
                wide[t["rank"]] = ranks.iloc[:, 0].to_numpy()
            wide = wide.reset_index().sort_values(["year", "unit"])
            wide.insert(1, t["name"], [fw_unit_name(results, u, lang) for u in wide["unit"]])
            wide = wide.rename(columns={"unit": t["unit"], "year": t["year"]})
            sheet = t["level"].format(k=level)
            start = 1 if results.record.get("simulated") else 0
            wide.to_excel(writer, sheet_name=sheet, index=False, startrow=start)
            ws = writer.sheets[sheet]
            if start:
                ws.write(0, 0, t["simulated"], warn)
            for c, name in enumerate(wide.columns):
                ws.write(start, c, name, header)
            ws.set_column(0, 1, 14)
            ws.set_column(2, len(wide.columns), 14, num)
            ws.freeze_panes(start + 1, 3)
        w = results.weights.copy()
        w.insert(1, t["name"], [fw.name(n, lang) for n in w["node"]])
        w = w.rename(columns={k: t[k] for k in ("node", "parent", "weight", "effective_weight")})
        w.to_excel(writer, sheet_name=t["weights"], index=False)
        ws = writer.sheets[t["weights"]]
        for c, name in enumerate(w.columns):
            ws.write(0, c, name, header)
        ws.set_column(0, 2, 22)
        ws.set_column(3, 4, 16, book.add_format({"num_format": "0.0000"}))
        ws.freeze_panes(1, 0)
        rows = []
        for step in results.record.get("steps", []):
            rows.append(
                {
                    "step": step["step"],
                    "parameters": json.dumps(step["parameters"], ensure_ascii=False),
                }
            )
        for warning in results.record.get("warnings", []):
            rows.append({"step": "warning", "parameters": warning})
        m = pd.DataFrame(rows, columns=["step", "parameters"])
        m.to_excel(writer, sheet_name=t["methods"], index=False)
        ws = writer.sheets[t["methods"]]
        ws.set_column(0, 0, 14)
        ws.set_column(1, 1, 120)
        ws.freeze_panes(1, 0)


def fw_unit_name(results: Results, code: str, lang: str) -> str:
    names = results.record.get("unit_names", {})
    entry = names.get(code)
    if not entry:
        return code
    return str(entry.get("zh" if lang == "zh" else "en") or code)
