"""The report sections of the analyses saved with a run (kaifang.report.analyses): targets, weight
scenarios, fund allocation and rank intervals. Each builder returns ``None`` when its tables are
absent, and the template then leaves the section (and its line in the contents) out."""

from __future__ import annotations

import math
from collections.abc import Sequence
from html import escape
from typing import Any

import pandas as pd

from kaifang.report.analyses import Analyses
from kaifang.report.charts import ACCENT, INK, MUTED, SVG_FONT, fmt_tick, nice_bounds

Text = dict[str, str]

SECTION_LABELS: dict[str, Text] = {
    "targets": {"zh": "目标进度", "en": "Targets"},
    "scenarios": {"zh": "权重情景", "en": "Weight scenarios"},
    "allocation": {"zh": "资金分配", "en": "Fund allocation"},
    "sensitivity": {"zh": "排名不确定性", "en": "Rank uncertainty"},
    "on_track": {"zh": "进度正常", "en": "On track"},
    "at_risk": {"zh": "存在风险", "en": "At risk"},
    "off_track": {"zh": "明显滞后", "en": "Off track"},
    "status": {"zh": "状态", "en": "Status"},
    "latest": {"zh": "最新值", "en": "Latest"},
    "path_value": {"zh": "目标路径值", "en": "Path value"},
    "ratio": {"zh": "实际/路径", "en": "Actual / path"},
    "required": {"zh": "所需年均增速", "en": "Required growth"},
    "realised": {"zh": "实际年均增速", "en": "Realised growth"},
    "projection": {"zh": "预测（区间）", "en": "Projection (interval)"},
    "year_reached": {"zh": "按实际增速达标", "en": "Reached at realised rate"},
    "total": {"zh": "合计", "en": "Total"},
    "actual": {"zh": "实际值", "en": "Actual"},
    "straight_path": {"zh": "目标路径", "en": "Straight path to target"},
    "projection_band": {"zh": "预测区间", "en": "Projection interval"},
    "target_value": {"zh": "目标值", "en": "Target"},
    "targets_caption": {
        "zh": "目标：{target}。基期 {base} 年，目标年 {year} 年；状态按最新值与目标路径值之比判定"
        "（≥{on}：进度正常；{risk}–{on}：存在风险；<{risk}：明显滞后）。",
        "en": "Target: {target}. Base year {base}, target year {year}; status from latest value / "
        "straight-path value (≥ {on} on track, {risk}–{on} at risk, < {risk} off track).",
    },
    "scenario": {"zh": "情景", "en": "Scenario"},
    "changes": {"zh": "调整", "en": "Changes"},
    "share_before_after": {
        "zh": "相关指标权重份额（基准→情景）",
        "en": "Their share (baseline → scenario)",
    },
    "spearman": {"zh": "斯皮尔曼相关系数", "en": "Spearman rho"},
    "units_moved": {"zh": "排名变动地区数", "en": "Units moved"},
    "max_move": {"zh": "最大名次变动", "en": "Largest move"},
    "baseline_rank": {"zh": "基准排名", "en": "Baseline rank"},
    "scenarios_robust": {
        "zh": "以下情景中没有任何地区的排名发生变化（ρ = 1.000），"
        "即排名对这些权重调整是稳健的：{names}。",
        "en": "No unit changes rank under these scenarios (rho = 1.000): the ranking is robust to "
        "these weight changes: {names}.",
    },
    "scenarios_robust_all": {
        "zh": "所有情景中均没有地区的排名发生变化（ρ = 1.000），即排名对这些权重调整是稳健的。",
        "en": "No unit changes rank under any scenario (rho = 1.000): the ranking is robust to "
        "these weight changes.",
    },
    "scenarios_caption": {
        "zh": "{year} 年{index}排名：基准与各权重情景比较（▲ 上升，▼ 下降）。",
        "en": "{index} ranks of {year}: baseline against each weight scenario (▲ up, ▼ down).",
    },
    "grade": {"zh": "等级", "en": "Grade"},
    "base_part": {"zh": "基础部分", "en": "Base"},
    "performance_part": {"zh": "绩效部分", "en": "Performance"},
    "improvement_part": {"zh": "进步奖励", "en": "Improvement"},
    "adjustment": {"zh": "保底/封顶与取整调整", "en": "Floor/cap and rounding"},
    "final": {"zh": "分配金额", "en": "Allocated"},
    "share": {"zh": "占比", "en": "Share"},
    "rule": {"zh": "分配规则", "en": "The rule"},
    "allocation_caption": {
        "zh": "资金总额 {budget} 元，依据 {year} 年评估结果（单位：元）。",
        "en": "Budget {budget} yuan, by the assessment of {year} (amounts in yuan).",
    },
    "sum_ok": {
        "zh": "核对：各地区分配金额合计 {total} 元 = 资金总额 {budget} 元。",
        "en": "Check: the amounts sum to {total} yuan = the budget of {budget} yuan.",
    },
    "sum_bad": {
        "zh": "核对失败：各地区分配金额合计 {total} 元 ≠ 资金总额 {budget} 元。",
        "en": "Check FAILED: the amounts sum to {total} yuan, not the budget of {budget} yuan.",
    },
    "sensitivity_caption": {
        "zh": "不确定性分析：N = {runs} 次蒙特卡洛模拟（随机种子 {seed}），同时改变：{inputs}。"
        "横条为 {year} 年{index}排名的 5%–95% 区间，圆点为中位数，菱形为名义排名；按名义排名排序。"
        "模拟次数 N 由配置项 report.sensitivity_samples 设定。",
        "en": "Uncertainty analysis: N = {runs} Monte Carlo runs (seed {seed}) varying {inputs}. "
        "Bars: 5th–95th percentile of the {year} {index} rank; dot: median; diamond: nominal "
        "rank; units sorted by nominal rank. N is set by report.sensitivity_samples.",
    },
    "nominal_rank": {"zh": "名义排名", "en": "Nominal rank"},
    "median_rank": {"zh": "排名中位数", "en": "Median rank"},
    "interval_5_95": {"zh": "5%–95% 区间", "en": "5th–95th percentile"},
}

