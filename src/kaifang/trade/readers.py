"""Read product-level trade tables into the canonical long table, with clear errors.

Formats: ``long`` (CSV, Parquet or Excel with a column mapping), ``baci`` (CEPII BACI
``t,i,j,k,v,q`` plus its country-code file), ``comtrade`` (UN Comtrade bulk CSV, old and new
headers) and ``china_customs`` (region, HS code, year, exports, imports; CNY or USD).

Canonical table: ``year`` (int32), ``location``, ``partner`` (empty when not given),
``product``, ``flow`` ('export' | 'import'), ``value`` (float64). Product codes are text: a code
that lost its leading zero (``101`` among 4-digit codes, typical of a spreadsheet that stored
codes as numbers) is an error, except in BACI whose documented format stores ``k`` as a number
(padded to 6 digits here). Rows whose value is missing (empty, NA, ..) are not trade and are
left out; a value that is not a number, or is negative, is an error naming file, row, column.
Files are read as text by DuckDB (CSV, Parquet) or python-calamine (Excel); rows are numbered
as an editor shows them (header = line 1).
"""

from __future__ import annotations

import logging
import tempfile
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import pyarrow as pa

from kaifang.data.guard import workbook_problems
from kaifang.data.readers import read_text
from kaifang.errors import InputError, Problem
from kaifang.limits import current_limits, regular_file_problem
from kaifang.trade.config import TradeDataSpec
from kaifang.trade.rates import nbs_cny_per_usd

logger = logging.getLogger(__name__)

MISSING = ("", "NA", "N/A", "n/a", "NaN", "nan", "..", "...", "-", "—")
EXCEL_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".xlsb", ".ods")
MAX_PROBLEMS = 50

COMTRADE_ALIASES: dict[str, tuple[str, ...]] = {
    "year": ("refYear", "period", "Year", "Period"),
    "location": ("reporterISO", "Reporter ISO", "reporterCode", "Reporter Code"),
    "partner": ("partnerISO", "Partner ISO", "partnerCode", "Partner Code"),
    "flow": ("flowCode", "Trade Flow Code", "Trade Flow", "flowDesc"),
    "product": ("cmdCode", "Commodity Code"),
    "value": ("primaryValue", "Trade Value (US$)", "fobvalue", "TradeValue"),
}
COMTRADE_EXPORT = ("X", "Export", "2", "Exports")
COMTRADE_IMPORT = ("M", "Import", "1", "Imports")
COMTRADE_WORLD = ("W00", "WLD", "World", "0")


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


