"""Write the results of ``kaifang trade`` into a folder, all or nothing."""

from __future__ import annotations

import json
from pathlib import Path

from kaifang.atomic import atomic_folder, write_simulated_note
from kaifang.csvfiles import write_csv
from kaifang.trade.results import TradeResults


def write_trade_results(
    results: TradeResults, outdir: Path | str, pages: dict[str, str] | None = None
) -> Path:
    """locations.csv, products.csv, location_product.csv, concentration.csv, the optional
    tables (partners, margins, growth, intra-industry, regions), run.json and ``pages`` (file
    name -> HTML text, e.g. the report page); the folder is replaced only once everything is
    written."""
    out = Path(outdir)
    with atomic_folder(out) as tmp:
        for name, table in results.tables().items():
            write_csv(table, tmp / name)
        record = dict(results.record)
        record["files"] = sorted(results.tables())
        (tmp / "run.json").write_text(
            json.dumps(record, ensure_ascii=False, indent=2, default=str), encoding="utf-8"
        )
        for name, text in (pages or {}).items():
            (tmp / name).write_text(text, encoding="utf-8")
        if record.get("simulated"):
            write_simulated_note(tmp)
    return out
