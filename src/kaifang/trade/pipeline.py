"""``kaifang trade``: from raw trade rows to complexity and structure tables.

SQL (DuckDB or Spark) does the tabular work: aggregation to the product level asked for,
RCA and Mcp with window sums, concentration, partners, margins, intra-industry trade. NumPy
does the matrix work year by year (eigenvectors, proximity, density, COI, COG), so memory holds
one year's location x product matrices at a time.
"""

from __future__ import annotations

import hashlib
import logging
import platform
import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from kaifang import __version__
from kaifang.errors import InputError, MethodError, Problem
from kaifang.provenance import package_versions
from kaifang.trade import sql
from kaifang.trade.config import TradeConfig, load_trade_config
from kaifang.trade.engine import (
    DuckDBEngine,
    Engine,
    SparkEngine,
    blas_threads,
    make_engine,
    parallel_steps,
)
from kaifang.trade.indicators import indicator_table
from kaifang.trade.markets import by_flow, import_markets_rule, partner_flows
from kaifang.trade.openness import openness_table
from kaifang.trade.population import population_table
from kaifang.trade.readers import read_trade
from kaifang.trade.regions import score_regions
from kaifang.trade.results import TradeResults
from kaifang.trade.year import DisconnectedError, YearComplexity, complexity_from_presence

logger = logging.getLogger(__name__)


