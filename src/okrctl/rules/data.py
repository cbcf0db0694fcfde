"""Metric data (D): the contracts metric dumps must keep for progress to be computed.

These rules read the CSV files; `okrctl check --no-data` skips them. Problems inside a
file point at its line; problems of a goal's data point at the goal.
"""

from __future__ import annotations

from collections.abc import Iterator

from okrctl.core.codes import make
from okrctl.core.diagnostics import Diagnostic, did_you_mean
from okrctl.core.i18n import msg
from okrctl.core.model import Cycle, KeyResult, Kpi
from okrctl.core.numbers import duration_days
from okrctl.core.progress import settle
from okrctl.core.vocabulary import Aggregate, KRKind
from okrctl.load.configsources import CHECKINS
from okrctl.load.written import as_written
from okrctl.metrics.source import Answer, Rejected, Request, Source
from okrctl.rules.context import Context
from okrctl.rules.metrics import label
from okrctl.rules.registry import documented, rule

documented(
    "D001",
    """Two rows of a metric file have the same date, metric and dimension values (in a
    wide file: the same date). okrctl neither sums nor drops them.

    Anti-pattern: an export run twice into the same file, so 2026-10-05 users_total/social
    appears on lines 40 and 1040.

    Fix: remove one of them; the message names both lines.
    """,
)
documented(
    "D002",
    """A value cell that is not a number (``n/a``, ``12 apples``) or not finite (``inf``,
    ``NaN``). Numbers may be written as in goal files (``45%``, ``1,200``, ``1.2M``,
    ``200万``), with a decimal comma where the source says ``decimal: ","``.

    Anti-pattern: ``2026-10-05,users_total,n/a``; Excel's ``#N/A``, ``#DIV/0!`` or
    ``#VALUE!`` in a finance export.

    Fix: export a number, or leave the cell empty for "no data" (empty is missing, never
    zero). The cell is left out of the numbers, and every command that prints a number
    resting on it says so.
    """,
)
documented(
    "D003",
    """A date cell that is not an ISO date. Other formats are read only when the source
    declares ``date_format:``; okrctl never guesses whether 01/02 is January or February.

    Anti-pattern: ``05/10/2026`` in a source without ``date_format``.

    Fix: export ISO dates, or set ``date_format: "%d/%m/%Y"`` on the source. The hint
    names the format that reads the file's dates when a common one does (and says so when
    the values cannot tell day/month from month/day); many such dates are one diagnostic
    with the count and the first lines.
    """,
)
documented(
    "D007",
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
    """A row of a long-layout file with an empty value: missing data, which okrctl keeps
    apart from zero.

    Anti-pattern: ``2026-10-05,users_total,,social``.

    Fix: export the value, or drop the row.
    """,
)
documented(
    "D009",
    """A row with more or fewer fields than the header; its values cannot be placed.

    Anti-pattern: ``2026-10-05,users_total,1200,social,extra``.

    Fix: check for a stray delimiter or a missing quote.
    """,
)
documented(
    "D010",
    """A metric file that cannot be read: missing, empty, binary (NUL bytes), without its
    date/metric/value columns, with malformed quoting, a workbook without the ``sheet:``
    named or in a format okrctl does not read (.xls, .ods); or a database source whose
    table, columns or query the database refuses (located at the source in okrctl.yaml).

    Anti-pattern: ``path: metrics/crm.csv`` pointing at an empty or truncated download;
    ``table: sale`` when the table is ``sales``.

    Fix: export the file again; map header names with ``columns:``; name the table (or
    correct the query) the database has. ``okrctl explain`` shows the SQL okrctl sends.
    """,
)
documented(
    "D014",
    """A database source that cannot be read at all: the server refuses the connection or
    the credentials, a ``${NAME}`` of its ``url`` is not set, or its query ran longer than
    its ``timeout``. The message names the host, port and database (or the file) and the
    table, never the user's password. Commands that compute numbers stop with exit 2.

    Anti-pattern: ``url: postgresql://okr:${OKR_DB_PASSWORD}@db.internal/bi`` run where
    OKR_DB_PASSWORD is not set, or where db.internal cannot be reached.

    Fix: set the variable (a CI secret), check the host and the credentials, or raise
    ``timeout:`` on the source for a slow query.
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
                f"d{len(shared)}", item.metric.name, item.where, cycle.start, end, Aggregate.COUNT
            )
        out.append((item, item.metric.source, shared[slot]))
    return out


def _unread(source: Source) -> Rejected | None:
    """The problem that left the whole file unread, if one did."""
    return next((r for r in source.rejected() if r.whole_file), None)


def _known_metrics(ctx: Context, name: str, source: Source) -> set[str]:
    key = f"data.metrics.{name}"
    if key not in ctx.memo:
        ctx.memo[key] = source.metrics()
    return ctx.memo[key]  # type: ignore[return-value]


@rule("D013")
def unknown_metric(ctx: Context) -> Iterator[Diagnostic]:
    """A goal's metric does not occur in its configured source (no row of a long file
    names it, no column of a wide file is called so). Every number that depends on it is
    unknown, in every cycle, so this is an error, not a warning.

    Anti-pattern: ``metric: crm:user_total`` when the export calls it ``users_total``.

    Fix: correct the metric name (the hint lists the metrics the file has), or add the
    metric to the export.
    """
    if ctx.data is None:
        return
    for item in _measured(ctx):
        if item.metric is None or item.metric.source not in ctx.config.metrics:
            continue
        source = ctx.data.source(item.metric.source)
        if source is None or _unread(source) is not None:
            continue  # D004, D007 or D010 says why, and D005 names it at the goal
        known = _known_metrics(ctx, item.metric.source, source)
        if item.metric.name in known:
            continue
        listed = sorted(known)
        yield make(
            "D013",
            item.file,
            *item.at("metric"),
            msg(
                "{item} reads metric '{name}', which does not occur in {path}{suggestion}",
                item=label(item),
                name=item.metric.name,
                path=source.path,
                suggestion=did_you_mean(item.metric.name, known),
            ),
            msg(
                "metrics in {path}: {names}",
                path=source.path,
                names=", ".join(listed[:12]) + (", ..." if len(listed) > 12 else ""),
            )
            if listed
            else msg("{path} has no metrics yet", path=source.path),
        )


@rule("D005")
def no_rows_in_cycle(ctx: Context) -> Iterator[Diagnostic]:
    """A goal's metric has no usable rows in its cycle up to the as-of date, so its
    progress is unknown (grey). The export stopped, the ``where`` filter matches nothing,
    every row there was rejected (the message counts them), or the file could not be read
    (the message says why, for example which header a missing ``columns:`` mapping should
    name).

    Anti-pattern: a CRM export that stopped on 2026-09-30, read for a 2026-Q4 goal.

    Fix: refresh the export, correct the ``where`` filter, or fix the rejected rows.
    """
    if ctx.data is None or ctx.as_of is None:
        return
    requests = _cycle_requests(ctx)
    unique = {request.key: (source, request) for _, source, request in requests}
    answers = ctx.data.answer(unique.values())
    for item, source_name, request in requests:
        source = ctx.data.source(source_name)
        answer = answers[request.key]
        if source is None or answer.dates:
            continue
        unread = _unread(source)
        missing_column = any(column not in source.dimensions() for column, _ in request.where)
        if unread is None and missing_column:
            continue  # D004 says why
        if unread is None and request.metric not in _known_metrics(ctx, source_name, source):
            continue  # D013
        head = f"{label(item)}: {item.metric} has no"
        if unread is not None:
            message = f"{head} rows: {source.path} could not be read: {unread.problem.message}"
            hint = unread.problem.hint
        elif answer.rejected:
            codes = sorted({r.problem.code for r in answer.rejected})
            lines = sorted({r.problem.line for r in answer.rejected})
            shown = ", ".join(map(str, lines[:5])) + (", ..." if len(lines) > 5 else "")
            message = (
                f"{head} usable rows from {request.start} to {request.end}: "
                f"{sum(r.count for r in answer.rejected)} rejected ({', '.join(codes)}), "
                f"on lines {shown} "
                f"of {source.path}"
            )
            hint = f"fix those rows; `okrctl check` lists them under {source.path}"
        else:
            message = f"{head} rows from {request.start} to {request.end}" + (
                " matching its `where`" if request.where else ""
            )
            hint = None
        yield make("D005", item.file, *item.at("metric"), message, hint)


@rule("D004")
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
                    msg(
                        "{item} filters on column '{column}', which {path} does not "
                        "have{suggestion}",
                        item=label(item),
                        column=column,
                        path=source.path,
                        suggestion=did_you_mean(column, dims),
                    ),
                    "dimension columns: " + (", ".join(dims) or "none"),
                )


@rule("D006")
def stale_data(ctx: Context) -> Iterator[Diagnostic]:
    """A metric source's newest row with a value that counts is older than its
    ``stale_after``: the numbers in status are out of date.

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
                msg(
                    "metric source '{name}' is stale: its newest row is {latest}, {age} "
                    "before {as_of} (stale_after {stale_after})",
                    name=name,
                    latest=latest,
                    age=msg("{n} day", n=age) if age == 1 else msg("{n} days", n=age),
                    as_of=ctx.as_of,
                    stale_after=spec.stale_after,
                ),
                msg("refresh {path}", path=spec.path),
            )


