"""The trade pages as an app of their own: ``kaifang serve --trade PATH`` without an
assessment. The same trade pages, world map and table downloads as beside an assessment, behind
the same request guard (Host check, body cap, Content-Security-Policy and the other security
headers of the dashboard)."""

from __future__ import annotations

from fastapi import APIRouter, FastAPI, HTTPException, Request
from fastapi.responses import RedirectResponse, Response
from fastapi.staticfiles import StaticFiles

from kaifang import __version__
from kaifang.web import trade
from kaifang.web.app import STATIC
from kaifang.web.downloads import FORMATS, table_response
from kaifang.web.guard import DASHBOARD_GUARD
from kaifang.web.pages import Lang, LangQuery
from kaifang.web.trade_data import TradeView
from kaifang.web.trade_downloads import TRADE_BUILDERS
from kaifang.web.trade_shell import TradeOnly, trade_only_of
from kaifang.webguard import RequestGuard, ServerLimits

router = APIRouter(include_in_schema=False)


@router.get("/")
def home(lang: Lang = LangQuery) -> RedirectResponse:
    """The trade overview is the start page."""
    return RedirectResponse(f"/trade?lang={lang}", status_code=307)


@router.get("/download/{filename}")
def download(request: Request, filename: str) -> Response:
    """The trade pages' tables as CSV or Excel (the assessment's tables are not served)."""
    table_id, _, fmt = filename.rpartition(".")
    builder = TRADE_BUILDERS.get(table_id)
    if builder is None or fmt not in FORMATS:
        raise HTTPException(404, f"no table download {filename[:80]!r}")
    lang = request.query_params.get("lang", "zh")
    if lang not in ("zh", "en"):
        raise HTTPException(422, "lang: zh or en")
    only = trade_only_of(request)
    assert only is not None
    return table_response(builder(only, lang, dict(request.query_params)), fmt)


def create_trade_app(view: TradeView, limits: ServerLimits | None = None) -> FastAPI:
    """The app serving the trade results ``view`` alone, behind the dashboard's request guard
    (by default only local host names are answered)."""
    app = FastAPI(
        title="kaifang trade pages",
        version=__version__,
        description="Trade structure and economic complexity: pages and the world map.",
        docs_url=None,
        redoc_url=None,
    )
    app.state.trade_only = TradeOnly(view)
    app.include_router(router)
    app.include_router(trade.router)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    app.add_middleware(RequestGuard, limits=limits or ServerLimits(), profile=DASHBOARD_GUARD)
    return app
