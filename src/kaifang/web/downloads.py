"""Every table of the dashboard as a CSV or Excel download, built from the same views as the
pages (``GET /download/<table>.csv`` or ``.xlsx``, with the page's own query parameters).

CSV cells that hold text beginning with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return get
a leading apostrophe (OWASP's advice against formula injection), so a spreadsheet opening the
file shows a name and never runs it; numbers are written as numbers. The workbook writes text
cells as strings, never as formulas.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import Response

from kaifang.csvfiles import escape_cell
from kaifang.errors import KaifangError
from kaifang.web import analyses, views
from kaifang.web.api import endpoint_descriptions
from kaifang.web.data import Dashboard
from kaifang.web.live import dashboard_of
from kaifang.web.messages import t
from kaifang.web.queue import QueueFull

Cell = str | int | float | None
FORMATS = {"csv": "text/csv; charset=utf-8", "xlsx": None}
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# what a weights parameter of the what-if table looks like: node:weight,node:weight
WEIGHT_ITEM = re.compile(r"^([A-Za-z0-9_]+):([^,:]+)$")
MAX_WEIGHT_ITEMS = 200


@dataclass(frozen=True)
class Table:
    """A table as shown: a title, localised column headers and rows of cells."""

    name: str
    title: str
    columns: list[str]
    rows: list[list[Cell]]


def to_csv(table: Table) -> bytes:
    """UTF-8 with a byte-order mark, so that Excel opens Chinese text correctly."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([escape_cell(c) for c in table.columns])
    for row in table.rows:
        writer.writerow(["" if c is None else escape_cell(c) for c in row])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def to_xlsx(table: Table) -> bytes:
    import xlsxwriter

    buffer = io.BytesIO()
    options = {
        "in_memory": True,
        "strings_to_formulas": False,
        "strings_to_urls": False,
        "strings_to_numbers": False,
    }
    with xlsxwriter.Workbook(buffer, options) as book:
        # a sheet name may not hold []:*?/\ and is at most 31 characters
        sheet = book.add_worksheet(re.sub(r"[\[\]:*?/\\']", " ", table.title)[:31].strip() or "1")
        bold = book.add_format({"bold": True})
        for j, name in enumerate(table.columns):
            sheet.write_string(0, j, name, bold)
            sheet.set_column(j, j, max(10, min(40, 2 * len(name))))
        for i, row in enumerate(table.rows, start=1):
            for j, value in enumerate(row):
                if value is None:
                    continue
                if isinstance(value, str):
                    sheet.write_string(i, j, value)
                else:
                    sheet.write_number(i, j, float(value))
        sheet.freeze_panes(1, 0)
    return buffer.getvalue()


def download_links(lang: str, table: str, **params: Any) -> list[tuple[str, str]]:
    """The (label, URL) of the CSV and Excel downloads of ``table`` as the page shows it."""
    query = urlencode({"lang": lang, **{k: v for k, v in params.items() if v is not None}})
    return [
        (t("download_csv", lang), f"/download/{table}.csv?{query}"),
        (t("download_xlsx", lang), f"/download/{table}.xlsx?{query}"),
    ]


def _name(names: dict[str, str], lang: str) -> str:
    return str(names[lang])


def _year(dash: Dashboard, value: str | None) -> int:
    years = [int(y) for y in dash.base.grid.years]
    if value is None:
        return years[-1]
    try:
        year = int(value)
    except ValueError:
        raise HTTPException(404, f"no year {value[:40]!r}") from None
    if year not in years:
        raise HTTPException(404, f"no year {year}; years are {years}")
    return year


def _ranking(dash: Dashboard, lang: str, q: dict[str, str]) -> Table:
    year = _year(dash, q.get("year"))
    names = views.unit_names(dash)
    rows = views.score_rows(dash.base, dash.base.framework.root_id, year)
    rows.sort(key=lambda r: (r["rank"] is None, r["rank"] or 0))
    return Table(
        f"ranking-{year}",
        t("table_caption_ranking", lang, year=year),
        [t("rank", lang), t("code", lang), t("unit", lang), t("score", lang), t("change", lang)],
        [[r["rank"], r["unit"], names[r["unit"]][lang], r["score"], r["change"]] for r in rows],
    )


