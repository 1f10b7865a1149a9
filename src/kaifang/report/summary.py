"""The report sections written from the results alone: the main findings (主要结论), the
year-on-year (同比) changes of the index and its pillars, and the pillar rank trends.

The findings only restate what the tables show (who leads, who moved, each pillar's best and
worst unit, the targets at risk, the largest and smallest allocations); they give no advice.
"""

from __future__ import annotations

import math
from typing import Any

import pandas as pd

from kaifang.report.data import ReportData
from kaifang.report.geomap import short_name

Text = dict[str, str]

SUMMARY_LABELS: dict[str, Text] = {
    "summary": {"zh": "主要结论", "en": "Main findings"},
    "summary_note": {
        "zh": "本节由程序根据评估结果自动生成，只陈述结果中的事实，不含政策建议。",
        "en": "Written automatically from the results: it states what the tables show and "
        "gives no policy advice.",
    },
    "summary_simulated": {
        "zh": "所用数据为模拟数据，以下结论仅用于演示方法，不描述真实情况。",
        "en": "The data are SIMULATED: these findings demonstrate the method and describe "
        "nothing real.",
    },
    "leader": {
        "zh": "{year}年{index}排名第一的是{name}（{score}分），"
        "排名末位的是{last}（{last_score}分），共{n}个地区。",
        "en": "In {year}, {name} leads the {index} ({score}); {last} is last ({last_score}) of "
        "{n} units.",
    },
    "movers": {
        "zh": "与{prev}年相比，名次上升最多的是{up}，下降最多的是{down}。",
        "en": "Since {prev}, {up} gained the most ranks and {down} lost the most.",
    },
    "score_movers": {
        "zh": "与{prev}年相比，{index}得分上升最多的是{up}（{up_d}分），"
        "{down_word}的是{down}（{down_d}分）。",
        "en": "Since {prev}, the {index} score rose most for {up} ({up_d}); {down_word} "
        "{down} ({down_d}).",
    },
    "fell_most": {"zh": "下降最多", "en": "it fell most for"},
    "rose_least": {"zh": "上升最少", "en": "it rose least for"},
    "movers_none": {
        "zh": "与{prev}年相比，各地区名次没有变化。",
        "en": "No unit changed rank since {prev}.",
    },
    "move_up": {"zh": "{name}（上升{k}位）", "en": "{name} (up {k})"},
    "move_down": {"zh": "{name}（下降{k}位）", "en": "{name} (down {k})"},
    "pillar_extremes": {
        "zh": "{pillar}：最高{best}（{best_score}分），最低{worst}（{worst_score}分）。",
        "en": "{pillar}: highest {best} ({best_score}), lowest {worst} ({worst_score}).",
    },
    "pillars_line": {"zh": "各分项的最高与最低地区：", "en": "Each pillar's highest and lowest:"},
    "targets_risk": {
        "zh": "目标“{target}”：{n}个地区进度存在风险或明显滞后（{names}）。",
        "en": "Target “{target}”: {n} units are at risk or off track ({names}).",
    },
    "targets_ok": {
        "zh": "目标“{target}”：各地区进度均正常。",
        "en": "Target “{target}”: every unit is on track.",
    },
    "targets_total": {
        "zh": "合计：{status}。",
        "en": "The total: {status}.",
    },
    "allocation_extremes": {
        "zh": "资金分配：最多{top}（{top_amount}元，占{top_share}），最少{low}（{low_amount}元，"
        "占{low_share}）。",
        "en": "Allocation: most to {top} ({top_amount} yuan, {top_share}), least to {low} "
        "({low_amount} yuan, {low_share}).",
    },
    "yoy": {"zh": "同比变化", "en": "Year-on-year changes"},
    "yoy_caption": {
        "zh": "{index}及各分项得分：{year}年与{prev}年之差（分），正值为上升；"
        "地区按{year}年排名排列。",
        "en": "{index} and pillar scores: {year} minus {prev} (points), positive is up; units "
        "in {year} rank order.",
    },
    "score_prev": {"zh": "{prev}年得分", "en": "Score {prev}"},
    "score_now": {"zh": "{year}年得分", "en": "Score {year}"},
    "yoy_change": {"zh": "同比变化", "en": "Change"},
    "rank_trends": {"zh": "分项排名走势", "en": "Pillar rank trends"},
    "rank_trends_caption": {
        "zh": "各分项排名：{first}年 → {year}年，其后为名次变化（▲上升，▼下降，–不变）。",
        "en": "Pillar ranks: {first} → {year}, then the change (▲ up, ▼ down, – same).",
    },
}


