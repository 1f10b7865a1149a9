"""Benchmark: how long the ``kaifang`` command takes as a process, against ``python -c pass``.

Two figures, each the median of several runs of a new process:

- ``kaifang --help`` (target <= 0.2 s): imports only the CLI, typer and rich;
- ``kaifang assess examples/asem/assessment.yaml -o <tmp>`` (target <= 1.0 s end to end, with
  report.html and results.xlsx).

The baseline is the interpreter alone (``python -c pass``), run the same way in the same loop;
the difference is what kaifang adds. CPU seconds of the child processes are printed beside the
wall time: on a shared machine the wall time measures the neighbours too.

Run: python benchmarks/bench_startup.py  [--runs 7]
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
ENTRY = "import sys; from kaifang.cli import main; sys.argv[0] = 'kaifang'; main()"


def run(args: list[str]) -> tuple[float, float]:
    """Wall and CPU seconds of one child process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    subprocess.run(args, check=True, capture_output=True, cwd=REPO)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    py = sys.executable
    with tempfile.TemporaryDirectory() as tmp:
        commands = {
            "python -c pass": [py, "-c", "pass"],
            "kaifang --help": [py, "-c", ENTRY, "--help"],
            "kaifang assess asem": [
                py,
                "-c",
                ENTRY,
                "assess",
                "examples/asem/assessment.yaml",
                "-o",
                str(Path(tmp) / "out"),
                "--lang",
                "en",
            ],
        }
        for cmd in commands.values():  # warm the file cache and the font subset
            run(cmd)
        times: dict[str, list[tuple[float, float]]] = {k: [] for k in commands}
        for _ in range(args.runs):
            for label, cmd in commands.items():
                times[label].append(run(cmd))
    base_wall = statistics.median(w for w, _ in times["python -c pass"])
    base_cpu = statistics.median(c for _, c in times["python -c pass"])
    print(f"median of {args.runs} runs; load average {os.getloadavg()[0]:.1f}")
    print(f"{'command':24s} {'wall s':>8s} {'cpu s':>8s} {'wall - python':>14s} {'ratio':>7s}")
    targets = {"kaifang --help": 0.2, "kaifang assess asem": 1.0}
    for label, values in times.items():
        wall = statistics.median(w for w, _ in values)
        cpu = statistics.median(c for _, c in values)
        target = f"  (target <= {targets[label]} s)" if label in targets else ""
        print(
            f"{label:24s} {wall:8.3f} {cpu:8.3f} {wall - base_wall:14.3f} "
            f"{wall / base_wall:6.1f}x{target}"
        )
    print(f"baseline python -c pass: {base_wall:.3f} s wall, {base_cpu:.3f} s CPU")


if __name__ == "__main__":
    main()
