"""A key result's chart for the HTML review, drawn by matplotlib's SVG backend.

Imported only when an HTML review draws its charts (matplotlib costs ~0.4 s to import).
The SVG is deterministic (a fixed hash salt, no date or tool in its metadata, ids prefixed
per key result), its text stays text (the page's fonts draw CJK, no font is embedded)
and it scales to its box. What is drawn and why: docs/report.md, "Charts".
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import re
import warnings
from typing import Any

import matplotlib

matplotlib.use("svg")  # no GUI backend, no display needed

import matplotlib.pyplot as plt
from matplotlib.figure import Figure
from matplotlib.ticker import FixedLocator, Formatter, FuncFormatter, MaxNLocator

from okrctl.core.i18n import text
from okrctl.core.shown import scale_for
from okrctl.render.status_style import COLOR
from okrctl.review.report import KREntry

WIDTH, HEIGHT = 5.6, 2.7  # inches at 100 dpi: 560 x 270, two charts a row in 1280 px
_STYLE: dict[Any, Any] = {
    "svg.fonttype": "none",  # text as <text>: the browser's fonts draw CJK
    "svg.hashsalt": "okrctl",  # ids that do not change from run to run
    "text.parse_math": False,  # a unit such as "$" or "$/h" is text, never TeX
    "font.size": 8.5,
    "font.family": "sans-serif",
    # measured with matplotlib's own DejaVu Sans (and its last-resort font for CJK) on
    # every machine, so the SVG does not depend on the fonts installed; the page's CSS
    # draws the text in the reader's fonts
    "font.sans-serif": ["DejaVu Sans"],
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.edgecolor": "#999999",
    "axes.grid": True,
    "grid.color": "#e6e6e6",
    "grid.linewidth": 0.6,
    "xtick.color": "#555555",
    "ytick.color": "#555555",
    "legend.frameon": False,
    "legend.fontsize": 7.5,
    "path.simplify": True,
}
_BASELINE, _TARGET, _PACE = "#9e9e9e", "#37474f", "#90a4ae"


class _Ticks(Formatter):
    """Tick values in the review's notation (``1.50M``, ``150万``, ``87.5%``), all with the
    fewest decimals that write every tick exactly (1.25M is never shown as 1.2M)."""

    def __init__(self, percent: bool, scale: tuple[float, str]) -> None:
        self.percent, self.scale = percent, scale

    def _text(self, value: float, decimals: int) -> str:
        if self.percent:
            return f"{value * 100:.{decimals}f}%"
        size, suffix = self.scale
        return f"{value / size:,.{decimals}f}{suffix}"

    def format_ticks(self, values: list[float]) -> list[str]:
        size = 0.01 if self.percent else self.scale[0]
        for decimals in range(4):
            if all(
                abs(round(v / size, decimals) - v / size) < 1e-9 * max(1, abs(v / size))
                for v in values
            ):
                break
        return [self._text(v, decimals) for v in values]

    def __call__(self, value: float, pos: int | None = None) -> str:
        return self._text(value, 2)


_EPOCH = dt.date(1970, 1, 1)  # matplotlib's day numbers count from here


def _x(day: dt.date) -> float:
    return float((day - _EPOCH).days)


def _month_starts(start: dt.date, end: dt.date) -> list[float]:
    """Ticks on the x axis: the cycle's first day and the first of each month in it,
    every second month in a cycle of more than six."""
    days = [start]
    month = dt.date(start.year, start.month, 1)
    while True:
        month = dt.date(month.year + month.month // 12, month.month % 12 + 1, 1)
        if month > end:
            break
        days.append(month)
    step = 2 if len(days) > 7 else 1
    return [_x(d) for d in days[::step]]


def _day_label(day: dt.date, lang: str) -> str:
    if lang == "zh":
        return f"{day.month}月{day.day}日"
    return day.strftime("%b %d").replace(" 0", " ")


def _limits(k: KREntry) -> tuple[float, float]:
    """The y range: the series, baseline and target with a margin; the forecast is
    clipped to it, never stretches it (a runaway trend would flatten everything else)."""
    values = [v for _, v in k.series] + [v for v in (k.baseline, k.target) if v is not None]
    low, high = min(values), max(values)
    if not high > low:
        margin = max(abs(high) / 10, 1.0 if not k.percent else 0.01)
    else:
        margin = (high - low) * 0.12
    return low - margin, high + margin


def _plot(ax: Any, k: KREntry, start: dt.date, end: dt.date, lang: str) -> None:
    color = COLOR[k.status]
    if k.baseline is not None:
        ax.axhline(k.baseline, color=_BASELINE, lw=1, ls=(0, (4, 3)), label=text("baseline", lang))
    if k.target is not None:
        ax.axhline(k.target, color=_TARGET, lw=1.2, ls=(0, (6, 3)), label=text("target", lang))
    if k.baseline is not None and k.target is not None:
        ax.plot(
            [_x(start), _x(end)],
            [k.baseline, k.target],
            color=_PACE,
            lw=1,
            ls=":",
            label=text("expected", lang),
        )
    if k.series:
        days = [_x(d) for d, _ in k.series]
        values = [v for _, v in k.series]
        ax.plot(days, values, color=color, lw=2, marker="o", ms=3.2, label=text("actual", lang))
        if k.forecast is not None and days[-1] < _x(end):
            ax.plot(
                [days[-1], _x(end)],
                [values[-1], k.forecast.landing_value],
                color=color,
                lw=1.2,
                ls=(0, (2, 2)),
                label=text("forecast", lang),
            )


def _figure(k: KREntry, start: dt.date, end: dt.date, lang: str) -> Figure:
    figure = plt.figure(figsize=(WIDTH, HEIGHT), dpi=100)
    ax = figure.add_subplot()
    _plot(ax, k, start, end, lang)
    ax.set_xlim(_x(start), _x(end))
    ax.set_ylim(*_limits(k))
    ax.xaxis.set_major_locator(FixedLocator(_month_starts(start, end)))
    ax.xaxis.set_major_formatter(
        FuncFormatter(lambda x, _: _day_label(_EPOCH + dt.timedelta(days=round(x)), lang))
    )
    scale = scale_for(k.target if k.target is not None else k.baseline, lang)
    ax.yaxis.set_major_locator(MaxNLocator(nbins=5))
    ax.yaxis.set_major_formatter(_Ticks(k.percent, scale))
    if k.unit_label and k.unit_label != "%" and not k.percent:
        ax.set_ylabel(k.unit_label, color="#555555")
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), borderaxespad=0, handlelength=2.2)
    figure.tight_layout(pad=0.4)
    return figure


def draw(k: KREntry, start: dt.date, end: dt.date, lang: str) -> str:
    """The chart of ``k`` over the cycle ``start``..``end`` (inclusive) as an inline
    ``<svg>`` element that fills its box's width."""
    with plt.rc_context(_STYLE), warnings.catch_warnings():
        # glyphs DejaVu lacks (CJK) are measured with its fallback; the browser draws them
        warnings.simplefilter("ignore")
        figure = _figure(k, start, end, lang)
        buffer = io.StringIO()
        figure.savefig(
            buffer,
            format="svg",
            metadata={"Date": None, "Creator": None, "Format": None, "Type": None},
        )
        plt.close(figure)
    return _inline(buffer.getvalue(), k.path)


