"""Text helpers that keep a Chinese report Chinese: configuration ids and file names shown as
code, bilingual source strings cut to the reader's language, the list of Latin words a Chinese
output may carry (acronyms, symbols, proper names), and the check that finds the others
(``stray_words``, ``stray_in_html``: Latin words outside ``<code>`` and text marked
``lang="en"``), for tests of any Chinese output."""

from __future__ import annotations

import re
from functools import lru_cache
from html.parser import HTMLParser

from markupsafe import Markup, escape

from kaifang.report.glossary import METHOD_VALUES, PARAMETERS, STEPS

# Latin words a Chinese text may carry outside code formatting: maths (x, min, ln), unit
# symbols, proper names and acronyms (any all-capitals word such as COINr's JRC, TOPSIS, RCEP)
ALLOWED_WORDS = frozenset(
    {
        "min",
        "max",
        "ln",
        "log",
        "exp",
        "km",
        "km2",
        "kg",
        "kaifang",
        "COINr",
        "SPSSAU",
        "WeasyPrint",
        "GeoJSON",
        "Excel",
        "Stata",
        # people whose names the methods carry; Chinese papers write them in Latin letters
        "Dagum",
        "Borda",
        "Theil",
        "Moran",
        "Markov",
        "Williamson",
        "Copeland",
        "Saltelli",
        "Sobol",
        "Pearson",
        "Spearman",
        "Cronbach",
        "Balassa",
        "Silverman",
        "Scott",
        "Epanechnikov",
    }
)
_ACRONYM = re.compile(r"^[A-Z][A-Z0-9]{1,9}$")
_FILE = re.compile(r"[\w./-]+\.(?:json|csv|yaml|yml|geojson|xlsx|html|pdf)\b")
_WORD = re.compile(r"[A-Za-z][A-Za-z0-9_]*(?:[.*|][A-Za-z0-9_*|]+|[*|])*")


def allowed_word(word: str) -> bool:
    """A Latin word a Chinese output may show as running text."""
    return len(word) == 1 or word in ALLOWED_WORDS or bool(_ACRONYM.match(word))


@lru_cache(maxsize=1)
def _known_ids() -> frozenset[str]:
    names = set(STEPS) | set(METHOD_VALUES)
    for params in PARAMETERS.values():
        names |= set(params)
    return frozenset(names)


def split_ids(text: str) -> list[tuple[str, bool]]:
    """``text`` cut into (piece, is_code) runs: file names and configuration ids (step,
    parameter and method names, node globs, anything with an underscore) are code, names to
    type rather than words."""
    known = _known_ids()
    runs: list[tuple[str, bool]] = []
    pos = 0
    for m in re.finditer(f"{_FILE.pattern}|{_WORD.pattern}", text):
        word = m.group(0)
        is_id = bool(_FILE.fullmatch(word)) or any(c in word for c in "_*|") or word in known
        if not is_id or allowed_word(word):
            continue
        if m.start() > pos:
            runs.append((text[pos : m.start()], False))
        runs.append((word, True))
        pos = m.end()
    if pos < len(text):
        runs.append((text[pos:], False))
    return runs


def code_ids(text: str) -> Markup:
    """``text`` escaped, with its ids (``split_ids``) in ``<code>``."""
    return Markup(
        "".join(
            f"<code>{escape(piece)}</code>" if code else str(escape(piece))
            for piece, code in split_ids(text)
        )
    )


def source_text(source: str, lang: str) -> str:
    """A source written as ``中文 (English)`` shown in one language: the Chinese part for
    ``zh``, the English part for ``en``; any other source unchanged."""
    m = re.fullmatch(r"\s*(.*?[^\x00-\x7f].*?)\s*\(([\x00-\x7f]+)\)\s*", source)
    if m is None:
        return source
    return m.group(1) if lang == "zh" else m.group(2)


def balanced(name: str, longest: int = 5) -> Markup:
    """A Chinese column head broken into two lines of near-equal length when it is longer than
    ``longest`` characters (开放型营商环境 -> 开放型营 / 商环境), so that a narrow column never
    leaves one character on a line of its own; other text is only escaped."""
    if len(name) <= longest or not all(ord(c) > 0x2E80 for c in name):
        return Markup(escape(name))
    cut = (len(name) + 1) // 2
    return Markup(f"{escape(name[:cut])}<br>{escape(name[cut:])}")


_LATIN = re.compile(r"[A-Za-z][A-Za-z0-9_]*")
_VOID = {"br", "meta", "link", "img", "input", "hr", "col", "wbr", "source"}


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.stack: list[bool] = []  # True: this element's text is exempt
        self.found: list[tuple[str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _VOID:
            return
        a = dict(attrs)
        exempt = tag in ("style", "script", "code") or (a.get("lang") or "").startswith("en")
        self.stack.append(exempt or (bool(self.stack) and self.stack[-1]))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        return

    def handle_endtag(self, tag: str) -> None:
        if tag not in _VOID and self.stack:
            self.stack.pop()

    def handle_data(self, data: str) -> None:
        if self.stack and self.stack[-1]:
            return
        self.found += [(w, data.strip()[:80]) for w in stray_words(data)]


def stray_words(text: str) -> list[str]:
    """The Latin words of ``text`` that a Chinese output should not carry."""
    return [w for w in _LATIN.findall(text) if not allowed_word(w)]


def stray_in_html(html: str) -> list[tuple[str, str]]:
    """(word, its text) for every stray Latin word of a page."""
    parser = _Text()
    parser.feed(html)
    return parser.found
