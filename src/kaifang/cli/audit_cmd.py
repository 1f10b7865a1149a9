"""``kaifang audit``: the statistical audit of an assessment."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Literal

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

if TYPE_CHECKING:
    from kaifang.framework import Framework
    from kaifang.sensitivity.audit import AuditResult

FLAG_ZH = {
    "negative": "与上级负相关",
    "insignificant": "与上级相关不显著",
    "collinear": "共线",
    "low_alpha": "内部一致性低",
}


def _parse_years(value: str) -> Literal["latest", "all"] | list[int]:
    if value == "latest":
        return "latest"
    if value == "all":
        return "all"
    try:
        return [int(v) for v in value.split(",") if v.strip()]
    except ValueError:
        raise typer.BadParameter(
            "use latest, all or years separated by commas (e.g. 2022,2024)", param_hint="--years"
        ) from None


def _summary(result: AuditResult, fw: Framework, lang: str) -> None:
    import pandas as pd

    zh = lang == "zh"

    def name(node: str) -> str:
        return fw.name(node, lang) if node else ""

    year = result.years[-1]
    flags = result.flags[result.flags["year"] == year]
    table = Table(title=("审计警示" if zh else "Audit flags") + f" · {year}")
    table.add_column("节点" if zh else "Node")
    table.add_column("问题" if zh else "Flag")
    table.add_column("对象" if zh else "With")
    table.add_column("数值" if zh else "Value", justify="right")
    for row in flags.itertuples():
        label = FLAG_ZH.get(str(row.flag), str(row.flag)) if zh else str(row.flag)
        table.add_row(
            text(name(str(row.node))), label, text(name(str(row.other))), f"{row.value:.3g}"
        )
    if flags.empty:
        table.add_row("—", "无" if zh else "none", "", "")
    console.print(keep_numbers_whole(table))

    nodes = Table(title=("节点诊断" if zh else "Nodes") + f" · {year}")
    for col, right in (
        ("节点" if zh else "Node", False),
        ("Cronbach α", True),
        ("PC1 方差占比" if zh else "PC1 share", True),
        ("与上级 r" if zh else "r with parent", True),
        ("剔除后平均名次变化" if zh else "Mean |rank shift| if removed", True),
    ):
        nodes.add_column(col, justify="right" if right else "left")
    alpha = result.cronbach[result.cronbach["year"] == year].set_index("node")["alpha"]
    pv = result.pca_variance
    pc1 = pv[(pv["year"] == year) & (pv["component"] == 1)].set_index("node")["share"]
    cor = result.correlations
    parent_r = cor[(cor["year"] == year) & (cor["relation"] == "parent")].set_index("node")
    loo = result.loo_summary
    shift = (
        loo[loo["year"] == year].set_index("removed")["mean_abs_shift"] if not loo.empty else None
    )

    def num(series: pd.Series | None, key: str) -> str:
        if not isinstance(series, pd.Series) or key not in series.index:
            return ""
        v = float(series[key])
        return "" if v != v else f"{v:.2f}"

    for node in fw.branches:
        nodes.add_row(
            text(name(node)),
            num(alpha, node),
            num(pc1, node),
            num(parent_r["pearson"], node) if node in parent_r.index else "",
            num(shift, node),
        )
    console.print(keep_numbers_whole(nodes))

    imp = result.importance
    imp = imp[(imp["year"] == year) & (imp["relation"] == "index")].sort_values("ratio")
    table = Table(
        title=("指标重要性与名义权重（相关比 S_i）" if zh else "Importance vs nominal weight (S_i)")
        + f" · {year}"
    )
    for col in (
        ("指标" if zh else "Indicator"),
        ("S_i 占比" if zh else "S_i share"),
        ("权重" if zh else "Weight"),
        ("比值" if zh else "Ratio"),
    ):
        table.add_column(col, justify="left" if col in ("指标", "Indicator") else "right")
    shown = imp if len(imp) <= 12 else pd.concat([imp.head(6), imp.tail(6)])
    for row in shown.itertuples():
        table.add_row(
            text(name(str(row.node))),
            f"{row.s_share:.3f}",
            f"{row.weight_share:.3f}",
            f"{row.ratio:.2f}",
        )
    console.print(keep_numbers_whole(table))


@app.command(epilog="Example: kaifang audit examples/asem/assessment.yaml -o out/asem_audit")
def audit(
    config: Annotated[Path, typer.Argument(help="assessment.yaml")],
    output: Annotated[
        Path, typer.Option("-o", "--output", help="Folder for the audit tables and pictures.")
    ] = Path("audit"),
    years: Annotated[
        str,
        typer.Option(help="Cross-sections audited: latest, all, or years like 2022,2024."),
    ] = "latest",
    p_threshold: Annotated[
        float,
        typer.Option(min=0.0, max=1.0, help="Flag correlations with the parent above this p."),
    ] = 0.05,
    collinear: Annotated[
        float, typer.Option(min=0.0, max=1.0, help="Flag sibling pairs with |r| at least this.")
    ] = 0.9,
    cronbach_min: Annotated[
        float, typer.Option(help="Flag nodes whose Cronbach's alpha is below this.")
    ] = 0.7,
    loo: Annotated[
        bool, typer.Option("--loo/--no-loo", help="Rebuild without each indicator and pillar.")
    ] = True,
    pictures: Annotated[
        bool, typer.Option("--pictures/--no-pictures", help="Draw the correlation heat map.")
    ] = True,
    lang: LangOption = "zh",
) -> None:
    """Audit an assessment: correlations, flags, Cronbach's alpha, PCA, importance of each
    indicator (correlation ratio) vs its weight, leave-one-out rank shifts. Writes one CSV per
    table and a correlation heat map (PNG, SVG)."""
    import kaifang
    from kaifang.sensitivity.audit import audit as run_audit
    from kaifang.sensitivity.audit import write_audit

    lang = check_lang(lang)
    chosen = _parse_years(years)
    check_output(output, config)
    zh = lang == "zh"
    try:
        with console.status("审计中" if zh else "Auditing"):
            assessment = kaifang.load(config)
            result = run_audit(
                assessment,
                years=chosen,
                p_threshold=p_threshold,
                collinear=collinear,
                cronbach_min=cronbach_min,
                loo=loo,
            )
            fw = assessment.framework
            names = {n: fw.name(n, lang) for n in fw.nodes}
            write_audit(result, output, lang=lang, names=names, pictures=pictures)
    except (KaifangError, OSError) as exc:
        fail(exc, lang)
        return
    if result.simulated:
        console.print(
            "[bold red]模拟数据 SIMULATED DATA[/bold red]: "
            + ("结果不代表真实情况" if zh else "not official statistics")
        )
    _summary(result, fw, lang)
    for note in result.notes:
        console.print(f"[yellow]![/yellow] {esc(note)}", highlight=False)
    console.print(
        ("审计结果已写入 " if zh else "Audit written to ") + f"[bold]{esc(output)}[/bold]"
    )
