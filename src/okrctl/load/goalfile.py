"""One goal file, from bytes to model records and the problems found in it alone.

What comes out depends on the file's bytes and nothing else (not on okrctl.yaml), which
is what lets the cache key results by a hash of the content.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from okrctl.core.codes import make
from okrctl.core.diagnostics import Diagnostic
from okrctl.core.model import (
    GoalFile,
    GoalType,
    KeyResult,
    Kpi,
    KRKind,
    Link,
    Measure,
    MetricRef,
    Objective,
    Perspective,
    Ref,
    Scorecard,
    pack_positions,
)
from okrctl.core.numbers import is_relative_text, parse_target
from okrctl.load.goalvalues import (
    entries,
    flag,
    items,
    mapping,
    number,
    text,
    where,
    written_as_percent,
)
from okrctl.load.validate import RANGE_HINT, out_of_range, position, validate
from okrctl.load.written import keep_text
from okrctl.load.yamlread import YamlList, YamlMap, read_yaml

_DEFAULTABLE = ("cycle", "unit", "owner", "level", "type", "perspective")
_SCORING = ("zero_below", "full_at", "cap")
_NO_TEXTS: dict[str, str] = {}  # shared by the records with no number texts; never mutated


def parse_goal_file(path: str, data: bytes) -> GoalFile:
    """Read, validate and shape one goal file. Never raises for bad content."""
    value, problems = read_yaml(data)
    diagnostics: list[Diagnostic] = [
        make(p.code, path, p.line, p.column, p.message, p.hint) for p in problems
    ]
    if value is None:
        if not problems:
            diagnostics.append(
                make("Y011", path, 1, 1, "goal file is empty", "add goals, or delete the file")
            )
        return GoalFile(path, (), (), (), tuple(diagnostics))
    if not isinstance(value, YamlMap):
        diagnostics.append(
            make(
                "S001",
                path,
                getattr(value, "line", 1) or 1,
                getattr(value, "column", 1) or 1,
                "a goal file must be a mapping with objectives:, kpis: or scorecards:",
                "start the file with `objectives:`",
            )
        )
        return GoalFile(path, (), (), (), tuple(diagnostics))
    for issue in validate(value, "goals.schema.json"):
        line, column = position(value, issue.path, issue.at_key)
        diagnostics.append(make(issue.code, path, line, column, issue.message, issue.hint))
    for line, column, message in out_of_range(value):
        diagnostics.append(make("S001", path, line, column, message, RANGE_HINT))
    builder = _Builder(path, value, diagnostics)
    return GoalFile(
        path,
        tuple(builder.objectives()),
        tuple(builder.kpis()),
        tuple(builder.scorecards()),
        tuple(diagnostics),
    )


# list fields whose items are ids, located one by one (``at("balanced_by[1]")``)
_ITEM_POSITIONS = ("balanced_by", "objectives")


class _Builder:
    def __init__(self, path: str, data: YamlMap, diagnostics: list[Diagnostic]) -> None:
        self.path = path
        self.data = data
        self.diagnostics = diagnostics
        raw_defaults = data.get("defaults")
        self.defaults: YamlMap = raw_defaults if isinstance(raw_defaults, YamlMap) else YamlMap()

    def _with_defaults(
        self, raw: YamlMap, keys: tuple[str, ...]
    ) -> tuple[dict[str, Any], dict[str, int]]:
        """Field values with file defaults filled in, and packed positions for all of them."""
        values: dict[str, Any] = dict(raw)
        lc = pack_positions(raw.lc)
        for key in _ITEM_POSITIONS:
            listed = raw.get(key)
            if isinstance(listed, YamlList):
                # each id of a list of ids, so a finding can point at the one it names
                lc.update(
                    pack_positions({f"{key}[{i}]": (*at, *at) for i, at in enumerate(listed.lc)})
                )
        missing = [k for k in keys if k not in raw and k in self.defaults]
        if missing:
            defaults = pack_positions(self.defaults.lc)
            for key in missing:
                values[key] = self.defaults[key]
                lc[key] = defaults[key]
        return values, lc

    def _problem(
        self, code: str, node: YamlMap, key: str, message: str, hint: str | None = None
    ) -> None:
        line, column = position(node, (key,)) if key in node else (node.line, node.column)
        self.diagnostics.append(make(code, self.path, line, column, message, hint))

    def _plan(self, raw: Any, texts: dict[str, str]) -> tuple[tuple[dt.date, float], ...]:
        if not isinstance(raw, list):
            return ()
        points: list[tuple[dt.date, float]] = []
        for item in raw:
            if not isinstance(item, YamlMap):
                continue
            day = self._date(item, "date")
            value = number(item.get("value"))
            if day is not None and value is not None:
                keep_text(texts, f"plan.{len(points)}", item, "value", value)
                points.append((day, value))
        return tuple(points)

    def _date(self, node: YamlMap, key: str) -> dt.date | None:
        written = node.get(key)
        if not isinstance(written, str):
            return None
        try:
            return dt.date.fromisoformat(written)
        except ValueError:
            if len(written) == 10 and written[4] == "-" and written[7] == "-":
                self._problem("S004", node, key, f"`{key}` '{written}' is not a calendar date")
            return None

    def objectives(self) -> list[Objective]:
        out = []
        for raw in entries(self.data, "objectives"):
            values, lc = self._with_defaults(raw, _DEFAULTABLE)
            oid = raw["id"]
            krs_raw = raw.get("key_results")
            krs = []
            if isinstance(krs_raw, list):
                for item in krs_raw:
                    if isinstance(item, YamlMap) and isinstance(item.get("id"), str):
                        krs.append(self._key_result(oid, item))
            kind = values.get("type")
            aligns = text(values.get("aligns_to"))
            out.append(
                Objective(
                    file=self.path,
                    line=raw.line,
                    column=raw.column,
                    lc=lc,
                    id=oid,
                    title=text(values.get("title")) or "",
                    owner=text(values.get("owner")),
                    unit=text(values.get("unit")),
                    cycle=text(values.get("cycle")),
                    level=text(values.get("level")),
                    aligns_to=Ref.parse(aligns) if aligns else None,
                    type=GoalType.COMMITTED if kind == "committed" else GoalType.ASPIRATIONAL,
                    perspective=text(values.get("perspective")),
                    draft=flag(values.get("draft")),
                    description=text(values.get("description")),
                    tags=tuple(t for t in items(values.get("tags")) if isinstance(t, str)),
                    key_results=tuple(krs),
                )
            )
        return out

    def _key_result(self, objective_id: str, raw: YamlMap) -> KeyResult:
        kind = KRKind.METRIC
        target = raw.get("target")
        baseline = number(raw.get("baseline"))
        target_value: float | None = None
        relative = low = high = None
        if isinstance(target, list) and len(target) == 2:
            kind = KRKind.RANGE
            low, high = number(target[0]), number(target[1])
        elif is_relative_text(target):
            kind = KRKind.RELATIVE
            parsed = parse_target(target)
            relative = getattr(parsed, "fraction", None)
        elif target is not None:
            target_value = number(target)
        at_least, at_most = number(raw.get("at_least")), number(raw.get("at_most"))
        kind = self._kr_kind(raw, objective_id, kind, (at_least, at_most), (low, high))
        metric = text(raw.get("metric"))
        texts: dict[str, str] = {}
        for name, value in (("baseline", baseline), ("at_least", at_least), ("at_most", at_most)):
            keep_text(texts, name, raw, name, value)
        weight = number(raw.get("weight"))
        keep_text(texts, "weight", raw, "weight", weight)
        keep_text(texts, "target", raw, "target", target_value)
        keep_text(texts, "relative", raw, "target", relative)
        keep_text(texts, "low", target, 0, low)
        keep_text(texts, "high", target, 1, high)
        plan = self._plan(raw.get("plan"), texts)
        return KeyResult(
            file=self.path,
            line=raw.line,
            column=raw.column,
            lc=pack_positions(raw.lc),
            id=raw["id"],
            objective_id=objective_id,
            title=text(raw.get("title")) or "",
            kind=kind,
            metric=MetricRef.parse(metric) if metric and ":" in metric else None,
            where=where(raw.get("where")),
            aggregate=text(raw.get("aggregate")) or "last",
            baseline=baseline,
            target=target_value,
            relative=relative,
            low=low,
            high=high,
            at_least=at_least,
            at_most=at_most,
            done=raw.get("done") if isinstance(raw.get("done"), bool) else None,
            weight=weight,
            plan=plan,
            unit_label=text(raw.get("unit_label")),
            owner=text(raw.get("owner")),
            draft=flag(raw.get("draft")),
            percent=written_as_percent(raw, ("target", "baseline", "at_least", "at_most")),
            written=texts or _NO_TEXTS,
            checkin_every=text(raw.get("checkin_every")),
        )

    def _kr_kind(
        self,
        raw: YamlMap,
        objective_id: str,
        kind: KRKind,
        guards: tuple[float | None, float | None],
        bounds: tuple[float | None, float | None],
    ) -> KRKind:
        """The kind of a key result whose target reads as ``kind``, once its other keys
        are seen; keys that do not fit the kind are reported (S003)."""
        at_least, at_most = guards
        low, high = bounds
        milestone = flag(raw.get("milestone"))
        label = f"key result '{objective_id}/{raw['id']}'"
        if milestone:
            kind = KRKind.MILESTONE
            for key in ("target", "baseline", "at_least", "at_most"):
                if key in raw:
                    self._problem(
                        "S003",
                        raw,
                        key,
                        f"{label} is a milestone and cannot have `{key}`",
                        "a milestone is done or not: use `done: true|false`, or drop "
                        "`milestone: true`",
                    )
        elif at_least is not None or at_most is not None:
            if at_least is not None and at_most is not None:
                self._problem(
                    "S003",
                    raw,
                    "at_most",
                    f"{label} has both `at_least` and `at_most`",
                    "one guard per key result; for a band use `target: [low, high]`",
                )
            if "target" in raw:
                self._problem(
                    "S003",
                    raw,
                    "target",
                    f"{label} is a guardrail and cannot have `target`",
                    "keep `at_least`/`at_most`, or make it a metric key result with `target`",
                )
            kind = KRKind.GUARDRAIL
        elif "target" not in raw:
            self._problem(
                "S003",
                raw,
                "id",
                f"{label} has no `target`, guard or `milestone: true`",
                "add `target: VALUE`, `at_most: VALUE`, or `milestone: true` with `done:`",
            )
        if "done" in raw and not milestone:
            self._problem(
                "S003",
                raw,
                "done",
                f"{label} has `done` but is not a milestone",
                "add `milestone: true`, or remove `done`",
            )
        if kind is KRKind.RELATIVE and "baseline" not in raw and "metric" not in raw:
            self._problem(
                "S003",
                raw,
                "target",
                f"{label} has a relative target but no baseline or metric",
                "give `baseline:`, or a `metric:` whose value at cycle start is the baseline",
            )
        if kind is KRKind.RANGE and low is not None and high is not None and low > high:
            self._problem(
                "S003",
                raw,
                "target",
                f"{label} has a range whose low end {low:g} is above its high end {high:g}",
                "write the range as [low, high]",
            )
        return kind

    def kpis(self) -> list[Kpi]:
        out = []
        for raw in entries(self.data, "kpis"):
            values, lc = self._with_defaults(raw, ("cycle", "unit", "owner", "perspective"))
            scoring = mapping(raw.get("scoring"))
            texts: dict[str, str] = {}
            bands: list[tuple[float, float]] = []
            for band in items(raw.get("bands")):
                if isinstance(band, list) and len(band) == 2:
                    low, score = number(band[0]), number(band[1])
                    if low is not None and score is not None:
                        keep_text(texts, f"bands.{len(bands)}.0", band, 0, low)
                        keep_text(texts, f"bands.{len(bands)}.1", band, 1, score)
                        bands.append((low, score))
            numbers = {name: number(raw.get(name)) for name in ("target", "weight")}
            numbers.update({name: number(scoring.get(name)) for name in _SCORING})
            for name, value in numbers.items():
                keep_text(texts, name, scoring if name in _SCORING else raw, name, value)
            balanced = raw.get("balanced_by")
            balanced_t = (
                (balanced,)
                if isinstance(balanced, str)
                else tuple(b for b in balanced if isinstance(b, str))
                if isinstance(balanced, list)
                else ()
            )
            metric = text(raw.get("metric"))
            supports = text(raw.get("supports"))
            out.append(
                Kpi(
                    file=self.path,
                    line=raw.line,
                    column=raw.column,
                    lc=lc,
                    id=raw["id"],
                    title=text(raw.get("title")) or "",
                    owner=text(values.get("owner")),
                    unit=text(values.get("unit")),
                    cycle=text(values.get("cycle")),
                    metric=MetricRef.parse(metric) if metric and ":" in metric else None,
                    where=where(raw.get("where")),
                    aggregate=text(raw.get("aggregate")) or "last",
                    period=text(raw.get("period")) or "cycle",
                    direction=text(raw.get("direction")) or "higher",
                    target=numbers["target"],
                    weight=numbers["weight"],
                    zero_below=numbers["zero_below"],
                    full_at=numbers["full_at"],
                    cap=numbers["cap"],
                    bands=tuple(bands),
                    supports=Ref.parse(supports) if supports else None,
                    perspective=text(values.get("perspective")),
                    balanced_by=balanced_t,
                    unit_label=text(raw.get("unit_label")),
                    draft=flag(raw.get("draft")),
                    description=text(raw.get("description")),
                    tags=tuple(t for t in items(raw.get("tags")) if isinstance(t, str)),
                    percent=written_as_percent(raw, ("target",)),
                    written=texts or _NO_TEXTS,
                )
            )
        return out

    def _measures(self, raw: Any) -> tuple[Measure, ...]:
        if isinstance(raw, YamlList):
            return tuple(
                Measure(item, None, *raw.lc[i])
                for i, item in enumerate(raw)
                if isinstance(item, str)
            )
        if isinstance(raw, YamlMap):
            return tuple(
                Measure(key, number(weight), raw.lc[key][0], raw.lc[key][1])
                for key, weight in raw.items()
            )
        return ()

    def scorecards(self) -> list[Scorecard]:
        out = []
        for raw in entries(self.data, "scorecards"):
            values, lc = self._with_defaults(raw, ("cycle", "unit", "owner"))
            perspectives = []
            raw_p = raw.get("perspectives")
            if isinstance(raw_p, YamlMap):
                for name, spec in raw_p.items():
                    line, column = raw_p.lc[name][:2]
                    if not isinstance(spec, YamlMap):
                        continue
                    perspectives.append(
                        Perspective(
                            name=name,
                            title=text(spec.get("title")),
                            weight=number(spec.get("weight")),
                            measures=self._measures(spec.get("measures")),
                            line=line,
                            column=column,
                        )
                    )
            links = []
            raw_links = raw.get("links")
            if isinstance(raw_links, YamlList):
                for index, pair in enumerate(raw_links):
                    if (
                        isinstance(pair, list)
                        and len(pair) == 2
                        and all(isinstance(p, str) for p in pair)
                    ):
                        links.append(Link(pair[0], pair[1], *raw_links.lc[index]))
            objectives = raw.get("objectives")
            okr_weight, kpi_weight = number(raw.get("okr_weight")), number(raw.get("kpi_weight"))
            texts: dict[str, str] = {}
            keep_text(texts, "okr_weight", raw, "okr_weight", okr_weight)
            keep_text(texts, "kpi_weight", raw, "kpi_weight", kpi_weight)
            out.append(
                Scorecard(
                    file=self.path,
                    line=raw.line,
                    column=raw.column,
                    lc=lc,
                    id=raw["id"],
                    title=text(raw.get("title")),
                    kind=text(raw.get("kind")) or "individual",
                    cycle=text(values.get("cycle")),
                    owner=text(values.get("owner")),
                    unit=text(values.get("unit")),
                    perspectives=tuple(perspectives),
                    links=tuple(links),
                    objectives=tuple(o for o in objectives if isinstance(o, str))
                    if isinstance(objectives, list)
                    else (),
                    kpis=self._measures(raw.get("kpis")),
                    okr_weight=okr_weight,
                    kpi_weight=kpi_weight,
                    draft=flag(raw.get("draft")),
                    description=text(raw.get("description")),
                    written=texts or _NO_TEXTS,
                )
            )
        return out
