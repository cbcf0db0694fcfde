"""Numbers shown to people: 1.80M, 500K, 88.0%, 34 元 (English) or 180万 (Chinese), with the
digits that tell values apart. Pure formatting, used by the report model and every renderer."""

from __future__ import annotations

import math
from collections.abc import Sequence

# (from this size, divide by, suffix)
_SCALES_EN = ((1e9, 1e9, "B"), (1e6, 1e6, "M"), (1e4, 1e3, "K"))
_SCALES_ZH = ((1e8, 1e8, "亿"), (1e4, 1e4, "万"))


def scale_for(value: float | None, lang: str = "en") -> tuple[float, str]:
    """The divisor and suffix that suit ``value``: 2,000,000 -> (1e6, 'M')."""
    if value is None or not math.isfinite(value):
        return 1.0, ""
    for threshold, size, suffix in _SCALES_ZH if lang == "zh" else _SCALES_EN:
        if abs(value) >= threshold:
            return size, suffix
    return 1.0, ""


def _one(value: float | None, percent: bool, scale: tuple[float, str], decimals: int) -> str:
    if value is None:
        return "—"
    if not math.isfinite(value):
        return "∞" if value > 0 else "-∞"
    if percent:
        return f"{value * 100:.{decimals - 1}f}%"
    size, suffix = scale
    if suffix:
        return f"{value / size:.{decimals}f}{suffix}"
    if float(value).is_integer():
        return f"{value:,.0f}"
    return f"{value:,.{decimals}f}"


def numbers(
    values: Sequence[float | None],
    *,
    percent: bool = False,
    scale: tuple[float, str] | None = None,
    lang: str = "en",
) -> list[str]:
    """Several values shown side by side, in one scale (``scale_for`` of the first known
    value unless given), with the fewest decimals (2, or 1 for percentages, up to 6) at
    which values that differ also look different: a current value of 1.004M never prints
    as the baseline's 1.00M."""
    known = [v for v in values if v is not None and math.isfinite(v)]
    if scale is None:
        scale = scale_for(known[0] if known else None, lang)
    for decimals in range(2, 7):
        shown = [_one(v, percent, scale, decimals) for v in values]
        if _distinct(known, [_one(v, percent, scale, decimals) for v in known]):
            return shown
    return shown


def _distinct(values: list[float], shown: list[str]) -> bool:
    text_of: dict[str, float] = {}
    for value, text in zip(values, shown, strict=True):
        if text in text_of and text_of[text] != value:
            return False
        text_of[text] = value
    return True


def number(
    value: float | None,
    *,
    percent: bool = False,
    scale: tuple[float, str] | None = None,
    lang: str = "en",
) -> str:
    """One value; ``scale`` from ``scale_for`` keeps a pair of values in the same unit."""
    return numbers([value], percent=percent, scale=scale, lang=lang)[0]


def pair(
    current: float | None,
    target: float | None,
    *,
    percent: bool = False,
    unit_label: str | None = None,
    lang: str = "en",
) -> str:
    """``1.80M / 2.00M users``: both in the target's scale, told apart when they differ."""
    if current is None and target is None:
        return ""
    scale = scale_for(target if target is not None else current, lang)
    shown = numbers([current, target], percent=percent, scale=scale, lang=lang)
    text = f"{shown[0]} / {shown[1]}"
    if unit_label and unit_label != "%" and not percent:
        text += f" {unit_label}"
    return text


def percents(values: Sequence[float | None]) -> list[str]:
    """Fractions as whole percentages (0.53 -> 53%), with decimals only where rounding
    would mislead: where two different values would look equal, or a value that is not
    exactly 0 or 1 would print as 0% or 100% (0.996 is 99.6%, not 100%)."""
    known = [v for v in values if v is not None and math.isfinite(v)]
    for decimals in range(0, 5):
        shown = [_percent(v, decimals) for v in values]
        texts = [_percent(v, decimals) for v in known]
        honest = not any(_misleads(v, t) for v, t in zip(known, texts, strict=True))
        if honest and _distinct(known, texts):
            return shown
    return shown


def _misleads(value: float, text: str) -> bool:
    """A percentage that rounds onto 0% or 100% though the value is not exactly that."""
    shown = float(text.rstrip("%"))
    return (shown == 0 and value != 0) or (shown == 100 and value != 1)


def _percent(value: float | None, decimals: int) -> str:
    if value is None:
        return "—"
    if not math.isfinite(value):
        return "∞" if value > 0 else "-∞"
    return f"{value * 100:.{decimals}f}%"


def percent(value: float | None) -> str:
    """One fraction as a percentage: ``percents([value])``."""
    return percents([value])[0]
