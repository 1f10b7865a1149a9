"""The trade report page: product space, opportunity scatter and market treemap as inline SVG,
each with its table next to it, in Chinese or English. Built from the tables of
``kaifang trade`` (a :class:`~kaifang.trade.pipeline.TradeResults`), self-contained and offline.
"""

from __future__ import annotations

from collections.abc import Callable
from html import escape
from typing import Any

import numpy as np
import pandas as pd
from scipy.sparse.csgraph import minimum_spanning_tree

from kaifang.report.charts import ACCENT, INK, MUTED, SVG_FONT, ramp
from kaifang.report.countries import countries, load_world_map, to_iso3
from kaifang.report.market_map import market_table, world_map_svg
from kaifang.trade.markets import FLOWS, of_flow
from kaifang.trade.results import TradeResults

WORDS = {
    "title": ("贸易结构与经济复杂度", "Trade structure and economic complexity"),
    "simulated": (
        "模拟数据：结果不代表真实情况",
        "SIMULATED DATA: the results do not describe the real economy",
    ),
    "space": ("产品空间", "Product space"),
    "space_note": (
        "节点为世界贸易额最大的产品，颜色表示产品复杂度（深色更复杂），粗边框为{who}具有比较优势的产品；"
        "连线为邻近度的最大生成树与最强的联系。",
        "Nodes: the products with the largest world trade, coloured by PCI (darker = more "
        "complex); thick outline: products in which {who} has an RCA above 1; lines: the "
        "maximum spanning tree of proximity and the strongest links.",
    ),
    "scatter": ("机会散点图", "Opportunities"),
    "scatter_note": (
        "{who}尚无比较优势的产品：横轴为密度（与现有能力的接近程度），纵轴为产品复杂度；橙色为最可行的新产品。",
        "Products in which {who} has no RCA yet: density (closeness to current capabilities) "
        "against PCI; orange: the most feasible new products.",
    ),
    "markets": ("出口市场", "Export markets"),
    "markets_note": (
        "{who}出口额的市场构成（面积与份额成正比）。",
        "Where {who}'s exports go (area proportional to the share).",
    ),
    "product": ("产品", "Product"),
    "density": ("密度", "Density"),
    "pci": ("产品复杂度", "PCI"),
    "cog": ("复杂度前景收益", "COG"),
    "rca": ("显示性比较优势", "RCA"),
    "partner": ("市场", "Market"),
    "share": ("份额", "Share"),
    "value": ("出口额", "Exports"),
    "rank": ("序号", "Rank"),
    "year": ("年份", "Year"),
    "growth": ("同比增长", "Growth on a year"),
    "market_map": ("出口市场地图", "Map of export markets"),
    "market_map_note": (
        "颜色表示各市场占{who}出口额的份额（五个分位数组）；太小而无法在图上画出的国家或地区以圆点表示。",
        "Colour: each market's share of {who}'s exports (five quantile classes); countries too "
        "small for the map are dots.",
    ),
    "share_pct": ("份额（%）", "Share (%)"),
    "no_exports": ("无出口", "No exports"),
    "eci_map": ("经济复杂度地图", "Map of economic complexity"),
    "eci_map_note": (
        "颜色表示各经济体的经济复杂度指数（五个分位数组）。",
        "Colour: each economy's ECI (five quantile classes).",
    ),
    "eci": ("经济复杂度指数", "ECI"),
    "location": ("经济体", "Economy"),
    "no_data": ("无数据", "No data"),
    "boundaries": (
        "底图为公有领域的“自然地球”1:1.1亿世界地图，边界按实际控制线绘制，仅供分析和内部使用；"
        "政府部门在中国公开发布的地图必须使用审图号批准的标准地图。",
        "Boundaries: Natural Earth 1:110m (public domain), drawn de facto, for analysis and "
        "internal use; a map published by a government body in China must use an approved "
        "standard map (审图号).",
    ),
    "unmatched": (
        "未能在地图上画出（仍列入表中）：{codes}",
        "Not on the map (still in the table): {codes}",
    ),
    # the import side of the market words (see _w)
    "markets_import": ("进口来源市场", "Import markets"),
    "markets_note_import": (
        "{who}进口额的来源市场构成（面积与份额成正比）。",
        "Where {who}'s imports come from (area proportional to the share).",
    ),
    "value_import": ("进口额", "Imports"),
    "market_map_import": ("进口来源市场地图", "Map of import markets"),
    "market_map_note_import": (
        "颜色表示各市场占{who}进口额的份额（五个分位数组）；太小而无法在图上画出的国家或地区以圆点表示。",
        "Colour: each market's share of {who}'s imports (five quantile classes); countries too "
        "small for the map are dots.",
    ),
    "no_exports_import": ("无进口", "No imports"),
    "import_mirror": (
        "进口按镜像数据计算：某国从各伙伴的进口即各伙伴对该国的出口（BACI世界贸易表）。",
        "Imports are mirror flows: a country's imports from each partner are that partner's "
        "exports to it (the BACI world table).",
    ),
}


