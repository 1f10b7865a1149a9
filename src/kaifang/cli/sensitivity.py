"""``kaifang sensitivity``: uncertainty analysis and Sobol indices.

The ``audit`` verb is registered by its own module.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.table import Table

from kaifang.atomic import atomic_folder, write_simulated_note
from kaifang.cli.common import (
    LangOption,
    app,
    check_lang,
    check_output,
    console,
    err_console,
    esc,
    fail,
    keep_numbers_whole,
    text,
)
from kaifang.csvfiles import write_csv
from kaifang.errors import KaifangError

if TYPE_CHECKING:
    import pandas as pd

METHODS = ("uncertainty", "sobol")


@app.command(
    epilog="Example: kaifang sensitivity examples/asem/assessment.yaml --samples 500 -o out/asem_sa"
)
def sensitivity(
    config: Annotated[Path, typer.Argument(help="assessment.yaml with a 'sensitivity:' block")],
    samples: Annotated[
        int | None,
        typer.Option(
            "--samples",
            "-n",
            min=2,
            help="Monte Carlo runs (uncertainty) or base rows N of Saltelli's design (sobol: "
            "N (2d + 2) runs). Default: the block's 'samples'.",
        ),
    ] = None,
    method: Annotated[
        str, typer.Option("--method", "-m", help="uncertainty or sobol.", case_sensitive=False)
    ] = "uncertainty",
    seed: Annotated[int | None, typer.Option("--seed", help="Random seed.")] = None,
    output: Annotated[
        Path, typer.Option("-o", "--output", help="Folder for the CSV files and pictures.")
    ] = Path("sensitivity"),
    lang: LangOption = "zh",
) -> None:
    """Uncertainty analysis (rank intervals) or variance-based sensitivity analysis (Sobol
    indices) of the inputs declared in the config's 'sensitivity:' block."""
    lang = check_lang(lang)
    method = method.lower()
    if method not in METHODS:
        raise typer.BadParameter("use uncertainty or sobol", param_hint="--method")
    check_output(output, config)
    import kaifang
    from kaifang.sensitivity import (
        Evaluator,
        load_spec,
        run_sobol,
        run_uncertainty,
    )
    from kaifang.sensitivity.uncertainty import resolve_spec

    zh = lang == "zh"
    started = time.perf_counter()
    try:
        with console.status("计算中" if zh else "Computing"):
            assessment = kaifang.load(config)
            spec = resolve_spec(assessment, load_spec(config))
            evaluator = Evaluator(assessment, spec)
            if method == "uncertainty":
                result: Any = run_uncertainty(assessment, spec, samples, seed, evaluator=evaluator)
            else:
                result = run_sobol(assessment, spec, samples, seed, evaluator=evaluator)
        seconds = time.perf_counter() - started
        simulated = bool(evaluator.nominal.record.get("simulated"))
        meta = {
            "config_path": str(config),
            "method": method,
            "node": result.node,
            "year": result.year,
            "runs": result.runs,
            "seed": seed if seed is not None else spec.seed,
            "upstream_combinations": result.upstream_combinations,
            "seconds": round(seconds, 4),
            "simulated": simulated,
            "spec": spec.model_dump(mode="json"),
            "levels": "root = 0; COINr level L is our level depth + 1 - L",
        }
        title = evaluator.framework.name(result.node, lang)
        pictures, why = _write(output, method, result, meta, lang, simulated, title)
    except (KaifangError, OSError) as exc:
        fail(exc, lang)
        return
    if simulated:
        console.print(
            "[bold red]模拟数据 SIMULATED DATA[/bold red]: "
            + ("结果不代表真实情况" if zh else "not official statistics")
        )
    if method == "uncertainty":
        _print_ranks(result.table, title, result.year, result.runs, lang)
    else:
        _print_sobol(result.indices, title, result.year, result.runs, lang)
    files = "ranks.csv, design.csv" if method == "uncertainty" else "sobol.csv, design.csv"
    if pictures:
        files += ", " + ", ".join(pictures)
    else:
        err_console.print(
            "[yellow]![/yellow] " + ("未生成图片：" if zh else "no pictures: ") + esc(why),
            highlight=False,
        )
    done = "结果已写入" if zh else "Results written to"
    console.print(
        f"{done} [bold]{esc(output)}[/bold] ({files}, sensitivity.json) · {seconds:.2f} s"
    )


def _has_plots() -> bool:
    import importlib.util

    return importlib.util.find_spec("kaifang.sensitivity.plots") is not None


