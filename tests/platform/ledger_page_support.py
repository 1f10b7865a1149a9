"""Helpers of the ledger page tests: an instance assessment reading the example's SIMULATED
data, so that the ledger has indicator evidence (derived status, mismatch flags, charts)."""

from __future__ import annotations

from platform_support import GUIZHOU

from kaifang.platform.instance import Platform

FILES = (
    "framework.yaml",
    "units.csv",
    "data/indicators_SIMULATED.csv",
    "geo/guizhou_prefectures_simplified.geojson",
)


def write_example_assessment(platform: Platform) -> None:
    """The example's assessment.yaml in the instance folder, its input files named by their
    absolute paths (the demo writes one reading the published data instead)."""
    text = (GUIZHOU / "assessment.yaml").read_text(encoding="utf-8")
    for name in FILES:
        line = f": {name}\n"
        assert line in text, f"the example's assessment.yaml names no {name}"
        text = text.replace(line, f": {GUIZHOU / name}\n", 1)
    (platform.folder / "assessment.yaml").write_text(text, encoding="utf-8")