def _hash(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _engine_for(config: TradeConfig) -> Engine:
    spec = config.engine
    if spec.name == "spark":
        return make_engine("spark", master=spec.master)
    return make_engine(
        "duckdb",
        memory_limit=spec.memory_limit,
        temp_directory=spec.temp_directory,
        threads=spec.threads,
    )


def run_trade(
    config_path: str | Path, engine: DuckDBEngine | SparkEngine | None = None
) -> TradeResults:
    """Read the config and its data, compute everything, return the tables (nothing written)."""
    path = Path(config_path)
    config = load_trade_config(path)
    base = path.parent
    data_path = (base / config.data.path).resolve()
    table = read_trade(config.data, base, config.engine.memory_limit)
    own = engine is None
    eng = engine or _engine_for(config)
    try:
        return compute_trade(config, table, eng, str(data_path), _hash(data_path), base)
    finally:
        if own:
            eng.close()


def _check_years(table: pa.Table, config: TradeConfig, file: str) -> pa.Table:
    years = set(pc.unique(table["year"]).to_pylist())
    if config.years is None:
        return table
    first, last = config.years
    empty = [y for y in range(first, last + 1) if y not in years]
    if empty:
        raise InputError(
            [
                Problem(file, f"year {y} has no data rows (years: [{first}, {last}] in the config)")
                for y in empty
            ]
        )
    mask = pc.and_(pc.greater_equal(table["year"], first), pc.less_equal(table["year"], last))
    return table.filter(mask)


def compute_trade(
    config: TradeConfig,
    table: pa.Table,
    engine: Engine,
    data_file: str = "<table>",
    data_hash: str = "",
    base: Path | None = None,
) -> TradeResults:
    """Everything from a canonical trade table (see :mod:`kaifang.trade.readers`)."""
    start = time.perf_counter()
    table = _check_years(table, config, data_file)
    opts = config.complexity
    if opts.value_precision == "float32":
        # Stata's import delimited stores values as float32: round them as it does
        value = pc.cast(pc.cast(table["value"], pa.float32()), pa.float64())
        table = table.set_column(table.schema.get_field_index("value"), "value", value)
    if config.structure or config.gdp is not None:
        # the tables by name (structure, openness); the complexity work reads the codes only
        engine.load("trade", table)
    panel_years = sorted(int(y) for y in pc.unique(table["year"]).to_pylist())
    # locations and products (cut to product_digits) as integer codes into their sorted names:
    # the SQL groups integers, and its rows index the dense matrices without a lookup
    coded, loc_names, prod_names = _coded_trade(table, config.product_digits)
    engine.load("trade_coded", coded)
    per_capita = opts.presence in ("rpop", "both")
    world_population: dict[int, float] = {}
    # one year and nothing else from the aggregation: one statement from the raw rows;
    # otherwise the aggregation is kept (by code) and each year read from it
    kept_cells = (
        len(panel_years) > 1
        or per_capita
        or config.min_location_value is not None
        or config.structure
    )
    if kept_cells:
        engine.create_view("cells", sql.location_product(source="trade_coded"))
        if config.min_location_value is not None:
            engine.create_view("cells_all", "SELECT * FROM cells")
            engine.create_view("cells", sql.large_locations("cells_all", config.min_location_value))
    if per_capita:
        needed = engine.query(
            "SELECT year, location FROM cells GROUP BY year, location HAVING SUM(value) > 0"
        )
        needed["location"] = loc_names[needed["location"].to_numpy(dtype=np.int64)]
        people = population_table(config, table, base, needed, data_file)
        engine.load("population", _coded_population(people, loc_names))
    if per_capita and config.regions is not None:
        # regions are scored against the world population of the world's RPOP
        world_population = {
            int(y): float(n)
            for y, n in engine.query(sql.world_population("cells", "population")).itertuples(
                index=False
            )
        }
    measures = ("value", "rca", "rpop", "m") if per_capita else ("value", "rca", "m")

    def presence_rows(year: int) -> pd.DataFrame:
        """One year's RCA and Mcp rows by name: the panel is streamed year by year."""
        rows = engine.query(sql_rows(year))
        return rows.assign(
            year=np.full(len(rows), year, dtype=table.schema.field("year").type.to_pandas_dtype()),
            location=loc_names.to_numpy()[rows["location"].to_numpy(dtype=np.int64)],
            product=prod_names.to_numpy()[rows["product"].to_numpy(dtype=np.int64)],
        )

    def presence_matrix_rows(year: int) -> tuple[dict[str, np.ndarray], pd.Index, pd.Index]:
        """One year's rows as codes into the year's sorted locations and products, in one
        query."""
        rows = engine.query_arrow(sql_rows(year))
        loc_codes, locs = _year_codes(rows["location"], loc_names)
        prod_codes, prods = _year_codes(rows["product"], prod_names)
        columns = {
            "li": loc_codes,
            "pi": prod_codes,
            **{c: _floats(rows[c]) for c in measures},
        }
        return columns, locs, prods

    def sql_rows(year: int) -> str:
        if kept_cells:
            source = f"(SELECT * FROM cells WHERE year = {int(year)}) AS cp_year"
        else:
            source = f"({sql.location_product(source='trade_coded', year=year)}) AS cp_year"
        if opts.presence == "rca":
            rows = (
                source if kept_cells else f"({sql.year_rows(year, 'trade_coded')}) AS export_rows"
            )
            return sql.rca(rows, opts.threshold, opts.strict)
        if opts.presence == "manual":
            return (
                "SELECT year, location, product, value, CAST(NULL AS DOUBLE) AS rca, "
                f"CASE WHEN value > 0 THEN 1.0 ELSE 0.0 END AS m FROM {source}"
            )
        if per_capita:
            return sql.rca_rpop(
                source,
                "population",
                opts.presence,
                opts.threshold,
                opts.rpop_threshold,
                opts.strict,
            )
        raise ValueError(opts.presence)

    warnings: list[str] = []
    loc_tables, prod_tables, cell_tables = [], [], []
    proximity: dict[int, pd.DataFrame] = {}
    year_results: dict[int, tuple[YearComplexity, pd.Index, pd.Index]] = {}
    for y in [] if config.skip_complexity else panel_years:
        with blas_threads(config.engine.blas_threads):
            res, locs, prods, values, rca = _year(*presence_matrix_rows(y), config, data_file, y)
        year_results[y] = (res, locs, prods)
        loc_tables.append(
            pd.DataFrame(
                {
                    "location": locs,
                    "year": y,
                    "diversity": res.diversity,
                    "eci": res.eci,
                    "coi": res.coi,
                }
            )
        )
        prod_tables.append(
            pd.DataFrame({"product": prods, "year": y, "ubiquity": res.ubiquity, "pci": res.pci})
        )
        n_loc, n_prod = values.shape
        cell_tables.append(
            pd.DataFrame(
                {
                    "location": pd.Categorical.from_codes(
                        np.repeat(np.arange(n_loc), n_prod), categories=locs
                    ),
                    "product": pd.Categorical.from_codes(
                        np.tile(np.arange(n_prod), n_loc), categories=prods
                    ),
                    "year": y,
                    "value": values.reshape(-1),
                    "rca": rca.reshape(-1),
                    **({"rpop": res.rpop.reshape(-1)} if res.rpop is not None else {}),
                    "m": res.m.reshape(-1),
                    "density": res.density.reshape(-1),
                    "cog": res.cog.reshape(-1),
                }
            )
        )
        proximity[y] = pd.DataFrame(res.proximity, index=prods, columns=prods, copy=False)
        dropped_c = int((~res.kept_locations).sum())
        dropped_p = int((~res.kept_products).sum())
        if dropped_c or dropped_p:
            warnings.append(
                f"{y}: {dropped_c} location(s) and {dropped_p} product(s) without trade or "
                "presence left out (empty results)"
            )
    if config.skip_complexity:
        warnings.append("skip_complexity: no ECI, PCI, density, COI or COG computed")
        loc_tables = [pd.DataFrame(columns=["location", "year", "diversity", "eci", "coi"])]
        prod_tables = [pd.DataFrame(columns=["product", "year", "ubiquity", "pci"])]
        cell_tables = [
            presence_rows(y)[["location", "product", "year", *measures]] for y in panel_years
        ]
    results = TradeResults(
        locations=pd.concat(loc_tables, ignore_index=True),
        products=pd.concat(prod_tables, ignore_index=True),
        location_product=pd.concat(cell_tables, ignore_index=True),
        concentration=_named(
            engine.query(sql.export_concentration("cells") + " ORDER BY year, location"),
            loc_names,
        )
        if config.structure
        else pd.DataFrame(),
        record={},
        proximity=proximity,
    )
    if config.structure:
        _structure(results, engine, table, config)
    if config.regions is not None:
        with blas_threads(config.engine.blas_threads):
            score_regions(results, config, year_results, base or Path("."), world_population)
    if config.gdp is not None:
        results.openness = openness_table(engine, config, base or Path("."))
    if config.indicators:
        results.indicators = indicator_table(results, config)
    results.record = _record(config, engine, data_file, data_hash, table, warnings, start)
    return results


def _sorted_codes(
    column: pa.ChunkedArray, digits: int | None = None
) -> tuple[np.ndarray, pd.Index]:
    """Integer codes (int32) of ``column`` into its sorted distinct values (code point order);
    with ``digits``, of the values cut to their first ``digits`` characters (SQL's SUBSTR)."""
    values = column
    if isinstance(column, pa.ChunkedArray):
        values = column.chunk(0) if column.num_chunks == 1 else column.combine_chunks()
    encoded = values if pa.types.is_dictionary(values.type) else pc.dictionary_encode(values)
    names = np.asarray(encoded.dictionary.to_pylist(), dtype=object)
    if digits is not None:
        names = np.asarray([str(name)[:digits] for name in names], dtype=object)
    distinct, rank = np.unique(names.astype(str), return_inverse=True)
    indices = encoded.indices.to_numpy(zero_copy_only=False)
    codes = rank.astype(np.int32)[indices]
    return codes, pd.Index(distinct.tolist(), dtype=object)


def _coded_trade(table: pa.Table, digits: int | None) -> tuple[pa.Table, pd.Index, pd.Index]:
    """The trade rows with location and product as codes into their sorted names."""
    locations, loc_names = _sorted_codes(table["location"])
    products, prod_names = _sorted_codes(table["product"], digits)
    coded = pa.table(
        {
            "year": table["year"],
            "flow": table["flow"],
            "location": pa.array(locations),
            "product": pa.array(products),
            "value": table["value"],
        }
    )
    return coded, loc_names, prod_names


def _coded_population(people: pa.Table, loc_names: pd.Index) -> pa.Table:
    """The population rows of the traded locations, their location as its code."""
    codes = loc_names.get_indexer(people["location"].to_pylist())
    known = codes >= 0
    return pa.table(
        {
            "year": people["year"].filter(pa.array(known)),
            "location": pa.array(codes[known].astype(np.int32)),
            "population": people["population"].filter(pa.array(known)),
        }
    )


def _named(frame: pd.DataFrame, loc_names: pd.Index) -> pd.DataFrame:
    """``frame`` with its location codes replaced by the names."""
    codes = frame["location"].to_numpy(dtype=np.int64)
    return frame.assign(location=loc_names.to_numpy()[codes])


def _year_codes(column: pa.ChunkedArray, names: pd.Index) -> tuple[np.ndarray, pd.Index]:
    """Codes of one year's rows renumbered over the codes present that year (order kept)."""
    codes = np.asarray(column.to_numpy(), dtype=np.int64)
    present = np.zeros(len(names), dtype=bool)
    present[codes] = True
    if present.all():
        return codes, names
    renumber = np.cumsum(present) - 1
    return renumber[codes], names[present]


def _floats(column: pa.ChunkedArray) -> np.ndarray:
    """A numeric column as float64, NULL as NaN."""
    return np.asarray(
        pc.cast(column.combine_chunks(), pa.float64()).to_numpy(zero_copy_only=False),
        dtype=np.float64,
    )


def _year(
    part: dict[str, np.ndarray],
    locs: pd.Index,
    prods: pd.Index,
    config: TradeConfig,
    file: str,
    year: int,
) -> tuple[YearComplexity, pd.Index, pd.Index, np.ndarray, np.ndarray]:
    """One year's complexity; also the values and RCA as dense (C, P) matrices."""
    loc_codes = part["li"]
    prod_codes = part["pi"]
    if len(prods) > config.max_products or len(locs) > config.max_locations:
        raise InputError(
            [
                Problem(
                    file,
                    f"year {year}: {len(locs)} locations x {len(prods)} products exceed the "
                    f"limits ({config.max_locations} x {config.max_products}) of the in-memory "
                    "matrix work: aggregate with product_digits, or raise max_products / "
                    "max_locations if the machine has the memory (8 x P x P bytes per matrix)",
                )
            ]
        )
    shape = (len(locs), len(prods))
    cell = loc_codes * shape[1] + prod_codes
    # rectangular like Stata's fillin: a missing pair of an exporter is 0 exports, RCA 0; a
    # location without exports has no RCA
    exporter = np.bincount(loc_codes, weights=part["value"], minlength=shape[0]) > 0

    def dense(rows: np.ndarray, missing: float) -> np.ndarray:
        out = np.full(shape, missing)
        out.reshape(-1)[cell] = rows
        return out

    def ratio(rows: np.ndarray) -> np.ndarray:
        if exporter.all() and not np.isnan(rows).any():
            return dense(rows, 0.0)
        out = dense(rows, np.nan)
        np.copyto(out, 0.0, where=np.isnan(out) & exporter[:, None])
        return out

    values = dense(part["value"], 0.0)
    m = dense(part["m"], 0.0)
    rca = ratio(part["rca"])
    rpop = ratio(part["rpop"]) if "rpop" in part else None
    # continuous proximity correlates the levels presence was tested on: RPOP alone (rpop),
    # RCA otherwise (Stata)
    presence = config.complexity.presence
    rca_in = None if presence in ("manual", "rpop") else rca
    try:
        parallel = parallel_steps(config.engine.blas_threads)
        res = complexity_from_presence(values, rca_in, rpop, m, config.complexity, parallel)
    except DisconnectedError as exc:
        names_c = [str(locs[i]) for i in exc.locations[:20]]
        names_p = [str(prods[i]) for i in exc.products[:20]]
        raise InputError(
            [
                Problem(
                    file,
                    f"year {year}: {exc} (locations {names_c}, products {names_p}); "
                    "lower the threshold or set complexity: {isolated: drop}",
                )
            ]
        ) from None
    except MethodError as exc:
        raise InputError([Problem(file, f"year {year}: {exc}")]) from None
    return res, locs, prods, values, rca


def _structure(results: TradeResults, engine: Engine, table: pa.Table, config: TradeConfig) -> None:
    flows = set(pc.unique(table["flow"]).to_pylist())
    partners = pc.count(pc.filter(table["partner"], pc.not_equal(table["partner"], ""))).as_py()
    years = pc.unique(table["year"]).to_pylist()
    digits = config.product_digits
    if partners:
        sides = partner_flows(config.data.format, flows)
        results.partners = by_flow(
            engine,
            lambda flow, mirror: sql.partner_concentration(config.partner_floor, flow, mirror),
            "year, location",
            sides,
        )
        results.partner_shares = by_flow(
            engine,
            lambda flow, mirror: sql.partner_shares(flow, mirror),
            "year, location, share DESC, partner",
            sides,
        )
        results.growth_partners = engine.query(
            sql.growth_contributions("partner") + " ORDER BY location, year, partner"
        )
    if len(years) > 1:
        results.margins = engine.query(sql.export_margins(digits) + " ORDER BY location, year")
        results.growth_products = engine.query(
            sql.growth_contributions("product", digits) + " ORDER BY location, year, product"
        )
    if "import" in flows:
        engine.create_view("gl", sql.intra_industry(digits))
        results.intra_industry = engine.query(
            sql.intra_industry_aggregate("gl") + " ORDER BY year, location"
        )


def _presence_rule(config: TradeConfig) -> str:
    opts = config.complexity
    op = ">" if opts.strict else ">="
    rules = {
        "rca": f"RCA {op} {opts.threshold}",
        "rpop": f"RPOP {op} {opts.rpop_threshold}",
        "both": f"RCA {op} {opts.threshold} or RPOP {op} {opts.rpop_threshold}",
        "manual": "value > 0 (the value column is Mcp)",
    }
    return rules[opts.presence]


def _record(
    config: TradeConfig,
    engine: Engine,
    data_file: str,
    data_hash: str,
    table: pa.Table,
    warnings: list[str],
    start: float,
) -> dict[str, Any]:
    versions = package_versions(("numpy", "pandas", "scipy", "duckdb", "pyarrow", "pyspark"))
    years = sorted(pc.unique(table["year"]).to_pylist())
    return {
        "kaifang_version": __version__,
        "python": platform.python_version(),
        "packages": versions,
        "verb": "trade",
        "config": config.model_dump(mode="json"),
        "data_file": data_file,
        "data_hash_sha256": data_hash,
        "rows": table.num_rows,
        "years": years,
        "simulated": config.simulated,
        "engine": {"name": engine.name, **getattr(engine, "settings", {})},
        "conventions": {
            "presence": _presence_rule(config),
            "eci_pci": config.complexity.convention,
            "eigenvector": "scipy.linalg.eigh (two leading pairs) of D^-1/2 M U^-1 M' D^-1/2 "
            "(location side)",
            "cog": "divided by ECI's SD; COI standardised over location x product rows",
            "import_markets": import_markets_rule(
                config.data.format, set(pc.unique(table["flow"]).to_pylist())
            ),
        },
        "warnings": warnings,
        "seconds": round(time.perf_counter() - start, 4),
    }
