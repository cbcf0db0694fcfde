"""Adding an entry to a goal file by inserting its lines, so that no other byte changes.

`okrctl new` adds an objective or a KPI at the end of its section, a key result at the end
of its objective's ``key_results``. Writing the whole document back through ruamel.yaml
would re-indent it, move comments between keys in some layouts and change line endings;
instead the entry alone is rendered (in the style of the entry before it: block or flow)
and its lines are inserted after that entry, in the file's line endings. Comments right
after the entry before stay with it; comments that introduce what follows stay with that.

The inserted text is checked by parsing the result: it must hold the original data plus
the entry and nothing else. Where that fails, or the layout is not one this handles
(a section or ``key_results`` in flow style, or empty), ``splice`` returns None and the
caller writes the document through ruamel.yaml instead.
"""

from __future__ import annotations

import io
import re
from typing import Any

from okrctl.edit.fmt import TOP, _yaml

_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+\Z")


def lines_of(text: str) -> list[str]:
    """The physical lines of ``text``, each with its own line ending."""
    return _LINE.findall(text)


def ending_of(text: str) -> str:
    """The line ending the file uses (that of its first line), LF when it has none."""
    match = re.search(r"\r\n|\r|\n", text)
    return match.group(0) if match else "\n"


def _content(line: str) -> bool:
    text = line.strip()
    return bool(text) and not text.startswith("#")


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _render(entry: Any, flow: bool) -> list[str]:
    """The entry's YAML lines (without endings) at column 0."""
    from ruamel.yaml.comments import CommentedMap

    copy = CommentedMap(entry)
    if flow:
        copy.fa.set_flow_style()
    buffer = io.StringIO()
    _yaml().dump(copy, buffer)
    return buffer.getvalue().splitlines()


def _item_end(lines: list[str], start: int, dash: int, key: int) -> int:
    """Where a new item goes after the sequence item that starts on line ``start`` with
    its dash in column ``dash``: after its last line and the comments indented as its
    keys, before blank lines and the comments that introduce what follows."""
    end = len(lines)
    for i in range(start + 1, len(lines)):
        if _content(lines[i]) and _indent(lines[i]) <= dash:
            end = i
            break
    while end - 1 > start and (
        not lines[end - 1].strip()
        or (lines[end - 1].lstrip().startswith("#") and _indent(lines[end - 1]) < key)
    ):
        end -= 1
    return end


def _insert(lines: list[str], at: int, new: list[str], eol: str) -> str:
    """``lines`` with ``new`` (lines without endings) inserted before line ``at``."""
    before = list(lines[:at])
    if before and not before[-1].endswith(("\n", "\r")):
        before[-1] += eol  # the last line had no line ending: it needs one now
    return "".join([*before, *(line + eol for line in new), *lines[at:]])


def _after_last_item(text: str, seq: Any, entry: Any) -> str | None:
    """``text`` with ``entry`` added after the last item of the block sequence ``seq``."""
    if not hasattr(seq, "lc") or not isinstance(seq, list) or not seq:
        return None
    seq_node: Any = seq
    if seq_node.fa.flow_style():
        return None
    lines = lines_of(text)
    index = len(seq) - 1
    line, key = seq_node.lc.item(index)
    if line >= len(lines) or not lines[line].lstrip().startswith("-"):
        return None
    dash = _indent(lines[line])
    if key <= dash or lines[line][dash + 1 : key].strip():
        return None  # not `- ` followed by the item on the same line
    last = seq[index]
    flow = bool(getattr(last, "fa", None) and last.fa.flow_style())
    rendered = _render(entry, flow)
    new = [" " * dash + "-" + " " * (key - dash - 1) + rendered[0]]
    new += [" " * key + rest if rest else rest for rest in rendered[1:]]
    at = _item_end(lines, line, dash, key)
    return _insert(lines, at, new, ending_of(text))


def _new_key(text: str, name: str, entry: Any, column: int, at: int) -> str:
    """``text`` with ``name:`` and a one-item block sequence holding ``entry`` inserted
    before line ``at``, the key in ``column`` (items indented as `okrctl fmt` does)."""
    rendered = _render(entry, flow=False)
    dash, key = column + 2, column + 4
    new = [" " * column + name + ":", " " * dash + "- " + rendered[0]]
    new += [" " * key + rest if rest else rest for rest in rendered[1:]]
    return _insert(lines_of(text), at, new, ending_of(text))


def add_to_section(text: str, document: Any, section: str, entry: Any) -> str | None:
    """``text`` with ``entry`` appended to the top-level ``section`` (objectives, kpis)."""
    if document is None:
        return _checked(text, None, [section], entry, _new_key_at_end(text, section, entry))
    if not hasattr(document, "lc") or document.fa.flow_style():
        return None
    if section in document:
        spliced = _after_last_item(text, document[section], entry)
        return _checked(text, document, [section], entry, spliced)
    lines = lines_of(text)
    later = [k for k in document if k in TOP and TOP.index(k) > TOP.index(section)]
    if later:
        at = document.lc.key(later[0])[0]
        while at > 0 and lines[at - 1].lstrip().startswith("#") and _indent(lines[at - 1]) == 0:
            at -= 1  # the comments that introduce the next section stay with it
        spliced = _new_key(text, section, entry, 0, at)
    else:
        spliced = _new_key_at_end(text, section, entry)
    return _checked(text, document, [section], entry, spliced)


def _new_key_at_end(text: str, section: str, entry: Any) -> str:
    return _new_key(text, section, entry, 0, len(lines_of(text)))


def add_key_result(text: str, document: Any, objective: Any, entry: Any) -> str | None:
    """``text`` with ``entry`` appended to the key results of ``objective`` (a node of
    ``document``)."""
    krs = objective.get("key_results")
    if krs:
        spliced = _after_last_item(text, krs, entry)
    elif "key_results" in objective or objective.fa.flow_style():
        return None  # `key_results: []` or empty, or a one-line objective
    else:
        objectives = document["objectives"]
        index = next(i for i, o in enumerate(objectives) if o is objective)
        line, key = objectives.lc.item(index)
        lines = lines_of(text)
        if line >= len(lines) or not lines[line].lstrip().startswith("-"):
            return None
        dash = _indent(lines[line])
        at = _item_end(lines, line, dash, key)
        spliced = _new_key(text, "key_results", entry, key, at)
    path = ["objectives", str(objective.get("id")), "key_results"]
    return _checked(text, document, path, entry, spliced)


def _checked(
    text: str, document: Any, path: list[str], entry: Any, spliced: str | None
) -> str | None:
    """``spliced`` when it holds exactly the original data plus ``entry`` where ``path``
    says, else None."""
    if spliced is None:
        return None
    from ruamel.yaml import YAML
    from ruamel.yaml.error import YAMLError

    safe = YAML(typ="safe", pure=True)
    try:
        expected = safe.load(text) or {}
        actual = safe.load(spliced)
    except YAMLError:
        return None
    plain = safe.load(_dump_plain(entry))
    node = expected
    for step in path[:-1]:
        if isinstance(node, list):
            node = next((o for o in node if isinstance(o, dict) and str(o.get("id")) == step), {})
        else:
            node = node.get(step, {})
    if not isinstance(node, dict):
        return None
    node[path[-1]] = [*(node.get(path[-1]) or []), plain]
    return spliced if actual == expected else None


def _dump_plain(entry: Any) -> str:
    buffer = io.StringIO()
    _yaml().dump(entry, buffer)
    return buffer.getvalue()
