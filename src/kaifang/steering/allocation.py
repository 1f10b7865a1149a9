"""Funds allocated by the factor method (因素法) with a performance tilt from the assessment.

For unit :math:`i` and budget :math:`B` (shares :math:`\\beta + \\pi + \\iota = 1`):

.. math::

    a_i = \\beta B \\sum_k w_k \\frac{f_{ki}}{\\sum_j f_{kj}}
        + \\pi B \\frac{v_i}{\\sum_j v_j}
        + \\iota B \\frac{\\max(\\Delta_i, 0)}{\\sum_j \\max(\\Delta_j, 0)},
    \\qquad \\Delta_i = s_i^{(t)} - s_i^{(t_0)}

with :math:`f_k` the base factors (equal, population, GDP, any series), :math:`v_i` the score
(score share) or the multiplier of the unit's grade, and :math:`s` the assessment score of the
chosen node. Then floors and caps (``kaifang.methods.steering.fit_to_bounds``) and rounding to
the stated unit by the largest-remainder rule, so the final amounts are integers summing exactly
to the budget. If no unit improved, the improvement part follows the performance shares (the
base shares if there is no performance part).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from kaifang.assessment import Assessment, Results
from kaifang.assessment.config import config_block
from kaifang.errors import InputError, KaifangError, MethodError, Problem
from kaifang.framework import Framework
from kaifang.methods import steering as ms
from kaifang.steering.models import AllocationBlock, Bound

GRADES = "ABCD"


class AllocationError(KaifangError):
    """The allocation rule cannot be applied to these data (infeasible or incomplete)."""


@dataclass(frozen=True)
class AllocationReport:
    table: pd.DataFrame  # one row per unit and a final TOTAL check row
    rule: pd.DataFrame  # the rule in words, zh and en
    budget: int
    year: int
    notes: list[str] = field(default_factory=list)
    simulated: bool = False
    labels: dict[str, tuple[str, str]] = field(default_factory=dict)
    """(en, zh) heads of the factor columns, named after their series"""


def load_allocation(assessment: Assessment) -> AllocationBlock:
    block = config_block(assessment.inputs.config_path, "allocation", AllocationBlock)
    if block is None:
        raise InputError(
            [
                Problem(
                    str(assessment.inputs.config_path),
                    "no 'allocation:' block: add one (budget, rounding, base, performance, "
                    "improvement, floor, cap); see examples/guizhou/assessment.yaml",
                )
            ]
        )
    return block


def _factor_column(
    assessment: Assessment, units: list[str], series: str, year: int | None
) -> tuple[np.ndarray, int | None]:
    if series == "equal":
        return np.ones(len(units)), None
    fw = assessment.framework
    if series not in fw.series:
        raise AllocationError(
            f"allocation.base.factors: {series!r} is neither 'equal' nor a series of the "
            f"framework ({', '.join(fw.series)})"
        )
    data = assessment.inputs.data
    rows = data[data["indicator"] == series]
    wide = rows.pivot_table(
        index="year", columns="unit", values="value", aggfunc="first", observed=True
    )
    wide.columns = wide.columns.astype(str)
    wide = wide.reindex(columns=units)
    if year is None:
        complete = wide.index[wide.notna().all(axis=1)]
        if len(complete) == 0:
            raise AllocationError(f"factor {series!r}: no year has a value for every unit")
        year = int(complete.max())
    if year not in wide.index:
        raise AllocationError(f"factor {series!r}: no data in {year}")
    values = wide.loc[year].to_numpy(dtype=np.float64)
    missing = [u for u, v in zip(units, values, strict=True) if not np.isfinite(v)]
    if missing:
        raise AllocationError(f"factor {series!r} in {year}: no value for units {missing}")
    return values, year


def _bounds(
    bound: Bound | None, units: list[str], default: float, step: int, what: str
) -> np.ndarray:
    values = np.full(len(units), default)
    if bound is None:
        return values
    unknown = [u for u in bound.units if u not in units]
    if unknown:
        raise AllocationError(f"allocation.{what}: unknown unit codes {unknown}")
    if bound.default is not None:
        values[:] = bound.default
    for code, v in bound.units.items():
        values[units.index(code)] = v
    finite = values[np.isfinite(values)]
    if (np.round(finite) % step != 0).any() or (finite != np.round(finite)).any():
        raise AllocationError(
            f"allocation.{what}: every {what} must be a multiple of the rounding unit {step:,} "
            "(so that rounding cannot break it)"
        )
    return values


def _scores(results: Results, node: str, year: int) -> tuple[np.ndarray, np.ndarray]:
    sl = results.grid.block(year)
    col = results.node_ids.index(node)
    return results.node_scores[sl, col], results.node_ranks[sl, col]


def allocate(
    assessment: Assessment,
    block: AllocationBlock | None = None,
    budget: int | None = None,
    results: Results | None = None,
) -> AllocationReport:
    """Allocate the budget by the rule of the config's ``allocation:`` block (or ``block``)."""
    block = block or load_allocation(assessment)
    budget = budget if budget is not None else block.budget
    if budget is None:
        raise AllocationError("no budget: give allocation.budget in the config or --budget")
    step = block.rounding
    if budget % step:
        raise AllocationError(
            f"the budget {budget:,} is not a multiple of the rounding unit {step:,}"
        )
    results = results or assessment.run()
    fw = results.framework
    node = block.node or fw.root_id
    if node not in results.node_ids:
        raise AllocationError(f"allocation.node: {node!r} is not a node of the framework")
    units = [str(u) for u in results.grid.units]
    years = [int(y) for y in results.grid.years]
    year = block.year if block.year is not None else years[-1]
    if year not in years:
        raise AllocationError(f"allocation.year {year} is not assessed (years {years})")
    score, rank = _scores(results, node, year)
    missing = [u for u, s in zip(units, score, strict=True) if not np.isfinite(s)]
    if missing and (block.performance or block.improvement):
        raise AllocationError(f"no score of {node!r} in {year} for units {missing}")
    n = len(units)
    table: dict[str, Any] = {"unit": units}
    names = results.record.get("unit_names", {})
    table["unit_en"] = [names.get(u, {}).get("en", u) for u in units]
    table["unit_zh"] = [names.get(u, {}).get("zh", u) for u in units]
    table["score"] = score
    table["rank"] = rank
    notes: list[str] = []
    zero = np.zeros(n)
    base_amt, perf_amt, impr_amt = zero, zero, zero
    base_share, perf_share = np.full(n, 1.0 / n), None
    try:
        if block.base is not None:
            cols, used = [], []
            for f in block.base.factors:
                col, used_year = _factor_column(assessment, units, f.factor, f.year or None)
                cols.append(col)
                used.append(f"{f.factor} ({used_year})" if used_year else f.factor)
                total = col.sum()
                table[f"factor_{f.factor}"] = col / total if total > 0 else col
            weights = np.array([f.weight for f in block.base.factors])
            base_share = ms.factor_shares(np.column_stack(cols), weights)
            table["base_share"] = base_share
            base_amt = budget * block.base.share * base_share
            notes.append("base factors: " + ", ".join(used))
        if block.performance is not None:
            p = block.performance
            if p.method == "grades" and p.grades is not None:
                g = p.grades
                if g.by == "score":
                    grade = ms.grade_by_thresholds(score, np.array(g.thresholds))
                else:
                    grade = ms.grade_by_rank_quantiles(rank, np.array(g.quantiles))
                mult = np.array([g.multipliers[GRADES[k]] for k in grade])  # type: ignore[index]
                table["grade"] = [GRADES[k] for k in grade]
                table["multiplier"] = mult
                perf_share = ms.performance_shares(mult)
            else:
                perf_share = ms.performance_shares(score)
            table["performance_share"] = perf_share
            perf_amt = budget * p.share * perf_share
        if block.improvement is not None:
            from_year = block.improvement.from_year or year - 1
            if from_year not in years or from_year >= year:
                raise AllocationError(
                    f"allocation.improvement.from_year {from_year} must be an assessed year "
                    f"before {year} (years {years})"
                )
            before, _ = _scores(results, node, from_year)
            table["score_change"] = score - before
            q = ms.improvement_shares(score, before)
            if q.sum() == 0:
                q = perf_share if perf_share is not None else base_share
                notes.append(
                    "no unit improved its score: the improvement part follows the "
                    + ("performance" if perf_share is not None else "base")
                    + " shares"
                )
            table["improvement_share"] = q
            impr_amt = budget * block.improvement.share * q
        raw = base_amt + perf_amt + impr_amt
        floors = _bounds(block.floor, units, 0.0, step, "floor")
        caps = _bounds(block.cap, units, np.inf, step, "cap")
        bounded = ms.fit_to_bounds(raw, floors, caps, float(budget))
        final = ms.largest_remainder(bounded, step, budget)
    except MethodError as exc:
        raise AllocationError(f"allocation: {exc}") from None
    table["base"] = base_amt
    table["performance"] = perf_amt
    table["improvement"] = impr_amt
    table["by_rule"] = raw
    table["floor"] = floors
    table["cap"] = np.where(np.isfinite(caps), caps, np.nan)
    table["floor_cap_adjustment"] = bounded - raw
    table["rounding_adjustment"] = final.astype(np.float64) - bounded
    table["final"] = final
    table["final_share"] = final / budget
    frame = pd.DataFrame(table)
    frame["formula_en"] = [_formula(frame.iloc[i], block, budget, "en") for i in range(n)]
    frame["formula_zh"] = [_formula(frame.iloc[i], block, budget, "zh") for i in range(n)]
    total_final = sum(int(v) for v in final)  # Python ints: the check is exact
    check: dict[str, Any] = {c: np.nan for c in frame.columns}
    check.update(
        unit="TOTAL",
        unit_en=f"Total (check: {total_final:,} {'=' if total_final == budget else '!='} "
        f"budget {budget:,})",
        unit_zh=f"合计（核对：{total_final:,} {'=' if total_final == budget else '≠'} "
        f"预算 {budget:,}）",
        formula_en="",
        formula_zh="",
    )
    for c in (
        "base",
        "performance",
        "improvement",
        "by_rule",
        "floor_cap_adjustment",
        "rounding_adjustment",
        "final_share",
    ):
        check[c] = float(frame[c].sum())
    check["final"] = total_final
    if total_final != budget:  # pragma: no cover - largest_remainder guarantees it
        raise AllocationError(f"allocation sums to {total_final:,}, not {budget:,}")
    frame = pd.concat([frame, pd.DataFrame([check])], ignore_index=True)
    frame["final"] = frame["final"].astype("int64")
    notes.append(f"scores: node {node!r}, year {year}")
    factor_heads = {
        f"factor_{f.factor}": (
            f"Share of {_factor_name(f.factor, fw, 'en')}",
            f"{_factor_name(f.factor, fw, 'zh')}份额"
            if f.factor == "equal"
            else f"{_factor_name(f.factor, fw, 'zh')}占比",
        )
        for f in (block.base.factors if block.base is not None else [])
    }
    return AllocationReport(
        frame,
        _rule(block, budget, node, year, fw),
        budget,
        year,
        notes,
        bool(assessment.config.simulated),
        factor_heads,
    )


