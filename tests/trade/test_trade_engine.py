"""The complexity run's machinery: integer codes, the one-year RCA statement from raw rows,
engines sharing one in-memory DuckDB database, the BLAS thread limit, matrix steps side by
side."""

from __future__ import annotations

import os
import threading

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from threadpoolctl import threadpool_info

from kaifang.errors import MethodError
from kaifang.methods import complexity as cx
from kaifang.trade.config import TradeConfig
from kaifang.trade.engine import DuckDBEngine, blas_threads, parallel_steps
from kaifang.trade.options import ComplexityOptions
from kaifang.trade.pipeline import _sorted_codes, compute_trade
from kaifang.trade.year import complexity_from_presence


def _raw_rows(seed: int, years: tuple[int, ...] = (2022,)) -> pd.DataFrame:
    """Raw rows of a nested network (capable locations export complex products): each
    (location, product) split over several partners, HS6 codes with leading zeros, so that
    both the grouping and the cut to 4 digits have work to do."""
    rng = np.random.default_rng(seed)
    hs6 = [f"{heading:04d}{sub:02d}" for heading in (101, 201, 302, 8471, 8703) for sub in (1, 2)]
    capability = np.linspace(-1.0, 2.0, 12)
    complexity = np.linspace(-1.5, 1.5, len(hs6))
    rows = []
    for year in years:
        for i, cap in enumerate(capability):
            for product, cpx in zip(hs6, complexity, strict=True):
                share = 1.0 / (1.0 + np.exp(-3.0 * (cap - cpx)))
                for partner in ["p1", "p2", "p3"]:
                    value = rng.lognormal(10, 1) * (0.05 + share)
                    rows.append((year, f"c{i:02d}", partner, product, "export", value))
    frame = pd.DataFrame(
        rows, columns=["year", "location", "partner", "product", "flow", "value"]
    ).astype({"year": np.int32})
    return frame


def _config(**extra: object) -> TradeConfig:
    return TradeConfig.model_validate(
        {"data": {"path": "<memory>"}, "structure": False, "complexity": {"isolated": "drop"}}
        | extra
    )


def _run(frame: pd.DataFrame, config: TradeConfig) -> pd.DataFrame:
    engine = DuckDBEngine()
    try:
        res = compute_trade(config, pa.Table.from_pandas(frame, preserve_index=False), engine)
    finally:
        engine.close()
    cells: pd.DataFrame = res.location_product
    return cells


def test_one_year_rca_from_raw_rows_equals_the_numpy_kernel() -> None:
    frame = _raw_rows(1)
    cells = _run(frame, _config(product_digits=4))
    # by hand: cut the codes, sum the partners, Balassa's RCA on the dense matrix
    summed = (
        frame.assign(product=frame["product"].str[:4])
        .groupby(["location", "product"])["value"]
        .sum()
        .unstack(fill_value=0)
    )
    expected = cx.balassa_rca(summed.to_numpy())
    got = cells.pivot(index="location", columns="product", values="rca")
    assert list(got.columns) == ["0101", "0201", "0302", "8471", "8703"]  # leading zeros kept
    got = got.reindex(index=summed.index, columns=summed.columns)
    np.testing.assert_allclose(got.to_numpy(), expected, rtol=1e-13)
    m = cells.pivot(index="location", columns="product", values="m").reindex(
        index=summed.index, columns=summed.columns
    )
    np.testing.assert_array_equal(m.to_numpy(), (expected > 1.0).astype(float))


def test_a_panel_year_equals_that_year_alone() -> None:
    """Several years read each year from the kept aggregation, one year from the raw rows:
    the same numbers either way."""
    frame = _raw_rows(2, years=(2021, 2022))
    panel = _run(frame, _config())
    alone = _run(frame[frame["year"] == 2022], _config())
    keys = ["location", "product"]
    a = panel[panel["year"] == 2022].sort_values(keys).reset_index(drop=True)
    b = alone.sort_values(keys).reset_index(drop=True)
    assert a[keys].astype(str).equals(b[keys].astype(str))
    for column in ["value", "rca", "m", "density", "cog"]:
        np.testing.assert_allclose(
            a[column].to_numpy(float), b[column].to_numpy(float), rtol=1e-12, atol=1e-14
        )


