"""Benchmark: every disparity and dynamics measure on a county-scale panel.

2,844 units (China's county-level divisions) x 10 years on a square-cell grid map (so queen
contiguity is exact), 31 groups. Times, in one process:

1. all measures with kaifang's kernels: contiguity weights from the polygons, per year Dagum Gini,
   Theil, CV, kernel density, Moran's I (999 permutations) and LISA (999 conditional
   permutations); over the panel σ- and β-convergence (cross-section, pooled, fixed effects),
   Markov chain (steady state, first passage times, homogeneity test) and spatial Markov chain;
2. the same with the PySAL implementations (baseline): libpysal Queen weights, inequality Theil
   and Gini (PySAL has no Dagum decomposition: a plain NumPy pairwise version stands in), esda
   Moran and Moran_Local, giddy Markov and Spatial_Markov, statsmodels OLS for β;
3. Moran's I with 999 permutations for one year, kaifang against esda;
4. ``kaifang.analysis.run_disparity`` end to end on a generated assessment (the assessment run
   included), with and without spatial β (PySAL spreg, the optional ``spatial`` extra).

Run: python benchmarks/bench_disparity.py  [--units 2844 --years 10 --permutations 999]
"""

from __future__ import annotations

import argparse
import tempfile
import time
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml

from kaifang.methods import convergence as mc
from kaifang.methods import density as md
from kaifang.methods import disparity as mdis
from kaifang.methods import markov as mm
from kaifang.methods import spatial as msp


def grid_shape(n: int) -> tuple[int, int]:
    rows = int(np.sqrt(n))
    while n % rows:
        rows -= 1
    return rows, n // rows


def make_panel(n: int, years: int, seed: int = 3) -> tuple[np.ndarray, np.ndarray, list]:
    """Values (n, years) with a spatial trend and catch-up growth, groups, polygon rings."""
    rng = np.random.default_rng(seed)
    rows, cols = grid_shape(n)
    r, c = np.divmod(np.arange(n), cols)
    trend = np.sin(r / rows * 3.0) + np.cos(c / cols * 2.0)
    logs = np.empty((n, years))
    logs[:, 0] = 3 + 0.5 * trend + rng.normal(0, 0.2, n)
    for t in range(1, years):
        logs[:, t] = logs[:, t - 1] + 0.05 - 0.04 * (logs[:, t - 1] - 3) + rng.normal(0, 0.03, n)
    groups = (c * 31) // cols
    rings = [
        [np.array([[x, y], [x + 1, y], [x + 1, y + 1], [x, y + 1], [x, y]], dtype=float)]
        for y, x in zip(r, c, strict=True)
    ]
    return np.exp(logs), groups, rings


def timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    """CPU seconds of the process (all threads) and the result. CPU time, not wall time: the
    benchmark machine is shared, and wall time there measures the neighbours' load as much as
    the code (the totals below show both)."""
    start = time.process_time()
    out = fn()
    return time.process_time() - start, out


def kaifang_all(y: np.ndarray, groups: np.ndarray, rings: list, perms: int) -> dict[str, float]:
    times: dict[str, float] = {}
    t, w = timed(lambda: msp.row_standardise(msp.contiguity_weights(rings, "queen")))
    times["weights (queen)"] = t

    def per_year() -> None:
        grid = np.linspace(y.min(), y.max(), 100)
        for j in range(y.shape[1]):
            mdis.dagum_gini(y[:, j], groups)
            mdis.theil(y[:, j], groups)
            mdis.coefficient_of_variation(y[:, j])
            md.kernel_density(y[:, j], grid)

    times["Dagum, Theil, CV, KDE (per year)"] = timed(per_year)[0]
    times["Moran 999 (per year)"] = timed(
        lambda: [msp.moran(y[:, j], w, perms, seed=j) for j in range(y.shape[1])]
    )[0]
    times["LISA 999 (per year)"] = timed(
        lambda: [msp.local_moran(y[:, j], w, perms, seed=j) for j in range(y.shape[1])]
    )[0]

    def convergence() -> None:
        mc.sigma_convergence(y)
        mc.beta_cross_section(y)
        mc.beta_panel(y)
        mc.beta_panel(y, unit_effects=True)
        mc.beta_panel(y, unit_effects=True, year_effects=True)

    times["σ and β convergence"] = timed(convergence)[0]

    def markov() -> None:
        classes, _ = mm.quantile_classes(y, 5)
        p = mm.transition_probabilities(mm.transition_counts(classes, 5))
        mm.steady_state(p)
        mm.first_passage_times(p)
        half = y.shape[1] // 2
        mm.homogeneity_test(
            np.stack(
                [
                    mm.transition_counts(classes[:, : half + 1], 5),
                    mm.transition_counts(classes[:, half:], 5),
                ]
            )
        )
        rel = y / y.mean(axis=0)
        mm.spatial_markov(rel, msp.spatial_lag(w, rel), 5, 5)

    times["Markov, spatial Markov"] = timed(markov)[0]
    return times


