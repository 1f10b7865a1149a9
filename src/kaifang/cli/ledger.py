"""``kaifang ledger``: the measures ledger (任务台账) with reported and derived status."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated

import typer

from kaifang.cli.common import LangOption, app, check_lang, console, fail
from kaifang.errors import KaifangError


@app.command(
    epilog="Example: kaifang ledger examples/guizhou/ledger.yaml -o out/ledger --as-of 2024-12-31"
)
def ledger(
    ledger_file: Annotated[Path, typer.Argument(help="The ledger file (ledger.yaml).")],
    output: Annotated[
        Path, typer.Option("-o", "--output", help="Folder for ledger.xlsx, ledger.html, CSV.")
    ] = Path("ledger"),
    as_of: Annotated[
        str | None,
        typer.Option(
            "--as-of",
            help="Judge statuses on this day (YYYY-MM-DD); default: the file's as_of, else today.",
        ),
    ] = None,
    lang: LangOption = "zh",
) -> None:
    """Write the measures ledger: the officials' workbook, a timeline page, the status of every
    measure (reported and derived from milestones and indicator targets) and the reminders."""
    from kaifang.ledger.evaluate import evaluate_ledger
    from kaifang.ledger.files import write_ledger_outputs
    from kaifang.ledger.load import load_ledger
    from kaifang.ledger.status import STATUS_NAMES

    lang = check_lang(lang)
    zh = lang == "zh"
    day = None
    if as_of is not None:
        try:
            day = dt.date.fromisoformat(as_of)
        except ValueError:
            raise typer.BadParameter("use a date like 2024-12-31", param_hint="--as-of") from None
    try:
        book = load_ledger(ledger_file)
        status = evaluate_ledger(book, day)
        write_ledger_outputs(output, book, status, lang)
    except KaifangError as exc:
        fail(exc, lang)
        return
    m = status.measures
    counts = m["derived"].value_counts()
    console.print(
        ("核验日期 " if zh else "As of ")
        + str(status.as_of)
        + ": "
        + ("，" if zh else ", ").join(
            f"{STATUS_NAMES[str(k)][1 if zh else 0]} {v}" for k, v in counts.items()
        ),
        highlight=False,
        markup=False,
    )
    flagged = m[m["mismatch"]]
    for row in flagged.to_dict("records"):
        text = row["mismatch_zh"] if zh else row["mismatch_en"]
        console.print(
            f"  ! {row['number']} {row['name_zh'] if zh else row['name_en']}: {text}",
            highlight=False,
            markup=False,
        )
    overdue = int((status.reminders["state"] == "overdue").sum())
    console.print(
        (f"逾期进展报告 {overdue} 份" if zh else f"{overdue} progress report(s) overdue"),
        highlight=False,
        markup=False,
    )
    if status.simulated:
        console.print(
            "模拟数据 SIMULATED: " + ("进展为示例" if zh else "progress is simulated"),
            highlight=False,
            markup=False,
        )
    console.print(
        ("结果已写入 " if zh else "Written to ") + str(output), highlight=False, markup=False
    )
