"""`okrctl fmt`: canonical key order and layout for goal files and okrctl.yaml, comments
kept, written atomically; the loaded model is unchanged by it.

ruamel.yaml's round-trip mode does the editing (it keeps comments, quotes and flow
style); okrctl's own reader vets each file first, so a hostile or broken file is
reported and left alone rather than half-rewritten.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from okrctl.config import CONFIG_NAME
from okrctl.fileio import read_limited, write_atomic
from okrctl.yamlread import MAX_FILE_BYTES, read_yaml

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


def format_text(data: bytes, is_config: bool) -> str:
    """The canonical text of a goal file or okrctl.yaml; FormatError if it has YAML errors."""
    value, problems = read_yaml(data)
    fatal = [p for p in problems if p.code.startswith("Y") and p.code not in ("Y010", "Y011")]
    if fatal:
        first = fatal[0]
        raise FormatError(f"{first.line}:{first.column}: {first.message}")
    if value is None:
        return data.decode("utf-8-sig", errors="replace") if data.strip() else ""
    text = (
        data.decode("utf-16")
        if problems and problems[0].code == "Y010"
        else data.decode("utf-8-sig")
    )
    yaml = _yaml()
    document = yaml.load(text)
    (canonical_config if is_config else canonical_goals)(document)
    buffer = io.StringIO()
    yaml.dump(document, buffer)
    return buffer.getvalue()


@dataclass
class FmtResult:
    changed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)


def format_files(root: Path, paths: list[str], *, check: bool) -> FmtResult:
    """Format ``paths`` (relative to ``root``); with ``check`` only report what would
    change."""
    result = FmtResult()
    for path in paths:
        full = root / path
        try:
            data = read_limited(full, MAX_FILE_BYTES)
        except OSError as exc:
            result.skipped.append((path, f"cannot read: {exc.strerror or exc}"))
            continue
        try:
            text = format_text(data, path == CONFIG_NAME)
        except FormatError as exc:
            result.skipped.append((path, str(exc)))
            continue
        if text.encode("utf-8") == data:
            result.unchanged.append(path)
            continue
        result.changed.append(path)
        if not check:
            write_atomic(full, text)
    return result
