"""Words of the reports: interface labels and the meaning of every method and parameter of run.json.

One catalogue for the HTML/PDF report and the workbook, so the two always say the same thing.
Every parameter of every step model of ``kaifang.assessment.config`` has a zh and an en meaning
(tests/report/test_html.py checks this against the models, so a new parameter cannot be missed).
"""

from __future__ import annotations

import json
from typing import Any

Text = dict[str, str]

LABELS: dict[str, Text] = {
    "report": {"zh": "评估报告", "en": "Assessment report"},
    "simulated": {
        "zh": "模拟数据：本报告的数值由固定随机种子生成，并非官方统计数据，不代表真实情况。",
        "en": "SIMULATED DATA: the values in this report come from a seeded generator, "
        "not official statistics; they do not describe reality.",
    },
    "simulated_short": {"zh": "模拟数据", "en": "SIMULATED"},
    "vintage": {"zh": "数据与版本", "en": "Data vintage"},
    "years": {"zh": "年份", "en": "Years"},
    "units_count": {"zh": "地区数", "en": "Units"},
    "indicators_count": {"zh": "指标数", "en": "Indicators"},
    "data_hash": {"zh": "数据指纹 (SHA-256)", "en": "Data hash (SHA-256)"},
    "generated": {"zh": "生成日期", "en": "Generated"},
    "version": {"zh": "软件版本", "en": "Software"},
    "contents": {"zh": "目录", "en": "Contents"},
    "map": {"zh": "地图", "en": "Map"},
    "map_caption": {
        "zh": "{year}年{index}得分，颜色越深得分越高（等距五级）。",
        "en": "{index} score in {year}; darker means higher (five equal-width classes).",
    },
    "map_none": {
        "zh": "本评估未配置地图（配置文件 report.geojson 为空），故不绘制地图。",
        "en": "No map: the assessment config names no geometry (report.geojson), "
        "so this section is left out.",
    },
    "map_unmatched": {
        "zh": "地图中找不到以下地区：{units}。",
        "en": "These units have no shape in the map file: {units}.",
    },
    "no_data": {"zh": "无数据", "en": "No data"},
    "map_source": {"zh": "地图数据：{file}", "en": "Map geometry: {file}"},
    "ranking": {"zh": "排名", "en": "Ranking"},
    "ranking_caption": {
        "zh": "{year}年排名；变化为相对{prev}年的名次升降。",
        "en": "Ranking in {year}; change in rank since {prev}.",
    },
    "ranking_caption_single": {"zh": "{year}年排名。", "en": "Ranking in {year}."},
    "rank": {"zh": "排名", "en": "Rank"},
    "change": {"zh": "变化", "en": "Change"},
    "unit": {"zh": "地区", "en": "Unit"},
    "code": {"zh": "代码", "en": "Code"},
    "score": {"zh": "得分", "en": "Score"},
    "pillars": {"zh": "分项得分", "en": "Pillar scores"},
    "pillars_caption": {
        "zh": "{year}年各分项得分，颜色越深得分越高。",
        "en": "Pillar scores in {year} (darker is higher).",
    },
    "profiles": {"zh": "地区画像", "en": "Unit profiles"},
    "profile_pillars": {"zh": "分项得分与中位数", "en": "Pillars against the median"},
    "profile_trend": {"zh": "{index}走势", "en": "{index} over time"},
    "median": {"zh": "中位数", "en": "Median"},
    "range": {"zh": "各地区区间", "en": "Range of units"},
    "strengths": {"zh": "优势", "en": "Strengths"},
    "weaknesses": {"zh": "短板", "en": "Weaknesses"},
    "vs_median": {"zh": "较中位数", "en": "vs median"},
    "none": {"zh": "无", "en": "none"},
    "rank_of": {"zh": "第{rank}名（共{n}个）", "en": "rank {rank} of {n}"},
    "indicators": {"zh": "指标数据", "en": "Indicator tables"},
    "indicators_caption": {
        "zh": "{year}年指标值（括号内为单位）：比值类指标为分子除以分母后按显示单位换算的值，"
        "其下一行灰字为分子原值；底色深浅为标准化得分，斜体为插补值。",
        "en": "Indicator values in {year} (units in brackets): a ratio is its numerator divided by "
        "its denominator, in its display unit, with the raw numerator on the grey line below; "
        "shading is the normalised score; italics are imputed values.",
    },
    "numerator_of": {
        "zh": "分子原值（未除以{denominator}）",
        "en": "numerator (raw, before ÷ {denominator})",
    },
    "shown_in": {"zh": "显示单位：{unit}", "en": "shown in {unit}"},
    "framework": {"zh": "指标体系", "en": "Framework"},
    "node": {"zh": "指标", "en": "Node"},
    "weight": {"zh": "权重", "en": "Weight"},
    "effective_weight": {"zh": "综合权重", "en": "Effective weight"},
    "direction": {"zh": "方向", "en": "Direction"},
    "positive": {"zh": "正向", "en": "more is better"},
    "negative": {"zh": "逆向", "en": "less is better"},
    "measure": {"zh": "单位", "en": "Unit"},
    "source": {"zh": "来源", "en": "Source"},
    "methods": {"zh": "方法附录", "en": "Methods appendix"},
    "methods_caption": {
        "zh": "run.json 记录的每一项选择及其含义。",
        "en": "Every choice recorded in run.json, with its meaning.",
    },
    "step": {"zh": "步骤", "en": "Step"},
    "parameter": {"zh": "参数", "en": "Parameter"},
    "value": {"zh": "取值", "en": "Value"},
    "meaning": {"zh": "含义", "en": "Meaning"},
    "outcome": {"zh": "运行结果", "en": "Outcome"},
    "warnings": {"zh": "警告", "en": "Warnings"},
    "skipped": {"zh": "未执行", "en": "not run"},
    "config_file": {"zh": "配置文件", "en": "Config file"},
    "packages": {"zh": "依赖版本", "en": "Package versions"},
    "page": {"zh": "第 {page} 页", "en": "Page {page}"},
}

