"""Problems in the framework and the assessment config, and in what they need of the data."""

from __future__ import annotations

CONFIG_MESSAGES: dict[str, dict[str, str]] = {
    # -- framework and config --------------------------------------------------------------------
    "framework_not_mapping": {
        "zh": "指标体系文件应为一个映射，包含 id、name、children",
        "en": "the framework must be a mapping with id, name, children",
    },
    "config_not_mapping": {
        "zh": "评估配置应为一个映射（title、framework 等）",
        "en": "the config must be a mapping (title, framework, ...)",
    },
    "duplicate_id": {
        "zh": "代码 {node!r} 重复：代码必须唯一",
        "en": "duplicate id {node!r}: ids must be unique",
    },
    "auxiliary_reuses_id": {
        "zh": "辅助序列 {node!r} 使用了指标体系中已有的代码",
        "en": "auxiliary series {node!r} reuses an id already in the framework",
    },
    "own_denominator": {
        "zh": "指标 {node!r} 以自身为分母",
        "en": "indicator {node!r} is its own denominator",
    },
    "unknown_denominator": {
        "zh": "指标 {node!r}：分母 {denominator!r} 既不是指标也不是辅助序列（已有：{known}）",
        "en": "indicator {node!r}: denominator {denominator!r} is neither an "
        "indicator nor an auxiliary series (known: {known})",
    },
    "unknown_growth": {
        "zh": "指标 {node!r}：derive.growth 指向 {growth!r}，它不是另一个指标或辅助序列",
        "en": "indicator {node!r}: derive.growth names {growth!r}, which "
        "is not another indicator or auxiliary series",
    },
    "root_without_children": {
        "zh": "根节点需要有下级（指标或支柱）",
        "en": "the root node needs children (indicators or pillars)",
    },
    "validation": {"zh": "{where}：{what}{found}", "en": "{where}: {what}{found}"},
    "found_value": {"zh": "；实际为 {value!r}", "en": "; found {value!r}"},
    "in_node": {"zh": "节点 {node!r}，{where}", "en": "node {node!r}, {where}"},
    "v_missing": {"zh": "缺少必需的键", "en": "required key is missing"},
    "v_extra": {
        "zh": "未知的键（请检查拼写；未知的键不会被忽略）",
        "en": "unknown key (check the spelling; unknown keys are never ignored)",
    },
    "v_literal": {"zh": "取值应为以下之一：{expected}", "en": "{msg}"},
    "v_number": {"zh": "应为数字", "en": "{msg}"},
    "v_integer": {"zh": "应为整数", "en": "{msg}"},
    "v_text": {"zh": "应为文本", "en": "{msg}"},
    "v_bool": {"zh": "应为 true 或 false", "en": "{msg}"},
    "v_mapping": {"zh": "应为映射（键: 值）", "en": "{msg}"},
    "v_list": {"zh": "应为列表", "en": "{msg}"},
    "v_bound": {"zh": "应满足 {op} {limit}", "en": "{msg}"},
    "v_other": {"zh": "取值无效（{msg}）", "en": "{msg}"},
    "v_by_needed": {
        "zh": "group_mean / group_median 需要 by：地区表中的一列",
        "en": "group_mean / group_median need 'by': a column of units.csv",
    },
    "v_range_order": {
        "zh": "range [下限, 上限] 要求下限 < 上限；实际为 {found}",
        "en": "range [lo, hi] needs lo < hi; found {found}",
    },
    "v_base_year_needed": {
        "zh": "reference: base_year 需要给出 base_year: <年份>",
        "en": "reference: base_year needs 'base_year: <year>'",
    },
    "v_power_needs_p": {
        "zh": "power 幂平均合成需要给出指数 p",
        "en": "aggregation 'power' needs the exponent 'p'",
    },
    "v_years_order": {
        "zh": "years [起始年, 结束年] 要求起始年 <= 结束年；实际为 {found}",
        "en": "years [first, last] needs first <= last; found {found}",
    },
    "v_ratio": {
        "zh": "不是数字或形如 '1/3' 的分数：{found!r}",
        "en": "not a number or a fraction like '1/3': {found!r}",
    },
    "v_id_pattern": {
        "zh": "代码 {node!r} 应为小写蛇形命名：以字母开头，只含字母、数字和 _",
        "en": "id {node!r} must be snake_case: a letter, then letters, digits and _ only",
    },
    "v_goalposts_order": {
        "zh": "goalposts [下限, 上限] 要求下限 < 上限；实际为 {found}",
        "en": "goalposts [min, max] need min < max; found {found}",
    },
    "v_empty_children": {
        "zh": "节点 {node!r} 的 children 为空：请给出下级，或改为指标（删除 children，"
        "并给出 unit 和 direction）",
        "en": "node {node!r} has an empty children list: give it children or make it "
        "an indicator (remove 'children' and add unit and direction)",
    },
    "v_branch_leaf_fields": {
        "zh": "节点 {node!r} 有下级，不能有指标字段 {fields}",
        "en": "node {node!r} has children, so it cannot have indicator fields {fields}",
    },
    "v_ahp_shape": {
        "zh": "节点 {node!r} 的 ahp 判断矩阵应为 {k} × {k}（每个下级一行一列，按下级顺序）",
        "en": "ahp matrix of node {node!r} must be {k} x {k} (one row and column per "
        "child, in the children's order)",
    },
    "v_direction_needed": {
        "zh": "指标 {node!r} 需要 direction：1（越大越好）或 -1（越小越好）",
        "en": "indicator {node!r} needs 'direction': 1 (more is better) or -1 (less is better)",
    },
    "v_leaf_branch_fields": {
        "zh": "指标 {node!r} 没有下级：ahp、aggregate 只适用于有下级的节点",
        "en": "indicator {node!r} has no children: 'ahp'/'aggregate' apply to nodes with children",
    },
    "v_display_without_denominator": {
        "zh": "指标 {node!r}：display_unit 和 display_scale 用于比值指标；"
        "请给出 denominator，或删去这两项（原始序列的单位写在 unit）",
        "en": "indicator {node!r}: display_unit and display_scale describe a ratio; give a "
        "'denominator' or remove them (use 'unit' for the raw series)",
    },
    "v_log_goalposts": {
        "zh": "指标 {node!r}：log 变换需要正的 goalposts；实际为 {found}",
        "en": "indicator {node!r}: transform log needs positive goalposts; found {found}",
    },
    # -- assessment inputs -----------------------------------------------------------------------
    "data_file_not_found": {"zh": "找不到数据文件：{path}", "en": "data file not found: {path}"},
    "units_file_not_found": {"zh": "找不到地区表：{path}", "en": "units file not found: {path}"},
    "no_units": {
        "zh": "没有地区表：请给出 units: units.csv（或使用 COINr 的 iData 数据）",
        "en": "no units: give 'units: units.csv' (or COINr iData data)",
    },
    "no_values": {"zh": "数据文件中没有任何数值", "en": "the data files hold no values"},
    "series_no_column": {
        "zh": "缺少指标 {series!r} 的列：指标体系中的每个序列在此表中都需要一列",
        "en": "no column for indicator {series!r}: every series of the framework needs a column "
        "in this table",
    },
    "series_no_rows": {
        "zh": "没有指标 {series!r} 的数据行",
        "en": "no rows for indicator {series!r}",
    },
    "series_no_data": {
        "zh": "以下指标或辅助序列没有数据：{series}",
        "en": "no data for these framework series (indicators or auxiliary): {series}",
    },
    "no_data_in_years": {
        "zh": "{first}—{last} 年没有数据（数据覆盖 {low}—{high} 年）",
        "en": "no data in the years {first}-{last} (data cover {low}-{high})",
    },
    "base_year_no_data": {"zh": "基期 {year} 年没有数据", "en": "base_year {year} has no data"},
    "override_not_indicator": {
        "zh": "steps.{step}.overrides：{node!r} 不是指标体系中的指标",
        "en": "steps.{step}.overrides: {node!r} is not an indicator of the framework",
    },
    "aggregate_node_unknown": {
        "zh": "steps.aggregate.nodes：{node!r} 不是指标体系中有下级的节点",
        "en": "steps.aggregate.nodes: {node!r} is not a node with children in the framework",
    },
    "impute_by_unknown": {
        "zh": "steps.impute.by：{name!r} 不是地区表的列（现有列：{columns}）",
        "en": "steps.impute.by: {name!r} is not a column of the units table (columns: {columns})",
    },
}
