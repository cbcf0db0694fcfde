"""People's notes for the review (reviews/CYCLE.yaml, docs/report.md): read with the
bounds of a goal file, and never a reason to stop the report."""

from __future__ import annotations

from pathlib import Path

from okrctl.core.fileio import read_limited
from okrctl.load.configpaths import inside
from okrctl.load.yamlread import MAX_FILE_BYTES, read_yaml


def read_reviews(root: Path, cycle: str, warnings: list[str]) -> dict[str, dict[str, str]]:
    """``{goal id: {field: text}}`` from reviews/CYCLE.yaml under ``root``; {} when there is
    none. A file that cannot be read (a FIFO, a folder, too large, permission denied, not
    YAML, not a mapping) adds a line to ``warnings`` and gives {}."""
    relative = f"reviews/{cycle}.yaml"
    if not inside(root, relative):
        return {}
    try:
        data = read_limited(root / relative, MAX_FILE_BYTES)
    except FileNotFoundError:
        return {}
    except OSError as exc:
        warnings.append(f"{relative}: not read ({exc.strerror or exc})")
        return {}
    value, problems = read_yaml(data)
    if problems or not isinstance(value, dict):
        warnings.append(
            f"{relative}: not read ({problems[0].message if problems else 'not a mapping'})"
        )
        return {}
    out = {}
    for goal, notes in value.items():
        if isinstance(notes, dict):
            out[str(goal)] = {str(k): str(v) for k, v in notes.items() if v is not None}
    return out
