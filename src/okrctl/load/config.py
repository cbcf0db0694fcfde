"""okrctl.yaml: finding it, reading it, and the configuration it describes."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from okrctl.core.codes import make
from okrctl.core.diagnostics import Diagnostic, Severity, Suppression
from okrctl.core.errors import ConfigError
from okrctl.core.i18n import msg
from okrctl.core.model import Cycle, Names, Person, Unit
from okrctl.core.numbers import MAX_DURATION_DAYS, duration_days, parse_number
from okrctl.core.vocabulary import Layout, closed
from okrctl.load.configpaths import CONFIG_NAME as CONFIG_NAME
from okrctl.load.configpaths import find_root as find_root
from okrctl.load.configpaths import goal_globs, usable_path
from okrctl.load.configpaths import inside as inside
from okrctl.load.configsections import (
    entries,
    key_position,
    read_cycles,
    read_people,
    read_units,
    text,
    unit_structure,
)
from okrctl.load.configsources import MetricSource as MetricSource
from okrctl.load.schemadef import DEFAULT_LEVELS, DEFAULT_PERSPECTIVES, DURATION_PATTERN
from okrctl.load.validate import RANGE_HINT, out_of_range, position, validate
from okrctl.load.yamlread import YamlList, YamlMap, read_yaml

DEFAULT_RATINGS: tuple[tuple[float, str], ...] = (
    (1.0, "S"),
    (0.9, "A"),
    (0.8, "B"),
    (0.6, "C"),
    (0.0, "D"),
)
FORMAT_VERSION = 1
DEFAULT_GOALS = ("goals/**/*.yaml",)


@dataclass(frozen=True, slots=True)
class RuleSetting:
    """One entry of okrctl.yaml's ``rules:``: the severity word (``off``, ``warning``...;
    None when only options are set), the options set, and where the key is written."""

    severity: str | None
    options: dict[str, Any]
    line: int
    column: int


@dataclass(frozen=True, slots=True)
class Config:
    """The repository's configuration, with the diagnostics found in okrctl.yaml."""

    root: Path
    org: str | None = None
    levels: tuple[str, ...] = tuple(DEFAULT_LEVELS)
    units: dict[str, Unit] = field(default_factory=dict)
    people: dict[str, Person] = field(default_factory=dict)
    lang: str | None = None  # `lang:`, the default language of human output
    cycles: dict[str, Cycle] = field(default_factory=dict)
    goals: tuple[str, ...] = DEFAULT_GOALS
    goals_line: int = 0
    # where each glob of ``goals`` is written (line, column), parallel to ``goals``
    goals_positions: tuple[tuple[int, int], ...] = ()
    metrics: dict[str, MetricSource] = field(default_factory=dict)
    on_track: float = 0.9
    at_risk: float = 0.7
    okr_weight: float = 0.4
    kpi_weight: float = 0.6
    kr_cap: float = 1.0
    # opt-in rescale of aspirational objectives' scores (docs/formulas.md, "Grading")
    aspirational_full_at: float | None = None
    perspectives: tuple[str, ...] = tuple(DEFAULT_PERSPECTIVES)
    # rules: by the word written (a code or a name)
    rule_settings: dict[str, RuleSetting] = field(default_factory=dict)
    checkins: str = "metrics/checkins.csv"  # DEFAULT_CHECKINS
    checkins_line: int = 0
    ratings: tuple[tuple[float, str], ...] = DEFAULT_RATINGS
    bonus_by_rating: dict[str, float] | None = None
    bonus_formula: dict[str, float] | None = None
    scoring_line: int = 0
    # where each top-level key of okrctl.yaml is written: (line, column), 1-based
    positions: dict[str, tuple[int, int]] = field(default_factory=dict)
    diagnostics: tuple[Diagnostic, ...] = ()
    # its ``# okrctl: disable=...`` comments (docs/rules.md, "Suppressions")
    suppressions: tuple[Suppression, ...] = ()

    @property
    def file(self) -> str:
        """The file the configuration is read from, relative to the root: okrctl.yaml."""
        return CONFIG_NAME

    def has_errors(self) -> bool:
        """Whether any diagnostic of okrctl.yaml is an error."""
        return any(d.severity is Severity.ERROR for d in self.diagnostics)

    def names(self) -> Names:
        """The display names of people and units (``people:``, units' ``name:``)."""
        return Names(
            {pid: p.name for pid, p in self.people.items() if p.name},
            {uid: u.name for uid, u in self.units.items() if u.name},
        )

    def rule_option(self, code: str, name: str) -> int:
        """The value of a rule's option (core/codes.py ``OPTIONS``): as okrctl.yaml's
        ``rules:`` sets it under the rule's code or name, else its default. A value the
        schema refuses (S001: not a whole number, below the minimum) never gets here: a
        broken okrctl.yaml stops the rules."""
        from okrctl.core.codes import OPTIONS, code_of

        value: int = OPTIONS[code][name].default
        for word, setting in self.rule_settings.items():
            given = setting.options.get(name)
            if code_of(word) == code and isinstance(given, int) and not isinstance(given, bool):
                value = given
        return value

    def level_rank(self, level: str | None) -> int | None:
        """0 for the top level; None for an unknown level."""
        if level is None or level not in self.levels:
            return None
        return self.levels.index(level)


