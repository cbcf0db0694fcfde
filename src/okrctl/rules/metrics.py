"""Metric configuration (M): every metric a goal uses must come from a configured source."""

from __future__ import annotations

from collections.abc import Iterator

from okrctl.core.codes import make
from okrctl.core.diagnostics import Diagnostic, did_you_mean
from okrctl.core.fileio import regular_size
from okrctl.core.i18n import msg
from okrctl.core.model import KeyResult, Kpi
from okrctl.core.vocabulary import Layout
from okrctl.rules.context import Context
from okrctl.rules.registry import rule


def _measured(ctx: Context) -> Iterator[KeyResult | Kpi]:
    for objective in ctx.all_objectives():
        yield from objective.key_results
    yield from ctx.all_kpis()


def label(item: KeyResult | Kpi) -> str:
    """``key result 'CO-1/users'`` or ``KPI 'KPI-SALES'``, translated when shown."""
    if isinstance(item, KeyResult):
        return msg("key result '{id}'", id=item.path)
    return msg("KPI '{id}'", id=item.id)


@rule("M001")
def unknown_metric_source(ctx: Context) -> Iterator[Diagnostic]:
    """A ``metric: SOURCE:METRIC`` whose SOURCE is not a ``metrics`` entry of okrctl.yaml,
    so its progress can never be computed.

    Anti-pattern: ``metric: crn:users_total`` (typo) or a source removed from okrctl.yaml.

    Fix: use a configured source name, or add the source under ``metrics:``.
    """
    sources = ctx.config.metrics
    for item in _measured(ctx):
        if item.metric is not None and item.metric.source not in sources:
            yield make(
                "M001",
                item.file,
                *item.at("metric"),
                msg(
                    "{item} reads metric source '{source}', which okrctl.yaml does not "
                    "configure{suggestion}",
                    item=label(item),
                    source=item.metric.source,
                    suggestion=did_you_mean(item.metric.source, sources),
                ),
                msg("add it under `metrics:` in okrctl.yaml")
                if not sources
                else msg("configured sources: {sources}", sources=", ".join(sources)),
            )


@rule("M002")
def metric_file_missing(ctx: Context) -> Iterator[Diagnostic]:
    """A configured metric source's CSV file does not exist, so every goal reading it has
    no data.

    Anti-pattern: ``path: metrics/crm.csv`` when the export is ``metrics/CRM.csv``.

    Fix: commit the export, or correct ``path``.
    """
    for source in ctx.config.metrics.values():
        try:
            missing = regular_size(ctx.config.root / source.path) is None
        except OSError:
            continue  # there, but not a file okrctl can read: reading it says why (exit 2)
        if missing:
            yield make(
                "M002",
                ctx.config.file,
                source.line,
                source.column,
                msg(
                    "metric source '{name}': file '{path}' does not exist",
                    name=source.name,
                    path=source.path,
                ),
            )


@rule("M003")
def filter_on_wide_source(ctx: Context) -> Iterator[Diagnostic]:
    """A ``where`` filter on a metric from a wide-layout source, which has no dimension
    columns to filter on.

    Anti-pattern: ``metric: finance:cac`` with ``where: {channel: social}`` on a wide
    finance export.

    Fix: remove ``where``, or export that source in long layout (date, metric, value,
    dimensions).
    """
    sources = ctx.config.metrics
    for item in _measured(ctx):
        if item.metric is None or not item.where:
            continue
        source = sources.get(item.metric.source)
        if source is not None and source.layout is Layout.WIDE:
            yield make(
                "M003",
                item.file,
                *item.at("where"),
                msg(
                    "{item} filters a wide-layout source '{name}', which has no dimension columns",
                    item=label(item),
                    name=source.name,
                ),
            )
