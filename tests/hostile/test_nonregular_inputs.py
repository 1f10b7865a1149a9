"""Only regular files are read: a device, a FIFO or a folder given as an input is refused with a
message (exit 1), without reading, blocking or a traceback."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hostile_inputs import project, run_confined


def _run(args: list[str], cwd: Path) -> tuple[int, str, str]:
    result = run_confined(args, cwd, timeout=60)
    assert "Traceback" not in result.stdout + result.stderr, result.stderr[-2000:]
    return result.returncode, " ".join(result.stderr.split()), result.stdout


@pytest.mark.parametrize("verb", ["assess", "check"])
def test_dev_zero_as_data(tmp_path: Path, verb: str) -> None:
    config = project(tmp_path, data="/dev/zero")
    extra = ["-o", "out"] if verb == "assess" else []
    rc, err, _ = _run([verb, str(config), *extra, "--lang", "en"], tmp_path)
    assert rc == 1
    assert (
        "/dev/zero: not a regular file (a device, pipe or socket); only regular files are read"
    ) in err
    assert not (tmp_path / "out").exists()


def test_fifo_as_data_does_not_block(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe.csv")
    config = project(tmp_path, data="pipe.csv")
    rc, err, _ = _run(["check", str(config), "--lang", "en"], tmp_path)
    assert rc == 1
    assert f"{tmp_path / 'pipe.csv'}: not a regular file" in err


def test_fifo_as_config_does_not_block(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "assessment.yaml")
    rc, err, _ = _run(["check", "assessment.yaml", "--lang", "zh"], tmp_path)
    assert rc == 1
    assert "assessment.yaml：不是普通文件（设备、管道或套接字）；只读取普通文件" in err


def test_folder_as_data(tmp_path: Path) -> None:
    (tmp_path / "data.xlsx").mkdir()
    config = project(tmp_path, data="data.xlsx")
    rc, err, _ = _run(["check", str(config), "--lang", "en"], tmp_path)
    assert rc == 1
    assert f"{tmp_path / 'data.xlsx'}: this is a folder, not a file; give the path of a file" in err


@pytest.mark.parametrize("verb", ["assess", "check"])
def test_folder_as_config_names_the_file_inside(tmp_path: Path, verb: str) -> None:
    project(tmp_path)
    extra = ["-o", str(tmp_path / "out")] if verb == "assess" else []
    rc, err, _ = _run([verb, str(tmp_path), *extra, "--lang", "en"], tmp_path)
    assert rc == 1
    assert (
        f"{tmp_path}: this is a folder, not a file; did you mean {tmp_path / 'assessment.yaml'}?"
    ) in err
    assert not (tmp_path / "out").exists()


def test_empty_folder_as_config(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    rc, err, _ = _run(["assess", "empty", "-o", "out", "--lang", "zh"], tmp_path)
    assert rc == 1
    assert "empty：这是一个文件夹，不是文件；请给出其中某个文件的路径" in err
    assert not (tmp_path / "out").exists()


def test_units_file_that_is_a_device(tmp_path: Path) -> None:
    config = project(tmp_path)
    text = config.read_text(encoding="utf-8").replace("units: units.csv", "units: /dev/zero")
    config.write_text(text, encoding="utf-8")
    rc, err, _ = _run(["check", str(config), "--lang", "en"], tmp_path)
    assert rc == 1
    assert "/dev/zero: not a regular file" in err
