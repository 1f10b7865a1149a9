"""Known answers: the Stata ``ecomplexity``/``genproximity`` outputs shipped with py-ecomplexity.

tests/fixtures/ecomplexity/SOURCE.md says where the files come from. Every file is whole
(every row, every column, both years where Stata wrote both), and every test compares all of
it. Stata reads ``export_val`` (and ``population``) with ``import delimited`` as float32, so
the inputs are rounded to float32 here exactly as Stata saw them.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from kaifang.methods import complexity as cx
from kaifang.trade.options import ComplexityOptions
from kaifang.trade.year import DisconnectedError, compute_year

HERE = Path(__file__).resolve().parents[1] / "fixtures" / "ecomplexity"
STATA = HERE / "stata"
TOL = 1e-9
YEARS = (1995, 1996)


def _expected(name: str, year: int | None = None) -> pd.DataFrame:
    frame = pd.read_csv(STATA / f"{name}.csv", dtype={"hs92": str})
    if year is not None:
        frame = frame[frame["year"] == year].reset_index(drop=True)
    return frame


def _inputs(year: int, with_population: bool) -> tuple[pd.DataFrame, np.ndarray | None]:
    data = pd.read_csv(HERE / "trade_data_sample.csv", dtype={"hs92": str})
    data = data[data["year"] == year]
    pop = None
    if with_population:
        population = pd.read_csv(HERE / "population_data_sample.csv")
        population = population[population["year"] == year].set_index("origin")["population"]
        # blx has no population: Stata leaves its rows out (missing results)
        data = data[data["origin"].isin(population.index)]
    wide = data.pivot(index="origin", columns="hs92", values="export_val")
    if with_population:
        pop = population.reindex(wide.index).to_numpy(dtype=float)
    return wide, pop


def _run(year: int, population: bool = False, **options: Any) -> tuple[pd.DataFrame, Any]:
    wide, pop = _inputs(year, population)
    opts = ComplexityOptions(value_precision="float32", **options)
    return wide, compute_year(wide.to_numpy(dtype=float), opts, pop)


def _positions(wide: pd.DataFrame, expected: pd.DataFrame) -> tuple[list[int], list[int]]:
    rows = [list(wide.index).index(o) for o in expected["origin"]]
    cols = [list(wide.columns).index(h) for h in expected["hs92"]]
    return rows, cols


def _compare(
    name: str,
    wide: pd.DataFrame,
    res: Any,
    year: int,
    skip_density: frozenset[str] = frozenset(),
    skip_columns: frozenset[str] = frozenset(),
) -> int:
    """Compare every result column of one year of a Stata file; return how many were compared."""
    expected = _expected(name, year)
    assert len(expected) > 0, f"{name} has no rows for {year}"
    rows, cols = _positions(wide, expected)
    cell = {
        "rca": res.rca,
        "rpop": res.rpop,
        "M": res.m,
        "binary_presence": res.m,
        "density": res.density,
        "cog": res.cog,
    }
    per_location = {"eci": res.eci, "coi": res.coi, "diversity": res.diversity}
    per_product = {"pci": res.pci, "ubiquity": res.ubiquity}
    checked = 0
    for column in expected.columns:
        if column in skip_columns:
            continue
        if column in cell:
            got = cell[column][rows, cols]
        elif column in per_location:
            got = per_location[column][rows]
        elif column in per_product:
            got = per_product[column][cols]
        else:
            continue  # year, origin, hs92 and the inputs (test_inputs_as_stata_stored_them)
        want = expected[column].to_numpy(dtype=float)
        if column == "density" and skip_density:
            keep = ~expected["hs92"].isin(skip_density).to_numpy()
            got, want = got[keep], want[keep]
        np.testing.assert_allclose(got, want, rtol=0, atol=TOL, err_msg=f"{name} {year}: {column}")
        checked += 1
    return checked


# name, uses population, options; every one of these files holds 1995 and 1996
CASES: list[tuple[str, bool, dict[str, Any]]] = [
    ("stata_rca_05", False, {"threshold": 0.5}),
    ("stata_rpop_default", True, {"presence": "rpop"}),
    ("stata_discrete_asymmetric", False, {"proximity": "asymmetric"}),
    ("stata_continuous", False, {"proximity": "continuous"}),
    ("stata_continuous_rpop", True, {"presence": "rpop", "proximity": "continuous"}),
    ("stata_knn_5", False, {"knn": 5}),
    ("stata_knn_10", False, {"knn": 10}),
    ("stata_knn_20", False, {"knn": 20}),
    ("stata_rca_rpop_combined", True, {"presence": "both"}),
]


@pytest.mark.parametrize(("name", "population", "options"), CASES, ids=[c[0] for c in CASES])
@pytest.mark.parametrize("year", YEARS)
def test_variant_matches_stata(
    name: str, population: bool, options: dict[str, Any], year: int
) -> None:
    """Every row and every result column of the variant's file, one year at a time."""
    wide, res = _run(year, population, **options)
    # rca (or rpop, or both), M, density, eci, pci, diversity, ubiquity, coi, cog
    assert _compare(name, wide, res, year) == (10 if options.get("presence") == "both" else 9)


