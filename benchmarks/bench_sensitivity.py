"""Benchmark: uncertainty and Sobol analyses with the batched evaluator.

1. ASEM (COINr's example) with the four inputs of COINr's sensitivity vignette (maximum
   winsorised points 1-5, min-max [1, 100] vs z-score (10, 2), 25% weight noise at COINr
   levels 2 and 3 = our levels 2 and 1, arithmetic vs geometric mean): N = 500 uncertainty
   analysis (500 runs; target < 0.5 s) and N = 500 Sobol analysis (N (2d + 2) = 5,000 runs;
   target < 3 s).
2. County scale: a generated panel of 2,844 units x 100 indicators (5 years; 2 sub-indices,
   10 pillars), the same four kinds of input (min-max [1, 100] vs rank normalisation), 10,000
   Monte Carlo runs in chunks (target < 60 s), with the peak of traced Python memory.

Baseline, measured in the same process: one full rebuild per run of our own engine
(``Assessment.with_step(...).run()`` with the run's choices, noisy weights written into the
framework) on the first 20 runs of each design; its time per run is extrapolated to the whole
design (stated as such in the output). COINr's published figures on this machine class (issue
3): 51 s (uncertainty, N = 500) and 371 s (Sobol, N = 500).

Run: python benchmarks/bench_sensitivity.py  [--county-runs 10000] [--skip-county]
"""

from __future__ import annotations

import argparse
import tempfile
import time
import tracemalloc
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

import kaifang
from kaifang.sensitivity import Evaluator, SensitivitySpec, load_spec, run_sobol, run_uncertainty
from kaifang.sensitivity.design import monte_carlo, saltelli

REPO = Path(__file__).resolve().parent.parent
BASELINE_RUNS = 20


def baseline_per_run(ev: Evaluator, codes: np.ndarray, pools: dict[int, np.ndarray]) -> float:
    """Seconds per run of the one-rebuild-per-run loop, on the first BASELINE_RUNS runs."""
    started = time.perf_counter()
    for r in range(min(BASELINE_RUNS, codes.shape[0])):
        ev.rebuild(codes[r], pools).run()
    return float((time.perf_counter() - started) / min(BASELINE_RUNS, codes.shape[0]))


def make_county(folder: Path, n_units: int = 2844, n_ind: int = 100, n_years: int = 5) -> Path:
    rng = np.random.default_rng(11)
    per = n_ind // 10
    indicators = [f"i{k:03d}" for k in range(n_ind)]
    pillars = [
        {
            "id": f"p{p}",
            "name": {"en": f"Pillar {p}", "zh": f"支柱{p}"},
            "children": [
                {
                    "id": ind,
                    "name": {"en": ind, "zh": ind},
                    "unit": "x",
                    "direction": -1 if k % 7 == 0 else 1,
                }
                for k, ind in enumerate(indicators[p * per : (p + 1) * per], start=p * per)
            ],
        }
        for p in range(10)
    ]
    framework = {
        "id": "index",
        "name": {"en": "County index", "zh": "县域指数"},
        "children": [
            {"id": "s1", "name": {"en": "Sub 1", "zh": "分项1"}, "children": pillars[:5]},
            {"id": "s2", "name": {"en": "Sub 2", "zh": "分项2"}, "children": pillars[5:]},
        ],
    }
    (folder / "framework.yaml").write_text(yaml.safe_dump(framework, allow_unicode=True))
    codes = [f"{100000 + u}" for u in range(n_units)]
    pd.DataFrame({"code": codes, "name_en": codes, "name_zh": codes, "level": "county"}).to_csv(
        folder / "units.csv", index=False
    )
    rows = n_units * n_years
    values = 20.0 + 4.0 * rng.standard_normal((rows, n_ind))
    # a few outliers on the good side of each indicator, so that winsorisation (and its winmax)
    # matters
    spikes = rng.random(values.shape) < 0.001
    good_high = np.array([k % 7 != 0 for k in range(n_ind)])
    values = np.where(spikes & good_high, values * 3.0, values)
    values = np.where(spikes & ~good_high, values / 3.0, values)
    values[rng.random(values.shape) < 0.02] = np.nan
    wide = pd.DataFrame(values, columns=indicators)
    wide.insert(0, "year", np.repeat(np.arange(2020, 2020 + n_years), n_units))
    wide.insert(0, "unit", np.tile(codes, n_years))
    wide.to_csv(folder / "data.csv", index=False, float_format="%.6g")
    config = {
        "title": {"en": "County benchmark", "zh": "县域基准"},
        "framework": "framework.yaml",
        "units": "units.csv",
        "data": "data.csv",
        "steps": {
            "impute": {"method": "mean"},
            "treat": {"method": "winsorise", "winmax": 5},
            "normalise": {"method": "minmax", "range": [0, 100]},
            "weight": {"method": "framework"},
            "aggregate": {"method": "arithmetic"},
        },
        "sensitivity": {
            "seed": 1,
            "inputs": [
                {
                    "name": "winmax",
                    "step": "treat",
                    "parameter": "winmax",
                    "values": [1, 2, 3, 4, 5],
                },
                {
                    "name": "normalisation",
                    "step": "normalise",
                    "options": [
                        {"method": "minmax", "range": [1, 100]},
                        # not z-score (10, 2): where winsorising stops at winmax, log_CT (COINr's
                        # fallback) leaves a long low tail below 0, which no geometric mean takes
                        {"method": "rank"},
                    ],
                },
                {"name": "weights", "noise": {1: 0.25, 2: 0.25}},
                {
                    "name": "aggregation",
                    "step": "aggregate",
                    "parameter": "method",
                    "values": ["arithmetic", "geometric"],
                },
            ],
        },
    }
    path = folder / "assessment.yaml"
    path.write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False))
    return path


