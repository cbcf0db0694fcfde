"""Metric data (D): the contracts metric dumps must keep for progress to be computed.

These rules read the CSV files; `okrctl check --no-data` skips them. Problems inside a
file point at its line; problems of a goal's data point at the goal.
"""

from __future__ import annotations

from collections.abc import Iterator

from okrctl.diagnostics import Diagnostic, Severity, did_you_mean
from okrctl.metrics.engine import CHECKINS
from okrctl.metrics.source import Request
from okrctl.model import Cycle, KeyResult, Kpi, KRKind
from okrctl.numbers import duration_days
from okrctl.rules.context import Context
from okrctl.rules.registry import documented, make, rule

E, W = Severity.ERROR, Severity.WARNING

documented(
    "D001",
    "duplicate-row",
    E,
    """Two rows of a metric file have the same date, metric and dimension values (in a
    wide file: the same date). okrctl neither sums nor drops them.

    Anti-pattern: an export run twice into the same file, so 2026-10-05 users_total/social
    appears on lines 40 and 1040.

    Fix: remove one of them; the message names both lines.
    """,
)
documented(
    "D002",
    "bad-number",
    E,
    """A value cell that is not a number (``n/a``, ``12 apples``) or not finite (``inf``,
    ``NaN``). Numbers may be written as in goal files (``45%``, ``1,200``, ``1.2M``,
    ``200万``), with a decimal comma where the source says ``decimal: ","``.

    Anti-pattern: ``2026-10-05,users_total,n/a``.

    Fix: export a number, or leave the cell empty for "no data" (empty is missing, never
    zero).
    """,
)
documented(
    "D003",
    "bad-date",
    E,
    """A date cell that is not an ISO date. Other formats are read only when the source
    declares ``date_format:``; okrctl never guesses whether 01/02 is January or February.

    Anti-pattern: ``05/10/2026`` in a source without ``date_format``.

    Fix: export ISO dates, or set ``date_format: "%d/%m/%Y"`` on the source.
    """,
)
documented(
    "D007",
    "data-encoding",
    E,
    """A metric file whose text went through a lossy conversion (U+FFFD replacement
    characters), whose bytes are neither UTF-8 nor GB18030, or whose bytes do not decode in
    the ``encoding:`` declared for it. Such a file is not used until its encoding is
    declared correctly.

    Anti-pattern: a Latin-1 export opened and re-saved as UTF-8, ``37°36'`` now ``37�36'``.

    Fix: re-export as UTF-8 or GB18030, or declare ``encoding:`` on the source.
    """,
)
documented(
    "D008",
    "empty-value",
    W,
    """A row of a long-layout file with an empty value: missing data, which okrctl keeps
    apart from zero.

    Anti-pattern: ``2026-10-05,users_total,,social``.

    Fix: export the value, or drop the row.
    """,
)
documented(
    "D009",
    "ragged-row",
    E,
    """A row with more or fewer fields than the header; its values cannot be placed.

    Anti-pattern: ``2026-10-05,users_total,1200,social,extra``.

    Fix: check for a stray delimiter or a missing quote.
    """,
)
documented(
    "D010",
    "unreadable-data",
    E,
    """A metric file that cannot be read as CSV: missing, empty, binary (NUL bytes),
    without its date/metric/value columns, or with malformed quoting.

    Anti-pattern: ``path: metrics/crm.csv`` pointing at an empty or truncated download.

    Fix: export the file again; map header names with ``columns:``.
    """,
)


def _measured_in(ctx: Context) -> list[tuple[KeyResult | Kpi, Cycle | None]]:
    """Every non-draft key result and KPI with its cycle, computed once per check."""
    cached = ctx.memo.get("data.measured")
    if cached is None:
        items: list[tuple[KeyResult | Kpi, Cycle | None]] = []
        for objective in ctx.all_objectives():
            if not objective.draft:
                cycle = ctx.cycle(objective.cycle)
                items.extend((kr, cycle) for kr in objective.key_results if not kr.draft)
        items.extend((k, ctx.cycle(k.cycle)) for k in ctx.all_kpis() if not k.draft)
        ctx.memo["data.measured"] = cached = items
    return cached  # type: ignore[return-value]