class _Raw:
    """The file as text in a DuckDB table ``raw`` with a ``_line`` column."""

    def __init__(self, path: Path, sheet: str | None, con: duckdb.DuckDBPyConnection) -> None:
        self.path = path
        self.con = con
        suffix = path.suffix.lower()
        # a FIFO or /dev/zero would block or feed bytes forever; a folder is a slip
        not_regular = regular_file_problem(path, str(path))
        if not_regular is not None:
            raise InputError([not_regular])
        if suffix in EXCEL_SUFFIXES:
            # the Excel reader aborts the process on a sheet that claims a huge extent, and
            # unpacks zip bombs: measure the workbook first, as the assessment's readers do
            unsafe = workbook_problems(path, str(path), current_limits())
            if unsafe:
                raise InputError(unsafe)
        try:
            if suffix in EXCEL_SUFFIXES:
                frame = pd.read_excel(
                    path, sheet_name=sheet or 0, dtype=str, engine="calamine", keep_default_na=False
                )
                frame.insert(0, "_line", range(2, len(frame) + 2))
                con.register("raw_frame", frame)
                con.execute("CREATE TABLE raw AS SELECT * FROM raw_frame")
            elif suffix == ".parquet":
                con.execute(
                    "CREATE TABLE raw AS SELECT ROW_NUMBER() OVER () + 1 AS _line, * "
                    f"FROM read_parquet({_literal(str(path))})"
                )
            else:
                self._read_csv(path)
        except (duckdb.Error, ValueError, OSError) as exc:
            raise InputError([Problem(str(path), f"cannot be read as a table: {exc}")]) from None
        self.columns = [c for c in con.execute("SELECT * FROM raw LIMIT 0").df().columns]

    def _read_csv(self, path: Path) -> None:
        def load(source: Path) -> None:
            self.con.execute(
                "CREATE TABLE raw AS SELECT ROW_NUMBER() OVER () + 1 AS _line, * "
                f"FROM read_csv({_literal(str(source))}, all_varchar = true, header = true, "
                "auto_detect = true)"
            )

        try:
            load(path)
        except duckdb.Error as exc:
            if "unicode" not in str(exc).lower() and "utf" not in str(exc).lower():
                raise
            # Chinese tables often come as GBK: decode as the assessment readers do, re-read
            text, problem = read_text(path, str(path))
            if problem is not None or text is None or path.suffix.lower() == ".gz":
                raise InputError([problem or Problem(str(path), "not UTF-8 or GBK text")]) from None
            with tempfile.TemporaryDirectory(prefix="kaifang-trade-") as tmp:
                copy = Path(tmp) / "utf8.csv"
                copy.write_text(text, encoding="utf-8")
                load(copy)

    def need(self, wanted: dict[str, str]) -> None:
        absent = [f"{role} -> {col!r}" for role, col in wanted.items() if col not in self.columns]
        if absent:
            raise InputError(
                [
                    Problem(
                        str(self.path),
                        f"column(s) not found: {', '.join(absent)}; the file has "
                        f"{', '.join(map(repr, self.columns[1:]))}",
                    )
                ]
            )

    def problems(self, sql: str, column: str, message: str) -> list[Problem]:
        rows = self.con.execute(sql + f" ORDER BY _line LIMIT {MAX_PROBLEMS}").fetchall()
        return [Problem(str(self.path), message.format(*row[1:]), row[0], column) for row in rows]


def _text(col: str) -> str:
    return f"TRIM(CAST({_quote(col)} AS VARCHAR))"


def _missing(expr: str) -> str:
    return f"({expr} IS NULL OR {expr} IN ({', '.join(map(_literal, MISSING))}))"


def _check_common(
    raw: _Raw, year: str, value: str, product: str | None, keep_zeros: bool
) -> list[Problem]:
    y, v = _text(year), _text(value)
    found = raw.problems(
        f"SELECT _line, {y} FROM raw WHERE TRY_CAST({y} AS INTEGER) IS NULL",
        year,
        "year {!r} is not a whole number",
    )
    found += raw.problems(
        f"SELECT _line, {v} FROM raw WHERE NOT {_missing(v)} AND TRY_CAST({v} AS DOUBLE) IS NULL",
        value,
        "value {!r} is not a number",
    )
    found += raw.problems(
        f"SELECT _line, {v} FROM raw WHERE TRY_CAST({v} AS DOUBLE) < 0",
        value,
        "negative value {!r}: trade flows are non-negative (report imports as a flow)",
    )
    if product is not None and not keep_zeros:
        found += _leading_zeros(raw, product)
    return found


def _leading_zeros(raw: _Raw, product: str) -> list[Problem]:
    p = _text(product)
    lengths = raw.con.execute(
        f"SELECT LENGTH({p}) AS n, COUNT(DISTINCT {p}) AS codes FROM raw "
        f"WHERE regexp_full_match({p}, '[0-9]+') GROUP BY 1 ORDER BY 2 DESC"
    ).fetchall()
    if not lengths:
        return []
    modal, codes = lengths[0]
    total = sum(c for _, c in lengths)
    if codes < 0.6 * total:
        return []  # mixed code lengths on purpose (e.g. HS2 and HS4): nothing to infer
    return raw.problems(
        f"SELECT _line, {p}, {p} FROM raw WHERE regexp_full_match({p}, '[0-9]+') "
        f"AND LENGTH({p}) < {int(modal)} AND LENGTH({p}) >= {int(modal) - 2}",
        product,
        "product code {!r} is shorter than the other codes (" + str(modal) + " digits): it lost "
        "its leading zero(s) (store product codes as text, e.g. '0{}')",
    )


