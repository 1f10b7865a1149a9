"""Benchmark: assess plus report.html at county scale, and how the report scales with units.

2,844 units (China's county-level divisions) x 20 indicators x 5 years (the generated panel of
bench_pipeline.py). Prints the seconds of assess (load + run), of report.html alone and of the
whole results folder (CSV, run.json, results.xlsx, report.html), against two baselines run in
the same process:

- the report at a quarter of the units: a linear report takes about 4x as long at 4x the units,
  a quadratic one 16x;
- the unit filter the report used to run (a set of every score's unit rebuilt for each unit),
  timed at both sizes: the quadratic step that made 1,000 units take two minutes.

Run: python benchmarks/bench_report.py  [--units 2844 --indicators 20 --years 5]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import pandas as pd
from bench_pipeline import make_project

import kaifang
from kaifang.output import write_results
from kaifang.report.data import from_results
from kaifang.report.html import render_html

CPU: dict[str, float] = {}


def seconds(fn: Callable[[], Any], label: str = "") -> tuple[float, Any]:
    """Wall seconds of ``fn`` (and its CPU seconds in ``CPU[label]``: on a loaded machine the
    wall time measures the neighbours too)."""
    c0, t0 = time.process_time(), time.perf_counter()
    out = fn()
    if label:
        CPU[label] = time.process_time() - c0
    return time.perf_counter() - t0, out


def old_unit_filter(units: list[str], scores: pd.DataFrame) -> list[str]:
    """The report's former unit filter: ``set(...)`` evaluated anew for every unit."""
    return [u for u in units if u in set(scores["unit"])]


def assess_and_report(folder: Path, n_units: int, n_ind: int, n_years: int) -> dict[str, float]:
    folder.mkdir()
    config = make_project(folder, n_units, n_ind, n_years)
    times: dict[str, float] = {}
    times["assess (load + run)"], results = seconds(
        lambda: kaifang.load(config).run(), f"assess {n_units}"
    )
    data = from_results(results)
    render_html(data, "zh")  # the font subset and the template are cached after the first call
    times["report.html (render)"], _ = seconds(lambda: render_html(data, "zh"), f"report {n_units}")
    times["results folder (csv, xlsx, html)"], _ = seconds(
        lambda: write_results(results, folder / "out", lang="zh"), f"folder {n_units}"
    )
    # the old filter is quadratic: timed on at most 1,000 units, then scaled by n^2
    n_old = min(n_units, 1000)
    units = data.units[:n_old]
    scores = data.scores[data.scores["unit"].isin(units)]
    times["_old_filter_n"] = n_old
    times["_old_filter_s"], _ = seconds(lambda: old_unit_filter(units, scores))
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=2844)
    parser.add_argument("--indicators", type=int, default=20)
    parser.add_argument("--years", type=int, default=5)
    args = parser.parse_args()
    quarter = max(args.units // 4, 10)
    with tempfile.TemporaryDirectory() as tmp:
        small = assess_and_report(Path(tmp) / "small", quarter, args.indicators, args.years)
        full = assess_and_report(Path(tmp) / "full", args.units, args.indicators, args.years)
    print(f"panel: {args.indicators} indicators x {args.years} years")
    print(f"wall seconds (CPU seconds), {quarter} and {args.units} units, and the CPU ratio")
    cpu_keys = ("assess", "report", "folder")
    for label, key in zip([k for k in full if not k.startswith("_")], cpu_keys, strict=True):
        c_small, c_full = CPU[f"{key} {quarter}"], CPU[f"{key} {args.units}"]
        print(
            f"{label:34s} {small[label]:7.2f}s ({c_small:6.2f}) {full[label]:7.2f}s "
            f"({c_full:6.2f})  cpu x{c_full / c_small:4.1f}"
        )
    total = full["assess (load + run)"] + full["report.html (render)"]
    cpu = CPU[f"assess {args.units}"] + CPU[f"report {args.units}"]
    print(
        f"assess + report.html at {args.units} units: {total:.2f} s wall, {cpu:.2f} s CPU "
        f"(target < 10 s; load average now {os.getloadavg()[0]:.1f})"
    )
    print(
        f"units x{args.units / quarter:.1f}: a linear report takes about "
        f"x{args.units / quarter:.1f}, a quadratic one x{(args.units / quarter) ** 2:.0f}"
    )
    n_old, s_old = full["_old_filter_n"], full["_old_filter_s"]
    scaled = s_old * (args.units / n_old) ** 2
    print(
        f"baseline: the former per-unit set filter alone took {s_old:.2f} s at {n_old:.0f} units, "
        f"about {scaled:.0f} s at {args.units} (n^2); ratio to today's whole report "
        f"{scaled / full['report.html (render)']:.0f}x"
    )


if __name__ == "__main__":
    main()
