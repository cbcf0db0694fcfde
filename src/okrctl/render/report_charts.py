"""The report's inline SVG drawings in HTML: a key result's series against its target and
the expected pace, and a balanced scorecard's strategy map."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager

from okrctl.core.i18n import text
from okrctl.core.shown import percent
from okrctl.evaluate.scoring import BalancedCard
from okrctl.render.escape import html_text as _e
from okrctl.render.status_style import COLOR, FILLS
from okrctl.review.report import KREntry


def chart(k: KREntry, start: dt.date, end: dt.date, lang: str) -> str:
    """A key result's chart as inline SVG, drawn by matplotlib (render/report_plot.py):
    the cycle's dates on x, values with units on y, baseline, target, expected pace,
    forecast to the cycle end and the observed points. "" when the key result has no
    value to draw (no series, no baseline, no target). Inside ``sketching()`` a
    placeholder of the same count instead, for the size budget."""
    if not k.series and k.target is None and k.baseline is None:
        return ""
    if _SKETCH.active:
        _SKETCH.count += 1
        return _PLACEHOLDER
    from okrctl.render.report_plot import draw

    return draw(k, start, end, lang)


_PLACEHOLDER = "<svg></svg>"


class _Sketch:
    """Whether charts are only counted (``sketching``), and how many were asked for."""

    active = False
    count = 0


_SKETCH = _Sketch()


@contextmanager
def sketching() -> Iterator[_Sketch]:
    """Within: ``chart`` counts the charts a page would hold and draws none (drawing is
    ~20 ms a chart; the size budget measures a page of 40,000 key results first)."""
    _SKETCH.active, _SKETCH.count = True, 0
    try:
        yield _SKETCH
    finally:
        _SKETCH.active = False


def strategy_map(card: BalancedCard, lang: str) -> str:
    """Perspectives as bands, top of the chain first; measures as boxes; links as arrows."""
    rows = list(card.perspectives)
    width, band, box_w, box_h = 640, 70, 130, 38
    height = band * max(len(rows), 1) + 10
    where: dict[str, tuple[float, float]] = {}
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" '
        f'aria-label="{_e(text("strategy_map", lang))}">',
        '<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="6" '
        'markerHeight="6" orient="auto"><path d="M0,0 L10,5 L0,10 z" fill="#555"/></marker>'
        "</defs>",
    ]
    for row, p in enumerate(rows):
        top = 5 + row * band
        parts.append(
            f'<rect x="0" y="{top}" width="{width}" height="{band - 6}" '
            f'fill="{"#f5f5f5" if row % 2 else "#fcfcfc"}"/>'
        )
        parts.append(
            f'<text x="6" y="{top + 14}" font-size="11" fill="#555">'
            f"{_e(p.title or p.name)} {_e(percent(p.score))}</text>"
        )
        count = max(len(p.measures), 1)
        for index, m in enumerate(p.measures):
            cx = 150 + (width - 170) * (index + 0.5) / count
            cy = top + band / 2
            where[m.id] = (cx, cy)
            parts.append(
                f'<rect x="{cx - box_w / 2:.1f}" y="{cy - box_h / 2 + 4:.1f}" '
                f'width="{box_w}" height="{box_h - 8}" rx="6" fill="{FILLS[m.status]}" '
                f'stroke="{COLOR[m.status]}"/>'
            )
            parts.append(
                f'<text x="{cx:.1f}" y="{cy + 4:.1f}" font-size="11" '
                f'text-anchor="middle">{_e(m.id)} {_e(percent(m.score))}</text>'
            )
    for link in card.scorecard.links:
        if link.driver in where and link.result in where:
            (x1, y1), (x2, y2) = where[link.driver], where[link.result]
            dy = -(box_h / 2 - 4) if y2 < y1 else (box_h / 2 - 4)
            parts.append(
                f'<line x1="{x1:.1f}" y1="{y1 + dy:.1f}" x2="{x2:.1f}" '
                f'y2="{y2 - dy:.1f}" stroke="#555" marker-end="url(#arrow)"/>'
            )
    parts.append("</svg>")
    return "".join(parts)
