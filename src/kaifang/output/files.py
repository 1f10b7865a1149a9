"""The DESIGN 2.5 output folder, written all or nothing: into a temporary sibling folder first,
then moved into place, so a failed run never leaves half a result behind.

Besides the tables it holds report.html and what ``kaifang report`` needs to rebuild every report
format from the folder alone (framework.json, map.geojson, units.csv: see kaifang.report.data)."""

from __future__ import annotations

import json
from pathlib import Path

from kaifang.assessment.results import Results
from kaifang.atomic import atomic_folder, write_simulated_note
from kaifang.output.excel import write_workbook
from kaifang.report.data import from_results, write_report_inputs
from kaifang.report.html import render_html


def _write_into(results: Results, folder: Path, lang: str) -> None:
    simulated = bool(results.record.get("simulated"))
    # read the map first: a wrong report block fails the run before anything is written
    data = from_results(results)
    results.scores.to_csv(folder / "scores.csv", index=False)
    results.weights.to_csv(folder / "weights.csv", index=False)
    stages = folder / "stages"
    stages.mkdir()
    for name in results.stage_names:
        results.stage(name).to_csv(stages / f"{name}.csv", index=False)
    results.imputed.to_csv(folder / "imputed.csv", index=False)
    results.treated.to_csv(folder / "treated.csv", index=False)
    (folder / "run.json").write_text(
        json.dumps(results.record, ensure_ascii=False, indent=2, default=str), encoding="utf-8"
    )
    write_report_inputs(results, data, folder)
    write_workbook(data, folder / "results.xlsx", lang=lang)
    (folder / "report.html").write_text(render_html(data, lang), encoding="utf-8")
    if simulated:
        write_simulated_note(folder)


def write_results(results: Results, outdir: Path | str, lang: str = "en") -> Path:
    """Write scores.csv, weights.csv, stages/, imputed.csv, treated.csv, run.json, results.xlsx,
    report.html and the report's inputs into ``outdir``, replacing its previous content only
    once all is written."""
    outdir = Path(outdir)
    with atomic_folder(outdir) as tmp:
        _write_into(results, tmp, lang)
    return outdir
