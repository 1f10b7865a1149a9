"""SQL engines for the tabular work: DuckDB embedded (default) and Apache Spark (optional).

Both run the same query texts of :mod:`kaifang.trade.sql` over a table named ``trade``. DuckDB
runs with a memory limit and a temporary directory for spilling, so a panel larger than memory
is processed out of core; Spark is for panels that exceed one machine (``kaifang[spark]``).
"""

from __future__ import annotations

import atexit
import logging
import os
import shutil
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Protocol

import pandas as pd
import pyarrow as pa
from threadpoolctl import ThreadpoolController

from kaifang.errors import KaifangError

logger = logging.getLogger(__name__)


class Engine(Protocol):
    """What the trade pipeline needs from a SQL engine."""

    name: str

    def load(self, name: str, table: pa.Table) -> None:
        """Make ``table`` queryable as ``name``."""

    def create_view(self, name: str, sql: str) -> None:
        """Define ``name`` as the result of ``sql`` (computed once and kept)."""

    def query(self, sql: str) -> pd.DataFrame:
        """Run ``sql`` and return its rows."""

    def query_arrow(self, sql: str) -> pa.Table:
        """Run ``sql`` and return its rows as an Arrow table."""

    def close(self) -> None:
        """Release the engine's resources."""


class DuckDBEngine:
    """DuckDB in process, bounded by ``memory_limit`` and spilling to ``temp_directory``.

    In memory (the default), engines with the same settings share one database instance of the
    process, each on its own connection: starting a DuckDB database costs about 11 ms, a
    connection to a running one nothing. They share its memory limit and spill folder too (the
    folder is removed when the process ends). The tables an engine creates are temporary, so
    they belong to its connection alone and go with it on :meth:`close`.
    """

    name = "duckdb"

    def __init__(
        self,
        memory_limit: str = "2GB",
        temp_directory: str | Path | None = None,
        threads: int | None = None,
        database: str | Path = ":memory:",
    ) -> None:
        import duckdb

        self._tmp: tempfile.TemporaryDirectory[str] | None = None
        try:
            if str(database) == ":memory:":
                self.con, spill = _shared_database(memory_limit, temp_directory, threads)
            else:
                if temp_directory is None:
                    self._tmp = tempfile.TemporaryDirectory(prefix="kaifang-duckdb-")
                spill = str(temp_directory or self._tmp.name)  # type: ignore[union-attr]
                config = _duckdb_config(memory_limit, spill, threads)
                self.con = duckdb.connect(str(database), config=config)
        except duckdb.Error as exc:
            raise KaifangError(f"DuckDB could not start: {exc}") from None
        self.settings = {"memory_limit": memory_limit, "temp_directory": spill}

    def load(self, name: str, table: pa.Table) -> None:
        # zero-copy: DuckDB scans the Arrow buffers; the first aggregation materialises
        self.con.register(name, table)

    def create_view(self, name: str, sql: str) -> None:
        self.con.execute(f"CREATE OR REPLACE TEMP TABLE {name} AS {sql}")

    def query(self, sql: str) -> pd.DataFrame:
        frame: pd.DataFrame = self.con.execute(sql).df()
        return frame

    def query_arrow(self, sql: str) -> pa.Table:
        table: pa.Table = self.con.sql(sql).to_arrow_table()
        return table

    def close(self) -> None:
        self.con.close()
        if self._tmp is not None:
            self._tmp.cleanup()


def _duckdb_config(memory_limit: str, temp_directory: str, threads: int | None) -> dict[str, Any]:
    config: dict[str, Any] = {
        "memory_limit": memory_limit,
        "temp_directory": temp_directory,
        "preserve_insertion_order": False,
    }
    if threads is not None:
        config["threads"] = int(threads)
    return config


_DATABASES: dict[tuple[str, str | None, int | None], tuple[Any, str]] = {}
_DATABASES_LOCK = threading.Lock()


def _shared_database(
    memory_limit: str, temp_directory: str | Path | None, threads: int | None
) -> tuple[Any, str]:
    """A new connection to the process's in-memory database of these settings (started on first
    use, its spill folder removed when the process ends) and that spill folder."""
    import duckdb

    key = (memory_limit, None if temp_directory is None else str(temp_directory), threads)
    with _DATABASES_LOCK:
        if key not in _DATABASES:
            spill = str(temp_directory) if temp_directory is not None else ""
            if not spill:
                spill = tempfile.mkdtemp(prefix="kaifang-duckdb-")
                atexit.register(shutil.rmtree, spill, True)
            root = duckdb.connect(":memory:", config=_duckdb_config(memory_limit, spill, threads))
            _DATABASES[key] = (root, spill)
        root, spill = _DATABASES[key]
        return root.cursor(), spill


