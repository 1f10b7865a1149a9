"""Problems in data tables: text encodings, table structure, cells, NBS exports, units and COINr
tables."""

from __future__ import annotations

TABLE_MESSAGES: dict[str, dict[str, str]] = {
    # -- text and tables -------------------------------------------------------------------------
    "utf16": {
        "zh": "文件是 UTF-16 文本；请另存为 UTF-8（Excel 中选“CSV UTF-8”）",
        "en": "file is UTF-16 text; save it as UTF-8 (Excel: 'CSV UTF-8')",
    },
    "utf8_broken": {
        "zh": "第 {offset} 字节（第 {line} 行）不是有效的 UTF-8：{found!r}；共 {count} 处无效字节。"
        "请修正或将文件另存为 UTF-8",
        "en": "not valid UTF-8 at byte offset {offset} (line {line}): found {found!r}; {count} "
        "invalid byte sequence(s) in all. Fix or re-save the file as UTF-8",
    },
    "undecodable": {
        "zh": "无法解码：第 {offset} 字节（第 {line} 行）既不是 UTF-8 也不是 GBK/GB18030："
        "{found!r}。请将文件另存为 UTF-8",
        "en": "cannot decode: neither UTF-8 nor GBK/GB18030 at byte offset {offset} "
        "(line {line}): found {found!r}. Save the file as UTF-8",
    },
    "no_sheet": {
        "zh": "没有名为 {sheet!r} 的工作表；现有工作表：{sheets}",
        "en": "no sheet named {sheet!r}; sheets: {sheets}",
    },
    "no_sheets": {"zh": "工作簿中没有工作表", "en": "workbook has no sheets"},
    "sheet_empty": {"zh": "工作表 {sheet!r} 是空的", "en": "sheet {sheet!r} is empty"},
    "merged_cells": {
        "zh": "合并单元格 {span}：请取消合并并为每个单元格填写数值（表头只占一行，每列一个名称）",
        "en": "merged cells {span}: unmerge them and give every cell its value "
        "(one header row, one name per column)",
    },
    "merged_more": {
        "zh": "另有 {count} 处合并单元格",
        "en": "and {count} more merged ranges",
    },
    "duplicate_column": {
        "zh": "列名重复（与第 {other} 列相同）；不支持合并或多行表头",
        "en": "duplicate column name (also column {other}); "
        "merged or multi-row headers are not supported",
    },
    "file_empty": {"zh": "文件是空的", "en": "file is empty"},
    "no_rows": {"zh": "没有数据行：工作表或文件是空的", "en": "no rows: sheet/file is empty"},
    "row_width": {
        "zh": "该行有 {found} 个字段，而表头有 {width} 个（数字中未加引号的逗号，如 1,234，"
        "会把一个字段拆成两个）",
        "en": "row has {found} fields but the header has {width} "
        "(an unquoted comma in a number, e.g. 1,234, splits a field)",
    },
    "data_beyond_header": {
        "zh": "该行在最后一个有名称的列之后还有数据",
        "en": "row has data beyond the last named column",
    },
    "header_only": {
        "zh": "只有表头：表头下面没有数据行",
        "en": "header only: no data rows below the header",
    },
    "unnamed_column": {
        "zh": "第 {letter} 列有数据但表头中没有列名（合并或多行表头？）",
        "en": "column {letter} has data but no name in the header (merged or multi-row header?)",
    },
    "infinite_value": {"zh": "数值为无穷大（{found}）", "en": "value is infinite ({found})"},
    "not_a_number": {
        "zh": "不是数字：{found!r}（缺失值写作空白、NA、..、-、—）",
        "en": "not a number: found {found!r} (missing values are written as empty, NA, .., -, —)",
    },
    "unit_empty": {"zh": "地区为空", "en": "unit is empty"},
    "unit_ambiguous": {
        "zh": "地区 {found!r} 有歧义：可对应 {matches}；请使用代码{also}",
        "en": "unit {found!r} is ambiguous: it matches {matches}; use the code{also}",
    },
    "unit_unknown": {
        "zh": "未知地区 {found!r}：不是地区表中的代码或名称{also}",
        "en": "unknown unit {found!r}: not a code or name in the units table{also}",
    },
    "columns_map_key": {
        "zh": "列映射（columns）中有未知的键 {found!r}；可用的键：{allowed}",
        "en": "columns map: unknown key {found!r}; use one of {allowed}",
    },
    "mapped_column_missing": {
        "zh": "找不到列 {found!r}（映射为 {role!r}）；表头为：{header}",
        "en": "column {found!r} (mapped to {role!r}) not found; header: {header}",
    },
    "missing_columns": {
        "zh": "缺少必需的列：{missing}；表头为：{header}{hint}",
        "en": "missing required column(s) {missing}; header: {header}{hint}",
    },
    "semicolon_hint": {
        "zh": "（以分号分隔？请另存为以逗号分隔）",
        "en": " (semicolon-separated? save as comma-separated)",
    },
    "indicator_twice": {
        "zh": "文件中有指标列，数据源又指定了指标 {indicator!r}：只保留一处",
        "en": "the file has an indicator column and the source also names "
        "indicator {indicator!r}: keep one",
    },
    "no_indicator_columns": {
        "zh": "除地区和年份外没有指标列",
        "en": "no indicator columns besides unit and year",
    },
    "unknown_indicator_column": {
        "zh": "未知的指标列 {found!r}：不在指标体系中",
        "en": "unknown indicator column {found!r}: not in the framework",
    },
    "second_header": {
        "zh": "这一行看起来是第二行表头（不支持合并或多行表头：只用一行表头）",
        "en": "this row looks like a second header row (merged or multi-row "
        "headers are not supported: use one header row)",
    },
    "year_empty": {"zh": "年份为空", "en": "year is empty"},
    "not_a_year": {
        "zh": "不是年份：{found!r}（应为如 2024）",
        "en": "not a year: found {found!r} (expected e.g. 2024)",
    },
    "indicator_empty": {"zh": "指标为空{also}", "en": "indicator is empty{also}"},
    "unknown_indicator": {
        "zh": "未知指标 {found!r}：不在指标体系中{also}",
        "en": "unknown indicator {found!r}: not in the framework{also}",
    },
    "unknown_format": {
        "zh": "未知格式 {found!r}；可用：{allowed}",
        "en": "unknown format {found!r}; use one of {allowed}",
    },
    "nbs_needs_indicator": {
        "zh": "国家统计局导出表或“地区×年份”表只含一个指标："
        "请在数据源中给出其代码（indicator: ...）",
        "en": "an NBS or unit-by-year table holds one indicator: give its id "
        "(indicator: ...) in the data source",
    },
    "given_twice": {
        "zh": "地区 {unit}、{year} 年、指标 {indicator} 的数值出现了两次：另见 {first}",
        "en": "unit {unit}, year {year}, indicator {indicator} given twice: also at {first}",
    },
    # -- NBS exports -----------------------------------------------------------------------------
    "nbs_unrecognised_line": {
        "zh": "表格前有无法识别的行：{found!r}"
        "（应为 数据库：、指标：、时间： 或表头行 地区,2024年,...）",
        "en": "unrecognised line before the table: {found!r} "
        "(expected 数据库：, 指标：, 时间： or the header row 地区,2024年,...)",
    },
    "nbs_meta_twice": {"zh": "“{name}”出现了两次", "en": "{name} given twice"},
    "nbs_meta_empty": {"zh": "“{name}”一行是空的", "en": "{name} line is empty"},
    "nbs_no_header": {
        "zh": "找不到表头（一行“地区/Region”后接各年份）",
        "en": "no table header found (a row 地区/Region followed by years)",
    },
    "nbs_after_table": {
        "zh": "表格后有多余的行：{found!r}（表格在第一个空行或 注：/数据来源： 行处结束）",
        "en": "unexpected line after the table: {found!r} (the table ends "
        "at the first blank line or 注：/数据来源： line)",
    },
    "nbs_column_no_year": {
        "zh": "第 {number} 列有数据但表头中没有年份",
        "en": "column {number} has data but no year in the header",
    },
    "nbs_header_not_year": {
        "zh": "表头中不是年份：{found!r}",
        "en": "not a year in the header: found {found!r}",
    },
    "nbs_year_twice": {
        "zh": "{year} 年在表头中出现了两次（另见 {other!r}）",
        "en": "year {year} appears twice in the header (also {other!r})",
    },
    "nbs_row_width": {
        "zh": "该行有 {found} 个字段，而表头有 {width} 个",
        "en": "row has {found} fields but the header has {width}",
    },
    "nbs_no_rows": {"zh": "表头下面没有数据行", "en": "no data rows below the header"},
    # -- units tables ----------------------------------------------------------------------------
    "units_missing_columns": {
        "zh": "缺少必需的列：{missing}；现有列：{header}",
        "en": "missing required column(s) {missing}; found {header}",
    },
    "units_empty_cell": {"zh": "{name} 为空", "en": "empty {name}"},
    "units_duplicate_code": {
        "zh": "代码 {code!r} 重复（第一次出现在第 {first} 行）",
        "en": "duplicate code {code!r} (first at row {first})",
    },
    "units_unknown_parent": {
        "zh": "上级 {parent!r} 不是本表中的代码",
        "en": "parent {parent!r} is not a code of this table",
    },
    "units_cycle": {
        "zh": "地区 {code!r} 是它自己的上级（经由 {via!r} 形成循环）",
        "en": "unit {code!r} is its own ancestor (cycle through {via!r})",
    },
    # -- COINr tables ----------------------------------------------------------------------------
    "coinr_missing_ucode": {
        "zh": "缺少必需的列 uCode；表头为：{header}",
        "en": "missing required column uCode; header: {header}",
    },
    "coinr_empty": {"zh": "{name} 为空", "en": "{name} is empty"},
    "coinr_duplicate_icode": {
        "zh": "iCode {code!r} 重复（第一次出现在第 {first} 行）",
        "en": "duplicate iCode {code!r} (first at row {first})",
    },
    "coinr_unknown_type": {
        "zh": "未知的 Type {found!r}；可用：{allowed}",
        "en": "unknown Type {found!r}; use one of {allowed}",
    },
    "coinr_not_number": {
        "zh": "{name} 应为数字，实际为 {found!r}",
        "en": "{name} must be a number, found {found!r}",
    },
    "coinr_bad_weight": {
        "zh": "Weight 应为不小于 0 的数字，实际为 {found!r}",
        "en": "Weight must be a number >= 0, found {found!r}",
    },
    "coinr_bad_direction": {
        "zh": "Direction 应为 1 或 -1，实际为 {found!r}",
        "en": "Direction must be 1 or -1, found {found!r}",
    },
    "coinr_parent_unknown": {
        "zh": "{code!r} 的 Parent {parent!r} 不是 Aggregate 类型的 iCode",
        "en": "Parent {parent!r} of {code!r} is not an Aggregate iCode",
    },
    "coinr_parent_indicator": {
        "zh": "{code!r} 的 Parent {parent!r} 是 Indicator；只有 Aggregate 行可以有下级",
        "en": "Parent {parent!r} of {code!r} is an Indicator; "
        "only Aggregate rows can have children",
    },
    "coinr_parent_level": {
        "zh": "Parent {parent!r} 的 Level 为 {level}，不高于 {code!r} 的 {own}",
        "en": "Parent {parent!r} has Level {level}, not above {code!r}'s {own}",
    },
    "coinr_roots": {
        "zh": "应恰有一行没有 Parent（即总指数）；实际有 {count} 行：{roots}",
        "en": "need exactly one row without Parent (the index); found {count}: {roots}",
    },
    "coinr_no_children": {
        "zh": "Aggregate {code!r} 没有下级",
        "en": "Aggregate {code!r} has no children",
    },
    "coinr_bad_denominator": {
        "zh": "{code!r} 的 Denominator {denominator!r} 不是 iCode",
        "en": "Denominator {denominator!r} of {code!r} is not an iCode",
    },
    "coinr_no_time": {
        "zh": "没有 Time 列：请添加，或给出数据所属的年份",
        "en": "no Time column: add one, or pass the year the data are for",
    },
    "coinr_unit_year_twice": {
        "zh": "地区 {unit}、{year} 年出现了两次（第一次在第 {first} 行）",
        "en": "unit {unit} year {year} given twice (first at row {first})",
    },
    "coinr_unit_inconsistent": {
        "zh": "地区 {code!r} 在不同行中的 uName 或 *_group 值不一致（第 {rows} 行）",
        "en": "unit {code!r} has different uName or *_group values in different rows (rows {rows})",
    },
}
