"""Extreme values (±1e308, a value a million times the others' range away): named with series,
unit and year in run.json and on the console, with what to do; numpy's warnings never reach
the user raw."""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import pytest
from hostile_cli import copy_tiny, kaifang, kaifang_process

import kaifang as kf


def with_value(tmp_path: Path, row: str, value: str) -> Path:
    config = copy_tiny(tmp_path)
    data = config.parent / "data.csv"
    text = data.read_text(encoding="utf-8")
    assert row + "\n" in text
    data.write_text(text.replace(row + "\n", f"{row.rsplit(',', 1)[0]},{value}\n"), "utf-8")
    return config


@pytest.mark.parametrize("value", ["1e308", "-1e308"])
def test_a_huge_value_is_named_in_run_json_and_on_the_console(tmp_path: Path, value: str) -> None:
    config = with_value(tmp_path, "U3,2020,x1,30", value)
    out = tmp_path / "out"
    result = kaifang("assess", str(config), "-o", str(out), "--lang", "en")
    assert result.returncode == 0, result.text
    record = json.loads((out / "run.json").read_text(encoding="utf-8"))
    assert record["extreme_values"] == [
        {"stage": "raw", "indicator": "x1", "unit": "U3", "year": 2020, "value": float(value)}
    ]
    warning = next(w for w in record["warnings"] if w.startswith("extreme value"))
    assert "'x1'" in warning and "'U3'" in warning and "2020" in warning
    assert "winsorise" in warning
    assert "extreme value in the raw data: series 'x1', unit 'U3', 2020" in result.text
    assert "RuntimeWarning" not in result.text


def test_a_tiny_denominator_makes_an_extreme_ratio(tmp_path: Path) -> None:
    config = with_value(tmp_path, "U3,2020,pop,20", "1e-300")
    record = kf.load(config).run().record
    found = {(e["stage"], e["indicator"], e["unit"], e["year"]) for e in record["extreme_values"]}
    assert ("denominated", "x3", "U3", 2020) in found


def test_ordinary_data_have_no_extreme_values(tiny_config: Path) -> None:
    record = kf.load(tiny_config).run().record
    assert "extreme_values" not in record
    assert not any(w.startswith("extreme value") for w in record["warnings"])


def test_numpy_warnings_do_not_reach_the_user(tmp_path: Path) -> None:
    # both signs: the range overflows to inf in the treatment's sums
    config = with_value(tmp_path, "U3,2020,x1,30", "1e308")
    data = config.parent / "data.csv"
    data.write_text(
        data.read_text(encoding="utf-8").replace("U1,2020,x1,10\n", "U1,2020,x1,-1e308\n"),
        "utf-8",
    )
    text = config.read_text(encoding="utf-8").replace(
        "  impute: {method: mean}\n",
        "  impute: {method: mean}\n  treat: {method: winsorise, winmax: 1}\n",
    )
    config.write_text(text, encoding="utf-8")
    with warnings.catch_warnings(record=True) as raised:
        warnings.simplefilter("always")
        kf.load(config).run()
    assert any(issubclass(w.category, RuntimeWarning) for w in raised)  # numpy does warn
    done = kaifang_process("assess", str(config), "-o", str(tmp_path / "out"), "--lang", "en")
    assert done.returncode == 0, done.stderr
    assert "RuntimeWarning" not in done.stderr + done.stdout
    assert "extreme value" in " ".join(done.stdout.split())