STEPS: dict[str, Text] = {
    "denominate": {
        "zh": "分母化：指标除以其在指标体系中指定的分母（如地区生产总值、人口）。",
        "en": "Denominate: divide an indicator by the denominator the framework names "
        "(e.g. GDP, population).",
    },
    "impute": {
        "zh": "缺失值插补：按所选方法填补缺失数值，并记录每个被填补的值。",
        "en": "Impute: fill missing values with the chosen method; every filled value is logged.",
    },
    "treat": {
        "zh": "异常值处理：对偏态严重的指标缩尾或取对数（COINr/JRC 规则）。",
        "en": "Treat: winsorise or log-transform heavily skewed indicators (COINr/JRC rule).",
    },
    "normalise": {
        "zh": "标准化：把各指标换算到同一量纲，并按方向（正向/逆向）调整。",
        "en": "Normalise: bring indicators to a common scale, oriented so that more is better.",
    },
    "weight": {
        "zh": "赋权：确定每个节点在其上级中的权重。",
        "en": "Weight: set each node's weight within its parent.",
    },
    "aggregate": {
        "zh": "合成：逐层把下级得分合成为上级得分，直至总指数。",
        "en": "Aggregate: combine children into their parent, level by level, up to the index.",
    },
}

# Meaning of each parameter, per step. Keep in step with kaifang.assessment.config.
PARAMETERS: dict[str, dict[str, Text]] = {
    "denominate": {
        "scale": {
            "zh": "比值再乘以的系数（如 100 表示百分比，10000 表示每万人）。",
            "en": "Factor applied to the ratio (100 for percent, 10000 for per 10,000).",
        },
    },
    "impute": {
        "method": {"zh": "第一轮插补方法。", "en": "First imputation method."},
        "then": {
            "zh": "第一轮后仍缺失时使用的第二种方法（空表示不用）。",
            "en": "Second method for values still missing after the first (empty: none).",
        },
        "by": {
            "zh": "分组插补所用的地区分组列（units.csv 中的列名）。",
            "en": "Column of units.csv that defines the groups for group imputation.",
        },
        "reference": {
            "zh": "均值/中位数的计算范围：per_year 为同一年份内，pooled 为全部年份。",
            "en": "Where means/medians are taken: per_year within each year, pooled over "
            "all years.",
        },
    },
    "treat": {
        "method": {"zh": "异常值处理方法。", "en": "Outlier treatment method."},
        "winmax": {
            "zh": "每个指标最多缩尾的数据点个数。",
            "en": "Most points winsorised per indicator.",
        },
        "skew": {
            "zh": "偏度阈值：|偏度| 超过此值才处理。",
            "en": "Skewness threshold: treat when |skew| exceeds it.",
        },
        "kurtosis": {
            "zh": "峰度阈值：峰度同时超过此值才处理。",
            "en": "Kurtosis threshold: treat when kurtosis also exceeds it.",
        },
        "reference": {
            "zh": "偏度与峰度的计算范围：per_year 为逐年，pooled 为全部年份合并。",
            "en": "Where skew and kurtosis are measured: per_year or pooled over all years.",
        },
        "overrides": {
            "zh": "个别指标的专门处理方法（指标 → 方法）。",
            "en": "Per-indicator treatment that replaces the default (indicator -> method).",
        },
    },
    "normalise": {
        "method": {"zh": "标准化方法。", "en": "Normalisation method."},
        "range": {
            "zh": "标准化后得分的区间 [下限, 上限]。",
            "en": "Output range [low, high] of normalised scores.",
        },
        "mean": {"zh": "Z 分数标准化后的均值。", "en": "Mean after z-score normalisation."},
        "sd": {"zh": "Z 分数标准化后的标准差。", "en": "Standard deviation after z-scores."},
        "reference": {
            "zh": "标准化参照：per_year 逐年，pooled 全部年份，"
            "base_year 以基年为准（可比较历年进步）。",
            "en": "Reference of the scale: per_year, pooled over all years, or a base year "
            "(makes progress over years comparable).",
        },
        "base_year": {
            "zh": "reference 为 base_year 时的基年。",
            "en": "Base year when reference is base_year.",
        },
        "ties": {
            "zh": "名次、百分位名次和 Borda 计分的并列处理：min 取最小名次（COINr 的做法），"
            "average 取平均名次，max 取最大名次；"
            "未设置时名次与百分位名次取 average，Borda 取 min。",
            "en": "Ties in rank, percentile rank and Borda: min (COINr's rule), average or max; "
            "when unset, average for rank and percentile rank, min for Borda.",
        },
        "cap": {
            "zh": "与目标值的距离：超过目标的得分是否封顶为 1（COINr 的 n_dist2targ 默认不封顶）。",
            "en": "Distance to target: cap scores past the target at 1 (COINr's n_dist2targ "
            "does not cap by default).",
        },
        "overrides": {
            "zh": "个别指标的专门标准化方法（指标 → 方法）。",
            "en": "Per-indicator normalisation that replaces the default (indicator -> method).",
        },
    },
    "weight": {
        "method": {"zh": "赋权方法。", "en": "Weighting method."},
        "delta": {
            "zh": "熵权法平移量 δ：y = 归一化值 + δ，避免 ln 0（SPSSAU 取 0.01）。",
            "en": "Entropy shift delta: y = normalised value + delta, avoids ln 0 "
            "(SPSSAU uses 0.01).",
        },
        "mode": {
            "zh": "客观赋权所用数据：panel 为全部年份面板，latest_year 为最近一年。",
            "en": "Data of objective weights: panel (all years) or latest_year.",
        },
        "data": {
            "zh": "客观赋权所用的阶段数据：treated（处理后）或 normalised（标准化后）；空为默认。",
            "en": "Stage used by objective weights: treated or normalised (empty: default).",
        },
        "subjective": {
            "zh": "组合赋权中的主观权重来源。",
            "en": "Subjective half of combined weights.",
        },
        "objective": {
            "zh": "组合赋权中的客观权重方法。",
            "en": "Objective half of combined weights.",
        },
        "alpha": {
            "zh": "组合赋权中主观权重所占比例 α：w = α·主观 + (1-α)·客观。",
            "en": "Share alpha of subjective weights: w = alpha*subjective + (1-alpha)*objective.",
        },
        "combination": {
            "zh": "组合方式：linear 线性加权，multiplicative 乘积后归一。",
            "en": "How weights combine: linear mix or multiplicative (product, renormalised).",
        },
        "allow_inconsistent": {
            "zh": "是否接受一致性比率 CR ≥ 0.1 的层次分析法判断矩阵。",
            "en": "Accept AHP matrices whose consistency ratio CR >= 0.1.",
        },
    },
    "aggregate": {
        "method": {"zh": "默认合成方法。", "en": "Default aggregation method."},
        "p": {"zh": "幂平均的指数 p。", "en": "Exponent p of the power mean."},
        "min_share": {
            "zh": "合成所需的最低数据比例：下级中有值的权重份额低于此值时，上级记为缺失。",
            "en": "Least share of children (by weight) that must be present; below it the "
            "parent is missing.",
        },
        "levels": {
            "zh": "按层指定的合成方法（层级 → 方法）。",
            "en": "Aggregation method per level (level -> method).",
        },
        "nodes": {
            "zh": "按节点指定的合成方法（节点 → 方法）。",
            "en": "Aggregation method per node (node -> method).",
        },
        "topsis_normalisation": {
            "zh": "TOPSIS 的规范化方式：none 不再规范化（权重直接作用于已标准化的数据，"
            "即 SPSSAU 与多数文献中的熵权TOPSIS），vector 向量规范化，minmax 极差规范化；"
            "未设置时，有标准化步骤则为 none，否则为 vector。",
            "en": "TOPSIS normalisation: none (weights applied to the already normalised "
            "data, entropy-weight TOPSIS as SPSSAU and most papers compute it), vector, or "
            "oriented min-max; when unset, none after a normalise step, vector without one.",
        },
        "vikor_v": {
            "zh": "VIKOR 中“多数准则”策略的权重 v。",
            "en": "VIKOR weight v of the majority-of-criteria strategy.",
        },
        "grey_rho": {"zh": "灰色关联分析的分辨系数 ρ。", "en": "Grey relational resolution rho."},
    },
}

