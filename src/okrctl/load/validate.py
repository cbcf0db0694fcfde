"""Validate loaded YAML against okrctl's JSON Schemas and explain failures in plain words.

A compiled validator (fastjsonschema) answers "valid?" quickly for the common case; only
a file that fails is run through jsonschema to collect every error with its path, and each
error becomes a message that names the field, the entry and a fix.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path as FilePath
from typing import Any

from okrctl.core.diagnostics import did_you_mean
from okrctl.core.i18n import N_, msg
from okrctl.core.numbers import describe
from okrctl.load.schemadef import SCHEMAS
from okrctl.load.yamlread import YamlList, YamlMap

Path = tuple[str | int, ...]

_COMPILED: dict[str, Callable[[Any], Any]] = {}


@dataclass(frozen=True, slots=True)
class SchemaIssue:
    """One schema failure: ``code`` S001 (shape) or S002 (unknown key)."""

    code: str
    path: Path
    message: str
    hint: str | None
    at_key: bool


def _compiled(name: str) -> Callable[[Any], Any]:
    """The compiled validator of a schema; its code object is kept, signed, in the user's
    cache (outside any repository), so later runs skip generating and compiling it."""
    if name not in _COMPILED:
        _COMPILED[name] = _load_compiled(name)
    return _COMPILED[name]


def _cache_entry(name: str) -> FilePath:
    """Where the compiled validator of ``name`` is kept. The name covers everything the
    code object depends on: the schema, the Python version (marshal's format and the
    bytecode) and the fastjsonschema version (the generated code and what it imports)."""
    import hashlib
    import json
    import sys

    import fastjsonschema

    from okrctl.core.signing import cache_home

    digest = hashlib.blake2b(
        json.dumps(SCHEMAS[name], sort_keys=True).encode()
        + sys.version.encode()
        + f"fastjsonschema {fastjsonschema.VERSION}".encode(),
        digest_size=12,
    ).hexdigest()
    return cache_home() / f"validator-{name}-{digest}.marshal"


def _load_compiled(name: str) -> Callable[[Any], Any]:
    """The validator from the cache if this machine's okrctl signed the entry; otherwise
    (no entry, unsigned, signed elsewhere, unreadable) compiled afresh and stored signed.
    An entry is code okrctl would run: one it did not write itself is never executed."""
    import marshal

    from okrctl.core.signing import machine_key, signed, verified

    key = machine_key()
    path = _cache_entry(name)
    namespace: dict[str, Any] = {}
    if key is not None:
        try:
            payload = verified(key, path.read_bytes(), path.name.encode())
            if payload is not None:
                entry, code = marshal.loads(payload)
                exec(code, namespace)
                return namespace[entry]  # type: ignore[no-any-return]
        except Exception:
            namespace.clear()
    entry, code = _compile(name)
    exec(code, namespace)
    if key is not None:
        _store(path, signed(key, marshal.dumps((entry, code)), path.name.encode()))
    return namespace[entry]  # type: ignore[no-any-return]


def _compile(name: str) -> tuple[str, Any]:
    """Generate and compile the validator: (its function's name, the code object)."""
    import re

    import fastjsonschema

    source = fastjsonschema.compile_to_code(SCHEMAS[name])
    match = re.search(r"^def (validate\w*)\(", source, re.MULTILINE)
    assert match is not None, "fastjsonschema generated no validate function"
    return match.group(1), compile(source, f"<okrctl {name} validator>", "exec")


def _store(path: FilePath, blob: bytes) -> None:
    from okrctl.core.fileio import write_atomic

    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(path, blob, sync=False)  # a torn entry fails its signature
    except OSError:
        pass  # no writable cache: the next run compiles again


def validate(data: Any, name: str) -> list[SchemaIssue]:
    """Every schema issue in ``data`` against schema file ``name``; [] when valid."""
    validator = _compiled(name)
    import fastjsonschema  # already loaded by the validator's own code

    try:
        validator(data)
        return []
    except fastjsonschema.JsonSchemaException:
        pass
    return sorted(_explain_all(data, SCHEMAS[name]), key=lambda i: _path_key(i.path))


def _path_key(path: Path) -> tuple[tuple[int, str], ...]:
    return tuple((p, "") if isinstance(p, int) else (-1, p) for p in path)


def _explain_all(data: Any, schema: dict[str, Any]) -> Iterator[SchemaIssue]:
    from jsonschema import Draft7Validator

    errors = list(Draft7Validator(schema).iter_errors(data))
    # a value of the wrong type is one mistake: its type error alone, not also "must be
    # one of ..." for the same value
    mistyped = {tuple(e.absolute_path) for e in errors if e.validator == "type"}
    seen: set[tuple[Path, str]] = set()
    for error in errors:
        if error.validator == "enum" and tuple(error.absolute_path) in mistyped:
            continue
        for issue in _explain(error, data):
            marker = (issue.path, issue.message)
            if marker not in seen:
                seen.add(marker)
                yield issue


def _x_message(schema: dict[str, Any], field: str, instance: Any) -> str:
    """The schema node's ``x-message`` about ``instance`` in ``field``, as a message."""
    return msg(schema["x-message"], field=field, shown=describe(instance))


def _hint(schema: dict[str, Any]) -> tuple[str | None, bool]:
    """The ``x-hint`` of a schema node as a message, and ``at_key`` False."""
    return (msg(schema["x-hint"]) if schema.get("x-hint") else None), False


def _unknown_keys(
    path: Path, where: str, instance: dict[str, Any], allowed: list[str]
) -> Iterator[SchemaIssue]:
    """An S002 for each key of ``instance`` the schema does not allow, with a hint."""
    for key in instance:
        if key in allowed:
            continue
        hint = None
        if key == "<<":
            hint = msg("merge keys (<<) are not supported; use the file's `defaults:`")
        elif key.isdigit():
            hint = msg(
                "inside { } or [ ] a comma separates entries, so 1,600,000 splits; "
                "quote it: '1,600,000'"
            )
        elif allowed:
            hint = msg("allowed keys: {keys}", keys=", ".join(allowed))
        yield SchemaIssue(
            "S002",
            (*path, key),
            msg(
                "{where}unknown key '{key}'{suggestion}",
                where=where,
                key=key,
                suggestion=did_you_mean(key, allowed),
            ),
            hint,
            True,
        )


def _explain(error: Any, root: Any) -> Iterator[SchemaIssue]:
    path: Path = tuple(error.absolute_path)
    where = _entry_name(root, path)
    field = _field_name(path)
    instance = error.instance
    schema = error.schema if isinstance(error.schema, dict) else {}
    kind = error.validator
    if kind == "additionalProperties" and isinstance(instance, dict):
        yield from _unknown_keys(path, where, instance, list(schema.get("properties", {})))
        return
    if kind == "required":
        missing = error.message.split("'")[1] if "'" in error.message else error.message
        text = msg("{where}missing required key '{key}'", where=where, key=missing)
        yield SchemaIssue("S001", path, text, None, False)
        return
    if kind in ("anyOf", "oneOf", "pattern", "type", "format") and "x-message" in schema:
        text = msg("{where}{text}", where=where, text=_x_message(schema, field, instance))
        yield SchemaIssue("S001", path, text, *_hint(schema))
        return
    if kind == "enum":
        options = [str(o) for o in error.validator_value]
        guess = did_you_mean(str(instance), options) if isinstance(instance, str) else ""
        yield SchemaIssue(
            "S001",
            path,
            msg(
                "{where}{field} {shown} must be one of {options}{suggestion}",
                where=where,
                field=field,
                shown=describe(instance),
                options=", ".join(options),
                suggestion=guess,
            ),
            None,
            False,
        )
        return
    if kind == "type":
        wanted = error.validator_value
        wanted_text = " or ".join(wanted) if isinstance(wanted, list) else str(wanted)
        article = "an" if wanted_text[0] in "aeiou" else "a"
        yield SchemaIssue(
            "S001",
            path,
            f"{where}{field} must be {article} {wanted_text}, got {describe(instance)}",
            _type_hint(wanted_text, instance),
            False,
        )
        return
    if kind in ("anyOf", "oneOf") and error.context:
        # the deepest failure; at one depth, the branch of the value's own type (an unknown
        # key in a mapping says more than "must be a string")
        best = min(
            error.context,
            key=lambda e: (
                len(list(e.absolute_path)) * -1,
                e.validator in ("type", "enum") and isinstance(e.instance, dict),
            ),
        )
        yield from _explain(best, root)
        return
    yield SchemaIssue("S001", path, f"{where}{field}: {error.message}", None, False)


def _type_hint(wanted: str, instance: Any) -> str | None:
    if wanted == "string" and isinstance(instance, bool):
        return "quote it if it is meant as text"
    if wanted == "object" and instance is None:
        return "give it at least one key, or remove it"
    if wanted == "array" and isinstance(instance, str):
        return "write a list: [a, b] or one '- item' per line"
    return None


def _field_name(path: Path) -> str:
    for part in reversed(path):
        if isinstance(part, str):
            return f"`{part}`"
    return "the file"


def _entry_name(root: Any, path: Path) -> str:
    """``objective 'MKT-1': `` for the innermost entry on the path, or ''."""
    names = {
        "objectives": N_("objective"),
        "key_results": N_("key result"),
        "kpis": "KPI",
        "scorecards": N_("scorecard"),
        "units": N_("unit"),
        "cycles": N_("cycle"),
        "metrics": N_("metric source"),
    }
    found = ""
    node = root
    kind = ""
    parent_id = ""
    for part in path:
        try:
            node = node[part]
        except (KeyError, IndexError, TypeError):
            break
        if isinstance(part, str):
            kind = names.get(part, "")
        elif kind and isinstance(node, dict):
            ident = node.get("id", node.get("name"))
            if isinstance(ident, str):
                shown = f"{parent_id}/{ident}" if kind == "key result" and parent_id else ident
                found = msg("{kind} '{id}': ", kind=msg(kind), id=shown)
                parent_id = ident
            else:
                found = msg("{kind} #{number}: ", kind=msg(kind), number=part + 1)
    return found


def position(root: Any, path: Path, at_key: bool = False) -> tuple[int, int]:
    """1-based (line, column) of the value (or key) at ``path``; the nearest known one."""
    node = root
    line, column = getattr(root, "line", 1) or 1, getattr(root, "column", 1) or 1
    for part in path:
        if isinstance(node, YamlMap) and isinstance(part, str) and part in node.lc:
            kline, kcol, vline, vcol = node.lc[part]
            line, column = (kline, kcol) if at_key else (vline, vcol)
            node = node[part]
        elif isinstance(node, YamlList) and isinstance(part, int) and part < len(node.lc):
            line, column = node.lc[part]
            node = node[part]
        else:
            break
    return line, column


RANGE_HINT = "write the value out within that range (docs/format.md, Numbers)"


def _weighted(key: str, value: Any) -> bool:
    """``measures: {KPI-X: 0.5}``: ids kept as written, with weights that are numbers."""
    return key == "measures" and isinstance(value, dict)


def out_of_range(data: Any) -> Iterator[tuple[int, int, str]]:
    """``(line, column, message)`` of every number okrctl cannot compute with (outside
    ``numbers.MAX_MAGNITUDE`` / ``MIN_MAGNITUDE``), wherever it is written. The schemas
    check a number's notation only; values under ``TEXT_KEYS`` are names, not numbers."""
    from okrctl.core.numbers import NumberError, is_number_text, parse_number
    from okrctl.load.yamlread import TEXT_KEYS, YamlList, YamlMap

    stack: list[tuple[Any, int, int]] = [(data, 1, 1)]
    while stack:
        value, line, column = stack.pop()
        if isinstance(value, YamlMap):
            for key, item in value.items():
                if key in value.lc and (key not in TEXT_KEYS or _weighted(key, item)):
                    stack.append((item, value.lc[key][2], value.lc[key][3]))
        elif isinstance(value, YamlList):
            stack.extend((item, *at) for item, at in zip(value, value.lc, strict=False))
        elif isinstance(value, int | float | str) and not isinstance(value, bool):
            if isinstance(value, str) and not is_number_text(value):
                continue
            try:
                parse_number(value)
            except NumberError as error:
                if error.out_of_range:
                    yield line, column, str(error)
