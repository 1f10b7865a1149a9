"""The units table (docs/en/architecture.md#units-csv) and matching of the unit names and
codes found in data files.

A data file may name a unit by its code (``520100``, also ``520100.0`` as Excel writes numbers),
its English name (any case and spacing) or its Chinese name, with or without the administrative
suffix: ``贵州省`` and ``贵州``, ``广西壮族自治区`` and ``广西``, ``黔东南苗族侗族自治州``,
``黔东南州`` and ``黔东南`` all name the same unit. A text that fits two units is an error, never a
guess (``吉林`` is both 吉林省 and 吉林市 when both are in the table).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from pathlib import Path

import pandas as pd

from kaifang.data.readers import read_text_table
from kaifang.errors import InputError, KaifangError, Problem
from kaifang.problem_messages import names

REQUIRED_COLUMNS = ("code", "name_en", "name_zh", "level")
OPTIONAL_COLUMNS = ("parent", "group")

# Ethnic groups that appear in the names of autonomous regions, prefectures, counties and banners
# (民族自治地方); longest first so that 维吾尔 is not read as 吾尔 after a shorter match.
_ETHNIC_GROUPS = sorted(
    [
        "蒙古",
        "回",
        "藏",
        "维吾尔",
        "苗",
        "彝",
        "壮",
        "布依",
        "朝鲜",
        "满",
        "侗",
        "瑶",
        "白",
        "土家",
        "哈尼",
        "哈萨克",
        "傣",
        "黎",
        "傈僳",
        "佤",
        "畲",
        "高山",
        "拉祜",
        "水",
        "东乡",
        "纳西",
        "景颇",
        "柯尔克孜",
        "土",
        "达斡尔",
        "仫佬",
        "羌",
        "布朗",
        "撒拉",
        "毛南",
        "仡佬",
        "锡伯",
        "阿昌",
        "普米",
        "塔吉克",
        "怒",
        "乌孜别克",
        "俄罗斯",
        "鄂温克",
        "德昂",
        "保安",
        "裕固",
        "京",
        "塔塔尔",
        "独龙",
        "鄂伦春",
        "赫哲",
        "门巴",
        "珞巴",
        "基诺",
        "各",
    ],
    key=len,
    reverse=True,
)
# Tokens stripped from the end of an autonomous area's base name: 苗族, 侗族, ...; names of two or
# more characters also without 族 (新疆维吾尔自治区, 博尔塔拉蒙古自治州).
_ETHNIC_TOKENS = sorted(
    [g + "族" for g in _ETHNIC_GROUPS] + [g for g in _ETHNIC_GROUPS if len(g) >= 2],
    key=len,
    reverse=True,
)
_AUTONOMOUS_KINDS = ("自治区", "自治州", "自治县", "自治旗")
# Ordinary suffixes, longest first; stripped only when at least two characters remain, because
# one-character bases (沛县 -> 沛) collide too easily.
_ZH_SUFFIXES = ("特别行政区", "地区", "林区", "新区", "省", "市", "盟", "州", "县", "区", "旗")
_EN_SUFFIXES = re.compile(
    r"\s+(province|city|municipality|autonomous region|autonomous prefecture|prefecture|"
    r"special administrative region|sar|county|district)$"
)
_INTEGRAL_FLOAT = re.compile(r"^(\d+)\.0+$")


class AmbiguousUnitError(KaifangError, LookupError):
    """A text names more than one unit of the table."""

    def __init__(self, text: str, codes: list[str]) -> None:
        self.text = text
        self.codes = codes
        super().__init__(f"{text!r} matches several units: {', '.join(codes)}")


def _clean(text: str) -> str:
    # NFKC turns full-width digits/letters (５２０１００, Ｇｕｉｚｈｏｕ) into ASCII.
    return " ".join(unicodedata.normalize("NFKC", str(text)).split())


def _zh_base(name: str) -> str:
    """Short form of a Chinese administrative name: 黔东南苗族侗族自治州 -> 黔东南."""
    name = name.replace(" ", "")
    for kind in _AUTONOMOUS_KINDS:
        if name.endswith(kind) and len(name) - len(kind) >= 2:
            base = name[: -len(kind)]
            stripped = True
            while stripped:
                stripped = False
                for token in _ETHNIC_TOKENS:
                    if base.endswith(token) and len(base) - len(token) >= 2:
                        base = base[: -len(token)]
                        stripped = True
                        break
            return base
    for suffix in _ZH_SUFFIXES:
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            return name[: -len(suffix)]
    return name


def _en_base(name: str) -> str:
    return _EN_SUFFIXES.sub("", name.casefold())


class UnitMatcher:
    """Match unit codes and names (English or Chinese, full or short) to unit codes.

    Matching is tiered and a tier is used only when the tiers before it found nothing:

    1. the code itself (``520100.0`` is read as ``520100``);
    2. ``name_en`` (case and spacing ignored) or ``name_zh`` exactly;
    3. the short forms, with administrative suffixes (省, 市, 自治区, 苗族侗族自治州, Province, ...)
       stripped on both sides.

    Within a tier, two different units for one text is an ambiguity: :meth:`match` raises
    :class:`AmbiguousUnitError` and :meth:`candidates` returns all of them.
    """

    def __init__(self, units: pd.DataFrame) -> None:
        self._tiers: list[dict[str, set[str]]] = [{}, {}, {}]
        self.codes: list[str] = [str(c) for c in units["code"]]
        names_en = units["name_en"] if "name_en" in units else [""] * len(units)
        names_zh = units["name_zh"] if "name_zh" in units else [""] * len(units)
        for code, en, zh in zip(self.codes, names_en, names_zh, strict=True):
            self._add(0, _clean(code), code)
            for name in (en, zh):
                name = _clean(name) if isinstance(name, str) else ""
                if not name:
                    continue
                self._add(1, name.casefold(), code)
                self._add(1, name.replace(" ", ""), code)
                self._add(2, _en_base(name), code)
                self._add(2, _zh_base(name), code)

    def _add(self, tier: int, key: str, code: str) -> None:
        if key:
            self._tiers[tier].setdefault(key, set()).add(code)

    def candidates(self, text: object) -> list[str]:
        """All unit codes that ``text`` may name, from the first tier that finds any (sorted)."""
        if text is None or (isinstance(text, float) and text != text):
            return []
        t = _clean(str(text))
        if not t:
            return []
        integral = _INTEGRAL_FLOAT.match(t)
        keys = [
            [t, integral.group(1)] if integral else [t],
            [t.casefold(), t.replace(" ", "")],
            [_en_base(t), _zh_base(t)],
        ]
        for tier, tier_keys in zip(self._tiers, keys, strict=True):
            found: set[str] = set()
            for key in tier_keys:
                found |= tier.get(key, set())
            if found:
                return sorted(found)
        return []

    def match(self, text: object) -> str | None:
        """The code of the unit ``text`` names, or None; raises AmbiguousUnitError if several."""
        found = self.candidates(text)
        if len(found) > 1:
            raise AmbiguousUnitError(str(text), found)
        return found[0] if found else None

    def match_many(self, texts: Iterable[object]) -> dict[str, list[str]]:
        """Candidates for each distinct text (one lookup per distinct value, not per row)."""
        return {str(t): self.candidates(t) for t in dict.fromkeys(texts)}


def read_units(path: str | Path, sheet: str | None = None) -> pd.DataFrame:
    """Read and validate a units table (CSV or Excel, architecture.md#units-csv).

    Returns a DataFrame with ``code, name_en, name_zh, level, parent, group`` (all text; ``parent``
    and ``group`` are empty strings when absent) followed by any extra columns, kept as text so they
    can serve as grouping columns (e.g. for group-mean imputation).

    Raises
    ------
    InputError
        With every problem found: missing required columns, empty or duplicated codes, empty names
        or levels, a parent code that is not in the table (when the table holds more than one
        level), a unit that is its own ancestor.
    """
    table, problems = read_text_table(path, sheet)
    if table is None:
        raise InputError(problems)
    file, header, df, rows = table.file, table.header, table.data, table.rows
    lookup = {h.strip(): i for i, h in enumerate(header) if h.strip()}
    missing = [c for c in REQUIRED_COLUMNS if c not in lookup]
    if missing:
        problems.append(
            Problem.of(
                file,
                "units_missing_columns",
                table.header_row,
                missing=names(missing),
                header=", ".join(header),
            )
        )
        raise InputError(problems)

    out = pd.DataFrame({name: df[i].str.strip() for name, i in lookup.items()})
    for col in OPTIONAL_COLUMNS:
        if col not in out:
            out[col] = ""
    # Excel stores 520100 as a number; a code must read the same whichever way it was typed.
    for col in ("code", "parent"):
        out[col] = out[col].str.replace(_INTEGRAL_FLOAT, r"\1", regex=True)
    ordered = [*REQUIRED_COLUMNS, *OPTIONAL_COLUMNS]
    out = out[ordered + [c for c in out.columns if c not in ordered]]

    for col in REQUIRED_COLUMNS:
        for k in (out[col] == "").to_numpy().nonzero()[0].tolist():
            problems.append(
                Problem.of(file, "units_empty_cell", int(rows[k]), header[lookup[col]], name=col)
            )
    first_row: dict[str, int] = {}
    for k, code in enumerate(out["code"]):
        if not code:
            continue
        if code in first_row:
            problems.append(
                Problem.of(
                    file,
                    "units_duplicate_code",
                    int(rows[k]),
                    header[lookup["code"]],
                    code=code,
                    first=first_row[code],
                )
            )
        else:
            first_row[code] = int(rows[k])
    parents = dict(zip(out["code"], out["parent"], strict=True))
    # A table of one level (the 9 prefectures, the 31 provinces) names a parent that is not a row;
    # a table of several levels must hold its own hierarchy, so an unknown parent is a typo.
    hierarchical = out["level"].nunique() > 1
    parent_col = header[lookup["parent"]] if "parent" in lookup else "parent"
    for k, (code, parent) in enumerate(zip(out["code"], out["parent"], strict=True)):
        if not parent:
            continue
        if parent not in first_row:
            if not hierarchical:
                continue  # one-level table: its parent (e.g. the province) lives elsewhere
            problems.append(
                Problem.of(file, "units_unknown_parent", int(rows[k]), parent_col, parent=parent)
            )
            continue
        seen = {code}
        p = parent
        while p and p not in seen:
            seen.add(p)
            p = parents.get(p, "")
        if p:
            problems.append(
                Problem.of(file, "units_cycle", int(rows[k]), parent_col, code=code, via=p)
            )
    if problems:
        raise InputError(problems)
    return out.reset_index(drop=True)
