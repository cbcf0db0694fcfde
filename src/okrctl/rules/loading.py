"""Codes emitted while files are read and shaped: YAML (Y), schema (S), configuration (C).

They are found by the loader, not by a whole-graph check, but are documented, switched
off and re-graded like every other rule.
"""

from __future__ import annotations

from okrctl.rules.registry import documented

documented(
    "Y001",
    """The file is not valid YAML.

    Anti-pattern::

        title: Goal: grow users     # ': ' inside a plain value
        unit_label: %               # a plain value cannot start with %

    Fix: quote such values (``title: 'Goal: grow users'``, ``unit_label: '%'``) and indent
    with spaces, never tabs. The diagnostic points at the character YAML stopped at.
    """,
)
documented(
    "Y002",
    """A mapping has the same key twice; YAML would silently keep only one.

    Anti-pattern::

        - id: users
          target: 2000000
          target: 1800000

    Fix: keep one ``target``. Both places are named in the message.
    """,
)
documented(
    "Y003",
    """The file's bytes are not UTF-8 text.

    Anti-pattern: a goal file saved as GB18030 or Latin-1 by an old editor.

    Fix: save it as UTF-8. (GB18030 is fine for metric CSV files, not for YAML.)
    """,
)
documented(
    "Y004",
    """A goal or config file is larger than 5 MiB, and is not read.

    Anti-pattern: a generated file holding the whole organisation, or a data dump matched by
    the ``goals`` globs.

    Fix: split it by unit, or narrow the ``goals`` globs in okrctl.yaml.
    """,
)
documented(
    "Y005",
    """The file holds NUL bytes: it is binary, not YAML.

    Anti-pattern: ``goals: ["goals/**"]`` matching a spreadsheet or an image.

    Fix: narrow the globs to ``*.yaml`` files.
    """,
)
documented(
    "Y006",
    """The YAML nests deeper than 64 levels; reading stops there.

    Anti-pattern: ``[[[[[[...]]]]]]`` thousands deep, which can only be an accident or an
    attack on CI.

    Fix: goal files need about six levels; flatten the structure.
    """,
)
documented(
    "Y007",
    """YAML aliases expand to more than 10,000 nodes ("billion laughs").

    Anti-pattern::

        a: &a [x, x, x, x, x, x, x, x, x]
        b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]
        c: [*b, *b, *b, *b, *b, *b, *b, *b, *b]

    Fix: write values out; use the file's ``defaults:`` for values shared by entries.
    """,
)
documented(
    "Y008",
    """A YAML tag other than the standard ``!!str``, ``!!int``, ``!!float``, ``!!bool``,
    ``!!null``, ``!!map`` and ``!!seq``.

    Anti-pattern: ``target: !python/int 5`` or ``owner: !vault secret``.

    Fix: remove the tag; quote the value if it must stay text.
    """,
)
documented(
    "Y009",
    """A mapping key that is a list or a mapping.

    Anti-pattern: ``? [a, b]\\n: value``.

    Fix: keys are names; write them as plain text.
    """,
)
documented(
    "Y010",
    """The file is UTF-16 or UTF-32. okrctl reads it, but git shows it as binary, so pull
    request reviews cannot see changes.

    Anti-pattern: a goal file saved as "Unicode" by Windows Notepad (UTF-16).

    Fix: save it as UTF-8.
    """,
)
documented(
    "Y011",
    """A goal file matched by the ``goals`` globs holds nothing.

    Anti-pattern: an empty ``goals/draft.yaml`` left behind.

    Fix: add goals, or delete the file.
    """,
)
documented(
    "S001",
    """A value has the wrong shape for its field: a wrong type, a value outside the allowed
    list, a malformed id, number or date, or a missing required key.

    Anti-pattern::

        - id: users
          done: yes          # YAML 1.2 reads yes as text
          weight: half       # not a number
          type: commited     # typo

    Fix: ``done: true``, ``weight: 0.5`` (or ``50%``), ``type: committed``. Numbers may be
    written 45%, 1,200,000, 1.2M, 200万 or 3亿. The field is in the message.
    """,
)
documented(
    "S002",
    """A key the format does not know; usually a typo, which would otherwise be ignored.

    Anti-pattern: ``tittle: Grow users`` or ``key_result:`` for ``key_results:``.

    Fix: use the suggested key. The message lists what is allowed there.
    """,
)
documented(
    "S003",
    """A key result mixes keys of different kinds, or lacks what its kind needs.

    The kinds: metric (``target`` a number), relative (``target: +30%``), range
    (``target: [3, 5]``), guardrail (``at_least`` or ``at_most``), milestone
    (``milestone: true`` with ``done``).

    Anti-pattern::

        - id: deck
          milestone: true
          target: 1          # a milestone has no target
        - id: attrition
          at_most: 5%
          at_least: 1%       # one guard per key result

    Fix: keep the keys of one kind. A key result needs a ``target``, a guard or
    ``milestone: true``.
    """,
)
documented(
    "S004",
    """A date has the right shape but does not exist, e.g. ``2026-02-30``.

    Anti-pattern: ``plan: [{date: 2026-02-30, value: 5}]``.

    Fix: write a real calendar date.
    """,
)
documented(
    "C001",
    """okrctl.yaml declares a format version this okrctl does not know, or none.

    Anti-pattern: ``okrctl: 2`` read by an older okrctl, which would silently misread it.

    Fix: upgrade okrctl, or write ``okrctl: 1``.
    """,
)
documented(
    "C002",
    """A configured path or glob points outside the repository (absolute, ``..``, or a
    symbolic link that leaves it). Goal files come from pull requests, so CI must never be
    made to read other files on the runner.

    Anti-pattern: ``goals: ["../../etc/*"]`` or ``path: /home/ci/secrets.csv``.

    Fix: keep goal files and metric dumps inside the repository.
    """,
)
documented(
    "C003",
    """A unit's ``level`` is not one of ``levels``.

    Anti-pattern: ``{id: social, level: squad}`` when levels are company, department,
    team, individual.

    Fix: use a level from ``levels`` (default company, department, team, individual).
    """,
)
documented(
    "C004",
    """A unit's ``parent`` is not a unit, is at the same or a lower level, or the parents
    form a loop.

    Anti-pattern: ``{id: social, parent: marketting, level: team}``.

    Fix: name an existing unit one level up.
    """,
)
documented(
    "C005",
    """A cycle ends before it starts.

    Anti-pattern: ``{id: 2026-Q4, start: 2026-12-31, end: 2026-10-01}``.

    Fix: ``start`` is the first day and ``end`` the last day, inclusive.
    """,
)
documented(
    "C006",
    """Two units, cycles or metric sources share an id.

    Anti-pattern: two ``- {id: sales, ...}`` entries under ``units:``.

    Fix: give each its own id; the message names both places.
    """,
)
documented(
    "C007",
    """``rules:`` names a rule code or name that does not exist, so the setting does nothing.

    Anti-pattern: ``rules: {A11: off}`` (for A011).

    Fix: use a code or name from docs/rules.md.
    """,
)
documented(
    "C009",
    """A ``# okrctl: disable=CODE`` comment that silences nothing: no finding of that
    rule on its line (or, for ``disable-file``, in its file), or a word that is not a rule
    code or name. Reported only for rules that ran (``--no-data`` skips the D rules).

    Anti-pattern: ``# okrctl: disable=A013`` left on an objective after its key results
    were cut to four.

    Fix: remove the comment, or correct the code it names.
    """,
)
documented(
    "C008",
    """A ``goals`` glob matches no file.

    Anti-pattern: ``goals: ["goal/**/*.yaml"]`` when the folder is ``goals/``.

    Fix: correct the glob, or remove it.
    """,
)
