"""The text encodings okrctl tells apart by itself, and which of them some bytes look like:
the one place for "this looks like GB18030" (metric files, goal files)."""

from __future__ import annotations

import codecs

# the encodings okrctl tells apart by itself, in the order it tries them (docs/metrics.md)
DETECTED = {"utf-8": "UTF-8", "gb18030": "GB18030"}


def family(encoding: str) -> str:
    """The codec's name, a UTF-8 BOM ignored: ``utf-8-sig`` and ``UTF8`` are ``utf-8``."""
    name = codecs.lookup(encoding).name
    return "utf-8" if name == "utf-8-sig" else name


def looks_like(data: bytes, declared: str) -> str | None:
    """The detected encoding, other than ``declared``, that ``data`` reads in (``utf-8``
    before ``gb18030``: valid UTF-8 is strong evidence, most bytes are some GB18030), or
    None. ``data`` may end inside a character."""
    for name in DETECTED:
        if name == family(declared):
            continue
        try:
            codecs.getincrementaldecoder(name)().decode(data, final=False)
        except UnicodeDecodeError:
            continue
        if name == "utf-8" and data.isascii():
            return None  # ASCII reads the same in every encoding okrctl accepts
        return name
    return None
