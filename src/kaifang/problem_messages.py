"""The one catalogue of input problems (zh and en): what readers and validation tell the user.

A :class:`~kaifang.errors.Problem` made with ``Problem.of(file, key, ..., **params)`` keeps its key
and parameters and is rendered in the language the user chose. Parameters are inserted as given
(file names, ids and cells as found in the file); a parameter that is itself language-dependent
text is a :class:`Local`. :func:`render_message` raises on an unknown key, so a typo fails the
tests instead of showing a raw key.
"""

from __future__ import annotations

import errno
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

LANGS = ("zh", "en")


@dataclass(frozen=True)
class Local:
    """A parameter that is text in both languages (a sub-phrase of a message)."""

    zh: str
    en: str

    def __str__(self) -> str:
        return self.en


class LocalValueError(ValueError):
    """A ValueError raised by a config validator, with its catalogue key, so that the problem
    pydantic reports can be told in Chinese too."""

    def __init__(self, key: str, **params: Any) -> None:
        self.key, self.params = key, params
        super().__init__(render_message(key, "en", params))


def local(key: str, **params: Any) -> Local:
    """A catalogue phrase in both languages, to pass as a parameter of another message."""
    return Local(render_message(key, "zh", params), render_message(key, "en", params))


def render_message(key: str, lang: str, params: Mapping[str, Any]) -> str:
    """The text of catalogue entry ``key`` in ``lang`` with ``params`` filled in."""
    entry = PROBLEM_MESSAGES[key]
    lang = lang if lang in LANGS else "en"
    values = {k: (getattr(v, lang) if isinstance(v, Local) else v) for k, v in params.items()}
    return entry[lang].format(**values)


_OS_REASONS_ZH = {
    errno.EACCES: "没有读取权限",
    errno.EPERM: "没有读取权限",
    errno.ENOENT: "文件不存在",
    errno.EISDIR: "这是一个文件夹",
    errno.EIO: "读写错误",
    errno.ENAMETOOLONG: "路径过长",
    errno.ELOOP: "符号链接循环",
    errno.ENOSPC: "磁盘已满",
    errno.EROFS: "只读文件系统",
}


def os_reason(err: OSError) -> Local:
    """Why the system refused a file, in both languages (the English is the system's text)."""
    zh = _OS_REASONS_ZH.get(err.errno or 0, f"系统错误 {err.errno}")
    return Local(zh, err.strerror or str(err))


def names(items: list[str]) -> Local:
    """A list of ids: quoted in Chinese text (so an id never reads as a stray English word),
    as written in English text."""
    return Local("、".join(repr(i) for i in items), ", ".join(items))


def also_rows(rows: list[int]) -> Local:
    """``(also rows 3, 4 and 2 more)``: the other rows a repeated problem occurs in."""
    if len(rows) <= 1:
        return Local("", "")
    shown = ", ".join(str(int(r)) for r in rows[1:6])
    extra = len(rows) - 6
    zh_more = f" 等另外 {extra} 行" if extra > 0 else ""
    en_more = f" and {extra} more" if extra > 0 else ""
    plural = "s" if len(rows) > 2 else ""
    return Local(f"（另见第 {shown} 行{zh_more}）", f" (also row{plural} {shown}{en_more})")


