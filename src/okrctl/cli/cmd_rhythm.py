"""`okrctl checkins`, `okrctl notify` and `okrctl close`: the operating rhythm."""

from __future__ import annotations

import enum
import sys
from pathlib import Path
from typing import Annotated

import typer

from okrctl.cli.base import (
    AsOfOption,
    CycleOption,
    DebugOption,
    LangOption,
    RepoOption,
    StatusFormat,
    app,
    choose_language,
    lazy,
    parse_day,
)
from okrctl.cli.errors import EXIT_FINDINGS, handle_errors


@app.command(name="checkins")
@handle_errors
def list_checkins(
    ident: Annotated[
        str | None,
        typer.Argument(
            metavar="[ID]",
            help="A key result (OBJ/KR), an objective (its key results) or a KPI. Default: all.",
            show_default=False,
        ),
    ] = None,
    repo: RepoOption = None,
    format: Annotated[StatusFormat, typer.Option("--format", "-f", help="text or json.")] = (
        StatusFormat.text
    ),
    debug: DebugOption = False,
) -> None:
    """List check-ins with their confidence and notes; a same-day check-in replaced by a
    later one is marked superseded (it stays in the file)."""
    from okrctl.evaluate.rhythm import checkins
    from okrctl.evaluate.workspace import open_workspace

    workspace = open_workspace((repo or Path.cwd()).resolve(), validate=False)
    path, rows = checkins(workspace, ident)
    name = "checkins_json" if format is StatusFormat.json else "checkins_text"
    lazy(f"okrctl.render.rhythm_out:{name}")(path, rows, sys.stdout)


class Channel(enum.StrEnum):
    wecom = "wecom"
    feishu = "feishu"
    dingtalk = "dingtalk"
    slack = "slack"
    webhook = "webhook"


@app.command()
@handle_errors
def notify(
    channel: Annotated[
        Channel,
        typer.Option("--channel", help="Chat service: wecom, feishu, dingtalk, slack, webhook."),
    ],
    webhook: Annotated[
        str | None,
        typer.Option(
            "--webhook",
            envvar="OKRCTL_WEBHOOK",
            metavar="URL",
            help="Webhook address (keep it in a CI secret: OKRCTL_WEBHOOK). Never printed.",
            show_default=False,
            show_envvar=True,
        ),
    ] = None,
    repo: RepoOption = None,
    cycle: CycleOption = None,
    as_of: AsOfOption = None,
    lang: LangOption = None,
    dry_run: Annotated[
        bool,
        typer.Option("--dry-run", help="Print the request bodies instead of sending them."),
    ] = False,
    timeout: Annotated[
        float, typer.Option("--timeout", min=0.1, max=300, help="Seconds per request.")
    ] = 10.0,
    retries: Annotated[
        int, typer.Option("--retries", min=0, max=10, help="Retries on 5xx, 429, rate limits.")
    ] = 3,
    debug: DebugOption = False,
) -> None:
    """Post a digest to chat: goals off track and at risk with their owners (@-mentioned
    when `people:` has their handle), owed check-ins and stale data."""
    from okrctl.core.errors import UsageError
    from okrctl.evaluate.workspace import open_view
    from okrctl.render.chat import dry_run as print_requests
    from okrctl.render.chat import messages
    from okrctl.review.digest import digest

    if lang is not None:
        choose_language(lang, None)  # a word that names no language is refused first
    if not dry_run and not webhook:
        raise UsageError(
            "no webhook address",
            hint="pass --webhook URL or set OKRCTL_WEBHOOK (from a CI secret); "
            "--dry-run prints the message without sending",
        )
    if webhook:
        from okrctl.render.chat_send import check_url

        check_url(webhook)
    workspace, chosen, when = open_view(repo, cycle, parse_day(as_of, "--as-of"))
    language = choose_language(lang, workspace.config.lang)
    found = messages(digest(workspace, chosen, when), channel.value, language)
    if dry_run:
        print_requests(found, sys.stdout)
        return
    assert webhook is not None
    _send(webhook, found, channel.value, timeout, retries)