def _money(x: float) -> str:
    return f"{x:,.0f}"


def _formula(row: pd.Series, block: AllocationBlock, budget: int, lang: str) -> str:
    zh = lang == "zh"
    parts = []
    if block.base is not None:
        b = block.base.share * budget
        parts.append(
            f"基础 {_money(b)}×{row['base_share']:.4f}"
            if zh
            else f"base {_money(b)} x {row['base_share']:.4f}"
        )
    if block.performance is not None:
        p = block.performance.share * budget
        how = (
            f"{row['grade']}级×{row['multiplier']:g}"
            if "grade" in row and zh
            else f"grade {row['grade']} x{row['multiplier']:g}"
            if "grade" in row
            else (f"得分{row['score']:.2f}" if zh else f"score {row['score']:.2f}")
        )
        parts.append(
            f"绩效 {_money(p)}×{row['performance_share']:.4f}（{how}）"
            if zh
            else f"performance {_money(p)} x {row['performance_share']:.4f} ({how})"
        )
    if block.improvement is not None:
        i = block.improvement.share * budget
        parts.append(
            f"进步 {_money(i)}×{row['improvement_share']:.4f}（得分变化{row['score_change']:+.2f}）"
            if zh
            else f"improvement {_money(i)} x {row['improvement_share']:.4f} "
            f"(score change {row['score_change']:+.2f})"
        )
    text = " + ".join(parts) + f" = {_money(row['by_rule'])}"
    if abs(row["floor_cap_adjustment"]) > 0.005:
        text += (
            f"；保底/封顶调整 {row['floor_cap_adjustment']:+,.0f}"
            if zh
            else f"; floor/cap adjustment {row['floor_cap_adjustment']:+,.0f}"
        )
    step = block.rounding
    text += (
        f"；按{step:,}元取整（最大余额法）→ {row['final']:,}"
        if zh
        else f"; rounded to {step:,} (largest remainder) -> {row['final']:,}"
    )
    return text