def _write(
    output: Path,
    method: str,
    result: Any,
    meta: dict[str, Any],
    lang: str,
    simulated: bool,
    title: str,
) -> tuple[list[str], str | None]:
    """All or nothing: write into a temporary sibling folder, then move it into place."""
    pictures: list[str] = []
    why: str | None = None
    with atomic_folder(output) as tmp:
        if method == "uncertainty":
            write_csv(result.table, tmp / "ranks.csv")
        else:
            write_csv(result.indices, tmp / "sobol.csv")
        write_csv(result.design, tmp / "design.csv")
        (tmp / "sensitivity.json").write_text(
            json.dumps(meta, ensure_ascii=False, indent=2), encoding="utf-8"
        )
        if simulated:
            write_simulated_note(tmp)
        pictures, why = _pictures(tmp, method, result, lang, simulated, title)
    return pictures, why


def _pictures(
    folder: Path, method: str, result: Any, lang: str, simulated: bool, title: str
) -> tuple[list[str], str | None]:
    """Pictures from kaifang.sensitivity.plots (PNG + SVG); the CSVs are the complete result,
    so a picture that cannot be drawn (e.g. no CJK font for zh) is reported, not fatal."""
    if not _has_plots():
        return [], "plotting module not available"
    from kaifang.sensitivity import plots

    before = {p.name for p in folder.iterdir()}
    try:
        if method == "uncertainty":
            table = result.table
            frame = table.rename(
                columns={
                    "nominal_rank": "nominal",
                    "median_rank": "median",
                    "q05_rank": "q05",
                    "q95_rank": "q95",
                }
            )[["unit", "nominal", "median", "q05", "q95"]]
            names = dict(
                zip(table["unit"], table["name_zh" if lang == "zh" else "name_en"], strict=True)
            )
            plots.rank_interval_plot(
                frame,
                folder / "rank_intervals",
                lang=lang,
                title=title,
                simulated=simulated,
                names=names,
            )
        else:
            shift = result.indices[result.indices["output"] == "mean_abs_rank_shift"]
            bars = shift.rename(
                columns={
                    "S1_low": "S1_lo",
                    "S1_high": "S1_hi",
                    "ST_low": "ST_lo",
                    "ST_high": "ST_hi",
                }
            )[["input", "S1", "ST", "S1_lo", "S1_hi", "ST_lo", "ST_hi"]]
            plots.sobol_bar_chart(
                bars, folder / "sobol_indices", lang=lang, title=title, simulated=simulated
            )
    except KaifangError as exc:
        for p in folder.iterdir():
            if p.name not in before:
                p.unlink()
        return [], str(exc)
    return sorted({p.name for p in folder.iterdir()} - before), None


def _print_ranks(table: pd.DataFrame, title: str, year: int, runs: int, lang: str) -> None:
    zh = lang == "zh"
    out = Table(title=f"{esc(title)} · {year} · {runs} {'次模拟' if zh else 'runs'}")
    heads: list[tuple[str, str, Any]] = [
        ("名义排名", "Nominal", "right"),
        ("地区", "Unit", "left"),
        ("中位排名", "Median", "right"),
        ("平均排名", "Mean", "right"),
        ("5%-95% 区间", "5%-95% interval", "right"),
    ]
    for head_zh, head_en, justify in heads:
        out.add_column(head_zh if zh else head_en, justify=justify)
    for row in table.head(20).itertuples():
        name = row.name_zh if zh else row.name_en
        out.add_row(
            f"{row.nominal_rank:.0f}",
            text(name),
            f"{row.median_rank:g}",
            f"{row.mean_rank:.1f}",
            f"{row.q05_rank:g} - {row.q95_rank:g}",
        )
    console.print(keep_numbers_whole(out))


def _print_sobol(indices: pd.DataFrame, title: str, year: int, runs: int, lang: str) -> None:
    zh = lang == "zh"
    shift = indices[indices["output"] == "mean_abs_rank_shift"]
    caption = (
        "平均绝对排名变动的 Sobol 指数" if zh else "Sobol indices of the mean absolute rank shift"
    )
    out = Table(
        title=f"{esc(title)} · {year} · {runs} {'次运行' if zh else 'runs'}", caption=caption
    )
    out.add_column("输入" if zh else "Input")
    out.add_column("一阶 S1" if zh else "First order S1", justify="right")
    out.add_column("95% CI", justify="right")
    out.add_column("总效应 ST" if zh else "Total ST", justify="right")
    out.add_column("95% CI", justify="right")
    for row in shift.sort_values("ST", ascending=False).itertuples():
        out.add_row(
            text(row.input),
            f"{row.S1:.3f}",
            f"[{row.S1_low:.3f}, {row.S1_high:.3f}]",
            f"{row.ST:.3f}",
            f"[{row.ST_low:.3f}, {row.ST_high:.3f}]",
        )
    console.print(keep_numbers_whole(out))
