"""The one way okrctl writes JSON: numbers settled, never NaN or Infinity.

Every float is settled to ``progress.SIGNIFICANT_DIGITS`` significant digits (the same
rounding the thresholds are decided on, docs/formulas.md "Exactness"), so a document
shows ``0.59``, not ``0.5900000000000001``; a non-finite number, which JSON cannot hold,
is written as null. ``allow_nan=False`` stays on as the guard.
"""

from __future__ import annotations

import json
import math
from typing import IO, Any

from okrctl.core.progress import settle
from okrctl.core.unsafe import UNSAFE


def clean(value: Any) -> Any:
    """``value`` with every float settled and every non-finite float made None."""
    if isinstance(value, float):
        return settle(value) if math.isfinite(value) else None
    if isinstance(value, dict):
        return {key: clean(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [clean(item) for item in value]
    return value


def dumps(value: Any, *, indent: int | None = None) -> str:
    """JSON text of ``value``: UTF-8 characters kept, except the line separators and bidi
    controls (core/unsafe.py), written as ``\\uNNNN`` so that the document read in a
    terminal or CI log cannot be visually reordered; the value is unchanged."""
    text = json.dumps(clean(value), ensure_ascii=False, indent=indent, allow_nan=False)
    return UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def dump(value: Any, out: IO[str], *, indent: int | None = 2) -> None:
    """Write ``value`` as JSON to ``out``."""
    out.write(dumps(value, indent=indent))