def _measured(ctx: Context) -> Iterator[KeyResult | Kpi]:
    return (item for item, _ in _measured_in(ctx))


def _label(item: KeyResult | Kpi) -> str:
    return f"key result '{item.path}'" if isinstance(item, KeyResult) else f"KPI '{item.id}'"


def data_file_problems(ctx: Context) -> Iterator[Diagnostic]:
    """The problems found inside every metric file a goal reads, each under its own code
    (D001 to D010, documented one by one), located by file and line. Not a rule of its
    own: the checker runs it whenever metric data is read."""
    if ctx.data is None:
        return
    used = {item.metric.source for item in _measured(ctx) if item.metric is not None}
    used &= set(ctx.config.metrics)
    if any(
        item.metric is None and not (isinstance(item, KeyResult) and item.kind is KRKind.MILESTONE)
        for item in _measured(ctx)
    ):
        used.add(CHECKINS)
    yield from ctx.data.diagnostics(used)


def _cycle_requests(ctx: Context) -> list[tuple[KeyResult | Kpi, str, Request]]:
    """One request per distinct (source, metric, filter, window); items share them."""
    assert ctx.data is not None and ctx.as_of is not None
    out = []
    shared: dict[tuple[object, ...], Request] = {}
    sources = ctx.config.metrics
    for item, cycle in _measured_in(ctx):
        if item.metric is None or item.metric.source not in sources:
            continue
        if cycle is None or ctx.as_of < cycle.start:
            continue
        end = min(ctx.as_of, cycle.end)
        slot = (item.metric.source, item.metric.name, item.where, cycle.start, end)
        if slot not in shared:
            shared[slot] = Request(
                f"d{len(shared)}", item.metric.name, item.where, cycle.start, end, "count"
            )
        out.append((item, item.metric.source, shared[slot]))
    return out


@rule("D005", "no-rows-in-cycle", W)
def no_rows_in_cycle(ctx: Context) -> Iterator[Diagnostic]:
    """A goal's metric has no rows in its cycle up to the as-of date, so its progress is
    unknown (grey). Usually a misspelt metric or filter, or an export that stopped.

    Anti-pattern: ``metric: crm:user_total`` when the export calls it ``users_total``.

    Fix: correct the metric name or the ``where`` filter, or refresh the export.
    """
    if ctx.data is None or ctx.as_of is None:
        return
    requests = _cycle_requests(ctx)
    unique = {request.key: (source, request) for _, source, request in requests}
    answers = ctx.data.answer(unique.values())
    hints: dict[tuple[str, str], str | None] = {}
    for item, source_name, request in requests:
        source = ctx.data.source(source_name)
        if source is None or answers[request.key].dates:
            continue
        dims = set(source.dimensions())
        if any(column not in dims for column, _ in request.where):
            continue  # D004 says why
        slot = (source_name, request.metric)
        if slot not in hints:
            known = source.metrics()
            hints[slot] = (
                None
                if request.metric in known
                else (
                    f"'{request.metric}' does not occur in {source.path}"
                    + did_you_mean(request.metric, known)
                )
            )
        yield make(
            "D005",
            item.file,
            *item.at("metric"),
            f"{_label(item)}: {item.metric} has no rows from {request.start} to "
            f"{request.end}" + (" matching its `where`" if request.where else ""),
            hints[slot],
        )


@rule("D004", "unknown-column", E)
def unknown_column(ctx: Context) -> Iterator[Diagnostic]:
    """A ``where`` filter names a column the metric file does not have, or the file lacks
    its date, metric or value column.

    Anti-pattern: ``where: {chanel: social}`` (the column is ``channel``).

    Fix: use a column of the file's header; map headers with ``columns:`` on the source.
    """
    if ctx.data is None:
        return
    for item in _measured(ctx):
        if item.metric is None or not item.where:
            continue
        source = ctx.data.source(item.metric.source)
        if source is None:
            continue
        dims = source.dimensions()
        for column, _ in item.where:
            if column not in dims:
                yield make(
                    "D004",
                    item.file,
                    *item.at("where"),
                    f"{_label(item)} filters on column '{column}', which "
                    f"{source.path} does not have{did_you_mean(column, dims)}",
                    "dimension columns: " + (", ".join(dims) or "none"),
                )