def _unit(dash: Dashboard, q: dict[str, str]) -> str:
    code = q.get("code", "")
    if code not in [str(u) for u in dash.base.grid.units]:
        raise HTTPException(404, f"no unit {code[:40]!r}")
    return code


def _unit_pillars(dash: Dashboard, lang: str, q: dict[str, str]) -> Table:
    code, year = _unit(dash, q), _year(dash, q.get("year"))
    profile = views.profile(dash, code, year)
    return Table(
        f"pillars-{code}-{year}",
        f"{profile['name'][lang]} {year}",
        [t(k, lang) for k in ("pillars", "score", "rank", "median", "vs_median")],
        [
            [_name(p["name"], lang), p["score"], p["rank"], p["median"], p["diff"]]
            for p in profile["pillars"]
        ],
    )


def _unit_trend(dash: Dashboard, lang: str, q: dict[str, str]) -> Table:
    code = _unit(dash, q)
    profile = views.profile(dash, code, int(dash.base.grid.years[-1]))
    return Table(
        f"trend-{code}",
        f"{profile['name'][lang]} {t('trend', lang)}",
        [t("year", lang), t("score", lang), t("rank", lang)],
        [[r["year"], r["score"], r["rank"]] for r in profile["trend"]],
    )


def _indicator_values(dash: Dashboard, lang: str, q: dict[str, str]) -> Table:
    snap = dash.base
    indicator = q.get("id") or snap.framework.indicators[0]
    stage = q.get("stage", "raw")
    if indicator not in snap.framework.indicators:
        raise HTTPException(404, f"no indicator {indicator[:60]!r}")
    if stage not in snap.stages or stage not in views.STAGE_ORDER:
        raise HTTPException(404, f"no stage {stage[:40]!r}")
    data = views.indicator_values(snap, indicator, stage)
    years = [int(y) for y in snap.grid.years]
    value = {(r["unit"], r["year"]): r["value"] for r in data["values"]}
    names = views.unit_names(dash)
    return Table(
        f"{indicator}-{stage}",
        f"{data['name'][lang]} ({t('stage_' + stage, lang)})",
        [t("code", lang), t("unit", lang), *[str(y) for y in years]],
        [
            [code, names[code][lang], *[value[(code, y)] for y in years]]
            for code in [str(u) for u in snap.grid.units]
        ],
    )


def _framework(dash: Dashboard, lang: str, q: dict[str, str]) -> Table:
    nodes = views.framework_nodes(dash.base)
    return Table(
        "framework",
        t("framework_title", lang),
        [
            t(k, lang)
            for k in ("node_id", "node", "level", "weight", "effective_weight", "measure_unit")
        ]
        + [t("direction", lang)],
        [
            [
                n["id"],
                _name(n["name"], lang),
                n["level"],
                n["weight"],
                n["effective_weight"],
                n["unit"],
                n["direction"] if n["is_indicator"] else None,
            ]
            for n in nodes
        ],
    )


def parse_weights(text: str) -> dict[str, float]:
    """``node:weight,node:weight`` (as the what-if page puts it in its download link)."""
    weights: dict[str, float] = {}
    items = [i for i in text.split(",") if i]
    if len(items) > MAX_WEIGHT_ITEMS:
        raise HTTPException(422, f"at most {MAX_WEIGHT_ITEMS} weights")
    for item in items:
        match = WEIGHT_ITEM.match(item)
        if match is None:
            raise HTTPException(422, f"weights: expected node:number, found {item[:60]!r}")
        try:
            weights[match.group(1)] = float(match.group(2))
        except ValueError:
            raise HTTPException(422, f"weights: {item[:60]!r} is not a number") from None
    return weights


def _whatif(dash: Dashboard, lang: str, q: dict[str, str]) -> Table:
    year = _year(dash, q.get("year"))
    try:
        variant, _, _ = dash.whatif(parse_weights(q.get("weights", "")))
    except KaifangError as exc:
        raise HTTPException(422, str(exc)) from None
    names = views.unit_names(dash)
    rows = [r for r in views.whatif_rows(dash.base, variant) if r["year"] == year]
    rows.sort(key=lambda r: (r["rank"] is None, r["rank"] or 0))
    return Table(
        f"whatif-{year}",
        f"{t('nav_whatif', lang)} {year}",
        [t(k, lang) for k in ("new_rank", "code", "unit", "new_score", "base_rank", "base_score")],
        [
            [
                r["rank"],
                r["unit"],
                names[r["unit"]][lang],
                r["score"],
                r["base_rank"],
                r["base_score"],
            ]
            for r in rows
        ],
    )