def _round(match: re.Match[str]) -> str:
    """An attribute's numbers to 0.1 of a pixel (the drawing is 560 px wide)."""
    numbers = re.sub(r"(-?\d+\.\d)\d+", r"\1", match.group(2))
    return f'{match.group(1)}{" ".join(numbers.split())}"'


def _ungroup(svg: str) -> str:
    """``svg`` without its bare ``<g>`` groups (no attributes: structure only), their
    contents kept in place; groups with a clip path or a style stay."""
    out: list[str] = []
    stack: list[bool] = []
    last = 0
    for tag in re.finditer(r"<g>|<g\s[^>]*>|</g>", svg):
        out.append(svg[last : tag.start()])
        last = tag.end()
        if tag.group() == "</g>":
            if stack.pop():
                out.append("</g>")
        else:
            keep = tag.group() != "<g>"
            stack.append(keep)
            if keep:
                out.append(tag.group())
    out.append(svg[last:])
    return "".join(out)


def _inline(svg: str, path: str) -> str:
    """The document as an element of the page: no XML prolog or metadata, ids prefixed
    by the key result (two charts on one page never share an id), width from the box,
    and nothing the page does not need (group ids, sub-pixel digits, the font family the
    page's CSS sets, indentation): ~6 KB a chart instead of ~14 KB."""
    svg = svg[svg.index("<svg") :]
    svg = re.sub(r"<metadata>.*?</metadata>", "", svg, flags=re.S)
    svg = re.sub(r'<g id="[^"]*">', "<g>", svg)
    svg = re.sub(r' transform="rotate\(-?0 [^"]*\)"', "", svg)
    svg = svg.replace("font-family: 'DejaVu Sans', sans-serif; ", "")
    svg = re.sub(r'( (?:d|x|y|x1|x2|y1|y2|width|height|transform|viewBox)=")([^"]*)"', _round, svg)
    svg = _ungroup(re.sub(r">\s+<", "><", svg))
    svg = svg.replace(' xmlns:xlink="http://www.w3.org/1999/xlink"', "").replace(
        "xlink:href", "href"
    )
    prefix = "k" + hashlib.blake2b(path.encode(), digest_size=4).hexdigest() + "-"
    svg = re.sub(r'(\bid="|url\(#|\bhref="#)', lambda m: m.group(1) + prefix, svg)
    svg = re.sub(r'<svg([^>]*?) width="[^"]*" height="[^"]*"', r"<svg\1", svg, count=1)
    return svg.replace("<svg", '<svg role="img" preserveAspectRatio="xMinYMin meet"', 1).strip()
