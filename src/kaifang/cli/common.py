"""What every verb shares: the typer app, consoles, the --lang option and the error display.

Exit codes of every verb: 0 success, 1 bad input (a message, no traceback), 2 usage error.
"""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console

from kaifang.errors import InputError, KaifangError

app = typer.Typer(
    name="kaifang",
    help="kaifang (开放): assess and steer an open economy with composite indicators.",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode="rich",
)
console = Console()
err_console = Console(stderr=True)

LangOption = Annotated[
    str, typer.Option("--lang", help="Language of labels: zh or en.", case_sensitive=False)
]


def check_lang(value: str) -> str:
    if value not in ("zh", "en"):
        raise typer.BadParameter("use zh or en", param_hint="--lang")
    return value


def fail(exc: KaifangError, lang: str) -> None:
    """Print a user error (every problem with file, row, column) and exit with code 1."""
    title = "输入有误" if lang == "zh" else "Bad input"
    err_console.print(f"[bold red]{title}[/bold red]")
    if isinstance(exc, InputError):
        # the first problems and a count of the rest: a broken million-row file must not print
        # a million lines
        for line in exc.lines(lang):
            err_console.print(f"  • {line}", markup=False, highlight=False, emoji=False)
    else:
        err_console.print(f"  {exc}", markup=False, highlight=False, emoji=False)
    raise typer.Exit(1)