@pytest.mark.parametrize("year", YEARS)
def test_default_variant_every_row(year: int) -> None:
    """The default variant: 300 rows a year, every column, to 1e-9."""
    wide, res = _run(year)
    assert len(_expected("stata_ground_truth", year)) == 300
    assert _compare("stata_ground_truth", wide, res, year) == 9


def test_single_year_1995_matches_stata() -> None:
    """A run on 1995 alone: the same numbers as 1995 of the two-year run, and Stata's file."""
    expected = _expected("stata_single_year_1995")
    assert set(expected["year"]) == {1995}
    wide, res = _run(1995)
    assert _compare("stata_single_year_1995", wide, res, 1995) == 9


ALL_FILES = [c[0] for c in CASES] + [
    "stata_ground_truth",
    "stata_single_year_1995",
    "stata_manual_mcp",
    "stata_continuous_knn_10",
    "stata_rca_2",
    "stata_rpop_2",
]


@pytest.mark.parametrize("name", ALL_FILES)
def test_inputs_as_stata_stored_them(name: str) -> None:
    """Each file holds every (year, origin, hs92) of the sample that Stata kept (population
    variants: the 9 countries with a population) and the inputs as Stata stored them: float32,
    printed with 8 significant digits."""
    expected = _expected(name)
    sample = pd.read_csv(HERE / "trade_data_sample.csv", dtype={"hs92": str})
    sample = sample[sample["year"].isin(expected["year"].unique())]
    if "population" in expected:
        population = pd.read_csv(HERE / "population_data_sample.csv")
        sample = sample.merge(population, on=["year", "origin"])
        np.testing.assert_allclose(
            sample.sort_values(["year", "origin", "hs92"])["population"].astype(np.float32),
            expected.sort_values(["year", "origin", "hs92"])["population"],
            rtol=1e-7,
        )
    keys = ["year", "origin", "hs92"]
    assert len(expected) == len(sample)
    assert not expected.duplicated(keys).any()
    merged = sample.merge(expected[[*keys, "export_val"]], on=keys, suffixes=("", "_stata"))
    assert len(merged) == len(sample)
    np.testing.assert_allclose(
        merged["export_val"].to_numpy().astype(np.float32), merged["export_val_stata"], rtol=1e-7
    )


@pytest.mark.parametrize("year", YEARS)
def test_manual_mcp_matches_stata(year: int) -> None:
    """Stata's ``bi`` option: the value column is Mcp itself (here the default run's M)."""
    wide, base = _run(year)
    manual = pd.DataFrame(base.m, index=wide.index, columns=wide.columns)
    res = compute_year(manual.to_numpy(), ComplexityOptions(presence="manual"))
    # binary_presence, density, eci, pci, diversity, ubiquity, coi, cog
    assert _compare("stata_manual_mcp", manual, res, year) == 8


def test_continuous_knn10_1995_matches_stata() -> None:
    wide, res = _run(1995, proximity="continuous", knn=10)
    assert _compare("stata_continuous_knn_10", wide, res, 1995) == 9


def test_continuous_knn10_1996_matches_stata_given_its_neighbour_counts() -> None:
    """Stata's knn cut-off ``(a + f + |a - f|)/2`` can round one ulp above the k-th proximity
    ``a`` and then drop that neighbour. Which rows it hits depends on the last bit of the
    correlations: in 1996 ours differ from Stata's in exactly three products, in every
    country's row. Given Stata's neighbour counts for those (9 for 7608, 10 for 8530 and
    9403), every density and COI of the year matches."""
    wide, res = _run(1996, proximity="continuous", knn=10)
    odd = frozenset({"7608", "8530", "9403"})
    # COI sums density over all products, so it waits for Stata's neighbour counts below
    checked = _compare(
        "stata_continuous_knn_10",
        wide,
        res,
        1996,
        skip_density=odd,
        skip_columns=frozenset({"coi"}),
    )
    assert checked == 8
    expected = _expected("stata_continuous_knn_10", 1996)
    rows, cols = _positions(wide, expected)
    differs = np.abs(res.density[rows, cols] - expected["density"].to_numpy()) > TOL
    assert set(expected["hs92"][differs]) == odd
    prox = res.proximity
    mask = cx.knn_neighbours(prox, 10)
    stata_count = {"7608": 9, "8530": 10, "9403": 10}
    for code, count in stata_count.items():
        j = list(wide.columns).index(code)
        assert mask[j].sum() != count  # ours kept the other count
        top = np.argsort(-prox[j], kind="stable")[:count]
        mask[j] = False
        mask[j, top] = True
    rca = res.rca
    assert rca is not None
    dens = cx.density(rca, prox, neighbours=mask)
    np.testing.assert_allclose(dens[rows, cols], expected["density"], rtol=0, atol=TOL)
    coi, _ = cx.complexity_outlook(res.m, dens, prox, res.kp, res.kc_sd)
    np.testing.assert_allclose(coi[rows], expected["coi"], rtol=0, atol=TOL)


