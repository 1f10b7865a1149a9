"""Value versions written with one INSERT of many VALUES: what a save holds its locks for."""

from __future__ import annotations

import functools
from typing import Any, cast

from sqlalchemy import Connection, Dialect, Table, bindparam, insert

from kaifang.platform.models import ValueVersion

_VALUES_TABLE = cast(Table, ValueVersion.__table__)
_VALUE_COLUMNS = (
    "submission_id",
    "region_code",
    "indicator",
    "version",
    "value",
    "explanation",
    "reason",
    "author_id",
    "created_at",
)
# rows per INSERT: 9 parameters each, well below what a statement may have (SQLite 32,766,
# PostgreSQL 65,535)
_ROWS_PER_INSERT = 1000


@functools.lru_cache(maxsize=128)
def _values_insert(dialect: Dialect, n_rows: int) -> tuple[str, tuple[str, ...] | None]:
    """The SQL of one INSERT of ``n_rows`` value versions (compiled once per dialect and number
    of rows) and, for drivers taking positional parameters, the order of its parameter names."""
    statement = insert(_VALUES_TABLE).values(
        [{c: bindparam(f"{c}_{i}") for c in _VALUE_COLUMNS} for i in range(n_rows)]
    )
    compiled = statement.compile(dialect=dialect)
    order = tuple(compiled.positiontup or ()) if compiled.positional else None
    return str(compiled), order


# PostgreSQL: the rows as one array per column, unnested into rows by the server. A VALUES
# list of 540 parameters is parsed anew by psycopg on every save (it keeps the parsed form only
# of statements with at most 50 parameters): 1 ms of the save's CPU; nine arrays are nine
# parameters, and the statement's parsed form is kept.
_ARRAY_TYPES = {
    "submission_id": "integer",
    "region_code": "varchar",
    "indicator": "varchar",
    "version": "integer",
    "value": "double precision",
    "explanation": "text",
    "reason": "varchar",
    "author_id": "integer",
    "created_at": "timestamptz",
}
_UNNEST_INSERT = (
    f"INSERT INTO {_VALUES_TABLE.name} ({', '.join(_VALUE_COLUMNS)}) SELECT * FROM unnest("
    + ", ".join(f"%({c})s::{_ARRAY_TYPES[c]}[]" for c in _VALUE_COLUMNS)
    + ")"
)


def insert_value_versions(connection: Connection, rows: list[dict[str, Any]]) -> None:
    """Insert value versions with one INSERT of many VALUES per ``_ROWS_PER_INSERT`` rows
    (PostgreSQL: one INSERT of the columns' arrays unnested).

    Not one execution per row (an executemany): the driver lets go of Python's global lock for
    every execution, and each time getting it back may wait behind the server's other threads
    while this writer holds the write lock (SQLite) or its row locks. Not SQLAlchemy's own
    many-VALUES INSERT either: it processes its hundreds of parameters anew each time (4 ms for
    60 rows against 0.3 ms here); the parameters go through the columns' own bind processing.
    """
    dialect = connection.dialect
    if dialect.name == "postgresql":
        if rows:
            arrays = {c: [row[c] for row in rows] for c in _VALUE_COLUMNS}
            connection.exec_driver_sql(_UNNEST_INSERT, arrays)
        return
    processors = {
        c: _VALUES_TABLE.c[c].type.dialect_impl(dialect).bind_processor(dialect)
        for c in _VALUE_COLUMNS
    }
    for start in range(0, len(rows), _ROWS_PER_INSERT):
        chunk = rows[start : start + _ROWS_PER_INSERT]
        sql, order = _values_insert(dialect, len(chunk))
        named: dict[str, Any] = {}
        for i, row in enumerate(chunk):
            for column in _VALUE_COLUMNS:
                value = row[column]
                process = processors[column]
                named[f"{column}_{i}"] = (
                    value if process is None or value is None else process(value)
                )
        if order is None:
            connection.exec_driver_sql(sql, named)
        else:
            connection.exec_driver_sql(sql, tuple(named[name] for name in order))
