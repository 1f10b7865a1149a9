"""Reading a ledger file: every problem at once, with its YAML line.

The models in :mod:`kaifang.ledger.model` check each record; this module checks what spans
records: ids unique, departments known, milestones and child measures inside their measure's
span, progress reports for known measures and valid periods, and (when the ledger names an
assessment) links to indicators of its framework and to items of its ``targets:`` block.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from pydantic import ValidationError

from kaifang.errors import InputError, Problem
from kaifang.ledger.model import LedgerFile, Measure, period_bounds
from kaifang.yamlio import Location, line_of, pydantic_problems, read_yaml

if TYPE_CHECKING:
    from kaifang.assessment import Assessment


@dataclass(frozen=True)
class FlatMeasure:
    """A measure with its place in the tree: ``number`` is the 序号 (``2.1``), ``depth`` 0 for
    the top level."""

    measure: Measure
    parent: str | None
    number: str
    depth: int
    loc: Location

    @property
    def is_task(self) -> bool:
        """A measure without child measures: the level progress reports are expected at."""
        return not self.measure.children


@dataclass(frozen=True)
class Ledger:
    file: LedgerFile
    path: Path
    measures: tuple[FlatMeasure, ...]
    assessment: Assessment | None = None

    def measure(self, measure_id: str) -> FlatMeasure:
        return next(m for m in self.measures if m.measure.id == measure_id)

    def department_name(self, dep_id: str, lang: str) -> str:
        dep = next(d for d in self.file.departments if d.id == dep_id)
        return dep.name.zh if lang == "zh" else dep.name.en


def flatten(measures: list[Measure]) -> tuple[FlatMeasure, ...]:
    """Depth-first list of the measure tree with 序号 numbers (1, 1.1, 1.2, 2, ...)."""
    out: list[FlatMeasure] = []

    def visit(items: list[Measure], parent: str | None, prefix: str, loc: Location) -> None:
        for i, m in enumerate(items):
            number = f"{prefix}{i + 1}"
            here: Location = (*loc, i)
            out.append(FlatMeasure(m, parent, number, number.count("."), here))
            visit(m.children, m.id, number + ".", (*here, "children"))

    visit(measures, None, "", ("measures",))
    return tuple(out)


def check_ledger(model: LedgerFile, file: str, lines: dict[Location, int]) -> list[Problem]:
    """Problems that span records (the models checked each record)."""
    problems: list[Problem] = []

    def add(loc: Location, message: str) -> None:
        problems.append(Problem(file, message, row=line_of(lines, loc)))

    flat = flatten(model.measures)
    departments = {d.id for d in model.departments}
    seen: dict[str, Location] = {}
    for d_i, dep in enumerate(model.departments):
        if dep.id in seen:
            add(("departments", d_i, "id"), f"department id {dep.id!r} is used twice")
        seen[dep.id] = ("departments", d_i)
    seen = {}
    parents = {f.measure.id: f for f in flat}
    for f in flat:
        m = f.measure
        if m.id in seen:
            add(
                (*f.loc, "id"),
                f"measure id {m.id!r} is used twice (first on line {line_of(lines, seen[m.id])})",
            )
        seen.setdefault(m.id, f.loc)
        for key, dep_id in [("lead", m.lead)] + [("cooperating", c) for c in m.cooperating]:
            if dep_id not in departments:
                add(
                    (*f.loc, key),
                    f"measure {m.id!r}: department {dep_id!r} is not in "
                    f"departments: ({', '.join(sorted(departments))})",
                )
        ms_ids: set[str] = set()
        for k, ms in enumerate(m.milestones):
            if ms.id in ms_ids:
                add(
                    (*f.loc, "milestones", k, "id"),
                    f"measure {m.id!r}: milestone id {ms.id!r} is used twice",
                )
            ms_ids.add(ms.id)
            if not m.start <= ms.due <= m.deadline:
                add(
                    (*f.loc, "milestones", k, "due"),
                    f"measure {m.id!r}: milestone {ms.id!r} "
                    f"is due {ms.due}, outside the measure's span {m.start} to {m.deadline}",
                )
        if f.parent is not None:
            p = parents[f.parent].measure
            if m.start < p.start or m.deadline > p.deadline:
                add(
                    (*f.loc, "start"),
                    f"measure {m.id!r} runs {m.start} to {m.deadline}, "
                    f"outside its parent {p.id!r} ({p.start} to {p.deadline})",
                )
    freq = model.reporting.frequency
    reported: dict[tuple[str, str], int] = {}
    for r_i, rep in enumerate(model.progress):
        loc: Location = ("progress", r_i)
        if rep.measure not in parents:
            add((*loc, "measure"), f"progress report for unknown measure {rep.measure!r}")
            continue
        try:
            period_bounds(rep.period, freq)
        except ValueError as exc:
            add((*loc, "period"), str(exc))
            continue
        pair = (rep.measure, rep.period)
        if pair in reported:
            add(
                loc,
                f"a second progress report of {rep.measure!r} for {rep.period} (the "
                f"first is on line {line_of(lines, ('progress', reported[pair]))})",
            )
        reported[pair] = r_i
    return problems


def check_links(
    model: LedgerFile, assessment: Assessment, file: str, lines: dict[Location, int]
) -> list[Problem]:
    """Links to indicators of the assessment's framework and to its ``targets:`` items."""
    from kaifang.assessment.config import config_block
    from kaifang.steering.models import TargetsBlock

    framework = assessment.inputs.framework
    series = set(framework.series)
    block = config_block(assessment.inputs.config_path, "targets", TargetsBlock)
    targets = {t.id: t for t in block.items} if block else {}
    codes = set(assessment.inputs.units["code"].astype(str))
    if "parent" in assessment.inputs.units:
        codes |= set(assessment.inputs.units["parent"].dropna().astype(str))
    problems: list[Problem] = []
    for f in flatten(model.measures):
        for k, link in enumerate(f.measure.indicators):
            loc: Location = (*f.loc, "indicators", k)
            row = line_of(lines, loc)
            if link.indicator not in series:
                problems.append(
                    Problem(
                        file,
                        f"measure {f.measure.id!r}: {link.indicator!r} "
                        "is not an indicator of the assessment's framework",
                        row=row,
                    )
                )
            if isinstance(link.target, str):
                if link.target not in targets:
                    known = ", ".join(sorted(targets)) or "none: the config has no targets: block"
                    problems.append(
                        Problem(
                            file,
                            f"measure {f.measure.id!r}: target "
                            f"{link.target!r} is not in the assessment's targets "
                            f"({known})",
                            row=row,
                        )
                    )
                elif targets[link.target].indicator != link.indicator:
                    problems.append(
                        Problem(
                            file,
                            f"measure {f.measure.id!r}: target "
                            f"{link.target!r} tracks "
                            f"{targets[link.target].indicator!r}, not "
                            f"{link.indicator!r}",
                            row=row,
                        )
                    )
        for k, code in enumerate(f.measure.regions):
            if code not in codes:
                problems.append(
                    Problem(
                        file,
                        f"measure {f.measure.id!r}: region {code} is not "
                        "a unit (or parent) of the assessment's units table",
                        row=line_of(lines, (*f.loc, "regions", k)),
                    )
                )
    return problems


def load_ledger(path: Path | str, assessment: Assessment | None = None) -> Ledger:
    """Read, validate and cross-check a ledger file (and the assessment it names).

    With ``assessment`` (the ledger block of an assessment config), the links are checked
    against that assessment and the file's own ``assessment:`` key is not read: the report
    shows the measures beside the run it reports on, not beside another one."""
    import kaifang

    path = Path(path)
    data, lines = read_yaml(path)
    if not isinstance(data, dict):
        raise InputError(
            [
                Problem(
                    str(path),
                    "a ledger file is a mapping (title, departments, measures, ...)",
                    row=1,
                )
            ]
        )
    try:
        model = LedgerFile.model_validate(data)
    except ValidationError as exc:
        raise InputError(pydantic_problems(str(path), exc, lines, data=data)) from None
    problems = check_ledger(model, str(path), lines)
    if assessment is None and model.assessment is not None:
        assessment = kaifang.load((path.parent / model.assessment).resolve())
    if assessment is not None:
        problems += check_links(model, assessment, str(path), lines)
    if problems:
        raise InputError(problems)
    return Ledger(model, path, flatten(model.measures), assessment)