STATUS_COLOUR = {"on_track": "#15803d", "at_risk": "#b45309", "off_track": "#b91c1c"}
PATH_COLOUR = "#9ca3af"
BAND = "#fde68a"


def text(key: str, lang: str, **fields: object) -> str:
    value = SECTION_LABELS[key]["zh" if lang == "zh" else "en"]
    return value.format(**fields) if fields else value


def _f(v: Any) -> float:
    try:
        x = float(v)
    except (TypeError, ValueError):
        return math.nan
    return x


def _num(v: float) -> str:
    if math.isnan(v):
        return "—"
    a = abs(v)
    return f"{v:,.0f}" if a >= 1000 else f"{v:.1f}" if a >= 100 else f"{v:.2f}"


def _pct(v: float) -> str:
    return "—" if math.isnan(v) else f"{100 * v:.1f}%"


def _code_ids(words: str) -> str:
    """Escaped text with node globs (``trade_*|fdi_*``) in code formatting."""
    from kaifang.report.zhtext import code_ids

    return str(code_ids(words))


def _money(v: float) -> str:
    return "—" if math.isnan(v) else f"{v:,.0f}"


# ------------------------------------------------------------------------------------ targets
def target_chart(
    years: Sequence[int],
    actual: Sequence[float],
    expected: Sequence[float],
    band: tuple[int, float, float, float, float] | None,
    goal: tuple[int, float],
    colour: str,
    title: str,
    width: int = 300,
    height: int = 150,
) -> str:
    """The actual series (solid, in the status colour) against the straight path to the target
    (dashed), with the projection interval as a fan from the latest value to the target year
    (``band`` = latest year, latest value, lower, point, upper) and the target as a ring."""
    left, right, top, bottom = 44, 10, 8, 20
    values = [v for v in [*actual, *expected, goal[1]] if not math.isnan(v)]
    if band is not None:
        values += [v for v in band[1:] if not math.isnan(v)]
    lo, hi, step = nice_bounds(min(values, default=0.0), max(values, default=1.0))
    lo = max(lo, 0.0) if min(values, default=0.0) >= 0 else lo
    y0, y1 = years[0], years[-1]

    def x(yr: float) -> float:
        return left + 8 + (width - left - right - 16) * ((yr - y0) / (y1 - y0) if y1 > y0 else 0.5)

    def y(v: float) -> float:
        return top + (height - top - bottom) * (1 - (v - lo) / (hi - lo))

    parts = [
        f'<svg class="target" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'role="img" aria-label="{escape(title)}" font-family="{SVG_FONT}">'
    ]
    v = lo
    while v <= hi + step / 2:
        parts.append(
            f'<line x1="{left}" x2="{width - right}" y1="{y(v):.1f}" y2="{y(v):.1f}" '
            f'stroke="#e5e7eb" stroke-width="1"/><text x="{left - 4}" y="{y(v) + 3:.1f}" '
            f'font-size="9" fill="{MUTED}" text-anchor="end">{_tick(v, step)}</text>'
        )
        v += step
    if band is not None and not any(math.isnan(b) for b in band[1:]):
        ly, lv, low, point, up = band
        parts.append(
            f'<polygon points="{x(ly):.1f},{y(lv):.1f} {x(y1):.1f},{y(up):.1f} '
            f'{x(y1):.1f},{y(low):.1f}" fill="{BAND}" fill-opacity="0.75"/>'
            f'<line x1="{x(ly):.1f}" y1="{y(lv):.1f}" x2="{x(y1):.1f}" y2="{y(point):.1f}" '
            f'stroke="#b45309" stroke-width="1.2" stroke-dasharray="2 2"/>'
        )
    parts.append(_line(x, y, years, expected, PATH_COLOUR, 1.6, dash=True))
    parts.append(_line(x, y, years, actual, colour, 2.2))
    for yr, a in zip(years, actual, strict=True):
        if not math.isnan(a):
            parts.append(f'<circle cx="{x(yr):.1f}" cy="{y(a):.1f}" r="2.4" fill="{colour}"/>')
    parts.append(
        f'<circle cx="{x(goal[0]):.1f}" cy="{y(goal[1]):.1f}" r="4" fill="none" '
        f'stroke="{INK}" stroke-width="1.6"/>'
    )
    every = 1 if len(years) <= 8 else math.ceil(len(years) / 6)
    for i, yr in enumerate(years):
        if i % every == 0 or i == len(years) - 1:
            parts.append(
                f'<text x="{x(yr):.1f}" y="{height - 6}" font-size="9" fill="{MUTED}" '
                f'text-anchor="middle">{yr}</text>'
            )
    parts.append("</svg>")
    return "".join(parts)


