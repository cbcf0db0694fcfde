"""A rich progress bar on stderr for work that outlasts a threshold (``core.feedback``).

The bar appears only once a piece of work has run ``after`` seconds, and is cleared when
it ends, so quick commands print nothing extra; the command line installs it only when
stderr is a terminal (never in a pipe, a CI log, or beside JSON output)."""

from __future__ import annotations

import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from okrctl.core.feedback import Advance, Reporter
from okrctl.render.escape import one_line


def reporter(after: float) -> Reporter:
    """A ``Reporter`` drawing a bar on stderr once a task has run ``after`` seconds."""

    @contextmanager
    def run(description: str, total: int | None) -> Iterator[Advance]:
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            SpinnerColumn,
            TextColumn,
            TimeElapsedColumn,
        )

        progress = Progress(
            SpinnerColumn(),
            TextColumn("{task.description}", markup=False),
            BarColumn(),
            MofNCompleteColumn() if total else TextColumn("{task.completed:,}"),
            TimeElapsedColumn(),
            console=Console(file=sys.stderr, markup=False, highlight=False, emoji=False),
            transient=True,
        )
        task = progress.add_task(one_line(description), total=total)
        lock = threading.Lock()
        state = {"shown": False, "done": False}

        def show() -> None:
            with lock:
                if not state["done"]:
                    progress.start()
                    state["shown"] = True

        timer = threading.Timer(after, show)
        timer.daemon = True
        timer.start()
        try:
            yield lambda count: progress.advance(task, count)
        finally:
            timer.cancel()
            with lock:
                state["done"] = True
                if state["shown"]:
                    progress.stop()

    return run