def pysal_all(y: np.ndarray, groups: np.ndarray, rings: list, perms: int) -> dict[str, float]:
    import esda
    import libpysal
    import statsmodels.api as sm
    from giddy.ergodic import mfpt
    from giddy.markov import Markov, Spatial_Markov
    from inequality.theil import TheilD
    from shapely.geometry import Polygon

    times: dict[str, float] = {}
    t, w = timed(lambda: libpysal.weights.Queen.from_iterable([Polygon(r[0]) for r in rings]))
    w.transform = "r"
    times["weights (queen)"] = t

    def pairwise_dagum(v: np.ndarray) -> float:
        # the textbook O(n^2) pairwise sums: no Python package implements Dagum's decomposition
        total = 0.0
        for a in np.unique(groups):
            for b in np.unique(groups):
                total += np.abs(v[groups == a][:, None] - v[groups == b][None, :]).sum()
        return total / (2 * v.size**2 * v.mean())

    def per_year() -> None:
        from scipy.stats import gaussian_kde

        grid = np.linspace(y.min(), y.max(), 100)
        TheilD(y, groups)
        for j in range(y.shape[1]):
            pairwise_dagum(y[:, j])
            float(y[:, j].std() / y[:, j].mean())
            gaussian_kde(y[:, j])(grid)

    times["Dagum, Theil, CV, KDE (per year)"] = timed(per_year)[0]
    times["Moran 999 (per year)"] = timed(
        lambda: [esda.Moran(y[:, j], w, permutations=perms) for j in range(y.shape[1])]
    )[0]
    times["LISA 999 (per year)"] = timed(
        lambda: [
            esda.Moran_Local(y[:, j], w, permutations=perms, seed=j, n_jobs=1)
            for j in range(y.shape[1])
        ]
    )[0]

    def convergence() -> None:
        logs = np.log(y)
        span = y.shape[1] - 1
        sm.OLS((logs[:, -1] - logs[:, 0]) / span, sm.add_constant(logs[:, 0])).fit()
        g = (logs[:, 1:] - logs[:, :-1]).reshape(-1)
        lvl = logs[:, :-1].reshape(-1)
        sm.OLS(g, sm.add_constant(lvl)).fit()
        # fixed effects by the within transformation (dummies would be 2,844 columns)
        unit = np.repeat(np.arange(y.shape[0]), span)
        frame = pd.DataFrame({"g": g, "l": lvl, "u": unit})
        dm = frame[["g", "l"]] - frame.groupby("u")[["g", "l"]].transform("mean")
        sm.OLS(dm["g"], dm[["l"]]).fit()

    times["σ and β convergence"] = timed(convergence)[0]

    def markov() -> None:
        import mapclassify as mcl

        q5 = np.array([mcl.Quantiles(y[:, j], k=5).yb for j in range(y.shape[1])]).T
        m = Markov(q5, summary=False)
        m.steady_state  # noqa: B018 - computed on access
        mfpt(m.p)
        rel = y / y.mean(axis=0)
        Spatial_Markov(rel, w, fixed=True, k=5, m=5)

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        times["Markov, spatial Markov"] = timed(markov)[0]
    return times


