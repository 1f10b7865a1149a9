"""Writing a folder of results all or nothing: into a temporary sibling, then renamed into place.

A run that fails leaves nothing half-written, and the previous results stay until the new ones
are complete. While a run writes ``out/`` it holds an exclusive lock on the file ``.out.lock``
beside it, so a second run into the same folder is refused with a clear message instead of
racing the first one; and because nobody else can be writing while the lock is held, the hidden
siblings a killed run left behind (``.out.tmp-*``, ``.out.old``) are known to be stale and are
removed (or, for ``.out.old`` without ``out``, put back) by the next run. The lock file is
removed when the run ends.
"""

from __future__ import annotations

import os
import re
import secrets
import shutil
import stat
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from kaifang.errors import KaifangError


class OutputFolderError(KaifangError):
    """The output folder cannot be used: it is a file, a symlink, the current folder, a folder
    holding the inputs, or in use by another run."""


class OutputFolderBusy(OutputFolderError):
    """Another run holds the lock of the output folder."""


def _lock_file(outdir: Path) -> Path:
    # resolved: two spellings of one folder (out, ./out/, a symlink to it) share one lock
    real = outdir.resolve()
    return real.with_name(f".{real.name}.lock")


def _temp_pattern(outdir: Path) -> re.Pattern[str]:
    # ours: .<name>.tmp-<8 hex> and .<name>.old (this module), and .<name>.<8 chars> as
    # tempfile.mkdtemp named them before the lock existed
    name = re.escape(outdir.name)
    return re.compile(rf"^\.{name}\.(?:tmp-[0-9a-f]{{8}}|old|(?P<legacy>[a-z0-9_]{{8}}))$")


def check_output_folder(outdir: Path | str, protect: Iterable[Path | str] = ()) -> Path:
    """Refuse an output folder that replacing would damage something else.

    Refused: ``.``, ``..`` or any folder holding the current folder; an existing file or
    symlink; a folder that holds one of ``protect`` (the config, the data files). Returns the
    path as given."""
    outdir = Path(outdir)
    if outdir.name in ("", ".", ".."):
        raise OutputFolderError(
            f"output folder {str(outdir)!r}: give a folder of its own (like results/), "
            "not . or .. : its content is replaced by the results"
        )
    if outdir.is_symlink():
        raise OutputFolderError(
            f"output folder {outdir} is a symbolic link; give a real folder "
            "(its content is replaced by the results)"
        )
    if outdir.exists() and not outdir.is_dir():
        raise OutputFolderError(f"output folder {outdir} exists and is not a folder")
    resolved = outdir.resolve()
    for kept in (Path.cwd(), *(Path(p) for p in protect)):
        inside = kept.resolve()
        if inside == resolved or resolved in inside.parents:
            raise OutputFolderError(
                f"output folder {outdir} holds {kept}: its content is replaced by the results; "
                "give a folder of its own (like results/)"
            )
    return outdir


@contextmanager
def output_lock(outdir: Path) -> Iterator[None]:
    """Hold an exclusive lock on ``.<name>.lock`` beside ``outdir`` (OutputFolderBusy if held).

    The lock file is removed when the lock is released (a killed run's file is reused by the
    next one). A run that locked a file just unlinked by the previous holder sees that the path
    now names another file, and locks again."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - not on POSIX: no lock, as before
        yield
        return
    path = _lock_file(outdir)
    while True:
        try:
            fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o666)
        except OSError as exc:  # the user gave the folder, not the lock file: name it
            raise OSError(exc.errno, exc.strerror, str(outdir)) from None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 32, 0).decode("ascii", "replace").strip()
            os.close(fd)
            raise OutputFolderBusy(
                f"output folder {outdir} is in use by another kaifang run"
                + (f" (process {holder})" if holder.isdigit() else "")
                + "; wait for it to finish or choose another folder"
            ) from None
        except BaseException:
            os.close(fd)
            raise
        try:
            same = os.stat(path).st_ino == os.fstat(fd).st_ino
        except FileNotFoundError:
            same = False
        if same:
            break
        os.close(fd)
    try:
        os.ftruncate(fd, 0)
        os.pwrite(fd, str(os.getpid()).encode(), 0)
        yield
    finally:
        # unlink while still holding the lock, then release by closing
        path.unlink(missing_ok=True)
        os.close(fd)


def remove_stale(outdir: Path) -> list[Path]:
    """Remove the temporary siblings of ``outdir`` left by a killed run; call with the lock held.

    A ``.<name>.old`` without ``<name>`` holds the previous results of a run killed between its
    two renames: it is put back rather than deleted. Returns what was removed or restored."""
    parent = outdir.parent
    if not parent.is_dir():
        return []
    pattern = _temp_pattern(outdir)
    done: list[Path] = []
    old = outdir.with_name(f".{outdir.name}.old")
    if old.is_dir() and not old.is_symlink() and not outdir.exists():
        old.rename(outdir)
        done.append(outdir)
    for entry in os.scandir(parent):
        found = pattern.match(entry.name)
        if found is None or not entry.is_dir(follow_symlinks=False):
            continue
        # a folder named like mkdtemp's is ours only with mkdtemp's mode
        if found.group("legacy") and stat.S_IMODE(entry.stat().st_mode) != 0o700:
            continue
        shutil.rmtree(entry.path, ignore_errors=True)
        done.append(Path(entry.path))
    return done


def make_temp_folder(parent: Path, prefix: str, for_: Path | None = None) -> Path:
    """A new folder ``<prefix><8 hex>`` in ``parent``, with the mode the umask gives any folder
    (``tempfile.mkdtemp`` would make it 0700, and that mode would stay on the results).

    An OSError names ``for_`` (the folder the user asked for), not the temporary one."""
    while True:
        path = parent / f"{prefix}{secrets.token_hex(4)}"
        try:
            path.mkdir(mode=0o777)
        except FileExistsError:  # pragma: no cover - 1 in 4 billion
            continue
        except OSError as exc:  # name the folder the user gave, not the temporary one
            raise OSError(exc.errno, exc.strerror, str(for_ or parent)) from None
        return path


@contextmanager
def atomic_folder(outdir: Path | str, protect: Iterable[Path | str] = ()) -> Iterator[Path]:
    """Yield a temporary folder; on success it replaces ``outdir``, on error it is removed.

    ``outdir`` is checked first (see ``check_output_folder``), locked for the whole write, and
    cleared of the leftovers of killed runs."""
    outdir = check_output_folder(outdir, protect)
    outdir.parent.mkdir(parents=True, exist_ok=True)
    with output_lock(outdir):
        remove_stale(outdir)
        tmp = make_temp_folder(outdir.parent, f".{outdir.name}.tmp-", outdir)
        try:
            yield tmp
            if outdir.exists():
                old = outdir.with_name(f".{outdir.name}.old")
                if old.exists():
                    shutil.rmtree(old)
                outdir.rename(old)
                tmp.rename(outdir)
                shutil.rmtree(old)
            else:
                tmp.rename(outdir)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise


SIMULATED_NOTE = (
    "These results are computed from SIMULATED data (a seeded generator), not official "
    "statistics.\n本结果基于模拟数据（固定随机种子生成），并非官方统计数据。\n"
)


def write_simulated_note(folder: Path) -> None:
    """``SIMULATED_DATA.txt`` in an output folder of results from simulated data."""
    (folder / "SIMULATED_DATA.txt").write_text(SIMULATED_NOTE, encoding="utf-8")
