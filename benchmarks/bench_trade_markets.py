"""Benchmark: what the import side of the partner tables costs on a BACI-sized year.

A synthetic BACI-like year (226 exporters x 5,381 HS6 products, each present pair split over a
few of 200 importers: ~11M rows with ``--rows`` left at its default) in DuckDB, then the two
partner queries of ``kaifang trade`` (``partners.csv`` and ``partner_shares.csv``) for the
export side alone, as before import markets existed, and for both sides, the import side read
off the exports (BACI's mirror flows). Rounds alternate (export only, both) after a warm-up
round; printed: median, min and max wall time of each and the ratio of the medians.

Run: flock /work/wt/bench.lock python benchmarks/bench_trade_markets.py [--rows N] [--repeat N]
"""

from __future__ import annotations

import argparse
import statistics
import time

import numpy as np
import pyarrow as pa

from kaifang.trade import sql
from kaifang.trade.engine import DuckDBEngine
from kaifang.trade.markets import by_flow

EXPORTERS, PRODUCTS, IMPORTERS = 226, 5381, 200


def baci_like(rows: int, seed: int = 1) -> pa.Table:
    """About ``rows`` (exporter, importer, HS6 product) export rows of one year."""
    rng = np.random.default_rng(seed)
    exporter = rng.integers(0, EXPORTERS, rows)
    importer = rng.integers(0, IMPORTERS, rows)
    product = rng.integers(0, PRODUCTS, rows)
    names = pa.array([f"c{i:03d}" for i in range(max(EXPORTERS, IMPORTERS))])
    codes = pa.array([f"{100000 + 37 * i:06d}" for i in range(PRODUCTS)])
    return pa.table(
        {
            "year": pa.array(np.full(rows, 2022, dtype=np.int32)),
            "location": pa.DictionaryArray.from_arrays(pa.array(exporter.astype(np.int32)), names),
            "partner": pa.DictionaryArray.from_arrays(pa.array(importer.astype(np.int32)), names),
            "product": pa.DictionaryArray.from_arrays(pa.array(product.astype(np.int32)), codes),
            "flow": pa.array(np.full(rows, "export", dtype=object), pa.string()),
            "value": pa.array(rng.lognormal(3.0, 2.0, rows)),
        }
    )


def partner_tables(engine: DuckDBEngine, sides: list[tuple[str, bool]]) -> int:
    """Both partner tables as the pipeline computes them; their row count."""
    shares = by_flow(engine, sql.partner_shares, "year, location, share DESC, partner", sides)
    summary = by_flow(
        engine, lambda f, m: sql.partner_concentration(0.01, f, m), "year, location", sides
    )
    return len(shares) + len(summary)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=11_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    table = baci_like(args.rows)
    engine = DuckDBEngine(memory_limit="3GB")
    try:
        start = time.perf_counter()
        engine.load("trade", table)
        print(f"{table.num_rows:,} rows loaded in {time.perf_counter() - start:.2f} s")
        variants = {
            "exports only": [("export", False)],
            "exports + mirrored imports": [("export", False), ("import", True)],
        }
        times: dict[str, list[float]] = {name: [] for name in variants}
        counts: dict[str, int] = {}
        for round_ in range(args.repeat + 1):
            for name, sides in variants.items():
                start = time.perf_counter()
                counts[name] = partner_tables(engine, sides)
                if round_:  # the first round warms up
                    times[name].append(time.perf_counter() - start)
    finally:
        engine.close()
    for name, spent in times.items():
        print(
            f"{name:28s} median {statistics.median(spent):6.2f} s  "
            f"(min {min(spent):.2f}, max {max(spent):.2f})  {counts[name]:,} result rows"
        )
    base, both = (statistics.median(t) for t in times.values())
    print(f"ratio (exports + imports) / exports only: {both / base:.2f}")


if __name__ == "__main__":
    main()
