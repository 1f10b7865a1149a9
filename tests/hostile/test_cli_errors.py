"""Errors of the system (disk full, read-only, a path the kernel refuses) and of usage: a
message and exit 1 (or 2 for usage), never a traceback; user text printed as written."""

from __future__ import annotations

import errno
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from hostile_cli import copy_tiny, kaifang, kaifang_process

import kaifang.output.files as output_files


@contextmanager
def small_filesystem(folder: Path, size: str = "64k") -> Iterator[Path | None]:
    """A tmpfs of ``size`` mounted at ``folder`` (None where mounting is not allowed)."""
    folder.mkdir()
    mounted = (
        subprocess.run(
            ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(folder)],
            capture_output=True,
        ).returncode
        == 0
    )
    try:
        yield folder if mounted else None
    finally:
        if mounted:
            subprocess.run(["umount", "-l", str(folder)], capture_output=True)


def fail_writing_with(monkeypatch: pytest.MonkeyPatch, code: int) -> None:
    """Make the workbook writer fail as the system would, with ``code``."""

    def refuse(data: object, path: Path, lang: str = "zh") -> None:
        raise OSError(code, errno.errorcode[code], str(path))

    monkeypatch.setattr(output_files, "write_workbook", refuse)


def test_disk_full_is_a_message_and_nothing_is_left(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = copy_tiny(tmp_path)
    with small_filesystem(tmp_path / "disk") as disk:
        if disk is None:  # no mount allowed here: the write fails as a full disk makes it fail
            fail_writing_with(monkeypatch, errno.ENOSPC)
        root = disk or tmp_path / "disk"
        result = kaifang("assess", str(config), "-o", str(root / "out"), "--lang", "en")
        assert result.returncode == 1, result.text
        assert "no space left on the disk" in result.text
        assert "Traceback" not in result.text
        assert sorted(p.name for p in root.iterdir()) == []  # nothing half-written, no lock
        zh = kaifang("assess", str(config), "-o", str(root / "out"), "--lang", "zh")
        assert zh.returncode == 1
        assert "磁盘已满" in zh.text


def test_a_read_only_output_folder_is_a_message(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = copy_tiny(tmp_path)
    with small_filesystem(tmp_path / "ro", size="1m") as disk:
        if disk is None:
            fail_writing_with(monkeypatch, errno.EROFS)
        else:
            subprocess.run(["mount", "-o", "remount,ro", str(disk)], check=True)
        root = disk or tmp_path / "ro"
        result = kaifang("assess", str(config), "-o", str(root / "out"), "--lang", "en")
        assert result.returncode == 1, result.text
        assert "read-only file system" in result.text
        assert "Traceback" not in result.text


@pytest.mark.parametrize(
    "args",
    [
        ["init", "/proc/nope"],
        ["audit", "{config}", "-o", "/proc/x", "--no-loo", "--no-pictures"],
        ["assess", "{config}", "-o", "/proc/x"],
        ["scenario", "{config}", "--set", "weight.p1=2x", "-o", "/proc/x"],
        ["schema", "framework", "-o", "/proc/x.json"],
    ],
)
def test_a_path_the_kernel_refuses_is_a_message(tmp_path: Path, args: list[str]) -> None:
    config = str(copy_tiny(tmp_path))
    result = kaifang(*(a.format(config=config) for a in args), "--lang", "en")
    if args[0] == "schema":  # schema has no --lang
        result = kaifang(*args)
    assert result.returncode == 1, result.text
    assert "/proc/" in result.text
    assert "Traceback" not in result.text


def test_the_installed_entry_point_prints_no_traceback(tmp_path: Path) -> None:
    done = kaifang_process("init", "/proc/nope", "--lang", "en")
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    assert "/proc/nope" in done.stderr


@pytest.mark.parametrize(
    "args",
    [
        ["assess", "{config}", "--lang", "fr"],
        ["assess", "{config}", "--no-such-option"],
        ["allocate", "{config}", "--budget", "abc"],
        ["allocate", "{config}", "--budget", "-5"],
        ["allocate", "{config}", "--budget", "1.5"],
        ["allocate", "{config}", "--budget", "inf"],
        ["init", "{tmp}/p", "--years", "2024-2020"],
        ["scenario", "{config}", "--set", "weight.x1=abc"],
        ["sensitivity", "{config}", "--method", "nonsense"],
        ["frobnicate"],
    ],
)
def test_usage_errors_exit_2(tmp_path: Path, args: list[str]) -> None:
    config = str(copy_tiny(tmp_path))
    result = kaifang(*(a.format(config=config, tmp=tmp_path) for a in args))
    assert result.returncode == 2, result.text
    assert "Traceback" not in result.text


def test_emoji_codes_and_markup_in_user_text_print_as_written(tmp_path: Path) -> None:
    config = copy_tiny(tmp_path)
    text = config.read_text(encoding="utf-8").replace(
        "data: data.csv", "data: 'unit:x:1 [red]b[/red].csv'"
    )
    config.write_text(text, encoding="utf-8")
    for lang in ("en", "zh"):
        result = kaifang("check", str(config), "--lang", lang)
        assert result.returncode == 1, result.text
        assert "unit:x:1 [red]b[/red].csv" in result.text
        assert "❌" not in result.text


def test_unit_names_with_markup_and_emoji_codes_print_as_written(tmp_path: Path) -> None:
    config = copy_tiny(tmp_path)
    units = config.parent / "units.csv"
    units.write_text(
        units.read_text(encoding="utf-8").replace("Unit one", "[bold]One[/bold] :x:"),
        encoding="utf-8",
    )
    result = kaifang("assess", str(config), "-o", str(tmp_path / "out"), "--lang", "en")
    assert result.returncode == 0, result.text
    assert "[bold]One[/bold] :x:" in result.stdout
    assert "❌" not in result.stdout


def test_long_problem_lists_are_capped(tmp_path: Path) -> None:
    config = copy_tiny(tmp_path)
    data = config.parent / "data.csv"
    lines = data.read_text(encoding="utf-8").splitlines()
    bad = [f"U1,{2000 + k % 20},x1,not-a-number-{k}" for k in range(120)]
    data.write_text("\n".join([lines[0], *bad, *lines[1:]]) + "\n", encoding="utf-8")
    result = kaifang("check", str(config), "--lang", "en")
    assert result.returncode == 1
    assert result.stderr.count("•") == 50
    assert "more" in result.stderr
