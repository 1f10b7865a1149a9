"""The catalogue of input problems: every key used in the code exists, in both languages, and
renders with the parameters its call sites give."""

from __future__ import annotations

import re
import string
from pathlib import Path

from kaifang.errors import InputError, Problem
from kaifang.problem_messages import PROBLEM_MESSAGES, Local, also_rows, names, render_message

SRC = Path(__file__).resolve().parents[1] / "src" / "kaifang"
_KEY_USE = re.compile(
    r'(?:Problem\.of\(\s*[^,()]+(?:\([^()]*\))?,\s*|local\(|LocalValueError\()"(\w+)"'
)


def _fields(text: str) -> set[str]:
    return {f for _, f, _, _ in string.Formatter().parse(text) if f}


def test_every_key_used_in_the_code_is_in_the_catalogue() -> None:
    used = {
        key
        for path in SRC.rglob("*.py")
        for key in _KEY_USE.findall(path.read_text(encoding="utf-8"))
    }
    assert len(used) > 80  # the pattern finds the call sites
    assert sorted(used - set(PROBLEM_MESSAGES)) == []


def test_every_entry_renders_in_both_languages() -> None:
    for key, entry in PROBLEM_MESSAGES.items():
        assert set(entry) == {"zh", "en"}, key
        params = {f.split("!")[0]: "x" for f in _fields(entry["zh"]) | _fields(entry["en"])}
        zh, en = render_message(key, "zh", params), render_message(key, "en", params)
        assert re.search(r"[\u4e00-\u9fff]", zh) or not zh.strip(" x：；"), (key, zh)
        assert not re.search(r"[\u4e00-\u9fff]", en.replace("数据库", "").replace("指标", "")
                             .replace("时间", "").replace("地区", "").replace("年", "")
                             .replace("注", "").replace("数据来源", "")), (key, en)  # fmt: skip


def test_local_parameters_follow_the_language() -> None:
    problem = Problem.of("d.csv", "unit_unknown", 3, "unit", found="火星市", also=also_rows([3, 5]))
    assert problem.render("en") == (
        "d.csv, row 3, column 'unit': unknown unit '火星市': not a code or name in the units "
        "table (also row 5)"
    )
    assert problem.render("zh") == (
        "d.csv，第 3 行，列 'unit'：未知地区 '火星市'：不是地区表中的代码或名称（另见第 5 行）"
    )
    assert str(problem) == problem.render("en")
    assert problem.message == problem.text("en") == problem.render("en").split(": ", 1)[1]
    listing = names(["unit", "year"])
    assert (listing.zh, listing.en) == ("'unit'、'year'", "unit, year")
    assert Local("甲", "a").en == str(Local("甲", "a"))


def test_listing_is_capped_with_a_count() -> None:
    problems = [Problem.of("f.csv", "year_empty", k + 2, "year") for k in range(120)]
    error = InputError(problems)
    assert len(error.lines("zh")) == 51
    assert error.lines("zh")[-1] == "……另有 70 个问题未列出（先改正以上问题）"
    assert error.lines("en", shown=3)[-1] == "... and 117 more problems (fix the ones above first)"
    assert str(error).splitlines()[0] == "120 problem(s) found:"
