"""The ledger on a given day: reported and derived status of every measure, the indicator
evidence, and the reminders of progress reports due or overdue.

The indicator evidence is the target tracking of :mod:`kaifang.steering.targets` (the same
numbers the ``targets`` verb writes): a linked target named by id is taken from the assessment's
``targets:`` block, a target set on the measure is evaluated with that block's thresholds.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any, Literal

import pandas as pd

from kaifang.ledger.load import FlatMeasure, Ledger
from kaifang.ledger.model import OwnTarget, period_bounds, periods_between
from kaifang.ledger.status import (
    STATUS_NAMES,
    Derived,
    Reason,
    derive_status,
    milestone_overdue,
    mismatch,
)

PATH_COLUMNS = ["measure", "indicator", "target", "unit", "year", "actual", "expected"]


@dataclass(frozen=True)
class LedgerStatus:
    as_of: dt.date
    measures: pd.DataFrame  # one row per measure: place, owners, span, reported vs derived
    milestones: pd.DataFrame
    progress: pd.DataFrame
    indicators: pd.DataFrame  # one row per measure, indicator and region: target tracking
    reminders: pd.DataFrame  # reports due or overdue, per department
    simulated: bool
    # the tracked indicators' actual values and straight target paths per year (the ``paths``
    # of the targets verb), one row per measure, indicator, region and year
    paths: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=PATH_COLUMNS))


# target tracking of recent (assessment, links) pairs: it fits a projection per target and
# region (seconds) and depends on neither the progress reports nor the milestones, which change
# far more often (a platform evaluates its ledger again after every saved report)
_TRACKING_CACHE_SIZE = 8
_tracking: OrderedDict[tuple[int, str], tuple[Any, pd.DataFrame, pd.DataFrame]] = OrderedDict()
_tracking_lock = threading.Lock()


# the tracking of single targets, for the same reason and because ledgers seen in different
# scopes (a prefecture sees its measures only) link different sets of the same targets
_TARGET_CACHE_SIZE = 512
_targets_done: OrderedDict[tuple[int, str, str], tuple[Any, pd.DataFrame, pd.DataFrame]] = (
    OrderedDict()
)


def _track_targets(assessment: Any, block: Any) -> tuple[pd.DataFrame, pd.DataFrame]:
    """:func:`kaifang.steering.targets.evaluate_targets` of ``block`` (summary and paths), each
    target remembered for the same assessment object and the same block settings (targets are
    evaluated independently of each other, so only the ones not yet seen are computed)."""
    from kaifang.steering.targets import evaluate_targets

    settings = block.model_dump_json(exclude={"items"})
    keys = [(id(assessment), settings, item.model_dump_json()) for item in block.items]
    found: dict[tuple[int, str, str], tuple[pd.DataFrame, pd.DataFrame]] = {}
    with _tracking_lock:
        for key in keys:
            hit = _targets_done.get(key)
            # the entry keeps its assessment alive, so that its id cannot be reused meanwhile
            if hit is not None and hit[0] is assessment:
                _targets_done.move_to_end(key)
                found[key] = (hit[1], hit[2])
    missing = [(key, item) for key, item in zip(keys, block.items, strict=True) if key not in found]
    if missing:
        report = evaluate_targets(
            assessment, block.model_copy(update={"items": [item for _, item in missing]})
        )
        with _tracking_lock:
            for key, item in missing:
                summary = _rows_of(report.summary, item.id)
                paths = _rows_of(report.paths, item.id)
                found[key] = (summary, paths)
                _targets_done[key] = (assessment, summary, paths)
            while len(_targets_done) > _TARGET_CACHE_SIZE:
                _targets_done.popitem(last=False)
    return (
        pd.concat([found[key][0] for key in keys], ignore_index=True),
        pd.concat([found[key][1] for key in keys], ignore_index=True),
    )


def _rows_of(table: pd.DataFrame, target_id: str) -> pd.DataFrame:
    if table.empty or "target" not in table.columns:
        return table.iloc[0:0]
    return table[table["target"] == target_id].reset_index(drop=True)


def _links_key(ledger: Ledger) -> str:
    """Everything of the ledger the target tracking reads besides the assessment."""
    return repr(
        [
            (
                f.measure.id,
                tuple(f.measure.regions),
                [link.model_dump_json() for link in f.measure.indicators],
            )
            for f in ledger.measures
        ]
    )


def _own_scope(
    ledger: Ledger, measure_regions: list[str], indicator: str
) -> tuple[Literal["units", "total", "both"], list[str] | None] | None:
    """The scope a target set on a measure is evaluated in: only the columns the measure's
    regions look at (each projection fits models, so the others would be wasted time).
    ``None`` when none of them has data."""
    assert ledger.assessment is not None
    inputs = ledger.assessment.inputs
    unit_codes = set(inputs.units["code"].astype(str))
    wanted = [c if c in unit_codes else "total" for c in measure_regions] or ["total"]
    if "total" in wanted:
        # a total sums every unit: listing units would make it the sum of those only
        return ("both" if len(set(wanted)) > 1 else "total"), None
    data = inputs.data
    present = set(data.loc[data["indicator"] == indicator, "unit"].astype(str))
    units = [c for c in dict.fromkeys(wanted) if c in present]
    return ("units", units) if units else None


def _indicator_rows(
    ledger: Ledger, targets: pd.DataFrame | None = None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """:func:`_track_indicators`, remembered for the same assessment object and the same links
    (copies are returned, so that a caller cannot change what is remembered). With ``targets``
    given the caller has the block's tracking already: nothing is remembered."""
    if ledger.assessment is None or targets is not None:
        return _track_indicators(ledger, targets)
    key = (id(ledger.assessment), _links_key(ledger))
    with _tracking_lock:
        found = _tracking.get(key)
        # the entry keeps its assessment alive, so that its id cannot be reused meanwhile
        if found is not None and found[0] is ledger.assessment:
            _tracking.move_to_end(key)
            return found[1].copy(), found[2].copy()
    table, paths = _track_indicators(ledger)
    with _tracking_lock:
        _tracking[key] = (ledger.assessment, table, paths)
        while len(_tracking) > _TRACKING_CACHE_SIZE:
            _tracking.popitem(last=False)
    return table.copy(), paths.copy()