def _factor_name(factor: str, fw: Framework, lang: str) -> str:
    if factor == "equal":
        return "平均分配" if lang == "zh" else "equal split"
    return fw.name(factor, lang)


def _rule(block: AllocationBlock, budget: int, node: str, year: int, fw: Framework) -> pd.DataFrame:
    rows: list[tuple[str, str, str]] = [
        ("budget", f"Budget {budget:,} yuan", f"资金总额 {budget:,} 元"),
        (
            "scores",
            f"Scores of {fw.name(node, 'en')} ({node}) in {year}",
            f"采用 {year} 年{fw.name(node, 'zh')}得分",
        ),
    ]
    if block.base is not None:
        fac = " + ".join(
            f"{f.weight:g} x share of {_factor_name(f.factor, fw, 'en')}"
            for f in block.base.factors
        )
        fac_zh = " + ".join(
            f"{f.weight:g}×{_factor_name(f.factor, fw, 'zh')}"
            + ("" if f.factor == "equal" else "占比")
            for f in block.base.factors
        )
        rows.append(
            (
                "base",
                f"Base part {block.base.share:.0%} of the budget, split by ({fac})",
                f"基础部分占 {block.base.share:.0%}，按（{fac_zh}）分配（因素法）",
            )
        )
    if block.performance is not None:
        p = block.performance
        if p.method == "grades" and p.grades is not None:
            g = p.grades
            cut = (
                f"score thresholds {list(g.thresholds or ())}"
                if g.by == "score"
                else f"rank quantiles {list(g.quantiles or ())} (rank / number of units)"
            )
            cut_zh = (
                f"得分阈值 {list(g.thresholds or ())}"
                if g.by == "score"
                else f"排名分位 {list(g.quantiles or ())}（名次/地区数）"
            )
            mult = ", ".join(f"{k} {v:g}" for k, v in g.multipliers.items())
            en = (
                f"Performance part {p.share:.0%}: grades A/B/C/D by {cut}; share = "
                f"multiplier ({mult}) / sum of multipliers"
            )
            zh = (
                f"绩效部分占 {p.share:.0%}：按{cut_zh}评定A/B/C/D等级；份额 = 等级系数（{mult}）"
                "/ 系数之和"
            )
        else:
            en = f"Performance part {p.share:.0%}: share = score / sum of scores"
            zh = f"绩效部分占 {p.share:.0%}：份额 = 得分 / 得分之和"
        rows.append(("performance", en, zh))
    if block.improvement is not None:
        i = block.improvement
        start = i.from_year or year - 1
        rows.append(
            (
                "improvement",
                f"Improvement part {i.share:.0%}: share = max(score {year} - score {start}, 0) "
                "/ sum over units (if nobody improved: as the performance part)",
                f"进步奖励占 {i.share:.0%}：份额 = （{year}年得分 − {start}年得分，负值记为 0）"
                " / 各地区之和"
                "（无地区进步时按绩效份额）",
            )
        )
    if block.floor is not None or block.cap is not None:
        rows.append(
            (
                "bounds",
                "Floors and caps: units outside are set to the bound, the rest is shared among "
                "the others in proportion to their amounts by the rule",
                "保底与封顶：超出者取界限值，其余资金在其他地区间按规则金额同比例分配",
            )
        )
    rows.append(
        (
            "rounding",
            f"Rounded to {block.rounding:,} yuan by the largest-remainder (Hamilton) method: "
            "the sum equals the budget exactly",
            f"按 {block.rounding:,} 元取整（最大余额法），合计与资金总额完全相等",
        )
    )
    return pd.DataFrame(rows, columns=["item", "rule_en", "rule_zh"])
