"""The platform's web application: pages, JSON API and static files, all served locally."""

from __future__ import annotations

import logging
import os
from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager
from importlib import resources
from pathlib import Path

import anyio.to_thread
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from kaifang import __version__
from kaifang.platform.errors import Refused
from kaifang.platform.instance import Platform
from kaifang.platform.web import (
    admin_pages,
    api,
    ledger_api,
    ledger_pages,
    pages,
    rules_api,
    rules_pages,
)
from kaifang.platform.web.messages import t
from kaifang.platform.web.render import error_response, lang_of, render
from kaifang.platform.web.security import MAX_BODY, PLATFORM_GUARD, viewer_of
from kaifang.webguard import RequestGuard, ServerLimits

log = logging.getLogger(__name__)
STATIC = Path(__file__).parent / "static"


def dashboard_static() -> Path:
    """The dashboard's static folder (its stylesheet is shared), found as package data."""
    return Path(str(resources.files("kaifang.web") / "static"))


FOLDER_VARIABLE = "KAIFANG_PLATFORM_FOLDER"
DATABASE_VARIABLE = "KAIFANG_PLATFORM_DATABASE"
# the host names a worker answers (``ServerLimits.allowed_hosts``), one a line
HOSTS_VARIABLE = "KAIFANG_PLATFORM_ALLOWED_HOSTS"
# the threads of each worker (``create_app``'s ``threads``)
THREADS_VARIABLE = "KAIFANG_PLATFORM_THREADS"
# Threads a server process runs its synchronous endpoints in (anyio's default is 40). They share
# one GIL: with 40 of them, a request that holds SQLite's write lock waits behind dozens of
# threads for the GIL after each of its statements, every other writer waits for it, and the
# switching itself costs CPU. With a few threads the other requests wait in the event loop
# instead, which costs nothing; the platform's load benchmark measured the choice.
DEFAULT_THREADS = 4


def default_limits(host: str = "127.0.0.1", extra: Iterable[str] = ()) -> ServerLimits:
    """The platform's limits when listening on ``host``: local names, ``host`` and ``extra``
    answered; bodies up to ``MAX_BODY``."""
    return ServerLimits.for_host(host, extra, MAX_BODY)


def app_from_environment() -> FastAPI:
    """The app of the instance named by ``KAIFANG_PLATFORM_FOLDER`` (and, optionally, the URL in
    ``KAIFANG_PLATFORM_DATABASE``), answering the host names of
    ``KAIFANG_PLATFORM_ALLOWED_HOSTS``: the factory each uvicorn worker process calls."""
    folder = os.environ[FOLDER_VARIABLE]
    platform = Platform.open(folder, database=os.environ.get(DATABASE_VARIABLE) or None)
    hosts = os.environ.get(HOSTS_VARIABLE, "").split("\n")
    threads = int(os.environ.get(THREADS_VARIABLE) or DEFAULT_THREADS)
    return create_app(platform, default_limits("", hosts), threads)


def create_app(
    platform: Platform, limits: ServerLimits | None = None, threads: int = DEFAULT_THREADS
) -> FastAPI:
    """The app serving ``platform``, behind the checks of ``kaifang.webguard`` (by default only
    local host names are answered, bodies up to ``MAX_BODY``), running its synchronous endpoints
    in at most ``threads`` threads at a time."""
    if threads < 1:
        raise ValueError("threads must be at least 1")

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        # the limiter belongs to the running event loop, so it is set once that loop runs
        anyio.to_thread.current_default_thread_limiter().total_tokens = threads
        yield

    app = FastAPI(
        lifespan=lifespan,
        title="kaifang platform API",
        version=__version__,
        description="Periods, submissions, values and reviews of the data-submission platform.",
        docs_url=None,
        redoc_url=None,
    )
    app.state.platform = platform
    app.include_router(api.router)
    app.include_router(ledger_api.router)
    app.include_router(pages.router)
    app.include_router(admin_pages.router)
    app.include_router(rules_api.router)
    app.include_router(rules_pages.router)
    app.include_router(ledger_pages.router)
    app.mount("/static/platform", StaticFiles(directory=STATIC), name="platform-static")
    app.mount("/static", StaticFiles(directory=dashboard_static()), name="static")

    @app.exception_handler(pages.LoginRequired)
    async def _login(request: Request, exc: pages.LoginRequired) -> Response:
        if request.url.path.startswith("/api/"):
            return JSONResponse({"error": "login_required"}, status_code=401)
        return RedirectResponse(f"/login?lang={lang_of(request)}", status_code=303)

    @app.exception_handler(Refused)
    async def _refused(request: Request, exc: Refused) -> Response:
        return error_response(request, viewer_of(request), exc)

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> Response:
        if request.url.path.startswith("/api/"):
            errors = [
                {"loc": [str(x) for x in e.get("loc", ())], "msg": str(e.get("msg", ""))}
                for e in exc.errors()[:20]
            ]
            return JSONResponse({"error": "bad_request", "detail": errors}, status_code=422)
        return error_response(request, viewer_of(request), Refused("bad_request"))

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Response:
        if request.url.path.startswith("/api/") or exc.status_code == 405:
            return JSONResponse({"error": str(exc.detail)[:200]}, status_code=exc.status_code)
        key = "not_found" if exc.status_code == 404 else "bad_request"
        return render(
            request,
            "error.html",
            None,
            "error",
            status=exc.status_code,
            message=t(key, lang_of(request)),
            details=[],
        )

    @app.exception_handler(Exception)
    async def _crash(request: Request, exc: Exception) -> Response:
        # logged for the operator; the user sees a message and never a traceback
        log.exception("unexpected error on %s %s", request.method, request.url.path)
        return JSONResponse(
            {"error": "server_error", "message": t("server_error", lang_of(request))},
            status_code=500,
        )

    app.add_middleware(RequestGuard, limits=limits or default_limits(), profile=PLATFORM_GUARD)
    return app
