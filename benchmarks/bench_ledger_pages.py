"""Benchmark: the ledger's pages on the Guizhou example (SIMULATED data), in process.

A SQLite instance with the example's assessment (so that the ledger has indicator evidence) and
its ledger imported. Times, for a province reviewer:
- the baseline: the account page (a logged-in page that opens one transaction);
- the first ledger page after the start (the target tracking of the linked indicators is
  computed, once per assessment);
- the ledger page and a measure page *cold* (the first request after a saved report: the
  ledger is read and evaluated again, the target tracking remembered) and *warm* (the
  evaluation cached for the unchanged ledger).
Prints the median milliseconds of each and its ratio to the baseline.

Run: python benchmarks/bench_ledger_pages.py [--rounds 3 --warm 10]
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

from argon2 import PasswordHasher
from fastapi.testclient import TestClient
from sqlalchemy import select

from kaifang.ledger import load_ledger
from kaifang.platform import accounts
from kaifang.platform.instance import init_instance
from kaifang.platform.ledger import reports, store
from kaifang.platform.models import User
from kaifang.platform.web import create_app

REPO = Path(__file__).resolve().parents[1]
GUIZHOU = REPO / "examples" / "guizhou"
PASSWORD = "bench-password-1"
INPUTS = (
    "framework.yaml",
    "units.csv",
    "data/indicators_SIMULATED.csv",
    "geo/guizhou_prefectures_simplified.geojson",
)


def _ms(client: TestClient, path: str) -> float:
    start = time.perf_counter()
    answer = client.get(path)
    elapsed = (time.perf_counter() - start) * 1000
    if answer.status_code != 200:
        raise SystemExit(f"{path}: HTTP {answer.status_code}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3, help="cold requests per page")
    parser.add_argument("--warm", type=int, default=10, help="warm requests per page")
    args = parser.parse_args()
    accounts._hasher = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    with tempfile.TemporaryDirectory(prefix="kaifang-bench-ledger-") as tmp:
        folder = Path(tmp) / "instance"
        platform = init_instance(
            folder,
            GUIZHOU / "framework.yaml",
            GUIZHOU / "units.csv",
            admin="admin",
            password=PASSWORD,
            simulated=True,
        )
        text = (GUIZHOU / "assessment.yaml").read_text(encoding="utf-8")
        for name in INPUTS:
            text = text.replace(f": {name}\n", f": {GUIZHOU / name}\n", 1)
        (folder / "assessment.yaml").write_text(text, encoding="utf-8")
        with platform.tx() as session:
            admin = accounts.actor_of(session.scalars(select(User)).one())
            accounts.create_user(
                session,
                admin,
                username="prov",
                display_name="prov",
                password=PASSWORD,
                role="province_reviewer",
                scope=["520000"],
            )
        with platform.tx() as session:
            store.import_ledger(session, admin, load_ledger(GUIZHOU / "ledger.yaml"))
        client = TestClient(create_app(platform), base_url="http://127.0.0.1")
        page = client.get("/login")
        token = re.search(r'name="csrf" value="([^"]+)"', page.text)
        assert token is not None
        client.post(
            "/login", data={"csrf": token.group(1), "username": "prov", "password": PASSWORD}
        )
        pages = {"ledger": "/ledger", "measure": "/ledger/measures/attract_fdi"}
        first = _ms(client, "/ledger")  # the target tracking is computed once per assessment
        cold: dict[str, list[float]] = {k: [] for k in pages}
        warm: dict[str, list[float]] = {k: [] for k in pages}
        for round_ in range(args.rounds):
            for name, path in pages.items():
                with platform.tx(admin) as session:  # a change: the next page evaluates again
                    reports.save_report(
                        session,
                        admin,
                        "fta_service_centre",
                        "2025Q1",
                        reports.ReportContent(
                            "on_track", float(round_ * 2 + len(name)), None, None
                        ),
                    )
                cold[name].append(_ms(client, path))
                warm[name] += [_ms(client, path) for _ in range(args.warm)]
        baseline = statistics.median(_ms(client, "/account") for _ in range(args.warm))
        platform.close()
    print(f"baseline /account: {baseline:.1f} ms (median of {args.warm})")
    print(f"first ledger page after start (target tracking): {first:.1f} ms")
    for name in pages:
        for label, times in (("cold", cold[name]), ("warm", warm[name])):
            median = statistics.median(times)
            print(
                f"{name:8s} {label}: {median:8.1f} ms  x{median / baseline:7.1f} baseline "
                f"(median of {len(times)})"
            )


if __name__ == "__main__":
    sys.exit(main())
