"""Numbers as a goal file writes them: ``200万``, ``5%``, ``+30%``, ``1.2M``, ``1e6``.

okrctl computes with floats, but where it shows a value from a goal file (``okrctl diff``)
it shows it in the file's own notation: ``target 5% -> 3%``, not ``0.05 -> 0.03``. Goal
records keep, in ``written``, the text of each number whose notation ``plain_text`` would
not reproduce; ``as_written`` rebuilds any number field's written form from it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from okrctl.core.model import KeyResult, Kpi, Scorecard
from okrctl.core.numbers import plain_text
from okrctl.load.fields import NUMBER_ATTRIBUTES
from okrctl.load.yamlread import YamlList, YamlMap

# The number fields of goal records, as `okrctl diff` names them (load/fields.py)
NUMBER_FIELDS = NUMBER_ATTRIBUTES


def keep_text(
    texts: dict[str, str], name: str, node: Any, key: str | int, value: float | None
) -> None:
    """Keep in ``texts[name]`` how the number ``node[key]`` (read as ``value``) is written,
    where ``plain_text(value)`` would show it otherwise."""
    if value is None or not isinstance(node, YamlMap | YamlList):
        return
    source: object = None
    numeric: str | None = None
    if isinstance(node, YamlMap) and isinstance(key, str):
        source, numeric = node.get(key), node.written.get(key)
    elif isinstance(node, YamlList) and isinstance(key, int) and 0 <= key < len(node):
        source, numeric = node[key], node.written.get(key)
    text = source.strip() if isinstance(source, str) else numeric
    if text is not None and text != plain_text(value):
        texts[name] = text


def as_written(record: KeyResult | Kpi | Scorecard, name: str) -> str | None:
    """Number field ``name`` of ``record`` as the goal file writes it (``200万``, ``5%``,
    ``+30%``; a plan or bands in YAML flow style: ``[{date: 2026-11-01, value: 25万}]``,
    ``[[80%, 0.5], [1, 1]]``); None when the field is not a number field or not set."""
    if name not in NUMBER_FIELDS or name not in record._fields:
        return None
    value = getattr(record, name)
    texts = record.written
    if name == "plan":
        points: tuple[tuple[dt.date, float], ...] = value
        return _flow(
            f"{{date: {day.isoformat()}, value: {texts.get(f'plan.{i}', plain_text(v))}}}"
            for i, (day, v) in enumerate(points)
        )
    if name == "bands":
        bands: tuple[tuple[float, float], ...] = value
        return _flow(
            _flow(
                (texts.get(f"bands.{i}.0", plain_text(a)), texts.get(f"bands.{i}.1", plain_text(s)))
            )
            or ""
            for i, (a, s) in enumerate(bands)
        )
    if value is None:
        return None
    return texts.get(name, plain_text(value))


def range_written(record: KeyResult) -> str | None:
    """A range target as written: ``[3, 5K]``."""
    low, high = as_written(record, "low"), as_written(record, "high")
    return None if low is None or high is None else f"[{low}, {high}]"


def _flow(items: Iterable[str]) -> str | None:
    """``[a, b]``; None for no items."""
    items = list(items)
    return f"[{', '.join(items)}]" if items else None
