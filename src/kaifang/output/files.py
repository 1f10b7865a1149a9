"""The output folder, written all or nothing: into a temporary sibling folder first,
then moved into place, so a failed run never leaves half a result behind.

Besides the tables it holds report.html and what ``kaifang report`` needs to rebuild every report
format from the folder alone (framework.json, map.geojson, units.csv: see kaifang.report.data),
and the tables of the analyses the config asks for (analyses/: see kaifang.report.analyses)."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

from kaifang.assessment import Assessment
from kaifang.assessment.results import Results
from kaifang.atomic import atomic_folder, write_simulated_note
from kaifang.csvfiles import write_csv
from kaifang.output.excel import write_workbook
from kaifang.report.analyses import compute_analyses, read_analyses, write_analyses
from kaifang.report.data import from_results, write_report_inputs
from kaifang.report.html import render_html


def _write_into(results: Results, folder: Path, lang: str, assessment: Assessment | None) -> None:
    simulated = bool(results.record.get("simulated"))
    # read the map first: a wrong report block fails the run before anything is written
    data = from_results(results)
    analyses = compute_analyses(results, data.spec.sensitivity_samples, assessment)
    write_analyses(analyses, folder)
    # the report shows the tables as read back from the folder, so that `kaifang report` on the
    # folder gives the same report, to the last digit
    data = replace(data, analyses=read_analyses(folder))
    write_csv(results.scores, folder / "scores.csv")
    write_csv(results.weights, folder / "weights.csv")
    stages = folder / "stages"
    stages.mkdir()
    for name in results.stage_names:
        write_csv(results.stage(name), stages / f"{name}.csv")
    write_csv(results.imputed, folder / "imputed.csv")
    write_csv(results.treated, folder / "treated.csv")
    (folder / "run.json").write_text(
        json.dumps(results.record, ensure_ascii=False, indent=2, default=str), encoding="utf-8"
    )
    write_report_inputs(results, data, folder)
    write_workbook(data, folder / "results.xlsx", lang=lang)
    (folder / "report.html").write_text(render_html(data, lang), encoding="utf-8")
    if simulated:
        write_simulated_note(folder)


def _inputs(assessment: Assessment | None) -> list[Path]:
    """The files the results come from: the output folder must not hold any of them."""
    if assessment is None:
        return []
    config_path = assessment.inputs.config_path
    config = assessment.config
    names = [config.framework, config.units, *(spec.path for spec in config.data)]
    return [config_path, *(config_path.parent / n for n in names if n)]


def write_results(
    results: Results,
    outdir: Path | str,
    lang: str = "en",
    assessment: Assessment | None = None,
) -> Path:
    """Write scores.csv, weights.csv, stages/, imputed.csv, treated.csv, run.json, results.xlsx,
    report.html, the report's inputs and analyses/ into ``outdir``, replacing its previous
    content only once all is written.

    ``assessment`` (the one ``results`` came from) spares reloading the config for the analyses
    (targets, scenarios, allocation, uncertainty) that its blocks ask for. A bad block raises
    its KaifangError and nothing is written."""
    outdir = Path(outdir)
    with atomic_folder(outdir, _inputs(assessment)) as tmp:
        _write_into(results, tmp, lang, assessment)
    return outdir
