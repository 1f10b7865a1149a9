"""Benchmark: the server CPU and SQL statements of each kind of platform request, one at a time.

The load benchmark (``bench_platform.py``) measures latency under 55 concurrent users; this one
says where the CPU goes. The platform's app is called in this process as uvicorn calls it (the
ASGI interface, with every middleware, the thread the endpoint runs in and the database), one
request after another with no contention and no HTTP parsing, and the process's CPU time is
divided by the number of requests. Each kind is printed as CPU ms, SQL statements and its ratio
to the baseline, the period list (the lightest request that still opens a transaction).

Each filler saves to its own submission a handful of times in the load benchmark; here the
saves of one kind go to ``--regions`` submissions in turn, so that a submission gets
``--n / --regions`` versions of each value, as many as a form gets in a long session.

Run: python benchmarks/bench_platform_requests.py [--backend sqlite|postgresql] [--n 300]
(PostgreSQL under pg_virtualenv, as bench_platform.py).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import event

sys.path.insert(0, str(Path(__file__).parent))
# the same instance and users as the load benchmark
import bench_platform

from kaifang.platform.instance import Platform
from kaifang.platform.web.app import create_app

Request = tuple[str, str, Any, list[tuple[str, str]]]


async def call(app: Any, method: str, path: str, body: Any, headers: list[tuple[str, str]]) -> int:
    """One request through the ASGI interface; its status code."""
    raw = json.dumps(body).encode() if body is not None else b""
    sent = [(b"host", b"127.0.0.1")] + [(k.lower().encode(), v.encode()) for k, v in headers]
    if body is not None:
        length = str(len(raw)).encode()
        sent += [(b"content-type", b"application/json"), (b"content-length", length)]
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": sent,
        "client": ("127.0.0.1", 50000),
        "server": ("127.0.0.1", 80),
        "state": {},
    }
    answered: dict[str, int] = {}
    received = False

    async def receive() -> dict[str, Any]:
        nonlocal received
        if not received:
            received = True
            return {"type": "http.request", "body": raw, "more_body": False}
        await asyncio.sleep(3600)  # the client never disconnects
        raise AssertionError("unreachable")

    async def send(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start":
            answered["status"] = message["status"]

    await app(scope, receive, send)
    return answered["status"]


def request_kinds(
    creds: dict[str, list[tuple[str, str, str]]], n_indicators: int, seed: int
) -> dict[str, Callable[[int], Request]]:
    rng = random.Random(seed)
    fillers = creds["fillers"]
    _, reviewer_token, reviewer_cookie = creds["reviewers"][0]

    def values() -> dict[str, Any]:
        return {"values": {f"i{k:02d}": round(rng.uniform(1, 99), 2) for k in range(n_indicators)}}

    def filler(k: int) -> tuple[str, list[tuple[str, str]], list[tuple[str, str]]]:
        code, token, cookie = fillers[k % len(fillers)]
        bearer = [("Authorization", f"Bearer {token}")]
        return code, bearer, [("Cookie", f"kaifang_session={cookie}")]

    def entry(k: int) -> Request:
        code, _, cookie = filler(k)
        return ("GET", f"/periods/2024/{code}", None, cookie)

    def validate(k: int) -> Request:
        code, token, _ = filler(k)
        return ("POST", f"/api/v1/periods/2024/regions/{code}/validate", values(), token)

    def save(k: int) -> Request:
        code, token, _ = filler(k)
        return ("PUT", f"/api/v1/periods/2024/regions/{code}/values", values(), token)

    def periods(k: int) -> Request:
        return ("GET", "/api/v1/periods", None, filler(k)[1])

    def overview(_k: int) -> Request:
        return ("GET", "/periods/2024", None, [("Cookie", f"kaifang_session={reviewer_cookie}")])

    def submissions(_k: int) -> Request:
        token = [("Authorization", f"Bearer {reviewer_token}")]
        return ("GET", "/api/v1/periods/2024/submissions", None, token)

    return {
        "baseline: list periods": periods,
        # saves first, so that the entry pages and validations after them find values, as in
        # the load benchmark's later rounds
        "save 60": save,
        "entry page": entry,
        "validate 60": validate,
        "review: period page": overview,
        "review: submissions": submissions,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--n", type=int, default=300, help="requests of each kind")
    parser.add_argument("--regions", type=int, default=50)
    parser.add_argument("--indicators", type=int, default=60)
    parser.add_argument(
        "--only",
        default=None,
        help="measure this kind alone (besides the baseline), e.g. to profile it",
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        instance, app_url, creds = bench_platform.setup(
            Path(tmp), args.backend, args.regions, args.indicators
        )
        platform = Platform.open(instance, database=app_url)
        app = create_app(platform)
        statements = [0]

        def count(*_: Any) -> None:
            statements[0] += 1

        engines = {platform.engine}
        if platform.reader is not None:
            engines.add(platform.reader.kw["bind"])
        for engine in engines:
            event.listen(engine, "before_cursor_execute", count)
        kinds = request_kinds(creds, args.indicators, seed=1)
        if args.only is not None:
            if args.only not in kinds:
                raise SystemExit(f"--only: one of {', '.join(kinds)}")
            kinds = {k: v for k, v in kinds.items() if k in (args.only, "baseline: list periods")}

        async def run() -> dict[str, tuple[float, float]]:
            found = {}
            async with app.router.lifespan_context(app):
                for name, make in kinds.items():  # warm-up: templates, statements, caches
                    for k in range(10):
                        status = await call(app, *make(k))
                        if status != 200:
                            raise SystemExit(f"{name}: HTTP {status} in the warm-up")
                for name, make in kinds.items():
                    requests = [make(k) for k in range(args.n)]
                    statements[0] = 0
                    start = time.process_time()
                    for request in requests:
                        await call(app, *request)
                    cpu = time.process_time() - start
                    found[name] = (cpu / args.n * 1000, statements[0] / args.n)
            return found

        try:
            results = asyncio.run(run())
        finally:
            platform.close()
    base = results["baseline: list periods"][0]
    print(
        f"backend={args.backend} requests of each kind={args.n} regions={args.regions} "
        f"indicators={args.indicators}"
    )
    print(f"{'request':<24}{'CPU ms':>9}{'statements':>12}{'CPU/base':>10}")
    for name, (ms, per) in results.items():
        print(f"{name:<24}{ms:>9.2f}{per:>12.1f}{ms / base:>10.2f}")


if __name__ == "__main__":
    main()
