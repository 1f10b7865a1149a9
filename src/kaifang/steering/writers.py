"""Output folders of the steering verbs: CSV tables and one formatted Excel workbook, written all
or nothing (a temporary sibling folder, renamed into place once everything is written)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from kaifang.atomic import atomic_folder, write_simulated_note
from kaifang.csvfiles import write_csv

BANNER = {"en": "SIMULATED DATA: not official statistics", "zh": "模拟数据：非官方统计"}

# column -> (en, zh); columns not listed keep their name
LABELS: dict[str, tuple[str, str]] = {
    "target": ("Target", "目标"),
    "target_en": ("Target (en)", "目标（英文）"),
    "target_zh": ("Target (zh)", "目标名称"),
    "indicator": ("Series", "指标序列"),
    "unit": ("Unit code", "地区代码"),
    "unit_en": ("Unit", "地区（英文）"),
    "unit_zh": ("Unit (zh)", "地区"),
    "base_year": ("Base year", "基期"),
    "base_value": ("Base value", "基期值"),
    "target_year": ("Target year", "目标年"),
    "target_value": ("Target value", "目标值"),
    "latest_year": ("Latest year", "最新年份"),
    "latest_value": ("Latest value", "最新值"),
    "required_cagr": ("Required annual growth", "所需年均增速"),
    "realised_cagr": ("Realised annual growth", "实际年均增速"),
    "expected_latest": ("Straight-path value", "目标路径值"),
    "gap": ("Gap to path", "与路径差距"),
    "ratio": ("Actual / path", "实际/路径"),
    "status": ("Status", "状态（英文）"),
    "status_zh": ("Status (zh)", "状态"),
    "cagr_needed_from_now": ("Growth needed from now", "此后所需年均增速"),
    "years_to_reach": ("Years to reach at realised rate", "按实际增速达标所需年数"),
    "year_reached": ("Year reached at realised rate", "按实际增速达标年份"),
    "projection_model": ("Projection model", "预测模型"),
    "projection": ("Projection", "预测值"),
    "projection_lower": ("Projection lower", "预测区间下限"),
    "projection_upper": ("Projection upper", "预测区间上限"),
    "projection_to_target": ("Projection / target", "预测/目标"),
    "mae_loglinear": ("One-step MAE log-linear", "对数线性一步误差"),
    "mae_rw_drift": ("One-step MAE random walk", "随机游走一步误差"),
    "fit_points": ("Points fitted", "拟合点数"),
    "year": ("Year", "年份"),
    "actual": ("Actual", "实际值"),
    "expected": ("Straight path", "目标路径"),
    "scenario": ("Scenario", "情景"),
    "name_en": ("Name", "名称（英文）"),
    "name_zh": ("Name (zh)", "名称"),
    "changes": ("Changes", "调整"),
    "changes_en": ("Changes (words)", "调整（英文）"),
    "changes_zh": ("Changes (zh)", "调整说明"),
    "nodes_matched": ("Nodes matched", "匹配节点数"),
    "indicators_affected": ("Indicators affected", "涉及指标数"),
    "share_baseline": ("Their share, baseline", "其权重份额（基准）"),
    "share_scenario": ("Their share, scenario", "其权重份额（情景）"),
    "spearman_rho": ("Spearman rho", "斯皮尔曼相关系数"),
    "units_moved": ("Units moved", "排名变动地区数"),
    "max_rank_move": ("Largest rank move", "最大名次变动"),
    "node": ("Node", "指标"),
    "level": ("Level", "层级"),
    "parent": ("Parent", "上级"),
    "score_baseline": ("Score, baseline", "得分（基准）"),
    "score_scenario": ("Score, scenario", "得分（情景）"),
    "score_change": ("Score change", "得分变化"),
    "rank_baseline": ("Rank, baseline", "排名（基准）"),
    "rank_scenario": ("Rank, scenario", "排名（情景）"),
    "rank_change": ("Rank change (+ up)", "名次变化（+为上升）"),
    "weight_baseline": ("Weight, baseline", "权重（基准）"),
    "weight_scenario": ("Weight, scenario", "权重（情景）"),
    "effective_baseline": ("Effective weight, baseline", "综合权重（基准）"),
    "effective_scenario": ("Effective weight, scenario", "综合权重（情景）"),
    "change": ("Change", "变化"),
    "matched": ("Changed", "是否调整"),
    "score": ("Score", "得分"),
    "rank": ("Rank", "排名"),
    "grade": ("Grade", "等级"),
    "multiplier": ("Multiplier", "等级系数"),
    "base_share": ("Base share", "基础份额"),
    "performance_share": ("Performance share", "绩效份额"),
    "improvement_share": ("Improvement share", "进步份额"),
    "base": ("Base part", "基础部分"),
    "performance": ("Performance part", "绩效部分"),
    "improvement": ("Improvement part", "进步奖励"),
    "by_rule": ("By rule", "规则金额"),
    "floor": ("Floor", "保底"),
    "cap": ("Cap", "封顶"),
    "floor_cap_adjustment": ("Floor/cap adjustment", "保底封顶调整"),
    "rounding_adjustment": ("Rounding adjustment", "取整调整"),
    "final": ("Final amount", "最终金额"),
    "final_share": ("Final share", "最终占比"),
    "formula_en": ("Formula", "计算式（英文）"),
    "formula_zh": ("Formula (zh)", "计算式"),
    "item": ("Item", "项目"),
    "rule_en": ("Rule", "规则（英文）"),
    "rule_zh": ("Rule (zh)", "规则"),
    "note": ("Note", "说明"),
}

PERCENT = {
    "required_cagr",
    "realised_cagr",
    "cagr_needed_from_now",
    "share_baseline",
    "share_scenario",
    "base_share",
    "performance_share",
    "improvement_share",
    "final_share",
    "effective_baseline",
    "effective_scenario",
    "weight_baseline",
    "weight_scenario",
    "change",
    "ratio",
    "projection_to_target",
}
MONEY = {
    "base",
    "performance",
    "improvement",
    "by_rule",
    "floor",
    "cap",
    "floor_cap_adjustment",
    "rounding_adjustment",
    "final",
}
INTEGER = {
    "year",
    "base_year",
    "target_year",
    "latest_year",
    "year_reached",
    "rank",
    "rank_baseline",
    "rank_scenario",
    "rank_change",
    "level",
    "fit_points",
}


# columns holding ids and codes: shown in Consolas, the workbooks' code formatting
CODE_COLUMNS = {
    "target",
    "indicator",
    "unit",
    "scenario",
    "node",
    "parent",
    "projection_model",
    "item",
}
# Chinese prose that may name ids (globs, file names): written with the ids in Consolas
PROSE_COLUMNS = {"changes_zh", "formula_zh", "rule_zh"}


def zh_columns(frame: pd.DataFrame) -> list[str]:
    """The columns a Chinese workbook shows: not the English twin of a zh column (``name_en``
    beside ``name_zh``, ``status`` beside ``status_zh``, ``changes`` beside ``changes_zh``)."""
    cols = [str(c) for c in frame.columns]
    return [
        c
        for c in cols
        if not (c.endswith("_en") and f"{c[:-3]}_zh" in cols) and f"{c}_zh" not in cols
    ]


def label(column: str, lang: str, labels: dict[str, tuple[str, str]] | None = None) -> str:
    pair = (labels or {}).get(column) or LABELS.get(column)
    if pair is None:
        if column.startswith("factor_"):
            name = column.removeprefix("factor_")
            return f"Share of {name}" if lang == "en" else f"{name}占比"
        return column
    return pair[1] if lang == "zh" else pair[0]


@dataclass(frozen=True)
class Sheet:
    key: str  # CSV file name without .csv
    title_en: str
    title_zh: str
    frame: pd.DataFrame
    notes: list[str] = field(default_factory=list)
    labels: dict[str, tuple[str, str]] = field(default_factory=dict)


def _write_excel(path: Path, sheets: list[Sheet], lang: str, simulated: bool) -> None:
    with pd.ExcelWriter(path, engine="xlsxwriter") as writer:
        book = writer.book
        header = book.add_format(
            {"bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True, "valign": "top"}
        )
        warn = book.add_format({"bold": True, "font_color": "#C00000"})
        title_fmt = book.add_format({"bold": True, "font_size": 12})
        formats = {
            "code": book.add_format({"font_name": "Consolas"}),
            "percent": book.add_format({"num_format": "0.00%"}),
            "money": book.add_format({"num_format": "#,##0"}),
            "integer": book.add_format({"num_format": "0"}),
            "number": book.add_format({"num_format": "#,##0.00"}),
        }
        for sheet in sheets:
            name = (sheet.title_zh if lang == "zh" else sheet.title_en)[:31]
            top = 1 + int(simulated)
            shown = sheet.frame[zh_columns(sheet.frame)] if lang == "zh" else sheet.frame
            frame = shown.rename(columns={c: label(str(c), lang, sheet.labels) for c in shown})
            frame.to_excel(writer, sheet_name=name, index=False, startrow=top)
            ws = writer.sheets[name]
            ws.write(0, 0, sheet.title_zh if lang == "zh" else sheet.title_en, title_fmt)
            if simulated:
                ws.write(1, 0, BANNER[lang], warn)
            for c, column in enumerate(shown.columns):
                col = str(column)
                ws.write(top, c, label(col, lang, sheet.labels), header)
                kind = (
                    "code"
                    if col in CODE_COLUMNS
                    else "percent"
                    if col in PERCENT
                    else "money"
                    if col in MONEY
                    else "integer"
                    if col in INTEGER
                    else "number"
                    if pd.api.types.is_float_dtype(shown[column])
                    else None
                )
                width = 60 if col.startswith(("formula", "rule", "changes")) else 16
                ws.set_column(c, c, width, formats[kind] if kind else None)
            if lang == "zh":
                _rich_prose(ws, shown, top, formats["code"])
            ws.freeze_panes(top + 1, 0)
            row = top + len(frame) + 2
            # the notes are English (notes.txt holds them); a Chinese sheet leaves them out
            for note in sheet.notes if lang != "zh" else []:
                ws.write(row, 0, note)
                row += 1


def _rich_prose(ws: Any, frame: pd.DataFrame, top: int, code: Any) -> None:
    """Rewrite the cells of Chinese prose columns with their ids in Consolas."""
    from kaifang.report.zhtext import split_ids

    for c, column in enumerate(frame.columns):
        if str(column) not in PROSE_COLUMNS:
            continue
        for r, value in enumerate(frame[column].tolist(), start=top + 1):
            runs = split_ids(value) if isinstance(value, str) else []
            if not any(is_code for _, is_code in runs):
                continue
            if len(runs) == 1:
                ws.write_string(r, c, value, code)
                continue
            parts: list[Any] = []
            for piece, is_code in runs:
                parts += [code, piece] if is_code else [piece]
            ws.write_rich_string(r, c, *parts)


def write_tables(
    outdir: Path | str,
    workbook: str,
    sheets: list[Sheet],
    lang: str,
    simulated: bool,
    notes: list[str] | None = None,
) -> Path:
    """Write every sheet as ``<key>.csv`` and all of them into ``<workbook>.xlsx``; the folder
    replaces ``outdir`` only once everything is written."""
    outdir = Path(outdir)
    with atomic_folder(outdir) as tmp:
        for sheet in sheets:
            write_csv(sheet.frame, tmp / f"{sheet.key}.csv")
        if notes:
            (tmp / "notes.txt").write_text("\n".join(notes) + "\n", encoding="utf-8")
        if simulated:
            write_simulated_note(tmp)
        _write_excel(tmp / f"{workbook}.xlsx", sheets, lang, simulated)
    return outdir
