"""Listening sockets for the servers: one socket for one server process, or one socket per
process for several processes on one port.

Several processes, each accepting on a listening socket of its own:

uvicorn's own workers share one listening socket, and asyncio accepts every connection that
is waiting when its event loop wakes up. When many users connect at once (the morning's first
requests, or the load benchmark's 55 users), the process that wakes first takes the whole
burst while the others idle, and keeps it for as long as the browsers keep their connections
alive: one core works for all while the other waits. Here each process listens on a socket of
its own with ``SO_REUSEPORT``, and the kernel hands each new connection to one of them by a
hash of its addresses, so a burst spreads over the processes.

The parent process keeps the port bound (not listening, so that it is never handed a
connection) from before the workers start to after they end, starts the workers, replaces a
worker that dies while serving (or is killed), and stops them all on SIGINT or SIGTERM. A
worker that exits with an error in its first seconds (its app cannot start: a database it
cannot open) stops the server with an error instead of being restarted again and again.

Only where the system has ``SO_REUSEPORT`` (Linux, macOS, the BSDs): elsewhere the caller
falls back to uvicorn's workers (:func:`available`).
"""

from __future__ import annotations

import errno
import multiprocessing
import signal
import socket
import threading
import time
from typing import Any

# a worker that ends this soon after its start never served: its app cannot start
STARTUP_SECONDS = 10.0
STOP_SECONDS = 10.0


def bind_listening_socket(host: str, port: int) -> socket.socket:
    """A TCP socket bound to ``host:port``, ready for uvicorn (IPv6 when the host holds a colon,
    as uvicorn decides); OSError when the address is taken or cannot be used. Binding here,
    before uvicorn starts, turns a busy port into a message instead of a server that never
    starts."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        # as uvicorn does: a restarted server can reuse the port of the previous one at once
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host.strip("[]"), port))
        sock.listen(2048)
    except OSError:
        sock.close()
        raise
    sock.set_inheritable(True)
    return sock


def bind_failure(host: str, port: int, exc: OSError, zh: bool) -> str:
    """Why the server cannot listen, and what to do about it."""
    reason = exc.strerror or str(exc)
    if exc.errno == errno.EADDRINUSE:
        advice = (
            "端口已被占用，请用 --port 换一个端口",
            "the port is in use; choose another with --port",
        )
    elif exc.errno in (errno.EACCES, errno.EPERM):
        advice = (
            "没有权限使用该端口，请用 --port 选择 1024 以上的端口",
            "no permission for this port; choose one above 1024 with --port",
        )
    else:
        advice = (
            "请检查 --host 是否为本机的地址",
            "check that --host is an address of this machine",
        )
    if zh:
        # the system's reason is English: named only when the advice does not say it
        known = exc.errno in (errno.EADDRINUSE, errno.EACCES, errno.EPERM)
        detail = "" if known else f"（系统信息：{reason}）"
        return f"无法在 {host}:{port} 上监听{detail}：{advice[0]}。"
    return f"cannot listen on {host}:{port} ({reason}): {advice[1]}"


def available() -> bool:
    """Whether the system lets several sockets listen on one port (``SO_REUSEPORT``)."""
    return hasattr(socket, "SO_REUSEPORT")


def reuse_port_socket(host: str, port: int, listen: bool) -> socket.socket:
    """A TCP socket bound to ``host:port`` with ``SO_REUSEPORT`` (and ``SO_REUSEADDR``, as
    uvicorn sets it), listening when ``listen``; OSError when the address cannot be used.
    IPv6 when the host holds a colon, as uvicorn decides."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        sock.bind((host.strip("[]"), port))
        if listen:
            sock.listen(2048)
    except OSError:
        sock.close()
        raise
    return sock


def _worker(app: str, host: str, port: int, options: dict[str, Any]) -> None:
    """A worker process: its own listening socket, then uvicorn serving ``app`` (an import
    path of an app factory) on it until SIGTERM."""
    import uvicorn

    sock = reuse_port_socket(host, port, listen=True)
    server = uvicorn.Server(uvicorn.Config(app, factory=True, **options))
    try:
        server.run(sockets=[sock])
    finally:
        sock.close()


class StartupFailed(Exception):
    """A worker ended right after its start: the app cannot start."""

    def __init__(self, exitcode: int | None) -> None:
        super().__init__(f"a server process ended at its start (exit code {exitcode})")
        self.exitcode = exitcode


def run_workers(
    app: str, host: str, port: int, workers: int, reserved: socket.socket, **options: Any
) -> None:
    """Serve the app factory ``app`` (``"package.module:function"``) with ``workers``
    processes on ``host:port`` until SIGINT or SIGTERM; ``reserved`` is the parent's bound,
    not listening :func:`reuse_port_socket`, closed at the end. ``options`` go to
    ``uvicorn.Config``. Raises :class:`StartupFailed` when a worker dies at its start."""
    context = multiprocessing.get_context("spawn")
    stop = threading.Event()
    previous = {sig: signal.signal(sig, lambda *_: stop.set()) for sig in _SIGNALS}

    def start() -> tuple[Any, float]:
        process = context.Process(target=_worker, args=(app, host, port, options), daemon=True)
        process.start()
        return process, time.monotonic()

    running = [start() for _ in range(workers)]
    failed: int | None = None
    try:
        while not stop.wait(0.5):
            for k, (process, started) in enumerate(running):
                if process.is_alive():
                    continue
                code = process.exitcode or 0
                if code > 0 and time.monotonic() - started < STARTUP_SECONDS:
                    failed = code  # it exited by itself at once: it cannot start
                    stop.set()
                    break
                running[k] = start()  # died while serving, or killed: replaced
    finally:
        for process, _ in running:
            if process.is_alive():
                process.terminate()
        deadline = time.monotonic() + STOP_SECONDS
        for process, _ in running:
            process.join(max(0.1, deadline - time.monotonic()))
            if process.is_alive():
                process.kill()
                process.join()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        reserved.close()
    if failed is not None:
        raise StartupFailed(failed)


_SIGNALS = (signal.SIGINT, signal.SIGTERM)