def line(label: str, seconds: float, target: float | None, runs: int, per_run: float) -> None:
    ok = (
        ""
        if target is None
        else (f" (target < {target:g} s: {'met' if seconds < target else 'MISSED'})")
    )
    est = per_run * runs
    print(
        f"  {label:<38} {seconds:8.3f} s{ok}\n"
        f"  {'':<38} rebuild per run {per_run * 1000:.1f} ms x {runs} runs = {est:.1f} s "
        f"(extrapolated from {BASELINE_RUNS} runs) -> {est / seconds:,.0f}x faster"
    )


def bench_asem() -> None:
    config = REPO / "examples" / "asem" / "assessment.yaml"
    assessment = kaifang.load(config)
    spec = load_spec(config)
    assert spec is not None
    print("ASEM (51 units, 49 indicators), COINr vignette inputs:", ", ".join(spec.labels))
    assessment.run()  # warm imports and caches of the reader, not of the analysis

    started = time.perf_counter()
    ua = run_uncertainty(assessment, spec, 500, 1)
    t_ua = time.perf_counter() - started
    started = time.perf_counter()
    sa = run_sobol(assessment, spec, 500, 1)
    t_sa = time.perf_counter() - started

    ev = Evaluator(assessment, spec)
    mc = monte_carlo(ev.n_levels(noise_pool=500), 500, 1, fresh=ev.is_noise())
    per_ua = baseline_per_run(ev, mc.codes, ev.draw_noise(500, 1))
    sd = saltelli(ev.n_levels(), 500, 1)
    per_sa = baseline_per_run(ev, sd.codes, ev.draw_noise(None, 1))
    line(f"uncertainty N=500 ({ua.runs} runs)", t_ua, 0.5, ua.runs, per_ua)
    line(f"Sobol N=500 ({sa.runs} runs)", t_sa, 3.0, sa.runs, per_sa)
    print(
        f"  COINr (earlier runs, not re-measured): 51 s and 371 s -> {51 / t_ua:,.0f}x and "
        f"{371 / t_sa:,.0f}x"
    )
    shift = sa.indices[sa.indices["output"] == "mean_abs_rank_shift"]
    print("  Sobol indices of the mean absolute rank shift (S1 / ST):")
    for row in shift.sort_values("ST", ascending=False).itertuples():
        print(
            f"    {row.input:<14} S1 {row.S1:6.3f} [{row.S1_low:6.3f}, {row.S1_high:6.3f}]"
            f"   ST {row.ST:6.3f} [{row.ST_low:6.3f}, {row.ST_high:6.3f}]"
        )


def bench_county(runs: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        config = make_county(Path(tmp))
        assessment = kaifang.load(config)
        spec = load_spec(config)
        assert isinstance(spec, SensitivitySpec)
        print(f"County scale (2,844 units x 100 indicators x 5 years, generated): {runs:,} runs")
        assessment.run()  # reading and the nominal run are not part of the analysis
        tracemalloc.start()
        started = time.perf_counter()
        ev = Evaluator(assessment, spec)
        ua = run_uncertainty(assessment, spec, runs, 1, evaluator=ev)
        seconds = time.perf_counter() - started
        peak = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()
        mc = monte_carlo(ev.n_levels(noise_pool=runs), runs, 1, fresh=ev.is_noise())
        per = baseline_per_run(ev, mc.codes, ev.draw_noise(runs, 1))
        line(
            f"uncertainty ({ua.runs:,} runs, chunks of {ev.default_chunk()})",
            seconds,
            60.0,
            runs,
            per,
        )
        print(
            f"  upstream combinations computed: {ua.upstream_combinations}; "
            f"peak memory traced during the analysis {peak:,.0f} MiB"
        )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--county-runs", type=int, default=10_000)
    parser.add_argument("--skip-county", action="store_true")
    args = parser.parse_args()
    bench_asem()
    if not args.skip_county:
        bench_county(args.county_runs)


if __name__ == "__main__":
    main()