DEFAULT_CHECKINS = "metrics/checkins.csv"


def load_config(start: Path) -> Config:
    """Read okrctl.yaml found from ``start``. Unreadable files raise ``ConfigError``."""
    from okrctl.core.fileio import FileTooLarge, read_limited
    from okrctl.load.yamlread import MAX_FILE_BYTES, too_large

    root = find_root(start)
    path = root / CONFIG_NAME
    try:
        data = read_limited(path, MAX_FILE_BYTES)
    except FileTooLarge as exc:
        problem = too_large(exc.size)
        diagnostic = make(problem.code, CONFIG_NAME, 0, 0, problem.message, problem.hint)
        return Config(root=root, diagnostics=(diagnostic,))
    except OSError as exc:
        raise ConfigError(f"cannot read {path}: {exc.strerror or exc}", file=CONFIG_NAME) from exc
    return parse_config(root, data)


def parse_config(root: Path, data: bytes) -> Config:
    """The configuration in ``data`` (okrctl.yaml's bytes, perhaps from a git revision)
    for the repository at ``root``, with its suppression comments; problems become
    diagnostics, never exceptions."""
    from dataclasses import replace

    from okrctl.load.suppressions import find_suppressions

    config = _parse_config(root, data)
    suppressions = find_suppressions(data)
    return replace(config, suppressions=suppressions) if suppressions else config


def _parse_config(root: Path, data: bytes) -> Config:
    value, problems = read_yaml(data)
    diagnostics = [make(p.code, CONFIG_NAME, p.line, p.column, p.message, p.hint) for p in problems]
    if not isinstance(value, YamlMap):
        if value is not None or not diagnostics:
            diagnostics.append(
                make(
                    "S001",
                    CONFIG_NAME,
                    1,
                    1,
                    msg("okrctl.yaml must be a mapping of settings"),
                    msg("start with `okrctl: 1`"),
                )
            )
        return Config(root=root, diagnostics=tuple(diagnostics))
    version = value.get("okrctl")
    if version != FORMAT_VERSION:
        line, column = position(value, ("okrctl",)) if "okrctl" in value else (1, 1)
        shown = "missing" if version is None else f"{version!r}"
        diagnostics.append(
            make(
                "C001",
                CONFIG_NAME,
                line,
                column,
                msg(
                    "format version {shown}: this okrctl reads format version {format_version}",
                    shown=shown,
                    format_version=FORMAT_VERSION,
                ),
                msg("write `okrctl: 1` first in okrctl.yaml; for a newer version, upgrade okrctl"),
            )
        )
        return Config(root=root, diagnostics=tuple(diagnostics))
    for issue in validate(value, "okrctl.schema.json"):
        line, column = position(value, issue.path, issue.at_key)
        diagnostics.append(make(issue.code, CONFIG_NAME, line, column, issue.message, issue.hint))
    for line, column, message in out_of_range(value):
        diagnostics.append(make("S001", CONFIG_NAME, line, column, message, RANGE_HINT))
    return _build(root, value, diagnostics)


