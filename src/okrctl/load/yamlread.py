"""Read YAML files fast, with YAML 1.2 meaning and the position of every key and value.

libyaml (through PyYAML's C parser) does the scanning and composing; this module turns the
node tree into plain dicts and lists, resolving scalars by the YAML 1.2 core schema (so
``no``, ``on`` and ``2026-01-01`` stay text and ``1.10`` is never read as a version).
Values under keys that hold names and ids (``TEXT_KEYS``) are kept exactly as written.

The work is bounded before it starts: file size, nesting depth and alias expansion
("billion laughs") each have a limit, and crossing one is a problem at a position,
never a crash or a hang.
"""

from __future__ import annotations

import math
import re
from sys import intern
from typing import Any

import yaml
from yaml._yaml import CParser
from yaml.composer import Composer
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from okrctl.core.encodings import looks_like
from okrctl.core.i18n import msg
from okrctl.load.fields import NAME_KEYS
from okrctl.load.yamlproblems import MAX_ALIAS_EXPANSION as MAX_ALIAS_EXPANSION
from okrctl.load.yamlproblems import MAX_DEPTH as MAX_DEPTH
from okrctl.load.yamlproblems import MAX_FILE_BYTES as MAX_FILE_BYTES
from okrctl.load.yamlproblems import ReadProblem as ReadProblem
from okrctl.load.yamlproblems import (
    Stop,
    bad_bom,
    binary,
    line_col,
    not_utf8,
    syntax_problem,
    too_deep,
    wide_text,
)
from okrctl.load.yamlproblems import too_large as too_large
from okrctl.load.yamlscalar import BOOLS, NULLS, resolve_plain
from okrctl.load.yamlscalar import plain_scalar as plain_scalar

# libyaml's composer recurses in C; beyond a few thousand levels it overflows the stack.
# Documents that might nest that deep are composed by the Python composer instead,
# which stops at MAX_DEPTH.
_C_COMPOSE_BOUND = 2000

# Keys whose whole value is names or ids: plain scalars below them are kept as written.
# Goal fields say so in their catalogue row (load/fields.py); these are okrctl.yaml's
# (and "measures", a scorecard perspective's list of ids).
CONFIG_NAME_KEYS = frozenset(
    {"parent", "lead", "org", "name", "levels", "measures", "goals", "path", "checkins", "people"}
)
TEXT_KEYS = NAME_KEYS | CONFIG_NAME_KEYS

_PLAIN = "okrctl:plain"
_STR = "tag:yaml.org,2002:str"


# Shared by every mapping and list without a number written in a YAML number notation,
# so that most of them need no dict of their own; never mutated.
_NO_TEXTS: dict[Any, str] = {}


class YamlMap(dict[str, Any]):
    """A mapping that knows where it came from.

    ``lc[key]`` is ``(key_line, key_column, value_line, value_column)``, 1-based.
    ``written[key]`` is the source text of a value that YAML resolved to a number
    (``1e6``, ``2000000``, ``0.050``), for showing it as the file writes it.
    """

    __slots__ = ("column", "lc", "line", "written")

    def __init__(self) -> None:
        super().__init__()
        self.lc: dict[str, tuple[int, int, int, int]] = {}
        self.line = 0
        self.column = 0
        self.written: dict[str, str] = _NO_TEXTS


class YamlList(list[Any]):
    """A sequence that knows where each item came from: ``lc[i] = (line, column)``;
    ``written[i]`` as for ``YamlMap``."""

    __slots__ = ("column", "lc", "line", "written")

    def __init__(self) -> None:
        super().__init__()
        self.lc: list[tuple[int, int]] = []
        self.line = 0
        self.column = 0
        self.written: dict[int, str] = _NO_TEXTS


