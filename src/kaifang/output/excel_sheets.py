"""The data and analysis sheets of ``results.xlsx``: raw series, denominated values (ratios in
their display unit), targets, fund allocation, weight scenarios and rank uncertainty. A sheet of
an analysis is written only when the analysis was run (its table is in the results folder)."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import pandas as pd

from kaifang.report.data import ReportData

Sheet = Any
Formats = dict[str, Any]

LABELS: dict[str, dict[str, str]] = {
    "en": {
        "raw": "Raw data",
        "raw_title": "Raw series as read (indicators and auxiliary series, in their own units)",
        "denominated": "Denominated",
        "denominated_title": "Indicator values: ratios are numerator / denominator times their "
        "display scale, in their display unit; other indicators as read",
        "targets": "Targets",
        "allocation": "Allocation",
        "scenarios": "Scenarios",
        "uncertainty": "Rank uncertainty",
        "target": "Target",
        "base_year": "Base year",
        "base_value": "Base value",
        "target_year": "Target year",
        "target_value": "Target value",
        "latest_year": "Latest year",
        "latest_value": "Latest value",
        "expected_latest": "Path value",
        "ratio": "Actual / path",
        "status": "Status",
        "required_cagr": "Required growth",
        "realised_cagr": "Realised growth",
        "projection": "Projection",
        "projection_lower": "Lower",
        "projection_upper": "Upper",
        "year_reached": "Reached at realised rate",
        "grade": "Grade",
        "base": "Base",
        "performance": "Performance",
        "improvement": "Improvement",
        "adjustment": "Floor/cap and rounding",
        "final": "Allocated (yuan)",
        "share": "Share",
        "total": "Total",
        "rule": "The rule",
        "scenario": "Scenario",
        "changes": "Changes",
        "share_baseline": "Share before",
        "share_scenario": "Share after",
        "spearman": "Spearman rho",
        "moved": "Units moved",
        "max_move": "Largest move",
        "baseline_rank": "Baseline rank",
        "rank_in": "Rank: {name}",
        "change_in": "Change: {name}",
        "nominal": "Nominal rank",
        "median": "Median rank",
        "q05": "5th percentile",
        "q95": "95th percentile",
        "runs": "Monte Carlo runs N = {runs}, seed {seed}",
        "status_on_track": "on track",
        "status_at_risk": "at risk",
        "status_off_track": "off track",
    },
    "zh": {
        "raw": "原始数据",
        "raw_title": "读入的原始序列（指标与辅助序列，各用其原始单位）",
        "denominated": "分母化数据",
        "denominated_title": "指标值：比值类指标为分子除以分母再乘显示系数，按显示单位列出；"
        "其他指标为原始值",
        "targets": "目标进度",
        "allocation": "资金分配",
        "scenarios": "权重情景",
        "uncertainty": "排名不确定性",
        "target": "目标",
        "base_year": "基期",
        "base_value": "基期值",
        "target_year": "目标年",
        "target_value": "目标值",
        "latest_year": "最新年份",
        "latest_value": "最新值",
        "expected_latest": "目标路径值",
        "ratio": "实际/路径",
        "status": "状态",
        "required_cagr": "所需年均增速",
        "realised_cagr": "实际年均增速",
        "projection": "预测值",
        "projection_lower": "预测下限",
        "projection_upper": "预测上限",
        "year_reached": "按实际增速达标年份",
        "grade": "等级",
        "base": "基础部分",
        "performance": "绩效部分",
        "improvement": "进步奖励",
        "adjustment": "保底/封顶与取整调整",
        "final": "分配金额（元）",
        "share": "占比",
        "total": "合计",
        "rule": "分配规则",
        "scenario": "情景",
        "changes": "调整",
        "share_baseline": "基准份额",
        "share_scenario": "情景份额",
        "spearman": "斯皮尔曼相关系数",
        "moved": "排名变动地区数",
        "max_move": "最大名次变动",
        "baseline_rank": "基准排名",
        "rank_in": "排名：{name}",
        "change_in": "名次变化：{name}",
        "nominal": "名义排名",
        "median": "排名中位数",
        "q05": "5% 分位",
        "q95": "95% 分位",
        "runs": "蒙特卡洛模拟次数 N = {runs}，随机种子 {seed}",
        "status_on_track": "进度正常",
        "status_at_risk": "存在风险",
        "status_off_track": "明显滞后",
    },
}


def _f(v: Any) -> float:
    try:
        return float(v)
    except (TypeError, ValueError):
        return math.nan


def put(ws: Sheet, row: int, col: int, v: Any, f: Any = None) -> None:
    """A number (blank when missing) or a string."""
    if isinstance(v, str):
        ws.write_string(row, col, v, f)
        return
    x = _f(v)
    if math.isnan(x):
        ws.write_blank(row, col, None, f)
    else:
        ws.write_number(row, col, x, f)


def rich(ws: Sheet, row: int, col: int, text: str, fmt: Formats, cell: Any = None) -> None:
    """A string with its ids (``kaifang.report.zhtext.split_ids``) in Consolas: the workbook's
    code formatting, so that a Chinese sheet carries no stray English words."""
    from kaifang.report.zhtext import split_ids

    runs = split_ids(text)
    if not any(code for _, code in runs):
        ws.write_string(row, col, text, cell)
    elif len(runs) == 1:
        ws.write_string(row, col, text, fmt["code"])
    else:
        parts: list[Any] = []
        for piece, code in runs:
            parts += [fmt["code"], piece] if code else [piece]
        ws.write_rich_string(row, col, *parts, *([] if cell is None else [cell]))


def _heads(ws: Sheet, row: int, heads: list[str], fmt: Formats) -> None:
    for c, h in enumerate(heads):
        ws.write(row, c, h, fmt["header"])


def _wide(
    data: ReportData, values: dict[tuple[str, int, str], float], series: list[str]
) -> list[tuple[str, int, list[float]]]:
    units = sorted({u for u, _, _ in values})
    years = sorted({y for _, y, _ in values}, reverse=True)
    return [(u, y, [values.get((u, y, s), math.nan) for s in series]) for y in years for u in units]


def data_sheets(
    book: Any,
    data: ReportData,
    lang: str,
    fmt: Formats,
    banner: Callable[[Sheet, str], int],
) -> None:
    """``原始数据`` (every raw series) and, with a denominate step, ``分母化数据``."""
    t = LABELS[lang]
    fw = data.framework
    raw = {
        (str(u), int(y), str(i)): _f(v)
        for u, y, i, v in zip(
            data.raw["unit"],
            data.raw["year"],
            data.raw["indicator"],
            data.raw["value"],
            strict=True,
        )
    }
    present = {k[2] for k in raw}

    def raw_unit(series: str) -> str:
        return fw.unit(series, lang)

    def shown_unit(series: str) -> str:
        return fw.display_unit(series, lang)

    tables: list[tuple[str, list[str], dict[tuple[str, int, str], float], Callable[[str], str]]]
    tables = [("raw", [s for s in fw.series if s in present], raw, raw_unit)]
    if data.denominated is not None:
        tables.append(
            (
                "denominated",
                [i for i in fw.indicators if i in present],
                data.shown_values(None),
                shown_unit,
            )
        )
    code, name, year = _unit_heads(lang)
    for key, series, values, unit_of in tables:
        ws = book.add_worksheet(t[key])
        head_row = banner(ws, t[f"{key}_title"])
        heads = [code, name, year] + [
            fw.name(s, lang) + (f" ({unit_of(s)})" if unit_of(s) else "") for s in series
        ]
        _heads(ws, head_row, heads, fmt)
        ws.set_row(head_row, 60)
        rows = _wide(data, values, series)
        for r, (u, y, vals) in enumerate(rows, start=head_row + 1):
            ws.write_string(r, 0, u, fmt["code"])
            ws.write_string(r, 1, data.unit_name(u, lang))
            ws.write_number(r, 2, y)
            for c, v in enumerate(vals, start=3):
                put(ws, r, c, v, fmt["value"])
        ws.set_column(0, 0, 10)
        ws.set_column(1, 1, 14)
        ws.set_column(2, 2, 7)
        ws.set_column(3, len(heads) - 1, 14)
        ws.freeze_panes(head_row + 1, 3)
        ws.autofilter(head_row, 0, head_row + len(rows), len(heads) - 1)


def _unit_heads(lang: str) -> tuple[str, str, str]:
    return ("地区代码", "地区", "年份") if lang == "zh" else ("Code", "Unit", "Year")


def analysis_sheets(
    book: Any,
    data: ReportData,
    lang: str,
    fmt: Formats,
    banner: Callable[[Sheet, str], int],
) -> None:
    """A sheet for each analysis run with the assessment: targets, allocation, scenarios and
    rank uncertainty."""
    a = data.analyses
    t = LABELS[lang]
    zh = lang == "zh"
    code, name, _ = _unit_heads(lang)
    if a.targets is not None and not a.targets.empty:
        ws = book.add_worksheet(t["targets"])
        row = banner(ws, t["targets"])
        cols = [
            "base_year",
            "base_value",
            "target_year",
            "target_value",
            "latest_year",
            "latest_value",
            "expected_latest",
            "ratio",
            "required_cagr",
            "realised_cagr",
            "projection",
            "projection_lower",
            "projection_upper",
            "year_reached",
        ]
        _heads(ws, row, [t["target"], code, name, t["status"], *[t[c] for c in cols]], fmt)
        for r, d in enumerate(a.targets.to_dict("records"), start=row + 1):
            ws.write_string(r, 0, str(d["target_zh" if zh else "target_en"]))
            ws.write_string(r, 1, str(d["unit"]), fmt["code"])
            ws.write_string(r, 2, str(d["unit_zh" if zh else "unit_en"]))
            ws.write_string(r, 3, t.get(f"status_{d['status']}", str(d["status"])))
            for c, col in enumerate(cols, start=4):
                f = fmt["pct"] if col.endswith("cagr") else fmt["value"]
                put(ws, r, c, d[col], f)
        ws.set_column(0, 0, 30)
        ws.set_column(1, 3, 12)
        ws.set_column(4, 4 + len(cols), 12)
        ws.freeze_panes(row + 1, 3)
    if a.allocation is not None and not a.allocation.empty:
        ws = book.add_worksheet(t["allocation"])
        row = banner(ws, t["allocation"])
        parts = ["base", "performance", "improvement", "adjustment", "final", "share"]
        _heads(ws, row, [code, name, t["grade"], *[t[p] for p in parts]], fmt)
        table = a.allocation
        units = table[table["unit"] != "TOTAL"].sort_values("unit")
        r = row
        for r, d in enumerate(units.to_dict("records"), start=row + 1):
            ws.write_string(r, 0, str(d["unit"]), fmt["code"])
            ws.write_string(r, 1, data.unit_name(str(d["unit"]), lang))
            ws.write_string(r, 2, "" if pd.isna(d.get("grade")) else str(d.get("grade")))
            values = [
                d["base"],
                d["performance"],
                d["improvement"],
                _f(d["floor_cap_adjustment"]) + _f(d["rounding_adjustment"]),
                d["final"],
            ]
            for c, v in enumerate(values, start=3):
                put(ws, r, c, v, fmt["money"])
            put(ws, r, 8, d["final_share"], fmt["pct"])
        total = r + 1
        ws.write_string(total, 1, t["total"], fmt["bold"])
        for c in range(3, 8):
            col = chr(ord("A") + c)
            ws.write_formula(total, c, f"=SUM({col}{row + 2}:{col}{total})", fmt["money"])
        if a.allocation_rule is not None:
            ws.write_string(total + 2, 0, t["rule"], fmt["bold"])
            for i, line in enumerate(a.allocation_rule["rule_zh" if zh else "rule_en"]):
                rich(ws, total + 3 + i, 0, str(line), fmt)
        ws.set_column(0, 0, 10)
        ws.set_column(1, 2, 12)
        ws.set_column(3, 8, 15)
        ws.freeze_panes(row + 1, 2)
    if a.scenario_summary is not None and not a.scenario_summary.empty:
        ws = book.add_worksheet(t["scenarios"])
        row = banner(ws, t["scenarios"])
        heads = ["scenario", "changes", "share_baseline", "share_scenario", "spearman", "moved"]
        _heads(ws, row, [t[h] for h in heads] + [t["max_move"]], fmt)
        summary = a.scenario_summary.to_dict("records")
        for r, d in enumerate(summary, start=row + 1):
            ws.write_string(r, 0, str(d["name_zh" if zh else "name_en"]))
            rich(ws, r, 1, str(d.get("changes_zh" if zh else "changes_en", d["changes"])), fmt)
            put(ws, r, 2, d["share_baseline"], fmt["pct"])
            put(ws, r, 3, d["share_scenario"], fmt["pct"])
            put(ws, r, 4, d["spearman_rho"], fmt["rho"])
            put(ws, r, 5, d["units_moved"])
            put(ws, r, 6, d["max_rank_move"])
        if a.scenario_ranks is not None:
            r0 = row + len(summary) + 3
            names = [str(d["name_zh" if zh else "name_en"]) for d in summary]
            ids = [str(d["scenario"]) for d in summary]
            heads = [code, name, t["baseline_rank"]]
            for n in names:
                heads += [t["rank_in"].format(name=n), t["change_in"].format(name=n)]
            _heads(ws, r0, heads, fmt)
            ranks = a.scenario_ranks
            base = ranks[ranks["scenario"] == ids[0]].sort_values("unit")
            for r, u in enumerate(base["unit"].tolist(), start=r0 + 1):
                ws.write_string(r, 0, str(u), fmt["code"])
                ws.write_string(r, 1, data.unit_name(str(u), lang))
                mine = ranks[ranks["unit"] == u].set_index("scenario")
                put(ws, r, 2, mine["rank_baseline"].iloc[0])
                for k, s in enumerate(ids):
                    put(ws, r, 3 + 2 * k, mine.loc[s, "rank_scenario"])
                    put(ws, r, 4 + 2 * k, mine.loc[s, "rank_change"], fmt["change"])
            ws.set_row(r0, 48)
        ws.set_column(0, 0, 34)
        ws.set_column(1, 1, 40)
        ws.set_column(2, 12, 14)
    if a.rank_intervals is not None and not a.rank_intervals.empty:
        p = a.params.get("sensitivity", {})
        ws = book.add_worksheet(t["uncertainty"])
        row = banner(ws, t["uncertainty"])
        ws.write_string(row, 0, t["runs"].format(runs=p.get("runs", ""), seed=p.get("seed", "")))
        row += 1
        cols = ["nominal_rank", "median_rank", "q05_rank", "q95_rank"]
        _heads(ws, row, [code, name, t["nominal"], t["median"], t["q05"], t["q95"]], fmt)
        table = a.rank_intervals.sort_values("unit")
        for r, d in enumerate(table.to_dict("records"), start=row + 1):
            ws.write_string(r, 0, str(d["unit"]), fmt["code"])
            ws.write_string(r, 1, data.unit_name(str(d["unit"]), lang))
            for c, col in enumerate(cols, start=2):
                put(ws, r, c, d[col])
        ws.set_column(0, 0, 10)
        ws.set_column(1, 5, 14)
        ws.freeze_panes(row + 1, 2)
