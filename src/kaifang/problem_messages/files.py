"""Problems with files as such: reading them, their size limits, YAML syntax; and the listing."""

from __future__ import annotations

FILE_MESSAGES: dict[str, dict[str, str]] = {
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
    "limit_declared_count": {
        "zh": "工作簿内部的 {member} 声明了 {count} 个条目，超过单元格上限 {limit}"
        "（文件已损坏或被篡改？）；如确属正常数据，可设置环境变量 {hint} 提高上限",
        "en": "the workbook part {member} declares {count} entries, above the limit of {limit} "
        "cells (a damaged or crafted file?); if the data are genuine, raise the limit with the "
        "environment variable {hint}",
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
