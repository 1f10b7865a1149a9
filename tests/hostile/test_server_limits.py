"""The dashboard server's limits: Host header, request body cap, HEAD, the bounded queue of the
uncertainty analysis, and ``kaifang serve``'s port checks."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx2 as httpx
import pytest
from fastapi.testclient import TestClient
from hostile_dashboard import serving
from typer.testing import CliRunner

from kaifang.cli import app as cli
from kaifang.web import Dashboard, create_app
from kaifang.web.queue import ComputeQueue, QueueFull
from kaifang.webguard import DEFAULT_MAX_BODY, ServerLimits, host_name

REPO = Path(__file__).resolve().parents[2]
GUIZHOU = REPO / "examples" / "guizhou" / "assessment.yaml"
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
    "/api-docs",
]


@pytest.fixture(scope="module")
def dashboard() -> Dashboard:
    return Dashboard.open(GUIZHOU)


@pytest.fixture(scope="module")
def client(dashboard: Dashboard) -> Iterator[TestClient]:
    with TestClient(create_app(dashboard), base_url=LOCAL) as c:
        yield c


# ---------------------------------------------------------------- Host header (DNS rebinding)


def test_host_names_parsed() -> None:
    assert host_name("localhost:8000") == "localhost"
    assert host_name("[::1]:8000") == "::1"
    assert host_name("Example.ORG") == "example.org"
    assert host_name("user@evil.example") is None
    assert host_name("evil.example/path") is None
    assert host_name("localhost:port") is None


@pytest.mark.parametrize(
    "host",
    ["evil.example", "evil.example:8000", "127.0.0.1.evil.example", "0.0.0.0:8000", "", "a b"],
)
def test_foreign_host_refused(dashboard: Dashboard, host: str) -> None:
    with TestClient(create_app(dashboard), base_url=LOCAL) as c:
        r = c.get("/api/meta", headers={"host": host})
    assert r.status_code == 400
    assert "不在本看板允许的主机名之列" in r.text and "is not one this dashboard answers" in r.text
    assert "--allowed-host" in r.text and "localhost" not in r.text  # the names stay private
    assert r.headers["x-content-type-options"] == "nosniff"


@pytest.mark.parametrize("host", ["localhost:8000", "127.0.0.1", "[::1]:9000", "LOCALHOST"])
def test_local_names_answered(client: TestClient, host: str) -> None:
    assert client.get("/api/meta", headers={"host": host}).status_code == 200


def test_configured_and_allowed_names(dashboard: Dashboard) -> None:
    limits = ServerLimits.for_host("0.0.0.0", ["dash.intranet", " Stats.Gov.Example "])
    with TestClient(create_app(dashboard, limits), base_url=LOCAL) as c:
        for host in ("dash.intranet:8000", "stats.gov.example", "localhost"):
            assert c.get("/api/meta", headers={"host": host}).status_code == 200, host
        # a wildcard address is never a name a browser sends for this server
        assert c.get("/api/meta", headers={"host": "0.0.0.0"}).status_code == 400
        assert c.get("/api/meta", headers={"host": "other.intranet"}).status_code == 400
    named = ServerLimits.for_host("10.1.2.3")
    assert "10.1.2.3" in named.allowed_hosts and "localhost" in named.allowed_hosts


# ------------------------------------------------------------------------- request body cap


def test_declared_body_over_the_cap_is_413(client: TestClient) -> None:
    body = b'{"weights": {"talent": 2}, "pad": "' + b"x" * DEFAULT_MAX_BODY + b'"}'
    r = client.post("/api/whatif", content=body, headers={"content-type": "application/json"})
    assert r.status_code == 413
    assert "请求体过大" in r.text and "Request body too large" in r.text
    assert "1,000,000" in r.text


def test_body_under_the_cap_is_served(client: TestClient) -> None:
    r = client.post("/api/whatif", json={"weights": {"talent": 2}})
    assert r.status_code == 200


def test_streamed_body_over_the_cap_is_413(dashboard: Dashboard) -> None:
    """No Content-Length (chunked): the body is counted as it arrives, on a real server."""
    limits = ServerLimits(max_body=10_000)

    def chunks() -> Iterator[bytes]:
        yield b'{"weights": {"talent": 2}, "pad": "'
        for _ in range(100):
            yield b"x" * 1000
        yield b'"}'

    with serving(dashboard, limits) as origin:
        r = httpx.post(
            f"{origin}/api/whatif", content=chunks(), headers={"content-type": "application/json"}
        )
        assert r.status_code == 413, r.text
        assert "10,000" in r.text
        small = httpx.post(f"{origin}/api/whatif", json={"weights": {"talent": 2}})
        assert small.status_code == 200


def test_bad_content_length_is_refused(client: TestClient) -> None:
    r = client.post(
        "/api/whatif",
        content=b"{}",
        headers={"content-type": "application/json", "content-length": "-5"},
    )
    assert r.status_code in (400, 413)


# --------------------------------------------------------------------------------------- HEAD


@pytest.mark.parametrize("path", [*PAGES, "/api/meta", "/static/css/app.css"])
def test_head_answers_like_get_without_a_body(client: TestClient, path: str) -> None:
    get = client.get(f"{path}?lang=en")
    head = client.head(f"{path}?lang=en")
    assert get.status_code == head.status_code == 200
    assert head.content == b""
    assert head.headers["content-type"] == get.headers["content-type"]
    assert head.headers["content-length"] == str(len(get.content))
    assert "content-security-policy" in head.headers


def test_head_of_an_unknown_page_is_404(client: TestClient) -> None:
    r = client.head("/nope")
    assert r.status_code == 404 and r.content == b""


# ------------------------------------------------------------- the uncertainty analysis queue


def test_queue_runs_one_at_a_time_and_refuses_when_full() -> None:
    queue = ComputeQueue(waiting=2)
    release = threading.Event()
    running = 0
    most = 0
    lock = threading.Lock()
    results: list[object] = []

    def slow() -> int:
        nonlocal running, most
        with lock:
            running += 1
            most = max(most, running)
        release.wait(10)
        with lock:
            running -= 1
        return 1

    def call() -> None:
        try:
            results.append(queue.run(slow))
        except QueueFull as exc:
            results.append(exc)

    threads = [threading.Thread(target=call) for _ in range(3)]
    for th in threads:
        th.start()
    _wait_until(lambda: queue.in_use == 3)  # the three hold the queue: one runs, two wait
    with pytest.raises(QueueFull):
        queue.run(lambda: 0)  # refused at once, without waiting
    release.set()
    for th in threads:
        th.join(10)
    assert results == [1, 1, 1] and most == 1
    assert queue.run(lambda: 7) == 7  # free again


def test_sensitivity_429_when_the_queue_is_full(dashboard: Dashboard) -> None:
    with TestClient(create_app(dashboard), base_url=LOCAL) as c:
        # a result computed before the queue fills is still served from the cache
        assert c.get("/api/sensitivity", params={"n": 50}).status_code == 200
        full = ComputeQueue(waiting=0)
        original = dashboard.sensitivity_queue
        dashboard.sensitivity_queue = full
        release = threading.Event()
        holder = threading.Thread(target=full.run, args=(lambda: release.wait(10),))
        holder.start()
        try:
            _wait_until(lambda: full.in_use == 1)
            r = c.get("/api/sensitivity", params={"n": 60, "lang": "zh"})
            assert r.status_code == 429
            assert "服务器正忙" in r.json()["detail"]
            assert r.headers["retry-after"].isdigit()
            r = c.get("/api/sensitivity", params={"n": 60})
            assert r.status_code == 429 and "server is busy" in r.json()["detail"]
            page = c.get("/sensitivity", params={"n": 60, "lang": "zh"})
            assert page.status_code == 429 and "服务器正忙" in page.text
            cached = c.get("/api/sensitivity", params={"n": 50})
            assert cached.status_code == 200 and cached.json()["cached"] is True
        finally:
            release.set()
            holder.join(10)
            dashboard.sensitivity_queue = original


def test_sensitivity_n_out_of_range_says_why(client: TestClient) -> None:
    r = client.get("/api/sensitivity", params={"n": 3, "lang": "zh"})
    assert r.status_code == 422 and "50 到 2000" in r.json()["detail"]
    page = client.get("/sensitivity", params={"n": 3, "lang": "en"})
    assert page.status_code == 422 and "between 50 and 2000" in page.text
    assert client.get("/sensitivity", params={"n": 99999}).status_code == 422


# ------------------------------------------------------------------------- kaifang serve ports


runner = CliRunner()


@pytest.mark.parametrize("port", ["99999", "0", "-1", "http"])
def test_serve_bad_port_is_a_usage_error(port: str) -> None:
    result = runner.invoke(cli, ["serve", str(GUIZHOU), "--port", port, "--lang", "en"])
    assert result.exit_code == 2
    assert "--port" in result.output and "Traceback" not in result.output
    assert isinstance(result.exception, SystemExit)


def test_serve_busy_port_is_a_clear_message(monkeypatch: pytest.MonkeyPatch) -> None:
    import uvicorn

    monkeypatch.setattr(uvicorn.Server, "run", lambda self, sockets=None: None)
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen(1)
        port = busy.getsockname()[1]
        for lang, words in (("en", "cannot listen on"), ("zh", "无法在")):
            result = runner.invoke(
                cli, ["serve", str(GUIZHOU), "--port", str(port), "--lang", lang]
            )
            assert result.exit_code == 1, result.output
            assert words in result.output and str(port) in result.output
            assert "Traceback" not in result.output
            assert isinstance(result.exception, SystemExit)


def test_serve_passes_allowed_hosts(monkeypatch: pytest.MonkeyPatch) -> None:
    import uvicorn

    seen: dict[str, object] = {}

    def fake_run(server: uvicorn.Server, sockets: list[socket.socket]) -> None:
        seen["app"] = server.config.app

    monkeypatch.setattr(uvicorn.Server, "run", fake_run)
    result = runner.invoke(
        cli,
        [
            "serve",
            str(GUIZHOU),
            "--port",
            _free_port(),
            "--allowed-host",
            "dash.intranet",
            "--max-body",
            "2000",
        ],
    )
    assert result.exit_code == 0, result.output
    with TestClient(seen["app"], base_url=LOCAL) as c:  # type: ignore[arg-type]
        assert c.get("/api/meta", headers={"host": "dash.intranet"}).status_code == 200
        assert c.get("/api/meta", headers={"host": "evil.example"}).status_code == 400
        big = c.post("/api/whatif", content=b"x" * 2001, headers={"host": "localhost"})
        assert big.status_code == 413


def test_cli_default_body_cap_is_the_servers() -> None:
    from kaifang.cli.serve import DEFAULT_MAX_BODY as CLI_DEFAULT

    assert CLI_DEFAULT == DEFAULT_MAX_BODY


def _wait_until(condition: Callable[[], bool], timeout: float = 10) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.01)


def _free_port() -> str:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return str(probe.getsockname()[1])