_NEEDS_BASELINE = (KRKind.METRIC, KRKind.RELATIVE, KRKind.RANGE)


@rule("D011")
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
    for kr, cycle, answer in _data_baselines(ctx):
        if answer.baseline is not None:
            continue
        if kr.metric is None:
            yield make(
                "D011",
                kr.file,
                *kr.at("id"),
                msg(
                    "key result '{path}' has no baseline: none is given and no check-in is dated "
                    "on or before its cycle start {start}; check-ins are dated inside the cycle, "
                    "so its progress stays unknown",
                    path=kr.path,
                    start=cycle.start,
                ),
                msg(
                    "write `baseline:` (the value on {start}), or record it dated the first day: "
                    "okrctl checkin {path} VALUE --date {start}",
                    start=cycle.start,
                    path=kr.path,
                ),
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
                msg(
                    "write `baseline:` (the value on {start}), or export the metric's rows from "
                    "before the cycle start",
                    start=cycle.start,
                ),
            )


def _data_baselines(ctx: Context) -> list[tuple[KeyResult, Cycle, Answer]]:
    """Key results without ``baseline:`` that need one, with the answer of their data
    for their cycle: its ``baseline`` (the total on the latest date on or before the cycle
    start), or None; one request per distinct (source, metric, filter, cycle)."""
    if ctx.data is None:
        return []
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
                f"b{len(shared)}",
                metric,
                item.where,
                cycle.start,
                cycle.end,
                Aggregate.COUNT,
                cycle.start,
            )
            shared[slot] = (source, request)
        found.append((item, cycle, shared[slot][1]))
    answers = ctx.data.answer(shared.values())
    return [(kr, cycle, answers[request.key]) for kr, cycle, request in found]