def _send(webhook: str, found: list, channel: str, timeout: float, retries: int) -> None:  # type: ignore[type-arg]
    from okrctl.render.chat_send import mask, post

    attempts = 0
    for message in found:
        attempts += post(
            webhook, message, channel, timeout=timeout, retries=retries, backoff=1.0
        ).attempts
    mentioned = sorted({owner for m in found for owner in m.mentioned})
    sys.stdout.write(
        f"sent {len(found)} message{'s' if len(found) != 1 else ''} to {channel} "
        f"({mask(webhook)})"
        + (f" in {attempts} attempts" if attempts != len(found) else "")
        + (f"; mentioned {', '.join(mentioned)}" if mentioned else "")
        + "\n"
    )


@app.command(name="close")
@handle_errors
def close_cycle(
    cycle_id: Annotated[str, typer.Argument(metavar="CYCLE", help="The cycle to close.")],
    repo: RepoOption = None,
    verify: Annotated[
        bool,
        typer.Option(
            "--verify",
            help="Recompute from today's data and list every value that would change; "
            "exit 1 when any.",
        ),
    ] = False,
    force: Annotated[
        bool,
        typer.Option("--force", help="Close a cycle that is still open, or close one again."),
    ] = False,
    debug: DebugOption = False,
) -> None:
    """Freeze every number of a cycle with its provenance into reviews/CYCLE.lock.json;
    afterwards status, score and report show those numbers for it."""
    import datetime as dt

    from okrctl.evaluate.workspace import choose_cycle, open_workspace
    from okrctl.render.escape import one_line
    from okrctl.review.close import close
    from okrctl.review.close import verify as run_verify

    workspace = open_workspace((repo or Path.cwd()).resolve())
    cycle = choose_cycle(workspace.config, cycle_id, dt.date.today())
    if verify:
        result = run_verify(workspace, cycle)
        for source, what in result.sources:
            sys.stdout.write(f"source {one_line(source)}: {one_line(what)}\n")
        for drift in result.drift:
            sys.stdout.write(
                f"{one_line(drift.id)} {drift.field}: frozen {_shown(drift.frozen)}, "
                f"now {_shown(drift.now)}\n"
            )
        if result.drift:
            sys.stdout.write(
                f"{len(result.drift)} value{'s' if len(result.drift) != 1 else ''} of "
                f"{one_line(cycle.id)} would change; "
                f"{one_line(result.path)} keeps the frozen ones\n"
            )
            raise typer.Exit(EXIT_FINDINGS)
        sys.stdout.write(
            f"{one_line(cycle.id)}: every frozen value matches today's data"
            + (" (the files changed, the numbers did not)" if result.sources else "")
            + "\n"
        )
        return
    closed = close(workspace, cycle, dt.date.today(), force=force)
    counts = ", ".join(
        f"{n} {label}"
        for label, n in (
            ("key results", closed.counts.get("key_results", 0)),
            ("objectives", closed.counts.get("objectives", 0)),
            ("KPIs", closed.counts.get("kpis", 0)),
            ("scorecards", closed.counts.get("scorecards", 0)),
        )
    )
    sys.stdout.write(
        f"closed {one_line(closed.cycle)}: the numbers of {counts} frozen in "
        f"{one_line(closed.path)}"
        + (f" at commit {closed.commit[:12]}" if closed.commit else "")
        + "; commit the file to keep them\n"
    )


def _shown(value: object) -> str:
    from okrctl.core.shown import number
    from okrctl.render.escape import one_line

    if isinstance(value, float | int) and not isinstance(value, bool):
        return number(float(value))
    if isinstance(value, dict):
        return (
            "{"
            + ", ".join(f"{one_line(str(k))}: {_shown(v)}" for k, v in sorted(value.items()))
            + "}"
        )
    return "none" if value is None else one_line(str(value))
