"""``kaifang platform ledger-import`` and ``ledger-department``: the measures ledger of an
instance (loaded from a ledger file, departments given to users)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from kaifang.cli.common import LangOption, check_lang, console, fail
from kaifang.cli.platform_cmd import Folder, platform_app
from kaifang.errors import KaifangError

if TYPE_CHECKING:
    from kaifang.platform.access import Actor
    from kaifang.platform.instance import Platform


def _refusal(exc: Exception, lang: str) -> KaifangError:
    """A platform refusal in the user's language (the web catalogue's words)."""
    from kaifang.platform.errors import Refused
    from kaifang.platform.web.render import refusal_text

    if isinstance(exc, Refused):
        return KaifangError(refusal_text(exc, lang))
    return exc if isinstance(exc, KaifangError) else KaifangError(str(exc))


def _admin(platform: Platform, username: str | None) -> Actor:
    """The administrator named ``username`` (default: the first one)."""
    from sqlalchemy import select

    from kaifang.platform import accounts
    from kaifang.platform.errors import NotFound
    from kaifang.platform.instance import first_admin
    from kaifang.platform.models import User

    with platform.read() as session:
        user = (
            first_admin(session)
            if username is None
            else session.scalar(select(User).where(User.username == username))
        )
        if user is None or user.role != "admin":
            raise NotFound("user")
        return accounts.actor_of(user)


@platform_app.command(
    "ledger-import",
    epilog="Example: kaifang platform ledger-import my_platform examples/guizhou/ledger.yaml",
)
def ledger_import(
    folder: Folder,
    ledger: Annotated[Path, typer.Argument(help="The ledger file (YAML) to load.")],
    as_user: Annotated[
        str | None,
        typer.Option("--as", help="The administrator recorded as the importer (default: first)."),
    ] = None,
    lang: LangOption = "zh",
) -> None:
    """Load a ledger file (measures, departments, progress) into the instance's database in one
    transaction: a file with any problem changes nothing, and every problem is listed."""
    from kaifang.ledger import load_ledger
    from kaifang.platform.errors import Refused
    from kaifang.platform.instance import Platform
    from kaifang.platform.ledger import store

    lang = check_lang(lang)
    try:
        platform = Platform.open(folder)
    except KaifangError as exc:
        fail(exc, lang)
        return
    try:
        loaded = load_ledger(ledger)
        admin = _admin(platform, as_user)
        with platform.tx() as session:
            count = store.import_ledger(session, admin, loaded, source=ledger.name)
    except (KaifangError, Refused) as exc:
        platform.close()
        fail(_refusal(exc, lang), lang)
        return
    platform.close()
    zh = lang == "zh"
    console.print(
        (f"已导入台账：{count} 项任务" if zh else f"Imported the ledger: {count} measures"),
        highlight=False,
    )
    if loaded.file.simulated_progress:
        console.print("[bold red]进展为模拟数据 SIMULATED PROGRESS[/bold red]")


@platform_app.command(
    "ledger-department",
    epilog="Example: kaifang platform ledger-department my_platform dept_commerce commerce",
)
def ledger_department(
    folder: Folder,
    username: Annotated[str, typer.Argument(help="The user.")],
    department: Annotated[str, typer.Argument(help="The department id of the ledger ('-': none).")],
    as_user: Annotated[
        str | None,
        typer.Option("--as", help="The administrator recorded in the audit log (default: first)."),
    ] = None,
    lang: LangOption = "zh",
) -> None:
    """Make a user a member of a ledger department: its fillers write that department's
    progress reports (audited)."""
    from kaifang.platform.errors import Refused
    from kaifang.platform.instance import Platform
    from kaifang.platform.ledger import store

    lang = check_lang(lang)
    try:
        platform = Platform.open(folder)
    except KaifangError as exc:
        fail(exc, lang)
        return
    try:
        admin = _admin(platform, as_user)
        with platform.tx(admin) as session:
            store.set_user_department(
                session,
                admin,
                username,
                None if department == "-" else department,
            )
    except (KaifangError, Refused) as exc:
        platform.close()
        fail(_refusal(exc, lang), lang)
        return
    platform.close()
    console.print(
        (f"{username} → {department}"),
        highlight=False,
    )
