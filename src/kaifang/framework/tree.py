"""The indicator tree: validated framework with the lookups the pipeline needs."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from kaifang.errors import InputError, Problem
from kaifang.framework.model import Auxiliary, FrameworkFile, Node
from kaifang.framework.units import unit_zh
from kaifang.yamlio import Location, line_of, pydantic_problems, read_yaml


@dataclass(frozen=True)
class TreeNode:
    """One node with its place in the tree (level 0 = root)."""

    node: Node
    parent: str | None
    level: int
    children: tuple[str, ...]
    location: Location

    @property
    def id(self) -> str:
        return self.node.id

    @property
    def is_indicator(self) -> bool:
        return not self.children


@dataclass(frozen=True)
class Framework:
    """A validated indicator tree.

    ``nodes`` is in depth-first order (root first); ``indicators`` are the leaves in file order.
    """

    root: FrameworkFile
    nodes: dict[str, TreeNode]
    auxiliary: dict[str, Auxiliary] = field(default_factory=dict)
    path: str = "framework.yaml"

    @property
    def root_id(self) -> str:
        return self.root.id

    @property
    def indicators(self) -> list[str]:
        return [i for i, n in self.nodes.items() if n.is_indicator]

    @property
    def branches(self) -> list[str]:
        return [i for i, n in self.nodes.items() if not n.is_indicator]

    @property
    def series(self) -> list[str]:
        """Every data series the framework reads: indicators and auxiliary series."""
        return self.indicators + list(self.auxiliary)

    @property
    def depth(self) -> int:
        return max(n.level for n in self.nodes.values())

    def __getitem__(self, node_id: str) -> TreeNode:
        return self.nodes[node_id]

    def leaves_under(self, node_id: str) -> list[str]:
        node = self.nodes[node_id]
        if node.is_indicator:
            return [node_id]
        return [leaf for child in node.children for leaf in self.leaves_under(child)]

    def bottom_up(self) -> Iterator[TreeNode]:
        """Branch nodes, deepest first, so every child is computed before its parent."""
        yield from sorted(
            (n for n in self.nodes.values() if not n.is_indicator), key=lambda n: -n.level
        )

    def name(self, node_id: str, lang: str = "en") -> str:
        if node_id in self.nodes:
            nm = self.nodes[node_id].node.name
        elif node_id in self.auxiliary:
            nm = self.auxiliary[node_id].name
        else:
            return node_id
        return nm.zh if lang == "zh" else nm.en

    def unit(self, series: str, lang: str = "en") -> str:
        """The unit of a series' raw values in ``lang`` ('' when none is given)."""
        if series in self.nodes:
            item: Node | Auxiliary = self.nodes[series].node
        elif series in self.auxiliary:
            item = self.auxiliary[series]
        else:
            return ""
        if item.unit is None:
            return ""
        if lang != "zh":
            return item.unit
        return item.unit_zh or unit_zh(item.unit)

    def display_scale(self, indicator: str) -> float:
        """The factor from the denominated value to the value shown (1 without one)."""
        node = self.nodes[indicator].node
        return 1.0 if node.display_scale is None else float(node.display_scale)

    def display_unit(self, indicator: str, lang: str = "en") -> str:
        """The unit of the value an indicator is shown in: its ``display_unit`` for a ratio (else
        numerator unit per denominator unit), its raw unit otherwise."""
        node = self.nodes[indicator].node
        if node.denominator is None:
            return self.unit(indicator, lang)
        if node.display_unit is not None:
            return node.display_unit.zh if lang == "zh" else node.display_unit.en
        top, bottom = self.unit(indicator, lang), self.unit(node.denominator, lang)
        name = self.name(node.denominator, lang)
        if lang == "zh":
            bottom = bottom or name
            return f"{top}/{bottom}" if top else f"÷{bottom}"
        # "TWh per Unit of Energy consumption": a bare unit of the denominator says too little
        bottom = f"{bottom} of {name}" if bottom else name
        return f"{top} per {bottom}" if top else f"per {bottom}"


def _index(root: FrameworkFile) -> tuple[dict[str, TreeNode], list[tuple[str, Location]]]:
    nodes: dict[str, TreeNode] = {}
    duplicates: list[tuple[str, Location]] = []

    def visit(node: Node, parent: str | None, level: int, loc: Location) -> None:
        if node.id in nodes:
            duplicates.append((node.id, loc))
        children = tuple(c.id for c in node.children or ())
        nodes.setdefault(node.id, TreeNode(node, parent, level, children, loc))
        for i, child in enumerate(node.children or ()):
            visit(child, node.id, level + 1, (*loc, "children", i))

    visit(root, None, 0, ())
    return nodes, duplicates


def build_framework(data: Any, file: str, lines: dict[Location, int] | None = None) -> Framework:
    """Validate a framework given as nested dicts (from YAML or a COINr iMeta table)."""
    lines = lines or {}
    if not isinstance(data, dict):
        raise InputError([Problem.of(file, "framework_not_mapping")])
    try:
        root = FrameworkFile.model_validate(data)
    except ValidationError as exc:
        raise InputError(pydantic_problems(file, exc, lines, data=data)) from None
    nodes, duplicates = _index(root)
    problems = [
        Problem.of(file, "duplicate_id", row=line_of(lines, loc), node=node_id)
        for node_id, loc in duplicates
    ]
    auxiliary: dict[str, Auxiliary] = {}
    for i, aux in enumerate(root.auxiliary):
        if aux.id in nodes or aux.id in auxiliary:
            problems.append(
                Problem.of(
                    file, "auxiliary_reuses_id", row=line_of(lines, ("auxiliary", i)), node=aux.id
                )
            )
        auxiliary[aux.id] = aux
    series = {i for i, n in nodes.items() if n.is_indicator} | set(auxiliary)
    for node_id, tn in nodes.items():
        nd = tn.node
        if nd.denominator is not None:
            if nd.denominator == node_id:
                problems.append(
                    Problem.of(
                        file,
                        "own_denominator",
                        row=line_of(lines, (*tn.location, "denominator")),
                        node=node_id,
                    )
                )
            elif nd.denominator not in series:
                problems.append(
                    Problem.of(
                        file,
                        "unknown_denominator",
                        row=line_of(lines, (*tn.location, "denominator")),
                        node=node_id,
                        denominator=nd.denominator,
                        known=sorted(series),
                    )
                )
        growth = nd.derive.growth if nd.derive is not None else None
        if growth is not None and (growth not in series or growth == node_id):
            problems.append(
                Problem.of(
                    file,
                    "unknown_growth",
                    row=line_of(lines, (*tn.location, "derive")),
                    node=node_id,
                    growth=growth,
                )
            )
    if nodes[root.id].is_indicator:
        problems.append(Problem.of(file, "root_without_children"))
    if problems:
        raise InputError(problems)
    return Framework(root=root, nodes=nodes, auxiliary=auxiliary, path=file)


def load_framework(path: Path) -> Framework:
    """Read and validate ``framework.yaml``; every problem is reported with its line."""
    data, lines = read_yaml(path)
    return build_framework(data, str(path), lines)
