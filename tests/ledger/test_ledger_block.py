"""The ``ledger:`` block of an assessment config: validated with its lines, evaluated against the
assessment being run, and its evaluation saved and read back unchanged."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import kaifang
from kaifang.errors import InputError
from kaifang.ledger import evaluate_ledger, load_ledger
from kaifang.ledger.block import evaluate_block, ledger_block
from kaifang.ledger.saved import TABLES, LedgerProgress, read_progress, write_progress


def with_block(ledger_path: Path, block: Any) -> Path:
    """The tiny project's assessment.yaml with ``ledger:`` set to ``block`` (text appended, so
    the block's lines are known: the block starts on the line after the last one)."""
    config = ledger_path.parent / "assessment.yaml"
    text = config.read_text(encoding="utf-8")
    config.write_text(
        text + yaml.safe_dump({"ledger": block}, allow_unicode=True), encoding="utf-8"
    )
    return config


def block_line(config: Path) -> int:
    """The line of ``ledger:`` in the config."""
    lines = config.read_text(encoding="utf-8").splitlines()
    return next(i for i, line in enumerate(lines, 1) if line.startswith("ledger:"))


def test_short_and_long_forms(ledger_project: Callable[..., Path]) -> None:
    path = ledger_project()
    config = with_block(path, "ledger.yaml")
    block, found = ledger_block(config)  # type: ignore[misc]
    assert found == path and block.as_of is None
    config.write_text(config.read_text().replace("ledger: ledger.yaml", ""), encoding="utf-8")
    with_block(path, {"path": "ledger.yaml", "as_of": "2024-06-30"})
    block, _ = ledger_block(config)  # type: ignore[misc]
    assert block.as_of == dt.date(2024, 6, 30)


def test_no_block_is_no_ledger(ledger_project: Callable[..., Path]) -> None:
    path = ledger_project()
    assert ledger_block(path.parent / "assessment.yaml") is None
    assert evaluate_block(kaifang.load(path.parent / "assessment.yaml")) is None


def test_a_missing_file_is_named_at_its_line(ledger_project: Callable[..., Path]) -> None:
    config = with_block(ledger_project(), {"path": "nowhere/ledger.yaml"})
    with pytest.raises(InputError) as err:
        ledger_block(config)
    [problem] = err.value.problems
    assert problem.file == str(config)
    assert problem.row == block_line(config) + 1  # the path: line under ledger:
    assert "nowhere/ledger.yaml" in problem.message
    assert "找不到任务台账文件" in problem.render("zh")


def test_unknown_keys_and_bad_dates_are_named_at_their_lines(
    ledger_project: Callable[..., Path],
) -> None:
    config = with_block(ledger_project(), {"as_of": "not a day", "path": "ledger.yaml", "x": 1})
    with pytest.raises(InputError) as err:
        ledger_block(config)
    start = block_line(config)
    found = {(p.row, p.message.split(":")[0]) for p in err.value.problems}
    # yaml.safe_dump sorts the keys: as_of, path, x on the three lines after ledger:
    assert {row for row, _ in found} == {start + 1, start + 3}
    text = " ".join(p.message for p in err.value.problems)
    assert "ledger.as_of" in text and "ledger.x" in text


def test_a_folder_as_path_is_refused(ledger_project: Callable[..., Path]) -> None:
    path = ledger_project()
    (path.parent / "folder").mkdir()
    config = with_block(path, {"path": "folder"})
    with pytest.raises(InputError, match="no ledger file at folder"):
        ledger_block(config)


def test_evaluated_against_the_run_and_its_day(ledger_project: Callable[..., Path]) -> None:
    path = ledger_project()
    config = with_block(path, {"path": "ledger.yaml", "as_of": "2024-06-30"})
    progress = evaluate_block(kaifang.load(config))
    assert progress is not None
    assert progress.status.as_of == dt.date(2024, 6, 30)
    # the same as the ledger evaluated on its own on that day
    alone = evaluate_ledger(load_ledger(path), dt.date(2024, 6, 30))
    pd.testing.assert_frame_equal(progress.status.measures, alone.measures)
    pd.testing.assert_frame_equal(progress.status.indicators, alone.indicators)


def test_a_computed_targets_summary_is_reused(ledger_project: Callable[..., Path]) -> None:
    from kaifang.steering import evaluate_targets

    path = ledger_project()
    assessment = kaifang.load(with_block(path, "ledger.yaml"))
    summary = evaluate_targets(assessment).summary
    reused = evaluate_block(assessment, summary)
    fresh = evaluate_block(assessment)
    assert reused is not None and fresh is not None
    pd.testing.assert_frame_equal(reused.status.indicators, fresh.status.indicators)
    # and it is what is used: a summary saying the doubling target is on track for unit 101
    # changes nothing, one saying it is off track turns measure a delayed
    off = summary.assign(status="off_track")
    changed = evaluate_block(assessment, off)
    assert changed is not None
    derived = dict(
        zip(changed.status.measures["id"], changed.status.measures["derived"], strict=True)
    )
    assert derived["a"] == "delayed"


