"""Table downloads (CSV and Excel) with hostile names: formulas never reach a spreadsheet as
formulas, numbers stay numbers, and every table of every page has both downloads."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from html import unescape

import openpyxl
import pytest
from fastapi.testclient import TestClient
from hostile_dashboard import AT, FORMULA, IMG, MINUS, UNIT_NAMES, build_hostile_assessment

from kaifang.csvfiles import escape_cell as csv_cell
from kaifang.web import Dashboard, create_app
from kaifang.web.downloads import BUILDERS

LOCAL = "http://127.0.0.1"
PAGES = [
    "/",
    "/unit/520100",
    "/indicators",
    "/framework",
    "/whatif",
    "/targets",
    "/allocation",
    "/scenarios",
    "/sensitivity",
    "/api-docs",
]


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    config = build_hostile_assessment(tmp_path_factory.mktemp("hostile") / "guizhou")
    with TestClient(create_app(Dashboard.open(config)), base_url=LOCAL) as c:
        yield c


def _links(html: str) -> list[str]:
    return [unescape(h) for h in re.findall(r'<a href="(/download/[^"]+)"', html)]


def _csv(client: TestClient, url: str) -> list[list[str]]:
    r = client.get(url)
    assert r.status_code == 200, (url, r.text[:300])
    assert r.headers["content-type"].startswith("text/csv")
    assert r.content.startswith("\ufeff".encode())  # Excel reads the UTF-8 Chinese correctly
    return list(csv.reader(io.StringIO(r.content.decode("utf-8-sig"))))


def test_csv_cell_prefix() -> None:
    for text in ("=1+1", "+A1", "-x", "@SUM(1)", "\tx", "\rx"):
        assert csv_cell(text) == "'" + text
    assert csv_cell("-3.5") == "-3.5"  # a plain number written as text is no formula
    assert csv_cell("贵阳市") == "贵阳市"
    assert csv_cell(-3.5) == -3.5  # a number is never prefixed
    assert csv_cell(None) is None


def test_every_table_has_both_downloads(client: TestClient) -> None:
    seen: set[str] = set()
    for page in PAGES:
        for lang in ("zh", "en"):
            html = client.get(f"{page}?lang={lang}").text
            tables = html.count("<table")
            links = _links(html)
            # the what-if page's weight form is a table of inputs, not of results
            expected = tables - (1 if page == "/whatif" else 0)
            assert len(links) == 2 * expected, (page, links)
            for url in links:
                seen.add(url.split("?")[0].rsplit(".", 1)[0].removeprefix("/download/"))
                r = client.get(url)
                assert r.status_code == 200, (url, r.text[:200])
                assert "attachment" in r.headers["content-disposition"]
    assert seen == set(BUILDERS)


def test_csv_names_are_prefixed_and_numbers_stay_numbers(client: TestClient) -> None:
    rows = _csv(client, "/download/ranking.csv?lang=zh")
    header, body = rows[0], rows[1:]
    assert header == ["排名", "代码", "地区", "得分", "排名变化"]
    names = {r[1]: r[2] for r in body}
    assert names["520400"] == "'" + FORMULA
    assert names["520500"] == "'" + MINUS
    assert names["520600"] == "'" + AT
    assert names["520100"] == IMG  # not a formula: unchanged
    for r in body:
        float(r[3])  # the score is a plain number
        assert r[0].isdigit()
        assert r[4] == "" or re.fullmatch(r"-?\d+", r[4]), r[4]  # a negative change: a number
    # the allocation table has negative adjustments: numbers, not text
    alloc = _csv(client, "/download/allocation.csv?lang=en")
    adjustments = [float(r[8]) for r in alloc[1:]]
    assert any(a < 0 for a in adjustments)


def test_xlsx_text_is_never_a_formula(client: TestClient) -> None:
    r = client.get("/download/ranking.xlsx?lang=en")
    assert r.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(r.content)).active
    assert sheet is not None
    rows = list(sheet.iter_rows(values_only=False))
    assert [c.value for c in rows[0]] == ["Rank", "Code", "Unit", "Score", "Rank change"]
    by_code = {row[1].value: row for row in rows[1:]}
    formula_cell = by_code["520400"][2]
    assert formula_cell.value == FORMULA and formula_cell.data_type == "s"
    for row in rows[1:]:
        assert isinstance(row[3].value, float)
        assert row[2].value in UNIT_NAMES.values() or row[2].data_type == "s"


def test_whatif_download_follows_the_weights(client: TestClient) -> None:
    base = _csv(client, "/download/whatif.csv?lang=en&year=2024")
    heavy = _csv(client, "/download/whatif.csv?lang=en&year=2024&weights=talent:0,trade_doubling:9")
    assert base[0][0] == "New rank"
    assert [r[3] for r in base[1:]] != [r[3] for r in heavy[1:]]
    for bad in ("talent:-3", "talent:x", "nope:1", "talent"):
        r = client.get(f"/download/whatif.csv?lang=en&weights={bad}")
        assert r.status_code == 422, bad


@pytest.mark.parametrize(
    "url",
    [
        "/download/nope.csv",
        "/download/ranking.pdf",
        "/download/ranking.csv?year=1900",
        "/download/unit-pillars.csv?code=../../etc",
        "/download/indicator-values.csv?id=nope",
        "/download/targets-status.csv?target=nope",
        "/download/scenario.csv?id=nope",
    ],
)
def test_bad_download_requests_are_refused(client: TestClient, url: str) -> None:
    assert client.get(url).status_code == 404


def test_download_file_names_are_safe(client: TestClient) -> None:
    r = client.get("/download/unit-pillars.csv?lang=en&code=520100&year=2024")
    assert r.headers["content-disposition"] == 'attachment; filename="pillars-520100-2024.csv"'