@rule("D012")
def data_baseline_equals_target(ctx: Context) -> Iterator[Diagnostic]:
    """A key result without ``baseline:`` whose baseline from data (the value on the
    latest date on or before its cycle start) equals its target: progress (current -
    baseline) / (target - baseline) divides by zero, so the key result has data but no
    progress all cycle. The data twin of W004.

    Anti-pattern: ``{id: users, metric: crm:users, target: 1000}`` when crm:users was
    already 1000 at the cycle start.

    Fix: a target that moves the value, or ``at_least:`` / ``at_most:`` to hold a level.
    """
    for kr, cycle, answer in _data_baselines(ctx):
        if (
            kr.kind is KRKind.METRIC
            and kr.target is not None
            and answer.baseline is not None
            and settle(answer.baseline) == settle(kr.target)
        ):
            source = kr.metric if kr.metric is not None else "its check-ins"
            on = f" on {answer.baseline_date}" if answer.baseline_date else ""
            yield make(
                "D012",
                kr.file,
                *kr.at("target"),
                msg(
                    "key result '{path}': its baseline from data ({source}{on}, at or before the "
                    "start of {id}) equals its target {kr}: progress is undefined",
                    path=kr.path,
                    source=source,
                    on=on,
                    id=cycle.id,
                    kr=as_written(kr, "target"),
                ),
                msg(
                    "to keep a level rather than move it, use `at_least:` or `at_most:`; else "
                    "set a target that differs from the value at the cycle start"
                ),
            )
