"""Benchmark: the full pipeline on a generated county-scale panel.

2,844 units (China's county-level divisions) x 100 indicators x 10 years, read from a wide CSV,
then denominate, impute (linear in time, then mean), winsorise, min-max, entropy weights and
arithmetic aggregation over a 3-level tree. Prints wall time and peak memory of each phase, and
the ratio against a baseline computed in the same process: the same min-max + weighted-mean
pipeline written the obvious way with pandas group-by (per year, per indicator).

Run: python benchmarks/bench_pipeline.py  [--units 2844 --indicators 100 --years 10]
"""

from __future__ import annotations

import argparse
import resource
import tempfile
import time
import tracemalloc
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

import kaifang


def make_project(folder: Path, n_units: int, n_ind: int, n_years: int, seed: int = 7) -> Path:
    rng = np.random.default_rng(seed)
    pillars = 10
    per = n_ind // pillars
    indicators = [f"i{k:03d}" for k in range(n_ind)]
    framework = {
        "id": "index",
        "name": {"en": "Benchmark index", "zh": "基准指数"},
        "auxiliary": [{"id": "pop", "name": {"en": "Population", "zh": "人口"}}],
        "children": [
            {
                "id": f"p{p}",
                "name": {"en": f"Pillar {p}", "zh": f"支柱{p}"},
                "children": [
                    {
                        "id": ind,
                        "name": {"en": ind, "zh": ind},
                        "unit": "x",
                        "direction": -1 if k % 7 == 0 else 1,
                        **({"denominator": "pop"} if k % 5 == 0 else {}),
                    }
                    for k, ind in enumerate(indicators[p * per : (p + 1) * per], start=p * per)
                ],
            }
            for p in range(pillars)
        ],
    }
    (folder / "framework.yaml").write_text(yaml.safe_dump(framework, allow_unicode=True))
    codes = [f"{100000 + u}" for u in range(n_units)]
    pd.DataFrame(
        {
            "code": codes,
            "name_en": codes,
            "name_zh": codes,
            "level": "county",
            "group": [f"g{u % 9}" for u in range(n_units)],
        }
    ).to_csv(folder / "units.csv", index=False)
    years = np.arange(2015, 2015 + n_years)
    rows = n_units * n_years
    values = rng.lognormal(mean=3.0, sigma=1.0, size=(rows, n_ind))
    values[rng.random(values.shape) < 0.02] = np.nan
    wide = pd.DataFrame(values, columns=indicators)
    wide.insert(0, "year", np.repeat(years, n_units))
    wide.insert(0, "unit", np.tile(codes, n_years))
    wide["pop"] = rng.uniform(1e4, 2e6, size=rows)
    wide.to_csv(folder / "data.csv", index=False, float_format="%.6g")
    config = {
        "title": {"en": "Benchmark", "zh": "基准"},
        "framework": "framework.yaml",
        "units": "units.csv",
        "data": "data.csv",
        "steps": {
            "denominate": {},
            "impute": {"method": "linear_time", "then": "mean"},
            "treat": {"method": "winsorise"},
            "normalise": {"method": "minmax", "range": [0, 100], "reference": "per_year"},
            "weight": {"method": "entropy"},
            "aggregate": {"method": "arithmetic", "min_share": 0.5},
        },
    }
    path = folder / "assessment.yaml"
    path.write_text(yaml.safe_dump(config, allow_unicode=True))
    return path


def baseline(stage: pd.DataFrame, framework: kaifang.Assessment) -> pd.DataFrame:
    """Min-max per year and indicator, then equal-weight means per pillar and index, via
    pandas group-by: the obvious implementation an analyst would write."""
    fw = framework.framework
    direction = {i: fw[i].node.direction for i in fw.indicators}
    df = stage.copy()

    def minmax(s: pd.Series) -> pd.Series:
        rng = s.max() - s.min()
        return (s - s.min()) / rng * 100 if rng else s * 0 + 50

    df["value"] = df["value"] * df["indicator"].map(direction)
    df["norm"] = df.groupby(["year", "indicator"])["value"].transform(minmax)
    parent = {i: fw[i].parent for i in fw.indicators}
    df["pillar"] = df["indicator"].map(parent)
    pillars = df.groupby(["unit", "year", "pillar"])["norm"].mean().reset_index()
    return pillars.groupby(["unit", "year"])["norm"].mean().reset_index()


def timed(label: str, fn, results: dict):  # type: ignore[no-untyped-def]
    t0 = time.perf_counter()
    out = fn()
    results[label] = time.perf_counter() - t0
    return out


def traced_peak(fn) -> float:  # type: ignore[no-untyped-def]
    """Peak MiB allocated by ``fn`` (tracemalloc sees numpy's buffers). Measured in a separate
    pass because tracing slows Python code down several times."""
    tracemalloc.start()
    fn()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak / 2**20


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=2844)
    parser.add_argument("--indicators", type=int, default=100)
    parser.add_argument("--years", type=int, default=10)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        config = make_project(Path(tmp), args.units, args.indicators, args.years)
        results: dict[str, float] = {}
        assessment = timed("load (read + validate)", lambda: kaifang.load(config), results)
        res = timed("run (all steps)", assessment.run, results)
        timed("scores table (long form)", lambda: res.scores, results)
        stage = res.stage("treated")
        timed(
            "baseline: pandas group-by min-max + means",
            lambda: baseline(stage, assessment),
            results,
        )
        peak_load = traced_peak(lambda: kaifang.load(config))
        peak_run = traced_peak(assessment.run)
    print(
        f"panel: {args.units} units x {args.indicators} indicators x {args.years} years "
        f"= {args.units * args.years:,} rows"
    )
    print(f"{'phase':45s} {'seconds':>9s}")
    for label, sec in results.items():
        print(f"{label:45s} {sec:9.3f}")
    run_s = results["run (all steps)"]
    base_s = results["baseline: pandas group-by min-max + means"]
    total = results["load (read + validate)"] + run_s
    print(f"load + run: {total:.3f} s (target < 2 s)")
    print(
        f"ratio baseline / kaifang run: {base_s / run_s:.2f}x "
        "(the baseline does less: no imputation, treatment or entropy weights)"
    )
    print(f"peak allocated (tracemalloc): load {peak_load:.0f} MiB, run {peak_run:.0f} MiB")
    maxrss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"process peak RSS: {maxrss:.0f} MiB (target < 2048 MiB)")


if __name__ == "__main__":
    main()