def read_trade(spec: TradeDataSpec, base: Path, memory_limit: str = "2GB") -> pa.Table:
    """Read and validate one trade file into the canonical Arrow table."""
    path = (base / spec.path).resolve() if not Path(spec.path).is_absolute() else Path(spec.path)
    con = duckdb.connect(config={"memory_limit": memory_limit, "preserve_insertion_order": True})
    try:
        raw = _Raw(path, spec.sheet, con)
        if spec.format == "baci":
            table = _baci(raw, spec, base)
        elif spec.format == "comtrade":
            table = _comtrade(raw, spec)
        elif spec.format == "china_customs":
            table = _customs(raw, spec)
        else:
            table = _long(raw, spec, base)
    finally:
        con.close()
    return table


def _finish(
    raw: _Raw, select: str, where: str, problems: list[Problem], extra: str = ""
) -> pa.Table:
    if problems:
        raise InputError(problems)
    sql = f"""
SELECT CAST(year AS INTEGER) AS year, location, partner, product, flow,
       CAST(value AS DOUBLE) AS value{extra}
FROM ({select}) WHERE {where}
"""
    table: pa.Table = raw.con.sql(sql).to_arrow_table()
    if table.num_rows == 0:
        raise InputError([Problem(str(raw.path), "no trade rows (every value is missing)")])
    return table


def _known_codes(raw: _Raw, spec: TradeDataSpec, base: Path, col: str) -> list[Problem]:
    if spec.locations is None:
        return []
    codes_path = (base / spec.locations).resolve()
    try:
        codes = pd.read_csv(codes_path, dtype=str, keep_default_na=False)
    except (OSError, ValueError) as exc:
        return [Problem(str(codes_path), f"cannot be read: {exc}")]
    key = "code" if "code" in codes.columns else codes.columns[0]
    raw.con.register("known_codes", codes[[key]].rename(columns={key: "code"}))
    c = _text(col)
    return raw.problems(
        f"SELECT _line, {c} FROM raw WHERE {c} NOT IN (SELECT TRIM(code) FROM known_codes)",
        col,
        "unknown location code {!r} (not in " + codes_path.name + ")",
    )


def _long(raw: _Raw, spec: TradeDataSpec, base: Path) -> pa.Table:
    cols = dict(spec.columns)
    roles = (
        ("location", "product", "value")
        if spec.year is not None
        else ("location", "product", "year", "value")
    )
    for role in roles:
        cols.setdefault(role, role)
    wanted = {k: v for k, v in cols.items() if k in roles}
    for optional in ("partner", "flow"):
        if optional in cols:
            wanted[optional] = cols[optional]
    raw.need(wanted)
    if spec.year is not None:
        raw.con.execute(f"ALTER TABLE raw ADD COLUMN _year VARCHAR DEFAULT '{int(spec.year)}'")
        cols["year"] = "_year"
    problems = _check_common(raw, cols["year"], cols["value"], cols["product"], False)
    problems += _known_codes(raw, spec, base, cols["location"])
    partner = _text(cols["partner"]) if "partner" in cols else "''"
    if "flow" in cols:
        f = _text(cols["flow"])
        flow = f"CASE WHEN LOWER({f}) IN ('export', 'x', 'exports', '出口') THEN 'export' "
        flow += f"WHEN LOWER({f}) IN ('import', 'm', 'imports', '进口') THEN 'import' END"
        problems += raw.problems(
            f"SELECT _line, {f} FROM raw WHERE ({flow}) IS NULL",
            cols["flow"],
            "flow {!r} is neither export nor import",
        )
    else:
        flow = _literal(spec.flow)
    value = f"TRY_CAST({_text(cols['value'])} AS DOUBLE) * {float(spec.scale)!r}"
    population, extra = "", ""
    if "population" in cols:
        problems += _population_problems(raw, cols)
        population = f", TRY_CAST({_text(cols['population'])} AS DOUBLE) AS population"
        extra = ", population"
    select = (
        f"SELECT {_text(cols['year'])} AS year, {_text(cols['location'])} AS location, "
        f"{partner} AS partner, {_text(cols['product'])} AS product, {flow} AS flow, "
        f"{value} AS value{population} FROM raw"
    )
    return _finish(raw, select, "value IS NOT NULL", problems, extra)


