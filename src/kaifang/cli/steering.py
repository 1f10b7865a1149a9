"""``kaifang targets``, ``kaifang scenario``, ``kaifang allocate``: steering by the assessment."""

from __future__ import annotations

import math
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

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
    from kaifang.steering.models import WeightChange

ConfigArg = Annotated[Path, typer.Argument(help="assessment.yaml with the steering blocks")]


OutOption = typer.Option("-o", "--output", help="Folder for the CSV and Excel outputs.")


def _simulated_note(simulated: bool, zh: bool) -> None:
    if simulated:
        console.print(
            "[bold red]模拟数据 SIMULATED DATA[/bold red]: "
            + ("结果不代表真实情况" if zh else "not official statistics")
        )


def _float(x: Any) -> float:
    try:
        return float(x)
    except (TypeError, ValueError):
        return math.nan


def _pct(x: Any) -> str:
    v = _float(x)
    return "" if not math.isfinite(v) else f"{v:.1%}"


def _num(x: Any, digits: int = 2) -> str:
    v = _float(x)
    return "" if not math.isfinite(v) else f"{v:,.{digits}f}"


def _int(x: Any) -> int:
    return int(_float(x))


# a float holds every whole number up to 2**53 exactly: far above any budget in yuan
MAX_BUDGET = 2**53


def parse_budget(value: str) -> int:
    """``--budget``: a positive whole number of yuan, written 100000000, 100_000_000 or 1e8."""
    try:
        number = float(value.replace("_", "").replace(",", ""))
    except ValueError:
        number = math.nan
    if not (math.isfinite(number) and number.is_integer() and 0 < number <= MAX_BUDGET):
        raise typer.BadParameter(
            f"{value!r}: give a positive whole number of yuan up to {MAX_BUDGET:.0e} "
            "(e.g. 100000000 or 1e8)",
            param_hint="--budget",
        )
    return int(number)


def _set_title(changes: list[WeightChange], framework: Framework, lang: str) -> str:
    """The title of a ``--set`` scenario: what it changes, in words ("对外贸易 权重 ×2")."""
    zh = lang == "zh"
    parts = []
    for change in changes:
        node = framework.name(change.node, lang) if change.node in framework.nodes else change.node
        what = (
            ("占比" if zh else "share") if change.kind == "share" else ("权重" if zh else "weight")
        )
        how = f"×{change.multiply:g}" if change.multiply is not None else f"= {change.set:g}"
        parts.append(f"{node} {what} {how}")
    return ("调整：" if zh else "Changed: ") + ("，" if zh else ", ").join(parts)


@app.command(
    epilog="Example: kaifang targets examples/china_provinces/assessment.yaml -o out/targets "
    "--lang en"
)
def targets(
    config: ConfigArg,
    output: Annotated[Path, OutOption] = Path("targets"),
    lang: LangOption = "zh",
) -> None:
    """Track the targets of the config's targets: block (required and realised growth, status,
    projection with an interval, year reached)."""
    import kaifang
    from kaifang.steering.targets import evaluate_targets
    from kaifang.steering.writers import Sheet, write_tables

    lang = check_lang(lang)
    check_output(output, config)
    zh = lang == "zh"
    try:
        report = evaluate_targets(kaifang.load(config))
        write_tables(
            output,
            "targets",
            [
                Sheet("targets", "Targets", "目标监测", report.summary, report.notes),
                Sheet("paths", "Paths", "目标路径", report.paths),
            ],
            lang,
            report.simulated,
            report.notes,
        )
    except (KaifangError, OSError) as exc:
        fail(exc, lang)
        return
    colours = {"on_track": "green", "at_risk": "yellow", "off_track": "red"}
    summary = report.summary
    for target_id in summary["target"].unique():
        part = summary[summary["target"] == target_id]
        first = part.iloc[0]
        multiples = (part["target_value"] / part["base_value"]).round(9).unique()
        goal = (
            f"×{multiples[0]:g}"
            if len(multiples) == 1
            else f"{first['target_value']:,.2f}"
            if part["target_value"].nunique() == 1
            else ""
        )
        title = (
            f"{first['target_zh']!s}：{first['base_year']!s}→{first['target_year']!s} {goal}"
            if zh
            else f"{first['target_en']!s}: {first['base_year']!s}→{first['target_year']!s} {goal}"
        )
        table = Table(title=esc(title))
        for head in (
            ("地区", "Unit"),
            ("最新值", "Latest"),
            ("需增速", "Needed"),
            ("实增速", "Realised"),
            ("实际/路径", "Act/path"),
            ("状态", "Status"),
            (f"{first['target_year']!s}预测", f"{first['target_year']!s} projection"),
            ("达标年", "Reached"),
        ):
            first_column = head[1] == "Unit"
            table.add_column(
                head[0] if zh else head[1], justify="left" if first_column else "right"
            )
        for row in part.itertuples():
            status = row.status_zh if zh else row.status
            reached = _num(row.year_reached, 0).replace(",", "")
            table.add_row(
                text(row.unit_zh if zh else row.unit_en),
                f"{_num(row.latest_value)} ({row.latest_year})",
                _pct(row.required_cagr),
                _pct(row.realised_cagr),
                _num(row.ratio, 3),
                f"[{colours.get(str(row.status), 'white')}]{esc(status)}[/]",
                f"{_num(row.projection)} [{_num(row.projection_lower)}, "
                f"{_num(row.projection_upper)}]",
                reached,
            )
        console.print(keep_numbers_whole(table))
    _simulated_note(report.simulated, zh)
    console.print(("结果已写入 " if zh else "Written to ") + f"[bold]{esc(output)}[/bold]")


