"""Apply the suppression comments of goal files and okrctl.yaml, and report those that
silence nothing (C009; docs/rules.md, "Suppressions")."""

from __future__ import annotations

from collections.abc import Callable

from okrctl.core.codes import CODES, code_of, make
from okrctl.core.diagnostics import Diagnostic, Suppression, did_you_mean
from okrctl.core.i18n import msg
from okrctl.load.config import CONFIG_NAME
from okrctl.load.repository import Repository

# (file, index of the suppression in the file, index of the word) of each word that
# silenced at least one finding
Used = set[tuple[str, int, int]]


def _by_file(repo: Repository) -> dict[str, tuple[Suppression, ...]]:
    found = {f.path: f.suppressions for f in repo.files if f.suppressions}
    if repo.config.suppressions:
        found[CONFIG_NAME] = repo.config.suppressions
    return found


def _silencer(comments: tuple[Suppression, ...], diagnostic: Diagnostic) -> tuple[int, int] | None:
    """(suppression, word) indexes of the comment that silences ``diagnostic``, or None."""
    for s_index, comment in enumerate(comments):
        if not comment.whole_file and comment.target != diagnostic.line:
            continue
        for w_index, (word, _) in enumerate(comment.words):
            if code_of(word) == diagnostic.code:
                return s_index, w_index
    return None


def suppress(
    repo: Repository,
    diagnostics: list[Diagnostic],
    ran: Callable[[str], bool] | None,
    *,
    comments: dict[str, tuple[Suppression, ...]] | None = None,
) -> list[Diagnostic]:
    """``diagnostics`` less those a suppression comment silences, plus a C009 for each
    named rule that silenced nothing, where that rule ran (``ran(code)``; None: report
    none, the rules did not run)."""
    if comments is None:
        comments = _by_file(repo)
    if not comments:
        return diagnostics
    used: Used = set()
    kept = []
    for diagnostic in diagnostics:
        hit = (
            _silencer(comments[diagnostic.file], diagnostic)
            if diagnostic.file in comments
            else None
        )
        if hit is None:
            kept.append(diagnostic)
        else:
            used.add((diagnostic.file, *hit))
    if ran is None:
        return kept
    unused = [
        d
        for d in _unused(comments, used, ran)
        if d.file not in comments or _silencer(comments[d.file], d) is None
    ]
    return kept + unused


def _unused(
    comments: dict[str, tuple[Suppression, ...]], used: Used, ran: Callable[[str], bool]
) -> list[Diagnostic]:
    out = []
    for file, suppressions in comments.items():
        for s_index, comment in enumerate(suppressions):
            for w_index, (word, column) in enumerate(comment.words):
                code = code_of(word)
                if code == "C009" or (file, s_index, w_index) in used:
                    continue
                kind = "disable-file" if comment.whole_file else "disable"
                if code is None:
                    names = [*CODES, *(name for name, _ in CODES.values())]
                    message = msg(
                        "`# okrctl: {kind}=` names '{word}', which is not a rule code or "
                        "name{suggestion}",
                        kind=kind,
                        word=word,
                        suggestion=did_you_mean(word, names),
                    )
                    hint = msg("use a code or name from `okrctl rules`")
                elif not ran(code):
                    continue  # not checked in this run (--no-data): nothing to tell
                else:
                    if comment.whole_file:
                        message = msg(
                            "`# okrctl: {kind}={word}` silences nothing: no {code} in this file",
                            kind=kind,
                            word=word,
                            code=code,
                        )
                    else:
                        message = msg(
                            "`# okrctl: {kind}={word}` silences nothing: no {code} on line {line}",
                            kind=kind,
                            word=word,
                            code=code,
                            line=comment.target,
                        )
                    hint = msg("remove it; the finding it was written for is gone")
                out.append(make("C009", file, comment.line, column, message, hint))
    return out
