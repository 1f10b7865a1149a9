"""Hostile requests against the platform's Host check (DNS rebinding), on SQLite and PostgreSQL:
a foreign Host header is refused on every route before the application sees it, the names
allowed at start are answered, and the IPv6 loopback works; ``kaifang platform serve
--allowed-host`` reaches the server, with one process and with several."""

from __future__ import annotations

import re
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx2 as httpx
import pytest
import uvicorn
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from platform_support import ADMIN_PASSWORD, LOCAL, login, make_platform
from sqlalchemy import select
from typer.testing import CliRunner

from kaifang.cli import app as cli
from kaifang.cli import listening
from kaifang.platform.instance import Platform
from kaifang.platform.models import Period
from kaifang.platform.web import admin_pages, api, create_app, pages
from kaifang.platform.web.app import (
    DATABASE_VARIABLE,
    FOLDER_VARIABLE,
    HOSTS_VARIABLE,
    app_from_environment,
    default_limits,
)

FOREIGN = ["evil.example", "evil.example:8100", "127.0.0.1.evil.example", "0.0.0.0:8100", ""]
# a value for every path parameter of the platform's routes
PARAMETERS = {
    "code": "2024",
    "region": "520100",
    "region_code": "520100",
    "user_id": "1",
    "token_id": "1",
}
STATIC = ["/static/platform/entry.js", "/static/css/app.css", "/no-such-page"]


def every_route() -> list[tuple[str, str]]:
    """(method, path) of every route of the API, the pages and the administration pages, with
    its parameters filled in, and the static folders."""
    found = []
    for router in (api.router, pages.router, admin_pages.router):
        for route in router.routes:
            assert isinstance(route, APIRoute)
            path = re.sub(r"\{(\w+)\}", lambda m: PARAMETERS[m.group(1)], route.path)
            found += [(method, path) for method in sorted(route.methods or ())]
    return found + [("GET", path) for path in STATIC]


def assert_refused(response: httpx.Response, host: str) -> None:
    assert response.status_code == 400, (response.status_code, response.text[:300])
    assert response.headers["content-type"] == "application/json"
    answer = response.json()
    assert answer["error"] == "host_not_allowed"
    assert "不在本平台允许的主机名之列" in answer["message"]
    assert "is not one this platform answers" in answer["message"]
    assert "--allowed-host" in answer["message"]
    # the names that are answered stay private: a rebinding page could read this answer
    rest = answer["message"].replace(host, "")
    assert "localhost" not in rest and "127.0.0.1" not in rest
    assert "Traceback" not in response.text
    assert response.headers["x-content-type-options"] == "nosniff"
    assert "set-cookie" not in response.headers


@pytest.fixture
def client(platform: Platform) -> Iterator[TestClient]:
    with TestClient(create_app(platform), raise_server_exceptions=False, base_url=LOCAL) as c:
        yield c


def test_routes_are_all_covered() -> None:
    """The list below the refusal test is the application's: a new route is tested too."""
    routes = every_route()
    assert ("PUT", "/api/v1/periods/2024/regions/520100/values") in routes
    assert ("POST", "/periods/2024/publish") in routes and ("GET", "/audit") in routes
    assert len(routes) > 30


@pytest.mark.parametrize("host", FOREIGN)
def test_foreign_host_refused_on_every_route(client: TestClient, host: str) -> None:
    csrf = login(client, "admin", ADMIN_PASSWORD)  # a logged-in session does not help
    for method, path in every_route():
        response = client.request(
            method,
            path,
            headers={"host": host, "x-csrf-token": csrf},
            data={"csrf": csrf} if method == "POST" and not path.startswith("/api/") else None,
            follow_redirects=False,
        )
        assert_refused(response, host)
        head = client.head(path, headers={"host": host})
        assert head.status_code == 400 and head.content == b""


def test_refused_request_changes_nothing(platform: Platform, client: TestClient) -> None:
    """The check comes before the application: a form posted with a session, a valid CSRF
    token and a foreign Host creates nothing, and a login through it gets no session."""
    csrf = login(client, "admin", ADMIN_PASSWORD)
    form = {"csrf": csrf, "code": "rebound", "year": "2024", "name_zh": "x", "name_en": "x"}
    refused = client.post(
        "/periods", data=form, headers={"host": "evil.example"}, follow_redirects=False
    )
    assert_refused(refused, "evil.example")
    with platform.read() as session:
        assert session.scalars(select(Period).where(Period.code == "rebound")).first() is None
    fresh = TestClient(create_app(platform), raise_server_exceptions=False, base_url=LOCAL)
    login_page = fresh.get("/login")
    token = re.search(r'name="csrf" value="([^"]+)"', login_page.text)
    assert token is not None
    answer = fresh.post(
        "/login",
        data={"csrf": token.group(1), "username": "admin", "password": ADMIN_PASSWORD},
        headers={"host": "evil.example:8100"},
        follow_redirects=False,
    )
    assert_refused(answer, "evil.example:8100")
    assert fresh.get("/periods", follow_redirects=False).status_code == 303  # still logged out


