"""The targets page names what a target follows: the raw series, which for a ratio indicator is
its numerator (never the ratio's name), with the raw unit in the page's language."""

from __future__ import annotations

import html as htmllib
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from kaifang.web import Dashboard, create_app

GUIZHOU = Path(__file__).resolve().parents[2] / "examples" / "guizhou" / "assessment.yaml"


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    with TestClient(create_app(Dashboard.open(GUIZHOU)), base_url="http://127.0.0.1") as c:
        yield c


def test_target_on_a_ratio_names_its_numerator(client: TestClient) -> None:
    (target,) = client.get("/api/targets").json()["targets"]
    assert target["indicator"] == "trade_total"  # a ratio: total trade / GDP
    assert target["indicator_name"]["zh"].endswith("（分子原值，未除以地区生产总值）")
    assert "numerator" in target["indicator_name"]["en"]
    assert target["measure_unit_name"] == {"en": "100 million CNY", "zh": "亿元"}
    page = htmllib.unescape(client.get("/targets?lang=zh").text)
    assert "分子原值" in page and "(亿元)" in page and "(100 million CNY)" not in page


def test_framework_and_indicator_units_in_chinese(client: TestClient) -> None:
    nodes = {n["id"]: n for n in client.get("/api/framework").json()}
    assert nodes["fdi_new_enterprises"]["unit_name"] == {"en": "enterprises", "zh": "家"}
    page = htmllib.unescape(client.get("/framework?lang=zh").text)
    assert "<td>家</td>" in page and "<td>enterprises</td>" not in page
