"""`okrctl new objective|kr|kpi`: insert a well-formed entry into the right goal file.

The file is edited with ruamel.yaml's round-trip mode (comments and layout kept), the
result is validated together with the rest of the repository before anything is written,
and the write is atomic.
"""

from __future__ import annotations

import io
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from okrctl.core.diagnostics import Diagnostic, Severity, did_you_mean
from okrctl.core.errors import UsageError
from okrctl.core.fileio import locked, write_atomic
from okrctl.core.model import Kpi, Objective, Ref
from okrctl.core.plural import counted
from okrctl.edit import goalsplice
from okrctl.edit.fmt import KEY_RESULT, KPI, OBJECTIVE, _yaml
from okrctl.load.goalfile import parse_goal_file
from okrctl.load.repository import Repository, load_repository
from okrctl.load.schemadef import ID_PATTERN
from okrctl.rules.context import Context
from okrctl.rules.runner import run_rules, settle

_PLAIN_NUMBER = re.compile(r"^[+-]?\d+(\.\d+)?$")
MODELINE = "# yaml-language-server: $schema={}schemas/goals.schema.json\n"


class InvalidEntry(Exception):
    """The entry would make the repository invalid; nothing was written."""

    def __init__(self, diagnostics: list[Diagnostic]) -> None:
        super().__init__(counted(len(diagnostics), "problem"))
        self.diagnostics = diagnostics


@dataclass(frozen=True, slots=True)
class Added:
    path: str
    kind: str
    ident: str
    created_file: bool


def _value(text: str) -> Any:
    """A number stays a number; anything else (45%, 200万, +30%) is kept as written."""
    if _PLAIN_NUMBER.match(text.strip()):
        number = float(text)
        return int(number) if number.is_integer() and "." not in text else number
    return text


def _entry(fields: Mapping[str, Any], order: tuple[str, ...]) -> Any:
    from ruamel.yaml.comments import CommentedMap

    entry = CommentedMap()
    for key in order:
        value = fields.get(key)
        if value is None or value == "" or (value is False and key != "done"):
            continue  # a milestone says `done: false` outright
        entry[key] = (
            _value(value)
            if key in ("baseline", "target", "at_least", "at_most", "weight")
            else value
        )
    return entry


def _file_for(repo: Repository, unit: str | None, kind: str) -> str:
    """The file that holds the unit's goals most exclusively, else goals/UNIT.yaml."""
    best: tuple[float, int, str] | None = None
    for goal_file in repo.files:
        entries: list[Objective | Kpi] = [*goal_file.objectives, *goal_file.kpis]
        mine = sum(1 for e in entries if unit is not None and e.unit == unit)
        if mine:
            rank = (mine / len(entries), mine, goal_file.path)
            if best is None or rank[:2] > best[:2]:
                best = rank
    if best is not None:
        return best[2]
    name = re.sub(r"[^A-Za-z0-9_.-]", "-", unit or kind) or "goals"
    return f"goals/{name}.yaml"


def add(root: Path, kind: str, fields: Mapping[str, Any], *, file: str | None = None) -> Added:
    """Insert an objective, key result (``fields['objective']`` names its objective) or
    KPI; raise ``InvalidEntry`` with the diagnostics when the result would be invalid."""
    repo = load_repository(root)
    ident = fields.get("id") or ""
    if not re.match(ID_PATTERN, ident):
        raise UsageError(
            f"id {ident!r} is not valid",
            hint="start with a letter or digit; use letters, digits, _ . -",
        )
    ctx = Context.build(repo)
    if kind == "kr":
        parent = ctx.objectives.get(fields.get("objective") or "")
        if parent is None:
            raise UsageError(
                f"no objective '{fields.get('objective')}'"
                f"{did_you_mean(fields.get('objective') or '', ctx.objectives)}"
            )
        path = parent.file
    else:
        path = file or _file_for(repo, fields.get("unit"), kind)
    full = root / path
    with locked([full], root=root):
        text = _edited(repo, path, full, kind, fields)
        write_atomic(full, text.encode(), root=root)
    return Added(
        path,
        kind,
        fields["id"] if kind != "kr" else str(Ref(fields["objective"], fields["id"])),
        text.created,
    )


@dataclass(frozen=True, slots=True)
class _Text:
    """The new content of a goal file, in the file's own encoding."""

    body: str
    bom: bytes
    codec: str
    created: bool

    def encode(self) -> bytes:
        return self.bom + self.body.encode(self.codec)


