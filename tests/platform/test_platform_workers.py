"""Several server processes on one port (``kaifang platform serve --workers N``): each listens
on a socket of its own, so that a burst of connections spreads over them; a killed worker is
replaced; a worker that cannot start stops the server."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from platform_support import make_platform

from kaifang.cli import listening

FACTORY = "kaifang.platform.web.app:app_from_environment"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def children(pid: int) -> list[int]:
    """The worker processes of server ``pid`` (not multiprocessing's resource tracker)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
                command = (entry / "cmdline").read_bytes()
            except OSError:
                continue
            parent = int(stat[stat.rindex(")") + 2 :].split()[1])
            if parent == pid and b"spawn_main" in command and b"resource_tracker" not in command:
                found.append(int(entry.name))
    return found


def established(pid: int, port: int, state: str = "01") -> int:
    """How many TCP sockets on local ``port`` in ``state`` process ``pid`` holds (from /proc;
    01: established connections, 0A: listening)."""
    inodes = set()
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            target = os.readlink(fd)
        except OSError:
            continue
        if target.startswith("socket:["):
            inodes.add(target[8:-1])
    count = 0
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        local_port = int(fields[1].split(":")[1], 16)
        if local_port == port and fields[3] == state and fields[9] in inodes:
            count += 1
    return count


def answered(port: int, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1) as sock:
                sock.sendall(b"GET /login HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
                if sock.recv(12).startswith(b"HTTP/1.1 200"):
                    return
        except OSError:
            pass
        time.sleep(0.2)
    raise AssertionError("the server did not answer")


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[subprocess.Popen[bytes], int]]:
    platform, _ = make_platform(tmp_path / "instance", "sqlite", None)
    platform.close()
    port = free_port()
    command = "from kaifang.cli import main; main()"
    args = ["platform", "serve", str(tmp_path / "instance"), "--port", str(port)]
    server = subprocess.Popen(
        [sys.executable, "-c", command, *args, "--workers", "2"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        answered(port)
        # every worker listening: the kernel shares connections only among listening sockets
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            workers = children(server.pid)
            if len(workers) == 2 and all(established(pid, port, "0A") for pid in workers):
                break
            time.sleep(0.2)
        yield server, port
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_a_burst_of_connections_spreads_over_the_workers(
    served: tuple[subprocess.Popen[bytes], int],
) -> None:
    server, port = served
    workers = children(server.pid)
    assert len(workers) == 2
    # 40 users at once, each keeping its connection (as browsers do): every connection is
    # answered, so each has been accepted by one of the workers
    users = [socket.create_connection(("127.0.0.1", port), timeout=30) for _ in range(40)]
    try:
        for sock in users:
            sock.sendall(b"GET /login HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        for sock in users:
            assert sock.recv(12).startswith(b"HTTP/1.1 200")
        held = [established(pid, port) for pid in workers]
        assert sum(held) == 40
        # the kernel hashes each connection to a worker: 40 fair coin tosses give fewer than 8
        # to one side with probability 2e-5; one socket shared by both gives most to one
        assert min(held) >= 8, held
    finally:
        for sock in users:
            sock.close()


def test_a_killed_worker_is_replaced(served: tuple[subprocess.Popen[bytes], int]) -> None:
    server, port = served
    first = children(server.pid)
    os.kill(first[0], signal.SIGKILL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        now = children(server.pid)
        if len(now) == 2 and first[0] not in now:
            break
        time.sleep(0.2)
    else:
        raise AssertionError("the killed worker was not replaced")
    for _ in range(10):
        answered(port)
    assert server.poll() is None


def test_a_worker_that_cannot_start_stops_the_server() -> None:
    port = free_port()
    reserved = listening.reuse_port_socket("127.0.0.1", port, listen=False)
    started = time.monotonic()
    with pytest.raises(listening.StartupFailed) as failure:
        listening.run_workers("kaifang.no_such_module:app", "127.0.0.1", port, 2, reserved)
    assert failure.value.exitcode and failure.value.exitcode > 0
    assert time.monotonic() - started < listening.STARTUP_SECONDS + 5
    assert reserved.fileno() == -1  # closed: the port is free again
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", port))


def test_the_port_in_use_is_named() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(OSError) as failure:
            listening.reuse_port_socket("127.0.0.1", port, listen=False)
        assert "--port" in listening.bind_failure("127.0.0.1", port, failure.value, zh=False)
        assert "端口已被占用" in listening.bind_failure("127.0.0.1", port, failure.value, zh=True)