def _analysis(compute: Callable[[], dict[str, Any]]) -> dict[str, Any]:
    try:
        return compute()
    except analyses.Unavailable as exc:
        raise HTTPException(404, exc.detail) from None


def _target(dash: Dashboard, q: dict[str, str]) -> dict[str, Any]:
    data = _analysis(lambda: analyses.targets(dash))
    items = {x["id"]: x for x in data["targets"]}
    chosen = q.get("target")
    if chosen is None:
        return dict(data["targets"][0])
    if chosen not in items:
        raise HTTPException(404, f"no target {chosen[:60]!r}")
    return dict(items[chosen])


def _targets_status(dash: Dashboard, lang: str, q: dict[str, str]) -> Table:
    tg = _target(dash, q)
    keys = (
        "status",
        "ratio",
        "base_value",
        "latest_value",
        "latest_year",
        "target_value",
        "required_cagr",
        "realised_cagr",
        "projection",
        "lower",
        "upper",
        "year_reached",
    )
    return Table(
        f"targets-{tg['id']}",
        _name(tg["name"], lang),
        [t("code", lang), t("unit", lang), *[t(k, lang) for k in keys]],
        [
            [
                u["unit"],
                _name(u["name"], lang),
                t("status_" + u["status"], lang),
                u["ratio"],
                u["base_value"],
                u["latest_value"],
                u["latest_year"],
                u["target_value"],
                u["required_cagr"],
                u["realised_cagr"],
                u["projection"],
                u["projection_lower"],
                u["projection_upper"],
                u["year_reached"],
            ]
            for u in tg["units"]
        ],
    )


def _targets_path(dash: Dashboard, lang: str, q: dict[str, str]) -> Table:
    tg = _target(dash, q)
    codes = [u["unit"] for u in tg["units"]]
    unit = q.get("unit") or ("total" if "total" in codes else codes[0])
    if unit not in codes:
        raise HTTPException(404, f"no unit {unit[:40]!r} in target {tg['id']!r}")
    row = next(u for u in tg["units"] if u["unit"] == unit)
    rows: list[list[Cell]] = []
    for p in tg["paths"].get(unit, []):
        at_target = p["year"] == tg["target_year"] and row["projection"] is not None
        rows.append(
            [p["year"], p["actual"], p["expected"]]
            + (
                [row["projection"], row["projection_lower"], row["projection_upper"]]
                if at_target
                else [None, None, None]
            )
        )
    return Table(
        f"target-path-{tg['id']}-{unit}",
        f"{_name(row['name'], lang)} {_name(tg['name'], lang)}",
        [t(k, lang) for k in ("year", "actual", "straight_path", "projection", "lower", "upper")],
        rows,
    )


def _allocation(dash: Dashboard, lang: str, q: dict[str, str]) -> Table:
    data = _analysis(lambda: analyses.allocation(dash))
    parts = ("base", "performance", "improvement", "floor_cap_adjustment", "rounding_adjustment")
    heads = ("part_base", "part_performance", "part_improvement", "part_floor_cap")
    return Table(
        "allocation",
        t("allocation_title", lang),
        [t("code", lang), t("unit", lang), t("score", lang), t("grade", lang)]
        + [t(k, lang) for k in (*heads, "part_rounding", "final_amount", "share")],
        [
            [r["unit"], _name(r["name"], lang), r["score"], r["grade"]]
            + [r[k] for k in parts]
            + [r["final"], r["final_share"]]
            for r in data["rows"]
        ],
    )


def _scenarios(dash: Dashboard, lang: str, q: dict[str, str]) -> Table:
    data = _analysis(lambda: analyses.scenarios(dash))
    return Table(
        "scenarios",
        t("scenarios_title", lang),
        [t(k, lang) for k in ("scenario", "changes", "share_before", "share_after", "spearman")]
        + [t("units_moved", lang), t("max_rank_move", lang)],
        [
            [
                _name(s["name"], lang),
                s["changes"],
                s["share_baseline"],
                s["share_scenario"],
                s["spearman_rho"],
                s["units_moved"],
                s["max_rank_move"],
            ]
            for s in data["scenarios"]
        ],
    )