def _w(key: str, zh: bool, flow: str = "export") -> str:
    """The word of ``key``; for ``flow='import'`` its import form where it has one."""
    if flow == "import" and f"{key}_import" in WORDS:
        key = f"{key}_import"
    return WORDS[key][0 if zh else 1]


def _table(frame: pd.DataFrame, heads: list[str], formats: list[str]) -> str:
    rows = []
    for rec in frame.itertuples(index=False):
        cells = []
        for value, fmt in zip(rec, formats, strict=True):
            text = fmt.format(value) if isinstance(value, int | float | np.number) else str(value)
            cells.append(f"<td>{escape(text)}</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    head = "".join(f"<th>{escape(h)}</th>" for h in heads)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"


def _unit_scale(v: np.ndarray) -> np.ndarray:
    lo, hi = float(np.nanmin(v)), float(np.nanmax(v))
    return (v - lo) / (hi - lo) if hi > lo else np.full_like(v, 0.5)


def spectral_layout(proximity: np.ndarray) -> np.ndarray:
    """2-D positions from the two leading non-trivial eigenvectors of the normalised proximity
    (Laplacian eigenmaps: Belkin & Niyogi 2003), scaled to [0, 1]."""
    phi = np.nan_to_num(proximity)
    deg = phi.sum(axis=1)
    deg[deg == 0] = 1.0
    inv = 1.0 / np.sqrt(deg)
    _, vectors = np.linalg.eigh(inv[:, None] * phi * inv[None, :])
    xy = vectors[:, -3:-1] * inv[:, None]
    return np.column_stack([_unit_scale(xy[:, 0]), _unit_scale(xy[:, 1])])


def squarify(
    values: list[float], x: float, y: float, w: float, h: float
) -> list[tuple[float, float, float, float]]:
    """Squarified treemap rectangles (Bruls, Huizing & van Wijk 2000), values sorted descending."""
    total = sum(values)
    if total <= 0:
        return [(x, y, 0.0, 0.0) for _ in values]
    areas = [v * w * h / total for v in values]
    out: list[tuple[float, float, float, float]] = []

    def worst(row: list[float], side: float) -> float:
        s = sum(row)
        return max(max(side * side * r / (s * s), (s * s) / (side * side * r)) for r in row)

    i = 0
    while i < len(areas):
        side = min(w, h)
        row = [areas[i]]
        j = i + 1
        while j < len(areas) and worst([*row, areas[j]], side) <= worst(row, side):
            row.append(areas[j])
            j += 1
        s = sum(row)
        if w >= h:  # lay the row as a column on the left
            col_w = s / h
            yy = y
            for r in row:
                out.append((x, yy, col_w, r / col_w))
                yy += r / col_w
            x, w = x + col_w, w - col_w
        else:
            row_h = s / w
            xx = x
            for r in row:
                out.append((xx, y, r / row_h, row_h))
                xx += r / row_h
            y, h = y + row_h, h - row_h
        i = j
    return out


def _svg(body: str, w: int, h: int, label: str) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {h}" width="{w}" '
        f'height="{h}" role="img" aria-label="{escape(label)}" '
        f'font-family="{escape(SVG_FONT)}" font-size="11">{body}</svg>'
    )


