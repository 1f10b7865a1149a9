"""Benchmark: what watching for new results costs the dashboard (``kaifang serve --refresh``).

On the Guizhou demo platform (SIMULATED values, 2016-2023 published, SQLite) and its
assessment.yaml (``data: {database, period}``), in one process:

- a check of a served **assessment.yaml** (``inputs_stamp``: file status calls and one query on
  the platform database) and of a served **results folder** (``results_stamp``), against the
  baseline of one ``GET /api/meta`` answered without any check;
- ``GET /api/meta`` when every request checks (``refresh=0``, the most a server can check)
  against the same request with watching off, for both sources;
- what a change costs once: the assessment rerun (``Dashboard.open`` of the config) and the
  results folder read again.

Each figure is the median of ``--runs`` repetitions (the reruns: of 5).

Run: python benchmarks/bench_live.py  [--runs 200]
"""

from __future__ import annotations

import argparse
import logging
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from fastapi.testclient import TestClient
from typer.testing import CliRunner

from kaifang.assessment.inputs import inputs_stamp
from kaifang.cli import app as cli
from kaifang.platform.demo import build_demo
from kaifang.web import Dashboard, create_app
from kaifang.web.live import results_stamp

LOCAL = "http://127.0.0.1"


def median_ms(action: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        action()
        times.append(time.perf_counter() - t0)
    return statistics.median(times) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=200)
    args = parser.parse_args()
    logging.disable(logging.WARNING)  # the demo's imputation warnings
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "demo"
        build_demo(folder)
        config = folder / "assessment.yaml"
        results = Path(tmp) / "results"
        answer = CliRunner().invoke(cli, ["assess", str(config), "-o", str(results)])
        assert answer.exit_code == 0, answer.output
        live = Dashboard.open(config)
        saved = Dashboard.open(results)
        assert live.assessment is not None

        rows: list[tuple[str, float, float]] = []
        for name, dashboard in (("assessment.yaml", live), ("results folder", saved)):
            with (
                TestClient(create_app(dashboard), base_url=LOCAL) as off,
                TestClient(create_app(dashboard, refresh=0), base_url=LOCAL) as every,
            ):
                base = median_ms(lambda c=off: c.get("/api/meta"), args.runs)  # type: ignore[misc]
                if dashboard is live:
                    inputs = live.assessment.inputs
                    check = median_ms(lambda i=inputs: inputs_stamp(i), args.runs)  # type: ignore[misc]
                else:
                    check = median_ms(lambda: results_stamp(results), args.runs)
                checked = median_ms(lambda c=every: c.get("/api/meta"), args.runs)  # type: ignore[misc]
                rows.append((f"{name}: one check", check, base))
                rows.append((f"{name}: GET /api/meta, checking each time", checked, base))
        rerun = median_ms(lambda: Dashboard.open(config), 5)
        reread = median_ms(lambda: Dashboard.open(results), 5)
        rows.append(("a change: assessment rerun", rerun, base))
        rows.append(("a change: results folder read again", reread, base))

    print(f"baseline: GET /api/meta of the same server without checks (median of {args.runs})")
    print(f"{'':50} {'ms':>9} {'baseline ms':>12} {'x baseline':>11}")
    for label, ms, against in rows:
        print(f"{label:50} {ms:9.2f} {against:12.2f} {ms / against:11.2f}")


if __name__ == "__main__":
    main()
