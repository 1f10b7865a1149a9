"""``kaifang trade``: trade structure and economic complexity from product-level trade data."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from kaifang.cli.common import LangOption, app, check_lang, console, fail
from kaifang.errors import KaifangError


@app.command(
    epilog="Example: kaifang trade examples/trade_world/trade.yaml -o out/trade_world --lang en"
)
def trade(
    config: Annotated[Path, typer.Argument(help="trade.yaml: data: {path, columns}, options")],
    output: Annotated[
        Path, typer.Option("-o", "--output", help="Folder for the CSV tables and run.json.")
    ] = Path("trade"),
    world_map: Annotated[
        Path | None,
        typer.Option(
            "--world-map",
            help="GeoJSON of the world for the report's market map, features keyed by an "
            "'iso3' property (default: the shipped Natural Earth 1:110m map; for publication "
            "in China use an approved standard map).",
        ),
    ] = None,
    lang: LangOption = "zh",
) -> None:
    """Compute RCA, ECI/PCI, density, COI/COG (Stata ecomplexity's conventions by default),
    concentration, partners, margins and intra-industry trade; write them as CSV, with
    report.html (product space, opportunities, markets)."""
    from kaifang.report.trade_page import render_trade_page
    from kaifang.trade.pipeline import run_trade
    from kaifang.trade.writers import write_trade_results

    lang = check_lang(lang)
    zh = lang == "zh"
    try:
        from kaifang.report.countries import load_world_map

        geometry = load_world_map(world_map)
        results = run_trade(config)
        page = render_trade_page(results, lang, world_map=geometry)
        write_trade_results(results, output, {"report.html": page})
    except KaifangError as exc:
        fail(exc, lang)
        return
    if results.record.get("simulated"):
        console.print(
            "[bold red]模拟数据 SIMULATED DATA[/bold red]: "
            + ("结果不代表真实情况" if zh else "not official statistics")
        )
    locations = results.locations.dropna(subset=["eci"])
    if locations.empty:  # skip_complexity: structure tables only
        files = ", ".join(sorted(results.tables()))
        console.print(
            ("已写入 " if zh else "Written ") + f"[bold]{output}[/bold] ({files}, run.json)"
        )
        return
    last = int(locations["year"].max())
    top = locations[locations["year"] == last].sort_values("eci", ascending=False).head(10)
    table = Table(title=f"{last} 经济复杂度指数（前10）" if zh else f"{last} ECI (top 10)")
    for head in (("地区", "Location"), ("多样性", "Diversity"), ("ECI", "ECI"), ("COI", "COI")):
        table.add_column(head[0] if zh else head[1])
    for row in top.itertuples():
        table.add_row(str(row.location), f"{row.diversity:.0f}", f"{row.eci:.3f}", f"{row.coi:.3f}")
    console.print(table)
    files = ", ".join(sorted(results.tables()))
    console.print(("已写入 " if zh else "Written ") + f"[bold]{output}[/bold] ({files}, run.json)")
