"""The dashboard's trade pages through FastAPI's TestClient: every page in zh and en on the
Guizhou trade example (SIMULATED) and the world example, a results folder read back, unmatched
and hostile partners, the downloads, and ``kaifang serve --trade``."""

from __future__ import annotations

import re
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from kaifang.cli import app as cli_app
from kaifang.report.countries import load_world_map
from kaifang.trade.pipeline import run_trade
from kaifang.trade.results import TradeResults
from kaifang.trade.writers import write_trade_results
from kaifang.web import Dashboard, create_app
from kaifang.web.trade_data import TradeSource, TradeView

REPO = Path(__file__).resolve().parents[2]
TINY = REPO / "tests" / "fixtures" / "tiny" / "assessment.yaml"
GUIZHOU_TRADE = REPO / "examples" / "guizhou_trade"
WORLD_TRADE = REPO / "examples" / "trade_world" / "trade.yaml"
LOCAL = "http://127.0.0.1"  # the dashboard answers local host names only
PAGES = ("/trade", "/trade/space", "/trade/opportunities", "/trade/markets")
HOSTILE = "<script>alert(1)</script>"
FORMULA = "=HYPERLINK(1)"


def _client(view: TradeView | None) -> TestClient:
    dash = Dashboard.open(TINY)
    dash.trade = view
    return TestClient(create_app(dash), base_url=LOCAL)


@pytest.fixture(scope="module")
def guizhou_results() -> tuple[TradeResults, TradeResults]:
    return run_trade(GUIZHOU_TRADE / "trade.yaml"), run_trade(GUIZHOU_TRADE / "structure.yaml")


@pytest.fixture(scope="module")
def guizhou(guizhou_results: tuple[TradeResults, TradeResults]) -> Iterator[TestClient]:
    complexity, structure = guizhou_results
    view = TradeView(
        [
            TradeSource(GUIZHOU_TRADE / "trade.yaml", "config", complexity),
            TradeSource(GUIZHOU_TRADE / "structure.yaml", "config", structure),
        ],
        load_world_map(),
    )
    with _client(view) as c:
        yield c


@pytest.fixture(scope="module")
def world() -> Iterator[TestClient]:
    with _client(TradeView.open([WORLD_TRADE])) as c:
        yield c


def _visible_text(html: str) -> str:
    """The page's text as a reader sees it (no scripts, no tags, entities decoded)."""
    import html as html_lib

    body = re.sub(r"<script\b.*?</script>", " ", html, flags=re.S)
    return html_lib.unescape(re.sub(r"<[^>]+>", " ", body))


@pytest.mark.parametrize("path", PAGES)
def test_guizhou_pages_zh_have_no_internal_ids(guizhou: TestClient, path: str) -> None:
    r = guizhou.get(f"{path}?lang=zh")
    assert r.status_code == 200
    text = _visible_text(r.text)
    assert "模拟数据" in text and "贸易结构与经济复杂度" in text and "贵州" in text
    assert "guizhou" not in text  # codes are named, never shown as ids
    assert "<table" in r.text and 'class="chart' in r.text
    assert "download-trade-" in r.text


@pytest.mark.parametrize("path", PAGES)
def test_guizhou_pages_en(guizhou: TestClient, path: str) -> None:
    r = guizhou.get(f"{path}?lang=en")
    assert r.status_code == 200
    text = _visible_text(r.text)
    assert "SIMULATED" in text and "Guizhou" in text
    assert "模拟数据" not in text


def test_guizhou_overview_numbers_match_the_results(
    guizhou: TestClient, guizhou_results: tuple[TradeResults, TradeResults]
) -> None:
    complexity, structure = guizhou_results
    page = guizhou.get("/trade?lang=en").text
    assert complexity.regions is not None and structure.margins is not None
    eci_2024 = complexity.regions.set_index("year").loc[2024, "eci"]
    assert f"{eci_2024:.3f}" in page  # the region's ECI path, subnational
    assert "Subnational ECI" in page
    total_2024 = structure.margins.set_index("year").loc[2024, "total"]
    assert f"{total_2024:,.0f}" in page


