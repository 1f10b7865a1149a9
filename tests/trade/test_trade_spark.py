"""The same SQL on Spark (local mode) gives the DuckDB results to 1e-12. Never skipped:
scripts/test.sh installs Java 17 and PySpark. One Spark session serves the whole module."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from kaifang.trade.config import load_trade_config
from kaifang.trade.engine import DuckDBEngine, SparkEngine
from kaifang.trade.pipeline import compute_trade
from kaifang.trade.readers import read_trade
from kaifang.trade.results import TradeResults


@pytest.fixture(scope="module")
def spark() -> Iterator[SparkEngine]:
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    engine = SparkEngine(master="local[1]", shuffle_partitions=1)
    yield engine
    engine.close()


def _both(config_path: Path, spark: SparkEngine) -> tuple[TradeResults, TradeResults]:
    config = load_trade_config(config_path)
    table = read_trade(config.data, config_path.parent)
    duck = DuckDBEngine()
    try:
        a = compute_trade(config, table, duck)
    finally:
        duck.close()
    b = compute_trade(config, table, spark)
    return a, b


def _same(a: pd.DataFrame, b: pd.DataFrame, keys: list[str]) -> None:
    a = a.sort_values(keys).reset_index(drop=True)
    b = b.sort_values(keys).reset_index(drop=True)
    assert list(a.columns) == list(b.columns)
    assert len(a) == len(b)
    for column in a.columns:
        if column in keys or a[column].dtype == object or str(a[column].dtype) == "str":
            assert a[column].astype(str).tolist() == b[column].astype(str).tolist(), column
        else:
            np.testing.assert_allclose(
                a[column].to_numpy(float),
                b[column].to_numpy(float),
                rtol=1e-12,
                atol=1e-12,
                err_msg=column,
            )


def test_spark_equals_duckdb_on_stata_sample(sample_config: Path, spark: SparkEngine) -> None:
    a, b = _both(sample_config, spark)
    assert b.record["engine"]["name"] == "spark"
    _same(a.location_product, b.location_product, ["location", "product", "year"])
    _same(a.locations, b.locations, ["location", "year"])
    _same(a.products, b.products, ["product", "year"])
    _same(a.concentration, b.concentration, ["year", "location"])
    assert a.margins is not None and b.margins is not None
    _same(a.margins, b.margins, ["location", "year"])
    assert a.growth_products is not None and b.growth_products is not None
    _same(a.growth_products, b.growth_products, ["location", "year", "product"])


def test_spark_equals_duckdb_partners_and_imports(tmp_path: Path, spark: SparkEngine) -> None:
    rng = np.random.default_rng(3)
    rows = []
    for year in (2020, 2021):
        for loc in "abcdef":
            for prod in ["0101", "0202", "0303", "8471", "8542", "9401", "2710"]:
                for partner in ["usa", "jpn", "deu"]:
                    if rng.random() < 0.7:
                        rows.append((year, loc, prod, partner, "export", rng.uniform(1, 100)))
                    if rng.random() < 0.5:
                        rows.append((year, loc, prod, partner, "import", rng.uniform(1, 100)))
    pd.DataFrame(rows, columns=["year", "loc", "hs", "partner", "flow", "usd"]).to_csv(
        tmp_path / "w.csv", index=False
    )
    (tmp_path / "t.yaml").write_text(
        "data: {path: w.csv, columns: {location: loc, product: hs, year: year, value: usd, "
        "partner: partner, flow: flow}}\nproduct_digits: 2\ncomplexity: {isolated: drop}\n",
        encoding="utf-8",
    )
    a, b = _both(tmp_path / "t.yaml", spark)
    assert a.partners is not None and b.partners is not None
    _same(a.partners, b.partners, ["year", "location", "flow"])
    # export and import markets, in the same SQL on both engines
    assert a.partner_shares is not None and b.partner_shares is not None
    assert set(b.partner_shares["flow"]) == {"export", "import"}
    _same(a.partner_shares, b.partner_shares, ["year", "location", "partner", "flow"])
    assert a.intra_industry is not None and b.intra_industry is not None
    _same(a.intra_industry, b.intra_industry, ["year", "location"])
    assert a.growth_partners is not None and b.growth_partners is not None
    _same(a.growth_partners, b.growth_partners, ["location", "year", "partner"])
    _same(a.location_product, b.location_product, ["location", "product", "year"])


@pytest.mark.parametrize("complexity", ["presence: rpop", "presence: both, proximity: continuous"])
def test_spark_equals_duckdb_with_populations(
    tmp_path: Path, spark: SparkEngine, complexity: str
) -> None:
    """RPOP (presence rpop | both) in the same SQL on both engines, populations from a file."""
    fixture = Path(__file__).resolve().parents[1] / "fixtures" / "ecomplexity"
    trade = pd.read_csv(fixture / "trade_data_sample.csv", dtype={"hs92": str})
    trade[trade["origin"] != "blx"].to_csv(tmp_path / "trade.csv", index=False)
    (tmp_path / "pop.csv").write_bytes((fixture / "population_data_sample.csv").read_bytes())
    config_path = tmp_path / "t.yaml"
    config_path.write_text(
        "data: {path: trade.csv, columns: {location: origin, product: hs92, year: year, "
        "value: export_val}}\npopulation: {path: pop.csv, columns: {location: origin}}\n"
        f"complexity: {{value_precision: float32, {complexity}}}\n",
        encoding="utf-8",
    )
    config = load_trade_config(config_path)
    table = read_trade(config.data, tmp_path)
    duck = DuckDBEngine()
    try:
        a = compute_trade(config, table, duck, base=tmp_path)
    finally:
        duck.close()
    b = compute_trade(config, table, spark, base=tmp_path)
    assert "rpop" in b.location_product.columns
    assert b.location_product["rpop"].notna().all()
    _same(a.location_product, b.location_product, ["location", "product", "year"])
    _same(a.locations, b.locations, ["location", "year"])
    _same(a.products, b.products, ["product", "year"])


def test_spark_equals_duckdb_for_regions_by_rpop(
    tmp_path: Path, spark: SparkEngine, region_rpop_files: Callable[..., Path]
) -> None:
    """A region's RPOP needs the world population of the year: the same SQL on both engines."""
    config_path = region_rpop_files(tmp_path, "both")
    config = load_trade_config(config_path)
    table = read_trade(config.data, tmp_path)
    duck = DuckDBEngine()
    try:
        a = compute_trade(config, table, duck, base=tmp_path)
    finally:
        duck.close()
    b = compute_trade(config, table, spark, base=tmp_path)
    assert a.region_products is not None and b.region_products is not None
    assert b.region_products["rpop"].notna().any()
    _same(a.region_products, b.region_products, ["location", "product", "year"])
