"""Ratio indicators are shown as ratios: the report's value of an indicator with a denominator is
its denominated stage value times ``display_scale``, in its display unit, with the raw numerator
on a line of its own."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

import pandas as pd
import pytest

from kaifang.framework import build_framework
from kaifang.report.data import from_folder
from kaifang.report.html import fmt_value, render_html


class Cells(HTMLParser):
    """The text of every indicator-table cell, by its ``data-cell`` key (indicator|unit)."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.cells: dict[str, str] = {}
        self._key: str | None = None
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        key = dict(attrs).get("data-cell")
        if tag == "td" and key:
            self._key = key
            self.cells[key] = ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "td":
            self._key = None

    def handle_data(self, data: str) -> None:
        if self._key is not None:
            self.cells[self._key] += data


@pytest.mark.parametrize("example", ["guizhou_out", "china_out"])
def test_every_ratio_shows_its_denominated_value(
    example: str, request: pytest.FixtureRequest
) -> None:
    folder: Path = request.getfixturevalue(example)
    data = from_folder(folder)
    fw = data.framework
    year = data.years[-1]
    html = render_html(data, "zh", embed_font=False)
    cells = Cells(html).cells
    den = pd.read_csv(folder / "stages" / "denominated.csv", dtype={"unit": str})
    raw = pd.read_csv(folder / "stages" / "raw.csv", dtype={"unit": str})
    ratios = [i for i in fw.indicators if fw[i].node.denominator is not None]
    assert ratios, "the example has ratio indicators"
    checked = 0
    for ind in ratios:
        scale = fw.display_scale(ind)
        assert fw[ind].node.display_unit is not None, f"{ind} has no display_unit"
        rows = den[(den["indicator"] == ind) & (den["year"] == year)]
        raws = raw[(raw["indicator"] == ind) & (raw["year"] == year)].set_index("unit")
        for unit, value in zip(rows["unit"], rows["value"], strict=True):
            assert cells[f"{ind}|{unit}"] == fmt_value(float(value) * scale), (ind, unit)
            assert cells[f"{ind}:numerator|{unit}"] == fmt_value(float(raws.loc[unit, "value"]))
            checked += 1
        # the display unit is in the row head, not the raw numerator's unit
        assert f"({fw.display_unit(ind, 'zh')})" in html
    assert checked >= len(ratios) * 9


def test_guizhou_fdi_ratio_is_not_the_raw_amount(guizhou_out: Path) -> None:
    cells = Cells(render_html(from_folder(guizhou_out), "zh", embed_font=False)).cells
    den = pd.read_csv(guizhou_out / "stages" / "denominated.csv", dtype={"unit": str})
    raw = pd.read_csv(guizhou_out / "stages" / "raw.csv", dtype={"unit": str})

    def one(t: pd.DataFrame) -> float:
        pick = (t["indicator"] == "fdi_actual") & (t["year"] == 2024) & (t["unit"] == "520100")
        return float(t[pick]["value"].iloc[0])

    ratio, amount = one(den), one(raw)
    assert cells["fdi_actual|520100"] == fmt_value(ratio)
    assert cells["fdi_actual:numerator|520100"] == fmt_value(amount)
    assert amount > 100 * ratio  # the two are far apart, so a swap could not pass


def _fw(extra: dict[str, object]) -> dict[str, object]:
    leaf = {"id": "a", "name": {"en": "A", "zh": "甲"}, "unit": "km", "direction": 1, **extra}
    return {
        "id": "root",
        "name": {"en": "R", "zh": "总"},
        "auxiliary": [{"id": "area", "name": {"en": "Area", "zh": "面积"}, "unit": "km2"}],
        "children": [leaf],
    }


def test_display_unit_and_zh_units() -> None:
    fw = build_framework(
        _fw(
            {
                "denominator": "area",
                "display_unit": {"zh": "公里/百平方公里", "en": "km per 100 km2"},
                "display_scale": 100,
            }
        ),
        "f.yaml",
    )
    assert fw.display_unit("a", "zh") == "公里/百平方公里"
    assert fw.display_scale("a") == 100
    assert fw.unit("a", "zh") == "公里" and fw.unit("area", "zh") == "平方公里"
    plain = build_framework(_fw({"denominator": "area"}), "f.yaml")
    assert plain.display_unit("a", "zh") == "公里/平方公里"
    assert plain.display_unit("a", "en") == "km per km2 of Area"
    both = build_framework(_fw({"unit": {"zh": "家", "en": "firms"}}), "f.yaml")
    assert both.unit("a", "zh") == "家" and both.unit("a", "en") == "firms"
    # the zh unit survives the framework.json round trip of a results folder
    again = build_framework(both.root.model_dump(mode="json"), "framework.json")
    assert again.unit("a", "zh") == "家"


def test_display_fields_need_a_denominator() -> None:
    from kaifang.errors import InputError

    with pytest.raises(InputError, match="display_unit and display_scale describe a ratio"):
        build_framework(_fw({"display_scale": 100}), "f.yaml")
    with pytest.raises(InputError, match="display_scale"):
        build_framework(_fw({"denominator": "area", "display_scale": 0}), "f.yaml")


def test_schema_documents_display_fields() -> None:
    from kaifang.framework import FrameworkFile

    schema = FrameworkFile.model_json_schema()
    node = schema["$defs"]["Node"]["properties"]
    assert {"display_unit", "display_scale", "unit_zh"} <= set(node)
    assert any(s.get("type") == "object" for s in node["unit"]["anyOf"])


def test_without_a_denominate_step_the_raw_value_keeps_its_raw_unit(guizhou_out: Path) -> None:
    from dataclasses import replace

    data = replace(from_folder(guizhou_out), denominated=None)
    html = render_html(data, "zh", embed_font=False)
    cells = Cells(html).cells
    raw = pd.read_csv(guizhou_out / "stages" / "raw.csv", dtype={"unit": str})
    pick = (raw["indicator"] == "fdi_actual") & (raw["year"] == 2024) & (raw["unit"] == "520100")
    assert cells["fdi_actual|520100"] == fmt_value(float(raw[pick]["value"].iloc[0]))
    assert "fdi_actual:numerator|520100" not in cells
    assert '实际使用外资金额与地区生产总值之比 <span class="iu">(万美元)</span>' in html