def product_space_edges(proximity: np.ndarray) -> list[tuple[int, int]]:
    """The links drawn in the product space: the maximum spanning tree of proximity (the
    backbone, as in Hidalgo et al. 2007) and the strongest 0.5 % of the other links."""
    dist = np.where(proximity > 0, 1.0 - np.nan_to_num(proximity) + 1e-9, 0.0)
    tree = minimum_spanning_tree(dist).tocoo()
    edges = set(zip(tree.row.tolist(), tree.col.tolist(), strict=True))
    upper = np.triu(np.nan_to_num(proximity), 1)
    cut = np.quantile(upper[upper > 0], 0.995) if (upper > 0).any() else 1.0
    edges |= set(zip(*np.nonzero(upper >= cut), strict=True))
    return sorted((int(a), int(b)) for a, b in edges)


def product_space_svg(
    codes: list[str], proximity: np.ndarray, pci: np.ndarray, present: np.ndarray, label: str
) -> str:
    size = 520
    xy = spectral_layout(proximity) * (size - 40) + 20
    edges = product_space_edges(proximity)
    lines = "".join(
        f'<line x1="{xy[a, 0]:.1f}" y1="{xy[a, 1]:.1f}" x2="{xy[b, 0]:.1f}" '
        f'y2="{xy[b, 1]:.1f}" stroke="#cbd5e1" stroke-width="0.8"/>'
        for a, b in edges
    )
    t = _unit_scale(pci)
    dots = "".join(
        f'<circle cx="{xy[i, 0]:.1f}" cy="{xy[i, 1]:.1f}" r="{6 if present[i] else 4}" '
        f'fill="{ramp(float(t[i]))}" stroke="{INK if present[i] else MUTED}" '
        f'stroke-width="{2 if present[i] else 0.5}"><title>{escape(codes[i])}: '
        f"PCI {pci[i]:.2f}</title></circle>"
        for i in range(len(codes))
    )
    return _svg(lines + dots, size, size, label)


def scatter_svg(
    density: np.ndarray,
    pci: np.ndarray,
    best: np.ndarray,
    codes: list[str],
    labels: tuple[str, str, str],
) -> str:
    w, h, pad = 520, 380, 48
    x = _unit_scale(density) * (w - 2 * pad) + pad
    y = h - pad - _unit_scale(pci) * (h - 2 * pad)
    chosen = set(best.tolist())
    dots = "".join(
        f'<circle cx="{x[i]:.1f}" cy="{y[i]:.1f}" r="{5 if i in chosen else 3}" '
        f'fill="{"#ea580c" if i in chosen else ACCENT}" '
        f'fill-opacity="{0.95 if i in chosen else 0.35}">'
        f"<title>{escape(codes[i])}</title></circle>"
        for i in range(len(codes))
    )
    names = "".join(
        f'<text x="{x[i] + 6:.1f}" y="{y[i] - 4:.1f}" fill="{INK}">{escape(codes[i])}</text>'
        for i in chosen
    )
    axes = (
        f'<line x1="{pad}" y1="{h - pad}" x2="{w - pad}" y2="{h - pad}" stroke="{MUTED}"/>'
        f'<line x1="{pad}" y1="{pad}" x2="{pad}" y2="{h - pad}" stroke="{MUTED}"/>'
        f'<text x="{w / 2:.0f}" y="{h - 12}" text-anchor="middle" fill="{INK}">'
        f"{escape(labels[0])}</text>"
        f'<text x="14" y="{h / 2:.0f}" transform="rotate(-90 14 {h / 2:.0f})" '
        f'text-anchor="middle" fill="{INK}">{escape(labels[1])}</text>'
    )
    return _svg(axes + dots + names, w, h, labels[2])