def test_guizhou_markets_table_map_and_summary(
    guizhou: TestClient, guizhou_results: tuple[TradeResults, TradeResults]
) -> None:
    _, structure = guizhou_results
    page = guizhou.get("/trade/markets?lang=zh&year=2023").text
    assert "贵州的出口市场（2023年）" in page
    assert 'data-testid="market-map"' in page and "审图号" in page
    assert 'data-testid="map-unmatched"' not in page  # every simulated partner is a country
    assert structure.partners is not None
    exports = structure.partners[structure.partners["flow"] == "export"]
    hhi = exports.set_index("year").loc[2023, "partner_hhi"]
    assert f"{hhi:.4f}" in page
    assert structure.partner_shares is not None
    shares = structure.partner_shares[structure.partner_shares["flow"] == "export"]
    rows = re.findall(r'<tr data-partner="([^"]+)">', page)
    expected = shares[shares["year"] == 2023].sort_values("value", ascending=False)["partner"]
    assert rows == expected.tolist()


def test_world_map_geometry_is_served(guizhou: TestClient) -> None:
    geo = guizhou.get("/api/trade/world").json()
    assert geo["type"] == "FeatureCollection" and len(geo["features"]) > 170
    assert {"iso3", "name_en", "name_zh"} <= set(geo["features"][0]["properties"])


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("path", PAGES)
def test_world_pages(world: TestClient, path: str, lang: str) -> None:
    r = world.get(f"{path}?lang={lang}")
    assert r.status_code == 200
    text = _visible_text(r.text)
    assert ("日本" if lang == "zh" else "Japan") in text  # the top ECI, named
    if path == "/trade/markets":
        assert ("没有按贸易伙伴汇总的出口" if lang == "zh" else "no exports by partner") in text


def test_world_overview_ranks_and_maps_countries(world: TestClient) -> None:
    page = world.get("/trade?lang=en").text
    ranks = re.findall(r"<tr><td>(\d+)</td><td>([^<]+)</td>", page)
    assert ranks[:3] == [("1", "Japan"), ("2", "United Kingdom"), ("3", "Germany")]
    # Netherlands Antilles and Serbia and Montenegro have no shape today: listed, not dropped
    unmatched = re.search(r'data-testid="map-unmatched">([^<]*)<', page)
    assert unmatched is not None and "ant" in unmatched.group(1) and "scg" in unmatched.group(1)


def test_unknown_location_or_year_is_404(guizhou: TestClient) -> None:
    assert guizhou.get("/trade?location=nowhere").status_code == 404
    assert guizhou.get("/trade/markets?year=1990").status_code == 404
    assert guizhou.get("/download/trade-markets.csv?year=abc").status_code == 404


def test_without_trade_results_the_pages_say_how_to_load_them() -> None:
    with _client(None) as c:
        for path in PAGES:
            r = c.get(f"{path}?lang=zh")
            assert r.status_code == 200 and "--trade" in r.text
            assert 'data-testid="trade-unavailable"' in r.text
        assert c.get("/api/trade/world").status_code == 404
        assert c.get("/download/trade-eci.csv").status_code == 404


def _hostile_view() -> TradeView:
    partners = ["usa", "sgp", HOSTILE, FORMULA, "zzz"]
    n = len(partners)
    shares = pd.DataFrame(
        {
            "year": [2024] * n,
            "location": ["gz"] * n,
            "partner": partners,
            "value": [50.0, 20.0, 15.0, 10.0, 5.0],
            "share": [0.5, 0.2, 0.15, 0.1, 0.05],
        }
    )
    results = TradeResults(
        locations=pd.DataFrame(columns=["location", "year", "diversity", "eci", "coi"]),
        products=pd.DataFrame(columns=["product", "year", "ubiquity", "pci"]),
        location_product=pd.DataFrame(columns=["location", "product", "year", "value", "m"]),
        concentration=pd.DataFrame(),
        record={"config": {"names": {"usa": {"en": f"US {HOSTILE}", "zh": f"美国{HOSTILE}"}}}},
        partner_shares=shares,
    )
    return TradeView([TradeSource(Path("hostile"), "config", results)], load_world_map())


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_hostile_partners_escaped_and_unmatched_listed(lang: str) -> None:
    with _client(_hostile_view()) as c:
        page = c.get(f"/trade/markets?lang={lang}").text
    assert HOSTILE not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    unmatched = re.search(r'data-testid="map-unmatched">(.*?)</p>', page, flags=re.S)
    assert unmatched is not None
    listed = re.findall(r'data-code="([^"]*)"', unmatched.group(1))
    assert sorted(listed) == sorted(["&lt;script&gt;alert(1)&lt;/script&gt;", FORMULA, "zzz"])
    assert ("无法识别的代码" if lang == "zh" else "unknown code") in unmatched.group(1)
    # Singapore is too small for the map: drawn as a dot, so not unmatched
    assert 'data-code="sgp"' not in page