@pytest.mark.parametrize("path", ["/login?lang=en", "/static/platform/platform.css", "/periods"])
def test_head_answered_like_get(client: TestClient, path: str) -> None:
    """The shared guard answers HEAD on every GET route of the platform too."""
    login(client, "admin", ADMIN_PASSWORD)
    get = client.get(path)
    head = client.head(path)
    assert get.status_code == head.status_code == 200
    assert head.content == b"" and head.headers["content-type"] == get.headers["content-type"]
    assert head.headers["cache-control"] == "no-store"


@pytest.mark.parametrize("host", ["localhost:8100", "127.0.0.1", "[::1]:8100", "LOCALHOST"])
def test_local_names_answered(client: TestClient, host: str) -> None:
    assert client.get("/login", headers={"host": host}).status_code == 200
    assert client.get("/api/v1/periods", headers={"host": host}).status_code == 401


def test_names_allowed_at_start_answered(platform: Platform) -> None:
    limits = default_limits("0.0.0.0", ["plat.intranet", " Stats.Gov.Example ", "[fd00::5]"])
    with TestClient(create_app(platform, limits), base_url=LOCAL) as c:
        for host in ("plat.intranet:8100", "stats.gov.example", "[fd00::5]:8100", "localhost"):
            assert c.get("/login", headers={"host": host}).status_code == 200, host
        login(c, "admin", ADMIN_PASSWORD)
        assert c.get("/periods", headers={"host": "plat.intranet"}).status_code == 200
        # a wildcard address is never a name a browser sends for this server
        for host in ("0.0.0.0", "other.intranet", "plat.intranet.evil.example"):
            assert_refused(c.get("/login", headers={"host": host}), host)
    named = default_limits("10.1.2.3")
    assert "10.1.2.3" in named.allowed_hosts and "localhost" in named.allowed_hosts


def test_ipv6_loopback_on_a_real_server(platform: Platform) -> None:
    """Listening on ::1: the browser's Host is ``[::1]:port``, and it is answered."""
    sock = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
    sock.bind(("::1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(
        uvicorn.Config(create_app(platform, default_limits("::1")), log_level="warning")
    )
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + 30
        while not server.started:
            assert thread.is_alive() and time.monotonic() < deadline, "server did not start"
            time.sleep(0.02)
        origin = f"http://[::1]:{port}"
        page = httpx.get(f"{origin}/login?lang=en", timeout=30)
        assert page.status_code == 200 and "csrf" in page.text
        assert httpx.get(f"{origin}/api/v1/periods", timeout=30).status_code == 401
        rebound = httpx.get(f"{origin}/login", headers={"host": "evil.example"}, timeout=30)
        assert_refused(rebound, "evil.example")
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()


# ---------------------------------------------------------------- kaifang platform serve


runner = CliRunner()


@pytest.fixture
def sqlite_instance(tmp_path: Path) -> Iterator[Path]:
    instance, _ = make_platform(tmp_path / "instance", "sqlite", None)
    instance.close()
    yield tmp_path / "instance"


def serve_cli(monkeypatch: pytest.MonkeyPatch, folder: Path, *options: str) -> object:
    """``kaifang platform serve FOLDER OPTIONS`` with uvicorn (one process) and the worker
    processes (several) replaced: what it would run."""
    seen: dict[str, object] = {}
    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: seen.update(app=app))
    monkeypatch.setattr(listening, "reuse_port_socket", lambda *args, **kw: socket.socket())
    monkeypatch.setattr(
        listening, "run_workers", lambda app, *args, **kw: seen.update(app=app) or args[-1].close()
    )
    result = runner.invoke(cli, ["platform", "serve", str(folder), *options])
    assert result.exit_code == 0, result.output
    return seen["app"]


def test_serve_passes_allowed_hosts(sqlite_instance: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    hosts = ["--allowed-host", "plat.intranet", "--allowed-host", "stats.example"]
    app = serve_cli(monkeypatch, sqlite_instance, "--host", "0.0.0.0", *hosts)
    with TestClient(app, base_url=LOCAL) as c:  # type: ignore[arg-type]
        for host in ("plat.intranet:8100", "stats.example", "localhost"):
            assert c.get("/login", headers={"host": host}).status_code == 200, host
        assert_refused(c.get("/login", headers={"host": "evil.example"}), "evil.example")
        assert_refused(c.get("/login", headers={"host": "0.0.0.0"}), "0.0.0.0")


def test_serve_workers_pass_allowed_hosts(
    sqlite_instance: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With several processes each worker builds its app from the environment."""
    for name in (FOLDER_VARIABLE, DATABASE_VARIABLE, HOSTS_VARIABLE):
        monkeypatch.setenv(name, "")  # restored after the test
    monkeypatch.delenv(DATABASE_VARIABLE)
    options = ["--host", "10.1.2.3", "--workers", "2", "--allowed-host", "plat.intranet"]
    app = serve_cli(monkeypatch, sqlite_instance, *options)
    assert app == "kaifang.platform.web.app:app_from_environment"
    worker = app_from_environment()
    with TestClient(worker, base_url=LOCAL) as c:
        for host in ("plat.intranet", "10.1.2.3:8100", "[::1]"):
            assert c.get("/login", headers={"host": host}).status_code == 200, host
        assert_refused(c.get("/login", headers={"host": "evil.example"}), "evil.example")
    worker.state.platform.close()
