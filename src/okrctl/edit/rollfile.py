"""The goal files `okrctl roll` writes: the source file, cut down to what is carried and
edited, with its comments, notation and line endings.

Two steps. ``cut`` removes whole blocks from the source text by line (the goals that stay
behind, reached key results, ``plan``, a dropped ``aligns_to``, KPIs and scorecards), so a
comment goes with the block it sits in and every other comment stays where it was: a
ruamel.yaml deletion would drop the comments it keeps after a deleted node, including the
one above the next carried goal. ruamel.yaml's round-trip mode then edits the values that
change (ids, cycle, baselines, targets); it keeps comments, quotes and flow style.
Anything ``cut`` cannot remove by line (an entry in flow style) is removed there instead.
"""

from __future__ import annotations

import io
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from okrctl.core.errors import UsageError
from okrctl.core.numbers import SUFFIXES
from okrctl.edit.fmt import KEY_RESULT, _yaml

KEEP_TOP = ("defaults", "objectives")
DROP_KR_KEYS = ("plan",)


@dataclass
class Keep:
    """What of one objective is carried: everything but these keys and key results."""

    drop_keys: set[str] = field(default_factory=set)
    drop_krs: set[str] = field(default_factory=set)


# -- notation --------------------------------------------------------------------------------
def style_of(raw: object, percent: bool) -> str:
    """How a value was written: ``%``, a scale suffix (``K``, ``万``...), ``,`` for
    thousands separators, or ``""`` for a plain number."""
    if percent:
        return "%"
    if isinstance(raw, str):
        text = raw.strip()
        if text and text[-1] in SUFFIXES and text[-1]:
            return text[-1]
        if "," in text:
            return ","
    return ""


def _plain(number: Decimal) -> str:
    text = format(number.normalize(), "f")
    return "0" if text in ("-0", "") else text


def written(value: float, style: str) -> int | float | str:
    """``value`` as a person writes it in the notation ``style`` (see ``style_of``):
    130000, 0.5, 87.2%, 130K, 11.8万, 130,000. A suffix is used only where it is exact
    with at most two decimals (1469565 stays 1469565, not 146.9565万)."""
    exact = Decimal(repr(value))
    if style == "%":
        return _plain(round(exact * 100, 4)) + "%"
    if style in SUFFIXES and style:
        scaled = exact / SUFFIXES[style]
        if abs(scaled) >= 1 and scaled == round(scaled, 2):
            return _plain(scaled) + style
    if exact == exact.to_integral_value():
        return f"{int(exact):,}" if style == "," else int(exact)
    return float(round(exact, 6))


# -- step 1: cut by line ---------------------------------------------------------------------
class _CannotCut(Exception):
    """The layout is not one ``cut`` handles; the round-trip step removes the blocks."""


def _content(line: str) -> bool:
    text = line.strip()
    return bool(text) and not text.startswith("#")


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _lead(lines: list[str], start: int, floor: int) -> int:
    """``start`` moved up over the comment lines directly above it (no blank line between)
    that are not indented deeper than it: the comments that introduce it."""
    column = _indent(lines[start])
    i = start
    while i > floor and lines[i - 1].strip().startswith("#") and _indent(lines[i - 1]) <= column:
        i -= 1
    return i


def _block(lines: list[str], start: int, floor: int, item: bool) -> tuple[int, int]:
    """The lines of the sequence item (``item``) or mapping key that starts on ``start``:
    from its introducing comments to the first line of what follows it."""
    column = _indent(lines[start])
    end = len(lines)
    for i in range(start + 1, len(lines)):
        line = lines[i]
        if not _content(line):
            continue
        indent = _indent(line)
        if indent < column or (indent == column and (item or not line.lstrip().startswith("-"))):
            end = _lead(lines, i, start + 1)
            break
    return _lead(lines, start, floor), end


def _key_block(node: Any, key: str, lines: list[str], floor: int) -> tuple[int, int] | None:
    if node.fa.flow_style():
        return None  # inside one line: the round-trip step removes it
    line, column = node.lc.key(key)
    if _indent(lines[line]) != column:
        raise _CannotCut  # the key shares its line with a sequence dash
    return _block(lines, line, floor, item=False)


def _item_block(seq: Any, index: int, lines: list[str], floor: int) -> tuple[int, int] | None:
    if seq.fa.flow_style():
        return None
    line, _ = seq.lc.item(index)
    if not lines[line].lstrip().startswith("-"):
        raise _CannotCut
    return _block(lines, line, floor, item=True)