def _tick(v: float, step: float) -> str:
    return f"{v:,.0f}" if abs(v) >= 1000 else fmt_tick(v, step)


def _line(
    x: Any,
    y: Any,
    years: Sequence[int],
    values: Sequence[float],
    colour: str,
    w: float,
    dash: bool = False,
) -> str:
    segments: list[list[str]] = [[]]
    for yr, v in zip(years, values, strict=True):
        if math.isnan(v):
            segments.append([])
        else:
            segments[-1].append(f"{x(yr):.1f},{y(v):.1f}")
    dashed = ' stroke-dasharray="4 3"' if dash else ""
    return "".join(
        f'<polyline points="{" ".join(s)}" fill="none" stroke="{colour}" stroke-width="{w}"'
        f' stroke-linejoin="round"{dashed}/>'
        for s in segments
        if len(s) > 1
    )


def targets_section(
    a: Analyses, lang: str, unit_name: Any, series_unit: Any = None
) -> list[dict[str, Any]] | None:
    """One block per target: a row and a chart per unit (and the total)."""
    summary, paths = a.targets, a.target_paths
    if summary is None or paths is None or summary.empty:
        return None
    notes = a.params.get("targets", {}).get("notes", [])
    on, risk = _thresholds(notes)
    blocks = []
    for target, rows in summary.groupby("target", sort=False):
        first = rows.iloc[0]
        name = str(first["target_zh" if lang == "zh" else "target_en"])
        items = []
        for d in rows.to_dict("records"):
            code = str(d["unit"])
            label = str(d["unit_zh" if lang == "zh" else "unit_en"] or unit_name(code, lang))
            p = paths[(paths["target"] == target) & (paths["unit"] == code)].sort_values("year")
            status = str(d["status"])
            colour = STATUS_COLOUR.get(status, MUTED)
            latest_year = int(_f(d["latest_year"])) if not math.isnan(_f(d["latest_year"])) else 0
            band = (
                latest_year,
                _f(d["latest_value"]),
                _f(d["projection_lower"]),
                _f(d["projection"]),
                _f(d["projection_upper"]),
            )
            chart = target_chart(
                [int(v) for v in p["year"]],
                [_f(v) for v in p["actual"]],
                [_f(v) for v in p["expected"]],
                band if latest_year else None,
                (int(d["target_year"]), _f(d["target_value"])),
                colour,
                f"{name} · {label}",
            )
            reached = _f(d["year_reached"])
            items.append(
                {
                    "name": label,
                    "status": text(status, lang) if status in STATUS_COLOUR else status,
                    "status_key": status,
                    "colour": colour,
                    "latest": f"{_num(_f(d['latest_value']))} ({latest_year})",
                    "path": _num(_f(d["expected_latest"])),
                    "ratio": "—" if math.isnan(_f(d["ratio"])) else f"{_f(d['ratio']):.2f}",
                    "required": _pct(_f(d["required_cagr"])),
                    "realised": _pct(_f(d["realised_cagr"])),
                    "projection": f"{_num(_f(d['projection']))} "
                    f"[{_num(_f(d['projection_lower']))}, {_num(_f(d['projection_upper']))}]",
                    "reached": "—" if math.isnan(reached) else str(int(reached)),
                    "chart": chart,
                }
            )
        blocks.append(
            {
                "id": str(target),
                "name": name,
                "caption": _with_unit(first, lang, series_unit)
                + text(
                    "targets_caption",
                    lang,
                    target=name,
                    base=int(first["base_year"]),
                    year=int(first["target_year"]),
                    on=on,
                    risk=risk,
                ),
                "entries": items,
            }
        )
    return blocks