def _build(root: Path, data: YamlMap, diagnostics: list[Diagnostic]) -> Config:
    """The configuration in the schema-checked mapping ``data``; findings about meaning
    (duplicates, unit tree, paths outside the repository) are appended to ``diagnostics``
    in the order of okrctl.yaml's sections, and a setting that cannot be read falls back
    to its default (docs/format.md)."""
    levels = data.get("levels")
    levels_t = tuple(x for x in levels if isinstance(x, str)) if isinstance(levels, list) else ()
    levels_t = levels_t or tuple(DEFAULT_LEVELS)

    units = read_units(data, diagnostics)
    diagnostics.extend(unit_structure(units, levels_t))
    cycles = read_cycles(data, diagnostics)

    goals_raw = data.get("goals")
    goals, goals_positions = goal_globs(root, goals_raw, diagnostics) or (DEFAULT_GOALS, ())
    goals_line = goals_raw.line if isinstance(goals_raw, YamlList) else 0

    metrics = _metric_sources(root, data, diagnostics)
    status = _mapping(data.get("status"))
    scoring = _mapping(data.get("scoring"))
    perspectives = data.get("perspectives")
    checkins, checkins_line = _checkins(root, data, diagnostics)
    raw_rules = data.get("rules")
    rules = raw_rules if isinstance(raw_rules, YamlMap) else YamlMap()
    return Config(
        root=root,
        org=text(data.get("org")),
        levels=levels_t,
        units=units,
        people=read_people(data),
        lang=text(data.get("lang")),
        cycles=cycles,
        goals=goals,
        goals_line=goals_line,
        goals_positions=goals_positions,
        positions={key: (lc[0], lc[1]) for key, lc in data.lc.items()},
        metrics=metrics,
        on_track=_num(status.get("on_track"), 0.9),
        at_risk=_num(status.get("at_risk"), 0.7),
        okr_weight=_num(scoring.get("okr_weight"), 0.4),
        kpi_weight=_num(scoring.get("kpi_weight"), 0.6),
        kr_cap=_num(scoring.get("kr_cap"), 1.0),
        aspirational_full_at=_optional_num(scoring.get("aspirational_full_at")),
        perspectives=tuple(p for p in perspectives if isinstance(p, str))
        if isinstance(perspectives, list) and perspectives
        else tuple(DEFAULT_PERSPECTIVES),
        rule_settings=_rule_settings(rules),
        checkins=checkins if isinstance(checkins, str) else DEFAULT_CHECKINS,
        ratings=_ratings(scoring.get("ratings")),
        bonus_by_rating=_numbers(_mapping(scoring.get("bonus")).get("by_rating")),
        bonus_formula=_numbers(_mapping(scoring.get("bonus")).get("formula")),
        scoring_line=data.lc["scoring"][0] if "scoring" in data.lc else 0,
        checkins_line=checkins_line,
        diagnostics=tuple(diagnostics),
    )


def _rule_settings(rules: YamlMap) -> dict[str, RuleSetting]:
    """``rules:`` by the word written; a value of the wrong shape is left to the schema."""
    out = {}
    for key, value in rules.items():
        line, column = rules.lc[key][0], rules.lc[key][1]
        if isinstance(value, str):
            out[key] = RuleSetting(value, {}, line, column)
        elif isinstance(value, dict):
            severity = value.get("severity")
            options = {k: v for k, v in value.items() if k != "severity"}
            out[key] = RuleSetting(
                severity if isinstance(severity, str) else None, options, line, column
            )
    return out