def _cut_ranges(
    document: Any, lines: list[str], keep: Mapping[str, Keep]
) -> list[tuple[int, int] | None]:
    floor = next((i for i, line in enumerate(lines) if _content(line)), 0)
    ranges = [_key_block(document, key, lines, floor) for key in document if key not in KEEP_TOP]
    objectives = document.get("objectives") or []
    for index, objective in enumerate(objectives):
        carried = keep.get(str(objective.get("id"))) if hasattr(objective, "get") else None
        if carried is None:
            ranges.append(_item_block(objectives, index, lines, floor))
            continue
        ranges.extend(
            _key_block(objective, key, lines, floor)
            for key in carried.drop_keys
            if key in objective
        )
        krs = objective.get("key_results") or []
        for kr_index, kr in enumerate(krs):
            if not hasattr(kr, "get") or str(kr.get("id")) in carried.drop_krs:
                ranges.append(_item_block(krs, kr_index, lines, floor))
            else:
                ranges.extend(
                    _key_block(kr, key, lines, floor) for key in DROP_KR_KEYS if key in kr
                )
    return ranges


def cut(text: str, keep: Mapping[str, Keep], path: str) -> str:
    """``text`` without the blocks that are not carried, comments and all; ``text``
    itself when its layout is not one this handles (the round-trip step then removes
    them)."""
    document = load(text, path)
    lines = text.splitlines(keepends=True)
    try:
        ranges = _cut_ranges(document, lines, keep)
    except (_CannotCut, AttributeError, TypeError):
        return text
    gone: set[int] = set()
    for block in ranges:
        if block is not None:
            gone.update(range(*block))
    return "".join(line for i, line in enumerate(lines) if i not in gone)


# -- step 2: edit values in the round trip ---------------------------------------------------
def load(text: str, path: str) -> Any:
    from ruamel.yaml.error import YAMLError

    try:
        return _yaml().load(text)
    except YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{path}:{mark.line + 1}" if mark is not None else path
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise UsageError(
            f"{where}: cannot be carried: {problem}",
            hint="run `okrctl check` and fix the file first; nothing was written",
        ) from None


def entries(document: Any, key: str) -> list[Any]:
    value = document.get(key) if hasattr(document, "get") else None
    return [e for e in value if hasattr(e, "get")] if isinstance(value, list) else []


def prune(document: Any, keep: Mapping[str, Keep]) -> None:
    """What ``cut`` left (entries in flow style): removed in the round trip."""
    for key in [k for k in document if k not in KEEP_TOP]:
        del document[key]
    objectives = document.get("objectives")
    if not isinstance(objectives, list):
        return
    for index in reversed(range(len(objectives))):
        objective = objectives[index]
        carried = keep.get(str(objective.get("id"))) if hasattr(objective, "get") else None
        if carried is None:
            del objectives[index]
            continue
        for key in carried.drop_keys & set(objective):
            del objective[key]
        krs = objective.get("key_results")
        if "key_results" in objective and not krs:
            from ruamel.yaml.comments import CommentedSeq

            objective["key_results"] = CommentedSeq()
            objective["key_results"].fa.set_flow_style()
        if not isinstance(krs, list):
            continue
        for kr_index in reversed(range(len(krs))):
            kr = krs[kr_index]
            if not hasattr(kr, "get") or str(kr.get("id")) in carried.drop_krs:
                del krs[kr_index]
            else:
                for key in set(DROP_KR_KEYS) & set(kr):
                    del kr[key]


def put(node: Any, key: str, value: Any) -> None:
    """Set ``key``; a new key goes where `okrctl fmt` would put it, comments untouched."""
    if key in node:
        node[key] = value
        return
    order = KEY_RESULT.index(key) if key in KEY_RESULT else len(KEY_RESULT)
    position = len(node)
    for index, existing in enumerate(node):
        if existing in KEY_RESULT and KEY_RESULT.index(existing) > order:
            position = index
            break
    node.insert(position, key, value)


# -- step 3: the file ------------------------------------------------------------------------
_SCHEMA = re.compile(r"(\$schema=)(?![a-zA-Z][a-zA-Z0-9+.-]*:|/)(\S+)")


def _moved_schema(line: str, deeper: int) -> str:
    """A relative ``$schema=`` path in a comment, for a file ``deeper`` folders down."""
    return _SCHEMA.sub(lambda m: m.group(1) + "../" * deeper + m.group(2), line)


def render(document: Any, header: str, deeper: int, crlf: bool) -> str:
    """The file text: ``header``, the document with the relative schema path of its leading
    comments moved ``deeper`` folders, in the line endings of the source."""
    buffer = io.StringIO()
    _yaml().dump(document, buffer)
    lines = buffer.getvalue().splitlines(keepends=True)
    for index, line in enumerate(lines):
        if _content(line):
            break
        lines[index] = _moved_schema(line, deeper)
    text = header + "".join(lines)
    return text.replace("\n", "\r\n") if crlf else text
