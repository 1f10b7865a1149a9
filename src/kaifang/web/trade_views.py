"""The numbers of the trade pages as plain dicts: one source for the pages and the downloads."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

from kaifang.report.countries import countries, match_partners, shape_codes
from kaifang.report.market_map import market_table
from kaifang.report.trade_page import code_namer, product_space_edges, spectral_layout
from kaifang.trade.markets import FLOWS, of_flow
from kaifang.web.trade_data import TradeView

SPACE_PRODUCTS = 300  # nodes of the product space: the products with the largest world trade
TOP_FEASIBLE = 15
TOP_TABLE = 20


class NotInResults(LookupError):
    """A location or year the trade results do not have (HTTP 404)."""


def num(value: Any) -> float | None:
    """JSON has no NaN: a missing number is null."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def namer(view: TradeView, lang: str) -> Callable[[str], str]:
    return code_namer({"config": {"names": view.names()}}, lang)


def locations(view: TradeView) -> list[str]:
    """The locations a page can focus on: regions first, then those with partner tables, then
    every location with an ECI (best first in the latest year)."""
    out: list[str] = []
    for name in ("regions", "partner_shares", "margins"):
        table = view.table(name)
        if table is not None:
            out.extend(str(x) for x in table["location"].drop_duplicates())
    locs = view.table("locations")
    if locs is not None:
        ranked = locs.dropna(subset=["eci"])
        if len(ranked):
            last = ranked[ranked["year"] == ranked["year"].max()]
            out.extend(str(x) for x in last.sort_values("eci", ascending=False)["location"])
    return list(dict.fromkeys(out))


def focus(view: TradeView, location: str | None) -> str:
    choices = locations(view)
    if not choices:
        raise NotInResults("the trade results have no location")
    if location is None:
        return choices[0]
    if location not in choices:
        raise NotInResults(f"no location {location[:40]!r} in the trade results")
    return location


def _rows(frame: pd.DataFrame | None, location: str, columns: list[str]) -> list[dict[str, Any]]:
    if frame is None:
        return []
    mine = frame[frame["location"].astype(str) == location].sort_values("year")
    return [
        {"year": int(r["year"]), **{c: num(r[c]) for c in columns if c in r}}
        for r in mine.to_dict("records")
    ]


def overview(view: TradeView, location: str, lang: str) -> dict[str, Any]:
    """ECI path and diversity, export concentration, market concentration and margins of one
    location; for world data also every location's ECI in the latest year (the ECI map)."""
    regions = view.table("regions")
    is_region = regions is not None and location in set(regions["location"].astype(str))
    path = _rows(regions if is_region else view.table("locations"), location, ["eci", "diversity"])
    name = namer(view, lang)
    world: list[dict[str, Any]] = []
    locs = view.table("locations")
    if locs is not None and locs["eci"].notna().any():
        ranked = locs.dropna(subset=["eci"])
        last = ranked[ranked["year"] == ranked["year"].max()].sort_values("eci", ascending=False)
        match = match_partners(last["location"].astype(str), shape_codes(view.world))
        # a map only when the locations are countries (not a simulated world of c00, c01...)
        if 2 * len(match.iso3) >= len(last):
            world = [
                {
                    "location": str(r["location"]),
                    "name": name(str(r["location"])),
                    "iso3": match.iso3.get(str(r["location"])),
                    "eci": num(r["eci"]),
                    "rank": i + 1,
                }
                for i, r in enumerate(last.to_dict("records"))
            ]
    return {
        "location": location,
        "name": name(location),
        "eci_source": "region" if is_region else "location",
        "eci_path": path,
        "concentration": _rows(
            view.table("concentration"),
            location,
            ["hhi", "hhi_normalised", "unctad_concentration", "unctad_diversification"],
        ),
        "partners": _rows(
            of_flow(view.table("partners"), "export"),
            location,
            ["partners", "partner_hhi", "partners_above_floor"],
        ),
        "import_partners": _rows(
            of_flow(view.table("partners"), "import"), location, ["partner_hhi"]
        ),
        "margins": _rows(
            view.table("margins"),
            location,
            ["total", "intensive", "new_products", "new_markets", "lost"],
        ),
        "world": world,
        "world_unmatched": [
            {"code": w["location"], "name": w["name"]} for w in world if w["iso3"] is None
        ],
    }


def _presence(view: TradeView, location: str, year: int) -> pd.DataFrame | None:
    """One location's rows (product, m, density, pci, cog) in ``year``: a region's from
    region_products, a location's from location_product with the products' PCI."""
    regions = view.table("region_products")
    if regions is not None and location in set(regions["location"].astype(str)):
        mine = regions[(regions["location"].astype(str) == location) & (regions["year"] == year)]
        return mine.set_index("product")
    results = view.with_complexity()
    if results is None:
        return None
    cells = results.location_product
    mine = cells[(cells["location"].astype(str) == location) & (cells["year"] == year)]
    if mine.empty:
        return None
    products = results.products[results.products["year"] == year].set_index("product")
    mine = mine.set_index("product")
    return mine.assign(pci=products["pci"].reindex(mine.index))


