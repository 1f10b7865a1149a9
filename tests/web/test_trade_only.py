"""The trade pages on their own (``kaifang serve --trade PATH`` without an assessment): every
page in zh and en through FastAPI's TestClient, the downloads, the request guard, and the real
server started by the CLI."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from kaifang.cli import app as cli_app
from kaifang.trade.pipeline import run_trade
from kaifang.trade.writers import write_trade_results
from kaifang.web.guard import CONTENT_SECURITY_POLICY
from kaifang.web.trade_app import create_trade_app
from kaifang.web.trade_data import TradeView

REPO = Path(__file__).resolve().parents[2]
GUIZHOU_TRADE = REPO / "examples" / "guizhou_trade"
LOCAL = "http://127.0.0.1"
PAGES = ("/trade", "/trade/space", "/trade/opportunities", "/trade/markets")


@pytest.fixture(scope="module")
def folders(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    out = tmp_path_factory.mktemp("trade")
    write_trade_results(run_trade(GUIZHOU_TRADE / "trade.yaml"), out / "complexity")
    write_trade_results(run_trade(GUIZHOU_TRADE / "structure.yaml"), out / "structure")
    return [out / "complexity", out / "structure"]


@pytest.fixture(scope="module")
def client(folders: list[Path]) -> Iterator[TestClient]:
    with TestClient(create_trade_app(TradeView.open(folders)), base_url=LOCAL) as c:
        yield c


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("path", PAGES)
def test_every_trade_page_alone(client: TestClient, path: str, lang: str) -> None:
    r = client.get(f"{path}?lang={lang}")
    assert r.status_code == 200
    page = r.text
    assert r.headers["content-security-policy"] == CONTENT_SECURITY_POLICY
    # the results' own title; the navigation holds the trade pages only
    title = "贵州贸易复杂度（模拟数据）" if lang == "zh" else "Guizhou trade complexity (SIMULATED)"
    assert f'<span class="brand-title">{title}</span>' in page
    nav = re.search(r'<nav class="site-nav".*?</nav>', page, flags=re.S)
    assert nav is not None and re.findall(r'href="([^"?]+)', nav.group(0)) == ["/trade"]
    assert 'data-testid="trade-simulated"' in page
    assert 'data-testid="trade-unavailable"' not in page
    switched = re.search(r'data-testid="lang-switch"', page)
    assert switched is not None


def test_both_market_flows_alone(client: TestClient) -> None:
    page = client.get("/trade/markets?lang=zh&flow=import").text
    assert "贵州的进口来源市场" in page and 'data-flow="import"' in page
    assert client.get("/api/trade/world").json()["type"] == "FeatureCollection"


def test_start_page_and_downloads(client: TestClient) -> None:
    r = client.get("/?lang=en", follow_redirects=False)
    assert r.status_code == 307 and r.headers["location"] == "/trade?lang=en"
    for table in ("eci", "margins", "concentration", "space", "opportunities", "markets"):
        r = client.get(f"/download/trade-{table}.xlsx?lang=zh&location=guizhou")
        assert r.status_code == 200, table
    r = client.get("/download/trade-markets.csv?lang=en&location=guizhou&flow=import")
    assert r.status_code == 200 and "Imports" in r.content.decode("utf-8-sig").splitlines()[0]
    # the assessment's pages and tables are not served
    assert client.get("/download/ranking.csv").status_code == 404
    assert client.get("/unit").status_code == 404
    assert client.get("/download/trade-eci.csv?lang=fr").status_code == 422


def test_request_guard_refuses_other_hosts(folders: list[Path]) -> None:
    with TestClient(create_trade_app(TradeView.open(folders)), base_url="http://evil.example") as c:
        r = c.get("/trade")
    assert r.status_code == 400 and "--allowed-host" in r.text


runner = CliRunner()


def test_serve_without_source_or_trade_is_a_usage_error() -> None:
    result = runner.invoke(cli_app, ["serve", "--lang", "en"])
    assert result.exit_code == 2
    assert "--trade PATH to serve the trade pages on their own" in result.output


def test_serve_trade_alone_with_bad_input_exits_1() -> None:
    result = runner.invoke(cli_app, ["serve", "--trade", "nowhere.yaml", "--lang", "zh"])
    assert result.exit_code == 1 and "Traceback" not in result.output


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _get(url: str, host: str | None = None) -> tuple[int, dict[str, str], str]:
    request = urllib.request.Request(url, headers={"Host": host} if host else {})
    try:
        with urllib.request.urlopen(request, timeout=20) as response:
            return response.status, dict(response.headers), response.read().decode("utf-8")
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), exc.read().decode("utf-8")


def test_real_server_started_by_the_cli(folders: list[Path]) -> None:
    port = _free_port()
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    args = ["serve", "--port", str(port), "--lang", "en"]
    for folder in folders:
        args += ["--trade", str(folder)]
    process = subprocess.Popen(
        [sys.executable, "-c", "from kaifang.cli import main; main()", *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                    break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("the trade server did not start") from None
                time.sleep(0.1)
        origin = f"http://127.0.0.1:{port}"
        status, headers, page = _get(f"{origin}/trade/markets?lang=en&flow=import")
        assert status == 200
        assert headers["content-security-policy"] == CONTENT_SECURITY_POLICY
        assert "Import markets of Guizhou" in page
        status, _, page = _get(f"{origin}/trade?lang=zh", host="evil.example")
        assert status == 400
    finally:
        process.terminate()
        output = process.communicate(timeout=20)[0].decode("utf-8")
    assert f"Trade pages at http://127.0.0.1:{port}/trade?lang=en" in output
    assert "SIMULATED" in output