@pytest.mark.parametrize("year", YEARS)
def test_rca_2_stata_gives_missing_we_refuse(year: int) -> None:
    """RCA > 2 leaves products without presence: Stata returns missing ECI, PCI, density, COI
    and COG for every row; kaifang refuses with a clear error (or drops them when asked).
    RCA, M, diversity and ubiquity match in every row."""
    wide, _pop = _inputs(year, False)
    x = wide.to_numpy(dtype=float).astype(np.float32).astype(float)
    with pytest.raises(DisconnectedError, match="no presence"):
        compute_year(x, ComplexityOptions(threshold=2))
    expected = _expected("stata_rca_2", year)
    assert len(expected) == 300
    rca = cx.balassa_rca(x)
    m = cx.presence(rca, 2.0)
    rows, cols = _positions(wide, expected)
    np.testing.assert_allclose(rca[rows, cols], expected["rca"], rtol=0, atol=TOL)
    np.testing.assert_array_equal(m[rows, cols], expected["M"])
    np.testing.assert_array_equal(m.sum(axis=1)[rows], expected["diversity"])
    np.testing.assert_array_equal(m.sum(axis=0)[cols], expected["ubiquity"])
    assert expected[["eci", "pci", "density", "coi", "cog"]].isna().all().all()


@pytest.mark.parametrize("year", YEARS)
def test_rpop_2_density_matches_and_eci_refused(year: int) -> None:
    """RPOP > 2: a country has no presence. Stata still gives density (discrete proximity is
    defined) but missing ECI; kaifang refuses the year, and its density kernel matches."""
    wide, pop = _inputs(year, True)
    assert pop is not None
    x = wide.to_numpy(dtype=float).astype(np.float32).astype(float)
    pop32 = pop.astype(np.float32).astype(float)
    with pytest.raises(DisconnectedError):
        compute_year(x, ComplexityOptions(presence="rpop", rpop_threshold=2), pop32)
    expected = _expected("stata_rpop_2", year)
    assert len(expected) == 270
    rpop = cx.rca_per_capita(x, pop32)
    m = cx.presence(rpop, 2.0)
    dens = cx.density(m, cx.proximity_discrete(m))
    rows, cols = _positions(wide, expected)
    np.testing.assert_allclose(rpop[rows, cols], expected["rpop"], rtol=0, atol=TOL)
    np.testing.assert_array_equal(m[rows, cols], expected["M"])
    np.testing.assert_array_equal(m.sum(axis=1)[rows], expected["diversity"])
    np.testing.assert_array_equal(m.sum(axis=0)[cols], expected["ubiquity"])
    np.testing.assert_allclose(dens[rows, cols], expected["density"], rtol=0, atol=TOL)
    assert expected[["eci", "pci", "coi", "cog"]].isna().all().all()


PROXIMITY = [
    ("stata_proximity_discrete_sym", "discrete"),
    ("stata_proximity_discrete_asym", "asymmetric"),
    ("stata_proximity_continuous", "continuous"),
]


@pytest.mark.parametrize(("name", "kind"), PROXIMITY)
def test_proximity_matches_genproximity(name: str, kind: str) -> None:
    """Every product pair of both years. ``genproximity ..., t(year)`` writes no year column:
    its file is one block of 30 x 30 pairs per year, in ascending years."""
    expected = pd.read_csv(STATA / f"{name}.csv", dtype={"hs92_1": str, "hs92_2": str})
    assert list(expected.columns) == ["hs92_1", "hs92_2", "proximity"]
    pairs = 30 * 30
    assert len(expected) == pairs * len(YEARS)
    results = {year: _run(year, proximity=kind) for year in YEARS}
    for k, year in enumerate(YEARS):
        block = expected.iloc[k * pairs : (k + 1) * pairs]
        wide, res = results[year]
        codes = list(wide.columns)
        i = [codes.index(c) for c in block["hs92_1"]]
        j = [codes.index(c) for c in block["hs92_2"]]
        np.testing.assert_allclose(
            res.proximity[i, j], block["proximity"], rtol=0, atol=TOL, err_msg=f"{name} {year}"
        )
        # the years differ, so the block order is not a matter of luck
        other = results[YEARS[1 - k]][1].proximity[i, j]
        assert np.abs(other - block["proximity"].to_numpy()).max() > 1e-3
