"""The dashboard's views of the analyses (targets, allocation, scenarios, uncertainty) through
FastAPI's TestClient: the numbers are the engine's, hand-checked where it is cheap."""

from __future__ import annotations

import html as htmllib
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from kaifang.web import Dashboard, create_app
from kaifang.web.messages import t

# the dashboard answers local host names only (the test client's default is "testserver")
LOCAL = "http://127.0.0.1"
REPO = Path(__file__).resolve().parents[2]
GUIZHOU = REPO / "examples" / "guizhou" / "assessment.yaml"
ASEM = REPO / "examples" / "asem" / "assessment.yaml"
NEW_PAGES = ["/targets", "/allocation", "/scenarios", "/sensitivity"]


@pytest.fixture(scope="module")
def dashboard() -> Dashboard:
    return Dashboard.open(GUIZHOU)


@pytest.fixture(scope="module")
def client(dashboard: Dashboard) -> Iterator[TestClient]:
    with TestClient(create_app(dashboard), base_url=LOCAL) as c:
        yield c


def test_targets_match_evaluate_targets(client: TestClient, dashboard: Dashboard) -> None:
    from kaifang.steering import evaluate_targets

    assert dashboard.assessment is not None
    report = evaluate_targets(dashboard.assessment)
    out = client.get("/api/targets").json()
    assert out["simulated"] is True
    assert out["thresholds"] == {"on_track": 0.98, "at_risk": 0.90} and out["interval"] == 0.8
    (target,) = out["targets"]
    assert target["id"] == "trade_doubling_2025" and target["multiple"] == 2.0
    assert [u["unit"] for u in target["units"]][-1] == "total" and len(target["units"]) == 10
    total = next(u for u in target["units"] if u["unit"] == "total")
    expected = report.summary.set_index(["target", "unit"]).loc[("trade_doubling_2025", "total")]
    assert total["status"] == expected["status"]
    assert total["ratio"] == pytest.approx(expected["ratio"])
    assert total["projection_lower"] <= total["projection"] <= total["projection_upper"]
    # doubling in 4 years: required rate 2^(1/4) - 1 = 0.189207...
    assert total["required_cagr"] == pytest.approx(2**0.25 - 1)
    assert total["target_value"] == pytest.approx(2 * total["base_value"])
    # the status follows the stated thresholds: r < 0.90 off track, < 0.98 at risk
    for u in target["units"]:
        r = u["ratio"]
        assert u["status"] == ("on_track" if r >= 0.98 else "at_risk" if r >= 0.9 else "off_track")
    # the total's path is the sum of the nine prefectures' paths (trade_total is additive)
    paths = target["paths"]
    by_year = {p["year"]: p["actual"] for p in paths["total"]}
    summed = sum(
        next(p["actual"] for p in paths[u] if p["year"] == 2024) for u in paths if u != "total"
    )
    assert by_year[2024] == pytest.approx(summed)
    # the straight path starts at the base value and ends at the target value
    expected_path = {p["year"]: p["expected"] for p in paths["total"]}
    assert expected_path[2021] == pytest.approx(total["base_value"])
    assert expected_path[2025] == pytest.approx(total["target_value"])


def test_allocation_sums_to_the_budget(client: TestClient) -> None:
    out = client.get("/api/allocation").json()
    assert out["budget"] == 100_000_000 and out["year"] == 2024 and out["rounding"] == 10_000
    rows = out["rows"]
    assert len(rows) == 9
    assert sum(r["final"] for r in rows) == out["total"] == out["budget"]
    assert out["sum_equals_budget"] is True
    for r in rows:
        assert r["final"] % 10_000 == 0  # rounded to 10,000 yuan
        assert 3_000_000 <= r["final"] <= 30_000_000  # floor and cap of the example
        parts = r["base"] + r["performance"] + r["improvement"]
        adjust = r["floor_cap_adjustment"] + r["rounding_adjustment"]
        assert parts + adjust == pytest.approx(r["final"], abs=1e-3)
    # 40% base, 50% performance, 10% improvement of 100,000,000
    assert sum(r["base"] for r in rows) == pytest.approx(40_000_000)
    assert sum(r["performance"] for r in rows) == pytest.approx(50_000_000)
    assert sum(r["improvement"] for r in rows) == pytest.approx(10_000_000)
    # grades by score thresholds [80, 40, 20]: Guiyang 95.4 -> A, Liupanshui 17.1 -> D
    grades = {r["unit"]: r["grade"] for r in rows}
    assert grades["520100"] == "A" and grades["520200"] == "D" and grades["522700"] == "B"
    assert out["rule"][0]["item"] == "budget"
    assert all(r["zh"] and r["en"] for r in out["rule"])


