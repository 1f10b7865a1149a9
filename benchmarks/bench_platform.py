"""Benchmark: the data-submission platform under 50 concurrent users on loopback.

A generated instance of 50 prefectures and a 60-indicator form. The server runs in its own
process (uvicorn, as `kaifang platform serve` runs it); 50 filler threads each load their entry
page, validate, save all 60 values over the API (several rounds, every round a correction) and
submit; 5 reviewer threads meanwhile read the period's overview page and the submissions list.
Prints p50/p95/p99 latency and errors per operation, and each operation's p50 as a ratio to a
baseline measured in the same run: an authenticated GET of the period list (the lightest request
that still opens a transaction).

The loop is closed: every user sends the next request as soon as the last one is answered
(``--think 0``, the default), or after an exponentially distributed pause of mean ``--think``
seconds (a separate, gentler figure; it never replaces the zero-think one). With zero think time
latency is set by throughput (Little's law: mean latency = users / requests per second), and
throughput by the CPU each request costs, so the benchmark also prints the CPU seconds the
server processes, the PostgreSQL backends and this client used in the measured window, per
request, and the mean latency those costs alone allow on this machine's cores.

SQLite by default; --backend postgresql uses the PG* environment (run it under pg_virtualenv),
connecting as a non-owner role so that row-level security applies.

The users are light HTTP/1.1 clients (``http.client``, one keep-alive connection each, as a
browser keeps one), so that the load client takes little of the cores it shares with the server.

Run: python benchmarks/bench_platform.py [--backend sqlite|postgresql] [--users 50 --rounds 3]
     [--workers 2] [--threads 4] [--think 0] [--repeat 5]

A run is short (a few seconds, under a thousand requests), so its p99 rests on a handful of
requests and moves from run to run; ``--repeat`` runs it several times, each on a new
instance, and prints every run's figures and a summary.
"""

from __future__ import annotations

import argparse
import http.client
import http.cookies
import json
import os
import random
import resource
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import yaml

from kaifang.platform import accounts, workflow
from kaifang.platform.access import SYSTEM
from kaifang.platform.instance import init_instance
from kaifang.platform.roles import grant_app_role

PASSWORD = "bench-password-1"
APP_ROLE = "kaifang_bench"


def make_inputs(folder: Path, n_regions: int, n_indicators: int) -> tuple[Path, Path]:
    indicators = [f"i{k:02d}" for k in range(n_indicators)]
    framework = {
        "id": "index",
        "name": {"en": "Benchmark index", "zh": "基准指数"},
        "children": [
            {
                "id": f"p{p}",
                "name": {"en": f"Pillar {p}", "zh": f"支柱{p}"},
                "children": [
                    {
                        "id": ind,
                        "name": {"en": ind, "zh": ind},
                        "unit": "%" if k % 3 else "x",
                        "direction": 1,
                    }
                    for k, ind in enumerate(indicators)
                    if k % 6 == p
                ],
            }
            for p in range(6)
        ],
    }
    fw = folder / "framework.yaml"
    fw.write_text(yaml.safe_dump(framework, allow_unicode=True), encoding="utf-8")
    units = folder / "units.csv"
    lines = ["code,name_en,name_zh,level,parent"]
    lines += [f"52{i:02d}00,Region {i},地区{i},prefecture,520000" for i in range(1, n_regions + 1)]
    units.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return fw, units


def pg_urls() -> tuple[str, str]:
    import psycopg

    if not os.environ.get("PGHOST"):
        raise SystemExit("--backend postgresql needs PGHOST etc.: run under pg_virtualenv")
    name = f"kaifang_bench_{os.getpid()}"
    with psycopg.connect(dbname="postgres", autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name}")
        conn.execute(f"CREATE DATABASE {name}")
        if not conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (APP_ROLE,)).fetchone():
            conn.execute(f"CREATE ROLE {APP_ROLE} LOGIN PASSWORD '{PASSWORD}'")
    host, port = os.environ["PGHOST"], os.environ.get("PGPORT", "5432")
    user, password = os.environ["PGUSER"], os.environ.get("PGPASSWORD", "")
    return (
        f"postgresql+psycopg://{user}:{password}@{host}:{port}/{name}",
        f"postgresql+psycopg://{APP_ROLE}:{PASSWORD}@{host}:{port}/{name}",
    )