STATUS_WORDS: dict[str, Text] = {
    "on_track": {"zh": "进度正常", "en": "on track"},
    "at_risk": {"zh": "存在风险", "en": "at risk"},
    "off_track": {"zh": "明显滞后", "en": "off track"},
}


def _t(key: str, lang: str, **fields: object) -> str:
    text = SUMMARY_LABELS[key]["zh" if lang == "zh" else "en"]
    return text.format(**fields) if fields else text


def _score(v: float) -> str:
    return "—" if math.isnan(v) else f"{v:.1f}"


def _wide(data: ReportData, year: int, value: str) -> pd.DataFrame:
    s = data.scores[data.scores["year"] == year]
    return s.pivot(index="unit", columns="node", values=value)


def summary_sections(data: ReportData, lang: str, index_name: str) -> dict[str, Any]:
    """``summary`` (the findings, a list of sentences), ``yoy`` and ``rank_trends`` (tables)."""
    fw = data.framework
    root = fw.root_id
    years = data.years
    year = years[-1]
    prev = years[-2] if len(years) > 1 else None
    pillars = list(fw[root].children)
    name = {u: data.unit_name(u, lang) for u in data.units}
    now = _wide(data, year, "score").astype("float64")
    rank_now = _wide(data, year, "rank").astype("float64")
    ranked = rank_now[root].dropna().sort_values(kind="stable")
    lines: list[str] = []
    if len(ranked):
        first, last = str(ranked.index[0]), str(ranked.index[-1])
        lines.append(
            _t(
                "leader",
                lang,
                year=year,
                index=index_name,
                name=name.get(first, first),
                score=_score(float(now[root][first])),
                last=name.get(last, last),
                last_score=_score(float(now[root][last])),
                n=len(ranked),
            )
        )
    yoy = None
    if prev is not None:
        rank_prev = _wide(data, prev, "rank").astype("float64")
        moved = (rank_prev[root] - rank_now[root]).dropna()
        if len(moved) and (moved != 0).any():
            up = moved[moved == moved.max()].index
            down = moved[moved == moved.min()].index
            join = "、" if lang == "zh" else ", "
            lines.append(
                _t(
                    "movers",
                    lang,
                    prev=prev,
                    up=join.join(
                        _t("move_up", lang, name=name.get(u, u), k=int(moved.max())) for u in up
                    ),
                    down=join.join(
                        _t("move_down", lang, name=name.get(u, u), k=int(-moved.min()))
                        for u in down
                    ),
                )
            )
        elif len(moved):
            lines.append(_t("movers_none", lang, prev=prev))
        before = _wide(data, prev, "score").astype("float64")
        gain = (now[root] - before[root].reindex(now.index)).dropna()
        if len(gain) > 1:
            up, down = str(gain.idxmax()), str(gain.idxmin())
            lines.append(
                _t(
                    "score_movers",
                    lang,
                    prev=prev,
                    index=index_name,
                    up=name.get(up, up),
                    up_d=f"{gain.max():+.1f}",
                    down=name.get(down, down),
                    down_word=_t("fell_most" if gain.min() < 0 else "rose_least", lang),
                    down_d=f"{gain.min():+.1f}",
                )
            )
        yoy = _yoy(data, lang, index_name, year, prev, ranked, name, pillars)
    pillar_lines = []
    for p in pillars:
        col = now[p].dropna() if p in now else pd.Series(dtype="float64")
        if not len(col):
            continue
        best, worst = str(col.idxmax()), str(col.idxmin())
        pillar_lines.append(
            _t(
                "pillar_extremes",
                lang,
                pillar=fw.name(p, lang),
                best=name.get(best, best),
                best_score=_score(float(col.max())),
                worst=name.get(worst, worst),
                worst_score=_score(float(col.min())),
            )
        )
    lines += _targets_lines(data, lang) + _allocation_lines(data, lang, name)
    return {
        "summary": {
            "note": _t("summary_note", lang),
            "simulated": _t("summary_simulated", lang) if data.simulated else "",
            "lines": lines,
            "pillars_line": _t("pillars_line", lang),
            "pillar_lines": pillar_lines,
        },
        "yoy": yoy,
        "rank_trends": _rank_trends(data, lang, ranked, name, pillars) if prev else None,
    }


