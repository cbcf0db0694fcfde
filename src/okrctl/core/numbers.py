"""Numbers as people write them in goal files: ``45%``, ``1,200,000``, ``1.2M``, ``200万``.

The grammar is one regular expression (``NUMBER_PATTERN``) shared with the JSON Schemas,
so editors and ``okrctl check`` accept exactly the same texts. Arithmetic goes through
``Decimal`` so that ``1.2M`` is exactly 1,200,000.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from decimal import Decimal, DecimalException

from okrctl.core.i18n import N_

SUFFIXES: dict[str, Decimal] = {
    "": Decimal(1),
    "k": Decimal(1000),
    "K": Decimal(1000),
    "M": Decimal(10) ** 6,
    "B": Decimal(10) ** 9,
    "万": Decimal(10) ** 4,
    "亿": Decimal(10) ** 8,
}

# sign, digits with optional thousands separators, optional fraction, optional
# exponent, then at most one of: a scale suffix or a percent sign.
_DIGITS = r"(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.[0-9]+)?|\.[0-9]+"
NUMBER_PATTERN = r"^\s*[+-]?(?:" + _DIGITS + r")(?:[eE][+-]?[0-9]+)?\s*(?:[kKMB万亿]|%)?\s*$"
_NUMBER_RE = re.compile(NUMBER_PATTERN)
RELATIVE_PATTERN = r"^\s*[+-](?:" + _DIGITS + r")\s*%\s*$"
_RELATIVE_RE = re.compile(RELATIVE_PATTERN)

NUMBER_HINT = N_(
    "write a plain number (2000000), a percentage (45%), thousands separators "
    "(1,200,000) or a scale suffix (1.2M, 5K, 3B, 200万, 3亿)"
)


# Every number okrctl computes with lies in this range (docs/format.md, "Numbers"):
# larger magnitudes are no business quantity and overflow the arithmetic; smaller
# non-zero ones divide into infinities
MAX_MAGNITUDE = Decimal(10) ** 15
MIN_MAGNITUDE = Decimal(10) ** -9


class NumberError(ValueError):
    """The text is not a number okrctl understands, or lies outside the range okrctl
    computes with (``out_of_range`` then)."""

    def __init__(self, message: str, *, out_of_range: bool = False) -> None:
        super().__init__(message)
        self.out_of_range = out_of_range


def _in_range(number: Decimal, shown: object) -> Decimal:
    magnitude = abs(number)
    if magnitude > MAX_MAGNITUDE or (magnitude and magnitude < MIN_MAGNITUDE):
        text = str(shown)
        if len(text) > 24:
            text = f"{text[:12]}… ({len(text)} characters)"
        raise NumberError(
            f"{text} is out of range: numbers must be 0 or between 1e-9 and 1e15 in size",
            out_of_range=True,
        )
    return number


@dataclass(frozen=True, slots=True)
class Relative:
    """A relative target: ``+30%`` is ``baseline x 1.3``; ``-15%`` is ``baseline x 0.85``."""

    fraction: float

    def apply(self, baseline: float) -> float:
        """The absolute target: ``baseline x (1 + fraction)``, computed in decimal so
        ``100 +30%`` is exactly 130 (docs/formulas.md, "Key-result progress p")."""
        return float(Decimal(repr(baseline)) * (1 + Decimal(repr(self.fraction))))


def is_number_text(text: str) -> bool:
    """True when ``text`` is a number as goal files may write it (``1,200``, ``45%``,
    ``200万``; NUMBER_PATTERN, docs/format.md "How values are read")."""
    return _NUMBER_RE.match(text) is not None


def parse_number(value: object) -> float:
    """A finite float from a YAML number or a number text; ``NumberError`` otherwise."""
    if isinstance(value, bool) or value is None:
        raise NumberError(f"expected a number, got {_describe(value)}")
    if isinstance(value, int):
        return float(_in_range(Decimal(value), value))
    if isinstance(value, float):
        if not math.isfinite(value):
            raise NumberError(f"expected a finite number, got {value}")
        _in_range(Decimal(repr(value)), value)
        return value
    if not isinstance(value, str):
        raise NumberError(f"expected a number, got {_describe(value)}")
    text = value.strip()
    if _NUMBER_RE.match(text) is None:
        raise NumberError(f"'{value}' is not a number")
    return float(_decimal(text))


def parse_target(value: object) -> float | Relative:
    """A target: a number, or a relative change such as ``+30%`` / ``-15%``."""
    if isinstance(value, str) and _RELATIVE_RE.match(value):
        fraction = _decimal(value.strip().lstrip("+"))
        return Relative(float(fraction))
    return parse_number(value)


def is_relative_text(value: object) -> bool:
    """True for a relative target text such as ``+30%`` or ``-15%``."""
    return isinstance(value, str) and _RELATIVE_RE.match(value) is not None


def _decimal(text: str) -> Decimal:
    body = text.replace(",", "").replace(" ", "")
    scale = Decimal(1)
    if body.endswith("%"):
        body, scale = body[:-1], Decimal("0.01")
    elif body and body[-1] in SUFFIXES:
        body, scale = body[:-1], SUFFIXES[body[-1]]
    try:
        number = Decimal(body) * scale
    except DecimalException as exc:  # an exponent beyond Decimal's own range: 1e1000000
        raise NumberError(f"'{text}' is out of range", out_of_range=True) from exc
    if not number.is_finite():  # pragma: no cover - the regex admits no inf/nan
        raise NumberError(f"'{text}' is not a finite number")
    return _in_range(number, f"'{text}'")


def _describe(value: object) -> str:
    if value is None:
        return "nothing (null)"
    if isinstance(value, bool):
        return f"the boolean {str(value).lower()}"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return f"'{value}'"


def describe(value: object) -> str:
    """How a YAML value reads to a user, for messages."""
    return _describe(value)


def plain_text(value: float) -> str:
    """The shortest text YAML reads back as ``value``: ``2000000``, ``0.05``, ``-1.5``.

    Goal records keep the text a number was written in (``200万``, ``5%``, ``1e6``) only
    where it differs from this, so that most records carry no texts at all.
    """
    if value.is_integer() and abs(value) < 1e16:
        return str(int(value))
    return repr(value)


# ``stale_after`` and the like: a whole number of hours, days or weeks, at most 100 years
MAX_DURATION_DAYS = 36_500
_DURATION_RE = re.compile(r"([0-9]+)([hdw])\Z")


def duration_days(text: str) -> float | None:
    """``7d`` -> 7, ``48h`` -> 2, ``2w`` -> 14; None when ``text`` is not a duration or
    longer than ``MAX_DURATION_DAYS`` (such a limit is no limit, and past the calendar)."""
    match = _DURATION_RE.match(text)
    if match is None:
        return None
    amount, unit = match.groups()
    if len(amount) > 9:  # beyond any limit; never turned into a float
        return None
    days = int(amount) * {"h": 1 / 24, "d": 1, "w": 7}[unit]
    return days if days <= MAX_DURATION_DAYS else None
