"""``kaifang disparity``: regional disparity and dynamics of an assessment, as CSV tables."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table

from kaifang.cli.common import LangOption, app, check_lang, console, fail
from kaifang.csvfiles import write_csv
from kaifang.errors import KaifangError

ConfigArg = Annotated[Path, typer.Argument(help="assessment.yaml with a disparity: block")]
OutOption = typer.Option("-o", "--output", help="Folder for the CSV tables and run.json.")

# the files every run writes (empty, with their header, when the data allow no row)
CONTRACT_COLUMNS = {
    "dagum": ["year", "gini", "within", "between", "transvariation"],
    "theil": ["year", "theil_t", "between", "within"],
    "sigma": ["year", "sd_log", "cv"],
    "beta": ["beta", "se", "lambda", "half_life"],
    "markov": ["regime", "from_class", "n"],
    "moran": ["year", "i", "expected_i", "z", "p_norm", "p_sim"],
}


def _clean(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_clean(v) for v in value]
    return value


def write_report(report: Any, output: Path, config: Path) -> list[str]:
    """Write every table as CSV and run.json, all or nothing; returns the file names."""
    import platform

    import pandas as pd

    from kaifang import __version__
    from kaifang.atomic import atomic_folder, write_simulated_note
    from kaifang.provenance import package_versions

    written = []
    with atomic_folder(output) as tmp:
        tables = dict(report.tables)
        for name, cols in CONTRACT_COLUMNS.items():
            if name not in tables or tables[name].empty:
                tables[name] = pd.DataFrame(columns=cols)
            else:
                # the contract's columns in the contract's order, after the row labels
                frame = tables[name]
                keys = [c for c in ("model", "kind", "regime") if c in frame.columns]
                first = keys + [c for c in cols if c in frame.columns and c not in keys]
                tables[name] = frame[first + [c for c in frame.columns if c not in first]]
        for name, frame in sorted(tables.items()):
            write_csv(frame, tmp / f"{name}.csv")
            written.append(f"{name}.csv")
        versions = package_versions(("numpy", "scipy", "pandas", "spreg"))
        record = {
            "kaifang_version": __version__,
            "python": platform.python_version(),
            "packages": versions,
            "config_path": str(config),
            "simulated": report.simulated,
            "parameters": report.params,
            "notes_en": [en for en, _ in report.notes],
            "notes_zh": [zh for _, zh in report.notes],
            "files": written,
        }
        (tmp / "run.json").write_text(
            json.dumps(_clean(record), ensure_ascii=False, indent=2), encoding="utf-8"
        )
        if report.simulated:
            write_simulated_note(tmp)
        from kaifang.report.disparity import write_pages

        written += write_pages(tmp)
    return written


@app.command(
    epilog="Example: kaifang disparity examples/china_provinces/assessment.yaml -o out/cn_disparity"
)
def disparity(
    config: ConfigArg,
    output: Annotated[Path, OutOption] = Path("disparity"),
    lang: LangOption = "zh",
) -> None:
    """Regional disparity and dynamics (the config's disparity: block): Dagum Gini, Theil,
    σ/β convergence, Markov chains, Moran's I and LISA, coupling coordination, obstacle degree."""
    import kaifang
    from kaifang.analysis import run_disparity

    lang = check_lang(lang)
    zh = lang == "zh"
    try:
        report = run_disparity(kaifang.load(config))
        written = write_report(report, output, config)
    except KaifangError as exc:
        fail(exc, lang)
        return
    if report.simulated:
        console.print(
            "[bold red]模拟数据 SIMULATED DATA[/bold red]: "
            + ("结果不代表真实情况" if zh else "not official statistics")
        )
    dagum = report.tables.get("dagum")
    if dagum is not None and not dagum.empty:
        table = Table(title="Dagum 基尼系数分解" if zh else "Dagum Gini decomposition")
        heads = (
            ("年份", "基尼系数", "组内", "组间净值", "超变密度")
            if zh
            else ("Year", "Gini", "Within", "Net between", "Transvariation")
        )
        for h in heads:
            table.add_column(h)
        for row in dagum.itertuples():
            cells = [
                getattr(row, c, float("nan"))
                for c in ("gini", "within", "between", "transvariation")
            ]
            table.add_row(
                str(row.year), *("" if not math.isfinite(v) else f"{v:.4f}" for v in cells)
            )
        console.print(table)
    for en, zh_note in report.notes:
        # notes carry unit codes and names from the user's files: never read them as markup
        console.print(f"[yellow]•[/yellow] {escape(zh_note if zh else en)}", highlight=False)
    done = "已写入" if zh else "Written"
    console.print(f"{done} [bold]{output}[/bold]: {', '.join(written)}, run.json")
