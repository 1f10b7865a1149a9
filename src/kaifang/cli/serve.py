"""``kaifang serve``: the dashboard (FastAPI + uvicorn) for an assessment or a results folder."""

from __future__ import annotations

import socket
from pathlib import Path
from typing import Annotated, Any

import typer

from kaifang.cli.common import LangOption, app, check_lang, console, esc, fail
from kaifang.cli.listening import bind_failure, bind_listening_socket
from kaifang.errors import KaifangError

MAX_PORT = 65535
# seconds between two looks for new results (kaifang.web.live.DEFAULT_REFRESH)
DEFAULT_REFRESH = 2.0
# the dashboard's default body cap (kaifang.webguard.DEFAULT_MAX_BODY; the web package is
# imported only when the server starts, so that `kaifang --help` stays fast)
DEFAULT_MAX_BODY = 1_000_000


@app.command(
    epilog="Example: kaifang serve examples/guizhou/assessment.yaml --port 8000  "
    "(then open http://127.0.0.1:8000/?lang=zh). With trade pages: add --trade "
    "examples/guizhou_trade/trade.yaml --trade examples/guizhou_trade/structure.yaml; "
    "the trade pages alone: kaifang serve --trade examples/guizhou_trade/trade.yaml"
)
def serve(
    source: Annotated[
        Path | None,
        typer.Argument(
            help="assessment.yaml (what-if on) or a results folder from `kaifang assess` "
            "(read-only). Without it, --trade serves the trade pages on their own."
        ),
    ] = None,
    host: Annotated[
        str, typer.Option(help="Address to listen on (0.0.0.0 for the whole intranet).")
    ] = "127.0.0.1",
    port: Annotated[
        int, typer.Option(help="Port to listen on (1-65535).", min=1, max=MAX_PORT)
    ] = 8000,
    allowed_host: Annotated[
        list[str] | None,
        typer.Option(
            "--allowed-host",
            help="A host name the dashboard answers besides --host, localhost and 127.0.0.1 "
            "(repeat for several), e.g. the server's intranet name. Requests naming any other "
            "host are refused (protection against DNS rebinding).",
        ),
    ] = None,
    max_body: Annotated[
        int,
        typer.Option(
            "--max-body",
            help="Largest request body accepted, in bytes (larger ones get HTTP 413).",
            min=1024,
            max=1_000_000_000,
        ),
    ] = DEFAULT_MAX_BODY,
    refresh: Annotated[
        float,
        typer.Option(
            "--refresh",
            help="Seconds between two looks for new results: a results folder that "
            "`kaifang assess` replaced, or (for an assessment.yaml) changed input files or "
            "newly published platform data, which rerun the assessment. 0: never (the results "
            "of the start stay).",
            min=0,
            max=86_400,
        ),
    ] = DEFAULT_REFRESH,
    trade: Annotated[
        list[Path] | None,
        typer.Option(
            "--trade",
            help="Trade results for the trade pages: a trade config (trade.yaml, computed at "
            "start) or a folder written by `kaifang trade -o DIR`; repeat to show several as "
            "one (e.g. a region's complexity run and its structure run).",
        ),
    ] = None,
    world_map: Annotated[
        Path | None,
        typer.Option(
            "--world-map",
            help="GeoJSON of the world for the market map, features keyed by an 'iso3' "
            "property (default: the shipped Natural Earth 1:110m map; for publication in "
            "China use an approved standard map).",
        ),
    ] = None,
    lang: LangOption = "zh",
) -> None:
    """Serve the dashboard: map, ranking, unit profiles, indicators, framework and what-if
    (and the trade pages with --trade)."""
    lang = check_lang(lang)
    zh = lang == "zh"
    if source is None:
        if not trade:
            raise typer.BadParameter(
                "请给出评估配置（或评估结果文件夹），或用 --trade 只显示贸易页面"
                if zh
                else "give an assessment CONFIG (or results folder), or --trade PATH to serve "
                "the trade pages on their own",
                param_hint="SOURCE",
            )
        _serve_trade_only(list(trade), world_map, host, port, allowed_host, max_body, lang)
        return
    try:
        from kaifang.web import Dashboard, create_app
        from kaifang.webguard import ServerLimits

        with console.status("加载评估" if zh else "Loading the assessment"):
            dashboard = Dashboard.open(source)
        if trade:
            from kaifang.web.trade_data import TradeView

            with console.status("加载贸易结果" if zh else "Loading the trade results"):
                dashboard.trade = TradeView.open(list(trade), world_map)
    except (KaifangError, OSError) as exc:
        fail(exc, lang)
        return
    sock = _listening(host, port, lang)
    if sock is None:
        return
    limits = ServerLimits.for_host(host, allowed_host or (), max_body)
    shown = "127.0.0.1" if host in ("0.0.0.0", "::") else host
    url = f"http://{shown}:{port}/?lang={lang}"
    console.print(("看板地址 " if zh else "Dashboard at ") + f"[bold]{esc(url)}[/bold]")
    if dashboard.whatif_reason is not None:
        label = "权重模拟不可用" if zh else "What-if unavailable"
        console.print(
            f"[yellow]{label}[/yellow]: {esc(dashboard.whatif_reason)}",
            highlight=False,
        )
    if dashboard.base.record.get("simulated"):
        console.print("[bold red]模拟数据 SIMULATED DATA[/bold red]")
    if refresh > 0:
        console.print(
            f"每 {refresh:g} 秒检查一次是否有新结果，有则自动显示。"
            if zh
            else f"New results are looked for every {refresh:g} s and shown when found.",
            highlight=False,
        )
    _run(create_app(dashboard, limits, refresh if refresh > 0 else None), sock)


def _serve_trade_only(
    trade: list[Path],
    world_map: Path | None,
    host: str,
    port: int,
    allowed_host: list[str] | None,
    max_body: int,
    lang: str,
) -> None:
    """``kaifang serve --trade PATH`` without an assessment: the trade pages alone."""
    zh = lang == "zh"
    try:
        from kaifang.web.trade_app import create_trade_app
        from kaifang.web.trade_data import TradeView
        from kaifang.webguard import ServerLimits

        with console.status("加载贸易结果" if zh else "Loading the trade results"):
            view = TradeView.open(trade, world_map)
    except (KaifangError, OSError) as exc:
        fail(exc, lang)
        return
    sock = _listening(host, port, lang)
    if sock is None:
        return
    limits = ServerLimits.for_host(host, allowed_host or (), max_body)
    shown = "127.0.0.1" if host in ("0.0.0.0", "::") else host
    url = f"http://{shown}:{port}/trade?lang={lang}"
    console.print(("贸易页面地址 " if zh else "Trade pages at ") + f"[bold]{esc(url)}[/bold]")
    if view.simulated:
        console.print("[bold red]模拟数据 SIMULATED DATA[/bold red]")
    _run(create_trade_app(view, limits), sock)


def _listening(host: str, port: int, lang: str) -> socket.socket | None:
    """The server's socket, bound and listening; None (the error printed) when it cannot be."""
    try:
        return bind_listening_socket(host, port)
    except OSError as exc:
        fail(KaifangError(bind_failure(host, port, exc, lang == "zh")), lang)
        return None


def _run(asgi_app: Any, sock: socket.socket) -> None:
    """Serve ``asgi_app`` on ``sock`` until stopped; the socket is closed afterwards."""
    import uvicorn

    server = uvicorn.Server(uvicorn.Config(asgi_app, log_level="warning"))
    try:
        server.run(sockets=[sock])
    finally:
        sock.close()
