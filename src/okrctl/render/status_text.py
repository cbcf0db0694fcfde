"""`okrctl status` as a colored tree with progress bars, or the same as plain text."""

from __future__ import annotations

from typing import IO

from okrctl.core.progress import Status
from okrctl.core.shown import pair, percent
from okrctl.evaluate.status import Row, StatusTree
from okrctl.metrics.checkins import shown_confidence
from okrctl.metrics.rejected import by_file
from okrctl.render.console import make_console
from okrctl.render.escape import one_line
from okrctl.render.status_style import SYMBOLS
from okrctl.render.status_style import TERMINAL_COLORS as COLORS

BAR = 12


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


def _label(row: Row) -> str:
    name = row.id if row.kind != "kr" else row.id.split("/", 1)[1]
    kind = {"objective": "", "kr": "KR ", "kpi": "KPI "}[row.kind]
    return f"{kind}{name}  {row.title}" if row.title and row.title != name else f"{kind}{name}"


def render(tree: StatusTree, out: IO[str], *, color: bool, width: int | None = None) -> None:
    from rich.table import Table
    from rich.text import Text

    console = make_console(out, color=color, width=width)
    title = f"{tree.cycle} on {tree.as_of.isoformat()}" + (" (final)" if tree.final else "")
    if tree.frozen:
        title += f" - closed: frozen numbers from {one_line(tree.frozen)}"
    table = Table(
        box=None,
        show_header=True,
        header_style="bold",
        pad_edge=False,
        title=title,
        title_justify="left",
        title_style="bold",
    )
    table.add_column("goal", overflow="fold")
    table.add_column("progress", no_wrap=True)
    table.add_column("value", no_wrap=True, justify="right")
    table.add_column("%", no_wrap=True, justify="right")
    table.add_column("status", no_wrap=True)
    # the owner's confidence: their judgement, a column apart from the computed status
    sure = any(row.confidence is not None for row in tree.rows)
    if sure:
        table.add_column("confidence", no_wrap=True, justify="right")
    table.add_column("owner", no_wrap=True)
    for row in tree.rows:
        if row.kind == "perspective":
            table.add_row(Text(one_line(row.title), style="bold underline"))
            continue
        style = "dim" if row.context else ""
        label = Text(tree_prefix(row), style="dim")
        label.append(SYMBOLS[row.status] + " ", style=COLORS[row.status])
        label.append(
            one_line(_label(row)), style=("bold " if row.kind == "objective" else "") + style
        )
        if row.note:
            label.append(
                f"  ({one_line(row.note)})", style="yellow" if row.rejected else "dim italic"
            )
        if row.rejected and not (row.note or "").startswith("no usable data"):
            label.append(f"  ({one_line(row.data_note or '')})", style="yellow")
        table.add_row(
            label,
            Text(bar(row.progress, row.expected), style=COLORS[row.status]),
            Text(
                pair(
                    row.current,
                    row.target,
                    percent=row.percent,
                    unit_label=row.unit_label and one_line(row.unit_label),
                ),
                style=style,
            ),
            Text(percent(row.progress), style=style),
            Text(row.word, style=COLORS[row.status]),
            *([Text(shown_confidence(row.confidence), style=style)] if sure else []),
            Text(one_line(row.owner or ""), style="dim"),
        )
    console.print(table)
    shown = [r for r in tree.rows if not r.context and r.kind != "perspective"]
    counts = ", ".join(
        f"{tree.counts.get(s.value, 0)} {s.word}" for s in Status if tree.counts.get(s.value)
    )
    console.print(
        Text(
            f"{len(shown)} rows: {counts or 'none'}; ┃ marks the expected pace",
            style="dim",
        )
    )
    for warning in by_file(tree.warnings):
        console.print(Text(f"! {one_line(warning.message)}", style="yellow"))
