"""Benchmark: kaifang trade on BACI-sized synthetic data, against the PyPI ``ecomplexity`` package.

1. One BACI-sized year: 226 exporters x 5,381 HS6 products x ~200 partners (~11M raw rows).
   From the raw rows (an Arrow table in memory) to RCA, ECI, PCI, density, COI and COG with the
   DuckDB engine; wall time and peak memory (ru_maxrss of a child process doing only that).
2. The same location x product matrices at HS4 (226 x 1,222) and HS6 (226 x 5,381), end to end
   from a long table, against ``ecomplexity.ecomplexity`` (py-ecomplexity 0.5.x, dense ``eig``;
   its log-supermodularity check off, as kaifang does not do it). ECI agreement after removing
   its documented convention difference (population SD over locations instead of Stata's SD).
   Both sides run in this process, interleaved round by round after a warm-up round, so that
   they see the same load; each timing starts after a garbage collection. Printed: median,
   min and max of the wall time, median CPU time (all threads), the ratio of the medians and
   its range round by round. The baseline runs as installed (OpenBLAS picks its threads) and
   with one BLAS thread, as kaifang's matrix work runs by default (``engine.blas_threads``):
   on shared cores the threads of one BLAS call wait on each other. HS4: ``--repeat`` rounds
   (default 7); HS6: the baseline takes about a minute, one round as installed.
3. The Spark engine in local mode on 1M raw rows (time only).

Run: python benchmarks/bench_trade.py [--repeat N] [--skip-hs6-baseline]
     [--skip-spark | --only-spark | --only-hs4]
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import resource
import subprocess
import sys
import time
import warnings
from collections.abc import Callable
from typing import NamedTuple

import numpy as np
import pandas as pd
import pyarrow as pa
from threadpoolctl import threadpool_limits

from kaifang.trade.config import TradeConfig, TradeDataSpec
from kaifang.trade.engine import DuckDBEngine, SparkEngine
from kaifang.trade.pipeline import compute_trade

N_EXPORTERS = 226
N_PRODUCTS_HS6 = 5381
N_PRODUCTS_HS4 = 1222
N_PARTNERS = 200


def _codes(n: int, digits: int) -> np.ndarray:
    step = (10**digits - 10 ** (digits - 2)) // n
    return np.array([f"{10 ** (digits - 2) + i * step:0{digits}d}" for i in range(n)])


def synthetic_matrix(n_loc: int, n_prod: int, seed: int = 1) -> np.ndarray:
    """A nested export matrix (capability model) with lognormal values, no empty row/column."""
    rng = np.random.default_rng(seed)
    capability = rng.uniform(-1.0, 2.0, n_loc)
    complexity = rng.uniform(-1.5, 1.5, n_prod)
    p = 1.0 / (1.0 + np.exp(-3.0 * (capability[:, None] - complexity[None, :])))
    present = rng.random(p.shape) < np.maximum(p, 0.02)
    size = rng.lognormal(20, 1.5, n_loc)
    values = size[:, None] * rng.lognormal(-8, 1.5, p.shape) * (0.05 + p) * present
    values[:, values.sum(axis=0) == 0] = 1.0
    return np.asarray(values, dtype=np.float64)


def raw_rows(seed: int = 2) -> pa.Table:
    """~11M (exporter, partner, product) rows: each present pair split over ~14 partners."""
    rng = np.random.default_rng(seed)
    x = synthetic_matrix(N_EXPORTERS, N_PRODUCTS_HS6, seed)
    loc, prod = np.nonzero(x)
    k = rng.integers(1, 28, loc.size)  # partners per pair, mean 14
    rows = int(k.sum())
    loc_r = np.repeat(loc, k).astype(np.int32)
    prod_r = np.repeat(prod, k).astype(np.int32)
    partner = rng.integers(0, N_PARTNERS, rows).astype(np.int32)
    value = np.repeat(x[loc, prod] / k, k) * rng.uniform(0.5, 1.5, rows)
    locations = pa.array([f"c{i:03d}" for i in range(N_EXPORTERS)])
    partners = pa.array([f"p{i:03d}" for i in range(N_PARTNERS)])
    products = pa.array(_codes(N_PRODUCTS_HS6, 6))
    return pa.table(
        {
            "year": pa.array(np.full(rows, 2022, dtype=np.int32)),
            "location": pa.DictionaryArray.from_arrays(pa.array(loc_r), locations),
            "partner": pa.DictionaryArray.from_arrays(pa.array(partner), partners),
            "product": pa.DictionaryArray.from_arrays(pa.array(prod_r), products),
            "flow": pa.DictionaryArray.from_arrays(
                pa.array(np.zeros(rows, dtype=np.int32)), pa.array(["export"])
            ),
            "value": pa.array(value),
        }
    )


def _config(**extra: object) -> TradeConfig:
    data = TradeDataSpec(path="<memory>")
    return TradeConfig.model_validate({"data": data.model_dump(), "structure": False, **extra})


def part_baci() -> dict[str, float]:
    """Runs in a child process so that its peak memory is its own."""
    table = raw_rows()
    engine = DuckDBEngine(memory_limit="3GB")
    try:
        start, cpu = time.perf_counter(), time.process_time()
        res = compute_trade(_config(), table, engine)
        seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    finally:
        engine.close()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2
    return {
        "rows": float(table.num_rows),
        "seconds": seconds,
        "cpu_seconds": cpu,
        "peak_gib": peak,
        "locations": float(res.locations["eci"].notna().sum()),
        "products": float(res.products["pci"].notna().sum()),
    }


def long_table(x: np.ndarray, digits: int) -> pd.DataFrame:
    loc, prod = np.nonzero(x)
    codes = _codes(x.shape[1], digits)
    return pd.DataFrame(
        {
            "year": 2022,
            "location": [f"c{i:03d}" for i in loc],
            "product": codes[prod],
            "value": x[loc, prod],
        }
    )


class Timing(NamedTuple):
    wall: float  # seconds on the clock
    cpu: float  # CPU seconds of all threads of the process


def _timed(run: Callable[[], pd.Series]) -> tuple[Timing, pd.Series]:
    # garbage of the previous run is collected before the clock starts, not during the run
    gc.collect()
    start, cpu = time.perf_counter(), time.process_time()
    eci = run()
    return Timing(time.perf_counter() - start, time.process_time() - cpu), eci


def ours(frame: pd.DataFrame) -> tuple[Timing, pd.Series]:
    def run() -> pd.Series:  # end to end: from the long table
        table = pa.Table.from_pandas(
            frame.assign(partner="", flow="export")[
                ["year", "location", "partner", "product", "flow", "value"]
            ],
            preserve_index=False,
        )
        engine = DuckDBEngine()
        try:
            res = compute_trade(_config(), table, engine)
        finally:
            engine.close()
        eci: pd.Series = res.locations.set_index("location")["eci"]
        return eci

    return _timed(run)


def theirs(frame: pd.DataFrame, blas_threads: int | None = None) -> tuple[Timing, pd.Series]:
    """PyPI ``ecomplexity`` as it runs out of the box (``blas_threads=None``), or with its
    BLAS/LAPACK calls on one thread, as kaifang's matrix work runs by default."""
    from ecomplexity import ecomplexity

    cols = {"time": "year", "loc": "location", "prod": "product", "val": "value"}

    def run() -> pd.Series:
        with warnings.catch_warnings(), threadpool_limits(limits=blas_threads, user_api="blas"):
            warnings.simplefilter("ignore")
            out = ecomplexity(frame, cols, check_logsupermodularity=False, verbose=False)
        eci: pd.Series = out.groupby("location")["eci"].first()
        return eci

    return _timed(run)


