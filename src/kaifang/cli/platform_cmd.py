"""``kaifang platform``: create, seed and serve the data-submission platform."""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Annotated

import typer

from kaifang.cli.common import LangOption, app, check_lang, console, fail
from kaifang.errors import KaifangError

platform_app = typer.Typer(
    name="platform",
    help="The data-submission platform: periods, forms, review, audit (SQLite or PostgreSQL).",
    no_args_is_help=True,
    add_completion=False,
)
app.add_typer(platform_app)

Folder = Annotated[Path, typer.Argument(help="The instance folder.")]


@platform_app.command(
    epilog="Example: kaifang platform init my_platform --framework "
    "examples/guizhou/framework.yaml --units examples/guizhou/units.csv --admin admin"
)
def init(
    folder: Folder,
    framework: Annotated[Path, typer.Option(help="framework.yaml the forms come from.")],
    units: Annotated[Path, typer.Option(help="units.csv: the regions (GB/T 2260 codes).")],
    admin: Annotated[str, typer.Option(help="Username of the first administrator.")] = "admin",
    database: Annotated[
        str | None,
        typer.Option(
            help="A database URL (postgresql://...); default: platform.db (SQLite) in the folder."
        ),
    ] = None,
    simulated: Annotated[
        bool, typer.Option(help="Label every page: the data are simulated.")
    ] = False,
    lang: LangOption = "zh",
) -> None:
    """Create an instance: database, secret key and the first administrator (the password is
    generated and printed once, or read from KAIFANG_ADMIN_PASSWORD)."""
    import os

    from kaifang.platform.instance import init_instance

    lang = check_lang(lang)
    zh = lang == "zh"
    password = os.environ.get("KAIFANG_ADMIN_PASSWORD") or secrets.token_urlsafe(12)
    try:
        platform = init_instance(
            folder,
            framework,
            units,
            admin=admin,
            password=password,
            database=database,
            simulated=simulated,
        )
    except KaifangError as exc:
        fail(exc, lang)
        return
    platform.close()
    console.print(("已创建平台实例 " if zh else "Created the platform instance ") + str(folder))
    if not os.environ.get("KAIFANG_ADMIN_PASSWORD"):
        console.print(
            (
                f"管理员 {admin} 的初始密码（只显示一次）："
                if zh
                else f"Password of {admin} (shown once): "
            )
            + f"[bold]{password}[/bold]",
            highlight=False,
        )
    console.print(
        ("启动：" if zh else "Start it: ") + f"kaifang platform serve {folder}", highlight=False
    )


@platform_app.command(epilog="Example: kaifang platform grant my_platform kaifang_app")
def grant(
    folder: Folder,
    role: Annotated[str, typer.Argument(help="An existing PostgreSQL login role.")],
    lang: LangOption = "zh",
) -> None:
    """PostgreSQL: grant the server's login role what it needs (read, append; no rewriting of
    history). Run as the owner; then serve with --database pointing at that role."""
    from kaifang.platform.instance import Platform
    from kaifang.platform.roles import grant_app_role

    lang = check_lang(lang)
    try:
        platform = Platform.open(folder)
        if platform.engine.dialect.name != "postgresql":
            raise KaifangError("grant is for PostgreSQL instances (SQLite has no roles)")
        grant_app_role(platform.engine, role)
    except (KaifangError, ValueError) as exc:
        fail(exc if isinstance(exc, KaifangError) else KaifangError(str(exc)), lang)
        return
    platform.close()
    console.print(("已授权 " if lang == "zh" else "Granted ") + role, highlight=False)