def decode(data: bytes) -> tuple[str | None, list[ReadProblem]]:
    """Bytes to text: UTF-8 (with or without BOM), or UTF-16/32 with a BOM (a warning)."""
    if len(data) > MAX_FILE_BYTES:
        return None, [too_large(len(data))]
    problems: list[ReadProblem] = []
    for bom, codec in (
        (b"\xff\xfe\x00\x00", "utf-32-le"),
        (b"\x00\x00\xfe\xff", "utf-32-be"),
        (b"\xff\xfe", "utf-16-le"),
        (b"\xfe\xff", "utf-16-be"),
    ):
        if data.startswith(bom):
            try:
                text = data[len(bom) :].decode(codec)
            except UnicodeDecodeError as exc:
                return None, [bad_bom(codec, exc.reason)]
            problems.append(wide_text(codec))
            return _check_text(text, problems)
    if b"\x00" in data:
        offset = data.index(b"\x00")
        line, column = _line_col_of_byte(data, offset)
        return None, [binary(line, column)]
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line, column = _line_col_of_byte(data, exc.start)
        return None, [not_utf8(data[exc.start], line, column, looks_like(data, "utf-8"))]
    return _check_text(text, problems)


def _check_text(text: str, problems: list[ReadProblem]) -> tuple[str | None, list[ReadProblem]]:
    if "\x00" in text:
        line, column = line_col(text, text.index("\x00"))
        problems.append(ReadProblem("Y005", "file holds a NUL character", line, column))
        return None, problems
    return text, problems


def _line_col_of_byte(data: bytes, offset: int) -> tuple[int, int]:
    line = data.count(b"\n", 0, offset) + 1
    start = data.rfind(b"\n", 0, offset) + 1
    column = len(data[start:offset].decode("utf-8", errors="replace")) + 1
    return line, column


def read_yaml(data: bytes) -> tuple[Any, list[ReadProblem]]:
    """Parse one YAML document. Returns ``(value or None, problems)``.

    The value is None when the file is empty or a fatal problem was found.
    """
    text, problems = decode(data)
    if text is None:
        return None, problems
    try:
        node = _compose(text)
        if node is None:
            return None, problems
        builder = _Builder(text)
        value = builder.build(node)
    except Stop as stop:
        return None, [*problems, stop.problem]
    except yaml.YAMLError as exc:
        return None, [*problems, library_problem(exc, text)]
    return value, [*problems, *builder.problems]


def library_problem(exc: yaml.YAMLError, text: str) -> ReadProblem:
    """The one place where a PyYAML/libyaml error becomes an okrctl problem.

    The code depends on the kind of fault, never on the library's release: libyaml 0.2.6
    (PyYAML 6.0.2+) refuses nesting past 1,000 levels by itself, older releases do not, so
    its "maximum nesting depth" error is Y006 at the same position okrctl's own limit
    (``MAX_DEPTH``) gives; a character YAML forbids is Y001 at that character; every other
    marked error is Y001 (syntax) with a hint where one is known.
    """
    if isinstance(exc, yaml.reader.ReaderError):
        # libyaml counts the position in bytes of the UTF-8 text, not in characters
        offset = len(text.encode("utf-8")[: exc.position].decode("utf-8", errors="ignore"))
        line, column = line_col(text, max(0, min(offset, len(text))))
        character = exc.character
        code = ord(character) if isinstance(character, str) else int(character)
        return ReadProblem(
            "Y001",
            msg("character U+{code:04X} is not allowed in YAML", code=code),
            line,
            column,
            msg("remove the control character"),
        )
    if isinstance(exc, yaml.MarkedYAMLError):
        if "maximum nesting depth" in (exc.problem or ""):
            return _nesting_problem(exc, text)
        return syntax_problem(exc, text)
    return ReadProblem("Y001", f"invalid YAML: {exc}", 1, 1)  # pragma: no cover


def _nesting_problem(exc: yaml.MarkedYAMLError, text: str) -> ReadProblem:
    """libyaml stopped at its own depth limit: compose the text up to that point with
    okrctl's depth-limited composer, which stops at ``MAX_DEPTH`` where it always would."""
    mark = exc.problem_mark
    end = mark.index if mark is not None else len(text)
    loader = _EventLoader(text[:end])
    try:
        loader.get_single_node()
    except Stop as stop:
        return stop.problem
    except yaml.YAMLError:
        pass  # the cut-off text ends mid-document: no deeper level was seen before it
    finally:
        loader.dispose()
    line = mark.line + 1 if mark is not None else 1
    column = mark.column + 1 if mark is not None else 1
    return too_deep(line, column)


