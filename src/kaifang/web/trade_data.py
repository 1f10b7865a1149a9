"""The trade results the dashboard shows: ``kaifang serve SOURCE --trade PATH`` (repeatable).

PATH is a trade config (``trade.yaml``: computed once at start by ``kaifang trade``'s pipeline)
or a folder written by ``kaifang trade -o DIR`` (read as written, nothing recomputed but the
product space's proximity, which the folder does not hold: it is computed from the latest
year's Mcp of ``location_product.csv`` by the same kernel as the pipeline's). Several PATHs are
shown as one: a region's complexity run and its structure run (e.g. the Guizhou example's
``trade.yaml`` and ``structure.yaml``). A table present in several is concatenated; where two
give the same key (e.g. the same location and year) the first PATH given wins.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from kaifang.csvfiles import read_csv
from kaifang.errors import InputError, KaifangError, Problem
from kaifang.limits import current_limits, regular_file_problem, too_big
from kaifang.report.countries import load_world_map
from kaifang.trade.markets import IMPORT_FILES, joined_flows
from kaifang.trade.results import TradeResults

# the key columns of each table: rows repeating a key of an earlier source are dropped
KEYS: dict[str, list[str]] = {
    "locations": ["location", "year"],
    "products": ["product", "year"],
    "concentration": ["year", "location"],
    "partners": ["year", "location", "flow"],
    "partner_shares": ["year", "location", "partner", "flow"],
    "margins": ["location", "year"],
    "regions": ["location", "year"],
    "region_products": ["location", "product", "year"],
    "openness": ["location", "year"],
    "intra_industry": ["year", "location"],
}
CODE_COLUMNS = {"location": str, "product": str, "partner": str}


def _read_table(path: Path) -> pd.DataFrame:
    problem = regular_file_problem(path, str(path))
    limits = current_limits()
    if problem is None and path.stat().st_size > limits.max_bytes:
        problem = too_big(str(path), path.stat().st_size, limits)
    if problem is not None:
        raise InputError([problem])
    try:
        frame = read_csv(path, dtype=CODE_COLUMNS, keep_default_na=True)
    except (ValueError, UnicodeDecodeError, pd.errors.ParserError) as exc:
        raise InputError([Problem(str(path), f"cannot be read as CSV: {exc}")]) from None
    if "year" in frame.columns:
        frame["year"] = pd.to_numeric(frame["year"], errors="coerce").astype("Int64")
    return frame


def read_trade_folder(folder: Path) -> TradeResults:
    """A folder written by ``kaifang trade -o DIR`` back into :class:`TradeResults`; the
    partner tables hold both flows again, as in memory (their import rows are written to
    files of their own, absent from folders written before imports were added)."""
    run_json = folder / "run.json"
    problem = regular_file_problem(run_json, str(run_json))
    if problem is not None:
        raise KaifangError(
            f"{folder} is not a folder written by `kaifang trade`: run.json is missing"
        )
    try:
        record = json.loads(run_json.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError) as exc:
        raise InputError([Problem(str(run_json), f"is not JSON: {exc}")]) from None
    if not isinstance(record, dict) or record.get("verb") != "trade":
        raise KaifangError(f"{run_json}: not written by `kaifang trade` (verb is not 'trade')")
    tables: dict[str, pd.DataFrame | None] = {}
    for name in (
        "locations",
        "products",
        "location_product",
        "concentration",
        "partners",
        "partner_shares",
        "margins",
        "intra_industry",
        "growth_products",
        "growth_partners",
        "regions",
        "region_products",
        "indicators",
        "openness",
    ):
        path = folder / f"{name}.csv"
        tables[name] = _read_table(path) if path.exists() else None
    for name in ("partners", "partner_shares"):
        path = folder / IMPORT_FILES[f"{name}.csv"]
        imports = _read_table(path) if path.exists() else None
        tables[name] = joined_flows(tables[name], imports)
    for required in ("locations", "products", "location_product"):
        if tables[required] is None:
            raise KaifangError(f"{folder}: {required}.csv is missing (written by `kaifang trade`)")
    concentration = tables.pop("concentration")
    results = TradeResults(
        locations=tables.pop("locations"),  # type: ignore[arg-type]
        products=tables.pop("products"),  # type: ignore[arg-type]
        location_product=tables.pop("location_product"),  # type: ignore[arg-type]
        concentration=pd.DataFrame() if concentration is None else concentration,
        record=record,
        **tables,  # type: ignore[arg-type]
    )
    results.proximity = _latest_proximity(results, record)
    return results


def _latest_proximity(results: TradeResults, record: dict[str, Any]) -> dict[int, pd.DataFrame]:
    """The latest year's proximity from Mcp (or RCA for continuous proximity), over the
    products with a PCI, as the pipeline computes it."""
    from kaifang.methods import complexity as cx

    cells = results.location_product
    if cells.empty or results.products.dropna(subset=["pci"]).empty or "m" not in cells:
        return {}
    year = int(cells["year"].max())
    rows = cells[cells["year"] == year]
    kept = set(results.products[results.products["year"] == year].dropna(subset=["pci"])["product"])
    rows = rows[rows["product"].isin(kept)]
    options = ((record.get("config") or {}).get("complexity")) or {}
    kind = options.get("proximity", "discrete")
    column = "rca" if kind == "continuous" else "m"
    matrix = rows.pivot_table(index="location", columns="product", values=column, fill_value=0.0)
    matrix = matrix[matrix.sum(axis=1) > 0]
    levels = matrix.to_numpy(dtype=float)
    if kind == "continuous":
        phi = cx.proximity_continuous(levels)
    else:
        phi = cx.proximity_discrete(levels, asymmetric=kind == "asymmetric")
    codes = [str(c) for c in matrix.columns]
    return {year: pd.DataFrame(np.nan_to_num(phi), index=codes, columns=codes)}


@dataclass
class TradeSource:
    path: Path
    kind: str  # "config" | "results"
    results: TradeResults


@dataclass
class TradeView:
    """The trade results served (one or more sources) and the world map."""

    sources: list[TradeSource]
    world: dict[str, Any]
    _merged: dict[str, pd.DataFrame | None] = field(default_factory=dict)

    @classmethod
    def open(cls, paths: list[Path], world_map: Path | None = None) -> TradeView:
        from kaifang.trade.pipeline import run_trade

        sources = []
        for path in paths:
            if path.is_dir():
                sources.append(TradeSource(path, "results", read_trade_folder(path)))
            elif path.is_file():
                sources.append(TradeSource(path, "config", run_trade(path)))
            else:
                raise KaifangError(f"--trade {path}: neither a trade config nor a results folder")
        return cls(sources, load_world_map(world_map))

    @property
    def simulated(self) -> bool:
        return any(bool(s.results.record.get("simulated")) for s in self.sources)

    def table(self, name: str) -> pd.DataFrame | None:
        """A table of the sources, concatenated; None when no source has rows of it."""
        if name not in self._merged:
            frames = [
                frame
                for s in self.sources
                if (frame := getattr(s.results, name, None)) is not None and len(frame)
            ]
            if name in ("partners", "partner_shares"):
                # written before imports were added: the partner tables held exports only
                frames = [f if "flow" in f.columns else f.assign(flow="export") for f in frames]
            if not frames:
                self._merged[name] = None
            else:
                merged = pd.concat(frames, ignore_index=True)
                if name in KEYS:
                    merged = merged.drop_duplicates(subset=KEYS[name], keep="first")
                self._merged[name] = merged.reset_index(drop=True)
        return self._merged[name]

    def with_complexity(self) -> TradeResults | None:
        """The first source whose results hold PCI (for the product space and opportunities)."""
        for s in self.sources:
            if not s.results.products.dropna(subset=["pci"]).empty:
                return s.results
        return None

    def names(self) -> dict[str, dict[str, str]]:
        """The config's ``names:`` of every source (the first source wins)."""
        out: dict[str, dict[str, str]] = {}
        for s in reversed(self.sources):
            out.update((s.results.record.get("config") or {}).get("names") or {})
        return out