def _metric_sources(
    root: Path, data: YamlMap, diagnostics: list[Diagnostic]
) -> dict[str, MetricSource]:
    """The metric sources of okrctl.yaml by name. A source without a name, or without a
    path or url, is skipped (the schema reports it); a duplicate name is C006 (the first is
    kept); a path that is unusable or outside the repository is C002 and the source is
    dropped, as is a database source okrctl cannot use (configsources.py); a
    ``stale_after`` beyond okrctl's range is S001. ``delimiter: tab`` means a tab."""
    metrics: dict[str, MetricSource] = {}
    for raw in entries(data, "metrics"):
        name, path = raw.get("name"), raw.get("path")
        database = isinstance(raw.get("url"), str)
        if database:
            path = ""  # a database (configsources.py)
        if not isinstance(name, str) or not isinstance(path, str):
            continue
        if name in metrics:
            diagnostics.append(
                make(
                    "C006",
                    CONFIG_NAME,
                    *key_position(raw, "name"),
                    msg(
                        "metric source '{name}' is defined twice (first at line {line})",
                        name=name,
                        line=metrics[name].line,
                    ),
                )
            )
            continue
        _check_duration(raw, f"metric source '{name}'", diagnostics)
        if database:
            from okrctl.load.configsources import database_source

            source = database_source(root, raw, name, diagnostics)
            if source is not None:
                metrics[name] = source
            continue
        if not usable_path(
            root,
            path,
            key_position(raw, "path"),
            f"metric source '{name}' path",
            "metric dumps must live inside the repository",
            diagnostics,
        ):
            continue
        columns = raw.get("columns")
        delimiter = text(raw.get("delimiter"))
        metrics[name] = MetricSource(
            name=name,
            path=path,
            layout=closed(Layout, text(raw.get("layout")), Layout.LONG),
            columns={k: v for k, v in columns.items() if isinstance(v, str)}
            if isinstance(columns, dict)
            else {},
            encoding=text(raw.get("encoding")),
            delimiter="\t" if delimiter == "tab" else delimiter,
            decimal=text(raw.get("decimal")) or ".",
            date_format=text(raw.get("date_format")),
            stale_after=text(raw.get("stale_after")),
            line=raw.line,
            column=raw.column,
            sheet=text(raw.get("sheet")),
        )
    return metrics


def _checkins(root: Path, data: YamlMap, diagnostics: list[Diagnostic]) -> tuple[str | None, int]:
    """The check-ins file okrctl.yaml names, if usable (None means the default), and the
    line of its ``checkins`` key (0 if absent). An unusable path, or a default that is a
    link out of the repository, is C002 appended to ``diagnostics``."""
    checkins = data.get("checkins")
    checkins_line = data.lc["checkins"][2] if "checkins" in data.lc else 0
    if isinstance(checkins, str) and not usable_path(
        root,
        checkins,
        (checkins_line, data.lc["checkins"][3]),
        "checkins path",
        "keep the check-ins file inside the repository",
        diagnostics,
    ):
        checkins = None
    elif not isinstance(checkins, str) and not inside(root, DEFAULT_CHECKINS):
        diagnostics.append(
            make(
                "C002",
                CONFIG_NAME,
                1,
                1,
                msg(
                    "the check-ins file {default_checkins} (the default) is a link that points "
                    "outside the repository; it is not read",
                    default_checkins=DEFAULT_CHECKINS,
                ),
                msg("keep the check-ins file inside the repository"),
            )
        )
    return (checkins if isinstance(checkins, str) else None), checkins_line


def _check_duration(raw: YamlMap, label: str, diagnostics: list[Diagnostic]) -> None:
    """S001 for a ``stale_after`` written as a duration but longer than okrctl computes
    with (the schema checks the notation only)."""
    text = raw.get("stale_after")
    if isinstance(text, str) and re.fullmatch(DURATION_PATTERN, text) and not duration_days(text):
        line, column = raw.lc["stale_after"][2:]
        shown = text if len(text) <= 24 else f"{text[:12]}… ({len(text)} characters)"
        diagnostics.append(
            make(
                "S001",
                CONFIG_NAME,
                line,
                column,
                msg(
                    "{label}: stale_after {shown} is out of range: at most {max_duration_days:,} "
                    "days (100 years)",
                    label=label,
                    shown=shown,
                    max_duration_days=MAX_DURATION_DAYS,
                ),
                RANGE_HINT,
            )
        )


def _ratings(value: Any) -> tuple[tuple[float, str], ...]:
    if not isinstance(value, list):
        return DEFAULT_RATINGS
    bands = []
    for band in value:
        if isinstance(band, dict) and isinstance(band.get("rating"), str):
            try:
                bands.append((parse_number(band.get("min")), band["rating"]))
            except ValueError:
                continue
    return tuple(sorted(bands, reverse=True)) or DEFAULT_RATINGS


def _numbers(value: Any) -> dict[str, float] | None:
    if not isinstance(value, dict):
        return None
    out = {}
    for key, number in value.items():
        try:
            out[str(key)] = parse_number(number)
        except ValueError:
            continue
    return out


def _mapping(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _optional_num(value: Any) -> float | None:
    if value is None:
        return None
    try:
        return parse_number(value)
    except ValueError:
        return None


def _num(value: Any, default: float) -> float:
    try:
        return parse_number(value)
    except ValueError:
        return default
