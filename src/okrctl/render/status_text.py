"""`okrctl status` as a colored tree with progress bars, or the same as plain text.

Every row is one line at any width from 60 cells up (docs/output.md, "Narrow
terminals"): the columns keep their widths, the goal column takes what is left, titles
are cut with ``…`` measured in display cells (a CJK character is two), and when even
that leaves too little of the goal the owner column goes, then the value column. No line
ends in spaces.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import IO, Any

from okrctl.core.i18n import N_, localize, tr, trn
from okrctl.core.progress import Status
from okrctl.core.shown import pair, percent
from okrctl.evaluate.status import Row, StatusTree
from okrctl.metrics.checkins import shown_confidence
from okrctl.metrics.rejected import by_file, row_note
from okrctl.render.console import make_console
from okrctl.render.escape import one_line
from okrctl.render.status_style import SYMBOLS
from okrctl.render.status_style import TERMINAL_COLORS as COLORS

BAR = 12
GAP = 2  # cells between columns
MIN_TITLE = 12  # cells of a title kept before a column is dropped
# the columns after the goal, in order; the ones dropped first on a narrow terminal first
COLUMNS = (N_("progress"), N_("value"), "%", N_("status"), N_("confidence"), N_("owner"))
DROP_ORDER = ("owner", "confidence", "value")
RIGHT = frozenset({"value", "%", "confidence"})


def bar(progress: float | None, expected: float | None) -> str:
    """``███████┃░░░░``: filled to the progress, ``┃`` where the pace says it should be."""
    if progress is None:
        return "·" * BAR
    filled = round(min(max(progress, 0.0), 1.0) * BAR)
    cells = ["█" if i < filled else "░" for i in range(BAR)]
    if expected is not None:
        mark = min(BAR - 1, max(0, round(expected * BAR) - 1))
        cells[mark] = "┃"
    return "".join(cells)


def tree_prefix(row: Row) -> str:
    parts = ["│  " if more else "   " for more in row.guides[1:]]
    if row.depth > 0:
        parts.append("└─ " if row.last else "├─ ")
    return "".join(parts)


def _name(row: Row) -> str:
    name = row.id if row.kind != "kr" else row.id.split("/", 1)[1]
    kind = {"objective": "", "kr": "KR ", "kpi": "KPI "}[row.kind]
    return f"{kind}{name}"


@dataclass
class _Line:
    label: Any  # rich Text: tree guides, symbol, id, title, notes
    head: int  # cells of the label up to the end of the id: kept before a column drops
    cells: dict[str, Any]  # column -> rich Text


def _label(row: Row, lang: str) -> _Line:
    from rich.text import Text

    if row.kind == "perspective":
        label = Text(one_line(tr(row.title, lang)), style="bold underline")
        return _Line(label, label.cell_len, {})
    style = "dim" if row.context else ""
    label = Text(tree_prefix(row), style="dim")
    label.append(SYMBOLS[row.status] + " ", style=COLORS[row.status])
    name = _name(row)
    head = label.cell_len + len(name)
    title = f"{name}  {row.title}" if row.title and row.title != name.split(" ")[-1] else name
    label.append(one_line(title), style=("bold " if row.kind == "objective" else "") + style)
    if row.note:
        note = one_line(localize(tr(row.note, lang), lang))
        label.append(f"  ({note})", style="yellow" if row.rejected else "dim italic")
    if row.rejected and not (row.note or "").startswith("no usable data"):
        label.append(f"  ({one_line(row_note(row.rejected, lang) or '')})", style="yellow")
    return _Line(label, head, {})


def _lines(tree: StatusTree, lang: str) -> list[_Line]:
    from rich.text import Text

    lines = []
    for row in tree.rows:
        line = _label(row, lang)
        if row.kind != "perspective":
            style = "dim" if row.context else ""
            shown = pair(
                row.current,
                row.target,
                percent=row.percent,
                unit_label=row.unit_label and one_line(row.unit_label),
                lang=lang,
            )
            line.cells = {
                "progress": Text(bar(row.progress, row.expected), style=COLORS[row.status]),
                "value": Text(shown, style=style),
                "%": Text(percent(row.progress), style=style),
                "status": Text(tr(row.word, lang), style=COLORS[row.status]),
                # the owner's judgement, a column apart from the computed status
                "confidence": Text(shown_confidence(row.confidence), style=style),
                "owner": Text(one_line(tree.names.person(row.owner)), style="dim"),
            }
        lines.append(line)
    return lines


def _layout(
    lines: list[_Line], headers: dict[str, str], width: int | None
) -> tuple[list[str], dict[str, int]]:
    """The columns kept and the width of each (``goal`` included) for ``width`` cells
    (None: no limit)."""
    from rich.cells import cell_len

    widths = {
        key: max([cell_len(headers[key])] + [ln.cells[key].cell_len for ln in lines if ln.cells])
        for key in headers
        if key != "goal"
    }
    full = max([cell_len(headers["goal"])] + [line.label.cell_len for line in lines])
    kept = [key for key in headers if key != "goal"]
    if width is None:
        return kept, {"goal": full, **widths}
    need = min(full, max([line.head for line in lines] + [0]) + MIN_TITLE)
    for drop in DROP_ORDER:
        if width - sum(widths[k] + GAP for k in kept) >= need:
            break
        if drop in kept:
            kept.remove(drop)
    room = width - sum(widths[k] + GAP for k in kept)
    return kept, {"goal": max(1, min(full, room)), **widths}


def _joined(line: _Line, kept: list[str], widths: dict[str, int], header: bool) -> Any:
    from rich.text import Text

    label = line.label.copy()
    if label.cell_len > widths["goal"]:
        label.truncate(widths["goal"], overflow="ellipsis")
    label.pad_right(widths["goal"] - label.cell_len)
    out = label
    for key in kept:
        cell = line.cells.get(key, Text("")).copy()
        space = widths[key] - cell.cell_len
        out.append(" " * GAP)
        if key in RIGHT:
            out.append(" " * space)
            out.append_text(cell)
        else:
            out.append_text(cell)
            out.append(" " * space)
    if header:
        out.stylize("bold")
    out.rstrip()
    return out


def render(
    tree: StatusTree, out: IO[str], *, color: bool, width: int | None = None, lang: str = "en"
) -> None:
    """The status tree as lines of at most ``width`` cells (None: as wide as the rows)."""
    from rich.text import Text

    console = make_console(out, color=color, width=width or 10_000, soft_wrap=True)
    title = tr("{cycle} on {date}", lang, cycle=tree.cycle, date=tree.as_of.isoformat())
    if tree.final:
        title += tr(" (final)", lang)
    if tree.frozen:
        title += tr(" - closed: frozen numbers from {lock}", lang, lock=one_line(tree.frozen))
    lines = _lines(tree, lang)
    sure = any(row.confidence is not None for row in tree.rows)
    shown_columns = [k for k in COLUMNS if k != "confidence" or sure]
    headers = {"goal": tr("goal", lang)} | {k: tr(k, lang) for k in shown_columns}
    kept, widths = _layout(lines, headers, width)
    head = _Line(Text(headers["goal"]), 0, {k: Text(headers[k]) for k in kept})
    console.print(_fitted(Text(title, style="bold"), width))
    for line in [head, *lines]:
        console.print(_joined(line, kept, widths, line is head))
    shown = [r for r in tree.rows if not r.context and r.kind != "perspective"]
    counts = tr(", ", lang).join(
        f"{tree.counts.get(s.value, 0)} {tr(s.word, lang)}"
        for s in Status
        if tree.counts.get(s.value)
    )
    footer = trn(
        "{n} row: {counts}; ┃ marks the expected pace",
        "{n} rows: {counts}; ┃ marks the expected pace",
        len(shown),
        lang,
        counts=counts or tr("none", lang),
    )
    _wrapped(console, Text(footer, style="dim"), width)
    for warning in by_file(tree.warnings):
        _wrapped(console, Text(f"! {one_line(warning.text(lang))}", style="yellow"), width)


def _wrapped(console: Any, text: Any, width: int | None) -> None:
    """``text`` on lines of at most ``width`` cells, broken between words, no line
    ending in a space."""
    for line in [text] if width is None else text.wrap(console, width):
        line.rstrip()
        console.print(line)


def _fitted(text: Any, width: int | None) -> Any:
    if width is not None and text.cell_len > width:
        text.truncate(width, overflow="ellipsis")
    return text
