"""The dashboard's JSON API and pages through FastAPI's TestClient (no browser)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from fastapi.testclient import TestClient

from kaifang.errors import KaifangError
from kaifang.web import Dashboard, create_app
from kaifang.web.messages import LANGS, MESSAGES, t

# the dashboard answers local host names only (the test client's default is "testserver")
LOCAL = "http://127.0.0.1"
REPO = Path(__file__).resolve().parents[2]
GUIZHOU = REPO / "examples" / "guizhou"
WEB = REPO / "src" / "kaifang" / "web"
# framework.yaml: weights of the ten pillars, in file order
PILLAR_WEIGHTS = {
    "open_industries": 2.0,
    "open_channels": 2.0,
    "open_platforms": 1.5,
    "business_environment": 1.5,
    "talent": 1.0,
    "soe_cooperation": 1.0,
    "ports_bonded_zones": 1.5,
    "regional_cooperation": 1.0,
    "safeguards": 1.0,
    "trade_doubling": 2.0,
}
PAGES = ["/", "/unit/520100", "/indicators", "/framework", "/whatif", "/api-docs"]


@pytest.fixture(scope="module")
def dashboard() -> Dashboard:
    return Dashboard.open(GUIZHOU / "assessment.yaml")


@pytest.fixture(scope="module")
def client(dashboard: Dashboard) -> Iterator[TestClient]:
    with TestClient(create_app(dashboard), base_url=LOCAL) as c:
        yield c


def _scores(client: TestClient, node: str, year: int) -> dict[str, float | None]:
    rows = client.get("/api/scores", params={"node": node, "year": year}).json()
    return {r["unit"]: r["score"] for r in rows}


def test_meta(client: TestClient) -> None:
    meta = client.get("/api/meta").json()
    assert meta["simulated"] is True
    assert meta["source_kind"] == "config"
    assert meta["years"] == list(range(2016, 2025))
    assert len(meta["units"]) == 9
    assert meta["units"][0] == {"code": "520100", "name": {"en": "Guiyang", "zh": "贵阳市"}}
    assert meta["pillars"] == list(PILLAR_WEIGHTS)
    assert meta["whatif_available"] is True and meta["whatif_reason"] is None
    assert meta["has_map"] is True
    assert meta["stages"][0] == "raw" and "normalised" in meta["stages"]


def test_framework_names_and_weights(client: TestClient) -> None:
    nodes = {n["id"]: n for n in client.get("/api/framework").json()}
    root = nodes["open_economy"]
    assert root["name"]["zh"] == "贵州省开放型经济高质量发展指数"
    assert root["level"] == 0 and root["parent"] is None
    assert root["children"] == list(PILLAR_WEIGHTS)
    # open_industries: 2 / (2+2+1.5+1.5+1+1+1.5+1+1+2) = 2 / 14.5
    assert nodes["open_industries"]["weight"] == pytest.approx(2 / 14.5)
    assert nodes["open_industries"]["framework_weight"] == 2.0
    leaves = [n for n in nodes.values() if n["is_indicator"]]
    assert sum(n["effective_weight"] for n in leaves) == pytest.approx(1.0)
    assert nodes["trade_processing_share"]["unit"] == "%"
    assert nodes["trade_processing_share"]["direction"] == 1


def test_scores_ranks_and_changes(client: TestClient) -> None:
    rows = client.get("/api/scores").json()
    assert len(rows) == 9 * 9
    latest = [r for r in rows if r["year"] == 2024]
    best = max(latest, key=lambda r: r["score"])
    assert best["rank"] == 1
    by_score = sorted(latest, key=lambda r: -r["score"])
    assert [r["rank"] for r in by_score] == list(range(1, 10))
    # change = last year's rank - this year's rank (positive = moved up)
    prev = {r["unit"]: r["rank"] for r in rows if r["year"] == 2023}
    for r in latest:
        assert r["change"] == prev[r["unit"]] - r["rank"]
    assert all(r["change"] is None for r in rows if r["year"] == 2016)
    pillar = client.get("/api/scores", params={"node": "talent", "year": 2020}).json()
    assert {r["year"] for r in pillar} == {2020} and len(pillar) == 9


def test_unit_profile_against_median(client: TestClient) -> None:
    prof = client.get("/api/units/520300", params={"year": 2022}).json()
    assert prof["name"]["en"] == "Zunyi"
    for p in prof["pillars"]:
        values = [v for v in _scores(client, p["node"], 2022).values() if v is not None]
        assert p["median"] == pytest.approx(float(np.median(values)))
        assert p["diff"] == pytest.approx(p["score"] - p["median"])
    diffs = {p["node"]: p["diff"] for p in prof["pillars"]}
    assert all(diffs[n] > 0 for n in prof["strengths"])
    assert all(diffs[n] < 0 for n in prof["weaknesses"])
    assert [diffs[n] for n in prof["strengths"]] == sorted(
        [diffs[n] for n in prof["strengths"]], reverse=True
    )
    top3 = sorted((d for d in diffs.values() if d > 0), reverse=True)[:3]
    assert [diffs[n] for n in prof["strengths"]] == top3
    assert [r["year"] for r in prof["trend"]] == list(range(2016, 2025))
    root_2022 = _scores(client, "open_economy", 2022)["520300"]
    assert prof["index_score"] == pytest.approx(root_2022)


def test_indicator_values_and_boxes(client: TestClient) -> None:
    data = client.get("/api/indicators/trade_processing_share").json()
    cells = {(r["unit"], r["year"]): r["value"] for r in data["values"]}
    # data/indicators_SIMULATED.csv line 577: 520100,2024,trade_processing_share,18.4
    assert cells[("520100", 2024)] == 18.4
    # line 640: 522600,2024,trade_processing_share,(empty) -> missing in the raw stage
    assert cells[("522600", 2024)] is None
    box = next(b for b in data["boxes"] if b["year"] == 2024)
    present = [v for (u, y), v in cells.items() if y == 2024 and v is not None]
    assert box["quartiles"] == pytest.approx(np.quantile(present, [0, 0.25, 0.5, 0.75, 1]))
    assert data["unit"] == "%"
    norm = client.get("/api/indicators/trade_processing_share?stage=normalised").json()
    values = [r["value"] for r in norm["values"] if r["value"] is not None]
    assert min(values) >= 0 and max(values) == pytest.approx(100)  # minmax [0, 100] per year
    assert client.get("/api/indicators/nope").status_code == 404
    assert client.get("/api/indicators/trade_processing_share?stage=x").status_code == 404


def test_not_found_and_bad_year(client: TestClient) -> None:
    assert client.get("/api/units/999999").status_code == 404
    assert client.get("/api/scores", params={"node": "nope"}).status_code == 404
    r = client.get("/api/scores", params={"year": 1990})
    assert r.status_code == 404 and "2016" in r.json()["detail"]


def test_geojson_carries_unit_codes(client: TestClient) -> None:
    geo = client.get("/api/geojson").json()
    codes = sorted(f["properties"]["kaifang_unit"] for f in geo["features"])
    units = sorted(u["code"] for u in client.get("/api/meta").json()["units"])
    assert codes == units


def _weighted_root(client: TestClient, weights: dict[str, float], year: int) -> dict[str, float]:
    """Arithmetic aggregation by hand: root = sum(w_p * pillar_p) / sum(w_p) over the pillars
    present (NaN-aware; Guizhou has no missing pillar after imputation)."""
    pillars = {p: _scores(client, p, year) for p in PILLAR_WEIGHTS}
    out = {}
    for unit in pillars["talent"]:
        num = sum(weights[p] * pillars[p][unit] for p in weights if pillars[p][unit] is not None)
        den = sum(weights[p] for p in weights if pillars[p][unit] is not None)
        out[unit] = num / den
    return out


def test_whatif_recomputes_by_hand(client: TestClient) -> None:
    new = {**PILLAR_WEIGHTS, "talent": 6.0}
    r = client.post("/api/whatif", json={"weights": {"talent": 6.0}})
    assert r.status_code == 200
    out = r.json()
    # talent: 6 / (14.5 - 1 + 6) = 6 / 19.5
    assert out["weights"]["talent"] == pytest.approx(6 / 19.5)
    assert sum(out["weights"].values()) == pytest.approx(1.0)
    expected = _weighted_root(client, new, 2021)
    got = {row["unit"]: row["score"] for row in out["rows"] if row["year"] == 2021}
    assert got == pytest.approx(expected)
    base = _scores(client, "open_economy", 2021)
    assert {row["unit"]: row["base_score"] for row in out["rows"] if row["year"] == 2021} == (
        pytest.approx(base)
    )
    # ranks of the variant follow its scores
    latest = [row for row in out["rows"] if row["year"] == 2024]
    assert [row["rank"] for row in sorted(latest, key=lambda x: -x["score"])] == list(range(1, 10))
    again = client.post("/api/whatif", json={"weights": {"talent": 6.0}}).json()
    assert again["cached"] is True and again["rows"] == out["rows"]


def test_whatif_with_the_framework_weights_is_the_base(client: TestClient) -> None:
    out = client.post("/api/whatif", json={"weights": PILLAR_WEIGHTS}).json()
    for row in out["rows"]:
        assert row["score"] == row["base_score"] and row["rank"] == row["base_rank"]


def test_whatif_rejects_bad_weights(client: TestClient) -> None:
    r = client.post("/api/whatif", json={"weights": {"talent": -1}})
    assert r.status_code == 422 and ">= 0" in r.json()["detail"]
    r = client.post("/api/whatif", json={"weights": {"nope": 1}})
    assert r.status_code == 422 and "nope" in r.json()["detail"]
    assert client.post("/api/whatif", json={"weights": "x"}).status_code == 422


def test_whatif_cache_is_bounded(dashboard: Dashboard) -> None:
    for i in range(40):
        dashboard.whatif({"talent": 1.0 + 0.01 * (i + 1)})
    assert len(dashboard._cache) <= 32


def test_openapi_published_and_no_cdn_docs(client: TestClient) -> None:
    schema = client.get("/openapi.json").json()
    for path in ("/api/meta", "/api/scores", "/api/whatif", "/api/units/{code}"):
        assert path in schema["paths"]
    assert "WhatIfRequest" in schema["components"]["schemas"]
    # FastAPI's default /docs and /redoc load scripts from a CDN: they are off
    assert client.get("/docs").status_code == 404
    assert client.get("/redoc").status_code == 404
    assert "/openapi.json" in client.get("/api-docs").text


@pytest.mark.parametrize("path", PAGES)
@pytest.mark.parametrize("lang", LANGS)
def test_pages_render_offline(client: TestClient, path: str, lang: str) -> None:
    sep = "&" if "?" in path else "?"
    r = client.get(f"{path}{sep}lang={lang}")
    assert r.status_code == 200
    html = r.text
    # nothing is loaded from another host: every src/href is local (or an anchor / data URL)
    for ref in re.findall(r'(?:src|href)="([^"]*)"', html):
        assert ref.startswith(("/", "#", "data:", "?")), ref
    assert ("模拟数据" if lang == "zh" else "SIMULATED DATA") in html
    assert 'class="skip-link"' in html and 'id="main"' in html
    assert f"lang={'en' if lang == 'zh' else 'zh'}" in html  # the language switch


def test_page_labels_follow_the_language(client: TestClient) -> None:
    zh = client.get("/unit/520300?lang=zh").text
    en = client.get("/unit/520300?lang=en").text
    assert "遵义市" in zh and "开放产业" in zh and t("strengths", "zh") in zh
    assert "Zunyi" in en and "Open industries" in en and t("strengths", "en") in en
    assert "开放产业" not in en
    assert client.get("/?lang=fr").status_code == 422
    assert client.get("/unit/999999").status_code == 404
    r = client.get("/unit?lang=en", follow_redirects=False)
    assert r.status_code == 307 and r.headers["location"] == "/unit/520100?lang=en"


def test_charts_have_labels_and_tables(client: TestClient) -> None:
    for path in PAGES[:5]:
        html = client.get(path).text
        charts = re.findall(r'<div id="[^"]+" class="chart[^"]*"([^>]*)>', html)
        assert charts, path
        for attrs in charts:
            assert 'role="img"' in attrs and re.search(r'aria-label="[^"]+"', attrs), path
        assert "<table" in html, path


def test_message_catalogue_is_complete() -> None:
    for key, texts in MESSAGES.items():
        assert set(texts) == set(LANGS), key
        assert all(texts[lang].strip() for lang in LANGS), key
    used = set()
    for template in (WEB / "templates").glob("*.html"):
        used |= set(re.findall(r"t\('([a-z_]+)'", template.read_text(encoding="utf-8")))
    for script in (WEB / "static" / "js").glob("*.js"):
        used |= set(re.findall(r"\bm\.([a-z_]+)", script.read_text(encoding="utf-8")))
    assert used, "no message found in the templates"
    # keys built from a prefix and a value (stage_raw, status_on_track, unavailable_no_block)
    # are checked where their values are known (test_analyses.py for status_ and unavailable_)
    dynamic = ("stage_", "status_", "unavailable_")
    missing = sorted(k for k in used if k not in MESSAGES and not k.startswith(dynamic))
    assert missing == []
    with pytest.raises(KeyError):
        t("no_such_message", "zh")


def test_vendored_echarts_is_served(client: TestClient) -> None:
    r = client.get("/static/vendor/echarts.min.js")
    assert r.status_code == 200 and len(r.content) > 500_000
    version = (WEB / "static" / "vendor" / "VERSION.echarts.txt").read_text()
    assert "npm registry" in version
    assert (WEB / "static" / "vendor" / "LICENSE.echarts.txt").is_file()


def test_results_folder_is_served_read_only(tmp_path: Path, client: TestClient) -> None:
    import kaifang
    from kaifang.output import write_results

    folder = write_results(kaifang.load(GUIZHOU / "assessment.yaml").run(), tmp_path / "gz")
    dash = Dashboard.open(folder)
    with TestClient(create_app(dash), base_url=LOCAL) as ro:
        meta = ro.get("/api/meta").json()
        assert meta["source_kind"] == "results" and meta["whatif_available"] is False
        assert meta["years"] == list(range(2016, 2025)) and meta["simulated"] is True
        assert _scores(ro, "talent", 2019) == pytest.approx(_scores(client, "talent", 2019))
        live = client.get("/api/scores").json()
        saved = ro.get("/api/scores").json()
        assert [r["rank"] for r in saved] == [r["rank"] for r in live]
        raw = ro.get("/api/indicators/trade_processing_share").json()["values"]
        assert {(r["unit"], r["year"]): r["value"] for r in raw}[("520100", 2024)] == 18.4
        r = ro.post("/api/whatif", json={"weights": {"talent": 2}})
        assert r.status_code == 409 and "read-only" in r.json()["detail"]
        page = ro.get("/whatif?lang=en").text
        assert "What-if is unavailable" in page and "read-only" in page
        assert ro.get("/?lang=en").status_code == 200


def test_whatif_refused_when_weights_come_from_the_data() -> None:
    dash = Dashboard.open(GUIZHOU / "assessment_entropy_topsis.yaml")
    assert dash.whatif_reason is not None and "entropy" in dash.whatif_reason
    with TestClient(create_app(dash), base_url=LOCAL) as c:
        r = c.post("/api/whatif", json={"weights": {"talent": 2}})
        assert r.status_code == 409 and "entropy" in r.json()["detail"]


def _config_with_geojson(tmp_path: Path, geo: dict[str, Any], id_property: str) -> Path:
    (tmp_path / "map.geojson").write_text(json.dumps(geo), encoding="utf-8")
    text = (GUIZHOU / "assessment.yaml").read_text(encoding="utf-8")
    for name in ("framework.yaml", "units.csv", "data/indicators_SIMULATED.csv"):
        text = text.replace(f": {name}", f": {(GUIZHOU / name).as_posix()}")
    text = re.sub(r"geojson: .*", "geojson: map.geojson", text)
    text = text.replace("id_property: adcode", f"id_property: {id_property}")
    config = tmp_path / "assessment.yaml"
    config.write_text(text, encoding="utf-8")
    return config


def test_bad_map_configuration_is_a_clear_error(tmp_path: Path) -> None:
    geo = json.loads(
        (GUIZHOU / "geo" / "guizhou_prefectures_simplified.geojson").read_text(encoding="utf-8")
    )
    config = _config_with_geojson(tmp_path, geo, "code_that_is_absent")
    with pytest.raises(KaifangError, match="code_that_is_absent"):
        Dashboard.open(config)
    # numeric codes in the GeoJSON still match the unit codes of units.csv
    for f in geo["features"]:
        f["properties"]["adcode"] = int(f["properties"]["adcode"])
    config = _config_with_geojson(tmp_path, geo, "adcode")
    assert Dashboard.open(config).geojson is not None
    with pytest.raises(KaifangError, match="neither"):
        Dashboard.open(tmp_path / "absent.yaml")
