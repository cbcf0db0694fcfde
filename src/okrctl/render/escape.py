"""Make user text (titles, ids, owners, file names) safe for each place it is printed."""

from __future__ import annotations

import re

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029]")


def terminal(text: str) -> str:
    """Control characters (ANSI escapes, bells, carriage returns) shown as ``\\xNN``."""
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", text)


def one_line(text: str) -> str:
    """Terminal-safe and on one line (newlines and tabs shown as escapes)."""
    return terminal(text).replace("\n", "\\n").replace("\t", "\\t")


def github_data(text: str) -> str:
    """The message part of a workflow command, escaped as the Actions runner unescapes it."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


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