def test_download_is_formula_escaped() -> None:
    with _client(_hostile_view()) as c:
        r = c.get("/download/trade-markets.csv?lang=en")
        assert r.status_code == 200
        disposition = r.headers["content-disposition"]
        assert disposition == 'attachment; filename="trade-markets-gz-2024.csv"'
        text = r.content.decode("utf-8-sig")
        assert "'=HYPERLINK(1)" in text and "\n=HYPERLINK" not in text
        assert c.get("/download/trade-markets.xlsx?lang=zh").status_code == 200


def test_downloads_of_every_trade_table(guizhou: TestClient) -> None:
    for table in ("eci", "margins", "concentration", "space", "opportunities", "markets"):
        r = guizhou.get(f"/download/trade-{table}.csv?lang=zh&location=guizhou")
        assert r.status_code == 200, table
        lines = r.content.decode("utf-8-sig").splitlines()
        assert len(lines) > 2 and "guizhou" not in lines[0]


def test_a_results_folder_gives_the_same_pages_as_the_config(
    tmp_path: Path, guizhou_results: tuple[TradeResults, TradeResults]
) -> None:
    complexity, structure = guizhou_results
    write_trade_results(complexity, tmp_path / "complexity")
    write_trade_results(structure, tmp_path / "structure")
    view = TradeView.open([tmp_path / "complexity", tmp_path / "structure"])
    assert view.simulated
    # the folder holds no proximity: recomputed from the latest year's Mcp, it equals the
    # pipeline's on the products with a PCI
    year = max(complexity.proximity)
    folder = next(iter(view.sources[0].results.proximity.values()))
    kept = list(folder.index)
    np.testing.assert_allclose(
        folder.to_numpy(), np.nan_to_num(complexity.proximity[year].loc[kept, kept].to_numpy())
    )
    with _client(view) as c, _client(TradeView.open([GUIZHOU_TRADE / "trade.yaml"])) as live:
        for path in ("/trade/opportunities", "/trade/space"):
            ours = re.findall(r"<tr><td>[^<]*</td>.*?</tr>", c.get(f"{path}?lang=en").text)
            theirs = re.findall(r"<tr><td>[^<]*</td>.*?</tr>", live.get(f"{path}?lang=en").text)
            assert ours == theirs and ours


def test_a_folder_not_written_by_trade_is_refused(tmp_path: Path) -> None:
    from kaifang.errors import KaifangError

    with pytest.raises(KaifangError, match=r"run\.json is missing"):
        TradeView.open([tmp_path])
    (tmp_path / "run.json").write_text('{"verb": "assess"}', encoding="utf-8")
    with pytest.raises(KaifangError, match="not written by `kaifang trade`"):
        TradeView.open([tmp_path])


runner = CliRunner()


