"""What every verb shares: the typer app, consoles, the --lang option and the error display.

Exit codes of every verb: 0 success, 1 bad input (a message, no traceback), 2 usage error.
An OSError (disk full, permission denied, a read-only folder...) is bad input too: a message
naming the file and what the system said, exit 1.
"""

from __future__ import annotations

import errno
import logging
import warnings
from collections.abc import Iterable
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.cells import cell_len
from rich.console import Console
from rich.markup import escape
from rich.table import Table
from rich.text import Text
from typer.core import TyperGroup

from kaifang.errors import SHOWN_PROBLEMS, InputError, KaifangError

log = logging.getLogger("kaifang")


class _SafeGroup(TyperGroup):
    """The verbs' group, with a last net: no error reaches the user as a traceback."""

    def invoke(self, ctx: Any) -> Any:
        with warnings.catch_warnings():
            # numpy's RuntimeWarnings (overflow, invalid value) name no file nor indicator: the
            # pipeline reports extreme values itself, and the raw warning only goes to the log
            logging.captureWarnings(True)
            warnings.simplefilter("default", RuntimeWarning)
            try:
                return super().invoke(ctx)
            except BrokenPipeError:
                raise  # click's own handling: the reader of our output went away
            except (KaifangError, OSError) as exc:
                _print_error(exc, _state["lang"])
                raise typer.Exit(1) from None
            except MemoryError:
                _print_lines(
                    _state["lang"], ["内存不足" if _state["lang"] == "zh" else "out of memory"]
                )
                raise typer.Exit(1) from None
            except (typer.Exit, typer.Abort, typer.TyperException):
                raise  # exit codes and usage errors: typer's own
            except Exception as exc:
                # a library that wraps the system's error (xlsxwriter's FileCreateError around
                # "no space left on device") is still the system's error
                cause = _os_error_behind(exc)
                if cause is None:
                    raise
                _print_error(cause, _state["lang"])
                raise typer.Exit(1) from None
            finally:
                logging.captureWarnings(False)


def _os_error_behind(exc: BaseException) -> OSError | None:
    seen: set[int] = set()
    cause: BaseException | None = exc
    while cause is not None and id(cause) not in seen:
        if isinstance(cause, OSError):
            return cause
        seen.add(id(cause))
        cause = cause.__cause__ or cause.__context__
    return None


app = typer.Typer(
    cls=_SafeGroup,
    name="kaifang",
    help="kaifang (开放): assess and steer an open economy with composite indicators.",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode="rich",
)
# emoji off: a unit code like "unit:x:1" must print as written, not as a picture
console = Console(emoji=False)
err_console = Console(stderr=True, emoji=False)

_state = {"lang": "zh"}

LangOption = Annotated[
    str, typer.Option("--lang", help="Language of labels: zh or en.", case_sensitive=False)
]


def check_lang(value: str) -> str:
    if value not in ("zh", "en"):
        raise typer.BadParameter("use zh or en", param_hint="--lang")
    _state["lang"] = value
    return value


def text(value: object) -> Text:
    """A table cell or line from user text (names, paths): shown as written, never as markup."""
    return Text(str(value))


def esc(value: object) -> str:
    """User text for a markup string: ``[bold]`` in a unit name stays ``[bold]``."""
    return escape(str(value))


_OS_REASONS: dict[int, tuple[str, str]] = {
    errno.ENOSPC: ("磁盘已满", "no space left on the disk"),
    errno.EDQUOT: ("超出磁盘配额", "disk quota exceeded"),
    errno.EROFS: ("只读文件系统", "read-only file system"),
    errno.EACCES: ("没有权限", "permission denied"),
    errno.EPERM: ("不允许的操作", "operation not permitted"),
    errno.ENOENT: ("文件或文件夹不存在", "no such file or folder"),
    errno.ENOTDIR: ("路径中有一项不是文件夹", "a part of the path is not a folder"),
    errno.EISDIR: ("是文件夹，需要文件", "is a folder, a file was expected"),
    errno.EEXIST: ("已存在", "already exists"),
    errno.ENOTEMPTY: ("文件夹不是空的", "folder is not empty"),
    errno.ENAMETOOLONG: ("文件名过长", "file name too long"),
    errno.EMFILE: ("打开的文件过多", "too many open files"),
    errno.EIO: ("读写错误", "input/output error"),
}


def os_error_message(exc: OSError, lang: str) -> str:
    """``<file>: <reason>`` in the user's language, from an OSError's errno and file names."""
    zh = lang == "zh"
    reasons = _OS_REASONS.get(exc.errno or -1)
    reason = (reasons[0] if zh else reasons[1]) if reasons else (exc.strerror or str(exc))
    files = [str(f) for f in (exc.filename, exc.filename2) if f is not None]
    return (" → ".join(files) + ": " if files else "") + reason


def _print_lines(lang: str, lines: Iterable[str]) -> None:
    title = "输入有误" if lang == "zh" else "Bad input"
    err_console.print(f"[bold red]{title}[/bold red]")
    for line in lines:
        err_console.print(f"  {line}", markup=False, highlight=False)


def _print_error(exc: BaseException, lang: str) -> None:
    if isinstance(exc, InputError):
        # the first problems and a count of the rest: a broken million-row file must not print
        # a million lines
        lines = exc.lines(lang)
        shown = min(len(exc.problems), SHOWN_PROBLEMS)
        _print_lines(lang, [f"• {line}" for line in lines[:shown]] + lines[shown:])
    elif isinstance(exc, OSError):
        log.debug("OSError", exc_info=exc)
        _print_lines(lang, [os_error_message(exc, lang)])
    else:
        _print_lines(lang, [str(exc)])


def fail(exc: KaifangError | OSError, lang: str) -> None:
    """Print a user error (every problem with file, row, column) and exit with code 1."""
    _print_error(exc, lang)
    raise typer.Exit(1)


def check_output(output: Path, *protect: Path) -> None:
    """Refuse an output folder before any work (a file, a symlink, ., .., a folder holding the
    inputs): a message and exit 1."""
    from kaifang.atomic import check_output_folder

    try:
        check_output_folder(output, protect)
    except KaifangError as exc:
        fail(exc, _state["lang"])


def keep_numbers_whole(table: Table) -> Table:
    """Numbers are never cut ("6,862,3…"): right-aligned columns keep their widest cell whole
    on one line, and the other columns (names) wrap or fold when the terminal is narrow."""
    for column in table.columns:
        if column.justify == "right":
            column.no_wrap = True
            column.min_width = max(
                [cell_len(str(c)) for c in column.cells] + [column.min_width or 0]
            )
        else:
            column.overflow = "fold"
    return table