def setup(
    folder: Path, backend: str, n_regions: int, n_indicators: int
) -> tuple[Path, str | None, dict[str, list[tuple[str, str, str]]]]:
    fw, units = make_inputs(folder, n_regions, n_indicators)
    owner = app_url = None
    if backend == "postgresql":
        owner, app_url = pg_urls()
    instance = folder / "instance"
    platform = init_instance(instance, fw, units, admin="admin", password=PASSWORD, database=owner)
    creds: dict[str, list[tuple[str, str, str]]] = {"fillers": [], "reviewers": []}
    with platform.tx() as s:
        admin = accounts.actor_of(accounts.list_users(s, SYSTEM)[0])
        workflow.create_period(
            s, admin, platform.framework, code="2024", year=2024, name_zh="2024", name_en="2024"
        )
        workflow.set_period_state(s, admin, "2024", "open")
        for i in range(1, n_regions + 1):
            code = f"52{i:02d}00"
            user = accounts.create_user(
                s,
                admin,
                username=f"f{i}",
                display_name=f"f{i}",
                password=PASSWORD,
                role="filler",
                scope=[code],
            )
            token = accounts.create_token(s, user, "bench", platform.secret)
            opened = accounts.open_session(s, user, platform.secret)
            creds["fillers"].append((code, token, opened.cookie))
        for i in range(5):
            user = accounts.create_user(
                s,
                admin,
                username=f"r{i}",
                display_name=f"r{i}",
                password=PASSWORD,
                role="province_reviewer",
                scope=["520000"],
            )
            opened = accounts.open_session(s, user, platform.secret)
            creds["reviewers"].append(
                ("", accounts.create_token(s, user, "bench", platform.secret), opened.cookie)
            )
    if backend == "postgresql":
        grant_app_role(platform.engine, APP_ROLE)
    platform.close()
    return instance, app_url, creds


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_server(
    instance: Path, database: str | None, port: int, workers: int = 1, threads: int | None = None
) -> subprocess.Popen[bytes]:
    args = [
        sys.executable,
        "-c",
        "from kaifang.cli import main; main()",
        "platform",
        "serve",
        str(instance),
        "--port",
        str(port),
        "--workers",
        str(workers),
    ]
    if database:
        args += ["--database", database]
    if threads is not None:
        args += ["--threads", str(threads)]
    process = subprocess.Popen(
        args,
        env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)},
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
    raise SystemExit("the server did not start")