# What each method value means (shown next to a parameter whose value names a method).
METHOD_VALUES: dict[str, Text] = {
    "none": {"zh": "不处理", "en": "none"},
    "mean": {"zh": "均值填补", "en": "mean of the other units"},
    "median": {"zh": "中位数填补", "en": "median of the other units"},
    "group_mean": {"zh": "组内均值填补", "en": "mean of the unit's group"},
    "group_median": {"zh": "组内中位数填补", "en": "median of the unit's group"},
    "linear_time": {
        "zh": "沿时间线性插值（地区自身序列）",
        "en": "linear interpolation along the unit's own years",
    },
    "locf": {"zh": "沿用上一年值", "en": "last observation carried forward"},
    "nocb": {"zh": "沿用下一年值", "en": "next observation carried backward"},
    "winsorise": {
        "zh": "缩尾：|偏度|>阈值且峰度>阈值时逐点把极值拉回，至多 winmax 个点，仍偏则取对数",
        "en": "winsorise: while |skew| and kurtosis exceed the thresholds, pull the most "
        "extreme point in (up to winmax points); log if still skewed",
    },
    "log": {"zh": "取自然对数", "en": "natural logarithm"},
    "log1p": {"zh": "取 ln(1+x)", "en": "ln(1 + x)"},
    "boxcox": {"zh": "Box-Cox 变换", "en": "Box-Cox transform"},
    "log_ct": {"zh": "平移后取对数（COINr log_CT）", "en": "shifted log (COINr log_CT)"},
    "minmax": {
        "zh": "极差标准化：(x - min)/(max - min) 映射到区间",
        "en": "min-max: (x - min)/(max - min) scaled to the range",
    },
    "zscore": {"zh": "Z 分数：(x - 均值)/标准差", "en": "z-score: (x - mean)/sd"},
    "goalposts": {
        "zh": "目标值标准化：按指标体系中的上下限截断后线性映射",
        "en": "goalposts: clip to the framework's bounds, then scale linearly",
    },
    "rank": {"zh": "名次", "en": "rank"},
    "percentile_rank": {"zh": "百分位名次", "en": "percentile rank"},
    "borda": {"zh": "Borda 计分", "en": "Borda score"},
    "distance_to_max": {"zh": "与最大值的距离", "en": "distance to the maximum"},
    "distance_to_target": {"zh": "与目标值的距离", "en": "distance to the target"},
    "fraction_of_max": {"zh": "占最大值的比例", "en": "fraction of the maximum"},
    "framework": {"zh": "指标体系中给定的权重", "en": "weights given in the framework"},
    "equal": {"zh": "等权", "en": "equal weights"},
    "entropy": {"zh": "熵权法", "en": "entropy weights"},
    "critic": {"zh": "CRITIC 法", "en": "CRITIC weights"},
    "sd": {"zh": "标准差法", "en": "standard-deviation weights"},
    "cv": {"zh": "变异系数法", "en": "coefficient-of-variation weights"},
    "pca": {"zh": "主成分分析法", "en": "principal-component weights"},
    "ahp": {"zh": "层次分析法 (AHP)", "en": "analytic hierarchy process (AHP)"},
    "combine": {"zh": "主客观组合赋权", "en": "combined subjective and objective weights"},
    "arithmetic": {"zh": "加权算术平均", "en": "weighted arithmetic mean"},
    "geometric": {"zh": "加权几何平均", "en": "weighted geometric mean"},
    "harmonic": {"zh": "加权调和平均", "en": "weighted harmonic mean"},
    "power": {"zh": "加权幂平均", "en": "weighted power mean"},
    "topsis": {"zh": "TOPSIS 逼近理想解法", "en": "TOPSIS (closeness to the ideal)"},
    "vikor": {"zh": "VIKOR 折衷排序法", "en": "VIKOR compromise ranking"},
    "grey": {"zh": "灰色关联度", "en": "grey relational grade"},
    "copeland": {"zh": "Copeland 两两比较计分", "en": "Copeland pairwise score"},
    "per_year": {"zh": "逐年", "en": "within each year"},
    "pooled": {"zh": "全部年份合并", "en": "over all years"},
    "base_year": {"zh": "以基年为准", "en": "against the base year"},
    "panel": {"zh": "全部年份面板", "en": "panel of all years"},
    "latest_year": {"zh": "最近一年", "en": "latest year"},
    "linear": {"zh": "线性组合", "en": "linear mix"},
    "multiplicative": {"zh": "乘积组合", "en": "multiplicative"},
    "vector": {"zh": "向量规范化", "en": "vector normalisation"},
    "min": {"zh": "取最小名次", "en": "lowest rank"},
    "average": {"zh": "取平均名次", "en": "average rank"},
    "max": {"zh": "取最大名次", "en": "highest rank"},
    "treated": {"zh": "处理后数据", "en": "treated data"},
    "normalised": {"zh": "标准化数据", "en": "normalised data"},
}