class SparkEngine:
    """PySpark (local mode by default); the same SQL texts through ``spark.sql``."""

    name = "spark"

    def __init__(
        self,
        session: Any = None,
        master: str = "local[2]",
        shuffle_partitions: int = 4,
        extra_config: dict[str, str] | None = None,
    ) -> None:
        try:
            from pyspark.sql import SparkSession
        except ImportError:
            raise KaifangError(
                "engine 'spark' needs PySpark: pip install 'kaifang[spark]' (and Java 17)"
            ) from None
        self._own = session is None
        builder = SparkSession.builder.master(master)
        for key, value in (extra_config or {}).items():
            builder = builder.config(key, value)
        self.spark = session or (
            builder.appName("kaifang-trade")
            .config("spark.sql.shuffle.partitions", str(int(shuffle_partitions)))
            .config("spark.default.parallelism", str(int(shuffle_partitions)))
            .config("spark.sql.execution.arrow.pyspark.enabled", "true")
            .config("spark.ui.enabled", "false")
            .config("spark.driver.bindAddress", "127.0.0.1")
            .config("spark.driver.host", "127.0.0.1")
            .getOrCreate()
        )
        self.settings = {"master": str(self.spark.sparkContext.master)}

    def load(self, name: str, table: pa.Table) -> None:
        frame = table.to_pandas()

        def kind(field: pa.Field) -> str:
            if field.name == "year" or pa.types.is_integer(field.type):
                return "INT"
            return "DOUBLE" if pa.types.is_floating(field.type) else "STRING"

        schema = ", ".join(f"{field.name} {kind(field)}" for field in table.schema)
        self.spark.createDataFrame(frame, schema=schema).createOrReplaceTempView(name)

    def create_view(self, name: str, sql: str) -> None:
        self.spark.sql(sql).cache().createOrReplaceTempView(name)

    def query(self, sql: str) -> pd.DataFrame:
        frame: pd.DataFrame = self.spark.sql(sql).toPandas()
        return frame

    def query_arrow(self, sql: str) -> pa.Table:
        return pa.Table.from_pandas(self.query(sql), preserve_index=False)

    def close(self) -> None:
        if self._own:
            self.spark.stop()


_BLAS: ThreadpoolController | None = None


@contextmanager
def blas_threads(threads: int | None) -> Iterator[None]:
    """Run the block with at most ``threads`` BLAS/LAPACK threads (``None``: the library's own).

    The matrix work of one year is small for BLAS (a C x C eigenproblem, C x P by P x P
    products): a second thread gains little on an idle machine, but when the cores are shared
    the threads of a BLAS call wait on each other and a 226 x 226 ``eigh`` measured 3 ms alone
    took 0.1-1.1 s. One thread by default keeps the time steady. The libraries are looked up
    once per process (3 ms each time otherwise).
    """
    global _BLAS
    if threads is None:
        yield
        return
    if _BLAS is None:
        # after the first import of SciPy's and NumPy's BLAS (kaifang.methods imports both)
        _BLAS = ThreadpoolController()
    with _BLAS.limit(limits=int(threads), user_api="blas"):
        yield


def parallel_steps(threads: int | None) -> bool:
    """Whether a year's independent matrix steps (ECI/PCI beside proximity, density beside COG)
    run side by side on two threads: when each BLAS call is held to ``threads``, two such calls
    fit the process's cores and the 1-minute load average leaves room for the second one.

    Measured at HS4 (226 x 1,222) on 2 cores: 33 ms in turn, 17.5 ms side by side with a core
    free; with the other core busy, no gain and some rounds slower (35-56 ms), as the two
    threads then wait for their time slices at each hand-over.
    """
    if threads is None:
        return False
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    cores = cores or 1
    return 2 * int(threads) <= cores and os.getloadavg()[0] + int(threads) <= cores


def make_engine(name: str, **settings: Any) -> DuckDBEngine | SparkEngine:
    """``duckdb`` (default) or ``spark``."""
    if name == "duckdb":
        return DuckDBEngine(**settings)
    if name == "spark":
        return SparkEngine(**settings)
    raise KaifangError(f"unknown engine {name!r}: use duckdb or spark")