PROBLEM_MESSAGES: dict[str, dict[str, str]] = {
    # -- listing ---------------------------------------------------------------------------------
    "more_problems": {
        "zh": "……另有 {count} 个问题未列出（先改正以上问题）",
        "en": "... and {count} more problems (fix the ones above first)",
    },
    # -- files -----------------------------------------------------------------------------------
    "file_not_found": {"zh": "文件不存在", "en": "file not found"},
    "cannot_read": {"zh": "无法读取文件（{reason}）", "en": "cannot read file: {reason}"},
    "is_directory": {
        "zh": "这是一个文件夹，不是文件；请给出其中某个文件的路径",
        "en": "this is a folder, not a file; give the path of a file in it",
    },
    "is_directory_try": {
        "zh": "这是一个文件夹，不是文件；是否要用 {suggestion}？",
        "en": "this is a folder, not a file; did you mean {suggestion}?",
    },
    "not_regular_file": {
        "zh": "不是普通文件（设备、管道或套接字）；只读取普通文件",
        "en": "not a regular file (a device, pipe or socket); only regular files are read",
    },
    # -- limits ----------------------------------------------------------------------------------
    "limit_env_bad": {
        "zh": "环境变量 {variable} 应为正整数，实际为 {found!r}",
        "en": "environment variable {variable} must be a positive whole number; found {found!r}",
    },
    "limit_bytes": {
        "zh": "文件过大：{size_mb} MB，超过上限 {limit_mb} MB（解压后大小）；"
        "如确属正常数据，可设置环境变量 {hint} 提高上限",
        "en": "file too large: {size_mb} MB, above the limit of {limit_mb} MB (uncompressed); "
        "if the data are genuine, raise the limit with the environment variable {hint}",
    },
    "limit_member_bytes": {
        "zh": "工作簿内部的 {member} 解压后超过上限 {limit_mb} MB；"
        "如确属正常数据，可设置环境变量 {hint} 提高上限",
        "en": "the workbook part {member} unpacks to more than the limit of {limit_mb} MB; "
        "if the data are genuine, raise the limit with the environment variable {hint}",
    },
    "limit_rows": {
        "zh": "行数过多：{found} 行，超过上限 {limit} 行；"
        "如确属正常数据，可设置环境变量 {hint} 提高上限",
        "en": "too many rows: {found}, above the limit of {limit}; "
        "if the data are genuine, raise the limit with the environment variable {hint}",
    },
    "limit_cells": {
        "zh": "单元格过多：{rows} 行 × {columns} 列，超过上限 {limit} 个单元格；"
        "如确属正常数据，可设置环境变量 {hint} 提高上限",
        "en": "too many cells: {rows} rows x {columns} columns, above the limit of {limit} cells; "
        "if the data are genuine, raise the limit with the environment variable {hint}",
    },
    "limit_columns": {
        "zh": "列数过多：{found} 列，超过上限 {limit} 列；"
        "如确属正常数据，可设置环境变量 {hint} 提高上限",
        "en": "too many columns: {found}, above the limit of {limit}; "
        "if the data are genuine, raise the limit with the environment variable {hint}",
    },
    "limit_sheet_extent": {
        "zh": "工作表 {sheet!r} 的范围到单元格 {cell}（{rows} 行 × {columns} 列），"
        "超过上限（{max_rows} 行，{max_columns} 列，共 {max_cells} 个单元格）；"
        "删除多余的行列，或设置环境变量 {hint} 提高上限",
        "en": "sheet {sheet!r} reaches cell {cell} ({rows} rows x {columns} columns), above the "
        "limits ({max_rows} rows, {max_columns} columns, {max_cells} cells in all); delete the "
        "unused rows and columns, or raise the limits with the environment variables {hint}",
    },
    "not_a_workbook": {
        "zh": "无法作为 Excel 工作簿读取：文件已损坏或不是该格式",
        "en": "cannot read as an Excel workbook: the file is damaged or not of this kind "
        "({reason})",
    },
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
    # -- YAML ------------------------------------------------------------------------------------
    "yaml_not_utf8": {
        "zh": "不是 UTF-8 文本（第 {byte} 字节）；请将文件另存为 UTF-8",
        "en": "not UTF-8 text (byte {byte}); save the file as UTF-8",
    },
    "yaml_syntax": {
        "zh": "YAML 语法错误：{detail}",
        "en": "YAML syntax error: {detail}",
    },
    "yaml_error": {"zh": "YAML 错误：{detail}", "en": "YAML error: {detail}"},
    "yaml_duplicate_key": {
        "zh": "重复的键 {name!r}（第一次写在第 {first} 行）",
        "en": "duplicate key {name!r} (first written on line {first})",
    },
    "yaml_anchor": {
        "zh": "不支持 YAML 锚点与别名（&名称、*名称）：此处有 {kind}{name}；请把值直接写出",
        "en": "YAML anchors and aliases (&name, *name) are not supported: found {kind}{name} "
        "here; write the values out",
    },
    "yaml_too_deep": {
        "zh": "YAML 嵌套层数过深（超过 {depth} 层）",
        "en": "YAML nested too deeply (more than {depth} levels)",
    },
}
