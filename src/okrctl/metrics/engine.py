"""Open the configured metric sources and answer requests, source by source."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import replace

from okrctl.core.codes import make
from okrctl.core.diagnostics import Diagnostic
from okrctl.core.errors import OkrctlError
from okrctl.core.fileio import regular_size
from okrctl.core.vocabulary import Layout
from okrctl.load.config import Config, MetricSource, inside
from okrctl.load.configsources import CHECKINS
from okrctl.metrics.grouping import group_problems
from okrctl.metrics.source import NO_DATA, Answer, DataProblem, Request, Source

# Files above this size are aggregated by DuckDB; below it, read whole in Python, which
# starts faster and locates every problem by line.
LARGE_FILE_BYTES = 32 * 1024 * 1024


# the file kinds by suffix (docs/metrics.md); every other file is read as CSV
FILE_KINDS = {
    **dict.fromkeys((".xlsx", ".xlsm", ".xls", ".xlsb", ".ods"), "excel"),
    **dict.fromkeys((".parquet", ".parq"), "parquet"),
}


def file_kind(path: str) -> str:
    """``excel``, ``parquet`` or ``csv``: how the file at ``path`` is read, by its suffix."""
    dot = path.rfind(".")
    return FILE_KINDS.get(path[dot:].lower(), "csv") if dot >= 0 else "csv"


def checkins_source(config: Config) -> MetricSource:
    """The manual check-ins file (`okrctl checkin`), read as a long-layout source whose
    metric names are key-result paths (OBJ/KR)."""
    return MetricSource(
        name=CHECKINS,
        path=config.checkins,
        layout=Layout.LONG,
        columns={},
        encoding="utf-8",
        delimiter=",",
        decimal=".",
        date_format=None,
        stale_after=None,
        line=config.checkins_line,
        column=1,
        dimensions=False,
    )


class MetricData:
    """The repository's metric sources, opened on first use."""

    def __init__(
        self,
        config: Config,
        *,
        large_file_bytes: int | None = None,
        share: MetricData | None = None,
        strict: bool = True,
    ) -> None:
        self.config = config
        # a database source that cannot be read stops the commands that compute (exit 2);
        # `okrctl check` (strict False) reports it as a diagnostic instead
        self.strict = strict
        # read at call time, so tests can run every file through DuckDB
        self.large = LARGE_FILE_BYTES if large_file_bytes is None else large_file_bytes
        self._open: dict[str, Source | None] = {}
        self._share = share  # opens the sources configured the same as here

    def spec(self, name: str) -> MetricSource | None:
        if name == CHECKINS:
            return checkins_source(self.config)
        return self.config.metrics.get(name)

    def source(self, name: str) -> Source | None:
        if name not in self._open:
            spec = self.spec(name)
            if spec is not None and self._shares(spec):
                assert self._share is not None
                self._open[name] = self._share.source(name)
            else:
                self._open[name] = None if spec is None else self._make(spec)
        return self._open[name]

    def _shares(self, spec: MetricSource) -> bool:
        """Whether the shared data reads ``spec``'s source the same way (where it is written
        in okrctl.yaml aside)."""
        other = self._share
        theirs = other.spec(spec.name) if other is not None else None
        return (
            other is not None
            and theirs is not None
            and other.config.root == self.config.root
            and other.large == self.large
            and replace(theirs, line=0, column=0) == replace(spec, line=0, column=0)
        )

    def _make(self, spec: MetricSource) -> Source | None:
        if spec.url is not None:
            from okrctl.metrics.warehouse import WarehouseSource

            return WarehouseSource(spec, self.config.root)
        path = self.config.root / spec.path
        if spec.name == CHECKINS and not inside(self.config.root, spec.path):
            return None  # a link out of the repository (C002)
        try:
            size = regular_size(path)
        except OSError as exc:  # there but unreadable, or a FIFO that would stall the run
            raise OkrctlError(
                f"cannot read the metric file: {exc.strerror or exc}",
                hint=("`checkins:`" if spec.name == CHECKINS else f"metric source '{spec.name}'")
                + " in okrctl.yaml names it; make it a readable regular file",
                file=spec.path,
            ) from None
        if size is None and spec.name == CHECKINS:
            return None  # no check-ins yet
        # check-ins are typed by people, a few rows a week: always read exactly; several
        # rows of one key result on one day are all kept and the last one counts, never a
        # sum (metrics/checkins.py)
        if spec.name == CHECKINS:
            from okrctl.metrics.checkins import CheckinSource

            return CheckinSource(spec, self.config.root)
        kind = file_kind(spec.path)
        if kind == "excel":
            from okrctl.metrics.excel import ExcelSource

            return ExcelSource(spec, self.config.root)
        if kind == "parquet":
            from okrctl.metrics.parquet import ParquetSource

            if size is not None and size > self.large:
                from okrctl.metrics.parquet_duck import LargeParquetSource, typed_layout

                typed = typed_layout(spec, path)
                if typed is not None:
                    return LargeParquetSource(spec, self.config.root, *typed)

            return ParquetSource(spec, self.config.root)
        if size is not None and size > self.large:
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
            failure = getattr(source, "failure", None)  # a database source (warehouse.py)
            if failure is not None and self.strict:
                raise failure
        return out

    def diagnostics(self, names: Iterable[str]) -> list[Diagnostic]:
        """Data-contract diagnostics of the named sources, located in their files."""
        out = []
        for name in sorted(set(names)):
            source = self.source(name)
            if source is None:
                continue
            problems = group_problems(source.problems())
            places = self._cell_places(name, problems)
            spec = self.spec(name)
            # cells of a sheet or table are placed by their column; CSV fields by character
            exact = spec is not None and (spec.url is not None or file_kind(spec.path) != "csv")
            for problem in problems:
                default = (problem.line, problem.column if exact else 1)
                line, column = places.get((problem.line, problem.column), default)
                if spec is not None and spec.url is not None:
                    # a database has no lines: its problems stand at the source in okrctl.yaml
                    out.append(
                        make(
                            problem.code,
                            self.config.file,
                            spec.line,
                            spec.column,
                            problem.message,
                            problem.hint,
                        )
                    )
                    continue
                out.append(
                    make(
                        problem.code,
                        source.path,
                        line,
                        column if problem.line else 0,
                        problem.message,
                        problem.hint,
                    )
                )
        return out

    def _cell_places(
        self, name: str, problems: Iterable[DataProblem]
    ) -> dict[tuple[int, int], tuple[int, int]]:
        """Problems carry the field number of their cell; editors count characters."""
        wanted: dict[int, set[int]] = defaultdict(set)
        for problem in problems:
            if problem.line and problem.column > 1:
                wanted[problem.line].add(problem.column)
        spec = self.spec(name)
        if not wanted or spec is None or spec.url is not None or file_kind(spec.path) != "csv":
            return {}
        from okrctl.metrics.csvread import CsvError, character_columns, open_dialect

        path = self.config.root / spec.path
        try:
            dialect = open_dialect(path, spec.encoding, spec.delimiter)
            return character_columns(path, dialect, wanted)
        except (CsvError, OSError, UnicodeError):
            return {}
