"""The analyses a report shows beside the assessment: targets, weight scenarios, fund allocation
and the uncertainty of the ranks, computed by ``kaifang assess`` when the config has their blocks
and saved as tables in ``analyses/`` so ``kaifang report`` rebuilds them from the folder alone.

Files (every one optional; a missing file means the analysis was not run)::

    analyses/analyses.json        what was run and its parameters (budget, year, N, seed, ...)
    analyses/targets.csv          kaifang.steering TargetReport.summary
    analyses/target_paths.csv     TargetReport.paths (actual and straight-path values per year)
    analyses/scenario_summary.csv ScenarioReport.summary (Spearman rho, units moved, shares)
    analyses/scenario_ranks.csv   ScenarioReport.comparison of the scored node (root), one year
    analyses/allocation.csv       AllocationReport.table (one row per unit and a TOTAL check row)
    analyses/allocation_rule.csv  AllocationReport.rule (the rule in words, zh and en)
    analyses/rank_intervals.csv   UncertaintyResult.table (nominal, median, 5th, 95th rank)
    analyses/ledger/              the ledger block: ledger and evaluation (kaifang.ledger.saved)

A bad block is the user's mistake: its KaifangError propagates and the run writes nothing.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from kaifang.csvfiles import read_csv, write_csv
from kaifang.errors import InputError, Problem

if TYPE_CHECKING:
    from kaifang.assessment import Assessment
    from kaifang.assessment.results import Results
    from kaifang.ledger.saved import LedgerProgress

FOLDER = "analyses"
PARAMS_FILE = "analyses.json"
DEFAULT_SAMPLES = 200
TABLES = (
    "targets",
    "target_paths",
    "scenario_summary",
    "scenario_ranks",
    "allocation",
    "allocation_rule",
    "rank_intervals",
)
TEXT_COLUMNS = {
    "target": "string",
    "unit": "string",
    "scenario": "string",
    "node": "string",
    "indicator": "string",
    "grade": "string",
    "item": "string",
}


@dataclass(frozen=True)
class Analyses:
    """The tables of the analyses run with an assessment (``None``: not run) and their
    parameters (``params[name]`` for each analysis run)."""

    targets: pd.DataFrame | None = None
    target_paths: pd.DataFrame | None = None
    scenario_summary: pd.DataFrame | None = None
    scenario_ranks: pd.DataFrame | None = None
    allocation: pd.DataFrame | None = None
    allocation_rule: pd.DataFrame | None = None
    rank_intervals: pd.DataFrame | None = None
    params: dict[str, Any] = field(default_factory=dict)
    # the tables of the disparity: block (kaifang.analysis), by file name; see report.disparity
    disparity: dict[str, pd.DataFrame] = field(default_factory=dict)
    # the ledger: block's measures ledger and its evaluation; see report.ledger_section
    ledger: LedgerProgress | None = None

    def table(self, name: str) -> pd.DataFrame | None:
        value: pd.DataFrame | None = getattr(self, name)
        return value

    @property
    def empty(self) -> bool:
        return (
            all(self.table(n) is None for n in TABLES)
            and not self.disparity
            and self.ledger is None
        )


def _block(results: Results, name: str) -> Any:
    return (results.record.get("config") or {}).get(name)


def wanted(results: Results, samples: int) -> list[str]:
    """The analyses the config asks for: those whose block is present (sensitivity only with
    ``samples > 0``)."""
    names = [n for n in ("targets", "scenarios", "allocation") if _block(results, n)]
    if _block(results, "sensitivity") and samples > 0:
        names.append("sensitivity")
    if _block(results, "disparity"):
        names.append("disparity")
    if _block(results, "ledger"):
        names.append("ledger")
    return names


def compute_analyses(
    results: Results, samples: int, assessment: Assessment | None = None
) -> Analyses:
    """Run the analyses whose blocks the config holds.

    Targets, scenarios and allocation are cheap (one rerun per scenario); the uncertainty analysis
    runs ``samples`` Monte Carlo replications with the seed of the ``sensitivity:`` block.
    ``assessment`` defaults to the config recorded in ``results`` loaded again.
    """
    names = wanted(results, samples)
    if not names:
        return Analyses()
    if assessment is None:
        import kaifang

        config_path = Path(str(results.record.get("config_path", "")))
        if not config_path.is_file():
            raise InputError(
                [Problem(str(config_path), "the config file of this run is no longer there")]
            )
        assessment = kaifang.load(config_path)
    tables: dict[str, pd.DataFrame] = {}
    params: dict[str, Any] = {}
    root = results.framework.root_id
    if "targets" in names:
        from kaifang.steering import evaluate_targets

        tr = evaluate_targets(assessment)
        tables["targets"] = tr.summary
        tables["target_paths"] = tr.paths
        params["targets"] = {"notes": tr.notes}
    if "scenarios" in names:
        from kaifang.steering import run_scenarios

        sr = run_scenarios(assessment)
        tables["scenario_summary"] = sr.summary
        comp = sr.comparison
        tables["scenario_ranks"] = comp[(comp["node"] == root) & (comp["year"] == sr.year)]
        params["scenarios"] = {"year": sr.year, "node": root, "notes": sr.notes}
    if "allocation" in names:
        from kaifang.steering import allocate

        ar = allocate(assessment, results=results)
        tables["allocation"] = ar.table
        tables["allocation_rule"] = ar.rule
        params["allocation"] = {"budget": ar.budget, "year": ar.year, "notes": ar.notes}
    if "sensitivity" in names:
        from kaifang.sensitivity import load_spec, run_uncertainty
        from kaifang.sensitivity.spec import describe_input

        spec = load_spec(assessment.inputs.config_path)
        if spec is not None:
            ua = run_uncertainty(assessment, spec, n=samples, seed=spec.seed)
            tables["rank_intervals"] = ua.table
            params["sensitivity"] = {
                "runs": ua.runs,
                "seed": int(spec.seed),
                "node": ua.node,
                "year": ua.year,
                "inputs": [getattr(i, "name", None) or type(i).__name__ for i in spec.inputs],
                "inputs_text": {
                    lang: [describe_input(i, lang) for i in spec.inputs] for lang in ("zh", "en")
                },
                "quantiles": [0.05, 0.5, 0.95],
            }
    disparity: dict[str, pd.DataFrame] = {}
    if "disparity" in names:
        from kaifang.report.disparity import compute_for_report

        disparity, params["disparity"] = compute_for_report(assessment, results)
    ledger = None
    if "ledger" in names:
        from kaifang.ledger.block import evaluate_block

        # the targets section's tracking, reused: the ledger links the same targets
        ledger = evaluate_block(assessment, tables.get("targets"))
        if ledger is not None:
            params["ledger"] = {
                "as_of": ledger.status.as_of.isoformat(),
                "simulated": ledger.status.simulated,
            }
    return Analyses(**tables, params=params, disparity=disparity, ledger=ledger)


def write_analyses(analyses: Analyses, folder: Path) -> None:
    """Write the tables present and analyses.json into ``folder / "analyses"``."""
    if analyses.empty:
        return
    out = folder / FOLDER
    out.mkdir()
    for name in TABLES:
        table = analyses.table(name)
        if table is not None:
            write_csv(table, out / f"{name}.csv")
    (out / PARAMS_FILE).write_text(
        json.dumps(analyses.params, ensure_ascii=False, indent=1, default=str), encoding="utf-8"
    )
    if analyses.disparity:
        from kaifang.report.disparity import write_tables

        write_tables(analyses.disparity, out / "disparity")
    if analyses.ledger is not None:
        from kaifang.ledger.saved import write_progress

        write_progress(analyses.ledger, out / "ledger")


def read_analyses(folder: Path) -> Analyses:
    """The analyses saved in a results folder (an empty ``Analyses`` when there are none)."""
    out = folder / FOLDER
    if not (out / PARAMS_FILE).is_file():
        return Analyses()
    try:
        params = json.loads((out / PARAMS_FILE).read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError([Problem(str(out / PARAMS_FILE), f"not valid JSON: {exc}")]) from None
    tables: dict[str, pd.DataFrame] = {}
    for name in TABLES:
        path = out / f"{name}.csv"
        if path.is_file():
            head = read_csv(path, nrows=0).columns
            dtype = {c: t for c, t in TEXT_COLUMNS.items() if c in head}
            tables[name] = read_csv(path, dtype=dtype)
    from kaifang.ledger.saved import read_progress
    from kaifang.report.disparity import read_tables

    return Analyses(
        **tables,
        params=params,
        disparity=read_tables(out / "disparity"),
        ledger=read_progress(out / "ledger"),
    )
