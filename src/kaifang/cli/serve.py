"""``kaifang serve``: the dashboard (FastAPI + uvicorn) for an assessment or a results folder."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from kaifang.cli.common import LangOption, app, check_lang, console, esc, fail
from kaifang.errors import KaifangError


@app.command(
    epilog="Example: kaifang serve examples/guizhou/assessment.yaml --port 8000  "
    "(then open http://127.0.0.1:8000/?lang=zh)"
)
def serve(
    source: Annotated[
        Path,
        typer.Argument(
            help="assessment.yaml (what-if on) or a results folder from `kaifang assess` "
            "(read-only)."
        ),
    ],
    host: Annotated[
        str, typer.Option(help="Address to listen on (0.0.0.0 for the whole intranet).")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    lang: LangOption = "zh",
) -> None:
    """Serve the dashboard: map, ranking, unit profiles, indicators, framework and what-if."""
    lang = check_lang(lang)
    zh = lang == "zh"
    try:
        from kaifang.web import Dashboard, create_app

        with console.status("加载评估" if zh else "Loading the assessment"):
            dashboard = Dashboard.open(source)
    except (KaifangError, OSError) as exc:
        fail(exc, lang)
        return
    import uvicorn

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
    uvicorn.run(create_app(dashboard), host=host, port=port, log_level="warning")
