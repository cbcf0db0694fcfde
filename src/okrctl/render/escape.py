"""Make user text (titles, ids, owners, file names) safe for each place it is printed.

One policy for every human-readable output (docs/output.md, "User text"): control
characters (ANSI escapes, bells, carriage returns, OSC 8 links), Unicode line separators
and the bidirectional controls that can visually reorder what a reviewer reads (U+202A to
U+202E, U+2066 to U+2069, U+200E, U+200F, U+061C) are shown as visible escapes
(``\\x1b``, ``\\u202e``); user text never starts a line of its own in any format that can
reach a CI log (newlines in it are shown as ``\\n``), so it cannot become a workflow
command. Machine formats (JSON, SARIF) keep the text, with those characters written as
JSON escapes.
"""

from __future__ import annotations

import html
import re

from okrctl.core.unsafe import UNSAFE as UNSAFE


def _shown(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def terminal(text: str) -> str:
    """Control and bidi characters shown as ``\\xNN`` / ``\\uNNNN``; newlines and tabs kept."""
    return UNSAFE.sub(_shown, text)


def one_line(text: str) -> str:
    """Terminal-safe and on one line (newlines and tabs shown as escapes)."""
    return terminal(text).replace("\n", "\\n").replace("\t", "\\t")


def html_text(text: object) -> str:
    """Text for HTML content or an attribute value: one line, markup shown literally."""
    return html.escape(one_line(str(text)), quote=True)


def github_data(*lines: str) -> str:
    """The message part of a workflow command, escaped as the Actions runner unescapes it:
    ``lines`` become the annotation's lines; inside each, control characters and newlines
    are shown as escapes, so user text neither reaches the log raw nor starts a line."""
    return "%0A".join(one_line(part).replace("%", "%25") for part in lines)


def github_property(text: str) -> str:
    """A property value (file, title) of a workflow command."""
    return github_data(text).replace(":", "%3A").replace(",", "%2C")


# characters that make Markdown anywhere in a line; # + - ! > only matter at its start,
# where okrctl never puts user text
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()|~])")


def markdown(text: str) -> str:
    """Inline Markdown text: HTML and Markdown syntax shown literally, one line."""
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    text = _MD_SPECIAL.sub(r"\\\1", text)
    return one_line(text).replace("@", "&#64;")


def markdown_code(text: str) -> str:
    """An inline code span holding ``text`` literally: Markdown escapes do not work inside
    code spans, so the fence is one backtick longer than the longest run in the text."""
    text = one_line(text)
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def csv_cell(text: str) -> str:
    """A text cell of a CSV okrctl writes for people: on one line, terminal-safe (control
    and bidi characters shown as escapes, as ``one_line``), and never a formula a
    spreadsheet would run."""
    from okrctl.edit.csvedit import neutralise

    return neutralise(one_line(text))