@platform_app.command(epilog="Example: kaifang platform serve my_platform --port 8100")
def serve(
    folder: Folder,
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8100,
    database: Annotated[
        str | None,
        typer.Option(
            help="Connect with this URL instead of the instance's (PostgreSQL: the application "
            "role that owns no table, so that row-level security applies)."
        ),
    ] = None,
    workers: Annotated[
        int,
        typer.Option(
            min=1,
            max=64,
            help="Server processes (one per core is a good start); each listens on its own "
            "socket, so that connections spread over them.",
        ),
    ] = 1,
    threads: Annotated[
        int,
        typer.Option(
            min=1,
            max=64,
            help="Threads per server process for requests that use the database (a few keep "
            "writers from waiting behind readers for Python's global lock).",
        ),
    ] = 4,
    allowed_host: Annotated[
        list[str] | None,
        typer.Option(
            "--allowed-host",
            help="A host name the platform answers besides --host, localhost and 127.0.0.1 "
            "(repeat for several), e.g. the server's intranet name. Requests naming any other "
            "host are refused (protection against DNS rebinding).",
        ),
    ] = None,
    lang: LangOption = "zh",
) -> None:
    """Serve the platform's pages and API."""
    from kaifang.platform.instance import Platform
    from kaifang.platform.web import create_app
    from kaifang.platform.web.app import default_limits

    lang = check_lang(lang)
    try:
        platform = Platform.open(folder, database=database)
    except KaifangError as exc:
        fail(exc, lang)
        return
    import uvicorn

    shown = "127.0.0.1" if host in ("0.0.0.0", "::") else host
    console.print(
        ("平台地址 " if lang == "zh" else "Platform at ")
        + f"[bold]http://{shown}:{port}/login?lang={lang}[/bold]"
    )
    limits = default_limits(host, allowed_host or ())
    if workers == 1:
        uvicorn.run(
            create_app(platform, limits, threads), host=host, port=port, log_level="warning"
        )
        return
    platform.close()
    import os

    from kaifang.platform.web.app import (
        DATABASE_VARIABLE,
        FOLDER_VARIABLE,
        HOSTS_VARIABLE,
        THREADS_VARIABLE,
    )

    os.environ[FOLDER_VARIABLE] = str(folder.resolve())
    os.environ[HOSTS_VARIABLE] = "\n".join(sorted(limits.allowed_hosts))
    os.environ[THREADS_VARIABLE] = str(threads)
    if database:
        os.environ[DATABASE_VARIABLE] = database
    factory = "kaifang.platform.web.app:app_from_environment"
    from kaifang.cli import listening

    if not listening.available():  # no SO_REUSEPORT: uvicorn's workers, sharing one socket
        uvicorn.run(
            factory, factory=True, host=host, port=port, workers=workers, log_level="warning"
        )
        return
    try:
        reserved = listening.reuse_port_socket(host, port, listen=False)
    except OSError as exc:
        fail(KaifangError(listening.bind_failure(host, port, exc, lang == "zh")), lang)
        return
    try:
        listening.run_workers(factory, host, port, workers, reserved, log_level="warning")
    except listening.StartupFailed as exc:
        message = (
            f"服务进程启动后即退出（退出码 {exc.exitcode}），请检查实例文件夹和数据库设置"
            if lang == "zh"
            else f"{exc}; check the instance folder and the database settings"
        )
        fail(KaifangError(message), lang)


@platform_app.command(
    "demo",
    epilog="Example: kaifang platform demo demo_platform && kaifang platform serve demo_platform",
)
def demo(
    folder: Folder,
    lang: LangOption = "zh",
) -> None:
    """Create the Guizhou demo instance: 9 prefectures, users for every role, the SIMULATED
    values of examples/guizhou approved and published for 2016-2023, 2024 in progress."""
    from kaifang.platform.demo import DEMO_PASSWORD, build_demo

    lang = check_lang(lang)
    zh = lang == "zh"
    try:
        with console.status("生成演示数据库" if zh else "Building the demo database"):
            users = build_demo(folder)
    except KaifangError as exc:
        fail(exc, lang)
        return
    console.print("[bold red]模拟数据 SIMULATED DATA[/bold red]")
    console.print(("演示用户（密码均为 " if zh else "Demo users (password ") + f"{DEMO_PASSWORD}):")
    for username, role in users:
        console.print(f"  {username:<14} {role}", highlight=False)
    console.print(
        ("启动：" if zh else "Start it: ") + f"kaifang platform serve {folder}", highlight=False
    )
