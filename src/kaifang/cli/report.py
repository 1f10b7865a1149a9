"""``kaifang report``: rebuild report.html, report.pdf and results.xlsx from a results folder."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from kaifang.cli.common import LangOption, app, check_lang, console, fail
from kaifang.errors import KaifangError


@app.command(epilog="Example: kaifang report out/guizhou --format html,pdf")
def report(
    results_dir: Annotated[
        Path, typer.Argument(help="A results folder written by kaifang assess.")
    ],
    format: Annotated[
        str,
        typer.Option("--format", "-f", help="Comma-separated formats: html, pdf, xlsx."),
    ] = "html,pdf",
    output: Annotated[
        Path | None,
        typer.Option("-o", "--output", help="Folder for the files (default: RESULTS_DIR)."),
    ] = None,
    lang: LangOption = "zh",
) -> None:
    """Write the report (self-contained HTML, PDF) and the formatted workbook, offline, from a
    results folder alone; all requested files or none."""
    import time

    from kaifang.report.build import build_reports, parse_formats

    lang = check_lang(lang)
    zh = lang == "zh"
    try:
        formats = parse_formats(format)
    except KaifangError as exc:
        raise typer.BadParameter(str(exc), param_hint="--format") from None
    started = time.perf_counter()
    try:
        with console.status("生成报告" if zh else "Writing the report"):
            written = build_reports(results_dir, formats, lang=lang, outdir=output)
    except (KaifangError, OSError) as exc:
        fail(exc, lang)
        return
    seconds = time.perf_counter() - started
    console.print(("已写入" if zh else "Written") + f" ({seconds:.1f} s):")
    for path in written:
        console.print(f"  {path}", highlight=False, markup=False)