def end_to_end(n: int, years: int, perms: int) -> tuple[float, float]:
    """Seconds of run_disparity on a generated assessment (assessment run included), without
    and with spatial β."""
    import kaifang
    from kaifang.analysis import run_disparity

    y, groups, _ = make_panel(n, years)
    _, cols = grid_shape(n)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        fw = {
            "id": "index",
            "name": {"en": "Index", "zh": "指数"},
            "children": [
                {"id": f"x{k}", "name": {"en": f"x{k}", "zh": f"x{k}"}, "direction": 1}
                for k in range(4)
            ],
        }
        (folder / "framework.yaml").write_text(yaml.safe_dump(fw))
        codes = [f"c{u:05d}" for u in range(n)]
        pd.DataFrame(
            {
                "code": codes,
                "name_en": codes,
                "name_zh": codes,
                "level": "county",
                "group": [f"g{g}" for g in groups],
            }
        ).to_csv(folder / "units.csv", index=False)
        rng = np.random.default_rng(1)
        wide = pd.DataFrame(
            {
                "unit": np.repeat(codes, years),
                "year": np.tile(np.arange(2015, 2015 + years), n),
                **{f"x{k}": (y * rng.uniform(0.8, 1.2, y.shape)).reshape(-1) for k in range(4)},
            }
        )
        wide.to_csv(folder / "data.csv", index=False)
        r, c = np.divmod(np.arange(n), cols)
        features = [
            {
                "type": "Feature",
                "properties": {"code": code},
                "geometry": {
                    "type": "Polygon",
                    "coordinates": [[[x, yy], [x + 1, yy], [x + 1, yy + 1], [x, yy + 1], [x, yy]]],
                },
            }
            for code, yy, x in zip(codes, r.tolist(), c.tolist(), strict=True)
        ]
        import json

        (folder / "map.geojson").write_text(
            json.dumps({"type": "FeatureCollection", "features": features})
        )
        out = []
        for spatial_beta in ("none", "both"):
            config = {
                "title": "bench",
                "framework": "framework.yaml",
                "units": "units.csv",
                "data": {"path": "data.csv", "format": "wide"},
                "steps": {
                    "normalise": {"method": "minmax", "range": [1, 100], "reference": "pooled"},
                    "weight": {"method": "framework"},
                    "aggregate": {"method": "arithmetic"},
                },
                "disparity": {
                    "variable": {"node": "index"},
                    "groups": "group",
                    "beta": {"spatial": spatial_beta},
                    "spatial": {
                        "geojson": "map.geojson",
                        "id_property": "code",
                        "permutations": perms,
                        "geographic": False,
                    },
                },
            }
            path = folder / "assessment.yaml"
            path.write_text(yaml.safe_dump(config))
            assessment = kaifang.load(path)
            out.append(timed(lambda a=assessment: run_disparity(a))[0])
    return out[0], out[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--units", type=int, default=2844)
    parser.add_argument("--years", type=int, default=10)
    parser.add_argument("--permutations", type=int, default=999)
    args = parser.parse_args()
    y, groups, rings = make_panel(args.units, args.years)
    print(f"{args.units} units x {args.years} years, {args.permutations} permutations")

    # warm-up of both sides (imports, numba compilation in esda and giddy) on a small panel
    ys, gs, rs = make_panel(64, 3)
    kaifang_all(ys, gs, rs, 9)
    pysal_all(ys, gs, rs, 9)

    wall = time.perf_counter()
    ours = kaifang_all(y, groups, rings, args.permutations)
    wall_ours = time.perf_counter() - wall
    wall = time.perf_counter()
    theirs = pysal_all(y, groups, rings, args.permutations)
    wall_theirs = time.perf_counter() - wall
    print(f"\n{'measure (CPU seconds)':36s} {'kaifang s':>10s} {'PySAL s':>10s} {'ratio':>8s}")
    for key in ours:
        print(f"{key:36s} {ours[key]:10.3f} {theirs[key]:10.3f} {theirs[key] / ours[key]:8.1f}x")
    total_ours, total_theirs = sum(ours.values()), sum(theirs.values())
    print(
        f"{'ALL MEASURES':36s} {total_ours:10.3f} {total_theirs:10.3f} "
        f"{total_theirs / total_ours:8.1f}x   (target < 5 s)"
    )
    print(f"{'  wall time (shared machine)':36s} {wall_ours:10.3f} {wall_theirs:10.3f}")

    import esda
    import libpysal
    from shapely.geometry import Polygon

    w = msp.row_standardise(msp.contiguity_weights(rings, "queen"))
    wp = libpysal.weights.Queen.from_iterable([Polygon(r[0]) for r in rings])
    wp.transform = "r"
    t_ours = min(
        timed(lambda: msp.moran(y[:, -1], w, args.permutations, seed=1))[0] for _ in range(3)
    )
    t_esda = min(
        timed(lambda: esda.Moran(y[:, -1], wp, permutations=args.permutations))[0] for _ in range(3)
    )
    print(
        f"\nMoran's I, one year, {args.permutations} permutations (CPU): kaifang {t_ours:.3f} s, "
        f"esda {t_esda:.3f} s, ratio {t_esda / t_ours:.1f}x   (target < 1 s)"
    )

    plain, spatial = end_to_end(args.units, args.years, args.permutations)
    print(
        f"\nrun_disparity end to end, CPU (assessment run included): {plain:.2f} s; "
        f"with spatial β (spreg ML_Lag + ML_Error): {spatial:.2f} s"
    )


if __name__ == "__main__":
    main()