def processes() -> list[tuple[int, int, str, list[str]]]:
    """Every process: pid, parent pid, command line and the fields of /proc/PID/stat after the
    command name (so ``fields[11:15]`` are utime, stime, cutime and cstime in clock ticks)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2 :].split()
        found.append((int(entry.name), int(fields[1]), cmdline, fields))
    return found


def cpu_counters(server_pid: int, dbname: str | None) -> dict[str, float]:
    """CPU seconds so far of the server (its process and its worker processes), of the
    PostgreSQL server holding ``dbname`` and of this client process.

    PostgreSQL: the processes of the postmaster that serves ``dbname`` (backends, writers,
    autovacuum) and the backends that already ended (their CPU is added to the postmaster's
    children counters when it reaps them): a connection closed during the run still counts.
    """
    tick = os.sysconf("SC_CLK_TCK")
    own = resource.getrusage(resource.RUSAGE_SELF)
    table = processes()
    counters = {
        "server": sum(
            int(f[11]) + int(f[12]) for pid, ppid, _, f in table if server_pid in (pid, ppid)
        )
        / tick,
        "client": own.ru_utime + own.ru_stime,
    }
    if dbname:
        postmasters = {
            ppid
            for _, ppid, cmd, _ in table
            if cmd.startswith("postgres:") and f" {dbname} " in cmd
        }
        counters["postgres"] = (
            sum(int(f[11]) + int(f[12]) for _, ppid, _, f in table if ppid in postmasters)
            + sum(int(f[13]) + int(f[14]) for pid, _, _, f in table if pid in postmasters)
        ) / tick
    return counters


class Response:
    """What a request got back: its status code and its body (read whole, as a browser does)."""

    def __init__(self, status_code: int, content: bytes) -> None:
        self.status_code = status_code
        self.content = content

    @property
    def text(self) -> str:
        return self.content.decode("utf-8", errors="replace")


class Browser:
    """One user's HTTP/1.1 client: a single persistent (keep-alive) connection, as a browser
    keeps one per site, and the cookies the server set.

    ``http.client`` rather than a full client library: the load client shares the server's
    cores here, and a lighter client leaves more of them to the server (on a real deployment
    the users' requests come from their own machines). Every request still goes over loopback
    to the real server process and every response is read whole; nothing is cached. A request
    on a kept connection that the server had already closed (its keep-alive timeout, after a
    long think) is sent once more on a new connection, as browsers do; nothing else is retried.
    """

    def __init__(self, origin: str, cookies: dict[str, str], timeout: float = 60) -> None:
        scheme, _, hostport = origin.partition("://")
        if scheme != "http":
            raise ValueError(f"only http:// origins, not {origin!r}")
        host, _, port = hostport.partition(":")
        self.host, self.port, self.timeout = host, int(port or 80), timeout
        self.cookies = dict(cookies)
        self.conn: http.client.HTTPConnection | None = None

    def __enter__(self) -> Browser:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None

    def request(
        self,
        method: str,
        path: str,
        json_body: object = None,
        headers: dict[str, str] | None = None,
    ) -> Response:
        sent = {**(headers or {})}
        body = None
        if json_body is not None:
            # compact, as httpx and browsers' JSON.stringify send it
            body = json.dumps(json_body, ensure_ascii=False, separators=(",", ":")).encode()
            sent["Content-Type"] = "application/json"
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        for attempt in (1, 2):
            reused = self.conn is not None
            if self.conn is None:
                self.conn = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
            try:
                self.conn.request(method, path, body=body, headers=sent)
                answer = self.conn.getresponse()
                content = answer.read()
            except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError):
                self.close()
                if reused and attempt == 1:
                    continue  # the server closed the idle connection before this request
                raise
            except BaseException:
                self.close()
                raise
            for header in answer.msg.get_all("Set-Cookie") or []:
                for name, morsel in http.cookies.SimpleCookie(header).items():
                    self.cookies[name] = morsel.value
            if answer.will_close:
                self.close()
            return Response(answer.status, content)
        raise AssertionError("unreachable")

    def get(self, path: str, headers: dict[str, str] | None = None) -> Response:
        return self.request("GET", path, headers=headers)

    def post(self, path: str, json: object, headers: dict[str, str] | None = None) -> Response:
        return self.request("POST", path, json_body=json, headers=headers)

    def put(self, path: str, json: object, headers: dict[str, str] | None = None) -> Response:
        return self.request("PUT", path, json_body=json, headers=headers)


class Recorder:
    def __init__(self) -> None:
        self.times: dict[str, list[float]] = {}
        self.errors: dict[str, int] = {}
        self.what: dict[str, int] = {}  # what went wrong: status code or exception, counted
        self.lock = threading.Lock()

    def call(
        self, name: str, fn: Callable[[], Response], ok: tuple[int, ...] = (200,)
    ) -> Response | None:
        start = time.perf_counter()
        try:
            response = fn()
            failed = response.status_code not in ok
            what = f"{name}: HTTP {response.status_code} {response.text[:80]!r}"
        except (OSError, http.client.HTTPException) as exc:
            response, failed = None, True
            what = f"{name}: {type(exc).__name__} {str(exc)[:80]}"
        elapsed = time.perf_counter() - start
        with self.lock:
            self.times.setdefault(name, []).append(elapsed)
            if failed:
                self.errors[name] = self.errors.get(name, 0) + 1
                self.what[what] = self.what.get(what, 0) + 1
        return response


def pause(rng: random.Random, think: float) -> None:
    """A user's think time between two requests: exponential with mean ``think`` seconds."""
    if think > 0:
        time.sleep(rng.expovariate(1 / think))


def filler(
    origin: str,
    code: str,
    token: str,
    cookie: str,
    rounds: int,
    n: int,
    rec: Recorder,
    seed: int,
    think: float = 0.0,
) -> None:
    rng = random.Random(seed)
    auth = {"Authorization": f"Bearer {token}"}
    with Browser(origin, {"kaifang_session": cookie}) as client:
        for _round in range(rounds):
            pause(rng, think)
            rec.call("entry page", lambda: client.get(f"/periods/2024/{code}"))
            values = {f"i{k:02d}": round(rng.uniform(1, 99), 2) for k in range(n)}
            body: dict[str, object] = {"values": values}
            pause(rng, think)
            rec.call(
                "validate 60",
                lambda body=body: client.post(
                    f"/api/v1/periods/2024/regions/{code}/validate", json=body, headers=auth
                ),
            )
            pause(rng, think)
            rec.call(
                "save 60",
                lambda body=body: client.put(
                    f"/api/v1/periods/2024/regions/{code}/values", json=body, headers=auth
                ),
            )
            pause(rng, think)
            rec.call("baseline: list periods", lambda: client.get("/api/v1/periods", headers=auth))
        pause(rng, think)
        rec.call(
            "submit",
            lambda: client.post(
                f"/api/v1/periods/2024/regions/{code}/submit", json={}, headers=auth
            ),
        )


def reviewer(
    origin: str,
    token: str,
    cookie: str,
    stop: threading.Event,
    rec: Recorder,
    seed: int,
    think: float = 0.0,
    run_once: bool = False,
) -> None:
    rng = random.Random(seed)
    auth = {"Authorization": f"Bearer {token}"}
    with Browser(origin, {"kaifang_session": cookie}) as client:
        while not stop.is_set():
            rec.call("review: period page", lambda: client.get("/periods/2024"))
            pause(rng, think)
            rec.call(
                "review: submissions",
                lambda: client.get("/api/v1/periods/2024/submissions", headers=auth),
            )
            if run_once:
                break
            pause(rng, think)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--indicators", type=int, default=60)
    parser.add_argument("--workers", type=int, default=1, help="server processes")
    parser.add_argument(
        "--threads",
        type=int,
        default=None,
        help="threads per server process (the server's default)",
    )
    parser.add_argument(
        "--think", type=float, default=0.0, help="mean think time (s) between a user's requests"
    )
    parser.add_argument(
        "--repeat",
        type=int,
        default=1,
        help="runs, each on a new instance and server; a summary of all runs follows",
    )
    args = parser.parse_args()
    summaries = [run_once(args) for _ in range(args.repeat)]
    if args.repeat > 1:
        print(f"\nall requests over {args.repeat} runs (each run's own figures above):")
        header = ("run", "p50 ms", "p95 ms", "p99 ms", "errors", "requests/s")
        print("".join(f"{h:>11}" for h in header))
        for k, (p50, p95, p99, errors, rate) in enumerate(summaries, 1):
            print(f"{k:>11}{p50:>11.1f}{p95:>11.1f}{p99:>11.1f}{errors:>11}{rate:>11.0f}")
        p99s = sorted(x[2] for x in summaries)
        print(
            f"p99: best {p99s[0]:.1f} ms, median {float(np.median(p99s)):.1f} ms, "
            f"worst {p99s[-1]:.1f} ms; errors {sum(x[3] for x in summaries)}"
        )


def run_once(args: argparse.Namespace) -> tuple[float, float, float, int, float]:
    """One run on a new instance and server: prints its figures and returns those of all
    requests (p50, p95, p99 ms, errors, requests per second)."""
    with tempfile.TemporaryDirectory() as tmp:
        # one more region than users: its filler warms the server up before the measured window
        instance, app_url, creds = setup(Path(tmp), args.backend, args.users + 1, args.indicators)
        warm_code, warm_token, warm_cookie = creds["fillers"].pop()
        port = free_port()
        server = start_server(instance, app_url, port, args.workers, args.threads)
        origin = f"http://127.0.0.1:{port}"
        rec = Recorder()
        stop = threading.Event()
        try:
            readers = [
                threading.Thread(
                    target=reviewer, args=(origin, t, c, stop, rec, 1000 + i, args.think)
                )
                for i, (_, t, c) in enumerate(creds["reviewers"])
            ]
            writers = [
                threading.Thread(
                    target=filler,
                    args=(origin, code, t, c, args.rounds, args.indicators, rec, i, args.think),
                )
                for i, (code, t, c) in enumerate(creds["fillers"])
            ]
            # warm-up, not measured: one user's whole round and a reviewer's reads, so that the
            # figures are of a running server, not of its first template and query compilations
            # (a new connection each time, so that every worker process is likely to get some;
            # the warm-up's own refusals, such as a save after its submit, do not matter)
            warm = Recorder()
            _, r_token, r_cookie = creds["reviewers"][0]
            for _ in range(3 * args.workers):
                filler(origin, warm_code, warm_token, warm_cookie, 1, args.indicators, warm, -1)
                reviewer(origin, r_token, r_cookie, stop, warm, -1, run_once=True)
            dbname = app_url.rsplit("/", 1)[1] if app_url else None
            cpu_before = cpu_counters(server.pid, dbname)
            start = time.perf_counter()
            for thread in readers + writers:
                thread.start()
            for thread in writers:
                thread.join()
            stop.set()
            for thread in readers:
                thread.join()
            wall = time.perf_counter() - start
            cpu_after = cpu_counters(server.pid, dbname)
        finally:
            server.terminate()
            server.wait(timeout=30)
    base = float(np.percentile(rec.times["baseline: list periods"], 50))
    print(
        f"backend={args.backend} users={args.users} reviewers=5 rounds={args.rounds} "
        f"indicators={args.indicators} workers={args.workers} threads={args.threads or 'default'} "
        f"think={args.think}s "
        f"wall={wall:.1f}s cores={os.cpu_count()} load={os.getloadavg()[0]:.1f}"
    )
    header = ("operation", "n", "p50 ms", "p95 ms", "p99 ms", "errors", "p50/base")
    print(f"{header[0]:<26}" + "".join(f"{h:>9}" for h in header[1:]))
    for name, times in sorted(rec.times.items()):
        ms = np.array(times) * 1000
        p50, p95, p99 = np.percentile(ms, [50, 95, 99])
        print(
            f"{name:<26}{len(ms):>9}{p50:>9.1f}{p95:>9.1f}{p99:>9.1f}"
            f"{rec.errors.get(name, 0):>9}{p50 / (base * 1000):>9.2f}"
        )
    all_ms = np.concatenate([np.array(t) for t in rec.times.values()]) * 1000
    print(
        f"{'all requests':<26}{len(all_ms):>9}{np.percentile(all_ms, 50):>9.1f}"
        f"{np.percentile(all_ms, 95):>9.1f}{np.percentile(all_ms, 99):>9.1f}"
        f"{sum(rec.errors.values()):>9}"
    )
    for what, n in sorted(rec.what.items()):
        print(f"error x{n}: {what}")
    count = len(all_ms)
    cpu = {k: cpu_after[k] - cpu_before[k] for k in cpu_before}
    users = args.users + 5
    print(
        f"throughput {count / wall:.0f} requests/s; mean latency {all_ms.mean():.0f} ms "
        f"(Little's law with every user busy the whole run: "
        f"{(users / (count / wall) - args.think) * 1000:.0f} ms)"
    )
    print(
        "CPU per request: "
        + ", ".join(f"{k} {v / count * 1000:.1f} ms" for k, v in cpu.items())
        + f"; total {sum(cpu.values()) / count * 1000:.1f} ms"
    )
    cores = os.cpu_count() or 1
    floor = users * sum(cpu.values()) / count / cores - args.think
    print(
        f"the least mean latency these CPU costs allow {users} users on {cores} idle cores: "
        f"{max(floor, 0) * 1000:.0f} ms (users x CPU per request / cores - think)"
    )
    return (
        float(np.percentile(all_ms, 50)),
        float(np.percentile(all_ms, 95)),
        float(np.percentile(all_ms, 99)),
        sum(rec.errors.values()),
        count / wall,
    )


if __name__ == "__main__":
    main()