def _with_unit(row: Any, lang: str, series_unit: Any) -> str:
    """'单位：亿元。' for the raw series a target follows (the numerator of a ratio indicator)."""
    if series_unit is None or "indicator" not in row:
        return ""
    unit = series_unit(str(row["indicator"]), lang)
    if not unit:
        return ""
    return f"单位：{unit}。" if lang == "zh" else f"Unit: {unit}. "


def _thresholds(notes: list[str]) -> tuple[str, str]:
    """The status thresholds, as the targets' first note states them."""
    import re

    for note in notes:
        m = re.search(r"on track r >= ([0-9.]+), at risk ([0-9.]+)", note)
        if m:
            return m.group(1), m.group(2)
    return "?", "?"


# ---------------------------------------------------------------------------------- scenarios
def scenarios_section(
    a: Analyses, lang: str, unit_name: Any, index_name: str
) -> dict[str, Any] | None:
    summary, ranks = a.scenario_summary, a.scenario_ranks
    if summary is None or ranks is None or summary.empty:
        return None
    ids = [str(s) for s in summary["scenario"]]
    heads = [
        {
            "id": s,
            "name": str(r["name_zh" if lang == "zh" else "name_en"]),
            "changes": _code_ids(
                str(r.get(f"changes_{'zh' if lang == 'zh' else 'en'}", r["changes"]))
            ),
            "share": f"{_pct(_f(r['share_baseline']))} → {_pct(_f(r['share_scenario']))}",
            "rho": f"{_f(r['spearman_rho']):.3f}",
            "moved": int(_f(r["units_moved"])),
            "max_move": int(_f(r["max_rank_move"])),
        }
        for s, (_, r) in zip(ids, summary.iterrows(), strict=True)
    ]
    base = ranks[ranks["scenario"] == ids[0]].sort_values(["rank_baseline", "unit"])
    table = []
    for u, rb in zip(base["unit"].tolist(), base["rank_baseline"].tolist(), strict=True):
        cells: list[dict[str, Any]] = []
        for s in ids:
            row = ranks[(ranks["scenario"] == s) & (ranks["unit"] == u)]
            if row.empty:
                cells.append({"rank": "—", "change": None})
                continue
            rs, ch = _f(row["rank_scenario"].iloc[0]), _f(row["rank_change"].iloc[0])
            cells.append(
                {
                    "rank": "—" if math.isnan(rs) else int(rs),
                    "change": None if math.isnan(ch) else int(ch),
                }
            )
        table.append(
            {
                "name": unit_name(str(u), lang),
                "baseline": "—" if math.isnan(_f(rb)) else int(_f(rb)),
                "cells": cells,
            }
        )
    year = a.params.get("scenarios", {}).get("year", "")
    still = [str(h["name"]) for h in heads if h["moved"] == 0]
    robust = (
        text(
            "scenarios_robust_all" if len(still) == len(heads) else "scenarios_robust",
            lang,
            names="、".join(still) if lang == "zh" else "; ".join(still),
        )
        if still
        else ""
    )
    return {
        "robust": robust,
        "heads": heads,
        "table": table,
        "caption": text("scenarios_caption", lang, year=year, index=index_name),
    }