def _nesting_bound(text: str) -> int:
    """An upper bound on how deep the document can nest, from cheap counts."""
    indicators = (
        text.count("[")
        + text.count("{")
        + text.count("- ")
        + text.count("-\n")
        + text.count("-\r")
        + text.count("-\t")
        + text.count("?")
    )
    indents = re.findall(r"(?m)^[ \t]+", text)
    widest = max(map(len, indents), default=0)
    return indicators + 2 * (widest + 1) + 4


class _Resolver(yaml.resolver.BaseResolver):
    """Leave plain scalars unresolved; ``_Builder`` gives them YAML 1.2 core meaning."""

    def resolve(self, kind: Any, value: Any, implicit: Any) -> str:
        if kind is ScalarNode:
            return _PLAIN if implicit[0] else _STR
        if kind is SequenceNode:
            return "tag:yaml.org,2002:seq"
        return "tag:yaml.org,2002:map"


class _CLoader(CParser, _Resolver):
    def __init__(self, text: str) -> None:
        CParser.__init__(self, text)
        _Resolver.__init__(self)


class _DepthLimitedComposer(Composer):
    depth = 0

    def compose_node(self, parent: Node | None, index: Any) -> Node | None:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            event = self.peek_event()  # type: ignore[attr-defined]
            mark = event.start_mark
            raise Stop(too_deep(mark.line + 1, mark.column + 1))
        try:
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1


class _EventLoader(_DepthLimitedComposer, CParser, _Resolver):
    def __init__(self, text: str) -> None:
        CParser.__init__(self, text)
        _DepthLimitedComposer.__init__(self)
        _Resolver.__init__(self)


def _compose(text: str) -> Node | None:
    safe_for_c = _nesting_bound(text) <= _C_COMPOSE_BOUND
    loader: Any = _CLoader(text) if safe_for_c else _EventLoader(text)
    try:
        return loader.get_single_node()  # type: ignore[no-any-return]
    finally:
        loader.dispose()


def _anchor_at(text: str, line: int, column: int) -> str:
    """The anchor (``&name``) written at a node's start, 0-based line and column."""
    lines = text.split("\n", line + 1)
    found = re.match(r"&[^\s,\[\]{}]+", lines[line][column:]) if line < len(lines) else None
    return found.group(0) if found else "(an anchor)"


