"""The characters okrctl never prints raw (docs/output.md, "User text"): C0 and C1 control
characters except newline and tab, the Unicode line and paragraph separators, and the
bidirectional controls that can visually reorder what a reviewer reads (U+202A to U+202E,
U+2066 to U+2069, U+200E, U+200F, U+061C). render/escape.py shows them as escapes in text;
core/json_out.py writes them as JSON escapes."""

from __future__ import annotations

import re

_BIDI = "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
UNSAFE = re.compile(f"[\\x00-\\x08\\x0b-\\x1f\\x7f-\\x9f\\u2028\\u2029{_BIDI}]")
