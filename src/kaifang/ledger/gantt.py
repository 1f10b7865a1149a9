"""A Gantt-style timeline of the measures as inline SVG: one bar per measure from start to
deadline, coloured by derived status, milestones as diamonds, and a line at the "as of" day."""

from __future__ import annotations

import datetime as dt
from html import escape

import pandas as pd

COLOURS = {
    "done": "#4a7c59",
    "on_track": "#5b8db8",
    "not_started": "#b0b0b0",
    "at_risk": "#e0a030",
    "delayed": "#c0392b",
}
ROW, LEFT, WIDTH, TOP = 22, 260, 620, 28


def gantt_svg(
    measures: pd.DataFrame,
    milestones: pd.DataFrame,
    as_of: dt.date,
    lang: str = "zh",
    font_family: str | None = None,
) -> str:
    """The timeline of ``measures`` (rows of :class:`~kaifang.ledger.evaluate.LedgerStatus`).
    ``font_family``: the fonts of its text (a PDF renderer takes the system's default font for
    SVG text without one, which may draw Chinese with Japanese glyphs)."""
    if measures.empty:
        return ""
    first = min(measures["start"].min(), as_of)
    last = max(measures["deadline"].max(), as_of)
    span = max((last - first).days, 1)

    def x(day: dt.date) -> float:
        return float(LEFT + WIDTH * (day - first).days / span)

    height = TOP + ROW * len(measures) + 10
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {LEFT + WIDTH + 20} {height}" '
        f'role="img" class="gantt" font-size="11"'
        + (f' font-family="{escape(font_family)}">' if font_family else ">")
    ]
    for year in range(first.year, last.year + 2):
        day = dt.date(year, 1, 1)
        if first <= day <= last:
            parts.append(
                f'<line x1="{x(day):.1f}" x2="{x(day):.1f}" y1="{TOP - 8}" y2="{height}" '
                f'stroke="#ddd"/><text x="{x(day) + 2:.1f}" y="{TOP - 12}">{year}</text>'
            )
    name_col = "name_zh" if lang == "zh" else "name_en"
    status_col = "derived_zh" if lang == "zh" else "derived"
    for i, r in enumerate(measures.to_dict("records")):
        y = TOP + i * ROW
        label = escape(("  " * r["depth"]) + f"{r['number']} {r[name_col]}")
        if len(label) > 40:
            label = label[:39] + "…"
        x0, x1 = x(r["start"]), x(r["deadline"])
        parts.append(
            f'<text x="4" y="{y + 14}" xml:space="preserve">{label}</text>'
            f'<rect x="{x0:.1f}" y="{y + 4}" width="{max(x1 - x0, 2):.1f}" height="{ROW - 8}" '
            f'rx="3" fill="{COLOURS[r["derived"]]}"><title>{escape(str(r[status_col]))}'
            f"</title></rect>"
        )
        for ms in milestones[milestones["measure"] == r["id"]].itertuples(index=False):
            cx, cy = x(ms.due), y + ROW / 2
            fill = "#222" if ms.done is not None and not pd.isna(ms.done) else "#fff"
            stroke = "#c0392b" if ms.overdue else "#222"
            parts.append(
                f'<path d="M{cx:.1f} {cy - 6:.1f} l6 6 l-6 6 l-6 -6 z" fill="{fill}" '
                f'stroke="{stroke}"><title>{escape(str(getattr(ms, name_col)))} {ms.due}'
                f"</title></path>"
            )
    xa = x(as_of)
    parts.append(
        f'<line x1="{xa:.1f}" x2="{xa:.1f}" y1="{TOP - 8}" y2="{height}" stroke="#c0392b" '
        f'stroke-dasharray="4 3"/><text x="{xa + 3:.1f}" y="{height - 2}" fill="#c0392b">'
        f"{as_of}</text></svg>"
    )
    return "".join(parts)