@app.command(
    epilog="Example: kaifang scenario examples/guizhou/assessment.yaml --set 'weight.trade_*=2x' "
    "--set 'weight.fdi_*=2x' -o out/scenario"
)
def scenario(
    config: ConfigArg,
    set_: Annotated[
        list[str] | None,
        typer.Option(
            "--set",
            help="A weight change: weight.<node>=2x (multiply), weight.<node>=0.5 (set), or "
            "share.<node>=2x (share of the index); <node> may be a glob like trade_*. "
            "Without --set the config's scenarios: block is run.",
        ),
    ] = None,
    name: Annotated[
        str | None, typer.Option("--name", help="Run only this scenario of the config.")
    ] = None,
    year: Annotated[int | None, typer.Option("--year", help="Year of the comparison.")] = None,
    output: Annotated[Path, OutOption] = Path("scenario"),
    lang: LangOption = "zh",
) -> None:
    """Rerun the assessment with changed weights and compare scores, ranks and weights."""
    import kaifang
    from kaifang.framework.model import Name
    from kaifang.steering.models import Scenario
    from kaifang.steering.scenario import load_scenarios, parse_set, run_scenarios
    from kaifang.steering.writers import Sheet, write_tables

    lang = check_lang(lang)
    check_output(output, config)
    zh = lang == "zh"
    scenarios = None
    changes: list[WeightChange] = []
    if set_:
        try:
            changes = [parse_set(expr) for expr in set_]
        except ValueError as exc:
            raise typer.BadParameter(str(exc), param_hint="--set") from None
    try:
        assessment = kaifang.load(config)
        if changes:
            scenarios = [
                Scenario(
                    id="cli",
                    name=Name(
                        zh=_set_title(changes, assessment.framework, "zh"),
                        en=_set_title(changes, assessment.framework, "en"),
                    ),
                    changes=changes,
                )
            ]
        if scenarios is None and name is not None:
            block = load_scenarios(assessment)
            chosen = [s for s in (block.items if block else []) if s.id == name]
            if not chosen:
                known = [s.id for s in block.items] if block else []
                raise typer.BadParameter(
                    f"no scenario {name!r}; known: {known}", param_hint="--name"
                )
            scenarios = chosen
        report = run_scenarios(assessment, scenarios, year)
        write_tables(
            output,
            "scenario",
            [
                Sheet("summary", "Summary", "情景概要", report.summary, report.notes),
                Sheet("movers", "Rank movers", "排名变动", report.movers),
                Sheet("pillars", "Pillar weights", "一级指标权重", report.pillars),
                Sheet("weights", "All weights", "全部权重", report.weights),
                Sheet("comparison", "Scores and ranks", "得分与排名", report.comparison),
            ],
            lang,
            report.simulated,
            report.notes,
        )
    except (KaifangError, OSError) as exc:
        fail(exc, lang)
        return
    for s in report.summary.itertuples():
        title = s.name_zh if zh else s.name_en
        table = Table(
            title=f"{esc(title)} · {report.year} · ρ = {s.spearman_rho:.3f} · "
            + (
                f"权重份额 {s.share_baseline:.1%} → {s.share_scenario:.1%}"
                if zh
                else f"share {s.share_baseline:.1%} → {s.share_scenario:.1%}"
            )
        )
        for head in (
            ("地区", "Unit"),
            ("基准得分", "Baseline"),
            ("情景得分", "Scenario"),
            ("基准排名", "Rank before"),
            ("情景排名", "Rank after"),
            ("名次变化", "Move"),
        ):
            table.add_column(
                head[0] if zh else head[1], justify="left" if head[1] == "Unit" else "right"
            )
        movers = report.movers[report.movers["scenario"] == s.scenario]
        for m in movers.itertuples():
            move = _int(m.rank_change)
            table.add_row(
                text(m.unit_zh if zh else m.unit_en),
                _num(m.score_baseline),
                _num(m.score_scenario),
                str(m.rank_baseline),
                str(m.rank_scenario),
                f"[green]+{move}[/]" if move > 0 else f"[red]{move}[/]" if move < 0 else "0",
            )
        console.print(keep_numbers_whole(table))
        console.print(
            ("调整：" if zh else "Changes: ") + str(s.changes), highlight=False, markup=False
        )
    _simulated_note(report.simulated, zh)
    console.print(("结果已写入 " if zh else "Written to ") + f"[bold]{esc(output)}[/bold]")