def _track_indicators(
    ledger: Ledger, targets: pd.DataFrame | None = None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Target tracking of every linked indicator, one row per link and tracked region, and the
    tracked series against their target paths (rows of ``PATH_COLUMNS``).

    ``targets`` is the summary the assessment's own ``targets:`` block already gave (as
    :func:`kaifang.steering.targets.evaluate_targets` returns it), to reuse rather than
    compute again (the paths of those targets are then not drawn)."""
    columns = [
        "measure",
        "indicator",
        "target",
        "target_en",
        "target_zh",
        "unit",
        "status",
        "ratio",
        "latest_year",
        "target_year",
        "projection_to_target",
    ]
    links = [(f, link) for f in ledger.measures for link in f.measure.indicators]
    no_paths = pd.DataFrame(columns=PATH_COLUMNS)
    if ledger.assessment is None or not links:
        table = pd.DataFrame(
            [
                {
                    "measure": f.measure.id,
                    "indicator": link.indicator,
                    "target": "",
                    "target_en": "",
                    "target_zh": "",
                    "unit": "",
                    "status": "no_target",
                }
                for f, link in links
            ],
            columns=columns,
        ).astype({"latest_year": "Int64", "target_year": "Int64"})
        # the same types as with evidence: no text is missing, only numbers
        return table, no_paths
    from kaifang.assessment.config import config_block
    from kaifang.steering.models import Target, TargetsBlock

    assessment = ledger.assessment
    block = config_block(assessment.inputs.config_path, "targets", TargetsBlock)
    summaries = []
    path_tables = []
    if block is not None and any(isinstance(link.target, str) for _, link in links):
        if targets is not None:
            summaries.append(targets)
        else:
            named = {link.target for _, link in links if isinstance(link.target, str)}
            linked = [t for t in block.items if t.id in named]
            if linked:
                summary_b, paths_b = _track_targets(
                    assessment, block.model_copy(update={"items": linked})
                )
                summaries.append(summary_b)
                path_tables.append(paths_b)
    own = {
        f"{f.measure.id}__{link.indicator}": (link.indicator, link.target, scope)
        for f, link in links
        if isinstance(link.target, OwnTarget)
        and (scope := _own_scope(ledger, f.measure.regions, link.indicator)) is not None
    }
    if own:
        items = [
            Target(
                id=tid,
                name=t.name,
                indicator=ind,
                scope=scope[0],
                units=scope[1],
                base_year=t.base_year,
                multiple=t.multiple,
                level=t.level,
                target_year=t.target_year,
            )
            for tid, (ind, t, scope) in own.items()
            if isinstance(t, OwnTarget)
        ]
        own_block = TargetsBlock(
            additive=block.additive if block else [],
            thresholds=block.thresholds
            if block
            else TargetsBlock.model_fields["thresholds"].get_default(call_default_factory=True),
            items=items,
        )
        summary_o, paths_o = _track_targets(assessment, own_block)
        summaries.append(summary_o)
        path_tables.append(paths_o)
    summary = pd.concat(summaries, ignore_index=True) if summaries else pd.DataFrame()
    all_paths = pd.concat(path_tables, ignore_index=True) if path_tables else no_paths
    paths: list[pd.DataFrame] = []
    unit_codes = set(assessment.inputs.units["code"].astype(str))
    rows: list[dict[str, Any]] = []
    for f, link in links:
        if link.target is None:
            rows.append(
                {
                    "measure": f.measure.id,
                    "indicator": link.indicator,
                    "target": "",
                    "unit": "",
                    "status": "no_target",
                }
            )
            continue
        tid = link.target if isinstance(link.target, str) else f"{f.measure.id}__{link.indicator}"
        these = summary[summary["target"] == tid]
        wanted = [c if c in unit_codes else "total" for c in f.measure.regions] or ["total"]
        for code in dict.fromkeys(wanted):
            hit = these[these["unit"].astype(str) == code]
            if hit.empty:
                continue
            r = hit.iloc[0]
            mine = all_paths[(all_paths["target"] == tid) & (all_paths["unit"].astype(str) == code)]
            paths.append(mine.assign(measure=f.measure.id, indicator=link.indicator, unit=code))
            rows.append(
                {
                    "measure": f.measure.id,
                    "indicator": link.indicator,
                    "target": tid,
                    # a target without a name of its own is reported under its id: say nothing
                    "target_en": r["target_en"] if r["target_en"] != tid else "",
                    "target_zh": r["target_zh"] if r["target_zh"] != tid else "",
                    "unit": code,
                    "status": r["status"],
                    "ratio": r["ratio"],
                    "latest_year": r["latest_year"],
                    "target_year": r["target_year"],
                    "projection_to_target": r["projection_to_target"],
                }
            )
    table = (
        pd.DataFrame(rows, columns=columns)
        .astype({"target_en": object, "target_zh": object})  # all-missing columns are float
        .fillna({"target_en": "", "target_zh": ""})
    )
    found = [p for p in paths if not p.empty]
    path_table = (
        pd.concat(found, ignore_index=True)[PATH_COLUMNS].sort_values(["measure", "unit", "year"])
        if found
        else no_paths
    )
    return table.astype({"latest_year": "Int64", "target_year": "Int64"}), path_table


def _latest_reports(ledger: Ledger, as_of: dt.date) -> dict[str, Any]:
    """The latest progress report of each measure whose period began by ``as_of``."""
    freq = ledger.file.reporting.frequency
    latest: dict[str, Any] = {}
    for rep in ledger.file.progress:
        start, end = period_bounds(rep.period, freq)
        if start > as_of:
            continue
        if rep.measure not in latest or end > latest[rep.measure][0]:
            latest[rep.measure] = (end, rep)
    return {k: v[1] for k, v in latest.items()}


def _reminders(ledger: Ledger, as_of: dt.date, lang_names: bool = True) -> pd.DataFrame:
    cfg = ledger.file.reporting
    have = {(r.measure, r.period) for r in ledger.file.progress}
    done_in: dict[str, dt.date] = {}
    for r in ledger.file.progress:
        if r.status == "done":
            end = period_bounds(r.period, cfg.frequency)[1]
            done_in[r.measure] = min(done_in.get(r.measure, end), end)
    horizon = as_of + dt.timedelta(days=cfg.remind_days)
    rows = []
    for f in ledger.measures:
        if not f.is_task:
            continue
        m = f.measure
        last = min(m.deadline, horizon, done_in.get(m.id, dt.date.max))
        for period in periods_between(m.start, last, cfg.frequency):
            end = period_bounds(period, cfg.frequency)[1]
            due = end + dt.timedelta(days=cfg.due_days)
            if (m.id, period) in have or due > horizon:
                continue
            state = "overdue" if due < as_of else "due"
            rows.append(
                {
                    "department": m.lead,
                    "department_zh": ledger.department_name(m.lead, "zh"),
                    "department_en": ledger.department_name(m.lead, "en"),
                    "number": f.number,
                    "measure": m.id,
                    "measure_zh": m.name.zh,
                    "measure_en": m.name.en,
                    "period": period,
                    "due": due,
                    "state": state,
                    "days_overdue": max((as_of - due).days, 0),
                }
            )
    cols = [
        "department",
        "department_zh",
        "department_en",
        "number",
        "measure",
        "measure_zh",
        "measure_en",
        "period",
        "due",
        "state",
        "days_overdue",
    ]
    return pd.DataFrame(rows, columns=cols)


def evaluate_ledger(
    ledger: Ledger, as_of: dt.date | None = None, targets: pd.DataFrame | None = None
) -> LedgerStatus:
    """Reported and derived status of every measure on ``as_of`` (default: the file's
    ``as_of``, else today), with the evidence and the reminders. ``targets``: the summary of
    the assessment's ``targets:`` block when it is already computed (the report's targets
    section), so that it is not computed twice. The evidence (target tracking, the slow part)
    is remembered for the same assessment, so evaluating again after new reports is cheap."""
    as_of = as_of or ledger.file.as_of or dt.date.today()
    indicators, paths = _indicator_rows(ledger, targets)
    reports = _latest_reports(ledger, as_of)
    derived: dict[str, Derived] = {}
    framework = ledger.assessment.inputs.framework if ledger.assessment is not None else None

    def tracked(indicator: str, target_en: str, target_zh: str) -> Reason:
        # a named target says what is tracked better than a ratio indicator's name: targets
        # follow the raw series
        if target_en:
            return Reason(f"target {target_en}", f"目标“{target_zh}”")
        en = framework.name(indicator, "en") if framework is not None else indicator
        zh = framework.name(indicator, "zh") if framework is not None else indicator
        return Reason(f"indicator {en}", f"指标“{zh}”")

    def visit(f: FlatMeasure) -> Derived:
        m = f.measure
        kids = [visit(next(x for x in ledger.measures if x.measure.id == c.id)) for c in m.children]
        mine = indicators[indicators["measure"] == m.id]
        result = derive_status(
            m.start,
            m.deadline,
            [(Reason(ms.name.en, ms.name.zh), ms.due, ms.done) for ms in m.milestones],
            [
                (tracked(r["indicator"], r["target_en"], r["target_zh"]), r["status"])
                for r in mine.to_dict("records")
            ],
            as_of,
            kids,
            reported_done=m.id in reports and reports[m.id].status == "done",
        )
        derived[m.id] = result
        return result

    for f in ledger.measures:
        if f.parent is None:
            visit(f)
    rows = []
    for f in ledger.measures:
        m, d = f.measure, derived[f.measure.id]
        rep = reports.get(m.id)
        flag = mismatch(rep.status if rep else None, d)
        rows.append(
            {
                "number": f.number,
                "id": m.id,
                "parent": f.parent or "",
                "depth": f.depth,
                "name_zh": m.name.zh,
                "name_en": m.name.en,
                "lead": m.lead,
                "lead_zh": ledger.department_name(m.lead, "zh"),
                "lead_en": ledger.department_name(m.lead, "en"),
                "cooperating": ";".join(m.cooperating),
                "cooperating_zh": "、".join(ledger.department_name(c, "zh") for c in m.cooperating),
                "cooperating_en": "; ".join(ledger.department_name(c, "en") for c in m.cooperating),
                "regions": ";".join(m.regions),
                "start": m.start,
                "deadline": m.deadline,
                "period": rep.period if rep else "",
                "reported": rep.status if rep else "",
                "reported_zh": STATUS_NAMES[rep.status][1] if rep else "",
                "percent": rep.percent if rep else float("nan"),
                "narrative_zh": rep.narrative.zh if rep and rep.narrative else "",
                "narrative_en": rep.narrative.en if rep and rep.narrative else "",
                "derived": d.status,
                "derived_zh": STATUS_NAMES[d.status][1],
                "evidence_en": "; ".join(r.en for r in d.reasons),
                "evidence_zh": "；".join(r.zh for r in d.reasons),
                "mismatch": flag is not None,
                "mismatch_en": flag.en if flag else "",
                "mismatch_zh": flag.zh if flag else "",
            }
        )
    milestones = pd.DataFrame(
        [
            {
                "measure": f.measure.id,
                "id": ms.id,
                "name_zh": ms.name.zh,
                "name_en": ms.name.en,
                "due": ms.due,
                "done": ms.done,
                "overdue": milestone_overdue(ms.due, ms.done, as_of),
            }
            for f in ledger.measures
            for ms in f.measure.milestones
        ],
        columns=["measure", "id", "name_zh", "name_en", "due", "done", "overdue"],
    )
    progress = pd.DataFrame(
        [
            {
                "measure": r.measure,
                "period": r.period,
                "status": r.status,
                "percent": r.percent,
                "narrative_zh": r.narrative.zh if r.narrative else "",
                "narrative_en": r.narrative.en if r.narrative else "",
                "submitted": r.submitted,
            }
            for r in ledger.file.progress
        ],
        columns=[
            "measure",
            "period",
            "status",
            "percent",
            "narrative_zh",
            "narrative_en",
            "submitted",
        ],
    )
    return LedgerStatus(
        as_of,
        pd.DataFrame(rows),
        milestones,
        progress,
        indicators,
        _reminders(ledger, as_of),
        ledger.file.simulated_progress,
        paths.reset_index(drop=True),
    )
