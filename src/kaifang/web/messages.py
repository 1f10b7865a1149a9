"""The dashboard's one message catalogue (zh and en).

Labels of the framework (index, pillars, indicators) come from framework.yaml; every other word
on the pages comes from here. ``t`` raises on an unknown key, so a typo in a template fails the
tests instead of showing a raw key to the user.
"""

from __future__ import annotations

from kaifang.web.trade_messages import TRADE_MESSAGES

LANGS = ("zh", "en")

MESSAGES: dict[str, dict[str, str]] = {
    "skip": {"zh": "跳到主要内容", "en": "Skip to main content"},
    "nav_label": {"zh": "主导航", "en": "Main navigation"},
    "nav_overview": {"zh": "总览", "en": "Overview"},
    "nav_unit": {"zh": "地区画像", "en": "Unit profile"},
    "nav_indicators": {"zh": "指标浏览", "en": "Indicators"},
    "nav_framework": {"zh": "指标体系", "en": "Framework"},
    "nav_whatif": {"zh": "权重模拟", "en": "What-if"},
    "nav_api": {"zh": "数据接口", "en": "API"},
    "nav_targets": {"zh": "目标跟踪", "en": "Targets"},
    "nav_allocation": {"zh": "资金分配", "en": "Allocation"},
    "nav_scenarios": {"zh": "权重情景", "en": "Scenarios"},
    "nav_sensitivity": {"zh": "敏感性", "en": "Sensitivity"},
    "nav_disparity": {"zh": "区域差异", "en": "Disparity"},
    "disparity_title": {"zh": "区域差异与动态演进", "en": "Regional disparity and dynamics"},
    "unavailable_no_block": {
        "zh": "评估配置中没有“{block}:”部分，因此本页没有可显示的结果（不显示虚构数据）。",
        "en": "The assessment config has no '{block}:' block, so this page has no results to "
        "show (no made-up numbers are shown).",
    },
    "unavailable_needs_config": {
        "zh": "本页需要评估配置文件（assessment.yaml）：当前展示的是已保存的结果文件夹，"
        "请用 `kaifang serve assessment.yaml` 启动看板。",
        "en": "This page needs the assessment config (assessment.yaml): a saved results folder "
        "is being served; start the dashboard with `kaifang serve assessment.yaml`.",
    },
    "unavailable_error": {
        "zh": "无法计算本页结果：配置或数据有误。",
        "en": "This page's results could not be computed: the config or the data are wrong.",
    },
    "technical_notes": {"zh": "计算说明（英文原文）", "en": "Technical notes"},
    "targets_title": {"zh": "目标跟踪", "en": "Target tracking"},
    "choose_target": {"zh": "选择目标", "en": "Choose a target"},
    "status": {"zh": "进度状态", "en": "Status"},
    "status_on_track": {"zh": "✓ 正常推进", "en": "✓ On track"},
    "status_at_risk": {"zh": "! 存在风险", "en": "! At risk"},
    "status_off_track": {"zh": "✗ 明显滞后", "en": "✗ Off track"},
    "status_no_data": {"zh": "– 无数据", "en": "– No data"},
    "status_rule": {
        "zh": "r = 最新值 ÷ 直线路径值；r ≥ {on} 为正常推进，{risk} ≤ r < {on} 为存在风险，"
        "r < {risk} 为明显滞后。",
        "en": "r = latest value ÷ straight-path value; on track r ≥ {on}, at risk "
        "{risk} ≤ r < {on}, off track r < {risk}.",
    },
    "target_line": {
        "zh": "{indicator}：{base_year}年至{target_year}年",
        "en": "{indicator}: {base_year} to {target_year}",
    },
    "total": {"zh": "合计", "en": "Total"},
    "base_value": {"zh": "基期值", "en": "Base value"},
    "target_value": {"zh": "目标值", "en": "Target value"},
    "latest_value": {"zh": "最新值", "en": "Latest value"},
    "required_cagr": {"zh": "所需年均增速", "en": "Required annual growth"},
    "realised_cagr": {"zh": "实际年均增速", "en": "Realised annual growth"},
    "ratio": {"zh": "r（实际÷路径）", "en": "r (actual ÷ path)"},
    "year_reached": {"zh": "按实际增速达标年份", "en": "Year reached at realised rate"},
    "actual": {"zh": "实际值", "en": "Actual"},
    "straight_path": {"zh": "直线路径（所需增速）", "en": "Straight path (required growth)"},
    "projection": {"zh": "预测", "en": "Projection"},
    "projection_band": {"zh": "{level}%预测区间", "en": "{level}% interval"},
    "lower": {"zh": "下限", "en": "Lower"},
    "upper": {"zh": "上限", "en": "Upper"},
    "show_chart": {"zh": "查看走势", "en": "Show path"},
    "chart_alt_target": {
        "zh": "{unit}{indicator}的实际值、直线路径与预测（含{level}%区间）折线图；数值见旁边的表格",
        "en": "Line chart of {unit}'s {indicator}: actual, straight path and projection with its "
        "{level}% interval; the numbers are in the table",
    },
    "allocation_title": {"zh": "资金分配（因素法）", "en": "Allocation of funds (factor method)"},
    "budget": {"zh": "资金总额", "en": "Budget"},
    "yuan": {"zh": "元", "en": "yuan"},
    "rule_in_words": {"zh": "分配规则", "en": "The rule in words"},
    "sum_check_ok": {
        "zh": "✓ 核对：各地区金额合计 {total} 元 = 资金总额 {budget} 元",
        "en": "✓ Check: the units' amounts sum to {total} yuan = budget {budget} yuan",
    },
    "sum_check_bad": {
        "zh": "✗ 核对失败：各地区金额合计 {total} 元 ≠ 资金总额 {budget} 元",
        "en": "✗ Check failed: the units' amounts sum to {total} yuan ≠ budget {budget} yuan",
    },
    "part_base": {"zh": "基础部分", "en": "Base part"},
    "part_performance": {"zh": "绩效部分", "en": "Performance part"},
    "part_improvement": {"zh": "进步奖励", "en": "Improvement bonus"},
    "part_floor_cap": {"zh": "保底/封顶调整", "en": "Floor/cap adjustment"},
    "part_rounding": {"zh": "取整调整", "en": "Rounding adjustment"},
    "final_amount": {"zh": "分配金额", "en": "Amount allocated"},
    "grade": {"zh": "等级", "en": "Grade"},
    "axis_amount": {"zh": "万元", "en": "million yuan"},
    "formula": {"zh": "计算式", "en": "Formula"},
    "chart_alt_allocation": {
        "zh": "各地区分配金额按组成部分堆叠的条形图（菱形标出最终分配金额，扣减部分见表格）；"
        "数值见旁边的表格",
        "en": "Stacked bar chart of each unit's amount by component (a diamond marks the amount "
        "allocated; deductions are in the table); the numbers are in the table",
    },
    "scores_of_year": {"zh": "采用{year}年评估得分", "en": "Assessment scores of {year}"},
    "scenarios_title": {"zh": "权重情景", "en": "Weight scenarios"},
    "scenario": {"zh": "情景", "en": "Scenario"},
    "changes": {"zh": "权重调整", "en": "Weight changes"},
    "spearman": {"zh": "斯皮尔曼秩相关", "en": "Spearman correlation"},
    "units_moved": {"zh": "排名变动地区数", "en": "Units that moved"},
    "max_rank_move": {"zh": "最大排名变动", "en": "Largest rank move"},
    "share_open": {
        "zh": "受调指标权重份额（前→后）",
        "en": "Share of affected indicators (before→after)",
    },
    "baseline": {"zh": "基准", "en": "Baseline"},
    "chart_alt_scenario": {
        "zh": "{year}年基准与情景“{scenario}”下各地区{index}得分对比条形图；数值见旁边的表格",
        "en": "Bar chart of {index} by unit in {year}, baseline against scenario '{scenario}'; "
        "the numbers are in the table",
    },
    "sensitivity_title": {
        "zh": "不确定性分析：排名区间",
        "en": "Uncertainty analysis: rank intervals",
    },
    "sensitivity_intro": {
        "zh": "对配置中声明的 {count} 项不确定输入做 N = {n} 次蒙特卡罗抽样"
        "（随机种子 {seed}，结果可复现），给出各地区{year}年{node}排名的中位数与 5%–95% 区间。",
        "en": "N = {n} Monte Carlo runs (seed {seed}, reproducible) over the {count} uncertain "
        "inputs declared in the config: the median and 5-95% interval of each unit's rank "
        "of {node} in {year}.",
    },
    "uncertain_inputs": {
        "zh": "不确定输入（配置中的名称）：",
        "en": "Uncertain inputs (names in the config):",
    },
    "model_loglinear": {"zh": "对数线性趋势（最小二乘）", "en": "log-linear trend (least squares)"},
    "model_rw_drift": {"zh": "带漂移的随机游走", "en": "random walk with drift"},
    "projection_model": {
        "zh": "预测模型",
        "en": "Projection model",
    },
    "runs_n": {"zh": "抽样次数 N", "en": "Runs N"},
    "recompute": {"zh": "重新计算", "en": "Recompute"},
    "n_limits": {"zh": "（{min}–{max}）", "en": "({min}-{max})"},
    "n_out_of_range": {
        "zh": "抽样次数 N 须在 {min} 到 {max} 之间（默认 {default}，与报告相同）。",
        "en": "The number of runs N must be between {min} and {max} (default {default}, as in "
        "the report).",
    },
    "sensitivity_busy": {
        "zh": "服务器正忙：已有一项不确定性分析正在计算，另有 {waiting} 项在排队。请稍后再试。",
        "en": "The server is busy: one uncertainty analysis is being computed and {waiting} more "
        "are waiting. Please try again shortly.",
    },
    "n_default_note": {
        "zh": "默认 N = {n}，与评估报告采用的次数相同，由以下配置项设定：",
        "en": "Default N = {n}, the same number of runs as the assessment report, set by:",
    },
    "nominal_rank": {"zh": "名义排名", "en": "Nominal rank"},
    "median_rank": {"zh": "排名中位数", "en": "Median rank"},
    "rank_interval": {"zh": "5%–95% 排名区间", "en": "5-95% rank interval"},
    "q05_rank": {"zh": "5% 分位", "en": "5th pct"},
    "q95_rank": {"zh": "95% 分位", "en": "95th pct"},
    "chart_alt_sensitivity": {
        "zh": "各地区名义排名、排名中位数与5%–95%区间图（按名义排名排序）；数值见旁边的表格",
        "en": "Rank intervals by unit (nominal rank, median, 5-95% bars, sorted by nominal "
        "rank); the numbers are in the table",
    },
    "lang_switch": {"zh": "English", "en": "中文"},
    "lang_switch_label": {"zh": "切换到英文", "en": "Switch to Chinese"},
    "simulated_banner": {
        "zh": "模拟数据：本评估基于固定随机种子生成的模拟数值，并非官方统计数据，"
        "结果不代表真实情况。",
        "en": "SIMULATED DATA: this assessment uses values from a seeded generator, not official "
        "statistics; the results do not describe reality.",
    },
    "simulated_short": {"zh": "模拟数据", "en": "SIMULATED"},
    "readonly_note": {
        "zh": "只读：展示已保存的评估结果",
        "en": "Read-only: showing a saved results folder",
    },
    "year": {"zh": "年份", "en": "Year"},
    "unit": {"zh": "地区", "en": "Unit"},
    "rank": {"zh": "排名", "en": "Rank"},
    "score": {"zh": "得分", "en": "Score"},
    "change": {"zh": "排名变化", "en": "Rank change"},
    "change_note": {
        "zh": "与上一年相比（正数表示上升）",
        "en": "Since the previous year (positive = moved up)",
    },
    "map_title": {"zh": "地图", "en": "Map"},
    "ranking_title": {"zh": "排名", "en": "Ranking"},
    "map_missing": {
        "zh": "未配置地图（在 assessment.yaml 的 report.geojson 中指定边界文件）",
        "en": "No map configured (name a boundary file in report.geojson of assessment.yaml)",
    },
    "chart_alt_map": {
        "zh": "{year}年各地区{index}的分级设色地图；数值见旁边的表格",
        "en": "Choropleth map of {index} by unit in {year}; the numbers are in the table",
    },
    "chart_alt_ranking": {
        "zh": "{year}年各地区{index}得分条形图；数值见旁边的表格",
        "en": "Bar chart of {index} scores by unit in {year}; the numbers are in the table",
    },
    "table_caption_ranking": {"zh": "{year}年排名", "en": "Ranking in {year}"},
    "choose_unit": {"zh": "选择地区", "en": "Choose a unit"},
    "pillars": {"zh": "一级指标", "en": "Pillars"},
    "median": {"zh": "中位数", "en": "Median"},
    "vs_median": {"zh": "与中位数之差", "en": "Difference from the median"},
    "strengths": {"zh": "优势", "en": "Strengths"},
    "weaknesses": {"zh": "短板", "en": "Weaknesses"},
    "strengths_note": {
        "zh": "高于各地区中位数最多的一级指标",
        "en": "Pillars furthest above the median of all units",
    },
    "weaknesses_note": {
        "zh": "低于各地区中位数最多的一级指标",
        "en": "Pillars furthest below the median of all units",
    },
    "trend": {"zh": "历年走势", "en": "Trend"},
    "chart_alt_pillars": {
        "zh": "{unit}{year}年各一级指标得分与中位数对比条形图；数值见表格",
        "en": "Bar chart of {unit}'s pillar scores against the median in {year}; numbers in table",
    },
    "chart_alt_trend": {
        "zh": "{unit}历年{index}得分折线图；数值见表格",
        "en": "Line chart of {unit}'s {index} score over the years; numbers in the table",
    },
    "indicator": {"zh": "指标", "en": "Indicator"},
    "choose_indicator": {"zh": "选择指标", "en": "Choose an indicator"},
    "stage": {"zh": "处理阶段", "en": "Stage"},
    "stage_raw": {"zh": "原始值", "en": "Raw values"},
    "stage_denominated": {"zh": "除以分母后", "en": "After denominators"},
    "stage_imputed": {"zh": "插补后", "en": "After imputation"},
    "stage_treated": {"zh": "异常值处理后", "en": "After outlier treatment"},
    "stage_normalised": {"zh": "标准化后", "en": "Normalised"},
    "show": {"zh": "显示", "en": "Show"},
    "distribution": {"zh": "分布", "en": "Distribution"},
    "values_by_unit_year": {"zh": "各地区历年数值", "en": "Values by unit and year"},
    "chart_alt_distribution": {
        "zh": "{indicator}（{stage}）{year}年各地区数值条形图；全部数值见表格",
        "en": "Bar chart of {indicator} ({stage}) by unit in {year}; all values in the table",
    },
    "chart_alt_lines": {
        "zh": "{indicator}（{stage}）各地区历年折线图；全部数值见表格",
        "en": "Line chart of {indicator} ({stage}) by unit over the years; values in the table",
    },
    "measure_unit": {"zh": "单位", "en": "Unit of measure"},
    "direction": {"zh": "方向", "en": "Direction"},
    "direction_pos": {"zh": "正向（越大越好）", "en": "Positive (more is better)"},
    "direction_neg": {"zh": "逆向（越小越好）", "en": "Negative (less is better)"},
    "source": {"zh": "来源", "en": "Source"},
    "missing": {"zh": "缺失", "en": "missing"},
    "framework_title": {"zh": "指标体系", "en": "Indicator framework"},
    "weight": {"zh": "权重（组内）", "en": "Weight (within parent)"},
    "effective_weight": {"zh": "综合权重", "en": "Effective weight"},
    "node": {"zh": "节点", "en": "Node"},
    "level": {"zh": "层级", "en": "Level"},
    "chart_alt_tree": {
        "zh": "指标体系树状图；完整结构与权重见下方表格",
        "en": "Tree diagram of the framework; the structure and weights are in the table",
    },
    "whatif_title": {"zh": "权重模拟（假设分析）", "en": "What-if: change the pillar weights"},
    "whatif_intro": {
        "zh": "调整一级指标的权重（相对于同级指标），评估会用同一计算引擎重新计算，"
        "排名与地图随即更新。",
        "en": "Change the pillar weights (relative to their siblings): the same engine recomputes "
        "the assessment, and the ranking and map update.",
    },
    "whatif_unavailable": {"zh": "权重模拟不可用", "en": "What-if is unavailable"},
    "whatif_needs_config": {
        "zh": "当前展示的是已保存的结果文件夹（只读），无法重新计算。"
        "请用评估配置文件 assessment.yaml 启动看板，以使用权重模拟。",
        "en": "A saved results folder is being served (read-only): nothing can be recomputed. "
        "Start the dashboard with the assessment.yaml to use what-if.",
    },
    "whatif_data_weights": {
        "zh": "权重模拟调整的是指标体系中设定的权重，而本评估的权重由数据计算得出，"
        "调整不会产生任何效果。权重计算方法：",
        "en": "What-if sets the framework's weights, but this assessment computes its weights "
        "from the data, so changing them would have no effect. Weighting method:",
    },
    "reset": {"zh": "恢复原权重", "en": "Reset weights"},
    "base_rank": {"zh": "原排名", "en": "Base rank"},
    "new_rank": {"zh": "新排名", "en": "New rank"},
    "base_score": {"zh": "原得分", "en": "Base score"},
    "new_score": {"zh": "新得分", "en": "New score"},
    "share": {"zh": "占比", "en": "Share"},
    "response_time": {"zh": "计算耗时", "en": "Computed in"},
    "timing_server": {"zh": "服务器计算 {ms} 毫秒", "en": "server computed in {ms} ms"},
    "timing_total": {
        "zh": "从修改到页面更新共 {ms} 毫秒",
        "en": "change to updated page in {ms} ms",
    },
    "whatif_zero_note": {
        "zh": "权重为 0 表示不计入该一级指标；至少须保留一个大于 0 的权重。",
        "en": "A weight of 0 switches a pillar off; at least one weight must stay above 0.",
    },
    "weight_not_number": {
        "zh": "“{node}”的权重“{value}”不是数字，已恢复为 {previous}。",
        "en": "The weight of {node}, '{value}', is not a number: it is back to {previous}.",
    },
    "weight_negative": {
        "zh": "“{node}”的权重不能为负数（输入了 {value}），已恢复为 {previous}。",
        "en": "The weight of {node} cannot be negative (you entered {value}): it is back to "
        "{previous}.",
    },
    "weight_too_large": {
        "zh": "“{node}”的权重不能超过 {max}（输入了 {value}），已恢复为 {previous}。",
        "en": "The weight of {node} cannot exceed {max} (you entered {value}): it is back to "
        "{previous}.",
    },
    "weight_all_zero": {
        "zh": "不能把所有一级指标的权重都设为 0：至少保留一个大于 0 的权重。"
        "“{node}”的权重已恢复为 {previous}。",
        "en": "All pillar weights cannot be 0: keep at least one above 0. The weight of {node} "
        "is back to {previous}.",
    },
    "whatif_failed": {
        "zh": "服务器未能计算这组权重：",
        "en": "The server could not compute these weights:",
    },
    "ms": {"zh": "毫秒", "en": "ms"},
    "cached": {"zh": "（缓存）", "en": "(cached)"},
    "weight_of": {"zh": "{node}的权重", "en": "Weight of {node}"},
    "chart_alt_whatif": {
        "zh": "{year}年模拟权重下各地区{index}得分条形图；数值见表格",
        "en": "Bar chart of {index} by unit in {year} under the what-if weights; numbers in table",
    },
    "analyses_note": {
        "zh": "目标跟踪、资金分配、权重情景与敏感性分析见各自页面"
        "（依据评估配置中的相应部分计算）。",
        "en": "Targets, allocation, weight scenarios and the sensitivity analysis have their own "
        "pages (computed from the matching blocks of the assessment config).",
    },
    "api_title": {"zh": "数据接口（JSON 格式）", "en": "JSON API"},
    "api_intro": {
        "zh": "本看板的全部数据均可通过 JSON 格式的接口获取。接口说明（OpenAPI 格式）：",
        "en": "Every number on this dashboard is available from the JSON API. OpenAPI schema:",
    },
    "endpoint": {"zh": "接口", "en": "Endpoint"},
    "api_get_disparity": {
        "zh": "区域差异分析的一张表（达格姆基尼系数、泰尔指数、σ 收敛、β 收敛、马尔可夫链、"
        "莫兰指数、局部空间自相关、耦合协调度、障碍度等），按配置中的差异分析设置计算。",
        "en": "One table of the regional disparity analysis (Dagum Gini, Theil, sigma and beta "
        "convergence, Markov chains, Moran's I, LISA, coupling coordination, obstacle degree), "
        "computed from the config's disparity block.",
    },
    "api_get_meta": {
        "zh": "评估概况：标题、是否为模拟数据、地区、年份、一级指标、处理阶段，"
        "以及能否进行权重模拟。",
        "en": "About the assessment: title, whether the data are simulated, units, years, "
        "pillars, stages, and whether what-if is available.",
    },
    "api_get_framework": {
        "zh": "指标体系树（深度优先）：各节点的中英文名称、组内权重与综合权重、单位和方向。",
        "en": "The indicator tree, depth first: every node's names in Chinese and English, its "
        "weight within the parent and effective weight, unit and direction.",
    },
    "api_get_weights": {
        "zh": "各节点的组内权重与综合权重（与结果文件夹中的权重表相同）。",
        "en": "Every node's weight within its parent and effective weight (as in the results "
        "folder's weights table).",
    },
    "api_get_scores": {
        "zh": "某一节点（默认为总指数）各地区历年（或指定年份）的得分与排名。",
        "en": "Scores and ranks of one node (by default the index) for every unit, in every "
        "year or in one year.",
    },
    "api_get_unit": {
        "zh": "地区画像：各一级指标与中位数的比较、优势与短板、历年走势。",
        "en": "A unit's profile: its pillars against the median, strengths, weaknesses and trend.",
    },
    "api_get_indicator": {
        "zh": "某一指标在某一处理阶段（原始值、除以分母后、插补后、异常值处理后、标准化后）"
        "各地区历年的数值。",
        "en": "An indicator's values by unit and year at one stage of the pipeline (raw, "
        "denominated, imputed, treated or normalised).",
    },
    "api_get_geojson": {
        "zh": "地图边界（仅含评估涉及的地区），每个要素带有地区代码属性。",
        "en": "The map boundaries (only the assessment's units); every feature carries its "
        "unit code.",
    },
    "api_post_whatif": {
        "zh": "按新的权重重新计算评估（同一计算引擎），返回各地区历年的新旧得分与排名。",
        "en": "Recomputes the assessment with changed weights (same engine) and returns every "
        "unit's new and original scores and ranks.",
    },
    "api_get_targets": {
        "zh": "目标跟踪：各地区（及合计）的所需与实际年均增速、进度状态、"
        "实际与直线路径和预测区间。",
        "en": "Target tracking: required and realised growth, status, actual and straight "
        "paths, and the projection interval of every unit and the total.",
    },
    "api_get_allocation": {
        "zh": "资金分配：各地区的各组成部分与最终金额、分配规则说明，以及合计等于资金总额的核对。",
        "en": "Allocation of funds: every unit's components and final amount, the rule in words, "
        "and the check that the amounts sum to the budget.",
    },
    "api_get_scenarios": {
        "zh": "权重情景：各情景下与基准相比的得分、排名和秩相关系数。",
        "en": "Weight scenarios: scores and ranks against the baseline, and the rank "
        "correlation of each scenario.",
    },
    "api_get_sensitivity": {
        "zh": "不确定性分析：按设定次数的蒙特卡罗抽样（默认与报告相同）"
        "给出各地区排名的中位数与 5%–95% 区间；"
        "服务器一次只计算一项，排队已满时返回 429。",
        "en": "Uncertainty analysis: the median and 5-95% interval of every unit's rank from N "
        "Monte Carlo runs (by default as many as the report); the server computes one at a "
        "time and answers 429 when the queue is full.",
    },
    "description": {"zh": "说明", "en": "Description"},
    "not_found": {"zh": "未找到", "en": "Not found"},
    "footer": {
        "zh": "kaifang 开放型经济评估 · 数据与计算均在本机完成",
        "en": "kaifang open-economy assessment · data and computation stay on this machine",
    },
    "data_table": {"zh": "数据表", "en": "Data table"},
    "download_csv": {"zh": "下载 CSV", "en": "Download CSV"},
    "download_xlsx": {"zh": "下载 Excel", "en": "Download Excel"},
    "downloads_label": {"zh": "下载本表", "en": "Download this table"},
    "code": {"zh": "代码", "en": "Code"},
    "node_id": {"zh": "节点代码", "en": "Node id"},
    "share_before": {"zh": "调整前份额", "en": "Share before"},
    "share_after": {"zh": "调整后份额", "en": "Share after"},
    "latest_year": {"zh": "最新年份", "en": "Latest year"},
}

# the trade pages' words live beside their pages; a key may be defined once only
if set(TRADE_MESSAGES) & set(MESSAGES):
    raise RuntimeError(f"message keys defined twice: {set(TRADE_MESSAGES) & set(MESSAGES)}")
MESSAGES.update(TRADE_MESSAGES)


def t(key: str, lang: str, **values: object) -> str:
    """The message ``key`` in ``lang`` with ``{placeholders}`` filled in."""
    text = MESSAGES[key][lang]
    return text.format(**values) if values else text


def catalogue(lang: str) -> dict[str, str]:
    """Every message in one language (for the pages' scripts)."""
    return {key: texts[lang] for key, texts in MESSAGES.items()}
