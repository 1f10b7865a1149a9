"""Benchmark: how fast, and in how little memory, each hostile input is refused.

Each hostile input of ``tests/hostile`` (a YAML alias bomb, YAML nested 100,000 deep, a workbook
whose only cell is XFD1048576, one that unpacks to 1.3 GB, one that lies about its unpacked size,
one whose shared-strings table claims 4 billion entries, an OpenDocument sheet whose one
repeated cell expands to 90 million,
CSV files with a million columns or 1.2 million rows, ``/dev/zero`` and a FIFO as data) is loaded
with ``kaifang.assessment.inputs.load_inputs``, as ``kaifang assess`` does, and must raise the
user's error. For each: the wall time to refusal and the peak of memory allocated meanwhile
(tracemalloc, which sees Python, NumPy and zlib buffers), against the same figures for loading a
valid county-scale yearbook (2,844 units x 100 indicators x 10 years, a 24 MB CSV) in the same
process. Budget: every refusal under 2 s and 500 MB.

Run: python benchmarks/bench_hostile.py  [--unpacked-mb 1300]
"""

from __future__ import annotations

import argparse
import contextlib
import os
import resource
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests" / "hostile"))
sys.path.insert(0, str(HERE))

import hostile_inputs as hostile  # noqa: E402
from bench_pipeline import make_project  # noqa: E402

from kaifang.assessment.inputs import load_inputs  # noqa: E402
from kaifang.errors import InputError  # noqa: E402

BUDGET_SECONDS = 2.0
BUDGET_MB = 500.0


def _measure(load: Callable[[], object]) -> tuple[float, float, str]:
    """Seconds (untraced run), peak traced MiB (second run) and the outcome of ``load``."""
    outcome = "accepted"
    start = time.perf_counter()
    try:
        load()
    except InputError as err:
        outcome = f"refused: {err.problems[0].key}"
    seconds = time.perf_counter() - start
    tracemalloc.start()
    with contextlib.suppress(InputError):
        load()
    peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    return seconds, peak, outcome


def _cases(folder: Path, unpacked_mb: int) -> list[tuple[str, Path]]:
    def data_case(name: str, build: Callable[[Path], Path]) -> tuple[str, Path]:
        sub = Path(tempfile.mkdtemp(dir=folder))
        return name, hostile.project(sub, data=str(build(sub)))

    def config_case(name: str, build: Callable[[Path], Path]) -> tuple[str, Path]:
        return name, build(Path(tempfile.mkdtemp(dir=folder)))

    fifo = folder / "pipe.csv"
    os.mkfifo(fifo)
    return [
        config_case("YAML alias bomb (9 levels)", hostile.yaml_bomb),
        config_case("YAML nested 100,000 deep", hostile.yaml_deep),
        data_case("xlsx, one cell at XFD1048576", hostile.xlsx_far_cell),
        data_case(
            f"xlsx unpacking to {unpacked_mb} MB",
            lambda f: hostile.xlsx_unpacks_big(f, unpacked_mb),
        ),
        data_case("xlsx lying: 600 MB declared 1 KB", hostile.xlsx_lying_sizes),
        data_case("xlsx, shared strings count 4e9", hostile.xlsx_shared_strings_count),
        data_case("ods, one repeated cell = 90M cells", hostile.ods_repeated_value),
        data_case("CSV header of 1,000,000 columns", hostile.csv_wide),
        data_case("CSV data line of 1,000,000 fields", hostile.csv_wide_row),
        data_case("CSV of 1,200,000 rows", hostile.csv_long),
        data_case("/dev/zero as data", lambda f: Path("/dev/zero")),
        data_case("FIFO as data", lambda f: fifo),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--unpacked-mb", type=int, default=1300)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        print("building inputs ...", flush=True)
        base = folder / "yearbook"
        base.mkdir()
        baseline_config = make_project(base, 2844, 100, 10)
        size = (base / "data.csv").stat().st_size / 2**20
        cases = _cases(folder, args.unpacked_mb)
        b_sec, b_peak, b_outcome = _measure(lambda: load_inputs(baseline_config))
        shape = "28,440 rows x 102 columns"
        print(f"baseline: valid yearbook CSV ({size:.0f} MB, {shape}) {b_outcome}")
        print(f"  {b_sec:.3f} s, peak {b_peak:.0f} MiB allocated\n")
        print(
            f"{'hostile input':36s} {'seconds':>8s} {'x base':>7s} {'peak MiB':>9s} "
            f"{'x base':>7s}  outcome"
        )
        worst_sec = worst_mb = 0.0
        for name, config in cases:
            sec, peak, outcome = _measure(lambda c=config: load_inputs(c))  # type: ignore[misc]
            worst_sec, worst_mb = max(worst_sec, sec), max(worst_mb, peak)
            print(
                f"{name:36s} {sec:8.3f} {sec / b_sec:7.2f} {peak:9.1f} {peak / b_peak:7.2f}  "
                f"{outcome}"
            )
    maxrss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    ok = worst_sec < BUDGET_SECONDS and worst_mb < BUDGET_MB
    print(
        f"\nworst refusal: {worst_sec:.3f} s (budget {BUDGET_SECONDS:.0f} s), "
        f"{worst_mb:.1f} MiB (budget {BUDGET_MB:.0f} MiB): {'within budget' if ok else 'OVER'}"
    )
    print(f"process peak RSS, baseline included: {maxrss:.0f} MiB")


if __name__ == "__main__":
    main()
