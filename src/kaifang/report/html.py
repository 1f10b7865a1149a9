"""``report.html``: one self-contained page (styles, charts, map and a font subset inline).

The same markup feeds WeasyPrint for ``report.pdf`` (``embed_font=False``: WeasyPrint embeds the
installed Noto CJK fonts itself), so the two formats never drift apart.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import math
import statistics
from functools import lru_cache
from typing import Any

from kaifang.report import charts
from kaifang.report.data import ReportData
from kaifang.report.disparity import report_fragment
from kaifang.report.fonts import EMBEDDED_FAMILY, FAMILY, cache_folder, font_face_css
from kaifang.report.geomap import choropleth, short_name
from kaifang.report.glossary import (
    LABELS,
    METHOD_VALUES,
    PARAMETERS,
    STEPS,
    label,
    method_rows,
    other,
)
from kaifang.report.sections import SECTION_LABELS, analysis_sections
from kaifang.report.summary import SUMMARY_LABELS, summary_sections
from kaifang.report.zhtext import balanced, code_ids, source_text

FONT_PLACEHOLDER = "/*@font-face*/"
NAN = float("nan")


@lru_cache(maxsize=1)
def _environment() -> Any:
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.PackageLoader("kaifang.report", "templates"),
        autoescape=jinja2.select_autoescape(["html", "j2"]),
        trim_blocks=True,
        lstrip_blocks=True,
        bytecode_cache=_bytecode_cache(jinja2),
    )
    env.filters["code_ids"] = code_ids
    env.filters["balanced"] = balanced
    return env


def _bytecode_cache(jinja2: Any) -> Any:
    """The compiled templates kept between runs (compiling them is a tenth of a second of every
    `kaifang assess`); keyed by jinja2 on the template's source, so an edit recompiles. Only an
    optimisation: an unusable cache folder means no cache, a failed read or write is ignored."""

    class QuietCache(jinja2.FileSystemBytecodeCache):  # type: ignore[misc]
        def load_bytecode(self, bucket: Any) -> None:
            try:
                super().load_bytecode(bucket)
            except Exception:  # a damaged entry: compile as if there were none
                bucket.reset()

        def dump_bytecode(self, bucket: Any) -> None:
            with contextlib.suppress(OSError):
                super().dump_bytecode(bucket)

    folder = cache_folder().parent / "templates"
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None
    return QuietCache(str(folder))


def fmt_value(v: float) -> str:
    """A raw indicator value with the precision a reader expects (4 significant digits)."""
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return "—"
    a = abs(v)
    if a >= 1000:
        return f"{v:,.0f}"
    if a >= 100:
        return f"{v:.1f}"
    if a >= 1:
        return f"{v:.2f}"
    return f"{v:.3g}"


def fmt_score(v: float) -> str:
    return "—" if math.isnan(v) else f"{v:.1f}" if abs(v) >= 10 else f"{v:.2f}"


def _t(value: float, lo: float, hi: float) -> float:
    if math.isnan(value):
        return NAN
    return 0.5 if not hi > lo else (value - lo) / (hi - lo)


def _median(values: list[float]) -> float:
    present = [v for v in values if not math.isnan(v)]
    return statistics.median(present) if present else NAN


def build_context(data: ReportData, lang: str, today: dt.date | None = None) -> dict[str, Any]:
    """Everything the template shows, computed and formatted here so the template only lays out."""
    fw = data.framework
    root = fw.root_id
    years = data.years
    year = years[-1]
    prev = years[-2] if len(years) > 1 else None
    scored = set(data.scores["unit"])  # once: a set per unit made the report quadratic
    units = [u for u in data.units if u in scored]
    score: dict[tuple[int, str, str], float] = {}
    rank: dict[tuple[int, str, str], int] = {}
    ranks = data.scores["rank"].to_numpy(dtype="float64", na_value=NAN)
    for y, n, u, s, r in zip(
        data.scores["year"].tolist(),
        data.scores["node"].tolist(),
        data.scores["unit"].tolist(),
        data.scores["score"].tolist(),
        ranks.tolist(),
        strict=True,
    ):
        key = (int(y), str(n), str(u))
        score[key] = float(s)
        if not math.isnan(r):
            rank[key] = int(r)

    def s_(y: int, n: str, u: str) -> float:
        return score.get((y, n, u), NAN)

    name = {u: data.unit_name(u, lang) for u in units}
    order = sorted(units, key=lambda u: (rank.get((year, root, u), 10**9), name[u]))
    index_name = fw.name(root, lang)

    # ranking with the change since the previous year (positive: moved up)
    top = max((s_(year, root, u) for u in units if not math.isnan(s_(year, root, u))), default=1)
    ranking = []
    for u in order:
        r = rank.get((year, root, u))
        pr = rank.get((prev, root, u)) if prev is not None else None
        change = None if r is None or pr is None else pr - r
        v = s_(year, root, u)
        ranking.append(
            {
                "code": u,
                "name": name[u],
                "rank": "—" if r is None else r,
                "score": fmt_score(v),
                "bar": 0 if math.isnan(v) or top <= 0 else max(0.0, 100 * v / top),
                "change": change,
            }
        )

    pillars = list(fw[root].children)
    pillar_values = [s_(year, p, u) for p in pillars for u in units]
    present = [v for v in pillar_values if not math.isnan(v)] or [0.0, 1.0]
    p_lo, p_hi, _ = charts.nice_bounds(min(present), max(present))
    if min(present) >= 0:
        p_lo = 0.0
    pillar_table = [
        {
            "name": name[u],
            "cells": [
                {
                    "text": fmt_score(s_(year, p, u)),
                    "bg": charts.ramp(_t(s_(year, p, u), p_lo, p_hi)),
                    "fg": charts.ink_on(_t(s_(year, p, u), p_lo, p_hi)),
                }
                for p in pillars
            ],
        }
        for u in order
    ]
    pillar_heads = [fw.name(p, lang) for p in pillars]

    # map
    map_svg, map_note = "", None
    if data.geojson is not None:
        values = {u: s_(year, root, u) for u in units}
        present_idx = [v for v in values.values() if not math.isnan(v)] or [0.0, 1.0]
        breaks = charts.classes(min(present_idx), max(present_idx))
        result = choropleth(
            data.geojson,
            data.spec.id_property,
            values,
            name,
            breaks,
            f"{index_name} · {year}",
            label("no_data", lang),
        )
        map_svg = result.svg
        if result.unmatched:
            map_note = label("map_unmatched", lang, units=", ".join(result.unmatched))

    # profiles
    medians = {p: _median([s_(year, p, u) for u in units]) for p in pillars}
    root_all = [v for v in score.values() if not math.isnan(v)]
    root_vals = [s_(y, root, u) for y in years for u in units]
    root_present = [v for v in root_vals if not math.isnan(v)] or root_all or [0.0, 1.0]
    t_bounds = charts.nice_bounds(min(root_present), max(root_present))
    trend_median = [_median([s_(y, root, u) for u in units]) for y in years]
    trend_low = [
        min((v for u in units if not math.isnan(v := s_(y, root, u))), default=NAN) for y in years
    ]
    trend_high = [
        max((v for u in units if not math.isnan(v := s_(y, root, u))), default=NAN) for y in years
    ]
    profiles = []
    for u in order:
        diffs = [(p, s_(year, p, u) - medians[p]) for p in pillars]
        diffs = [(p, d) for p, d in diffs if not math.isnan(d)]
        strengths = sorted((x for x in diffs if x[1] > 0), key=lambda x: -x[1])[:3]
        weaknesses = sorted((x for x in diffs if x[1] < 0), key=lambda x: x[1])[:3]
        bars = []
        for p in pillars:
            v = s_(year, p, u)
            bars.append(
                {
                    "name": fw.name(p, lang),
                    "value": fmt_score(v),
                    "width": 0 if math.isnan(v) else 100 * max(0.0, _t(v, p_lo, p_hi)),
                    "median": 100 * _t(medians[p], p_lo, p_hi),
                    "above": not math.isnan(v) and v >= medians[p],
                }
            )
        trend = None
        if len(years) > 1:
            trend = charts.trend_chart(
                years,
                [s_(y, root, u) for y in years],
                trend_median,
                trend_low,
                trend_high,
                t_bounds,
                label("profile_trend", lang, index=index_name),
                ranks=[rank.get((y, root, u)) for y in years],
                rank_label=label("rank", lang),
            )
        profiles.append(
            {
                "code": u,
                "name": name[u],
                "alt_name": data.unit_name(u, other(lang)),
                "rank": rank.get((year, root, u)),
                "score": fmt_score(s_(year, root, u)),
                "bars": bars,
                "strengths": [(fw.name(p, lang), f"+{d:.1f}") for p, d in strengths],
                "weaknesses": [(fw.name(p, lang), f"{d:.1f}") for p, d in weaknesses],
                "trend": trend,
            }
        )

    # indicator tables, grouped by each indicator's parent: the value the name speaks of (a
    # ratio as a ratio, in its display unit), and a ratio's raw numerator on a line of its own
    shown = data.shown_values(year)
    denominated = data.denominated is not None  # else the run had no denominate step
    raw = {
        (str(u), int(y), str(i)): float(v)
        for u, y, i, v in zip(
            data.raw["unit"].tolist(),
            data.raw["year"].tolist(),
            data.raw["indicator"].tolist(),
            data.raw["value"].tolist(),
            strict=True,
        )
        if int(y) == year
    }
    imputed = {
        (str(u), int(y), str(i))
        for u, y, i in zip(
            data.imputed["unit"].tolist(),
            data.imputed["year"].tolist(),
            data.imputed["indicator"].tolist(),
            strict=True,
        )
    }
    groups: dict[str, list[str]] = {}
    for ind in fw.indicators:
        groups.setdefault(fw[ind].parent or root, []).append(ind)
    transpose = len(units) <= 12  # few units: units across, indicators down
    indicator_tables = []
    for parent, inds in groups.items():
        path = []
        node: str | None = parent
        while node is not None and node != root:
            path.append(fw.name(node, lang))
            node = fw[node].parent
        cells: dict[tuple[str, str], dict[str, Any]] = {}
        for ind in inds:
            vals = [s_(year, ind, u) for u in units]
            pres = [v for v in vals if not math.isnan(v)]
            lo, hi = (min(pres), max(pres)) if pres else (0.0, 1.0)
            for u in units:
                t = _t(s_(year, ind, u), lo, hi)
                cells[(ind, u)] = {
                    "text": fmt_value(shown.get((u, year, ind), NAN)),
                    "bg": charts.ramp(t * 0.75) if not math.isnan(t) else charts.NO_DATA,
                    "fg": charts.ink_on(t * 0.75) if not math.isnan(t) else charts.INK,
                    "imputed": (u, year, ind) in imputed,
                }
                if denominated and fw[ind].node.denominator is not None:
                    cells[(f"{ind}:numerator", u)] = {
                        "text": fmt_value(raw.get((u, year, ind), NAN)),
                        "bg": "transparent",
                        "fg": charts.MUTED,
                        "imputed": False,
                    }
        heads = []
        for ind in inds:
            nd = fw[ind].node
            arrow = "↓" if nd.direction == -1 else ""
            heads.append(
                {
                    "id": ind,
                    "name": fw.name(ind, lang),
                    "unit": fw.display_unit(ind, lang) if denominated else fw.unit(ind, lang),
                    "arrow": arrow,
                    "numerator": False,
                }
            )
            if denominated and nd.denominator is not None:
                heads.append(
                    {
                        "id": f"{ind}:numerator",
                        "name": label(
                            "numerator_of", lang, denominator=fw.name(nd.denominator, lang)
                        ),
                        "unit": fw.unit(ind, lang),
                        "arrow": "",
                        "numerator": True,
                    }
                )
        indicator_tables.append(
            {
                "title": " › ".join(reversed(path)) or index_name,
                "heads": heads,
                "units": [
                    {"code": u, "name": name[u], "short": short_name(name[u])} for u in order
                ],
                "cells": cells,
            }
        )

    # framework tree
    weights = {
        str(n): (float(w), float(e))
        for n, w, e in zip(
            data.weights["node"],
            data.weights["weight"],
            data.weights["effective_weight"],
            strict=True,
        )
    }
    tree = []
    for nid, tn in fw.nodes.items():
        nd = tn.node
        w, e = weights.get(nid, (NAN, NAN))
        tree.append(
            {
                "id": nid,
                "level": tn.level,
                "name": fw.name(nid, lang),
                "alt": fw.name(nid, other(lang)),
                "indicator": tn.is_indicator,
                "weight": "" if tn.parent is None else f"{w:.3f}",
                "effective": f"{e:.4f}",
                "direction": ""
                if not tn.is_indicator
                else label("negative" if nd.direction == -1 else "positive", lang),
                "unit": fw.unit(nid, lang),
                "source": source_text(nd.source or "", lang),
                "denominator": "" if nd.denominator is None else fw.name(nd.denominator, lang),
                "display_unit": ""
                if nd.denominator is None
                else label("shown_in", lang, unit=fw.display_unit(nid, lang)),
            }
        )

    record = data.record
    methods = []
    for row in method_rows(record):
        step_text = STEPS[row["step"]]
        methods.append(
            {
                **row,
                "step_name": row["step"],
                "step_text": step_text[lang],
                "step_alt": step_text[other(lang)],
            }
        )

    alt = other(lang)
    labels = {**LABELS, **SECTION_LABELS, **SUMMARY_LABELS}
    sections = analysis_sections(
        data.analyses, lang, data.unit_name, index_name, label("rank", lang), fw.unit
    )
    return {
        **sections,
        **summary_sections(data, lang, index_name),
        "disparity_html": report_fragment(
            data.analyses.disparity,
            data.analyses.params.get("disparity", {}),
            lang,
            data.geojson,
            data.spec.id_property,
        ),
        "ledger": _ledger_section(data, lang),
        "lang": lang,
        "html_lang": "zh-Hans" if lang == "zh" else "en",
        "alt_html_lang": "en" if lang == "zh" else "zh-Hans",
        "t": {k: v[lang] for k, v in labels.items()},
        "alt": {k: v[alt] for k, v in labels.items()},
        "title": data.title(lang),
        "alt_title": data.title(alt),
        "simulated": data.simulated,
        "year": year,
        "prev": prev,
        "first_year": years[0],
        "n_units": len(units),
        "n_indicators": len(fw.indicators),
        "data_hash": str(record.get("data_hash_sha256", "")),
        "date": (today or dt.date.today()).isoformat(),
        "version": f"kaifang {record.get('kaifang_version', '')}",
        "config_path": str(record.get("config_path", "")),
        "packages": record.get("packages", {}),
        "index_name": index_name,
        "map_svg": map_svg,
        "map_note": map_note,
        "map_caption": label("map_caption", lang, year=year, index=index_name),
        "map_source": label("map_source", lang, file=data.map_name) if data.map_name else "",
        "has_map": data.geojson is not None,
        "ranking": ranking,
        "ranking_caption": label("ranking_caption", lang, year=year, prev=prev)
        if prev is not None
        else label("ranking_caption_single", lang, year=year),
        "pillar_heads": pillar_heads,
        "pillar_table": pillar_table,
        "pillars_caption": label("pillars_caption", lang, year=year),
        "profiles": profiles,
        "indicator_tables": indicator_tables,
        "indicators_caption": label("indicators_caption", lang, year=year),
        "transpose": transpose,
        "tree": tree,
        "methods": methods,
        "method_values": {k: v[lang] for k, v in METHOD_VALUES.items()},
        "parameters": PARAMETERS,
        "warnings": record.get("warnings", []),
        "embedded_family": EMBEDDED_FAMILY,
        "system_family": FAMILY,
        "font_placeholder": FONT_PLACEHOLDER,
    }


def _ledger_section(data: ReportData, lang: str) -> Any:
    """The ledger's section (``None`` without a ledger block); imported only when there is one,
    so a report without it starts as fast as before."""
    if data.analyses.ledger is None:
        return None
    from kaifang.report.ledger_section import build_section

    return build_section(data.analyses.ledger, lang)


def render_html(
    data: ReportData, lang: str = "zh", embed_font: bool = True, today: dt.date | None = None
) -> str:
    """The report page; with ``embed_font`` a subset of the CJK font with exactly the characters
    of the page is inlined, so the file shows the same offline on any machine."""
    context = build_context(data, lang, today)
    html: str = _environment().get_template("report.html.j2").render(**context)
    face = font_face_css(html) if embed_font else ""
    return html.replace(FONT_PLACEHOLDER, face, 1)
