"""``kaifang init``: a new assessment project from a template."""

from __future__ import annotations

import shutil
from collections.abc import Sequence
from importlib import resources
from pathlib import Path

import pandas as pd

from kaifang.atomic import make_temp_folder
from kaifang.errors import InputError, Problem
from kaifang.framework import load_framework

TEMPLATE_FILES = ("framework.yaml", "assessment.yaml", "units.csv")
# the five years up to the plan's base year: the rows of the data template
DEFAULT_YEARS = range(2020, 2025)


def write_data_template(
    framework_path: Path, units_path: Path, target: Path, years: Sequence[int] = DEFAULT_YEARS
) -> None:
    """A wide data sheet with one row per unit and year, ready to fill (unit, year, one empty
    column per indicator and auxiliary series), with the indicator list and the units on their
    own sheets for reference."""
    framework = load_framework(framework_path)
    units = pd.read_csv(units_path, dtype=str)
    series = framework.series
    rows = pd.DataFrame(
        [(code, int(year)) for code in units["code"] for year in years], columns=["unit", "year"]
    )
    with pd.ExcelWriter(target, engine="xlsxwriter") as writer:
        rows.reindex(columns=["unit", "year", *series]).to_excel(
            writer, sheet_name="data", index=False
        )
        ws = writer.sheets["data"]
        ws.freeze_panes(1, 2)
        ws.set_column(0, len(series) + 1, 16)
        info = pd.DataFrame(
            [
                {
                    "id": s,
                    "name_zh": framework.name(s, "zh"),
                    "name_en": framework.name(s, "en"),
                    "unit": (
                        framework[s].node.unit
                        if s in framework.nodes
                        else framework.auxiliary[s].unit
                    ),
                    "direction": framework[s].node.direction if s in framework.nodes else "",
                    "source": (
                        framework[s].node.source
                        if s in framework.nodes
                        else framework.auxiliary[s].source
                    ),
                }
                for s in series
            ]
        )
        info.to_excel(writer, sheet_name="indicators", index=False)
        writer.sheets["indicators"].set_column(0, 5, 24)
        units.to_excel(writer, sheet_name="units", index=False)
        writer.sheets["units"].set_column(0, 5, 18)


def create_project(directory: Path, years: Sequence[int] = DEFAULT_YEARS) -> list[Path]:
    """Copy the template into ``directory`` (new or empty) and write the Excel data template.

    Written into a temporary sibling first and moved into place, so a failure leaves nothing.
    """
    directory = Path(directory)
    if directory.exists() and any(directory.iterdir()):
        raise InputError(
            [Problem(str(directory), "folder exists and is not empty; choose a new folder")]
        )
    directory.parent.mkdir(parents=True, exist_ok=True)
    tmp = make_temp_folder(directory.parent, f".{directory.name}.tmp-", directory)
    try:
        source = resources.files("kaifang.template") / "files"
        for name in TEMPLATE_FILES:
            (tmp / name).write_bytes((source / name).read_bytes())
        write_data_template(
            tmp / "framework.yaml", tmp / "units.csv", tmp / "data_template.xlsx", years
        )
        if directory.exists():
            directory.rmdir()
        tmp.rename(directory)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return [directory / n for n in (*TEMPLATE_FILES, "data_template.xlsx")]