def test_scenarios_against_the_baseline(client: TestClient) -> None:
    out = client.get("/api/scenarios").json()
    assert [s["id"] for s in out["scenarios"]] == ["open_share_x2", "channels_share_x2"]
    base = {
        r["unit"]: r["rank"] for r in client.get("/api/scores", params={"year": out["year"]}).json()
    }
    for s in out["scenarios"]:
        assert {r["unit"]: r["rank_baseline"] for r in s["rows"]} == base
        moved = sum(r["rank_baseline"] != r["rank_scenario"] for r in s["rows"])
        assert moved == s["units_moved"]
        assert s["share_scenario"] > s["share_baseline"]
        assert -1.0 <= s["spearman_rho"] <= 1.0
    # share x2 of the trade and FDI indicators: the joint share doubles, 0.2948 -> 0.5897
    share = out["scenarios"][0]
    assert share["share_scenario"] == pytest.approx(2 * share["share_baseline"])
    assert share["units_moved"] > 0


def test_sensitivity_rank_intervals_seeded_and_cached(
    client: TestClient, dashboard: Dashboard
) -> None:
    from kaifang.sensitivity import uncertainty_analysis

    assert dashboard.assessment is not None
    first = client.get("/api/sensitivity", params={"n": 100}).json()
    assert first["n"] == 100 and first["seed"] == 1 and first["cached"] is False
    again = client.get("/api/sensitivity", params={"n": 100}).json()
    assert again["cached"] is True and again["rows"] == first["rows"]
    table = uncertainty_analysis(dashboard.assessment, n=100, seed=1)
    direct = {str(u): float(m) for u, m in zip(table["unit"], table["median_rank"], strict=True)}
    assert {r["unit"]: r["median_rank"] for r in first["rows"]} == pytest.approx(direct)
    nominal = [r["nominal_rank"] for r in first["rows"]]
    assert nominal == sorted(nominal) and nominal[0] == 1
    for r in first["rows"]:
        assert r["q05_rank"] <= r["median_rank"] <= r["q95_rank"]
    assert "weights" in first["inputs"] and first["node"] == "open_economy"
    assert client.get("/api/sensitivity", params={"n": 10}).status_code == 422
    assert client.get("/api/sensitivity", params={"n": 100_000}).status_code == 422


