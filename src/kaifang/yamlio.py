"""YAML reading that remembers where each value was written, so errors can name the line."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from kaifang.errors import InputError, Problem
from kaifang.limits import read_bounded
from kaifang.problem_messages import Local, LocalValueError, local, render_message

Location = tuple[str | int, ...]


# far deeper than any framework tree; bounds the recursion of the walk below
_MAX_DEPTH = 200


class _ReusedNode(Exception):
    """A YAML alias: the composer hands back the anchored node a second time."""

    def __init__(self, anchor_line: int, use_line: int) -> None:
        self.anchor_line, self.use_line = anchor_line, use_line


def _walk(
    node: yaml.Node, path: Location, lines: dict[Location, int], seen: set[int], use_line: int
) -> None:
    # An alias is the same node object met twice; following it would expand a "billion laughs"
    # file exponentially, so the first reuse stops the walk (before anything is constructed).
    if id(node) in seen:
        raise _ReusedNode(node.start_mark.line + 1, use_line)
    if len(path) > _MAX_DEPTH:
        raise RecursionError
    seen.add(id(node))
    lines[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            key = key_node.value
            line = key_node.start_mark.line + 1
            lines[(*path, key)] = line
            _walk(key_node, (*path, key, "<key>"), {}, seen, line)
            _walk(value_node, (*path, key), lines, seen, line)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            _walk(item, (*path, i), lines, seen, item.start_mark.line + 1)


# libyaml's parser when PyYAML was built with it (much faster on large frameworks)
_BaseLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _DuplicateKey(Exception):
    def __init__(self, key: Any, first: int, line: int) -> None:
        self.key, self.first, self.line = key, first, line


class _UniqueKeyLoader(_BaseLoader):  # type: ignore[misc, valid-type]
    """SafeLoader that refuses duplicate keys: a repeated key silently overwrites in plain YAML."""


def _construct_mapping(loader: _UniqueKeyLoader, node: yaml.MappingNode) -> dict[Any, Any]:
    seen: dict[Any, int] = {}
    for key_node, _ in node.value:
        key = loader.construct_object(key_node)
        if key in seen:
            raise _DuplicateKey(key, seen[key], key_node.start_mark.line + 1)
        seen[key] = key_node.start_mark.line + 1
    mapping: dict[Any, Any] = loader.construct_mapping(node)
    return mapping


_UniqueKeyLoader.add_constructor(
    yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG,
    _construct_mapping,
)


# PyYAML's commonest syntax complaints, for the Chinese message (the rest get a generic text).
_SYNTAX_ZH = {
    "mapping values are not allowed": "此处不能出现“键: 值”（缩进或冒号有误？）",
    "could not find expected ':'": "缺少冒号“:”",
    "found character '\\t' that cannot start any token": "含有制表符（YAML 只能用空格缩进）",
    "expected <block end>, but found '-'": "列表项“-”的缩进有误",
    "found undefined alias": "引用了未定义的别名",
    "found unexpected end of stream": "文件意外结束（引号或括号未闭合？）",
    "did not find expected key": "缩进有误：此处应为一个键",
    "found duplicate anchor": "重复的锚点",
}


def _syntax_detail(exc: yaml.MarkedYAMLError) -> Local:
    en = str(exc.problem or exc)
    if exc.context:
        en += f" ({exc.context})"
    problem = str(exc.problem or "")
    zh = next((v for k, v in _SYNTAX_ZH.items() if problem.startswith(k)), "格式不符合 YAML 语法")
    return Local(zh, en)


class _AnchorFound(Exception):
    def __init__(self, kind: str, name: str, line: int) -> None:
        self.kind, self.name, self.line = kind, name, line


def _check_events(text: str) -> None:
    """Refuse anchors, aliases and deep nesting before a node tree is built.

    libyaml's event parser is iterative, but building the node tree recurses (a few thousand
    nested brackets crash the process) and an alias can expand a ten-line file exponentially.
    """
    depth = 0
    for event in yaml.parse(text, Loader=_BaseLoader):
        mark = event.start_mark
        line = mark.line + 1 if mark is not None else 0
        if isinstance(event, yaml.AliasEvent):
            raise _AnchorFound("*", str(event.anchor), line)
        anchor = getattr(event, "anchor", None)
        if anchor is not None:
            raise _AnchorFound("&", str(anchor), line)
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            if depth > _MAX_DEPTH:
                raise RecursionError
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1


def read_yaml(path: Path) -> tuple[Any, dict[Location, int]]:
    """Read a YAML file; return the data and a map from key paths to 1-based line numbers.

    The file must be a regular file within the size limit (:mod:`kaifang.limits`); anchors and
    aliases are refused, so nothing can expand beyond what is written.
    """
    file = str(path)
    raw, problem = read_bounded(Path(path), file)
    if raw is None:
        if problem is not None and problem.key == "is_directory":
            inside = [Path(path) / n for n in ("assessment.yaml", "framework.yaml")]
            found = [p for p in inside if p.is_file()]
            if found:
                problem = Problem.of(file, "is_directory_try", suggestion=str(found[0]))
        raise InputError([problem] if problem else [])
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError([Problem.of(file, "yaml_not_utf8", byte=exc.start)]) from None
    lines: dict[Location, int] = {}
    try:
        # one parse: the node tree gives line numbers, then the same nodes are constructed
        _check_events(text)
        loader = _UniqueKeyLoader(text)
        try:
            root = loader.get_single_node()
            if root is not None:
                _walk(root, (), lines, set(), 1)
            data = loader.construct_document(root) if root is not None else None
        finally:
            loader.dispose()
    except _AnchorFound as exc:
        raise InputError(
            [Problem.of(file, "yaml_anchor", row=exc.line, kind=exc.kind, name=exc.name)]
        ) from None
    except _ReusedNode as exc:
        raise InputError(
            [Problem.of(file, "yaml_anchor", row=exc.use_line, kind="*", name="?")]
        ) from None
    except _DuplicateKey as exc:
        raise InputError(
            [Problem.of(file, "yaml_duplicate_key", row=exc.line, name=exc.key, first=exc.first)]
        ) from None
    except RecursionError:
        raise InputError([Problem.of(file, "yaml_too_deep", depth=_MAX_DEPTH)]) from None
    except yaml.MarkedYAMLError as exc:
        if "nesting depth" in str(exc.problem or ""):
            # PyYAML >= 6.0.4 has a nesting limit of its own, which its scanner may reach before
            # our count of events does: the same refusal, told the same way
            raise InputError([Problem.of(file, "yaml_too_deep", depth=_MAX_DEPTH)]) from None
        mark = exc.problem_mark or exc.context_mark
        row = mark.line + 1 if mark is not None else None
        raise InputError(
            [Problem.of(file, "yaml_syntax", row=row, detail=_syntax_detail(exc))]
        ) from None
    except yaml.YAMLError as exc:
        detail = Local("无法解析", str(exc))
        raise InputError([Problem.of(file, "yaml_error", detail=detail)]) from None
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


_BOUNDS = {
    "greater_than": ">",
    "greater_than_equal": ">=",
    "less_than": "<",
    "less_than_equal": "<=",
}
_KINDS = {
    "float": "v_number",
    "int": "v_integer",
    "string": "v_text",
    "str": "v_text",
    "bool": "v_bool",
    "dict": "v_mapping",
    "model": "v_mapping",
    "list": "v_list",
}


def _validation_text(err: Any) -> Local:
    """What pydantic found wrong, in both languages (pydantic's own text for English)."""
    kind, msg, ctx = str(err["type"]), str(err["msg"]), err.get("ctx") or {}
    if kind == "missing":
        return local("v_missing")
    if kind == "extra_forbidden":
        return local("v_extra")
    if kind == "literal_error":
        expected = str(ctx.get("expected", "")).replace(" or ", " 或 ")
        return local("v_literal", expected=expected, msg=msg)
    error = ctx.get("error")
    if kind == "value_error" and isinstance(error, LocalValueError):
        # pydantic's English keeps its "Value error, " prefix, as before
        return Local(render_message(error.key, "zh", error.params), msg)
    if kind in _BOUNDS:
        limit = next(iter(ctx.values()), "")
        return local("v_bound", op=_BOUNDS[kind], limit=limit, msg=msg)
    stem = kind.split("_", 1)[0]
    return local(_KINDS.get(stem, "v_other"), msg=msg)


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
        where: str | Local = ".".join(str(p) for p in loc if not str(p).startswith("function-"))
        owner = _nearest_id(data, tuple(clean)) if data is not None else None
        if owner:
            where = local("in_node", node=owner, where=where)
        inp = err.get("input")
        found: str | Local = ""
        if err["type"] not in ("missing", "extra_forbidden") and not isinstance(inp, dict | list):
            found = local("found_value", value=inp)
        problems.append(
            Problem.of(
                file,
                "validation",
                row=line_of(lines, tuple(clean)),
                where=where,
                what=_validation_text(err),
                found=found,
            )
        )
    return problems
