"""The organisation and the calendar in okrctl.yaml: its ``units`` and ``cycles`` lists.

Each entry becomes a model object (``Unit``, ``Cycle``); a duplicate id (C006), a cycle
that ends before it starts (C005), a date that is not a calendar date (S004) and a broken
unit tree (C003, C004) become diagnostics at the place they are written (docs/format.md).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from okrctl.core.codes import make
from okrctl.core.diagnostics import Diagnostic, did_you_mean
from okrctl.core.i18n import msg
from okrctl.core.model import Cycle, Person, Unit
from okrctl.load.configpaths import CONFIG_NAME
from okrctl.load.yamlread import YamlMap


def key_position(node: Any, key: str) -> tuple[int, int]:
    """Where the value of ``key`` is written in the mapping ``node``: (line, column),
    1-based; the node's own position when the key is absent or ``node`` is no mapping."""
    if isinstance(node, YamlMap) and key in node.lc:
        return node.lc[key][2], node.lc[key][3]
    return getattr(node, "line", 1), getattr(node, "column", 1)


def entries(data: YamlMap, key: str) -> list[YamlMap]:
    """The mappings listed under ``key`` in ``data``; other items and a non-list are skipped
    (the schema reports them)."""
    raw = data.get(key)
    return [i for i in raw if isinstance(i, YamlMap)] if isinstance(raw, list) else []


def text(value: Any) -> str | None:
    """``value`` if it is a string, else None."""
    return value if isinstance(value, str) else None


def read_people(data: YamlMap) -> dict[str, Person]:
    """okrctl.yaml's ``people``: id -> ``Person``. A value is the display name, or a
    mapping with ``name`` and chat handles; anything else is skipped (the schema reports
    it)."""
    raw = data.get("people")
    people: dict[str, Person] = {}
    if not isinstance(raw, YamlMap):
        return people
    for pid, value in raw.items():
        if not isinstance(pid, str):
            continue
        if isinstance(value, str):
            people[pid] = Person(pid, value)
        elif isinstance(value, YamlMap):
            handles = {k: v for k, v in value.items() if k != "name" and isinstance(v, str)}
            people[pid] = Person(pid, text(value.get("name")), handles)
    return people


def read_units(data: YamlMap, diagnostics: list[Diagnostic]) -> dict[str, Unit]:
    """The units of okrctl.yaml by id, in the order written. A unit without a string id
    is skipped (the schema reports it); a second unit with the same id is C006, appended to
    ``diagnostics``, and the first one is kept."""
    units: dict[str, Unit] = {}
    for raw in entries(data, "units"):
        uid = raw.get("id")
        if not isinstance(uid, str):
            continue
        if uid in units:
            first = units[uid]
            diagnostics.append(
                make(
                    "C006",
                    CONFIG_NAME,
                    *key_position(raw, "id"),
                    msg(
                        "unit '{uid}' is defined twice (first at line {line})",
                        uid=uid,
                        line=first.line,
                    ),
                )
            )
            continue
        level = raw.get("level")
        unit = Unit(
            id=uid,
            level=level if isinstance(level, str) else "",
            parent=text(raw.get("parent")),
            name=text(raw.get("name")),
            lead=text(raw.get("lead")),
            line=raw.line,
            column=raw.column,
            lc=raw.lc,
        )
        units[uid] = unit
    return units