class _Builder:
    """Node tree to plain values with positions, YAML 1.2 core scalars, bounded aliases."""

    def __init__(self, text: str = "") -> None:
        self.text = text
        self.problems: list[ReadProblem] = []
        self._built: dict[int, Any] = {}
        self._sizes: dict[int, int] = {}
        self._expanded = 0

    def build(self, node: Node) -> Any:
        return self._value(node, 1, False)

    def _value(self, node: Node, depth: int, text: bool) -> Any:
        if depth > MAX_DEPTH:
            raise Stop(too_deep(node.start_mark.line + 1, node.start_mark.column + 1))
        if isinstance(node, ScalarNode):
            return self._scalar(node, text)
        key = id(node)
        if key in self._built:
            self._expanded += self._size(node)
            if self._expanded > MAX_ALIAS_EXPANSION:
                # an alias is composed into the anchored node itself: the place to name
                # is the anchor whose copies overflow
                anchor = _anchor_at(self.text, node.start_mark.line, node.start_mark.column)
                raise Stop(
                    ReadProblem(
                        "Y007",
                        msg(
                            "aliases of the anchor {anchor} expand to more than {limit} nodes",
                            anchor=anchor,
                            limit=f"{MAX_ALIAS_EXPANSION:,}",
                        ),
                        node.start_mark.line + 1,
                        node.start_mark.column + 1,
                        msg("write the values out instead of nesting aliases"),
                    )
                )
            return self._built[key]
        self._check_tag(node, ("tag:yaml.org,2002:seq", "tag:yaml.org,2002:map"))
        if isinstance(node, MappingNode):
            result: Any = self._mapping(node, depth, text)
        else:
            assert isinstance(node, SequenceNode)
            result = self._sequence(node, depth, text)
        self._built[key] = result
        return result

    def _mapping(self, node: MappingNode, depth: int, text: bool) -> YamlMap:
        result = YamlMap()
        result.line = node.start_mark.line + 1
        result.column = node.start_mark.column + 1
        lc = result.lc
        for key_node, value_node in node.value:
            kline = key_node.start_mark.line + 1
            kcol = key_node.start_mark.column + 1
            if not isinstance(key_node, ScalarNode):
                self.problems.append(
                    ReadProblem(
                        "Y009",
                        msg("keys must be plain text, not lists or mappings"),
                        kline,
                        kcol,
                    )
                )
                continue
            key = intern(key_node.value)
            if key in lc:
                first = lc[key]
                self.problems.append(
                    ReadProblem(
                        "Y002",
                        msg(
                            "duplicate key '{key}' (first at line {line}, column {column}); "
                            "YAML keeps only one of them",
                            key=key,
                            line=first[0],
                            column=first[1],
                        ),
                        kline,
                        kcol,
                        msg("remove or rename one of the two"),
                    )
                )
                continue
            value = result[key] = self._value(value_node, depth + 1, text or key in TEXT_KEYS)
            if type(value) in (int, float) and isinstance(value_node, ScalarNode):
                if result.written is _NO_TEXTS:
                    result.written = {}
                result.written[key] = value_node.value
            lc[key] = (
                kline,
                kcol,
                value_node.start_mark.line + 1,
                value_node.start_mark.column + 1,
            )
        return result

    def _sequence(self, node: SequenceNode, depth: int, text: bool) -> YamlList:
        result = YamlList()
        result.line = node.start_mark.line + 1
        result.column = node.start_mark.column + 1
        lc = result.lc
        for index, item in enumerate(node.value):
            value = self._value(item, depth + 1, text)
            result.append(value)
            if type(value) in (int, float) and isinstance(item, ScalarNode):
                if result.written is _NO_TEXTS:
                    result.written = {}
                result.written[index] = item.value
            lc.append((item.start_mark.line + 1, item.start_mark.column + 1))
        return result

    def _scalar(self, node: ScalarNode, text: bool) -> Any:
        tag = node.tag
        value: str = node.value
        if tag == _PLAIN:
            if text:
                return None if value in NULLS else value
            resolved = resolve_plain(value)
            if isinstance(resolved, float) and not math.isfinite(resolved):
                self._problem(
                    node,
                    "S001",
                    msg("'{text}' is not a finite number", text=value),
                    msg("okrctl computes with finite numbers only; write the value out"),
                )
            return resolved
        if tag == _STR or tag == "!":
            return value
        if tag == "tag:yaml.org,2002:null" and value in NULLS:
            return None
        if tag == "tag:yaml.org,2002:bool" and value in BOOLS:
            return BOOLS[value]
        if tag in ("tag:yaml.org,2002:int", "tag:yaml.org,2002:float"):
            resolved = resolve_plain(value)
            if isinstance(resolved, int | float) and not isinstance(resolved, bool):
                return float(resolved) if tag.endswith("float") else resolved
        self._problem(
            node,
            "Y008",
            msg("tag {tag} on '{value}' is not supported here", tag=tag, value=value),
            msg("remove the tag; quote the value if it must stay text"),
        )
        return value

    def _problem(self, node: Node, code: str, message: str, hint: str) -> None:
        mark = node.start_mark
        self.problems.append(ReadProblem(code, message, mark.line + 1, mark.column + 1, hint))

    def _check_tag(self, node: Node, allowed: tuple[str, ...]) -> None:
        if node.tag not in allowed:
            self._problem(node, "Y008", f"tag {node.tag} is not supported", "remove the tag")

    def _size(self, node: Node) -> int:
        key = id(node)
        if key not in self._sizes:
            total = 0
            stack = [node]
            while stack:
                current = stack.pop()
                total += 1
                if isinstance(current, MappingNode):
                    for k, v in current.value:
                        stack.append(k)
                        stack.append(v)
                elif isinstance(current, SequenceNode):
                    stack.extend(current.value)
                if total > MAX_ALIAS_EXPANSION:
                    break
            self._sizes[key] = total
        return self._sizes[key]
