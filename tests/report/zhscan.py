"""Find the Latin words of a Chinese output that a reader would see as stray English: words
outside code formatting (``<code>``), outside text marked as English (``lang="en"``), and not
an allowed symbol, acronym or proper name (``kaifang.report.zhtext.allowed_word``)."""

from __future__ import annotations

import re
from html.parser import HTMLParser

from kaifang.report.zhtext import allowed_word

WORD = re.compile(r"[A-Za-z][A-Za-z0-9_]*")
VOID = {"br", "meta", "link", "img", "input", "hr", "col", "wbr", "source"}


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.stack: list[bool] = []  # True: this element's text is exempt
        self.found: list[tuple[str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in VOID:
            return
        a = dict(attrs)
        exempt = tag in ("style", "script", "code", "title") or (a.get("lang") or "").startswith(
            "en"
        )
        self.stack.append(exempt or (bool(self.stack) and self.stack[-1]))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        return

    def handle_endtag(self, tag: str) -> None:
        if tag not in VOID and self.stack:
            self.stack.pop()

    def handle_data(self, data: str) -> None:
        if self.stack and self.stack[-1]:
            return
        self.found += [(w, data.strip()[:80]) for w in stray_words(data)]


def stray_words(text: str) -> list[str]:
    return [w for w in WORD.findall(text) if not allowed_word(w)]


def stray_in_html(html: str) -> list[tuple[str, str]]:
    """(word, its text) for every stray Latin word of a page."""
    parser = _Text()
    parser.feed(html)
    return parser.found