def test_new_endpoints_in_openapi(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    for path in ("/api/targets", "/api/allocation", "/api/scenarios", "/api/sensitivity"):
        assert path in paths
    params = paths["/api/sensitivity"]["get"]["parameters"]
    # n is optional (default: the report's number of runs), so its schema is "integer or null"
    schema = params[0]["schema"]
    integer = next(s for s in schema.get("anyOf", [schema]) if s.get("type") == "integer")
    assert params[0]["name"] == "n" and integer["maximum"] == 2000


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_analysis_pages_render(client: TestClient, lang: str) -> None:
    for path in NEW_PAGES:
        html = client.get(f"{path}?lang={lang}").text
        for ref in re.findall(r'(?:src|href)="([^"]*)"', html):
            assert ref.startswith(("/", "#", "data:", "?")), ref
        charts = re.findall(r'<div id="[^"]+" class="chart[^"]*"([^>]*)>', html)
        assert charts, path
        for attrs in charts:
            assert 'role="img"' in attrs and re.search(r'aria-label="[^"]+"', attrs), path
        assert "<table" in html and "analysis-unavailable" not in html, path
    targets = client.get(f"/targets?lang={lang}").text
    # status in words next to the colour; the total of the nine is Off track (r = 0.758)
    assert t("status_off_track", lang) in targets
    assert 'data-unit="total" data-status="off_track"' in targets
    alloc = htmllib.unescape(client.get(f"/allocation?lang={lang}").text)
    assert t("sum_check_ok", lang, total="100,000,000", budget="100,000,000") in alloc
    sens = client.get(f"/sensitivity?lang={lang}&n=100").text
    assert "N = 100" in sens


def test_bad_choices_are_not_found(client: TestClient) -> None:
    assert client.get("/targets?target=nope").status_code == 404
    assert client.get("/targets?unit=999999").status_code == 404
    assert client.get("/scenarios?id=nope").status_code == 404
    assert client.get("/sensitivity?n=1").status_code == 422


def test_absent_blocks_say_so_in_both_languages() -> None:
    # ASEM declares sensitivity: only
    with TestClient(create_app(Dashboard.open(ASEM)), base_url=LOCAL) as asem:
        for block in ("targets", "allocation", "scenarios"):
            r = asem.get(f"/api/{block}")
            assert r.status_code == 404 and f"no '{block}:' block" in r.json()["detail"]
            for lang in ("zh", "en"):
                html = htmllib.unescape(asem.get(f"/{block}?lang={lang}").text)
                assert 'data-reason="no_block"' in html
                assert t("unavailable_no_block", lang, block=block) in html
                assert 'class="chart' not in html  # no chart drawn from nothing
        assert asem.get("/api/sensitivity", params={"n": 50}).status_code == 200


def test_results_folder_needs_the_config(tmp_path: Path) -> None:
    import kaifang
    from kaifang.output import write_results

    folder = write_results(kaifang.load(GUIZHOU).run(), tmp_path / "gz")
    with TestClient(create_app(Dashboard.open(folder)), base_url=LOCAL) as ro:
        for block in ("targets", "allocation", "scenarios", "sensitivity"):
            r = ro.get(f"/api/{block}")
            assert r.status_code == 409 and "read-only" in r.json()["detail"]
            html = htmllib.unescape(ro.get(f"/{block}?lang=en").text)
            assert 'data-reason="needs_config"' in html
            assert t("unavailable_needs_config", "en") in html


def test_every_status_and_reason_has_a_message() -> None:
    from kaifang.steering.targets import STATUS
    from kaifang.web.api import UNAVAILABLE_STATUS
    from kaifang.web.messages import MESSAGES

    for status, _ in STATUS.values():
        assert f"status_{status}" in MESSAGES
    for reason in UNAVAILABLE_STATUS:
        assert f"unavailable_{reason}" in MESSAGES


def test_disparity_page_and_json(client: TestClient, dashboard: Dashboard) -> None:
    for lang, title in (("zh", "区域差异与动态演进"), ("en", "Regional disparity and dynamics")):
        page = client.get(f"/disparity?lang={lang}")
        assert page.status_code == 200
        assert title in page.text and 'data-testid="disparity-sections"' in page.text
        assert 'id="disparity-coupling"' in page.text  # Guizhou names two subsystems
    from kaifang.analysis import run_disparity

    assert dashboard.assessment is not None
    expected = run_disparity(dashboard.assessment).tables["coupling"]
    out = client.get("/api/disparity/coupling").json()
    assert out["simulated"] is True and len(out["rows"]) == len(expected)
    assert out["rows"][0]["d"] == pytest.approx(float(expected["d"].iloc[0]))
    assert client.get("/api/disparity/nope").status_code == 404


def test_disparity_page_without_block(tmp_path: Path) -> None:
    dash = Dashboard.open(ASEM)
    with TestClient(create_app(dash), base_url=LOCAL) as c:
        page = c.get("/disparity?lang=en")
    assert page.status_code == 200 and 'data-reason="no_block"' in page.text
