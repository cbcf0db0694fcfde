"""Numbers for people: 1.80M, 500K, 88.0%, 34 元 (English) or 180万 (Chinese)."""

from __future__ import annotations

import math

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


def number(
    value: float | None,
    *,
    percent: bool = False,
    scale: tuple[float, str] | None = None,
    lang: str = "en",
) -> str:
    """One value; ``scale`` from ``scale_for`` keeps a pair of values in the same unit."""
    if value is None:
        return "—"
    if not math.isfinite(value):
        return "∞" if value > 0 else "-∞"
    if percent:
        return f"{value * 100:.1f}%"
    size, suffix = scale if scale is not None else scale_for(value, lang)
    if suffix:
        return f"{value / size:.2f}{suffix}"
    if float(value).is_integer():
        return f"{value:,.0f}"
    return f"{value:,.2f}"


def pair(
    current: float | None,
    target: float | None,
    *,
    percent: bool = False,
    unit_label: str | None = None,
    lang: str = "en",
) -> str:
    """``1.80M / 2.00M users``: both in the target's scale."""
    if current is None and target is None:
        return ""
    scale = scale_for(target if target is not None else current, lang)
    text = (
        f"{number(current, percent=percent, scale=scale, lang=lang)} / "
        f"{number(target, percent=percent, scale=scale, lang=lang)}"
    )
    if unit_label and unit_label != "%" and not percent:
        text += f" {unit_label}"
    return text


def percent(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.0f}%"
