"""The market map: partner codes matched to the shipped world map, the market table (share and
growth by hand), the SVG (escaped names, unmatched partners listed) and hostile geometry files."""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from kaifang.errors import InputError
from kaifang.report.countries import (
    countries,
    load_world_map,
    match_partners,
    shape_codes,
    to_iso3,
)
from kaifang.report.market_map import market_table, quantile_breaks, world_map_svg
from kaifang.report.trade_page import render_trade_page
from kaifang.trade.results import TradeResults

HOSTILE = "<script>alert(1)</script>"


@pytest.mark.parametrize(
    ("code", "iso3"),
    [
        ("usa", "USA"),
        (" US ", "USA"),
        ("842", "USA"),  # UN Comtrade's USA incl. Puerto Rico
        ("840", "USA"),
        ("40", "AUT"),  # a numeric code that lost its leading zero
        ("040", "AUT"),
        ("ROM", "ROU"),
        ("490", "TWN"),
        ("S19", "TWN"),
        ("hkg", "HKG"),
        ("XYZ", None),
        ("", None),
        (HOSTILE, None),
    ],
)
def test_partner_codes_to_iso3(code: str, iso3: str | None) -> None:
    assert to_iso3(code) == iso3


def test_shipped_map_has_the_big_markets_and_dots_for_small_ones() -> None:
    geo = load_world_map()
    shapes = shape_codes(geo)
    assert {"CHN", "USA", "DEU", "JPN", "KOR", "VNM", "NLD", "BRA", "ZAF"} <= shapes
    assert "ATA" not in shapes and len(shapes) > 170
    match = match_partners(["sgp", "hkg", "usa", "ant", "zzz"], shapes)
    assert match.iso3 == {"sgp": "SGP", "hkg": "HKG", "usa": "USA"}
    assert match.dotted == ["sgp", "hkg"]
    assert match.unmatched == {"ant": "unknown", "zzz": "unknown"}
    assert countries()["HKG"].name("zh") == "中国香港"


def test_a_country_without_shape_or_dot_is_unmatched_not_dropped() -> None:
    # Antarctica is a country of the table, left out of the map, with no dot
    match = match_partners(["ATA", "usa", "XKX"], shape_codes(load_world_map()))
    assert match.unmatched == {"ATA": "no_shape"}
    assert match.iso3 == {"usa": "USA", "XKX": "XKK"}  # Kosovo under the World Bank's code


def test_market_table_shares_and_growth_by_hand() -> None:
    shares = pd.DataFrame(
        {
            "year": [2023, 2023, 2024, 2024, 2024],
            "location": ["gz"] * 5,
            "partner": ["usa", "jpn", "usa", "jpn", "vnm"],
            "value": [100.0, 50.0, 120.0, 40.0, 40.0],
            "share": [2 / 3, 1 / 3, 0.6, 0.2, 0.2],
        }
    )
    table = market_table(shares, "gz", 2024)
    assert table["partner"].tolist() == ["usa", "jpn", "vnm"]  # by value, ties by code
    np.testing.assert_allclose(table["growth"].to_numpy()[:2], [0.2, -0.2])
    assert np.isnan(table["growth"].iloc[2])  # a new market has no growth rate
    np.testing.assert_allclose(table["share"], [0.6, 0.2, 0.2])


def test_quantile_breaks_by_hand() -> None:
    values = [1.0, 2.0, 3.0, 4.0, 5.0, 6.0]
    assert quantile_breaks(np.array(values)) == values  # quantiles 0, 0.2, ..., 1 of 6 points
    np.testing.assert_allclose(quantile_breaks(np.array([0.0, 10.0])), [0, 2, 4, 6, 8, 10])


@given(
    st.lists(
        st.one_of(st.sampled_from(sorted(countries())), st.text(max_size=6)),
        min_size=1,
        max_size=30,
    )
)
def test_every_partner_is_drawn_or_listed(codes: list[str]) -> None:
    geo = load_world_map()
    values = {c: float(i) for i, c in enumerate(codes)}
    result = world_map_svg(geo, values, {}, "share", "none", str)
    assert set(result.drawn) | set(result.unmatched) == set(values)
    assert not set(result.drawn) & set(result.unmatched)


def test_svg_escapes_names_and_has_a_title_per_market() -> None:
    geo = load_world_map()
    result = world_map_svg(
        geo, {"usa": 60.0, "sgp": 40.0}, {"usa": HOSTILE, "sgp": "S&P"}, "Share", "none", str
    )
    assert HOSTILE not in result.svg and "&lt;script&gt;" in result.svg
    assert "S&amp;P" in result.svg
    assert len(re.findall(r'class="market[" ]', result.svg)) == 2  # a shape and a dot
    assert "<script" not in result.svg


