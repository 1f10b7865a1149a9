"""Administrative scopes: sets of GB/T 2260 codes, where a code covers the codes below it.

A GB/T 2260 code has six digits: two for the province, two for the prefecture, two for the county
(520000 Guizhou ⊃ 520100 Guiyang ⊃ 520102 Nanming District). A scope is a set of such codes; it
covers a region when one of its codes is the region or an ancestor of it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

CODE = re.compile(r"^\d{6}$")


def is_code(text: str) -> bool:
    """Whether ``text`` is a six-digit administrative code."""
    return bool(CODE.match(text))


def prefix(code: str) -> str:
    """The digits a code's descendants share: ``520000`` -> ``52``, ``520100`` -> ``5201``.

    A code that is not six digits (a country, a made-up unit) covers only itself: its prefix is the
    whole code.
    """
    if not is_code(code):
        return code
    if code.endswith("0000"):
        return code[:2]
    if code.endswith("00"):
        return code[:4]
    return code


def covers(scope_code: str, region: str) -> bool:
    """Whether the scope code ``scope_code`` covers ``region`` (itself or a descendant)."""
    if not is_code(scope_code) or not is_code(region):
        return scope_code == region
    return region.startswith(prefix(scope_code))


def in_scope(scope: Iterable[str], region: str) -> bool:
    """Whether any code of ``scope`` covers ``region``."""
    return any(covers(code, region) for code in scope)


def prefixes(scope: Iterable[str]) -> list[str]:
    """The prefixes of a scope, for ``LIKE 'prefix%'`` filters in SQL (sorted, no redundancy)."""
    found = sorted({prefix(code) for code in scope})
    return [p for p in found if not any(p != q and p.startswith(q) for q in found)]


def level(code: str) -> str:
    """``province``, ``prefecture`` or ``county`` from the shape of a six-digit code."""
    if code.endswith("0000"):
        return "province"
    if code.endswith("00"):
        return "prefecture"
    return "county"
