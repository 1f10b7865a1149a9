"""What a report is drawn from, in memory or read back from a results folder.

``kaifang assess`` writes, next to scores.csv and run.json, the few files a report needs that the
other files of the output folder (docs/en/architecture.md#output-folder) do not hold:
``framework.json`` (the validated tree), ``map.geojson`` (a copy of the geometry named in the
config's ``report:`` block) and ``units.csv`` (a copy of the units table).
``kaifang report RESULTS_DIR`` then rebuilds every format offline from the folder alone.
"""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from kaifang.assessment.results import Results
from kaifang.csvfiles import read_csv, write_csv
from kaifang.data.units import read_units
from kaifang.errors import InputError, KaifangError, Problem
from kaifang.framework import Framework, build_framework
from kaifang.report.analyses import Analyses, read_analyses
from kaifang.report.spec import ReportSpec, geojson_path, report_spec

FRAMEWORK_FILE = "framework.json"
MAP_FILE = "map.geojson"
UNITS_FILE = "units.csv"
DENOMINATED = "denominated"


@dataclass(frozen=True)
class ReportData:
    """The tables of one run in the long form of the files, plus the map geometry.

    ``geojson`` is ``None`` when the config names no map; ``map_name`` is the file it came from.
    """

    framework: Framework
    record: dict[str, Any]
    scores: pd.DataFrame
    weights: pd.DataFrame
    raw: pd.DataFrame
    imputed: pd.DataFrame
    spec: ReportSpec
    geojson: dict[str, Any] | None = None
    map_name: str | None = None
    map_path: Path | None = None
    analyses: Analyses = field(default_factory=Analyses)
    denominated: pd.DataFrame | None = None

    def shown_values(self, year: int | None = None) -> dict[tuple[str, int, str], float]:
        """The value each indicator's name speaks of, by (unit, year, indicator): a ratio (an
        indicator with a denominator) is its denominated value times ``display_scale``, any other
        indicator its raw value. Without a denominated stage, the raw values."""
        fw = self.framework
        ratios = {i for i in fw.indicators if fw[i].node.denominator is not None}
        out = _by_key(self.raw, year)
        if self.denominated is not None and ratios:
            for key, v in _by_key(self.denominated, year).items():
                if key[2] in ratios:
                    out[key] = v * fw.display_scale(key[2])
        return out

    @property
    def simulated(self) -> bool:
        return bool(self.record.get("simulated"))

    @property
    def years(self) -> list[int]:
        return sorted(int(y) for y in self.scores["year"].unique())

    @property
    def units(self) -> list[str]:
        return [str(u) for u in self.record.get("units") or self.scores["unit"].unique()]

    def unit_name(self, code: str, lang: str) -> str:
        entry = self.record.get("unit_names", {}).get(code) or {}
        return str(entry.get("zh" if lang == "zh" else "en") or code)

    def title(self, lang: str) -> str:
        title = self.record.get("config", {}).get("title") or {}
        return str(title.get("zh" if lang == "zh" else "en") or self.framework.name("", lang))


def _spec_of(record: dict[str, Any]) -> tuple[ReportSpec, Path | None]:
    """The report block and the geometry it names, read from the config file when it is still
    there (mistakes are then reported with their YAML lines), else from the recorded config."""
    config_path = Path(str(record.get("config_path", "")))
    if config_path.is_file():
        spec = report_spec(config_path)
        return spec, geojson_path(config_path, spec)
    spec = ReportSpec.model_validate(record.get("config", {}).get("report") or {})
    return spec, None if spec.geojson is None else config_path.parent / spec.geojson


def _read_geojson(path: Path, origin: str) -> dict[str, Any]:
    if not path.is_file():
        raise InputError([Problem(origin, f"report.geojson: no map file at {path}")])
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError([Problem(str(path), f"not a GeoJSON file: {exc}")]) from None
    if not isinstance(data, dict) or data.get("type") != "FeatureCollection":
        raise InputError(
            [
                Problem(
                    str(path), "a GeoJSON FeatureCollection was expected (type: FeatureCollection)"
                )
            ]
        )
    return data


