"""`okrctl fmt`: canonical key order and layout for goal files and okrctl.yaml, comments
kept, written atomically under the file's lock (through a symbolic link to a file inside
the repository; a read-only file, or a link out of the repository, is skipped with the
reason); the loaded model is unchanged by it.

ruamel.yaml's round-trip mode does the editing (it keeps comments, quotes and flow
style); okrctl's own reader vets each file first, so a hostile or broken file is
reported and left alone rather than half-rewritten.
"""

from __future__ import annotations

import difflib
import io
import re
from collections import Counter
from contextlib import nullcontext
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from okrctl.core.fileio import (
    TextStyle,
    WriteError,
    locked,
    read_limited,
    split_style,
    write_atomic,
)
from okrctl.load.config import CONFIG_NAME
from okrctl.load.yamlread import MAX_FILE_BYTES, decode, read_yaml

TOP = ("defaults", "objectives", "kpis", "scorecards")
DEFAULTS = ("cycle", "unit", "owner", "level", "type", "perspective")
OBJECTIVE = (
    "id",
    "title",
    "description",
    "owner",
    "unit",
    "level",
    "cycle",
    "aligns_to",
    "type",
    "perspective",
    "tags",
    "draft",
    "key_results",
)
KEY_RESULT = (
    "id",
    "title",
    "description",
    "owner",
    "metric",
    "where",
    "aggregate",
    "baseline",
    "target",
    "at_least",
    "at_most",
    "milestone",
    "done",
    "weight",
    "unit_label",
    "plan",
    "checkin_every",
    "draft",
)
KPI = (
    "id",
    "title",
    "description",
    "owner",
    "unit",
    "cycle",
    "metric",
    "where",
    "aggregate",
    "period",
    "direction",
    "target",
    "weight",
    "scoring",
    "bands",
    "supports",
    "perspective",
    "balanced_by",
    "unit_label",
    "tags",
    "draft",
)
SCORECARD = (
    "id",
    "title",
    "description",
    "kind",
    "cycle",
    "owner",
    "unit",
    "okr_weight",
    "kpi_weight",
    "objectives",
    "kpis",
    "perspectives",
    "links",
    "draft",
)
CONFIG = (
    "okrctl",
    "org",
    "levels",
    "units",
    "cycles",
    "goals",
    "metrics",
    "checkins",
    "status",
    "scoring",
    "perspectives",
    "rules",
)
UNIT = ("id", "name", "level", "parent", "lead")
CYCLE = ("id", "name", "start", "end")
SOURCE = (
    "name",
    "path",
    "layout",
    "columns",
    "encoding",
    "delimiter",
    "decimal",
    "date_format",
    "stale_after",
)


def _yaml() -> Any:
    from ruamel.yaml import YAML

    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    yaml.width = 4096  # never re-wrap a long title
    yaml.indent(mapping=2, sequence=4, offset=2)
    return yaml


def _reorder(node: Any, order: tuple[str, ...]) -> None:
    """Known keys in ``order``, then the others in their original order."""
    if not hasattr(node, "move_to_end"):
        return
    rest = [k for k in node if k not in order]
    for key in [*(k for k in order if k in node), *rest]:
        node.move_to_end(key)


def _items(node: Any, key: str) -> list[Any]:
    value = node.get(key) if hasattr(node, "get") else None
    return list(value) if isinstance(value, list) else []


def canonical_goals(data: Any) -> None:
    _reorder(data, TOP)
    if hasattr(data, "get") and hasattr(data.get("defaults"), "move_to_end"):
        _reorder(data["defaults"], DEFAULTS)
    for objective in _items(data, "objectives"):
        _reorder(objective, OBJECTIVE)
        for kr in _items(objective, "key_results"):
            _reorder(kr, KEY_RESULT)
            for point in _items(kr, "plan"):
                _reorder(point, ("date", "value"))
    for kpi in _items(data, "kpis"):
        _reorder(kpi, KPI)
        if hasattr(kpi.get("scoring"), "move_to_end"):
            _reorder(kpi["scoring"], ("zero_below", "full_at", "cap"))
    for card in _items(data, "scorecards"):
        _reorder(card, SCORECARD)
        perspectives = card.get("perspectives")
        if hasattr(perspectives, "values"):
            for perspective in perspectives.values():
                _reorder(perspective, ("weight", "title", "measures"))


def canonical_config(data: Any) -> None:
    _reorder(data, CONFIG)
    for unit in _items(data, "units"):
        _reorder(unit, UNIT)
    for cycle in _items(data, "cycles"):
        _reorder(cycle, CYCLE)
    for source in _items(data, "metrics"):
        _reorder(source, SOURCE)
    for key, order in (
        ("status", ("on_track", "at_risk")),
        ("scoring", ("okr_weight", "kpi_weight", "kr_cap", "ratings", "bonus")),
    ):
        if hasattr(data.get(key), "move_to_end"):
            _reorder(data[key], order)


class FormatError(Exception):
    """The file is not formatted because it could not be read safely."""


_UTF8_BOM = b"\xef\xbb\xbf"
_WIDE = (  # as yamlread.decode reads them; UTF-32-LE before the UTF-16-LE it starts with
    (b"\xff\xfe\x00\x00", "UTF-32-LE"),
    (b"\x00\x00\xfe\xff", "UTF-32-BE"),
    (b"\xff\xfe", "UTF-16-LE"),
    (b"\xfe\xff", "UTF-16-BE"),
)