def treemap_svg(names: list[str], shares: list[float], label: str) -> str:
    w, h = 520, 340
    rects = squarify(shares, 0, 0, w, h)
    parts = []
    top = max(shares) if shares else 1.0
    for (rx, ry, rw, rh), name, share in zip(rects, names, shares, strict=True):
        t = share / top
        parts.append(
            f'<rect x="{rx:.1f}" y="{ry:.1f}" width="{rw:.1f}" height="{rh:.1f}" '
            f'fill="{ramp(0.15 + 0.75 * t)}" stroke="#ffffff"><title>{escape(name)}: '
            f"{share:.1%}</title></rect>"
        )
        if rw > 44 and rh > 18:
            colour = "#ffffff" if t > 0.55 else INK
            parts.append(
                f'<text x="{rx + 4:.1f}" y="{ry + 14:.1f}" fill="{colour}">{escape(name)} '
                f"{share:.1%}</text>"
            )
    return _svg("".join(parts), w, h, label)


CSS = """
body{font-family:"Noto Sans CJK SC","Source Han Sans SC",sans-serif;color:#1f2937;margin:24px;}
.banner{background:#fee2e2;color:#991b1b;padding:8px 12px;font-weight:bold;margin-bottom:16px}
section{margin:24px 0;} .pair{display:flex;gap:24px;flex-wrap:wrap;align-items:flex-start}
table{border-collapse:collapse;font-size:12px} th,td{border-bottom:1px solid #e5e7eb;
padding:3px 8px;text-align:right} th:first-child,td:first-child{text-align:left}
.note{color:#6b7280;font-size:12px;max-width:1080px}
"""


