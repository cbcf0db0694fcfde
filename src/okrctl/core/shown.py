"""Numbers shown to people, the one place for it: ``1.6M``, ``450K``, ``88.0%``, ``34 元``
(English) or ``163万``, ``1.2亿`` (Chinese), with the digits that tell values apart.

Large values (from 10,000) take the locale's compact form from Babel (CLDR data:
K/M/B in English, 万/亿 in Chinese), each in its own scale, so a pair never reads
``107445.00K / 30.00K``; smaller values are written out with the locale's grouping.
Digits adapt: a value keeps three significant digits (``0.125%``, not ``0.1%``), and
values shown side by side get more digits until the ones that differ look different
(docs/format.md, "Numbers in output"). Pure formatting; Babel is imported on first use.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Sequence

COMPACT_FROM = 10_000  # below this a value is written out in full (1,234, not 1.2K)
SIGNIFICANT = 3  # digits a value keeps however small it is
MAX_DECIMALS = 6
_LOCALES = {"en": "en", "zh": "zh_Hans_CN"}


def _decimals_for(value: float, significant: int = SIGNIFICANT) -> int:
    """The decimals that keep ``significant`` digits of ``value``: 0.00125 -> 5."""
    if value == 0 or not math.isfinite(value):
        return 0
    return max(0, min(MAX_DECIMALS, significant - 1 - math.floor(math.log10(abs(value)))))


def _plain(value: float, decimals: int, lang: str) -> str:
    from babel.numbers import format_decimal

    pattern = "#,##0" + ("." + "#" * decimals if decimals else "")
    return format_decimal(value, format=pattern, locale=_LOCALES.get(lang, "en"))


def _compact(value: float, extra: int, lang: str) -> str:
    """``value`` in the locale's compact form with three significant digits (``1.53M``,
    ``163万``, ``1349万``) and ``extra`` decimals more."""
    from babel.numbers import format_compact_decimal

    locale = _LOCALES.get(lang, "en")
    whole = format_compact_decimal(value, format_type="short", locale=locale, fraction_digits=0)
    digits = sum(ch.isdigit() for ch in whole)
    return format_compact_decimal(
        value,
        format_type="short",
        locale=locale,
        fraction_digits=min(MAX_DECIMALS, max(0, SIGNIFICANT - digits) + extra),
    )


def scale_for(value: float | None, lang: str = "en") -> tuple[float, str]:
    """The divisor and suffix of the locale's compact form for ``value`` (CLDR's short
    patterns through Babel), so a chart's ticks share one scale: 2,000,000 -> (1e6, "M")
    in English, (1e4, "万") in Chinese; (1, "") below COMPACT_FROM, for None and for
    non-finite values."""
    if value is None or not math.isfinite(value) or abs(value) < COMPACT_FROM:
        return 1.0, ""
    from babel import Locale

    patterns = Locale.parse(_LOCALES.get(lang, "en")).compact_decimal_formats["short"]["other"]
    magnitude = min(10 ** (len(str(int(abs(value)))) - 1), max(int(k) for k in patterns))
    pattern = patterns[str(magnitude)].pattern
    zeros = pattern.count("0")
    if not pattern.strip("0"):
        return 1.0, ""
    return magnitude / 10 ** (zeros - 1), pattern.replace("0", "").strip()


@functools.lru_cache(maxsize=1 << 16)
def _one(value: float | None, percent: bool, extra: int, lang: str) -> str:
    """``value`` with ``extra`` digits more than it needs on its own."""
    if value is None:
        return "—"
    if not math.isfinite(value):
        return "∞" if value > 0 else "-∞"
    if percent:
        shown = value * 100
        decimals = max(1, _decimals_for(shown)) + extra
        return _plain(round(shown, decimals), min(decimals, MAX_DECIMALS), lang) + "%"
    if abs(value) >= COMPACT_FROM:
        return _compact(value, extra, lang)
    decimals = min(MAX_DECIMALS, max(2, _decimals_for(value)) + extra)
    return _plain(value, decimals, lang)


def numbers(
    values: Sequence[float | None], *, percent: bool = False, lang: str = "en"
) -> list[str]:
    """Several values shown side by side (``en`` or ``zh``), each in its own scale, with
    the fewest digits at which values that differ also look different: a current value of
    1,004,000 never prints as the baseline's ``1M``. ``percent``: the values are fractions
    (0.125 is ``12.5%``)."""
    known = [i for i, v in enumerate(values) if v is not None and math.isfinite(v)]
    finite = [float(values[i] or 0.0) for i in known]
    shown = [_one(v, percent, 0, lang) for v in values]
    if len(known) < 2:
        return shown  # one value is always told apart from itself
    for extra in range(0, MAX_DECIMALS):
        shown = [_one(v, percent, extra, lang) for v in values]
        if _distinct(finite, [shown[i] for i in known]):
            return shown
    return shown


def _distinct(values: list[float], shown: list[str]) -> bool:
    text_of: dict[str, float] = {}
    for value, text in zip(values, shown, strict=True):
        if text in text_of and text_of[text] != value:
            return False
        text_of[text] = value
    return True


def number(value: float | None, *, percent: bool = False, lang: str = "en") -> str:
    """One value: ``numbers([value])``."""
    return numbers([value], percent=percent, lang=lang)[0]


def pair(
    current: float | None,
    target: float | None,
    *,
    percent: bool = False,
    unit_label: str | None = None,
    lang: str = "en",
) -> str:
    """``1.8M / 2M users``: a value beside its target, told apart when they differ, with
    the unit (``元``) as configured after them."""
    if current is None and target is None:
        return ""
    shown = numbers([current, target], percent=percent, lang=lang)
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
