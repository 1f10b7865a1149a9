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
from kaifang.web.guard import ServerGuard, ServerLimits

STATIC = Path(__file__).parent / "static"


def create_app(dashboard: Dashboard, limits: ServerLimits | None = None) -> FastAPI:
    """The app serving ``dashboard`` (see ``Dashboard.open``), behind the checks of
    ``kaifang.web.guard`` (by default only local host names are answered)."""
    app = FastAPI(
        title="kaifang dashboard API",
        version=__version__,
        description="Scores, ranks, weights, framework and what-if variants of one assessment.",
        docs_url=None,
        redoc_url=None,
    )
    app.state.dashboard = dashboard
    app.include_router(api.router)
    app.include_router(pages.router)
    app.include_router(downloads.router)
    app.include_router(disparity.router)
    app.include_router(trade.router)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    app.add_middleware(ServerGuard, limits=limits or ServerLimits())
    return app
