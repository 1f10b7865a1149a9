"""``kaifang assess``, ``kaifang check``, ``kaifang init`` (architecture.md#output-folder)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from kaifang.cli.common import (
    LangOption,
    app,
    check_lang,
    check_output,
    console,
    esc,
    fail,
    keep_numbers_whole,
    text,
)
from kaifang.errors import KaifangError


@app.command(
    epilog="Example: kaifang assess examples/guizhou/assessment.yaml -o out/guizhou --lang zh"
)
def assess(
    config: Annotated[Path, typer.Argument(help="assessment.yaml")],
    output: Annotated[Path, typer.Option("-o", "--output", help="Folder for the results.")] = Path(
        "results"
    ),
    lang: LangOption = "zh",
) -> None:
    """Run an assessment and write scores, weights, stages, run.json and results.xlsx."""
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    import kaifang
    from kaifang.output import write_results

    lang = check_lang(lang)
    check_output(output, config)
    zh = lang == "zh"
    try:
        with Progress(
            SpinnerColumn(),
            TextColumn("{task.description}"),
            TimeElapsedColumn(),
            console=console,
            transient=True,
        ) as progress:
            task = progress.add_task("读取配置与数据" if zh else "Reading config and data")
            assessment = kaifang.load(config)
            progress.update(task, description="计算" if zh else "Computing")
            results = assessment.run()
            progress.update(task, description="写出结果" if zh else "Writing results")
            write_results(results, output, lang=lang, assessment=assessment)
    except (KaifangError, OSError) as exc:
        fail(exc, lang)
        return
    fw = results.framework
    last_year = int(results.grid.years[-1])
    scores = results.scores
    top = scores[(scores["node"] == fw.root_id) & (scores["year"] == last_year)].sort_values("rank")
    names = results.record.get("unit_names", {})
    title = results.record["config"]["title"]["zh" if zh else "en"]
    table = Table(title=f"{esc(title)} · {last_year}")
    table.add_column("排名" if zh else "Rank", justify="right")
    table.add_column("地区" if zh else "Unit")
    table.add_column(fw.name(fw.root_id, lang), justify="right")
    for row in top.head(15).itertuples():
        label = names.get(row.unit, {}).get(lang) or row.unit
        rank = "" if row.rank is None or str(row.rank) == "<NA>" else str(row.rank)
        table.add_row(rank, text(label), f"{row.score:.2f}")
    console.print(keep_numbers_whole(table))
    if results.record.get("simulated"):
        console.print(
            "[bold red]模拟数据 SIMULATED DATA[/bold red]: "
            + ("结果不代表真实情况" if zh else "not official statistics")
        )
    for warning in results.record.get("warnings", []):
        console.print(f"[yellow]![/yellow] {esc(warning)}", highlight=False)
    done = "结果已写入" if zh else "Results written to"
    console.print(
        f"{done} [bold]{esc(output)}[/bold] (scores.csv, weights.csv, stages/, run.json, "
        "results.xlsx, report.html)"
    )
    report = (output / "report.html").resolve()
    if zh:
        console.print(f"报告：用浏览器打开 {report.as_uri()}", highlight=False, markup=False)
        console.print(f"PDF：kaifang report {output} --format pdf", highlight=False, markup=False)
        console.print(
            f"仪表板：kaifang serve {config}  （然后打开 http://127.0.0.1:8000）",
            highlight=False,
            markup=False,
        )
    else:
        console.print(f"Report: open {report.as_uri()} in a browser", highlight=False, markup=False)
        console.print(f"PDF: kaifang report {output} --format pdf", highlight=False, markup=False)
        console.print(
            f"Dashboard: kaifang serve {config}  (then open http://127.0.0.1:8000)",
            highlight=False,
            markup=False,
        )


@app.command(epilog="Example: kaifang check examples/china_provinces/assessment.yaml")
def check(
    config: Annotated[Path, typer.Argument(help="assessment.yaml")],
    lang: LangOption = "zh",
) -> None:
    """Validate config, framework, units and data; print every problem (exit 1 if any)."""
    import kaifang

    lang = check_lang(lang)
    try:
        assessment = kaifang.load(config)
        assessment.run()  # a step can still refuse the data (e.g. log of a negative value)
    except (KaifangError, OSError) as exc:
        fail(exc, lang)
        return
    fw = assessment.framework
    data = assessment.inputs.data
    zh = lang == "zh"
    console.print(
        ("[green]检查通过[/green]: " if zh else "[green]All clear[/green]: ")
        + f"{len(fw.indicators)} {'个指标' if zh else 'indicators'}, "
        f"{data['unit'].nunique()} {'个地区' if zh else 'units'}, "
        f"{int(data['year'].min())}-{int(data['year'].max())}, "
        f"{len(data)} {'个数值' if zh else 'values'}"
    )


def _parse_span(value: str) -> range:
    first, _, last = value.partition("-")
    try:
        start, end = int(first), int(last or first)
    except ValueError:
        start, end = 0, -1
    if not 1900 <= start <= end <= 2100 or end - start > 100:
        raise typer.BadParameter(
            f"{value!r}: give years as first-last, like 2020-2024", param_hint="--years"
        )
    return range(start, end + 1)


@app.command(
    epilog="Example: kaifang init my_assessment && kaifang check my_assessment/assessment.yaml"
)
def init(
    directory: Annotated[
        Path, typer.Argument(help="New project folder (must not exist or be empty).")
    ],
    years: Annotated[
        str, typer.Option("--years", help="Years of the data template's rows: first-last.")
    ] = "2020-2024",
    lang: LangOption = "zh",
) -> None:
    """Create a new assessment project: framework, config, units and an Excel data template
    with a row for every unit and year."""
    from kaifang.template import create_project

    lang = check_lang(lang)
    span = _parse_span(years)
    try:
        written = create_project(directory, span)
    except (KaifangError, OSError) as exc:
        fail(exc, lang)
        return
    zh = lang == "zh"
    console.print(("已创建 " if zh else "Created ") + f"[bold]{esc(directory)}[/bold]:")
    for path in written:
        console.print(f"  {path.relative_to(directory)}", markup=False, highlight=False)
    console.print(
        (
            "下一步：在 data_template.xlsx 中填写数据，然后运行 "
            if zh
            else "Next: fill in data_template.xlsx, then run "
        )
        + f"kaifang check {esc(directory / 'assessment.yaml')}"
    )
