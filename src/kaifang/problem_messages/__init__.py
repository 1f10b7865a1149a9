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

from kaifang.problem_messages.blocks import BLOCK_MESSAGES
from kaifang.problem_messages.config import CONFIG_MESSAGES
from kaifang.problem_messages.files import FILE_MESSAGES
from kaifang.problem_messages.tables import TABLE_MESSAGES
from kaifang.problem_messages.trade import TRADE_MESSAGES

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
    **FILE_MESSAGES,
    **TABLE_MESSAGES,
    **CONFIG_MESSAGES,
    **BLOCK_MESSAGES,
    **TRADE_MESSAGES,
}
