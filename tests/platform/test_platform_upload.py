"""Excel template download and upload; a server killed in the middle of an upload."""

from __future__ import annotations

import io
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import openpyxl
from fastapi.testclient import TestClient
from platform_support import LOCAL, actor, csrf_of, login
from sqlalchemy import func, select

from kaifang.platform import review, workflow
from kaifang.platform.instance import Platform
from kaifang.platform.models import ValueVersion
from kaifang.platform.web import create_app


def _open_period(platform: Platform) -> None:
    admin = actor(platform, "admin")
    with platform.tx(admin) as s:
        workflow.create_period(
            s, admin, platform.framework, code="2024", year=2024, name_zh="x", name_en="x"
        )
        workflow.set_period_state(s, admin, "2024", "open")


def _filled(template: bytes, changes: dict[str, object], notes: dict[str, str]) -> bytes:
    book = openpyxl.load_workbook(io.BytesIO(template))
    sheet = book["data"]
    for row in sheet.iter_rows(min_row=2):
        indicator = row[2].value
        if indicator in changes:
            row[3].value = changes[indicator]
        if indicator in notes:
            row[4].value = notes[indicator]
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_template_round_trip_and_bad_upload(platform: Platform) -> None:
    _open_period(platform)
    client = TestClient(create_app(platform), raise_server_exceptions=False, base_url=LOCAL)
    csrf = login(client, "filler_gy")
    template = client.get("/periods/2024/520100/template.xlsx")
    assert template.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(template.content))
    rows = list(book["data"].iter_rows(min_row=2, values_only=True))
    assert len(rows) == 53 and {r[0] for r in rows} == {"520100"} and {r[1] for r in rows} == {2024}
    content = _filled(
        template.content, {"gdp": 5000, "trade_total": 321.5}, {"gdp": "from the bureau"}
    )
    answer = client.post(
        "/periods/2024/520100/upload",
        data={"csrf": csrf},
        files={"file": ("guiyang.xlsx", content)},
        follow_redirects=False,
    )
    assert answer.status_code == 303, answer.text[:2000]
    api = client.get("/api/v1/periods/2024/regions/520100").json()
    assert api["values"] == {"gdp": 5000.0, "trade_total": 321.5}
    assert api["explanations"] == {"gdp": "from the bureau"}
    # a bad cell and a share above 100: every problem named, nothing saved
    bad = _filled(template.content, {"gdp": "12x", "trade_total": 999}, {})
    refused = client.post(
        "/periods/2024/520100/upload?lang=en",
        data={"csrf": csrf},
        files={"file": ("guiyang.xlsx", bad)},
    )
    assert refused.status_code == 422
    assert "guiyang.xlsx" in refused.text and "row" in refused.text and "12x" in refused.text
    assert (
        client.get("/api/v1/periods/2024/regions/520100").json()["values"]["trade_total"] == 321.5
    )
    # a file for another year is refused with its rows
    book = openpyxl.load_workbook(io.BytesIO(template.content))
    book["data"]["B2"].value = 2023
    other = io.BytesIO()
    book.save(other)
    wrong_year = client.post(
        "/periods/2024/520100/upload?lang=en",
        data={"csrf": csrf},
        files={"file": ("x.xlsx", other.getvalue())},
    )
    assert wrong_year.status_code == 422 and "not the period" in wrong_year.text


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _start(folder: Path, port: int) -> subprocess.Popen[bytes]:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    process = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "from kaifang.cli import main; main()",
            "platform",
            "serve",
            str(folder),
            "--port",
            str(port),
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return process
        except OSError:
            time.sleep(0.1)
    process.kill()
    raise RuntimeError("the platform server did not start")


def test_server_killed_mid_upload_leaves_nothing(
    platform: Platform, backend: str, tmp_path: Path
) -> None:
    _open_period(platform)
    client = TestClient(create_app(platform), raise_server_exceptions=False, base_url=LOCAL)
    csrf = login(client, "filler_gy")
    cookie = client.cookies.get("kaifang_session")
    template = client.get("/periods/2024/520100/template.xlsx").content
    content = _filled(template, {"gdp": 5000}, {})
    boundary = "kaifangboundary"
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="csrf"\r\n\r\n{csrf}\r\n'
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="g.xlsx"\r\n'
            "Content-Type: application/octet-stream\r\n\r\n"
        ).encode()
        + content
        + f"\r\n--{boundary}--\r\n".encode()
    )
    port = _free_port()
    folder = platform.folder
    # the server runs with the instance's own settings (SQLite file, or PostgreSQL as owner)
    server = _start(folder, port)
    try:
        with socket.create_connection(("127.0.0.1", port)) as sock:
            head = (
                "POST /periods/2024/520100/upload HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                f"Cookie: kaifang_session={cookie}\r\n"
                f"Content-Type: multipart/form-data; boundary={boundary}\r\n"
                f"Content-Length: {len(body)}\r\n\r\n"
            ).encode()
            sock.sendall(head + body[: len(body) // 2])
            time.sleep(0.5)
            server.send_signal(signal.SIGKILL)
            server.wait(timeout=30)
    finally:
        if server.poll() is None:
            server.kill()
    admin = actor(platform, "admin")
    with platform.tx() as session:
        assert session.scalar(select(func.count()).select_from(ValueVersion)) == 0
        assert review.verify_audit(session, admin) is None
    if backend == "sqlite":
        with sqlite3.connect(folder / "platform.db") as conn:
            assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    # after a restart the same upload goes through whole
    server = _start(folder, port)
    try:
        with socket.create_connection(("127.0.0.1", port)) as sock:
            sock.sendall(head + body)
            reply = sock.recv(4096).decode(errors="replace")
        assert reply.startswith("HTTP/1.1 303"), reply[:300]
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
    with platform.tx() as session:
        assert session.scalar(select(func.count()).select_from(ValueVersion)) == 1
    assert csrf_of(client.get("/account").text)
