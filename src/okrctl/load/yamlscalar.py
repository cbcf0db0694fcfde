"""What a plain (unquoted) YAML scalar means, by the YAML 1.2 core schema.

``null``/``~``/empty is None; ``true``/``false`` (three spellings each) are booleans;
decimal, ``0o`` and ``0x`` integers and decimal floats (``1e3``, ``.5``, ``.inf``,
``.nan``) are numbers; everything else, including YAML 1.1's ``no``, ``on`` and dates,
stays text (docs/format.md).
"""

from __future__ import annotations

import re
from typing import Any

NULLS = frozenset({"", "~", "null", "Null", "NULL"})
BOOLS = {
    "true": True,
    "True": True,
    "TRUE": True,
    "false": False,
    "False": False,
    "FALSE": False,
}
_INT_RE = re.compile(r"[-+]?[0-9]+\Z")
_FLOAT_RE = re.compile(r"[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?\Z")
_SPECIAL_FLOATS = {
    ".inf": float("inf"),
    ".Inf": float("inf"),
    ".INF": float("inf"),
    "+.inf": float("inf"),
    "+.Inf": float("inf"),
    "+.INF": float("inf"),
    "-.inf": float("-inf"),
    "-.Inf": float("-inf"),
    "-.INF": float("-inf"),
    ".nan": float("nan"),
    ".NaN": float("nan"),
    ".NAN": float("nan"),
}
_NUMERIC_START = frozenset("0123456789+-.")


def plain_scalar(text: str) -> Any:
    """What ``text`` means written as a plain (unquoted) scalar: ``1e3`` is a number."""
    return resolve_plain(text)


def resolve_plain(value: str) -> Any:
    """YAML 1.2 core schema: null, bool, int (decimal, 0o, 0x), float, else text."""
    if value in NULLS:
        return None
    first = value[0]
    if first in "tTfF" and value in BOOLS:
        return BOOLS[value]
    if first not in _NUMERIC_START:
        return value
    if _INT_RE.match(value):
        return int(value)
    if _FLOAT_RE.match(value):
        return float(value)
    if value in _SPECIAL_FLOATS:
        return _SPECIAL_FLOATS[value]
    if value.startswith("0o") and re.fullmatch(r"0o[0-7]+", value):
        return int(value[2:], 8)
    if value.startswith("0x") and re.fullmatch(r"0x[0-9a-fA-F]+", value):
        return int(value[2:], 16)
    return value
