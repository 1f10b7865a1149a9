"""The dashboard application: JSON API + server-rendered pages + static files, all local.

FastAPI's default /docs and /redoc load their scripts from a CDN, so they are switched off; the
OpenAPI schema is served at /openapi.json and listed by the /api-docs page.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from kaifang import __version__
from kaifang.web import api, disparity, downloads, pages, trade
from kaifang.web.data import Dashboard
from kaifang.web.guard import DASHBOARD_GUARD
from kaifang.web.live import LiveDashboard
from kaifang.webguard import RequestGuard, ServerLimits

STATIC = Path(__file__).parent / "static"


def create_app(
    dashboard: Dashboard, limits: ServerLimits | None = None, refresh: float | None = None
) -> FastAPI:
    """The app serving ``dashboard`` (see ``Dashboard.open``), behind the checks of
    ``kaifang.webguard`` (by default only local host names are answered).

    With ``refresh`` (seconds; 0 checks on every request) the app shows new results of the
    dashboard's source without a restart (see ``kaifang.web.live``); None keeps the first ones.
    """
    app = FastAPI(
        title="kaifang dashboard API",
        version=__version__,
        description="Scores, ranks, weights, framework and what-if variants of one assessment.",
        docs_url=None,
        redoc_url=None,
    )
    app.state.live = LiveDashboard(dashboard, refresh)
    app.include_router(api.router)
    app.include_router(pages.router)
    app.include_router(downloads.router)
    app.include_router(disparity.router)
    app.include_router(trade.router)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    app.add_middleware(RequestGuard, limits=limits or ServerLimits(), profile=DASHBOARD_GUARD)
    return app