OUTCOMES: dict[str, Text] = {
    "filled": {"zh": "填补的数值个数", "en": "values filled"},
    "actions": {"zh": "处理（缩尾或变换）的指标-年份数", "en": "indicator-years treated"},
    "result": {"zh": "实际使用的赋权结果", "en": "weights as computed"},
    "method_by_node": {"zh": "各节点实际使用的合成方法", "en": "method used at each node"},
}


def label(key: str, lang: str, **fields: object) -> str:
    text = LABELS[key]["zh" if lang == "zh" else "en"]
    return text.format(**fields) if fields else text


def other(lang: str) -> str:
    return "en" if lang == "zh" else "zh"


def format_value(value: Any) -> str:
    """A parameter value as the reader should see it (JSON for lists and mappings)."""
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, list | dict):
        if not value:
            return "—"
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def method_rows(record: dict[str, Any]) -> list[dict[str, Any]]:
    """One row per recorded choice: step, parameter, value, meaning (zh and en), and the meaning
    of a value that names a method. Steps of the pipeline left out of the run say so."""
    rows: list[dict[str, Any]] = []
    done = {s["step"]: s for s in record.get("steps", [])}
    for step in STEPS:
        entry = done.get(step)
        if entry is None:
            rows.append({"step": step, "parameter": None, "value": None, "skipped": True})
            continue
        params = PARAMETERS[step]
        for name, value in entry.get("parameters", {}).items():
            meaning = params.get(name, {"zh": "", "en": ""})
            value_meaning = METHOD_VALUES.get(value) if isinstance(value, str) else None
            rows.append(
                {
                    "step": step,
                    "parameter": name,
                    "value": format_value(value),
                    "meaning": meaning,
                    "value_meaning": value_meaning,
                    "skipped": False,
                    "outcome": False,
                }
            )
        for key, value in entry.items():
            if key in ("step", "parameters"):
                continue
            rows.append(
                {
                    "step": step,
                    "parameter": key,
                    "value": _outcome_value(key, value),
                    "meaning": OUTCOMES.get(key, {"zh": key, "en": key}),
                    "value_meaning": None,
                    "skipped": False,
                    "outcome": True,
                }
            )
    return rows


def _outcome_value(key: str, value: Any) -> str:
    if key == "method_by_node" and isinstance(value, dict) and value:
        # a per-node listing of one repeated method says nothing; count instead
        counts: dict[str, int] = {}
        for method in value.values():
            counts[method] = counts.get(method, 0) + 1
        return ", ".join(f"{m} × {n}" for m, n in counts.items())
    return format_value(value)