def from_results(results: Results, analyses: Analyses | None = None) -> ReportData:
    """Report inputs of a run held in memory (the map is read from the config's report block)
    with the ``analyses`` computed beside it, if any."""
    spec, geo_path = _spec_of(results.record)
    geojson = None
    if geo_path is not None:
        geojson = _read_geojson(geo_path, str(results.record.get("config_path")))
    return ReportData(
        framework=results.framework,
        record=results.record,
        scores=results.scores,
        weights=results.weights,
        raw=results.stage("raw") if "raw" in results.stage_names else _empty_raw(),
        imputed=results.imputed,
        spec=spec,
        geojson=geojson,
        map_name=None if geo_path is None else geo_path.name,
        map_path=geo_path,
        analyses=analyses or Analyses(),
        denominated=results.stage(DENOMINATED) if DENOMINATED in results.stage_names else None,
    )


def write_report_inputs(results: Results, data: ReportData, folder: Path) -> None:
    """Write framework.json, map.geojson and units.csv: what ``from_folder`` needs beyond the
    files of the output folder."""
    (folder / FRAMEWORK_FILE).write_text(
        json.dumps(results.framework.root.model_dump(mode="json"), ensure_ascii=False, indent=1),
        encoding="utf-8",
    )
    if data.geojson is not None and data.map_path is not None:
        shutil.copyfile(data.map_path, folder / MAP_FILE)
    config_path = Path(str(results.record.get("config_path", "")))
    units = results.record.get("config", {}).get("units")
    if units and (config_path.parent / units).is_file():
        write_csv(read_units(config_path.parent / units), folder / UNITS_FILE)


def is_results_folder(folder: Path) -> bool:
    return (folder / "run.json").is_file() and (folder / "scores.csv").is_file()


def from_folder(folder: Path | str) -> ReportData:
    """Read back a folder written by ``kaifang assess``; a clear error if it is not one."""
    folder = Path(folder)
    if not folder.is_dir():
        raise KaifangError(
            f"{folder} is not a folder (expected a results folder of kaifang assess)"
        )
    if not is_results_folder(folder):
        raise KaifangError(
            f"{folder} is not a results folder: run.json and scores.csv are missing "
            f"(write one with: kaifang assess CONFIG -o {folder})"
        )
    if not (folder / FRAMEWORK_FILE).is_file():
        raise KaifangError(
            f"{folder} has no {FRAMEWORK_FILE}: it was written by an older kaifang; "
            "run kaifang assess again to rebuild it"
        )
    try:
        record = json.loads((folder / "run.json").read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError([Problem(str(folder / "run.json"), f"not valid JSON: {exc}")]) from None
    framework = build_framework(
        json.loads((folder / FRAMEWORK_FILE).read_text(encoding="utf-8")),
        str(folder / FRAMEWORK_FILE),
    )
    text = {"unit": "string", "node": "string", "indicator": "string", "parent": "string"}
    scores = read_csv(folder / "scores.csv", dtype={**text, "rank": "Int64"})
    weights = read_csv(folder / "weights.csv", dtype={"node": "string", "parent": "string"})
    weights["parent"] = weights["parent"].fillna("")
    raw_path = folder / "stages" / "raw.csv"
    raw = read_csv(raw_path, dtype=text) if raw_path.is_file() else _empty_raw()
    den_path = folder / "stages" / f"{DENOMINATED}.csv"
    denominated = read_csv(den_path, dtype=text) if den_path.is_file() else None
    imputed_path = folder / "imputed.csv"
    imputed = read_csv(imputed_path, dtype=text) if imputed_path.is_file() else _empty_raw()
    spec = ReportSpec.model_validate(record.get("config", {}).get("report") or {})
    geojson = None
    if spec.geojson is not None:
        geojson = _read_geojson(folder / MAP_FILE, str(folder / "run.json"))
    return ReportData(
        framework=framework,
        record=record,
        scores=scores,
        weights=weights,
        raw=raw,
        imputed=imputed,
        spec=spec,
        geojson=geojson,
        map_name=None if spec.geojson is None else Path(spec.geojson).name,
        map_path=None if spec.geojson is None else folder / MAP_FILE,
        analyses=read_analyses(folder),
        denominated=denominated,
    )


def _by_key(table: pd.DataFrame, year: int | None) -> dict[tuple[str, int, str], float]:
    return {
        (str(u), int(y), str(i)): float(v)
        for u, y, i, v in zip(
            table["unit"].tolist(),
            table["year"].tolist(),
            table["indicator"].tolist(),
            table["value"].tolist(),
            strict=True,
        )
        if year is None or int(y) == year
    }


def _empty_raw() -> pd.DataFrame:
    return pd.DataFrame({"unit": [], "year": [], "indicator": [], "value": []})
