"""The dashboard's trade pages: overview, product space, opportunities and markets of the
results loaded with ``kaifang serve --trade`` (see :mod:`kaifang.web.trade_data`), each chart
with its table, and the world map geometry for the market map (``/api/trade/world``)."""

from __future__ import annotations

from functools import partial
from typing import Any, Literal

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse

from kaifang.web import trade_views as tv
from kaifang.web.pages import Lang, LangQuery, _dash, _render
from kaifang.web.trade_data import TradeView
from kaifang.web.trade_shell import render_trade_only, trade_only_of

SECTIONS = ("overview", "space", "opportunities", "markets")
PATHS = {"overview": "/trade", **{s: f"/trade/{s}" for s in SECTIONS[1:]}}

Flow = Literal["export", "import"]

router = APIRouter(include_in_schema=False)


def _view(request: Request) -> TradeView | None:
    only = trade_only_of(request)
    return only.trade if only is not None else _dash(request).trade


def _page(
    request: Request, lang: str, section: str, location: str | None, compute: Any
) -> HTMLResponse:
    only = trade_only_of(request)
    render = _render if only is None else partial(render_trade_only, only=only)
    view = _view(request)
    common: dict[str, Any] = {"section": section, "sections": SECTIONS, "paths": PATHS}
    if view is None:
        return render(request, "trade.html", lang, "trade", unavailable=True, **common)
    try:
        chosen = tv.focus(view, location)
        data = compute(view, chosen)
    except tv.NotInResults as exc:
        raise HTTPException(404, str(exc)) from None
    name = tv.namer(view, lang)
    return render(
        request,
        "trade.html",
        lang,
        "trade",
        unavailable=False,
        simulated=view.simulated,
        location=chosen,
        choices=[(code, name(code)) for code in tv.locations(view)],
        data=data,
        **common,
    )


@router.get("/trade", response_class=HTMLResponse)
def trade_overview(
    request: Request, lang: Lang = LangQuery, location: str | None = None
) -> HTMLResponse:
    return _page(
        request, lang, "overview", location, lambda view, loc: tv.overview(view, loc, lang)
    )


@router.get("/trade/space", response_class=HTMLResponse)
def trade_space(
    request: Request, lang: Lang = LangQuery, location: str | None = None
) -> HTMLResponse:
    return _page(request, lang, "space", location, lambda view, loc: tv.space(view, loc, lang))


@router.get("/trade/opportunities", response_class=HTMLResponse)
def trade_opportunities(
    request: Request, lang: Lang = LangQuery, location: str | None = None
) -> HTMLResponse:
    return _page(
        request,
        lang,
        "opportunities",
        location,
        lambda view, loc: tv.opportunities(view, loc, lang),
    )


@router.get("/trade/markets", response_class=HTMLResponse)
def trade_markets(
    request: Request,
    lang: Lang = LangQuery,
    location: str | None = None,
    year: int | None = None,
    flow: Flow | None = None,
) -> HTMLResponse:
    def compute(view: TradeView, loc: str) -> dict[str, Any] | None:
        # a flow the location lacks (the form keeps the flow when the location changes) shows
        # the flow it has, named by the page's flow links; exports first
        flows = tv.market_flows(view, loc)
        chosen = flow if flow in flows else next(iter(flows), "export")
        return tv.markets(view, loc, year, lang, chosen)

    return _page(request, lang, "markets", location, compute)


@router.get("/api/trade/world", tags=["trade"], include_in_schema=True)
def trade_world(request: Request) -> dict[str, Any]:
    """The world map of the trade pages (GeoJSON, features keyed by ``iso3``): the shipped
    Natural Earth 1:110m map, or the file given with ``kaifang serve --world-map``."""
    view = _view(request)
    if view is None:
        raise HTTPException(404, "no trade results are loaded (kaifang serve --trade)")
    return view.world
