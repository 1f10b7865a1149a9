"""What the dashboard's browser tests share: an app served on a free loopback port, and a page
that records every request and every script error (CSP violations included)."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from typing import Any

import uvicorn
from playwright.sync_api import Page


def serve_app(app: Any) -> Iterator[str]:
    """Serve ``app`` in a thread until the generator is closed; yields its origin."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))  # the OS picks a free port; the bound socket avoids a race
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the dashboard server did not start")
        time.sleep(0.02)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)
    sock.close()


class Watched:
    """A page with every request URL and every script error recorded."""

    def __init__(self, page: Page, origin: str, ready_ms: int = 15000) -> None:
        self.page = page
        self.origin = origin
        self.ready_ms = ready_ms  # how long a page may take to say it is drawn
        self.requests: list[str] = []
        self.errors: list[str] = []
        page.on("request", lambda req: self.requests.append(req.url))
        page.on("pageerror", lambda exc: self.errors.append(str(exc)))
        page.on(
            "console", lambda msg: self.errors.append(msg.text) if msg.type == "error" else None
        )

    def goto(self, path: str, ready: bool = True) -> None:
        self.page.goto(self.origin + path)
        if ready:
            self.page.wait_for_selector("body[data-ready='1']", timeout=self.ready_ms)

    def foreign(self) -> list[str]:
        local = (self.origin + "/", "data:")
        return [u for u in self.requests if not u.startswith(local)]

    def check(self) -> None:
        """No request left the app and no script failed."""
        assert self.foreign() == [], f"requests to other hosts: {self.foreign()}"
        assert self.errors == [], f"script errors in the page: {self.errors}"