def render_trade_page(
    results: TradeResults,
    lang: str = "zh",
    focus: str | None = None,
    world_map: dict[str, Any] | None = None,
) -> str:
    """The HTML page. ``focus`` is the location whose opportunities and markets are shown
    (default: the first region of a ``regions:`` block, else the first location). Location and
    partner codes are shown by the config's ``names:`` where given, else by the country's name.
    ``world_map`` is the map geometry (default: the shipped Natural Earth map, see
    :func:`~kaifang.report.countries.load_world_map`)."""
    zh = lang == "zh"
    name = code_namer(results.record, lang)

    simulated = bool(results.record.get("simulated"))
    sections = []
    year = int(results.location_product["year"].max())
    cells = results.location_product[results.location_product["year"] == year]
    products = results.products[results.products["year"] == year].set_index("product")
    if results.region_products is not None and (
        focus is None or focus in set(results.region_products["location"])
    ):
        region = results.region_products
        who = focus or str(region["location"].iloc[0])
        mine = region[(region["location"] == who) & (region["year"] == year)].set_index("product")
    else:
        who = focus or str(cells["location"].iloc[0])
        mine = cells[cells["location"] == who].set_index("product")
        mine = mine.assign(pci=products["pci"].reindex(mine.index))
    if not products.empty and year in results.proximity:
        world = cells.groupby("product")["value"].sum().sort_values(ascending=False)
        keep = [p for p in world.index[:300] if pd.notna(products["pci"].get(p))]
        prox = results.proximity[year].loc[keep, keep].to_numpy(float)
        present = mine["m"].reindex(keep).fillna(0).to_numpy(float) == 1
        pci = products["pci"].reindex(keep).to_numpy(float)
        svg = product_space_svg(keep, prox, pci, present, _w("space", zh))
        table = products.reindex(keep).assign(m=present).sort_values("pci", ascending=False)
        top = table[table["m"]].head(15).reset_index()[["product", "pci"]]
        sections.append(
            f"<section><h2>{_w('space', zh)} ({year})</h2><p class='note'>"
            f"{escape(_w('space_note', zh).format(who=name(who)))}</p><div class='pair'>{svg}"
            f"{_table(top, [_w('product', zh), _w('pci', zh)], ['{}', '{:.3f}'])}</div></section>"
        )
        absent = mine[(mine["m"] == 0) & mine["density"].notna() & mine["pci"].notna()]
        if len(absent):
            from kaifang.methods.complexity import feasible_products

            best = feasible_products(
                np.zeros(len(absent)),
                absent["density"].to_numpy(float),
                absent["pci"].to_numpy(float),
                12,
            )
            svg = scatter_svg(
                absent["density"].to_numpy(float),
                absent["pci"].to_numpy(float),
                best,
                [str(c) for c in absent.index],
                (_w("density", zh), _w("pci", zh), _w("scatter", zh)),
            )
            picked = absent.iloc[best].reset_index()[["product", "density", "pci", "cog"]]
            picked.insert(0, "rank", range(1, len(picked) + 1))
            sections.append(
                f"<section><h2>{_w('scatter', zh)} ({year})</h2><p class='note'>"
                f"{escape(_w('scatter_note', zh).format(who=name(who)))}</p><div class='pair'>{svg}"
                + _table(
                    picked,
                    [_w(k, zh) for k in ("rank", "product", "density", "pci", "cog")],
                    ["{}", "{}", "{:.3f}", "{:.3f}", "{:.3f}"],
                )
                + "</div></section>"
            )
    all_shares = results.partner_shares
    if all_shares is not None and len(all_shares):
        mirror = str((results.record.get("conventions") or {}).get("import_markets", ""))
        for flow in FLOWS:
            shares = of_flow(all_shares, flow)
            if shares is None or not len(shares):
                continue
            here = set(shares["location"])
            market_who = who if who in here else str(shares["location"].iloc[0])
            last = int(shares[shares["location"] == market_who]["year"].max())
            sections.append(_treemap_section(shares, market_who, last, zh, name, flow))
            section = market_map_section(shares, market_who, last, lang, name, world_map, flow)
            if flow == "import" and mirror.startswith("mirror"):
                section = section.replace(
                    "</section>", f"<p class='note'>{escape(_w('import_mirror', zh))}</p></section>"
                )
            sections.append(section)
    elif not results.locations.dropna(subset=["eci"]).empty:
        sections.append(eci_map_section(results.locations, lang, name, world_map))
    banner = f"<div class='banner'>{_w('simulated', zh)}</div>" if simulated else ""
    title = _w("title", zh)
    return (
        f"<!DOCTYPE html><html lang='{'zh-CN' if zh else 'en'}'><head><meta charset='utf-8'>"
        f"<title>{escape(title)}</title><style>{CSS}</style></head><body>{banner}"
        f"<h1>{escape(title)}</h1>{''.join(sections)}</body></html>"
    )


def _treemap_section(
    shares: pd.DataFrame,
    location: str,
    year: int,
    zh: bool,
    name: Callable[[str], str],
    flow: str,
) -> str:
    """The treemap of ``location``'s markets of one flow in ``year`` with its table."""
    part = shares[(shares["location"] == location) & (shares["year"] == year)]
    part = part.sort_values("share", ascending=False)
    part = part.assign(partner=[name(str(p)) for p in part["partner"]])
    svg = treemap_svg(
        part["partner"].astype(str).tolist(), part["share"].tolist(), _w("markets", zh, flow)
    )
    table = part[["partner", "value", "share"]].head(15)
    return (
        f"<section class='markets' data-flow='{flow}'><h2>{_w('markets', zh, flow)} ({year})</h2>"
        f"<p class='note'>{escape(_w('markets_note', zh, flow).format(who=name(location)))}</p>"
        f"<div class='pair'>{svg}"
        + _table(
            table,
            [_w(k, zh, flow) for k in ("partner", "value", "share")],
            ["{}", "{:,.0f}", "{:.1%}"],
        )
        + "</div></section>"
    )


def code_namer(record: dict[str, Any], lang: str) -> Callable[[str], str]:
    """A location or partner code's name: the config's ``names:``, else the country's name when
    the code is a country code, else the code itself."""
    names: dict[str, dict[str, str]] = (record.get("config") or {}).get("names") or {}
    table = countries()

    def name(code: str) -> str:
        given = names.get(code, {}).get(lang)
        if given:
            return str(given)
        iso = to_iso3(code)
        return table[iso].name(lang) if iso in table else code

    return name