def test_the_ledgers_own_assessment_key_is_not_read(
    ledger_project: Callable[..., Path], ledger_data: dict[str, Any]
) -> None:
    ledger_data["assessment"] = "elsewhere/assessment.yaml"  # no such file
    path = ledger_project(ledger_data)
    progress = evaluate_block(kaifang.load(with_block(path, "ledger.yaml")))
    assert progress is not None
    assert set(progress.status.indicators["status"]) == {"on_track", "off_track"}


def test_saved_and_read_back_unchanged(ledger_project: Callable[..., Path], tmp_path: Path) -> None:
    path = ledger_project()
    progress = evaluate_block(kaifang.load(with_block(path, "ledger.yaml")))
    assert progress is not None
    write_progress(progress, tmp_path / "saved")
    back = read_progress(tmp_path / "saved")
    assert back is not None
    assert back.ledger.file == progress.ledger.file
    assert back.ledger.measures == progress.ledger.measures
    assert back.status.as_of == progress.status.as_of
    assert back.status.simulated == progress.status.simulated
    for name in TABLES:
        pd.testing.assert_frame_equal(
            getattr(back.status, name), getattr(progress.status, name), check_dtype=False
        )
    assert read_progress(tmp_path / "nothing") is None


def test_a_damaged_saved_table_is_a_clear_error(
    ledger_project: Callable[..., Path], tmp_path: Path
) -> None:
    ledger = load_ledger(ledger_project())
    write_progress(LedgerProgress(ledger, evaluate_ledger(ledger)), tmp_path / "saved")
    measures = tmp_path / "saved" / "measures.csv"
    measures.write_text(
        measures.read_text(encoding="utf-8").replace("2027-12-31", "someday", 1), encoding="utf-8"
    )
    with pytest.raises(InputError, match=r"measures\.csv.*'deadline'"):
        read_progress(tmp_path / "saved")
    (tmp_path / "saved" / "evaluation.json").write_text("{", encoding="utf-8")
    with pytest.raises(InputError, match="not a readable JSON file"):
        read_progress(tmp_path / "saved")


def test_kaifang_assess_refuses_a_bad_block_and_writes_nothing(
    ledger_project: Callable[..., Path], tmp_path: Path
) -> None:
    from typer.testing import CliRunner

    from kaifang.cli import app

    config = with_block(ledger_project(), {"path": "missing.yaml"})
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["assess", str(config), "-o", str(out), "--lang", "en"])
    assert result.exit_code == 1, result.output
    flat = " ".join(result.output.split())
    assert f"row {block_line(config) + 1}" in flat and "missing.yaml" in flat
    assert "Traceback" not in result.output
    assert not out.exists()


def test_kaifang_assess_names_the_ledger_files_own_mistakes(
    ledger_project: Callable[..., Path], ledger_data: dict[str, Any], tmp_path: Path
) -> None:
    from typer.testing import CliRunner

    from kaifang.cli import app

    ledger_data["measures"][0]["children"][0]["lead"] = "nobody"
    path = ledger_project(ledger_data)
    config = with_block(path, "ledger.yaml")
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["assess", str(config), "-o", str(out), "--lang", "zh"])
    assert result.exit_code == 1, result.output
    flat = "".join(result.output.split())
    assert "ledger.yaml" in flat and "'nobody'" in flat
    assert not out.exists()


# any text a department may type, hostile to CSV (formula triggers, quotes, line breaks) or not
names = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"),
    min_size=1,
    max_size=30,
).filter(lambda s: s.strip() != "")


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(measure=names, milestone=names, department=names, narrative=names)
def test_saved_evaluation_reads_back_for_any_names(
    ledger_data: dict[str, Any], measure: str, milestone: str, department: str, narrative: str
) -> None:
    import copy
    import tempfile

    data = copy.deepcopy(ledger_data)  # the fixture is made once for all the examples
    data.pop("assessment")
    data["departments"][1]["name"] = {"zh": department, "en": department}
    child = data["measures"][0]["children"][2]
    child["name"] = {"zh": measure, "en": measure}
    child["milestones"][0]["name"] = {"zh": milestone, "en": milestone}
    data["progress"][2]["narrative"] = {"zh": narrative, "en": narrative}
    from kaifang.ledger.load import Ledger, flatten
    from kaifang.ledger.model import LedgerFile

    model = LedgerFile.model_validate(data)
    ledger = Ledger(model, Path("ledger.yaml"), flatten(model.measures))
    status = evaluate_ledger(ledger)
    with tempfile.TemporaryDirectory() as tmp:
        write_progress(LedgerProgress(ledger, status), Path(tmp) / "saved")
        back = read_progress(Path(tmp) / "saved")
    assert back is not None and back.ledger.file == model
    for name in TABLES:
        pd.testing.assert_frame_equal(
            getattr(back.status, name), getattr(status, name), check_dtype=False
        )
