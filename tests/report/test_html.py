"""report.html: self-contained, SIMULATED where it must be, map, ranking, profiles, methods."""

from __future__ import annotations

import base64
import datetime as dt
import io
import re
import typing
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from kaifang.assessment import config as cfg
from kaifang.assessment.results import Results
from kaifang.report import charts
from kaifang.report.analyses import read_analyses
from kaifang.report.data import from_folder, from_results
from kaifang.report.geomap import label_point, short_name
from kaifang.report.glossary import METHOD_VALUES, PARAMETERS, STEPS
from kaifang.report.html import fmt_value, render_html

DAY = dt.date(2025, 1, 2)


class Page(HTMLParser):
    """Every element with its attributes, the visible text, and the open-element stack."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.elements: list[tuple[str, dict[str, str]]] = []
        self.text: list[str] = []
        self._skip = 0
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, {k: v or "" for k, v in attrs}))
        if tag in ("style", "script"):
            self._skip += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in ("style", "script"):
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.text.append(data)

    def find(self, tag: str, **attrs: str) -> list[dict[str, str]]:
        return [
            a
            for t, a in self.elements
            if t == tag and all(a.get(k.rstrip("_")) == v for k, v in attrs.items())
        ]


def latest(scores_csv: Path, node: str) -> pd.DataFrame:
    s = pd.read_csv(scores_csv, dtype={"unit": str})
    s = s[s["node"] == node]
    return s[s["year"] == s["year"].max()]


@pytest.fixture(scope="module")
def gz_html(guizhou_out: Path) -> str:
    return (guizhou_out / "report.html").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def cn_html(china_out: Path) -> str:
    return (china_out / "report.html").read_text(encoding="utf-8")


def test_no_external_resource(gz_html: str, cn_html: str) -> None:
    for html in (gz_html, cn_html):
        page = Page(html)
        for tag, attrs in page.elements:
            for key in ("src", "href", "xlink:href", "data", "srcset", "action"):
                value = attrs.get(key, "")
                assert not re.match(r"\s*(https?:)?//", value), (tag, key, value)
            assert tag not in ("script", "link", "iframe", "img", "object"), tag
        # CSS may only point at inline data
        for url in re.findall(r"url\(([^)]*)\)", html):
            assert url.strip("'\"").startswith("data:"), url[:40]
        assert "@import" not in html


def test_simulated_banner_only_for_simulated_data(gz_html: str, cn_html: str) -> None:
    assert Page(gz_html).find("div", id="simulated")
    assert "模拟数据" in "".join(Page(gz_html).text)
    assert not Page(cn_html).find("div", id="simulated")
    assert "模拟数据" not in cn_html


def test_guizhou_map_has_nine_units_coloured_by_score(gz_html: str, guizhou_out: Path) -> None:
    page = Page(gz_html)
    paths = page.find("path", class_="unit")
    assert len(paths) == 9
    top = latest(guizhou_out / "scores.csv", "open_economy")
    assert {p["data-unit"] for p in paths} == set(top["unit"])
    by_score = sorted(paths, key=lambda p: float(p["data-score"]))
    classes = [charts.YLGNBU_5.index(p["fill"]) for p in by_score]
    # equal-width classes from the lowest to the highest score: the lowest unit is in the
    # lightest class, the highest in the darkest, and colours never get lighter as scores rise
    assert classes[0] == 0 and classes[-1] == 4
    assert classes == sorted(classes)
    lo, hi = top["score"].min(), top["score"].max()
    for p in paths:
        v = float(p["data-score"])
        assert p["fill"] == charts.YLGNBU_5[min(int((v - lo) / (hi - lo) * 5), 4)]


def test_china_map_draws_31_provinces_and_greys_the_rest(cn_html: str) -> None:
    page = Page(cn_html)
    assert len(page.find("path", class_="unit")) == 31
    others = {p["data-unit"] for p in page.find("path", class_="other")}
    assert others == {"710000", "810000", "820000"}  # Taiwan, Hong Kong, Macau: no data


def test_ranking_lists_units_in_rank_order(gz_html: str, guizhou_out: Path) -> None:
    page = Page(gz_html)
    rows = [a["data-unit"] for t, a in page.elements if t == "tr" and "data-unit" in a]
    top = latest(guizhou_out / "scores.csv", "open_economy").sort_values("rank")
    assert rows == top["unit"].tolist()
    assert len(rows) == 9
    text = "".join(page.text)
    assert "黔东南苗族侗族自治州" in text and "贵阳市" in text


def test_rank_change_since_previous_year(cn_html: str, china_out: Path) -> None:
    s = pd.read_csv(china_out / "scores.csv", dtype={"unit": str})
    s = s[s["node"] == "open_economy"]
    r24 = s[s["year"] == 2024].set_index("unit")["rank"]
    r23 = s[s["year"] == 2023].set_index("unit")["rank"]
    change = (r23 - r24).sort_values()
    riser = change.index[-1]  # the province that climbed most
    m = re.search(
        rf'<tr data-unit="{riser}">.*?<span class="up">▲(\d+)</span>', cn_html, flags=re.S
    )
    assert m is not None and int(m.group(1)) == int(change.iloc[-1])
    faller = change.index[0]
    m = re.search(
        rf'<tr data-unit="{faller}">.*?<span class="down">▼(\d+)</span>', cn_html, flags=re.S
    )
    assert m is not None and int(m.group(1)) == -int(change.iloc[0])


def test_profiles_and_methods(gz_html: str, guizhou_out: Path) -> None:
    page = Page(gz_html)
    assert len(page.find("article", class_="profile")) == 9
    assert len(page.find("svg", class_="trend")) == 9
    import json

    record = json.loads((guizhou_out / "run.json").read_text(encoding="utf-8"))
    cells = re.findall(r'<td class="param"><code>([^<]+)</code></td>', gz_html)
    for step in record["steps"]:
        for name in step["parameters"]:
            assert name in cells, (step["step"], name)
    assert "熵权法" not in gz_html or "entropy" in gz_html
    assert "加权算术平均" in gz_html  # meaning of aggregate: arithmetic


def test_cjk_font_subset_covers_the_page(gz_html: str) -> None:
    from fontTools.ttLib import TTFont

    m = re.search(r"url\(data:font/woff;base64,([A-Za-z0-9+/=]+)\)", gz_html)
    assert m, "no embedded font: install Debian's fonts-noto-cjk"
    font = TTFont(io.BytesIO(base64.b64decode(m.group(1))))
    cmap = font.getBestCmap()
    text = "".join(Page(gz_html).text)
    cjk = {c for c in text if "\u4e00" <= c <= "\u9fff"}
    assert len(cjk) > 100
    assert cjk <= set(map(chr, cmap)), sorted(cjk - set(map(chr, cmap)))[:10]
    assert len(cmap) < 2000  # a subset, not the 65,000 glyphs of the font


def test_english_labels(guizhou_results: Results) -> None:
    html = render_html(from_results(guizhou_results), "en", embed_font=False, today=DAY)
    page = Page(html)
    assert page.find("html", lang="en")
    text = "".join(page.text)
    assert "Ranking" in text and "Guiyang" in text and "Qiandongnan" in text
    assert "SIMULATED DATA" in text


def test_no_map_section_for_asem(asem_out: Path) -> None:
    html = (asem_out / "report.html").read_text(encoding="utf-8")
    page = Page(html)
    assert not page.find("svg", class_="map")
    assert page.find("p", id="no-map")
    assert len(page.find("article", class_="profile")) == 51
    assert not page.find("svg", class_="trend")  # one year: no trend to draw


def test_folder_rebuild_gives_the_same_page(guizhou_results: Results, guizhou_out: Path) -> None:
    # the folder alone (CSV, run.json, framework.json, map.geojson) must carry everything
    # (the analyses are read back from the folder in both: assess renders what it saved)
    analyses = read_analyses(guizhou_out)
    assert not analyses.empty
    a = render_html(from_results(guizhou_results, analyses), "zh", embed_font=False, today=DAY)
    b = render_html(from_folder(guizhou_out), "zh", embed_font=False, today=DAY)
    assert a == b


def test_every_step_parameter_has_a_meaning() -> None:
    models = {
        "denominate": cfg.DenominateStep,
        "impute": cfg.ImputeStep,
        "treat": cfg.TreatStep,
        "normalise": cfg.NormaliseStep,
        "weight": cfg.WeightStep,
        "aggregate": cfg.AggregateStep,
    }
    assert set(models) == set(STEPS) == set(PARAMETERS)
    for step, model in models.items():
        assert set(model.model_fields) == set(PARAMETERS[step]), step
        for text in PARAMETERS[step].values():
            assert text["zh"] and text["en"]
        for field in model.model_fields.values():
            for arg in _literals(field.annotation):
                assert arg in METHOD_VALUES, (step, arg)


def _literals(annotation: object) -> set[str]:
    out: set[str] = set()
    if typing.get_origin(annotation) is typing.Literal:
        out |= {a for a in typing.get_args(annotation) if isinstance(a, str)}
    for arg in typing.get_args(annotation):
        out |= _literals(arg)
    return out


def test_short_names() -> None:
    assert short_name("黔西南布依族苗族自治州") == "黔西南州"
    assert short_name("黔东南苗族侗族自治州") == "黔东南州"
    assert short_name("广西壮族自治区") == "广西"
    assert short_name("内蒙古自治区") == "内蒙古"
    assert short_name("贵阳市") == "贵阳"
    assert short_name("香港特别行政区") == "香港"
    assert short_name("Guiyang") == "Guiyang"


def test_classes_and_colours() -> None:
    # breaks of [10, 60] in 5: 10, 20, 30, 40, 50, 60
    breaks = charts.classes(10.0, 60.0)
    assert breaks == [10.0, 20.0, 30.0, 40.0, 50.0, 60.0]
    assert [charts.class_of(v, breaks) for v in (10, 19.9, 20, 45, 59.9, 60)] == [0, 0, 1, 3, 4, 4]
    assert charts.ramp(0.0) == charts.YLGNBU_9[0] and charts.ramp(1.0) == charts.YLGNBU_9[-1]
    assert charts.ramp(float("nan")) == charts.NO_DATA
    assert fmt_value(1234567.0) == "1,234,567" and fmt_value(12.345) == "12.35"


@given(st.floats(0, 1))
def test_ramp_is_a_colour(t: float) -> None:
    assert re.fullmatch(r"#[0-9a-f]{6}", charts.ramp(t))


def test_label_point_avoids_holes() -> None:
    # a 10 x 10 square with a 6 x 6 hole in the middle: the centroid (5, 5) is in the hole;
    # the label point lies in the 2-wide frame. The roomiest spot of the frame is in a corner,
    # on the diagonal at (a, a) with a = (2 - a) * sqrt(2) (equally far from the outer edges
    # and the hole's corner): a = 2 sqrt(2) / (1 + sqrt(2)) = 1.1716
    outer = [(0.0, 0.0), (10.0, 0.0), (10.0, 10.0), (0.0, 10.0)]
    hole = [(2.0, 2.0), (8.0, 2.0), (8.0, 8.0), (2.0, 8.0)]
    x, y, room = label_point([outer, hole])
    in_hole = 2 < x < 8 and 2 < y < 8
    assert 0 < x < 10 and 0 < y < 10 and not in_hole
    assert 0.9 < room <= 2 * 2**0.5 / (1 + 2**0.5) + 1e-9
    assert short_name("新疆维吾尔自治区") == "新疆"