def _population_problems(raw: _Raw, cols: dict[str, str]) -> list[Problem]:
    """A population column (presence by RCA per capita): a positive number on every row with a
    value, the same on every row of a location and year."""
    col = cols["population"]
    p, v = _text(col), _text(cols["value"])
    loc, year = _text(cols["location"]), _text(cols["year"])
    file = str(raw.path)

    def rows(sql: str) -> list[Any]:
        return raw.con.execute(sql + f" ORDER BY 1 LIMIT {MAX_PROBLEMS}").fetchall()

    found = [
        Problem.of(file, "population_missing", line, col, location=where, year=when)
        for line, where, when in rows(
            f"SELECT _line, {loc}, {year} FROM raw WHERE NOT {_missing(v)} AND {_missing(p)}"
        )
    ]
    found += [
        Problem.of(file, "not_a_number", line, col, found=text)
        for line, text in rows(
            f"SELECT _line, {p} FROM raw WHERE NOT {_missing(p)} "
            f"AND TRY_CAST({p} AS DOUBLE) IS NULL"
        )
    ]
    found += [
        Problem.of(file, "population_not_positive", line, col, found=text)
        for line, text in rows(
            f"SELECT _line, {p} FROM raw WHERE TRY_CAST({p} AS DOUBLE) <= 0 "
            f"OR isinf(TRY_CAST({p} AS DOUBLE))"
        )
    ]
    found += [
        Problem.of(file, "population_differs", line, col, location=where, year=when, values=seen)
        for line, where, when, seen in rows(
            f"SELECT MIN(_line), {loc}, {year}, "
            f"STRING_AGG(DISTINCT {p}, ', ' ORDER BY {p}) FROM raw "
            f"WHERE TRY_CAST({p} AS DOUBLE) IS NOT NULL GROUP BY {loc}, {year} "
            f"HAVING COUNT(DISTINCT TRY_CAST({p} AS DOUBLE)) > 1"
        )
    ]
    return found


def _baci(raw: _Raw, spec: TradeDataSpec, base: Path) -> pa.Table:
    raw.need({"year": "t", "exporter": "i", "importer": "j", "product": "k", "value": "v"})
    if spec.country_codes is None:
        raise InputError([Problem(str(raw.path), "BACI needs country_codes: its country file")])
    codes_path = (base / spec.country_codes).resolve()
    try:
        codes = pd.read_csv(codes_path, dtype=str, keep_default_na=False)
    except (OSError, ValueError) as exc:
        raise InputError([Problem(str(codes_path), f"cannot be read: {exc}")]) from None
    need = {"country_code", "country_iso3"}
    if not need <= set(codes.columns):
        raise InputError([Problem(str(codes_path), "needs columns country_code and country_iso3")])
    raw.con.register("baci_codes", codes[["country_code", "country_iso3"]])
    problems = _check_common(raw, "t", "v", None, True)
    for col in ("i", "j"):
        c = _text(col)
        problems += raw.problems(
            f"SELECT _line, {c} FROM raw WHERE {c} NOT IN "
            "(SELECT TRIM(country_code) FROM baci_codes)",
            col,
            "unknown country code {!r} (not in " + codes_path.name + ")",
        )
    k = _text("k")
    problems += raw.problems(
        f"SELECT _line, {k} FROM raw WHERE NOT regexp_full_match({k}, '[0-9]{{5,6}}')",
        "k",
        "product code {!r} is not an HS6 code (5 or 6 digits)",
    )
    # BACI stores k as a number: HS6 codes of chapters 01-09 lose their leading zero
    select = f"""
SELECT {_text("t")} AS year, e.country_iso3 AS location, p.country_iso3 AS partner,
       LPAD({k}, 6, '0') AS product, 'export' AS flow,
       TRY_CAST({_text("v")} AS DOUBLE) * {float(spec.scale)!r} AS value
FROM raw
JOIN baci_codes e ON TRIM(e.country_code) = {_text("i")}
JOIN baci_codes p ON TRIM(p.country_code) = {_text("j")}
"""
    return _finish(raw, select, "value IS NOT NULL", problems)


def _pick(raw: _Raw, role: str) -> str:
    for alias in COMTRADE_ALIASES[role]:
        if alias in raw.columns:
            return alias
    raise InputError(
        [
            Problem(
                str(raw.path),
                f"no {role} column: expected one of {', '.join(COMTRADE_ALIASES[role])}",
            )
        ]
    )


