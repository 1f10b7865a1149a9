"""The output folder under hostile use: -o at the wrong place, two runs at once, a run killed
with SIGKILL, the mode of the folders written."""

from __future__ import annotations

import os
import signal
import stat
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from hostile_cli import Run, copy_tiny, env, kaifang

from kaifang.atomic import (
    OutputFolderBusy,
    OutputFolderError,
    atomic_folder,
    check_output_folder,
    output_lock,
    remove_stale,
)


def siblings(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def assert_refused(result: Run, *words: str) -> None:
    assert result.returncode == 1, result.text
    assert "Traceback" not in result.text
    for word in words:
        assert word in " ".join(result.stderr.split()), result.stderr


@pytest.mark.parametrize("target", [".", ".."])
def test_dot_and_dotdot_are_refused_and_nothing_moves(tmp_path: Path, target: str) -> None:
    config = copy_tiny(tmp_path)
    work = tmp_path / "work"
    work.mkdir()
    (work / "keep.txt").write_text("mine")
    before = siblings(tmp_path), siblings(work)
    result = kaifang("assess", str(config), "-o", target, "--lang", "en", cwd=work)
    assert_refused(result, "not . or ..")
    assert (siblings(tmp_path), siblings(work)) == before
    assert (work / "keep.txt").read_text() == "mine"


def test_an_existing_file_is_refused_and_kept(tmp_path: Path) -> None:
    config = copy_tiny(tmp_path)
    out = tmp_path / "out"
    out.write_text("not a folder")
    result = kaifang("assess", str(config), "-o", str(out), "--lang", "en")
    assert_refused(result, "exists and is not a folder")
    assert out.read_text() == "not a folder"
    assert siblings(tmp_path) == ["out", "tiny"]


def test_a_symlink_is_refused_and_its_target_untouched(tmp_path: Path) -> None:
    config = copy_tiny(tmp_path)
    precious = tmp_path / "precious"
    precious.mkdir()
    (precious / "thesis.docx").write_text("years of work")
    (tmp_path / "out").symlink_to(precious)
    result = kaifang("assess", str(config), "-o", str(tmp_path / "out"), "--lang", "en")
    assert_refused(result, "symbolic link")
    assert siblings(precious) == ["thesis.docx"]
    assert (tmp_path / "out").is_symlink()


@pytest.mark.parametrize("where", ["config folder", "parent of the inputs"])
def test_a_folder_holding_the_inputs_is_refused(tmp_path: Path, where: str) -> None:
    config = copy_tiny(tmp_path)
    target = config.parent if where == "config folder" else tmp_path
    before = siblings(config.parent)
    result = kaifang("assess", str(config), "-o", str(target), "--lang", "en")
    assert_refused(result, "holds")
    assert siblings(config.parent) == before


@pytest.mark.parametrize("verb", ["targets", "scenario", "allocate", "audit", "sensitivity"])
def test_every_writing_verb_refuses_the_config_folder(tmp_path: Path, verb: str) -> None:
    config = copy_tiny(tmp_path)
    before = siblings(config.parent)
    result = kaifang(verb, str(config), "-o", str(config.parent), "--lang", "en")
    assert_refused(result, "holds")
    assert siblings(config.parent) == before


def test_check_output_folder_accepts_a_new_or_previous_results_folder(tmp_path: Path) -> None:
    assert check_output_folder(tmp_path / "new") == tmp_path / "new"
    (tmp_path / "old").mkdir()
    assert check_output_folder(tmp_path / "old", [tmp_path / "inputs" / "a.yaml"]) == (
        tmp_path / "old"
    )
    with pytest.raises(OutputFolderError):
        check_output_folder(tmp_path, [tmp_path / "inputs" / "a.yaml"])


def test_a_second_run_into_a_locked_folder_is_told_it_is_in_use(tmp_path: Path) -> None:
    config = copy_tiny(tmp_path)
    out = tmp_path / "out"
    with output_lock(out):
        result = kaifang("assess", str(config), "-o", str(out), "--lang", "en")
        assert_refused(result, "in use by another kaifang run", f"process {os.getpid()}")
        assert not out.exists()
        with pytest.raises(OutputFolderBusy), output_lock(out):
            pass  # pragma: no cover
    done = kaifang("assess", str(config), "-o", str(out), "--lang", "en")
    assert done.returncode == 0, done.stderr
    assert siblings(tmp_path) == ["out", "tiny"]  # no lock file, no temporary folder


def test_the_lock_file_goes_with_a_failed_run_too(tmp_path: Path) -> None:
    out = tmp_path / "out"
    with pytest.raises(RuntimeError), atomic_folder(out) as tmp:
        (tmp / "half.csv").write_text("a,b\n")
        raise RuntimeError("the run fails half-way")
    assert siblings(tmp_path) == []


KILLED_RUN = textwrap.dedent(
    """
    import sys, time
    from kaifang.atomic import atomic_folder
    with atomic_folder(sys.argv[1]) as tmp:
        (tmp / "scores.csv").write_text("unit,score\\n" * 1000)
        print("writing", flush=True)
        time.sleep(120)
    """
)


def test_leftovers_of_a_run_killed_with_sigkill_are_removed_by_the_next(tmp_path: Path) -> None:
    config = copy_tiny(tmp_path)
    out = tmp_path / "out"
    first = kaifang("assess", str(config), "-o", str(out), "--lang", "en")
    assert first.returncode == 0, first.stderr
    victim = subprocess.Popen(
        [sys.executable, "-c", KILLED_RUN, str(out)],
        stdout=subprocess.PIPE,
        text=True,
        env=env(),
    )
    try:
        assert victim.stdout is not None
        assert victim.stdout.readline().strip() == "writing"
    finally:
        victim.send_signal(signal.SIGKILL)
        victim.wait(timeout=30)
    left = [n for n in siblings(tmp_path) if n.startswith(".out.")]
    assert ".out.lock" in left and any(n.startswith(".out.tmp-") for n in left), left
    again = kaifang("assess", str(config), "-o", str(out), "--lang", "en")
    assert again.returncode == 0, again.stderr
    assert siblings(tmp_path) == ["out", "tiny"]
    assert (out / "scores.csv").read_text().startswith("unit,year")


def test_only_our_stale_folders_are_removed(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    ours = [".out.tmp-0123abcd", ".out.old"]
    legacy = tmp_path / ".out.k3_9zq0p"  # tempfile.mkdtemp's name and mode
    legacy.mkdir(mode=0o700)
    os.chmod(legacy, 0o700)
    for name in ours:
        (tmp_path / name).mkdir()
        (tmp_path / name / "scores.csv").write_text("x")
    kept = [".out.notes", ".outx.tmp-0123abcd", ".out.tmp-0123abcd.bak", ".other.old"]
    for name in kept:
        (tmp_path / name).mkdir()
    not_mkdtemp = tmp_path / ".out.abcd1234"  # named like mkdtemp's, but not its mode
    not_mkdtemp.mkdir()
    os.chmod(not_mkdtemp, 0o755)
    (tmp_path / ".out.tmp-89abcdef").write_text("a file, not a folder we made")
    removed = remove_stale(out)
    assert sorted(p.name for p in removed) == sorted([*ours, legacy.name])
    assert siblings(tmp_path) == sorted(["out", *kept, not_mkdtemp.name, ".out.tmp-89abcdef"])


def test_previous_results_left_between_the_two_renames_are_put_back(tmp_path: Path) -> None:
    out = tmp_path / "out"
    old = tmp_path / ".out.old"
    old.mkdir()
    (old / "scores.csv").write_text("previous")
    assert remove_stale(out) == [out]
    assert (out / "scores.csv").read_text() == "previous"
    assert siblings(tmp_path) == ["out"]


def test_a_stale_report_folder_inside_the_results_is_removed(tmp_path: Path) -> None:
    config = copy_tiny(tmp_path)
    out = tmp_path / "out"
    assert kaifang("assess", str(config), "-o", str(out), "--lang", "en").returncode == 0
    stale = out / ".report.tmp-0123abcd"
    stale.mkdir()
    (stale / "report.html").write_text("half")
    result = kaifang("report", str(out), "--format", "html", "--lang", "en")
    assert result.returncode == 0, result.stderr
    assert not stale.exists()
    assert not any(p.name.startswith(".report") for p in out.iterdir())


@pytest.mark.parametrize("umask", [0o022, 0o027, 0o077])
def test_output_folders_follow_the_umask(tmp_path: Path, umask: int) -> None:
    config = copy_tiny(tmp_path)
    previous = os.umask(umask)
    try:
        assert kaifang("assess", str(config), "-o", str(tmp_path / "out")).returncode == 0
        assert kaifang("init", str(tmp_path / "project")).returncode == 0
    finally:
        os.umask(previous)
    expected = 0o777 & ~umask
    for folder in (tmp_path / "out", tmp_path / "out" / "stages", tmp_path / "project"):
        assert stat.S_IMODE(folder.stat().st_mode) == expected, folder


def test_a_folder_holding_a_data_file_elsewhere_is_refused(tmp_path: Path) -> None:
    config = copy_tiny(tmp_path)
    data = tmp_path / "data"
    data.mkdir()
    (config.parent / "data.csv").rename(data / "data.csv")
    config.write_text(
        config.read_text(encoding="utf-8").replace("data: data.csv", "data: ../data/data.csv"),
        encoding="utf-8",
    )
    result = kaifang("assess", str(config), "-o", str(data), "--lang", "en")
    assert_refused(result, "holds", "data.csv")
    assert siblings(data) == ["data.csv"]
