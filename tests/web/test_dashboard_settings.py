"""The dashboard's defaults and descriptions through FastAPI's TestClient: the uncertainty
analysis uses the report's number of runs, what-if takes 0 to switch a pillar off, and the API
page describes every endpoint in the reader's language."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from html import unescape
from pathlib import Path

import pytest
import yaml
from fastapi.testclient import TestClient

from kaifang.report.spec import report_spec
from kaifang.web import Dashboard, create_app
from kaifang.web.messages import MESSAGES

REPO = Path(__file__).resolve().parents[2]
GUIZHOU = REPO / "examples" / "guizhou" / "assessment.yaml"
LOCAL = "http://127.0.0.1"


@pytest.fixture(scope="module")
def dashboard() -> Dashboard:
    return Dashboard.open(GUIZHOU)


@pytest.fixture(scope="module")
def client(dashboard: Dashboard) -> Iterator[TestClient]:
    with TestClient(create_app(dashboard), base_url=LOCAL) as c:
        yield c


def test_sensitivity_default_is_the_reports(client: TestClient) -> None:
    runs = report_spec(GUIZHOU).sensitivity_samples
    assert runs == 200  # the example leaves the setting at its default
    out = client.get("/api/sensitivity").json()
    assert out["n"] == out["n_default"] == runs
    page = client.get("/sensitivity?lang=zh").text
    assert f"N = {runs}" in page
    assert "report.sensitivity_samples" in page and "与评估报告采用的次数相同" in page


def test_sensitivity_default_follows_the_config(tmp_path: Path) -> None:
    folder = tmp_path / "guizhou"
    shutil.copytree(GUIZHOU.parent, folder)
    config = folder / "assessment.yaml"
    data = yaml.safe_load(config.read_text(encoding="utf-8"))
    data["report"]["sensitivity_samples"] = 60
    config.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with TestClient(create_app(Dashboard.open(config)), base_url=LOCAL) as c:
        assert c.get("/api/sensitivity").json()["n"] == 60
        assert "N = 60" in c.get("/sensitivity?lang=en").text


def test_whatif_zero_switches_a_pillar_off(client: TestClient, dashboard: Dashboard) -> None:
    out = client.post("/api/whatif", json={"weights": {"talent": 0}}).json()
    assert out["weights"]["talent"] == 0.0
    assert sum(out["weights"].values()) == pytest.approx(1.0)
    # the index without the pillar: the others' scores weighted by their own weights
    fw = dashboard.base.framework
    others = [p for p in dashboard.pillars if p != "talent"]
    total = sum(fw[p].node.weight for p in others)
    latest = int(dashboard.base.grid.years[-1])
    pillar_scores = {
        p: {
            r["unit"]: r["score"]
            for r in client.get("/api/scores", params={"node": p, "year": latest}).json()
        }
        for p in others
    }
    rows = [r for r in out["rows"] if r["year"] == latest]
    for row in rows:
        parts = [(fw[p].node.weight, pillar_scores[p][row["unit"]]) for p in others]
        if any(s is None for _, s in parts):
            continue
        expected = sum(w * s for w, s in parts) / total
        assert row["score"] == pytest.approx(expected, rel=1e-9)


def test_whatif_all_zero_is_refused(client: TestClient, dashboard: Dashboard) -> None:
    r = client.post("/api/whatif", json={"weights": {p: 0 for p in dashboard.pillars}})
    assert r.status_code == 422
    assert "keep at least one above 0" in r.json()["detail"]
    r = client.post("/api/whatif", json={"weights": {"talent": -3}})
    assert r.status_code == 422 and "-3" in r.json()["detail"]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_api_page_describes_every_endpoint(client: TestClient, lang: str) -> None:
    html = client.get(f"/api-docs?lang={lang}").text
    rows = re.findall(
        r"<tr><th scope=\"row\"><code>(\w+) ([^<]+)</code></th><td>([^<]*)</td>", html
    )
    paths = client.get("/openapi.json").json()["paths"]
    assert len(rows) == sum(len(ops) for ops in paths.values())
    for method, path, description in rows:
        text = unescape(description)
        assert path in paths and method.lower() in paths[path]
        # whole sentences, no docstring markup
        assert text.endswith("。" if lang == "zh" else "."), text
        assert "``" not in text and "targets:" not in text
        if lang == "zh":
            assert not re.search(r"[A-Za-z]{3,}", text), text
    # a description for every endpoint, and none for an endpoint that is gone
    names = {op["operationId"].split("_api_")[0] for ops in paths.values() for op in ops.values()}
    assert {k.removeprefix("api_") for k in MESSAGES if k.startswith("api_get_")} | {
        "post_whatif"
    } == names
