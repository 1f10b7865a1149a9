"""The trade pages' tables as CSV and Excel downloads (``/download/trade-<table>.csv``), built
from the same views as the pages and written by the dashboard's one CSV/Excel writer (text
cells that look like formulas are escaped there)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from fastapi import HTTPException

from kaifang.web import trade_views as tv
from kaifang.web.downloads import Cell, Table
from kaifang.web.messages import t
from kaifang.web.trade_data import TradeView


class WithTrade(Protocol):
    """What a table builder needs: the served trade results (a dashboard's, or the trade-only
    app's)."""

    @property
    def trade(self) -> TradeView | None: ...


def _view(dash: WithTrade) -> TradeView:
    if dash.trade is None:
        raise HTTPException(404, "no trade results are loaded (kaifang serve --trade)")
    return dash.trade


def _location(view: TradeView, q: dict[str, str]) -> str:
    try:
        return tv.focus(view, q.get("location"))
    except tv.NotInResults as exc:
        raise HTTPException(404, str(exc)) from None


def _safe(code: str) -> str:
    return "".join(c if c.isalnum() else "_" for c in code)[:40]


def _eci(dash: WithTrade, lang: str, q: dict[str, str]) -> Table:
    view = _view(dash)
    loc = _location(view, q)
    data = tv.overview(view, loc, lang)
    return Table(
        f"trade-eci-{_safe(loc)}",
        t("eci_path_title", lang, name=data["name"]),
        [t(k, lang) for k in ("trade_year", "eci", "diversity")],
        [[r["year"], r["eci"], r["diversity"]] for r in data["eci_path"]],
    )


def _margins(dash: WithTrade, lang: str, q: dict[str, str]) -> Table:
    view = _view(dash)
    loc = _location(view, q)
    data = tv.overview(view, loc, lang)
    keys = ("total", "intensive", "new_products", "new_markets", "lost")
    heads = ("total_change", "intensive", "new_products", "new_markets", "lost")
    return Table(
        f"trade-margins-{_safe(loc)}",
        t("margins_title", lang),
        [t("trade_year", lang), *[t(k, lang) for k in heads]],
        [[r["year"], *[r.get(k) for k in keys]] for r in data["margins"]],
    )


def _concentration(dash: WithTrade, lang: str, q: dict[str, str]) -> Table:
    view = _view(dash)
    loc = _location(view, q)
    data = tv.overview(view, loc, lang)
    partners = {r["year"]: r for r in data["partners"]}
    imports = {r["year"]: r for r in data["import_partners"]}
    years = sorted({r["year"] for r in data["concentration"]} | set(partners))
    conc = {r["year"]: r for r in data["concentration"]}
    keys = ("hhi", "hhi_normalised", "unctad_concentration", "unctad_diversification")
    pkeys = ("partners", "partner_hhi", "partners_above_floor")
    rows: list[list[Cell]] = [
        [
            y,
            *[conc.get(y, {}).get(k) for k in keys],
            *[partners.get(y, {}).get(k) for k in pkeys],
            *([imports.get(y, {}).get("partner_hhi")] if imports else []),
        ]
        for y in years
    ]
    return Table(
        f"trade-concentration-{_safe(loc)}",
        t("concentration_title", lang),
        [
            t("trade_year", lang),
            *[t(k, lang) for k in keys],
            t("partners_count", lang),
            t("partner_hhi", lang),
            t("partners_above_floor", lang),
            *([t("import_partner_hhi", lang)] if imports else []),
        ],
        rows,
    )


def _world_eci(dash: WithTrade, lang: str, q: dict[str, str]) -> Table:
    view = _view(dash)
    data = tv.overview(view, tv.focus(view, None), lang)
    return Table(
        "trade-world-eci",
        t("chart_alt_world_eci", lang),
        [t("rank", lang), t("code", lang), t("economy", lang), t("eci", lang)],
        [[r["rank"], r["location"], r["name"], r["eci"]] for r in data["world"]],
    )


def _space(dash: WithTrade, lang: str, q: dict[str, str]) -> Table:
    view = _view(dash)
    loc = _location(view, q)
    data = tv.space(view, loc, lang)
    if data is None:
        raise HTTPException(404, "no product space in these trade results")
    return Table(
        f"trade-space-{_safe(loc)}-{data['year']}",
        t("space_title", lang, year=data["year"]),
        [t(k, lang) for k in ("product", "pci")] + [t("space_table", lang, name=data["name"])],
        [[n["product"], n["pci"], 1 if n["present"] else 0] for n in data["nodes"]],
    )


def _opportunities(dash: WithTrade, lang: str, q: dict[str, str]) -> Table:
    view = _view(dash)
    loc = _location(view, q)
    data = tv.opportunities(view, loc, lang)
    if data is None:
        raise HTTPException(404, "no opportunities in these trade results")
    return Table(
        f"trade-opportunities-{_safe(loc)}-{data['year']}",
        t("opportunities_title", lang, year=data["year"]),
        [t(k, lang) for k in ("product", "density", "pci", "cog", "feasible")],
        [
            [p["product"], p["density"], p["pci"], p["cog"], p["feasible"]]
            for p in sorted(data["points"], key=lambda p: (p["feasible"] or 10**9, p["product"]))
        ],
    )


def _markets(dash: WithTrade, lang: str, q: dict[str, str]) -> Table:
    view = _view(dash)
    loc = _location(view, q)
    year_text = q.get("year")
    try:
        year = int(year_text) if year_text is not None else None
        flow = q.get("flow", "export")
        data = tv.markets(view, loc, year, lang, flow)
    except ValueError:
        raise HTTPException(404, f"no year {str(year_text)[:20]!r}") from None
    except tv.NotInResults as exc:
        raise HTTPException(404, str(exc)) from None
    if data is None:
        raise HTTPException(404, f"no {flow}s by partner in these trade results")
    imports = data["flow"] == "import"
    return Table(
        f"trade-{'import-' if imports else ''}markets-{_safe(loc)}-{data['year']}",
        t(
            "import_markets_title" if imports else "markets_title",
            lang,
            name=data["name"],
            year=data["year"],
        ),
        [
            t(k, lang)
            for k in ("code", "partner", "imports" if imports else "exports", "share", "growth")
        ],
        [[r["partner"], r["name"], r["value"], r["share"], r["growth"]] for r in data["rows"]],
    )


TRADE_BUILDERS: dict[str, Callable[[WithTrade, str, dict[str, str]], Table]] = {
    "trade-eci": _eci,
    "trade-margins": _margins,
    "trade-concentration": _concentration,
    "trade-world-eci": _world_eci,
    "trade-space": _space,
    "trade-opportunities": _opportunities,
    "trade-markets": _markets,
}
