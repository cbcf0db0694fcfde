"""One table of hostile strings, through every command and output format (the escaping
policy of render/escape.py, docs/output.md "User text"): no raw control or bidi
character reaches a human-readable output, no user text starts a line that a CI runner
could read as a workflow command, and machine formats keep the text exactly."""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from conftest import EXAMPLES, git, run_okrctl

# as YAML double-quoted escapes, so the goal files themselves stay valid YAML
HOSTILE = [
    r"\e[31mred\e[0m and \e]8;;http://evil.example\e\\a link\e]8;;\e\\",
    r"bell\a and carriage\rreturn",
    r"\u202Eevil\u202C reordered \u2066isolate\u2069 \u200Fmark",
    r"line\n::warning title=pwned::injected",
    r"\n::add-mask::secret",
    r"\u2028separator\u2029paragraph",
    "<script>alert(1)</script> [bold red]rich[/] `code` *em* @team |pipe|",
]
# what each becomes once read: the real characters
DECODED = [json.loads('"' + h.replace(r"\e", r"\u001b").replace(r"\a", r"\u0007") + '"')
           if "\\" in h else h for h in HOSTILE]  # fmt: skip
# control characters (tab and newline aside), line separators and bidi controls
UNSAFE = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]"
)
INJECTED = re.compile(r"^::(warning title=pwned|add-mask)", re.M)
DAY = "2026-11-30"


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The manufacturing example with every title and owner replaced by a hostile string,
    in git: a first commit, then one that changes every one again (for diff and history)."""
    root = tmp_path_factory.mktemp("hostile") / "repo"
    shutil.copytree(EXAMPLES / "manufacturing", root)

    owners: dict[str, int] = {}

    def retitle(shift: int) -> None:
        for path in sorted((root / "goals").glob("*.yaml")):
            lines, count = [], 0
            for line in path.read_text(encoding="utf-8").splitlines(keepends=True):
                head, sep, _ = line.partition("title: ")
                if sep and head.strip() in ("", "-"):
                    value = HOSTILE[(count + shift) % len(HOSTILE)].replace('"', r"\"")
                    line = f'{head}title: "{value}"\n'
                    count += 1
                head, sep, owner = line.partition("owner: ")
                if sep and head.strip() in ("", "-"):
                    # one hostile name per person, so each keeps their goals and weights
                    number = owners.setdefault(owner.strip(), len(owners))
                    value = HOSTILE[(number + shift) % len(HOSTILE)].replace('"', r"\"")
                    line = f'{head}owner: "{value} {number}"\n'
                lines.append(line)
            path.write_text("".join(lines), encoding="utf-8")

    retitle(0)
    # a file name and an unknown key with escapes, for the diagnostics of `check`
    evil = root / "goals" / "\u202eevil\x1b[1m\n::add-mask::x.yaml"
    evil.write_text('objectives: []\n"\\e[31mkey\\a\\u202e": 1\n', encoding="utf-8")
    # graded down, the unknown key does not stop the commands that compute
    with (root / "okrctl.yaml").open("a", encoding="utf-8") as config:
        config.write("rules: {S002: warning}\n")
    git(root, "init", "-q")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "plan")
    retitle(3)
    git(root, "commit", "-qam", "retitle", date="2026-11-10T09:00:00+08:00")
    return root


def _runs(root: Path) -> Iterator[tuple[str, tuple[str, ...]]]:
    common = ("-C", str(root))
    for fmt in ("text", "json", "github", "sarif"):
        yield f"check {fmt}", ("check", "--no-cache", "--as-of", DAY, "-f", fmt, *common)
    for fmt in ("text", "json"):
        yield f"status {fmt}", ("status", "--as-of", DAY, "-f", fmt, *common)
    yield "explain objective", ("explain", "QA-1", "--as-of", DAY, *common)
    yield "explain kpi", ("explain", "KPI-LINE1-PASS", "--as-of", DAY, *common)
    for fmt in ("text", "json", "csv", "md"):
        yield f"score {fmt}", ("score", "--as-of", DAY, "-f", fmt, *common)
    for fmt in ("term", "md", "html", "json"):
        yield f"report {fmt}", ("report", "--as-of", DAY, "-f", fmt, *common)
    for fmt in ("text", "mermaid", "dot"):
        yield f"map {fmt}", ("map", "--as-of", DAY, "-f", fmt, *common)
    yield "why", ("why", "KPI-SALES", "--as-of", DAY, *common)
    for fmt in ("text", "md", "json"):
        yield f"diff {fmt}", ("diff", "HEAD~1", "HEAD", "--as-of", DAY, "-f", fmt, *common)
    yield "history text", ("history", "QA-1", *common)
    yield "history json", ("history", "QA-1", "-f", "json", *common)


RUNS = [name for name, _ in _runs(Path("."))]


@pytest.mark.parametrize("name", RUNS)
def test_hostile_titles_are_shown_safely(hostile: Path, name: str) -> None:
    args = dict(_runs(hostile))[name]
    result = run_okrctl(*args)
    assert result.returncode in (0, 1), (name, result.stderr)
    out = result.stdout
    assert out, name
    raw = UNSAFE.search(out)
    assert raw is None, (
        f"{name}: raw {raw.group()!r} at {out[max(raw.start() - 40, 0) : raw.end() + 10]!r}"
    )  # type: ignore[union-attr]
    assert INJECTED.search(out) is None, name
    if name == "check github":  # an annotation's only line break is before its hint
        assert re.search(r"%0A(?!hint: )|%0D", out) is None
    assert not UNSAFE.search(result.stderr)
    if name.endswith(("json", "sarif")):
        text = json.dumps(json.loads(out), ensure_ascii=False)
        if name.startswith(("status", "report", "diff")):
            # the machine format keeps every title exactly
            assert any(d in text for d in DECODED if "\u202e" in d), name