_MARKS = (
    (b"\xff\xfe\x00\x00", "utf-32-le"),
    (b"\x00\x00\xfe\xff", "utf-32-be"),
    (b"\xff\xfe", "utf-16-le"),
    (b"\xfe\xff", "utf-16-be"),
    (b"\xef\xbb\xbf", "utf-8"),
)


def _decoded(data: bytes) -> tuple[str, bytes, str]:
    """Text, byte-order mark and codec of a goal file okrctl's reader accepted."""
    for mark, codec in _MARKS:
        if data.startswith(mark):
            return data[len(mark) :].decode(codec), mark, codec
    return data.decode("utf-8"), b"", "utf-8"


def _edited(repo: Repository, path: str, full: Path, kind: str, fields: Mapping[str, Any]) -> _Text:
    """The file with the entry added (read under the file's lock); InvalidEntry when it
    would add errors to the repository, UsageError when the file is broken."""
    created = not full.exists()
    if created:
        depth = "../" * path.count("/")
        before = repo
        original, bom, codec = MODELINE.format(depth) + "{}\n", b"", "utf-8"
    else:
        data = full.read_bytes()
        current = parse_goal_file(path, data)
        broken = [
            d
            for d in current.diagnostics
            if d.code.startswith("Y") and d.code not in ("Y010", "Y011")
        ]
        if broken:
            first = broken[0]
            raise UsageError(
                f"{path}:{first.line}:{first.column}: {first.message}",
                hint="fix the file first; nothing was written",
            )
        files = [current if f.path == path else f for f in repo.files]
        before = Repository(repo.config, tuple(files), repo.discovery)
        original, bom, codec = _decoded(data)
    yaml = _yaml()
    document = yaml.load(original)
    entry = _entry(
        fields, OBJECTIVE if kind == "objective" else KPI if kind == "kpi" else KEY_RESULT
    )
    spliced = None if created else _splice(original, document, kind, fields, entry)
    body = (
        spliced if spliced is not None else _dumped(yaml, original, document, kind, fields, entry)
    )
    result = _Text(body, bom, codec, created)
    _validate(before, path, result.encode())
    return result


def _splice(
    original: str, document: Any, kind: str, fields: Mapping[str, Any], entry: Any
) -> str | None:
    """The original text with the entry's lines inserted, or None (see goalsplice)."""
    if kind != "kr":
        section = "objectives" if kind == "objective" else "kpis"
        return goalsplice.add_to_section(original, document, section, entry)
    objective = _objective(document, fields["objective"])
    if objective is None:
        return None
    return goalsplice.add_key_result(original, document, objective, entry)


def _objective(document: Any, ident: str) -> Any:
    objectives = document.get("objectives") if hasattr(document, "get") else None
    if not isinstance(objectives, list):
        return None
    return next((o for o in objectives if hasattr(o, "get") and str(o.get("id")) == ident), None)


def _dumped(
    yaml: Any, original: str, document: Any, kind: str, fields: Mapping[str, Any], entry: Any
) -> str:
    """The document with the entry, written whole by ruamel.yaml (comments kept; layout
    made canonical), in the line endings of the original."""
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    if document is None:
        document = CommentedMap()
    if kind == "kr":
        target = _objective(document, fields["objective"])
        if target is None:
            raise UsageError(
                f"objective '{fields['objective']}' is not in the block layout okrctl edits",
                hint="run `okrctl check`; nothing was written",
            )
        if "key_results" not in target or target["key_results"] is None:
            target["key_results"] = CommentedSeq()
        target["key_results"].append(entry)
    else:
        section = "objectives" if kind == "objective" else "kpis"
        if section not in document or document[section] is None:
            document[section] = CommentedSeq()
        document[section].append(entry)
    buffer = io.StringIO()
    yaml.dump(document, buffer)
    eol = goalsplice.ending_of(original)
    return buffer.getvalue().replace("\n", eol) if eol != "\n" else buffer.getvalue()


def _validate(repo: Repository, path: str, data: bytes) -> None:
    """Refuse when the new content adds errors to the repository."""
    new_file = parse_goal_file(path, data)
    files = [f for f in repo.files if f.path != path] + [new_file]
    after = Repository(repo.config, tuple(files), repo.discovery)

    def errors(r: Repository) -> set[tuple[str, str, str]]:
        found = settle(r, run_rules(r, Context.build(r)), None)
        return {(d.code, d.file, d.message) for d in found if d.severity is Severity.ERROR}

    introduced = errors(after) - errors(repo)
    if introduced:
        found = settle(after, run_rules(after, Context.build(after)), None)
        raise InvalidEntry([d for d in found if (d.code, d.file, d.message) in introduced])
