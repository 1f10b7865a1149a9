"""YAML reading that remembers where each value was written, so errors can name the line."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from kaifang.errors import InputError, Problem

Location = tuple[str | int, ...]


def _walk(node: yaml.Node, path: Location, lines: dict[Location, int]) -> None:
    lines[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            key = key_node.value
            lines[(*path, key)] = key_node.start_mark.line + 1
            _walk(value_node, (*path, key), lines)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            _walk(item, (*path, i), lines)


# libyaml's parser when PyYAML was built with it (much faster on large frameworks)
_BaseLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _UniqueKeyLoader(_BaseLoader):  # type: ignore[misc, valid-type]
    """SafeLoader that refuses duplicate keys: a repeated key silently overwrites in plain YAML."""


def _construct_mapping(loader: _UniqueKeyLoader, node: yaml.MappingNode) -> dict[Any, Any]:
    seen: dict[Any, int] = {}
    for key_node, _ in node.value:
        key = loader.construct_object(key_node)
        if key in seen:
            raise yaml.constructor.ConstructorError(
                None,
                None,
                f"duplicate key {key!r} (first written on line {seen[key]})",
                key_node.start_mark,
            )
        seen[key] = key_node.start_mark.line + 1
    mapping: dict[Any, Any] = loader.construct_mapping(node)
    return mapping


_UniqueKeyLoader.add_constructor(
    yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG,
    _construct_mapping,
)


def read_yaml(path: Path) -> tuple[Any, dict[Location, int]]:
    """Read a YAML file; return the data and a map from key paths to 1-based line numbers."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise InputError([Problem(str(path), "file not found")]) from None
    except UnicodeDecodeError as exc:
        raise InputError(
            [Problem(str(path), f"not UTF-8 text (byte {exc.start}); save the file as UTF-8")]
        ) from None
    try:
        # one parse: the node tree gives line numbers, then the same nodes are constructed
        loader = _UniqueKeyLoader(text)
        try:
            root = loader.get_single_node()
            data = loader.construct_document(root) if root is not None else None
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        row = mark.line + 1 if mark is not None else None
        msg = f"YAML syntax error: {exc.problem or exc}"
        if exc.context:
            msg += f" ({exc.context})"
        raise InputError([Problem(str(path), msg, row=row)]) from None
    except yaml.YAMLError as exc:
        raise InputError([Problem(str(path), f"YAML error: {exc}")]) from None
    lines: dict[Location, int] = {}
    if root is not None:
        _walk(root, (), lines)
    return data, lines


def line_of(lines: dict[Location, int], loc: Location) -> int | None:
    """The line of the longest known prefix of ``loc``."""
    for end in range(len(loc), -1, -1):
        if loc[:end] in lines:
            return lines[loc[:end]]
    return None


def _nearest_id(data: Any, loc: Location) -> str | None:
    """The ``id`` of the innermost mapping on the path ``loc`` (names the node a problem is in)."""
    found = data.get("id") if isinstance(data, dict) else None
    cur = data
    for part in loc:
        try:
            cur = cur[part]
        except (KeyError, IndexError, TypeError):
            break
        if isinstance(cur, dict) and isinstance(cur.get("id"), str):
            found = cur["id"]
    return found if isinstance(found, str) else None


def pydantic_problems(
    file: str,
    error: Any,
    lines: dict[Location, int],
    prefix: Location = (),
    data: Any = None,
) -> list[Problem]:
    """Turn a pydantic ValidationError into Problems with YAML line numbers."""
    problems = []
    for err in error.errors():
        loc: Location = (*prefix, *err["loc"])
        # pydantic puts union tags and model names into loc; keep the parts the YAML has
        clean: list[str | int] = []
        for part in loc:
            candidate = (*clean, part)
            if candidate in lines or isinstance(part, int):
                clean.append(part)
        where = ".".join(str(p) for p in loc if not str(p).startswith("function-"))
        owner = _nearest_id(data, tuple(clean)) if data is not None else None
        if owner:
            where = f"node {owner!r}, {where}"
        msg = err["msg"]
        if err["type"] == "extra_forbidden":
            msg = "unknown key (check the spelling; unknown keys are never ignored)"
        elif err["type"] == "missing":
            msg = "required key is missing"
        inp = err.get("input")
        found = ""
        if err["type"] not in ("missing", "extra_forbidden") and not isinstance(inp, dict | list):
            found = f"; found {inp!r}"
        problems.append(
            Problem(file, f"{where}: {msg}{found}", row=line_of(lines, tuple(clean)), column=None)
        )
    return problems