def _yoy(
    data: ReportData,
    lang: str,
    index_name: str,
    year: int,
    prev: int,
    ranked: pd.Series,
    name: dict[str, str],
    pillars: list[str],
) -> dict[str, Any]:
    fw = data.framework
    root = fw.root_id
    now = _wide(data, year, "score").astype("float64")
    before = _wide(data, prev, "score").astype("float64")
    rows = []
    for u in ranked.index:
        cells = []
        for node in [root, *pillars]:
            d = float(now.loc[u, node] - before.loc[u, node]) if u in before.index else math.nan
            cells.append({"text": "—" if math.isnan(d) else f"{d:+.1f}", "sign": _sign(d)})
        rows.append(
            {
                "code": str(u),
                "name": short_name(name.get(str(u), str(u))),
                "prev": _score(float(before.loc[u, root])) if u in before.index else "—",
                "now": _score(float(now.loc[u, root])),
                "cells": cells,
            }
        )
    return {
        "caption": _t("yoy_caption", lang, index=index_name, year=year, prev=prev),
        "heads": [
            _t("score_prev", lang, prev=prev),
            _t("score_now", lang, year=year),
            _t("yoy_change", lang),
            *[fw.name(p, lang) for p in pillars],
        ],
        "rows": rows,
    }


def _sign(d: float) -> str:
    if math.isnan(d) or abs(d) < 0.05:
        return "same"
    return "up" if d > 0 else "down"


def _rank_trends(
    data: ReportData, lang: str, ranked: pd.Series, name: dict[str, str], pillars: list[str]
) -> dict[str, Any]:
    years = data.years
    first, year = years[0], years[-1]
    r0 = _wide(data, first, "rank").astype("float64")
    r1 = _wide(data, year, "rank").astype("float64")
    rows = []
    for u in ranked.index:
        cells = []
        for p in pillars:
            a = float(r0.loc[u, p]) if u in r0.index else math.nan
            b = float(r1.loc[u, p])
            change = a - b
            cells.append(
                {
                    "from": "—" if math.isnan(a) else int(a),
                    "to": "—" if math.isnan(b) else int(b),
                    "change": None if math.isnan(change) else int(change),
                }
            )
        rows.append({"code": str(u), "name": short_name(name.get(str(u), str(u))), "cells": cells})
    return {
        "caption": _t("rank_trends_caption", lang, first=first, year=year),
        "heads": [data.framework.name(p, lang) for p in pillars],
        "rows": rows,
    }


def _targets_lines(data: ReportData, lang: str) -> list[str]:
    table = data.analyses.targets
    if table is None or table.empty:
        return []
    lines = []
    zh = lang == "zh"
    for _, rows in table.groupby("target", sort=False):
        label = str(rows.iloc[0]["target_zh" if zh else "target_en"])
        total = rows[rows["unit"] == "total"]
        rows = rows[rows["unit"] != "total"]
        bad = rows[rows["status"].isin(["at_risk", "off_track"])]
        if bad.empty:
            line = _t("targets_ok", lang, target=label)
        else:
            names = ("、" if zh else ", ").join(str(v) for v in bad["unit_zh" if zh else "unit_en"])
            line = _t("targets_risk", lang, target=label, n=len(bad), names=names)
        if not total.empty:
            status = str(total["status"].iloc[0])
            word = STATUS_WORDS.get(status, {"zh": status, "en": status})["zh" if zh else "en"]
            line += _t("targets_total", lang, status=word)
        lines.append(line)
    return lines


def _allocation_lines(data: ReportData, lang: str, name: dict[str, str]) -> list[str]:
    table = data.analyses.allocation
    if table is None or table.empty:
        return []
    units = table[table["unit"] != "TOTAL"].copy()
    units["final"] = units["final"].astype("float64")
    units = units.reset_index(drop=True)
    top = units.iloc[int(units["final"].to_numpy().argmax())]
    low = units.iloc[int(units["final"].to_numpy().argmin())]
    return [
        _t(
            "allocation_extremes",
            lang,
            top=name.get(str(top["unit"]), str(top["unit"])),
            top_amount=f"{float(top['final']):,.0f}",
            top_share=f"{100 * float(top['final_share']):.1f}%",
            low=name.get(str(low["unit"]), str(low["unit"])),
            low_amount=f"{float(low['final']):,.0f}",
            low_share=f"{100 * float(low['final_share']):.1f}%",
        )
    ]