def test_serve_with_trade_pages(monkeypatch: pytest.MonkeyPatch) -> None:
    import uvicorn

    started: dict[str, Any] = {}

    def fake_run(server: uvicorn.Server, sockets: list[Any]) -> None:
        started.update(app=server.config.app)

    monkeypatch.setattr(uvicorn.Server, "run", fake_run)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    result = runner.invoke(
        cli_app,
        ["serve", str(TINY), "--port", str(port), "--trade", str(WORLD_TRADE), "--lang", "en"],
    )
    assert result.exit_code == 0, result.output
    with TestClient(started["app"], base_url=LOCAL) as client:
        assert "Japan" in client.get("/trade?lang=en").text


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["--trade", "nowhere.yaml"], "neither a trade config nor a results folder"),
        (["--trade", str(WORLD_TRADE), "--world-map", "nowhere.geojson"], "nowhere.geojson"),
    ],
)
def test_serve_with_bad_trade_input_exits_1(args: list[str], says: str) -> None:
    result = runner.invoke(cli_app, ["serve", str(TINY), *args, "--lang", "en"])
    assert result.exit_code == 1
    assert says in result.output and "Traceback" not in result.output


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_guizhou_import_markets_have_their_own_map_table_and_summary(
    guizhou: TestClient, guizhou_results: tuple[TradeResults, TradeResults], lang: str
) -> None:
    _, structure = guizhou_results
    page = guizhou.get(f"/trade/markets?lang={lang}&year=2023&flow=import").text
    title = "贵州的进口来源市场（2023年）" if lang == "zh" else "Import markets of Guizhou (2023)"
    assert title in page
    assert ("进口额" if lang == "zh" else "Imports") in _visible_text(page)
    if lang == "zh":  # the summary and the map note speak of imports
        assert "<dt>进口来源市场数</dt>" in page and "进口额或同比增长" in page
    assert 'data-testid="market-map"' in page and 'data-flow="import"' in page
    links = re.search(r'data-testid="market-flows">(.*?)</nav>', page, flags=re.S)
    assert links is not None
    assert re.search(r'flow=import" aria-current="page"', links.group(1))
    assert 'flow=export"' in links.group(1)  # the way back to the export markets
    assert structure.partners is not None and structure.partner_shares is not None
    imports = structure.partners[structure.partners["flow"] == "import"]
    hhi = imports.set_index("year").loc[2023, "partner_hhi"]
    assert f"{hhi:.4f}" in page
    shares = structure.partner_shares
    shares = shares[(shares["flow"] == "import") & (shares["year"] == 2023)]
    rows = re.findall(r'<tr data-partner="([^"]+)">', page)
    assert rows == shares.sort_values("value", ascending=False)["partner"].tolist()
    assert 'data-testid="no-import-markets"' not in page
    # the form keeps the flow when the location or the year changes (no script needed)
    assert '<input type="hidden" name="flow" value="import">' in page


def test_import_markets_download(guizhou: TestClient) -> None:
    r = guizhou.get("/download/trade-markets.csv?lang=zh&location=guizhou&flow=import")
    assert r.status_code == 200
    assert "trade-import-markets-guizhou-2024.csv" in r.headers["content-disposition"]
    lines = r.content.decode("utf-8-sig").splitlines()
    assert lines[0] == "代码,市场,进口额,占比,同比增长"
    assert guizhou.get("/download/trade-markets.csv?flow=sideways").status_code == 404
    assert guizhou.get("/trade/markets?flow=sideways").status_code == 422


def test_results_without_imports_show_export_markets_and_say_so() -> None:
    with _client(_hostile_view()) as c:
        for flow in ("", "&flow=import"):  # a flow the location lacks shows the one it has
            page = c.get(f"/trade/markets?lang=en{flow}").text
            assert 'data-testid="no-import-markets"' in page
            assert 'data-flow="export"' in page and "Export markets of" in page
            assert re.search(r'<span class="muted" data-flow="import">', page)


def test_overview_shows_import_market_concentration_beside_exports(
    guizhou: TestClient, guizhou_results: tuple[TradeResults, TradeResults]
) -> None:
    _, structure = guizhou_results
    assert structure.partners is not None
    imports = structure.partners[structure.partners["flow"] == "import"].set_index("year")
    page = guizhou.get("/trade?lang=zh&location=guizhou").text
    table = re.search(r'data-testid="concentration-table">(.*?)</table>', page, flags=re.S)
    assert table is not None and "进口来源市场赫芬达尔指数" in table.group(1)
    row_2023 = re.search(r'<th scope="row">2023</th>(.*?)</tr>', table.group(1), flags=re.S)
    assert row_2023 is not None
    cells = re.findall(r'<td class="num">([^<]*)</td>', row_2023.group(1))
    assert cells[-1] == f"{imports.loc[2023, 'partner_hhi']:.4f}"
    r = guizhou.get("/download/trade-concentration.csv?lang=en&location=guizhou")
    lines = r.content.decode("utf-8-sig").splitlines()
    assert lines[0].endswith(",Import market HHI")
    last = lines[-1].split(",")
    assert float(last[-1]) == pytest.approx(imports.loc[2024, "partner_hhi"], rel=1e-12)
