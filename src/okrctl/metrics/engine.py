"""Open the configured metric sources and answer requests, source by source."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from okrctl.config import Config, MetricSource
from okrctl.diagnostics import Diagnostic
from okrctl.metrics.grouping import group_problems
from okrctl.metrics.source import NO_DATA, Answer, Request, Source
from okrctl.rules.registry import make

# Files above this size are aggregated by DuckDB; below it, read whole in Python, which
# starts faster and locates every problem by line.
LARGE_FILE_BYTES = 32 * 1024 * 1024
CHECKINS = "checkins"


def checkins_source(config: Config) -> MetricSource:
    """The manual check-ins file (`okrctl checkin`), read as a long-layout source whose
    metric names are key-result paths (OBJ/KR)."""
    return MetricSource(
        name=CHECKINS,
        path=config.checkins,
        layout="long",
        columns={},
        encoding="utf-8",
        delimiter=",",
        decimal=".",
        date_format=None,
        stale_after=None,
        line=config.checkins_line,
        column=1,
    )


class MetricData:
    """The repository's metric sources, opened on first use."""

    def __init__(self, config: Config, *, large_file_bytes: int | None = None) -> None:
        self.config = config
        # read at call time: tests lower the module's threshold to run every command on
        # the DuckDB engine
        self.large = LARGE_FILE_BYTES if large_file_bytes is None else large_file_bytes
        self._open: dict[str, Source | None] = {}

    def spec(self, name: str) -> MetricSource | None:
        if name == CHECKINS:
            return checkins_source(self.config)
        return self.config.metrics.get(name)

    def source(self, name: str) -> Source | None:
        if name not in self._open:
            spec = self.spec(name)
            self._open[name] = None if spec is None else self._make(spec)
        return self._open[name]

    def _make(self, spec: MetricSource) -> Source | None:
        path = self.config.root / spec.path
        if spec.name == CHECKINS and not path.exists():
            return None
        try:
            size = path.stat().st_size
        except OSError:
            size = 0
        if size > self.large:
            from okrctl.metrics.duck import DuckSource

            return DuckSource(spec, self.config.root)
        from okrctl.metrics.memory import TableSource

        return TableSource(spec, self.config.root)

    def answer(self, requests: Iterable[tuple[str, Request]]) -> dict[str, Answer]:
        """Answers keyed by request key; ``requests`` pairs a source name with a request."""
        by_source: dict[str, list[Request]] = defaultdict(list)
        for source_name, request in requests:
            by_source[source_name].append(request)
        out: dict[str, Answer] = {}
        for name, batch in by_source.items():
            source = self.source(name)
            if source is None:
                out.update({r.key: NO_DATA for r in batch})
                continue
            out.update(source.answer(batch))
        return out

    def diagnostics(self, names: Iterable[str]) -> list[Diagnostic]:
        """Data-contract diagnostics of the named sources, located in their files."""
        out = []
        for name in sorted(set(names)):
            source = self.source(name)
            if source is None:
                continue
            for problem in group_problems(source.problems()):
                out.append(
                    make(
                        problem.code,
                        source.path,
                        problem.line,
                        problem.column if problem.line else 0,
                        problem.message,
                        problem.hint,
                    )
                )
        return out