def read_cycles(data: YamlMap, diagnostics: list[Diagnostic]) -> dict[str, Cycle]:
    """The cycles of okrctl.yaml by id. ``start`` and ``end`` are ISO dates, both inclusive.
    A cycle without an id or a readable date is skipped (a date-like text that is no
    calendar date is S004); a duplicate id is C006 and the first is kept; an end before the
    start is C005 and the cycle is still kept. Findings are appended to ``diagnostics``."""
    cycles: dict[str, Cycle] = {}
    for raw in entries(data, "cycles"):
        cid = raw.get("id")
        start, end = _date(raw.get("start")), _date(raw.get("end"))
        if not isinstance(cid, str) or start is None or end is None:
            for key in ("start", "end"):
                written = raw.get(key)
                if (
                    isinstance(written, str)
                    and _date(written) is None
                    and _looks_like_date(written)
                ):
                    diagnostics.append(
                        make(
                            "S004",
                            CONFIG_NAME,
                            *key_position(raw, key),
                            msg(
                                "`{key}` '{written}' is not a calendar date",
                                key=key,
                                written=written,
                            ),
                        )
                    )
            continue
        if cid in cycles:
            diagnostics.append(
                make(
                    "C006",
                    CONFIG_NAME,
                    *key_position(raw, "id"),
                    msg(
                        "cycle '{cid}' is defined twice (first at line {line})",
                        cid=cid,
                        line=cycles[cid].line,
                    ),
                )
            )
            continue
        if end < start:
            diagnostics.append(
                make(
                    "C005",
                    CONFIG_NAME,
                    *key_position(raw, "end"),
                    msg(
                        "cycle '{cid}' ends ({end}) before it starts ({start})",
                        cid=cid,
                        end=end,
                        start=start,
                    ),
                )
            )
        cycles[cid] = Cycle(cid, start, end, text(raw.get("name")), raw.line, raw.column)
    return cycles


def unit_structure(units: dict[str, Unit], levels: tuple[str, ...]) -> list[Diagnostic]:
    """The C003/C004 findings about the organisation tree ``units`` (by id): a level not
    in ``levels`` (top level first), a parent that is no unit, a parent not above its
    child, and a loop of parents. Each is placed at the unit's ``level`` or ``parent`` key."""
    out: list[Diagnostic] = []
    for unit in units.values():
        if unit.level not in levels:
            line, column = unit.lc.get("level", (unit.line, unit.column, unit.line, unit.column))[
                2:
            ]
            out.append(
                make(
                    "C003",
                    CONFIG_NAME,
                    line,
                    column,
                    msg(
                        "unit '{id}' has level '{level}', which is not one of {value}",
                        id=unit.id,
                        level=unit.level,
                        value=", ".join(levels),
                    ),
                )
            )
        if unit.parent is None:
            continue
        line, column = unit.lc.get("parent", (unit.line, unit.column, unit.line, unit.column))[2:]
        parent = units.get(unit.parent)
        if parent is None:
            out.append(
                make(
                    "C004",
                    CONFIG_NAME,
                    line,
                    column,
                    msg(
                        "unit '{id}' has parent '{parent}', which is not a unit{suggestion}",
                        id=unit.id,
                        parent=unit.parent,
                        suggestion=did_you_mean(unit.parent, units),
                    ),
                )
            )
            continue
        ranked = unit.level in levels and parent.level in levels
        if ranked and levels.index(parent.level) >= levels.index(unit.level):
            out.append(
                make(
                    "C004",
                    CONFIG_NAME,
                    line,
                    column,
                    msg(
                        "unit '{id}' ({level}) has parent '{id2}' at level {level2}, which is not "
                        "above it",
                        id=unit.id,
                        level=unit.level,
                        id2=parent.id,
                        level2=parent.level,
                    ),
                )
            )
        seen = {unit.id}
        current: Unit | None = parent
        while current is not None and current.parent is not None:
            if current.id in seen:
                out.append(
                    make(
                        "C004",
                        CONFIG_NAME,
                        line,
                        column,
                        msg("unit parents form a loop through '{id}'", id=unit.id),
                    )
                )
                break
            seen.add(current.id)
            current = units.get(current.parent)
    return out


def _looks_like_date(text: str) -> bool:
    return len(text) == 10 and text[4] == "-" and text[7] == "-"


def _date(value: Any) -> dt.date | None:
    if not isinstance(value, str):
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        return None