def _results(partners: list[str]) -> TradeResults:
    empty = pd.DataFrame(columns=["location", "year", "diversity", "eci", "coi"])
    n = len(partners)
    return TradeResults(
        locations=empty,
        products=pd.DataFrame(columns=["product", "year", "ubiquity", "pci"]),
        location_product=pd.DataFrame(
            {"location": ["gz"], "product": ["0101"], "year": [2024], "value": [1.0], "m": [1.0]}
        ),
        concentration=pd.DataFrame(),
        record={"config": {"names": {"usa": {"en": HOSTILE, "zh": HOSTILE}}}},
        partner_shares=pd.DataFrame(
            {
                "year": [2024] * n,
                "location": ["gz"] * n,
                "partner": partners,
                "value": [float(n - i) for i in range(n)],
                "share": [(n - i) / (n * (n + 1) / 2) for i in range(n)],
            }
        ),
    )


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_report_page_market_map_escapes_hostile_partners_and_lists_unmatched(lang: str) -> None:
    page = render_trade_page(_results(["usa", "deu", HOSTILE, "a&b"]), lang)
    assert "<script>alert" not in page
    assert page.count("&lt;script&gt;alert(1)&lt;/script&gt;") >= 3  # treemap, map, table
    unmatched = re.search(r"data-testid='map-unmatched'>([^<]*)<", page)
    assert unmatched is not None
    assert "&lt;script&gt;" in unmatched.group(1) and "a&amp;b" in unmatched.group(1)
    assert "审图号" in page
    assert ("出口市场地图" if lang == "zh" else "Map of export markets") in page
    if lang == "zh":
        assert "德国" in page


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "world.geojson"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("not json", "is not GeoJSON"),
        ("[1, 2]", "no 'features' list"),
        (json.dumps({"features": [{"properties": {"name": "x"}}]}), "feature 1 has no text"),
        (json.dumps({"features": [{"properties": {"iso3": 5}}]}), "feature 1 has no text"),
    ],
)
def test_a_bad_world_map_is_a_clear_error(tmp_path: Path, text: str, says: str) -> None:
    with pytest.raises(InputError, match=says) as info:
        load_world_map(_write(tmp_path, text))
    assert "world.geojson" in str(info.value)


def test_a_folder_or_fifo_is_refused_as_a_world_map(tmp_path: Path) -> None:
    with pytest.raises(InputError):
        load_world_map(tmp_path)
    fifo = tmp_path / "fifo"
    import os

    os.mkfifo(fifo)
    with pytest.raises(InputError):
        load_world_map(fifo)


def test_an_approved_map_can_replace_the_shipped_one(tmp_path: Path) -> None:
    square = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {"iso3": "CHN"},
                "geometry": {
                    "type": "Polygon",
                    "coordinates": [[[100, 20], [120, 20], [120, 40], [100, 40], [100, 20]]],
                },
            }
        ],
    }
    geo = load_world_map(_write(tmp_path, json.dumps(square)))
    result = world_map_svg(geo, {"chn": 1.0, "usa": 2.0}, {}, "x", "none", str)
    assert result.drawn == ["chn"] and result.unmatched == {"usa": "no_shape"}


GUIZHOU_STRUCTURE = Path(__file__).resolve().parents[2] / "examples/guizhou_trade/structure.yaml"


def test_trade_cli_draws_the_market_map_on_the_map_given(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from kaifang.cli import app

    runner = CliRunner()
    square = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {"iso3": "NLD"},
                "geometry": {
                    "type": "Polygon",
                    "coordinates": [[[3, 50], [7, 50], [7, 54], [3, 54], [3, 50]]],
                },
            }
        ],
    }
    geo = _write(tmp_path, json.dumps(square))
    out = tmp_path / "out"
    args = ["trade", str(GUIZHOU_STRUCTURE), "-o", str(out), "--lang", "en"]
    result = runner.invoke(app, [*args, "--world-map", str(geo)])
    assert result.exit_code == 0, result.output
    page = (out / "report.html").read_text(encoding="utf-8")
    # one market map per flow (exports, imports), each on the map given
    assert page.count('class="market"') == 2 and 'data-iso3="NLD"' in page
    # the simulated partners other than the Netherlands are listed, none dropped
    unmatched = re.search(r"data-testid='map-unmatched'>([^<]*)<", page)
    assert unmatched is not None and "United States" in unmatched.group(1)

    bad = runner.invoke(app, [*args, "--world-map", str(tmp_path / "none.geojson")])
    assert bad.exit_code == 1 and "none.geojson" in bad.output
    assert "Traceback" not in bad.output