def test_engines_share_the_database_not_their_tables() -> None:
    first, second = DuckDBEngine(), DuckDBEngine()
    try:
        # one database instance: a table of the database itself is seen by both connections
        first.con.execute("CREATE TABLE probe_shared AS SELECT 7 AS x")
        assert second.query("SELECT x FROM probe_shared")["x"].tolist() == [7]
        second.con.execute("DROP TABLE probe_shared")
        first.create_view("cp", "SELECT 1 AS x")
        with pytest.raises(duckdb.Error):
            second.query("SELECT * FROM cp")
        second.create_view("cp", "SELECT 2 AS x")
        first.load("rows", pa.table({"x": [3]}))
        assert first.query("SELECT x FROM cp")["x"].tolist() == [1]
        assert second.query("SELECT x FROM cp")["x"].tolist() == [2]
        first.close()
        assert second.query("SELECT x FROM cp")["x"].tolist() == [2]
        with pytest.raises(duckdb.Error):
            second.query("SELECT * FROM rows")
    finally:
        second.close()


def test_concurrent_runs_on_the_shared_database_keep_their_own_data() -> None:
    frames = [_raw_rows(seed) for seed in (3, 4, 5)]
    expected = [_run(f, _config()) for f in frames]
    got: dict[int, pd.DataFrame] = {}

    def work(i: int) -> None:
        got[i] = _run(frames[i], _config())

    threads = [threading.Thread(target=work, args=(i,)) for i in range(len(frames))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for i, cells in enumerate(expected):
        pd.testing.assert_frame_equal(got[i], cells)


def test_blas_threads_limits_and_restores() -> None:
    def blas() -> list[int]:
        return [int(lib["num_threads"]) for lib in threadpool_info() if lib["user_api"] == "blas"]

    before = blas()
    with blas_threads(1):
        assert blas() and all(n == 1 for n in blas())
    assert blas() == before


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.text(alphabet="0123456789ab", min_size=1, max_size=6), min_size=1, max_size=40),
    st.one_of(st.none(), st.integers(min_value=1, max_value=4)),
    st.booleans(),
)
def test_sorted_codes_index_sorted_distinct_names(
    values: list[str], digits: int | None, dictionary: bool
) -> None:
    column = pa.chunked_array([pa.array(values)])
    if dictionary:
        column = pa.chunked_array([pa.array(values).dictionary_encode()])
    codes, names = _sorted_codes(column, digits)
    cut = [v if digits is None else v[:digits] for v in values]
    assert list(names) == sorted(set(cut))
    assert codes.dtype == np.int32
    assert [names[c] for c in codes] == cut


@pytest.mark.parametrize(
    ("threads", "load", "cores", "expected"),
    [(1, 0.3, 2, True), (1, 1.9, 2, False), (2, 0.0, 2, False), (None, 0.0, 8, False)],
)
def test_parallel_steps_need_threads_cores_and_a_free_core(
    monkeypatch: pytest.MonkeyPatch, threads: int | None, load: float, cores: int, expected: bool
) -> None:
    monkeypatch.setattr(os, "getloadavg", lambda: (load, load, load))
    monkeypatch.setattr(os, "sched_getaffinity", lambda _pid: set(range(cores)))
    assert parallel_steps(threads) is expected


@pytest.mark.parametrize(
    "options",
    [{}, {"proximity": "continuous", "knn": 3}, {"proximity": "asymmetric"}],
)
def test_steps_side_by_side_give_the_same_bits(options: dict[str, object]) -> None:
    frame = _raw_rows(6)
    x = frame.groupby(["location", "product"])["value"].sum().unstack(fill_value=0).to_numpy()
    rca = cx.balassa_rca(x)
    m = cx.presence(rca)
    opts = ComplexityOptions.model_validate(options)
    with blas_threads(1):
        alone = complexity_from_presence(x, rca, None, m, opts, parallel=False)
        paired = complexity_from_presence(x, rca, None, m, opts, parallel=True)
    for field in ("eci", "pci", "density", "cog", "coi", "proximity"):
        np.testing.assert_array_equal(getattr(alone, field), getattr(paired, field), field)


def test_disconnected_network_is_refused_with_steps_side_by_side() -> None:
    # two blocks: locations 0-1 export products 0-1 only, locations 2-4 products 2-4 only
    x = np.zeros((5, 5))
    x[:2, :2] = [[3.0, 1.0], [1.0, 3.0]]
    x[2:, 2:] = [[3.0, 1.0, 1.0], [1.0, 3.0, 1.0], [1.0, 1.0, 3.0]]
    rca = cx.balassa_rca(x)
    with pytest.raises(MethodError, match="second eigenvalue"):
        complexity_from_presence(x, rca, None, cx.presence(rca), ComplexityOptions(), True)
