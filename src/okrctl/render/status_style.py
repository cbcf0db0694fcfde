"""How each status looks, the same in every renderer: its symbol, its terminal color and
the fill of its box in drawn maps and charts."""

from __future__ import annotations

from okrctl.core.progress import Status


def status_key(status: Status, has_value: bool = False) -> str:
    """The i18n key of a status word: a goal with a value whose progress is still
    unknown (its target equals its baseline) is "undefined", not "no data"."""
    return "undefined" if status is Status.GREY and has_value else status.value


SYMBOLS = {Status.GREEN: "✓", Status.YELLOW: "!", Status.RED: "✗", Status.GREY: "?"}
TERMINAL_COLORS = {
    Status.GREEN: "green",
    Status.YELLOW: "yellow",
    Status.RED: "red",
    Status.GREY: "dim",
}
FILLS = {
    Status.GREEN: "#c8e6c9",
    Status.YELLOW: "#fff3c4",
    Status.RED: "#ffcdd2",
    Status.GREY: "#e0e0e0",
}

# after a number in a compact list (strategy maps, scorecard measures): it rests on input
# okrctl left out; the footnotes below say which
REJECTED_MARK = "*"

# the line colour of each status in the HTML review's charts
COLOR = {
    Status.GREEN: "#2e7d32",
    Status.YELLOW: "#b7791f",
    Status.RED: "#c62828",
    Status.GREY: "#757575",
}