def read_styled(data: bytes) -> tuple[str, TextStyle, str | None]:
    """The text of a YAML file with LF line ends and no BOM, the style to write it back
    in, and the encoding it is converted from (a UTF-16/32 file is written back as UTF-8,
    as git and editors expect); FormatError if it cannot be decoded."""
    text, problems = decode(data)
    if text is None:
        first = problems[0]
        raise FormatError(f"{first.line}:{first.column}: {first.message}")
    plain, style = split_style(text)
    converted = next((name for bom, name in _WIDE if data.startswith(bom)), None)
    return plain, replace(style, bom=data.startswith(_UTF8_BOM)), converted


def _read(data: bytes) -> tuple[str, TextStyle, str | None, bool]:
    """``read_styled``, and whether the file holds a YAML value; FormatError if it has
    YAML errors."""
    value, problems = read_yaml(data)
    fatal = [p for p in problems if p.code.startswith("Y") and p.code not in ("Y010", "Y011")]
    if fatal:
        first = fatal[0]
        raise FormatError(f"{first.line}:{first.column}: {first.message}")
    return (*read_styled(data), value is not None)


def _canonical(text: str, is_config: bool, has_value: bool) -> str:
    """The canonical text of YAML ``text`` (LF line ends, no BOM)."""
    if not has_value:  # empty, or only comments: nothing to order
        return text if text.strip() else ""
    yaml = _yaml()
    document = yaml.load(text)
    (canonical_config if is_config else canonical_goals)(document)
    buffer = io.StringIO()
    yaml.dump(document, buffer)
    return buffer.getvalue()


def format_text(data: bytes, is_config: bool) -> str:
    """The canonical text of a goal file or okrctl.yaml, with LF line ends and no BOM;
    FormatError if it has YAML errors."""
    plain, _, _, has_value = _read(data)
    return _canonical(plain, is_config, has_value)


@dataclass(frozen=True, slots=True)
class Formatted:
    """One file's canonical bytes, and why they differ from the file's."""

    data: bytes
    changed: bool
    style: TextStyle
    reasons: tuple[str, ...] = ()
    first_line: int | None = None  # first line whose text changes (1-based, in the file)
    diff: tuple[str, ...] = ()  # unified diff of the text (line ends aside)


def format_file(path: str, data: bytes, is_config: bool) -> Formatted:
    """Format one file, keeping its line endings (the majority's, when mixed) and BOM."""
    plain, style, converted, has_value = _read(data)
    canonical = _canonical(plain, is_config, has_value)
    out = style.apply(canonical).encode("utf-8")
    if out == data:
        return Formatted(out, False, style)
    reasons = []
    if style.mixed:
        reasons.append(f"{style.describe()}, all {style.name} after")
    if converted:
        reasons.append(f"{converted} text, UTF-8 after")
    before, after = plain.splitlines(), canonical.splitlines()
    reasons += _layout_reasons(before, after)
    first = next(
        (i + 1 for i, (a, b) in enumerate(zip(before, after, strict=False)) if a != b),
        None if before == after else min(len(before), len(after)) + 1,
    )
    diff = tuple(
        difflib.unified_diff(before, after, f"{path}", f"{path} (formatted)", lineterm="", n=2)
    )
    return Formatted(out, True, style, tuple(reasons), first, diff)


_ITEM_START = re.compile(r"^[ \t]*(?:-[ \t]+)*")


def _layout_reasons(before: list[str], after: list[str]) -> list[str]:
    """What kind of change turns ``before`` into ``after``: key order (lines that stay
    come in another order), indentation (they start at another column) and other layout
    (lines that change: quotes, spacing, blank lines, flow style)."""
    if before == after:
        return []

    def content(line: str) -> str:
        return _ITEM_START.sub("", line).rstrip()

    def placed(line: str) -> tuple[int, str]:
        start = _ITEM_START.match(line)
        return (start.end() if start else 0), content(line)

    old, new = Counter(map(content, before)), Counter(map(content, after))
    kept = old & new
    reasons = []
    if [content(x) for x in before if content(x) in kept] != [
        content(x) for x in after if content(x) in kept
    ]:
        reasons.append("key order")
    if Counter(placed(x) for x in before if content(x) in kept) != Counter(
        placed(x) for x in after if content(x) in kept
    ):
        reasons.append("indentation")
    if old != new or not reasons:
        reasons.append("layout")
    return reasons


@dataclass
class FmtResult:
    changed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)
    details: dict[str, Formatted] = field(default_factory=dict)


def format_files(root: Path, paths: list[str], *, check: bool) -> FmtResult:
    """Format ``paths`` (relative to ``root``); with ``check`` only report what would
    change, and why."""
    result = FmtResult()
    for path in paths:
        try:
            # --check writes nothing and takes no lock: it works in a read-only checkout
            with nullcontext() if check else locked([root / path], root=root):
                _format_file(root, path, check, result)
        except WriteError as exc:  # read-only, a link out of the repository, disk full
            result.skipped.append((path, exc.message))
    return result


def _format_file(root: Path, path: str, check: bool, result: FmtResult) -> None:
    """Read, format and (unless ``check``) write one file, under its lock."""
    full = root / path
    try:
        data = read_limited(full, MAX_FILE_BYTES)
    except OSError as exc:
        result.skipped.append((path, f"cannot read: {exc.strerror or exc}"))
        return
    try:
        formatted = format_file(path, data, path == CONFIG_NAME)
    except FormatError as exc:
        result.skipped.append((path, str(exc)))
        return
    if not formatted.changed:
        result.unchanged.append(path)
        return
    if not check:
        write_atomic(full, formatted.data, root=root)
    result.changed.append(path)
    result.details[path] = formatted
