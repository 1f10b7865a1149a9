"""Catalogue entries (zh and en) for the validators of the analysis blocks of assessment.yaml:
``targets:``, ``scenarios:``, ``allocation:``, ``sensitivity:``, ``disparity:`` and the ledger's
own targets. YAML keys the user types (``multiple``, ``level``, ...) stay as written, quoted."""

from __future__ import annotations

BLOCK_MESSAGES: dict[str, dict[str, str]] = {
    # -- targets (and the ledger's own targets) -------------------------------------------------
    "v_thresholds_order": {
        "zh": "'at_risk'（{at_risk}）不能大于 'on_track'（{on_track}）",
        "en": "at_risk ({at_risk}) must not exceed on_track ({on_track})",
    },
    "v_multiple_or_level": {
        "zh": "'multiple'（2.0 表示翻一番）和 'level' 两者须给出且只给出一个",
        "en": "give exactly one of 'multiple' (2.0 = doubling) or 'level'",
    },
    "v_target_after_base": {
        "zh": "目标年 'target_year'（{target_year}）须晚于基期 'base_year'（{base_year}）",
        "en": "target_year ({target_year}) must come after base_year ({base_year})",
    },
    "v_target_ids_unique": {
        "zh": "目标代码不能重复；重复的有：{dup}",
        "en": "target ids must be unique; repeated: {dup}",
    },
    # -- scenarios ------------------------------------------------------------------------------
    "v_multiply_or_set": {
        "zh": "'multiply'（2 表示加倍）和 'set' 两者须给出且只给出一个",
        "en": "give exactly one of 'multiply' (2 = double) or 'set'",
    },
    "v_share_below_one": {
        "zh": "占比（'kind: share' 的 'set'）须小于 1；实际为 {found}",
        "en": "a share must be below 1; found {found}",
    },
    # -- allocation -----------------------------------------------------------------------------
    "v_grades_thresholds": {
        "zh": "按得分分档（'by: score'）需要 'thresholds: [A, B, C]'（从高到低）",
        "en": "grades by score need 'thresholds: [A, B, C]' (descending)",
    },
    "v_grades_quantiles": {
        "zh": "按排名分位分档（'by: rank_quantile'）需要 'quantiles: [A, B, C]'（从低到高）",
        "en": "grades by rank_quantile need 'quantiles: [A, B, C]' (ascending)",
    },
    "v_multipliers_missing": {
        "zh": "'multipliers' 缺少以下档次的系数：{missing}",
        "en": "multipliers missing for grade(s) {missing}",
    },
    "v_multipliers_order": {
        "zh": "'multipliers' 从 A 档到 D 档不能递增（档次越好，所得不能越少）；实际为 {found}",
        "en": "multipliers must not increase from A to D (a better grade never earns less); "
        "found {found}",
    },
    "v_grades_block_needed": {
        "zh": "'method: grades' 需要 'grades' 块",
        "en": "method 'grades' needs a 'grades' block",
    },
    "v_allocation_parts": {
        "zh": "至少给出一部分：'base'、'performance' 或 'improvement'",
        "en": "give at least one part: base, performance, improvement",
    },
    "v_allocation_shares_sum": {
        "zh": "'base'、'performance' 和 'improvement' 的 'share' 之和须为 1；实际为 {found}",
        "en": "the shares of base, performance and improvement must sum to 1; found {found}",
    },
    "v_factor_weights_sum": {
        "zh": "'base.factors' 的权重 'weight' 之和须为 1；实际为 {found}",
        "en": "base.factors weights must sum to 1; found {found}",
    },
    # -- sensitivity ----------------------------------------------------------------------------
    "v_options_or_parameter": {
        "zh": "请给出 'options'（参数映射的列表），或给出 'parameter' 和 'values'，二者选一",
        "en": "give either 'options' (a list of parameter mappings) or 'parameter' with 'values'",
    },
    "v_values_needed": {
        "zh": "'parameter: {parameter}' 需要非空的 'values' 列表",
        "en": "'parameter: {parameter}' needs a non-empty list 'values'",
    },
    "v_options_empty": {
        "zh": "'options' 至少要列出一个方案",
        "en": "'options' must list at least one variant",
    },
    "v_noise_levels_needed": {
        "zh": "'noise' 至少需要一个层级：'{{层级: 幅度}}'，例如 '{{2: 0.25}}'",
        "en": "'noise' needs at least one level: {{level: a}}, e.g. {{2: 0.25}}",
    },
    "v_noise_level_root": {
        "zh": "'noise' 的层级从 1 开始（根节点为第 0 层，没有同级节点）",
        "en": "noise levels start at 1 (the root, level 0, has no siblings)",
    },
    "v_input_names_unique": {
        "zh": "不确定输入的名称不能重复；重复的有：{dup}（请设置 'name:'）",
        "en": "input names must be unique; repeated: {dup} (set 'name:')",
    },
    # -- disparity ------------------------------------------------------------------------------
    "v_node_or_indicator": {
        "zh": "'node'（得分）和 'indicator'（序列）两者须给出且只给出一个",
        "en": "give exactly one of 'node' (a score) or 'indicator' (a series)",
    },
    "v_stage_for_indicator": {
        "zh": "'stage' 只适用于 'indicator'，不适用于节点得分",
        "en": "'stage' applies to an indicator, not to a node's score",
    },
    "v_distance_threshold": {
        "zh": "'weights: distance' 需要 'threshold'（地理坐标时单位为公里）",
        "en": "weights: distance needs 'threshold' (km when geographic)",
    },
    "v_geojson_or_points": {
        "zh": "'geojson' 和 'points' 只能给出一个",
        "en": "give 'geojson' or 'points', not both",
    },
    "v_node_or_series": {
        "zh": "每个子系统的 'node' 和 'series' 两者须给出且只给出一个",
        "en": "give exactly one of 'node' or 'series' for a subsystem",
    },
    "v_series_empty": {
        "zh": "'series' 至少需要一个序列",
        "en": "'series' needs at least one series",
    },
    "v_alpha_count": {
        "zh": "'alpha' 需要每个子系统一个值（共 {expected} 个）；实际为 {found} 个",
        "en": "alpha needs one value per subsystem ({expected}); found {found}",
    },
    "v_alpha_sum": {
        "zh": "'alpha' 之和须为 1；实际为 {found}",
        "en": "alpha must sum to 1; found {found}",
    },
    "v_unit_range": {
        "zh": "'range' [下限, 上限] 要求 0 <= 下限 < 上限 <= 1；实际为 {found}",
        "en": "range [lo, hi] needs 0 <= lo < hi <= 1; found {found}",
    },
    # -- ledger ---------------------------------------------------------------------------------
    "v_deadline_after_start": {
        "zh": "截止日期 'deadline'（{deadline}）早于开始日期 'start'（{start}）；"
        "措施应在开始之后结束",
        "en": "deadline {deadline} is before start {start}; a measure ends after it starts",
    },
    "ledger_file_not_found": {
        "zh": "'ledger.path'：找不到任务台账文件 {path}（路径相对于配置文件所在的文件夹）",
        "en": "ledger.path: no ledger file at {path} (the path is relative to the config "
        "file's folder)",
    },
}
