"""The rows of the entry form's table, built in Python instead of a Jinja loop.

The form has one row per field (60 and more), and it is the page fillers open most. Everything
of a row that does not depend on the request (group heading, label, ids, unit, range text, the
explanation's label) is escaped and joined once per process for each form, language and set of
ranges; a page then only escapes its values, findings and explanations. The output is the same,
byte for byte, as the loop it replaces (the test keeps that loop as a reference template).

The pieces are keyed on the ranges shown, so a changed rule (which the page reads on every
request) takes effect on the very next page: it is a different key, never a stale entry.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from markupsafe import Markup, escape

from kaifang.platform.forms import FieldDefinition
from kaifang.platform.rules import FieldSpec
from kaifang.platform.web import messages

_CACHED_FORMS = 64


@dataclass(frozen=True)
class _RowPieces:
    """The fixed text of one row around its value, findings and explanation (all escaped)."""

    indicator: str
    before_value: str
    after_value: str
    before_findings: str
    before_explanation: str


_cache: dict[tuple[int, str, tuple[tuple[float | None, float | None], ...]], Any] = {}
_cache_lock = threading.Lock()


def _bound(value: float | None) -> str:
    return "" if value is None else f"{value:g}"


def _pieces(
    fields: Sequence[FieldDefinition], specs: Mapping[str, FieldSpec], lang: str
) -> tuple[_RowPieces, ...]:
    explanation_label = escape(messages.t("explanation", lang))
    group = ""
    built = []
    for f in fields:
        this_group = f.group_zh if lang == "zh" else f.group_en
        heading = ""
        if this_group != group:
            group = this_group
            heading = f'<tr class="group"><th colspan="6">{escape(this_group)}</th></tr>'
        ind = escape(f.indicator)
        name = escape(f.name_zh if lang == "zh" else f.name_en)
        spec = specs[f.indicator]
        built.append(
            _RowPieces(
                f.indicator,
                f"\n        \n        {heading}\n        \n"
                f'        <tr data-indicator="{ind}">\n'
                f'          <th scope="row"><label for="v_{ind}">{name}</label>\n'
                f'            <span class="node-id">{ind}</span></th>\n'
                f"          <td>{escape(f.unit)}</td>\n"
                "          \n"
                f'          <td class="num small">{_bound(spec.low)}–{_bound(spec.high)}</td>\n'
                f'          <td><input id="v_{ind}" name="v_{ind}" value="',
                '"\n                     inputmode="decimal" maxlength="40" class="cell" ',
                "></td>\n"
                f'          <td class="findings" id="f_{ind}" aria-live="polite">\n            ',
                "\n          </td>\n"
                f'          <td><textarea name="e_{ind}" rows="1" maxlength="2000" '
                f'aria-label="{explanation_label}"\n                        ',
            )
        )
    return tuple(built)


def _cached_pieces(
    fields: tuple[FieldDefinition, ...], specs: Mapping[str, FieldSpec], lang: str
) -> tuple[_RowPieces, ...]:
    ranges = tuple((specs[f.indicator].low, specs[f.indicator].high) for f in fields)
    key = (id(fields), lang, ranges)
    with _cache_lock:
        found = _cache.get(key)
    # the fields are kept with their pieces: an id is only reused once its object is gone
    if found is not None and found[0] is fields:
        return found[1]  # type: ignore[no-any-return]
    pieces = _pieces(fields, specs, lang)
    with _cache_lock:
        if len(_cache) >= _CACHED_FORMS:
            _cache.clear()
        _cache[key] = (fields, pieces)
    return pieces


def entry_rows(
    fields: tuple[FieldDefinition, ...],
    specs: Mapping[str, FieldSpec],
    lang: str,
    *,
    values: Mapping[str, str],
    notes: Mapping[str, str],
    findings: Mapping[str, Sequence[Any]],
    editable: bool,
    finding_text: Callable[[Any], str],
) -> Markup:
    """The table body's rows of the entry form: one per field, with a heading row before each
    group; ``values``/``notes`` are the cells' texts, ``findings`` the findings by indicator.

    ``fields`` is the period's form (:func:`~kaifang.platform.forms.period_fields`): a tuple,
    never changed, so that its pieces may be kept for it."""
    readonly = "" if editable else "readonly"
    parts = ["\n      "]
    for row in _cached_pieces(fields, specs, lang):
        indicator = row.indicator
        found = findings.get(indicator)
        shown = "".join(
            f'<span class="finding finding-{escape(x.severity)}">{escape(finding_text(x))}</span>'
            for x in found or ()
        )
        parts.append(
            f"{row.before_value}{escape(values.get(indicator, ''))}{row.after_value}{readonly}"
            f"{row.before_findings}{shown}{row.before_explanation}{readonly}>"
            f"{escape(notes.get(indicator, ''))}</textarea></td>\n        </tr>\n      "
        )
    return Markup("".join(parts))