def _unmatched_note(unmatched: dict[str, str], name: Callable[[str], str], zh: bool) -> str:
    if not unmatched:
        return ""
    codes = "、".join if zh else ", ".join
    listed = codes(f"{name(c)} ({c})" if name(c) != c else c for c in sorted(unmatched))
    return (
        f"<p class='note unmatched' data-testid='map-unmatched'>"
        f"{escape(_w('unmatched', zh).format(codes=listed))}</p>"
    )


def market_map_section(
    shares: pd.DataFrame,
    location: str,
    year: int,
    lang: str,
    name: Callable[[str], str],
    world: dict[str, Any] | None = None,
    flow: str = "export",
) -> str:
    """The world map of ``location``'s export (or import) markets in ``year`` with the market
    table (value, share, growth) beside it; unmatched partners listed under the map."""
    zh = lang == "zh"
    shares = of_flow(shares, flow)  # type: ignore[assignment]
    table = market_table(shares, location, year)
    geo = world if world is not None else load_world_map()
    result = world_map_svg(
        geo,
        dict(zip(table["partner"], table["share"] * 100, strict=True)),
        {str(p): name(str(p)) for p in table["partner"]},
        _w("share_pct", zh),
        _w("no_exports", zh, flow),
        lambda v: f"{v:.1f}%",
    )
    shown = table.assign(partner=[name(str(p)) for p in table["partner"]])
    shown = shown.assign(growth=shown["growth"].map(lambda g: "–" if pd.isna(g) else f"{g:+.1%}"))
    return (
        f"<section class='market-map' data-flow='{flow}'><h2>{_w('market_map', zh, flow)} "
        f"({year})</h2><p class='note'>"
        f"{escape(_w('market_map_note', zh, flow).format(who=name(location)))}</p>"
        f"<div class='pair'>{result.svg}"
        + _table(
            shown,
            [_w(k, zh, flow) for k in ("partner", "value", "share", "growth")],
            ["{}", "{:,.0f}", "{:.1%}", "{}"],
        )
        + "</div>"
        + _unmatched_note(result.unmatched, name, zh)
        + f"<p class='note'>{escape(_w('boundaries', zh))}</p></section>"
    )


def eci_map_section(
    locations: pd.DataFrame,
    lang: str,
    name: Callable[[str], str],
    world: dict[str, Any] | None = None,
) -> str:
    """The world map of the locations' ECI in the latest year (for world data: locations are
    countries); locations that are not countries are listed under the map. Empty when fewer
    than half of the locations are countries."""
    zh = lang == "zh"
    rows = locations.dropna(subset=["eci"])
    year = int(rows["year"].max())
    rows = rows[rows["year"] == year].sort_values("eci", ascending=False)
    geo = world if world is not None else load_world_map()
    codes = [str(c) for c in rows["location"]]
    result = world_map_svg(
        geo,
        dict(zip(codes, rows["eci"].astype(float), strict=True)),
        {c: name(c) for c in codes},
        _w("eci", zh),
        _w("no_data", zh),
        lambda v: f"{v:.2f}",
    )
    if 2 * len(result.drawn) < len(codes):
        return ""  # the locations are not countries (e.g. a simulated world): no map
    top = pd.DataFrame(
        {"rank": range(1, len(rows) + 1), "location": [name(c) for c in codes], "eci": rows["eci"]}
    ).head(20)
    return (
        f"<section class='eci-map'><h2>{_w('eci_map', zh)} ({year})</h2><p class='note'>"
        f"{escape(_w('eci_map_note', zh))}</p><div class='pair'>{result.svg}"
        + _table(top, [_w(k, zh) for k in ("rank", "location", "eci")], ["{}", "{}", "{:.3f}"])
        + "</div>"
        + _unmatched_note(result.unmatched, name, zh)
        + f"<p class='note'>{escape(_w('boundaries', zh))}</p></section>"
    )