# --------------------------------------------------------------------------------- allocation
PART_COLOURS = {"base": "#7fcdbb", "performance": "#225ea8", "improvement": "#f59e0b"}


def allocation_chart(rows: list[dict[str, Any]], title: str, width: int = 640) -> str:
    """Horizontal stacked bars: each unit's base, performance and improvement parts by the rule,
    and a tick at its final amount (after floors, caps and rounding)."""
    left, right, top, row_h = 150, 70, 6, 20
    height = top + row_h * len(rows) + 22
    top_value = max((max(r["by_rule"], r["final"]) for r in rows), default=1.0) or 1.0
    lo, hi, step = nice_bounds(0.0, top_value)

    def x(v: float) -> float:
        return left + (width - left - right) * (v - lo) / (hi - lo)

    parts = [
        f'<svg class="alloc" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'role="img" aria-label="{escape(title)}" font-family="{SVG_FONT}">'
    ]
    v = lo
    while v <= hi + step / 2:
        parts.append(
            f'<line x1="{x(v):.1f}" x2="{x(v):.1f}" y1="{top}" y2="{height - 20}" '
            f'stroke="#e5e7eb"/><text x="{x(v):.1f}" y="{height - 6}" font-size="9" '
            f'fill="{MUTED}" text-anchor="middle">{v / 1e4:,.0f}</text>'
        )
        v += step
    for i, r in enumerate(rows):
        yy = top + i * row_h
        parts.append(
            f'<text x="{left - 6}" y="{yy + 14}" font-size="10.5" fill="{INK}" '
            f'text-anchor="end">{escape(r["name"])}</text>'
        )
        start = 0.0
        for key in ("base", "performance", "improvement"):
            value = r[key]
            if value > 0:
                parts.append(
                    f'<rect x="{x(start):.1f}" y="{yy + 3}" '
                    f'width="{x(start + value) - x(start):.1f}"'
                    f' height="{row_h - 6}" fill="{PART_COLOURS[key]}"/>'
                )
                start += value
        parts.append(
            f'<line x1="{x(r["final"]):.1f}" x2="{x(r["final"]):.1f}" y1="{yy + 1}" '
            f'y2="{yy + row_h - 1}" stroke="{INK}" stroke-width="2"/>'
            f'<text x="{x(max(r["final"], start)) + 5:.1f}" y="{yy + 14}" font-size="10" '
            f'fill="{INK}">{r["final"] / 1e4:,.0f}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def allocation_section(a: Analyses, lang: str, unit_name: Any) -> dict[str, Any] | None:
    table, rule = a.allocation, a.allocation_rule
    if table is None or table.empty:
        return None
    params = a.params.get("allocation", {})
    budget = int(params.get("budget", 0))
    units = table[table["unit"] != "TOTAL"]
    rows: list[dict[str, Any]] = []
    for r in units.to_dict("records"):
        adj = _f(r["floor_cap_adjustment"]) + _f(r["rounding_adjustment"])
        rows.append(
            {
                "name": unit_name(str(r["unit"]), lang),
                "grade": "" if pd.isna(r.get("grade")) else str(r.get("grade")),
                "base": _f(r["base"]) if not math.isnan(_f(r["base"])) else 0.0,
                "performance": _f(r["performance"])
                if not math.isnan(_f(r["performance"]))
                else 0.0,
                "improvement": _f(r["improvement"])
                if not math.isnan(_f(r["improvement"]))
                else 0.0,
                "by_rule": _f(r["by_rule"]),
                "adjustment": adj,
                "final": _f(r["final"]),
                "share": _pct(_f(r["final_share"])),
                "formula": str(r.get("formula_zh" if lang == "zh" else "formula_en") or ""),
            }
        )
    total = round(sum(r["final"] for r in rows))
    title = text("allocation", lang)
    for row in rows:
        row["cells"] = [
            _money(row["base"]),
            _money(row["performance"]),
            _money(row["improvement"]),
            _money(row["adjustment"]) if abs(row["adjustment"]) > 0.5 else "0",
            _money(row["final"]),
        ]
    return {
        "rows": rows,
        "chart": allocation_chart(rows, title),
        "total": _money(total),
        "budget": _money(budget),
        "ok": total == budget,
        "check": text(
            "sum_ok" if total == budget else "sum_bad",
            lang,
            total=_money(total),
            budget=_money(budget),
        ),
        "caption": text(
            "allocation_caption", lang, budget=_money(budget), year=params.get("year", "")
        ),
        "rule": []
        if rule is None
        else [str(v) for v in rule["rule_zh" if lang == "zh" else "rule_en"]],
        "colours": PART_COLOURS,
        "sum_parts": [
            _money(sum(r[k] for r in rows)) for k in ("base", "performance", "improvement")
        ]
        + [_money(sum(r["adjustment"] for r in rows))],
    }


# -------------------------------------------------------------------------------- sensitivity
def interval_chart(rows: list[dict[str, Any]], n_units: int, title: str, rank_word: str) -> str:
    """Units down (sorted by nominal rank), rank across (1 at the left): the 5-95% bar, the
    median (dot) and the nominal rank (diamond)."""
    width, left, right, top, row_h = 640, 150, 16, 22, 15 if len(rows) > 20 else 19
    height = top + row_h * len(rows) + 8

    def x(r: float) -> float:
        return left + (width - left - right) * ((r - 1) / (n_units - 1) if n_units > 1 else 0.5)

    parts = [
        f'<svg class="intervals" viewBox="0 0 {width} {height}" width="{width}" '
        f'height="{height}" role="img" aria-label="{escape(title)}" font-family="{SVG_FONT}">'
    ]
    step = 1 if n_units <= 12 else 5 if n_units <= 60 else 10
    ticks = sorted({1, n_units, *range(step, n_units + 1, step)})
    for t in ticks:
        parts.append(
            f'<line x1="{x(t):.1f}" x2="{x(t):.1f}" y1="{top - 4}" y2="{height - 6}" '
            f'stroke="#eef0f3"/><text x="{x(t):.1f}" y="{top - 8}" font-size="9" '
            f'fill="{MUTED}" text-anchor="middle">{t}</text>'
        )
    parts.append(
        f'<text x="{left - 6}" y="{top - 8}" font-size="9" fill="{MUTED}" '
        f'text-anchor="end">{escape(rank_word)}</text>'
    )
    for i, r in enumerate(rows):
        yy = top + i * row_h + row_h / 2
        parts.append(
            f'<text x="{left - 6}" y="{yy + 3.5:.1f}" font-size="{9.5 if row_h < 19 else 10.5}" '
            f'fill="{INK}" text-anchor="end">{escape(r["name"])}</text>'
        )
        lo, hi = r["q05"], r["q95"]
        if not (math.isnan(lo) or math.isnan(hi)):
            parts.append(
                f'<line x1="{x(lo):.1f}" x2="{x(hi):.1f}" y1="{yy:.1f}" y2="{yy:.1f}" '
                f'stroke="#93c5fd" stroke-width="{row_h * 0.45:.1f}" stroke-linecap="round"/>'
            )
        if not math.isnan(r["median"]):
            parts.append(f'<circle cx="{x(r["median"]):.1f}" cy="{yy:.1f}" r="3" fill="{ACCENT}"/>')
        if not math.isnan(r["nominal"]):
            c, d = x(r["nominal"]), 4.0
            parts.append(
                f'<polygon points="{c:.1f},{yy - d:.1f} {c + d:.1f},{yy:.1f} {c:.1f},{yy + d:.1f} '
                f'{c - d:.1f},{yy:.1f}" fill="none" stroke="{INK}" stroke-width="1.3"/>'
            )
    parts.append("</svg>")
    return "".join(parts)


def sensitivity_section(
    a: Analyses, lang: str, unit_name: Any, index_name: str, rank_word: str
) -> dict[str, Any] | None:
    table = a.rank_intervals
    if table is None or table.empty:
        return None
    p = a.params.get("sensitivity", {})
    t = table.sort_values(["nominal_rank", "unit"], kind="stable")
    rows = [
        {
            "name": unit_name(str(r["unit"]), lang),
            "nominal": _f(r["nominal_rank"]),
            "median": _f(r["median_rank"]),
            "q05": _f(r["q05_rank"]),
            "q95": _f(r["q95_rank"]),
        }
        for r in t.to_dict("records")
    ]
    runs = int(p.get("runs", 0))
    caption = text(
        "sensitivity_caption",
        lang,
        runs=runs,
        seed=p.get("seed", ""),
        inputs=_inputs_text(p, lang),
        year=p.get("year", ""),
        index=index_name,
    )
    for r in rows:
        r["cells"] = [
            "—" if math.isnan(r[k]) else f"{r[k]:g}" for k in ("nominal", "median", "q05", "q95")
        ]
    return {
        "runs": runs,
        "caption": caption,
        "chart": interval_chart(rows, len(rows), caption, rank_word),
        "rows": rows,
    }


def _inputs_text(params: dict[str, Any], lang: str) -> str:
    """The varied inputs in words (older folders hold only their names: those, as code)."""
    words = (params.get("inputs_text") or {}).get("zh" if lang == "zh" else "en")
    if words:
        return ("；" if lang == "zh" else "; ").join(str(w) for w in words)
    return ", ".join(str(i) for i in params.get("inputs", []))


def analysis_sections(
    a: Analyses,
    lang: str,
    unit_name: Any,
    index_name: str,
    rank_word: str,
    series_unit: Any = None,
) -> dict[str, Any]:
    """Every analysis section of the report (``None`` for those without data);
    ``series_unit(series, lang)`` gives the unit of a target's raw series."""
    return {
        "targets": targets_section(a, lang, unit_name, series_unit),
        "scenarios": scenarios_section(a, lang, unit_name, index_name),
        "allocation": allocation_section(a, lang, unit_name),
        "sensitivity": sensitivity_section(a, lang, unit_name, index_name, rank_word),
    }
