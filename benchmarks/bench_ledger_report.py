"""Benchmark: what the ledger: block adds to ``kaifang assess`` on the Guizhou example.

Writes the results folder (analyses, CSV, results.xlsx, report.html) of the Guizhou example with
its ledger block and, as the baseline in the same process, of the same config without the block,
alternately ``--repeat`` times; prints the median wall and CPU seconds of each and their ratio,
and the parts of the ledger alone: its evaluation against the run (the targets tracking reused
from the targets section), saving it to analyses/ledger/, and building its report section.
CPU seconds are the fairer figure on a shared machine (wall time measures the neighbours too).

Run: python benchmarks/bench_ledger_report.py  [--repeat 3]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import kaifang
from kaifang.ledger.block import evaluate_block
from kaifang.ledger.saved import write_progress
from kaifang.output import write_results
from kaifang.report.ledger_section import build_section
from kaifang.steering import evaluate_targets

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "guizhou"


def timed(fn: Callable[[], Any]) -> tuple[float, float, Any]:
    c0, t0 = time.process_time(), time.perf_counter()
    out = fn()
    return time.perf_counter() - t0, time.process_time() - c0, out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        project = Path(tmp) / "guizhou"
        shutil.copytree(EXAMPLE, project)
        with_block = project / "assessment.yaml"
        text = with_block.read_text(encoding="utf-8")
        without = project / "no_ledger.yaml"
        without.write_text(text[: text.index("\nledger:")] + "\n", encoding="utf-8")
        runs = {}
        for name, config in (("without ledger", without), ("with ledger", with_block)):
            assessment = kaifang.load(config)
            runs[name] = (assessment, assessment.run())
        # one warm-up of each: imports, template compilation, font subset cache
        for name, (assessment, results) in runs.items():
            write_results(results, Path(tmp) / f"warm {name}", "zh", assessment)
        wall: dict[str, list[float]] = {n: [] for n in runs}
        cpu: dict[str, list[float]] = {n: [] for n in runs}
        for k in range(args.repeat):
            for name, (assessment, results) in runs.items():
                out = Path(tmp) / f"{name} {k}"
                w, c, _ = timed(lambda: write_results(results, out, "zh", assessment))  # noqa: B023
                wall[name].append(w)
                cpu[name].append(c)
        print(f"Guizhou example, results folder written {args.repeat} times (median seconds)")
        for name in runs:
            print(
                f"  {name:15s} wall {statistics.median(wall[name]):6.2f}   "
                f"cpu {statistics.median(cpu[name]):6.2f}"
            )
        ratio_wall = statistics.median(wall["with ledger"]) / statistics.median(
            wall["without ledger"]
        )
        ratio_cpu = statistics.median(cpu["with ledger"]) / statistics.median(cpu["without ledger"])
        print(f"  ratio with/without: wall {ratio_wall:.3f}   cpu {ratio_cpu:.3f}")
        assessment, _ = runs["with ledger"]
        summary = evaluate_targets(assessment).summary
        w1, c1, progress = timed(lambda: evaluate_block(assessment, summary))
        w2, c2, _ = timed(lambda: write_progress(progress, Path(tmp) / "saved"))
        w3, c3, _ = timed(lambda: build_section(progress, "zh"))
        w4, c4, _ = timed(lambda: evaluate_block(assessment))
        print("The ledger's parts (seconds, wall / cpu)")
        print(f"  evaluate (targets reused)     {w1:6.3f} / {c1:6.3f}")
        print(f"  evaluate (targets recomputed) {w4:6.3f} / {c4:6.3f}")
        print(f"  save to analyses/ledger/      {w2:6.3f} / {c2:6.3f}")
        print(f"  build the zh section          {w3:6.3f} / {c3:6.3f}")


if __name__ == "__main__":
    main()
