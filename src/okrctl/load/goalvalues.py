"""Single field values of a goal file, read leniently: a value of the wrong shape
becomes an empty or missing one here, because the schema already reports it (S001).
Numbers are read as docs/format.md describes (``40%`` is the fraction 0.4).
"""

from __future__ import annotations

from typing import Any

from okrctl.core.model import Where
from okrctl.core.numbers import NumberError, is_relative_text, parse_number
from okrctl.load.yamlread import YamlMap


def written_as_percent(raw: YamlMap, keys: tuple[str, ...]) -> bool:
    """Whether the values were written as percentages (``90%``) or labelled so."""
    if raw.get("unit_label") == "%":
        return True
    for key in keys:
        value = raw.get(key)
        texts = value if isinstance(value, list) else [value]
        if any(
            isinstance(t, str) and t.strip().endswith("%") and not is_relative_text(t)
            for t in texts
        ):
            return True
    return False


def mapping(value: Any) -> dict[str, Any]:
    """A mapping value, or an empty one: the schema reports any other shape."""
    return value if isinstance(value, dict) else {}


def items(value: Any) -> list[Any]:
    """A list value, or no items: the schema reports any other shape (S001)."""
    return value if isinstance(value, list) else []


def text(value: Any) -> str | None:
    """A non-empty string value, else None."""
    return value if isinstance(value, str) and value else None


def flag(value: Any) -> bool:
    """True only for a YAML ``true``; anything else (the schema reports it) is False."""
    return value is True


def number(value: Any) -> float | None:
    """A number as okrctl reads it (``40%`` is 0.4, ``1.2M`` is 1200000; docs/format.md),
    or None for a value that is not one (the schema reports it)."""
    try:
        return parse_number(value)
    except NumberError:
        return None


def entries(data: YamlMap, key: str) -> list[YamlMap]:
    """The mappings with a string ``id`` listed under ``key``; others are skipped (the
    schema reports them)."""
    raw = data.get(key)
    if not isinstance(raw, list):
        return []
    return [item for item in raw if isinstance(item, YamlMap) and isinstance(item.get("id"), str)]


def where(value: Any) -> Where:
    """A metric filter as ((column, (value, ...)), ...), in the order written; a single
    value is a one-item tuple and non-text items of a list are dropped."""
    if not isinstance(value, dict):
        return ()
    pairs: list[tuple[str, tuple[str, ...]]] = []
    for column, wanted in value.items():
        if isinstance(wanted, str):
            pairs.append((column, (wanted,)))
        elif isinstance(wanted, list):
            pairs.append((column, tuple(str(w) for w in wanted if isinstance(w, str))))
    return tuple(pairs)