def _spread(label: str, runs: list[Timing]) -> str:
    wall = np.array([r.wall for r in runs])
    cpu = np.array([r.cpu for r in runs])
    return (
        f"{label}: wall median {np.median(wall):.3f} s (min {wall.min():.3f}, max "
        f"{wall.max():.3f}), CPU median {np.median(cpu):.3f} s"
    )


def compare(
    label: str, n_prod: int, digits: int, run_baseline: bool, repeat: int, short: bool = False
) -> None:
    """Both sides in this process on the same long table, ``repeat`` interleaved rounds after
    one warm-up round (imports, first DuckDB connection, first BLAS call), so that both see
    the same load; medians and spreads of wall and CPU time, and the ratio of the medians.
    The baseline runs as installed and with one BLAS thread; ``short`` (HS6, about a minute a
    run) runs it as installed only, without its own warm-up round."""
    x = synthetic_matrix(N_EXPORTERS, n_prod, seed=3)
    frame = long_table(x, digits)
    configs: dict[str, int | None] = {"ecomplexity": None, "ecomplexity 1 BLAS thread": 1}
    if short:
        configs = {"ecomplexity": None}
    if not run_baseline:
        configs = {}
    load_start = os.getloadavg()[0]
    _, eci_ours = ours(frame)
    for threads in [] if short else configs.values():
        theirs(frame, threads)
    mine: list[Timing] = []
    base: dict[str, list[Timing]] = {name: [] for name in configs}
    eci_theirs = None
    for _ in range(repeat):
        mine.append(ours(frame)[0])
        for name, threads in configs.items():
            timing, eci_theirs = theirs(frame, threads)
            base[name].append(timing)
    load = f"load average {load_start:.1f} -> {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs"
    print(f"{label} ({N_EXPORTERS} x {n_prod}), {repeat} rounds, {load}", flush=True)
    print("  " + _spread("kaifang", mine), flush=True)
    if not configs:
        print(f"  {label}: ecomplexity baseline skipped", flush=True)
        return
    med = float(np.median([r.wall for r in mine]))
    med_cpu = float(np.median([r.cpu for r in mine]))
    for name, runs in base.items():
        pair = np.array([t.wall / m.wall for t, m in zip(runs, mine, strict=True)])
        print(
            "  "
            + _spread(name, runs)
            + f"; ratio of medians {np.median([r.wall for r in runs]) / med:.1f}x "
            f"(round by round {pair.min():.1f}-{pair.max():.1f}x), CPU "
            f"{np.median([r.cpu for r in runs]) / med_cpu:.1f}x",
            flush=True,
        )
    assert eci_theirs is not None
    eci_theirs = eci_theirs.reindex(eci_ours.index)
    n_rows = N_EXPORTERS * n_prod
    # theirs: population SD over locations; Stata's: sample SD over the C x P rows
    rescaled = eci_theirs / np.sqrt(n_rows / (n_rows - 1.0))
    gap = float(np.nanmax(np.abs(rescaled - eci_ours)))
    print(f"  max |ECI diff| after rescaling {gap:.2e}", flush=True)