def _scenario(dash: Dashboard, lang: str, q: dict[str, str]) -> Table:
    data = _analysis(lambda: analyses.scenarios(dash))
    items = {s["id"]: s for s in data["scenarios"]}
    sid = q.get("id") or data["scenarios"][0]["id"]
    if sid not in items:
        raise HTTPException(404, f"no scenario {sid[:60]!r}")
    s = items[sid]
    return Table(
        f"scenario-{sid}",
        _name(s["name"], lang),
        [t(k, lang) for k in ("code", "unit", "base_rank", "new_rank", "change", "base_score")]
        + [t("new_score", lang)],
        [
            [
                r["unit"],
                _name(r["name"], lang),
                r["rank_baseline"],
                r["rank_scenario"],
                r["rank_change"],
                r["score_baseline"],
                r["score_scenario"],
            ]
            for r in s["rows"]
        ],
    )


def _sensitivity(dash: Dashboard, lang: str, q: dict[str, str]) -> Table:
    n_text = q.get("n")
    try:
        n = int(n_text) if n_text is not None else None
        data = _analysis(lambda: analyses.sensitivity(dash, n))
    except ValueError:
        raise HTTPException(
            422,
            t(
                "n_out_of_range",
                lang,
                min=analyses.SENSITIVITY_MIN,
                max=analyses.SENSITIVITY_MAX,
                default=dash.sensitivity_runs,
            ),
        ) from None
    except QueueFull as exc:
        raise HTTPException(429, t("sensitivity_busy", lang, waiting=exc.waiting)) from None
    keys = ("nominal_rank", "median_rank", "q05_rank", "q95_rank")
    return Table(
        f"rank-intervals-n{data['n']}",
        f"{t('rank_interval', lang)} N = {data['n']}",
        [t("code", lang), t("unit", lang), *[t(k, lang) for k in keys]],
        [[r["unit"], _name(r["name"], lang), *[r[k] for k in keys]] for r in data["rows"]],
    )


def _api(dash: Dashboard, lang: str, q: dict[str, str]) -> Table:
    return Table(
        "api",
        t("api_title", lang),
        [t("endpoint", lang), t("description", lang)],
        [[f"{method} {path}", text] for method, path, text in endpoint_descriptions(lang)],
    )


BUILDERS: dict[str, Callable[[Dashboard, str, dict[str, str]], Table]] = {
    "ranking": _ranking,
    "unit-pillars": _unit_pillars,
    "unit-trend": _unit_trend,
    "indicator-values": _indicator_values,
    "framework": _framework,
    "whatif": _whatif,
    "targets-status": _targets_status,
    "targets-path": _targets_path,
    "allocation": _allocation,
    "scenarios": _scenarios,
    "scenario": _scenario,
    "sensitivity": _sensitivity,
    "api": _api,
}

router = APIRouter(include_in_schema=False)


@router.get("/download/{filename}")
def download(request: Request, filename: str) -> Response:
    table_id, _, fmt = filename.rpartition(".")
    # the trade pages' tables (imported here: that module builds on this one's Table)
    from kaifang.web.trade_downloads import TRADE_BUILDERS

    builder = BUILDERS.get(table_id) or TRADE_BUILDERS.get(table_id)
    if builder is None or fmt not in FORMATS:
        raise HTTPException(404, f"no table download {filename[:80]!r}")
    lang = request.query_params.get("lang", "zh")
    if lang not in ("zh", "en"):
        raise HTTPException(422, "lang: zh or en")
    table = builder(dashboard_of(request), lang, dict(request.query_params))
    return table_response(table, fmt)


def table_response(table: Table, fmt: str) -> Response:
    """``table`` as a CSV or Excel attachment (``fmt`` one of :data:`FORMATS`)."""
    body = to_csv(table) if fmt == "csv" else to_xlsx(table)
    # the file name is ASCII (ids and numbers only): no header injection, no encoding issue
    safe = re.sub(r"[^A-Za-z0-9_.-]", "_", table.name)[:80]
    return Response(
        body,
        media_type=FORMATS[fmt] or XLSX_TYPE,
        headers={"Content-Disposition": f'attachment; filename="{safe}.{fmt}"'},
    )