@rule("D006", "stale-data", W)
def stale_data(ctx: Context) -> Iterator[Diagnostic]:
    """A metric source's newest row is older than its ``stale_after``: the numbers in
    status are out of date.

    Anti-pattern: ``stale_after: 7d`` on a CRM export last refreshed three weeks ago.

    Fix: refresh the export (or automate it), or relax ``stale_after``.
    """
    if ctx.data is None or ctx.as_of is None:
        return
    used = {item.metric.source for item in _measured(ctx) if item.metric is not None}
    for name in sorted(used):
        spec = ctx.config.metrics.get(name)
        if spec is None or not spec.stale_after:
            continue
        days = duration_days(spec.stale_after)
        source = ctx.data.source(name)
        if days is None or source is None:
            continue  # not a duration, or out of range: S001 in okrctl.yaml
        latest = source.latest_date()
        if latest is None:
            continue
        age = (ctx.as_of - latest).days
        if age > days:
            yield make(
                "D006",
                ctx.config.file,
                spec.line,
                spec.column,
                f"metric source '{name}' is stale: its newest row is {latest}, "
                f"{age} days before {ctx.as_of} (stale_after {spec.stale_after})",
                f"refresh {spec.path}",
            )


_NEEDS_BASELINE = (KRKind.METRIC, KRKind.RELATIVE, KRKind.RANGE)


@rule("D011", "baseline-never-available", W)
def baseline_never_available(ctx: Context) -> Iterator[Diagnostic]:
    """A key result without ``baseline:`` whose values start after its cycle start, so it
    has no baseline and its progress stays unknown ("no baseline") all cycle. A baseline
    not given is the value on the latest date on or before the cycle start; check-ins
    (``okrctl checkin``) are dated inside the key result's cycle, so a check-in key result
    without ``baseline:`` has one only from a check-in dated on the first day. Key results
    with a metric are flagged when the metric has rows in the cycle but none on or before
    its start. Ranges are included: outside the range their progress needs a baseline.

    Anti-pattern: ``{id: deals, title: Deals signed, target: 10}`` without ``metric:``
    (values from ``okrctl checkin``) and no check-in on or before the cycle start, e.g. a
    key result carried by ``okrctl roll`` from a cycle in which it had no value.

    Fix: write ``baseline:`` (the value at the cycle start), or record a check-in dated
    the cycle's first day; for a metric, export its rows from before the cycle start.
    """
    if ctx.data is None:
        return
    found = []
    shared: dict[tuple[object, ...], tuple[str, Request]] = {}
    for item, cycle in _measured_in(ctx):
        if not isinstance(item, KeyResult) or item.baseline is not None or cycle is None:
            continue
        if item.kind not in _NEEDS_BASELINE:
            continue
        if item.metric is None:
            source, metric = CHECKINS, item.path
        elif item.metric.source in ctx.config.metrics:
            source, metric = item.metric.source, item.metric.name
        else:
            continue  # M001 says why
        slot = (source, metric, item.where, cycle.start, cycle.end)
        if slot not in shared:
            request = Request(
                f"b{len(shared)}", metric, item.where, cycle.start, cycle.end, "count", cycle.start
            )
            shared[slot] = (source, request)
        found.append((item, cycle, shared[slot][1]))
    answers = ctx.data.answer(shared.values())
    for kr, cycle, request in found:
        answer = answers[request.key]
        if answer.baseline is not None:
            continue
        if kr.metric is None:
            yield make(
                "D011",
                kr.file,
                *kr.at("id"),
                f"key result '{kr.path}' has no baseline: none is given and no check-in is "
                f"dated on or before its cycle start {cycle.start}; check-ins are dated inside "
                "the cycle, so its progress stays unknown",
                f"write `baseline:` (the value on {cycle.start}), or record it dated the "
                f"first day: okrctl checkin {kr.path} VALUE --date {cycle.start}",
            )
        elif answer.dates:
            yield make(
                "D011",
                kr.file,
                *kr.at("id"),
                f"key result '{kr.path}' has no baseline: none is given and {kr.metric} has "
                f"rows in {cycle.id}"
                + (" matching its `where`" if kr.where else "")
                + f" but none on or before its start {cycle.start}",
                f"write `baseline:` (the value on {cycle.start}), or export the metric's "
                "rows from before the cycle start",
            )