def _comtrade(raw: _Raw, spec: TradeDataSpec) -> pa.Table:
    cols = {role: spec.columns.get(role) or _pick(raw, role) for role in COMTRADE_ALIASES}
    raw.need(cols)
    problems = _check_common(raw, cols["year"], cols["value"], cols["product"], False)
    f, p, c = _text(cols["flow"]), _text(cols["partner"]), _text(cols["product"])
    flow = (
        f"CASE WHEN {f} IN ({', '.join(map(_literal, COMTRADE_EXPORT))}) THEN 'export' "
        f"WHEN {f} IN ({', '.join(map(_literal, COMTRADE_IMPORT))}) THEN 'import' END"
    )
    select = (
        f"SELECT {_text(cols['year'])} AS year, {_text(cols['location'])} AS location, "
        f"{p} AS partner, {c} AS product, {flow} AS flow, "
        f"TRY_CAST({_text(cols['value'])} AS DOUBLE) * {float(spec.scale)!r} AS value FROM raw "
        f"WHERE {c} <> 'TOTAL' AND {p} NOT IN ({', '.join(map(_literal, COMTRADE_WORLD))})"
    )
    # re-exports, re-imports and other flows are not exports or imports of own goods
    return _finish(raw, select, "value IS NOT NULL AND flow IS NOT NULL", problems)


def _customs(raw: _Raw, spec: TradeDataSpec) -> pa.Table:
    cols = dict(spec.columns)
    for role in ("location", "product", "year", "exports", "imports"):
        cols.setdefault(role, role)
    raw.need({k: cols[k] for k in ("location", "product", "year", "exports", "imports")})
    problems = _check_common(raw, cols["year"], cols["exports"], cols["product"], False)
    problems += raw.problems(
        f"SELECT _line, {_text(cols['imports'])} FROM raw WHERE NOT "
        f"{_missing(_text(cols['imports']))} AND "
        f"TRY_CAST({_text(cols['imports'])} AS DOUBLE) IS NULL",
        cols["imports"],
        "value {!r} is not a number",
    )
    problems += raw.problems(
        f"SELECT _line, {_text(cols['imports'])} FROM raw "
        f"WHERE TRY_CAST({_text(cols['imports'])} AS DOUBLE) < 0",
        cols["imports"],
        "negative value {!r}: trade flows are non-negative",
    )
    rate = "1.0"
    if spec.currency == "CNY":
        rates = nbs_cny_per_usd().rename("cny_per_usd").reset_index()
        raw.con.register("nbs_rates", rates)
        years = raw.con.execute(
            f"SELECT DISTINCT TRY_CAST({_text(cols['year'])} AS INTEGER) FROM raw "
            "WHERE TRY_CAST(" + _text(cols["year"]) + " AS INTEGER) NOT IN "
            "(SELECT year FROM nbs_rates)"
        ).fetchall()
        for (year,) in years:
            if year is not None:
                problems.append(
                    Problem(
                        str(raw.path),
                        f"no NBS CNY/USD rate for {year} (the shipped table covers 2000-2024)",
                        None,
                        cols["year"],
                    )
                )
        rate = (
            "(SELECT cny_per_usd FROM nbs_rates r WHERE r.year = "
            f"TRY_CAST({_text(cols['year'])} AS INTEGER))"
        )
    parts = []
    for flow, col in (("export", cols["exports"]), ("import", cols["imports"])):
        parts.append(
            f"SELECT {_text(cols['year'])} AS year, {_text(cols['location'])} AS location, "
            f"{_text(cols['partner']) if 'partner' in cols else _literal('')} AS partner, "
            f"{_text(cols['product'])} AS product, '{flow}' AS flow, "
            f"TRY_CAST({_text(col)} AS DOUBLE) * {float(spec.scale)!r} / {rate} AS value FROM raw"
        )
    return _finish(raw, " UNION ALL ".join(parts), "value IS NOT NULL", problems)


def describe(spec: TradeDataSpec) -> dict[str, Any]:
    """What run.json records about the input."""
    return spec.model_dump(mode="json")