@app.command(
    epilog="Example: kaifang allocate examples/guizhou/assessment.yaml --budget 100000000 "
    "-o out/allocation"
)
def allocate(
    config: ConfigArg,
    budget: Annotated[
        str | None,
        typer.Option(
            "--budget",
            help="Budget in yuan, a whole number: 100000000 or 1e8 (overrides allocation.budget).",
        ),
    ] = None,
    output: Annotated[Path, OutOption] = Path("allocation"),
    lang: LangOption = "zh",
) -> None:
    """Allocate a fund by the factor method (因素法) tilted by the assessment, with floors, caps
    and largest-remainder rounding so the amounts sum exactly to the budget."""
    import kaifang
    from kaifang.steering.allocation import allocate as run_allocation
    from kaifang.steering.writers import Sheet, write_tables

    lang = check_lang(lang)
    amount = None if budget is None else parse_budget(budget)
    check_output(output, config)
    zh = lang == "zh"
    try:
        report = run_allocation(kaifang.load(config), budget=amount)
        write_tables(
            output,
            "allocation",
            [
                Sheet(
                    "allocation",
                    "Allocation",
                    "资金分配",
                    report.table,
                    report.notes,
                    report.labels,
                ),
                Sheet("rule", "Rule", "分配规则", report.rule),
            ],
            lang,
            report.simulated,
            report.notes,
        )
    except (KaifangError, OSError) as exc:
        fail(exc, lang)
        return
    t = report.table
    table = Table(title=("资金分配" if zh else "Allocation") + f" · {report.year}")
    cols = [("地区", "Unit"), ("得分", "Score")]
    has_grade = "grade" in t.columns
    if has_grade:
        cols.append(("等级", "Grade"))
    cols += [
        ("基础", "Base"),
        ("绩效", "Performance"),
        ("进步", "Improvement"),
        ("最终金额", "Final"),
        ("占比", "Share"),
    ]
    for head in cols:
        table.add_column(
            head[0] if zh else head[1], justify="left" if head[1] in ("Unit", "Grade") else "right"
        )
    for row in t.itertuples():
        cells: list[Any] = [text(row.unit_zh if zh else row.unit_en), _num(row.score)]
        if has_grade:
            cells.append("" if not isinstance(row.grade, str) else row.grade)
        cells += [
            _num(row.base, 0),
            _num(row.performance, 0),
            _num(row.improvement, 0),
            f"{_int(row.final):,}",
            _pct(row.final_share),
        ]
        table.add_row(*cells)
    console.print(keep_numbers_whole(table))
    _simulated_note(report.simulated, zh)
    console.print(("结果已写入 " if zh else "Written to ") + f"[bold]{esc(output)}[/bold]")