def space(view: TradeView, location: str, lang: str) -> dict[str, Any] | None:
    """The product space of the latest year: the largest products' positions (Laplacian
    eigenmaps of proximity), the links (maximum spanning tree and the strongest links), PCI,
    and whether the location has an RCA above the threshold (Mcp = 1) in each."""
    results = view.with_complexity()
    if results is None or not results.proximity:
        return None
    year = max(results.proximity)
    cells = results.location_product
    world = cells[cells["year"] == year].groupby("product")["value"].sum()
    products = results.products[results.products["year"] == year].set_index("product")
    prox = results.proximity[year]
    order = world.sort_values(ascending=False).index
    keep = [str(p) for p in order if p in prox.index and pd.notna(products["pci"].get(p))]
    keep = keep[:SPACE_PRODUCTS]
    if len(keep) < 3:
        return None
    phi = prox.loc[keep, keep].to_numpy(float)
    xy = spectral_layout(phi)
    mine = _presence(view, location, year)
    present = (
        np.zeros(len(keep), dtype=bool)
        if mine is None
        else mine["m"].reindex(keep).fillna(0).to_numpy(float) == 1
    )
    pci = products["pci"].reindex(keep).to_numpy(float)
    nodes: list[dict[str, Any]] = [
        {
            "product": code,
            "x": round(float(xy[i, 0]), 4),
            "y": round(float(xy[i, 1]), 4),
            "pci": num(pci[i]),
            "present": bool(present[i]),
        }
        for i, code in enumerate(keep)
    ]
    table = sorted((n for n in nodes if n["present"]), key=lambda n: -(n["pci"] or -1e9))
    return {
        "location": location,
        "name": namer(view, lang)(location),
        "year": year,
        "nodes": nodes,
        "edges": [list(e) for e in product_space_edges(phi)],
        "table": table[:TOP_TABLE],
        "present": int(present.sum()),
    }


def opportunities(view: TradeView, location: str, lang: str) -> dict[str, Any] | None:
    """Products without an RCA yet: density against PCI, and the most feasible ones ranked by
    z(density) + z(PCI) (:func:`kaifang.methods.complexity.feasible_products`)."""
    from kaifang.methods.complexity import feasible_products

    results = view.with_complexity()
    if results is None:
        return None
    year = int(results.products.dropna(subset=["pci"])["year"].max())
    mine = _presence(view, location, year)
    if mine is None or "density" not in mine:
        return None
    absent = mine[(mine["m"] == 0) & mine["density"].notna() & mine["pci"].notna()]
    if absent.empty:
        return None
    density = absent["density"].to_numpy(float)
    pci = absent["pci"].to_numpy(float)
    best = feasible_products(np.zeros(len(absent)), density, pci, TOP_FEASIBLE)
    rank = {int(i): k + 1 for k, i in enumerate(best)}
    cog = absent["cog"].to_numpy(float) if "cog" in absent else np.full(len(absent), np.nan)
    points = [
        {
            "product": str(code),
            "density": num(density[i]),
            "pci": num(pci[i]),
            "cog": num(cog[i]),
            "feasible": rank.get(i),
        }
        for i, code in enumerate(absent.index)
    ]
    return {
        "location": location,
        "name": namer(view, lang)(location),
        "year": year,
        "points": points,
        "table": sorted((p for p in points if p["feasible"]), key=lambda p: p["feasible"]),
    }


def market_years(view: TradeView, location: str, flow: str = "export") -> list[int]:
    shares = of_flow(view.table("partner_shares"), flow)
    if shares is None:
        return []
    mine = shares[shares["location"].astype(str) == location]
    return sorted(int(y) for y in mine["year"].unique())


def _mirrored(view: TradeView) -> bool:
    """Whether a source reads imports off its partners' exports (BACI)."""
    return any(
        str((s.results.record.get("conventions") or {}).get("import_markets", "")).startswith(
            "mirror"
        )
        for s in view.sources
    )


def market_flows(view: TradeView, location: str) -> list[str]:
    """The flows (export, import) with partner rows for ``location``."""
    return [flow for flow in FLOWS if market_years(view, location, flow)]


def markets(
    view: TradeView, location: str, year: int | None, lang: str, flow: str = "export"
) -> dict[str, Any] | None:
    """One location's export (or import) markets in ``year`` (default the latest): value, share
    and growth by partner, the partners' HHI and count, and which partners the map cannot show.
    None when the results have no partner rows of ``flow`` for the location."""
    if flow not in FLOWS:
        raise NotInResults(f"no flow {flow[:20]!r} (export or import)")
    flows = market_flows(view, location)
    years = market_years(view, location, flow)
    shares = of_flow(view.table("partner_shares"), flow)
    if not years or shares is None:
        return None
    if year is None:
        year = years[-1]
    if year not in years:
        raise NotInResults(f"no market data for {location[:40]!r} in {year}")
    name = namer(view, lang)
    table = market_table(shares, location, year)
    match = match_partners(table["partner"], shape_codes(view.world))
    rows: list[dict[str, Any]] = [
        {
            "partner": str(r["partner"]),
            "name": name(str(r["partner"])),
            "iso3": match.iso3.get(str(r["partner"])),
            "dot": str(r["partner"]) in match.dotted,
            "value": num(r["value"]),
            "share": num(r["share"]),
            "growth": num(r["growth"]),
        }
        for r in table.to_dict("records")
    ]
    summary = None
    partners = of_flow(view.table("partners"), flow)
    if partners is not None:
        mine = partners[(partners["location"].astype(str) == location) & (partners["year"] == year)]
        if len(mine):
            r = mine.iloc[0]
            summary = {
                "partners": num(r["partners"]),
                "partner_hhi": num(r["partner_hhi"]),
                "partners_above_floor": num(r["partners_above_floor"]),
            }
    table_countries = countries()
    dots = {
        row["partner"]: [table_countries[row["iso3"]].lon, table_countries[row["iso3"]].lat]
        for row in rows
        if row["dot"]
    }
    return {
        "location": location,
        "name": name(location),
        "year": year,
        "years": years,
        "flow": flow,
        "flows": flows,
        "mirror": flow == "import" and _mirrored(view),
        "rows": rows,
        "dots": dots,
        "summary": summary,
        "unmatched": [
            {"code": c, "name": name(c), "reason": why} for c, why in match.unmatched.items()
        ],
    }
