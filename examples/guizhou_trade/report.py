"""Print the guizhou_trade tables (SIMULATED data) from the two result folders.

Usage: python examples/guizhou_trade/report.py out/guizhou_trade out/guizhou_structure [zh|en]
"""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd

LABELS = {
    "banner": ("模拟数据：结果不代表贵州省真实情况", "SIMULATED DATA: not Guizhou's real trade"),
    "rca": (
        "显示性比较优势（最新年份，前15）",
        "Revealed comparative advantage (latest year, top 15)",
    ),
    "eci": ("贵州经济复杂度（以世界产品复杂度计算）", "Guizhou's subnational ECI (world PCI)"),
    "feasible": (
        "最可行的新产品（密度高、复杂度高、尚无比较优势）",
        "Most feasible new products (high density and PCI, no RCA yet)",
    ),
    "markets": ("出口市场集中度", "Export market concentration"),
    "import_markets": ("进口来源市场集中度", "Import market concentration"),
    "margins": ("出口增长的广延边际与集约边际", "Extensive vs intensive margins of export growth"),
}


def markets(structure: Path) -> dict[str, pd.DataFrame]:
    """Export markets (partners.csv) and import markets (import_partners.csv, written where the
    data have imports by partner)."""
    out = {"markets": pd.read_csv(structure / "partners.csv")}
    if (structure / "import_partners.csv").is_file():
        out["import_markets"] = pd.read_csv(structure / "import_partners.csv")
    return {key: table.drop(columns="flow", errors="ignore") for key, table in out.items()}


def tables(complexity: Path, structure: Path) -> dict[str, pd.DataFrame]:
    cells = pd.read_csv(complexity / "region_products.csv", dtype={"product": str})
    last = int(cells["year"].max())
    latest = cells[cells["year"] == last]
    return {
        "rca": latest.sort_values("rca", ascending=False)
        .head(15)[["product", "value", "rca", "m", "pci"]]
        .reset_index(drop=True),
        "eci": pd.read_csv(complexity / "regions.csv"),
        "feasible": latest.dropna(subset=["feasible_rank"])
        .sort_values("feasible_rank")[["feasible_rank", "product", "density", "pci", "cog"]]
        .reset_index(drop=True),
        **markets(structure),
        "margins": pd.read_csv(structure / "margins.csv"),
    }


def main() -> None:
    complexity = Path(sys.argv[1]) if len(sys.argv) > 1 else Path("out/guizhou_trade")
    structure = Path(sys.argv[2]) if len(sys.argv) > 2 else Path("out/guizhou_structure")
    zh = (sys.argv[3] if len(sys.argv) > 3 else "zh") == "zh"
    print(LABELS["banner"][0 if zh else 1])
    for key, table in tables(complexity, structure).items():
        print("\n" + LABELS[key][0 if zh else 1])
        print(table.to_string(index=False))


if __name__ == "__main__":
    main()