def part_spark() -> None:
    rng = np.random.default_rng(5)
    x = synthetic_matrix(200, 2000, seed=5)
    loc, prod = np.nonzero(x)
    k = rng.integers(1, 30, loc.size)  # partners per pair: enough pairs x partners for 1M rows
    frame = pd.DataFrame(
        {
            "year": 2022,
            "location": np.repeat([f"c{i:03d}" for i in loc], k),
            "partner": [f"p{i:02d}" for i in rng.integers(0, 60, int(k.sum()))],
            "product": np.repeat(_codes(2000, 4)[prod], k),
            "flow": "export",
            "value": np.repeat(x[loc, prod] / k, k),
        }
    ).head(1_000_000)
    table = pa.Table.from_pandas(frame, preserve_index=False)
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    start = time.perf_counter()
    engine = SparkEngine(master="local[2]", shuffle_partitions=4)
    started = time.perf_counter() - start
    try:
        start = time.perf_counter()
        compute_trade(_config(), table, engine)
        seconds = time.perf_counter() - start
        duck = DuckDBEngine()
        start = time.perf_counter()
        compute_trade(_config(), table, duck)
        duck_seconds = time.perf_counter() - start
        duck.close()
    finally:
        engine.close()
    print(
        f"spark local[2], {table.num_rows:,} raw rows: session start {started:.1f} s, "
        f"pipeline {seconds:.1f} s (DuckDB on the same rows: {duck_seconds:.2f} s)"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--part", choices=["baci"], help=argparse.SUPPRESS)
    parser.add_argument("--skip-hs6-baseline", action="store_true")
    parser.add_argument("--skip-spark", action="store_true")
    parser.add_argument("--only-spark", action="store_true")
    parser.add_argument("--only-hs4", action="store_true")
    parser.add_argument("--repeat", type=int, default=7, help="rounds at HS4 (default 7)")
    args = parser.parse_args()
    if args.part == "baci":
        print(json.dumps(part_baci()))
        return
    if args.only_spark:
        part_spark()
        return
    if args.only_hs4:
        compare("HS4", N_PRODUCTS_HS4, 4, True, repeat=args.repeat)
        return
    child = subprocess.run(
        [sys.executable, __file__, "--part", "baci"], capture_output=True, text=True, check=True
    )
    baci = json.loads(child.stdout.strip().splitlines()[-1])
    print(
        f"BACI-sized year: {baci['rows']:,.0f} raw rows -> RCA, ECI, PCI, density, COI, COG "
        f"in {baci['seconds']:.2f} s wall, {baci['cpu_seconds']:.2f} s CPU of all threads "
        f"(target 10 s on 2 cores), peak {baci['peak_gib']:.2f} GiB "
        f"(target 4 GiB); {baci['locations']:.0f} locations, {baci['products']:.0f} products",
        flush=True,
    )
    compare("HS4", N_PRODUCTS_HS4, 4, True, repeat=args.repeat)
    compare("HS6", N_PRODUCTS_HS6, 6, not args.skip_hs6_baseline, repeat=1, short=True)
    if not args.skip_spark:
        part_spark()


if __name__ == "__main__":
    main()
