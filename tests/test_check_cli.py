"""`okrctl check` as users and CI run it: formats, exit codes, colors, golden files."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import (
    EXAMPLES,
    FIXTURES,
    MINIMAL_CONFIG,
    MINIMAL_GOAL,
    MakeRepo,
    golden,
    run_okrctl,
    run_okrctl_process,
    shared_path,
)

BROKEN = FIXTURES / "broken"


@pytest.mark.parametrize("example", ["education", "manufacturing", "startup"])
def test_examples_pass_strict(example: str) -> None:
    result = run_okrctl("check", "--strict", "--no-cache", "-C", str(EXAMPLES / example))
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.startswith("no problems in ")


@pytest.mark.parametrize("fixture", ["broken", "broken-bsc", "broken-data"])
def test_broken_fixture_reports_exactly_the_expected_diagnostics(fixture: str) -> None:
    root = FIXTURES / fixture
    expected = [
        line
        for line in (root / "expected.txt").read_text(encoding="utf-8").splitlines()
        if line and not line.startswith("#")
    ]
    result = run_okrctl(
        "check", "--format", "json", "--no-cache", "--as-of", "2026-11-30", "-C", str(root)
    )
    assert result.returncode == 1
    report = json.loads(result.stdout)
    actual = [f"{d['code']} {d['file']}:{d['line']}" for d in report["diagnostics"]]
    assert actual == expected


def test_rule_settings_regrade_and_turn_off() -> None:
    report = json.loads(run_okrctl("check", "-f", "json", "-C", str(BROKEN)).stdout)
    by_code = {d["code"]: d for d in report["diagnostics"]}
    assert by_code["A011"]["severity"] == "error"  # warning by default, re-graded by name
    assert "A014" not in by_code  # turned off (it would not fire here anyway)
    assert by_code["C007"]["message"].startswith("rules: 'A999'")


@pytest.mark.parametrize(
    ("fmt", "name"),
    [("text", "broken.txt"), ("json", "broken.json"), ("github", "broken.github.txt")],
)
def test_golden_outputs(fmt: str, name: str) -> None:
    # annotations name files relative to the workspace; pin it to the fixture
    env = {"GITHUB_WORKSPACE": str(BROKEN)}
    result = run_okrctl("check", "--format", fmt, "--no-cache", "-C", str(BROKEN), env=env)
    assert result.returncode == 1
    assert result.stderr == ""
    golden(name, result.stdout)


def _sarif(path: Path) -> dict[str, object]:
    result = run_okrctl("check", "--format", "sarif", "--no-cache", "-C", str(path))
    return json.loads(result.stdout)  # type: ignore[no-any-return]


def test_sarif_golden_and_valid() -> None:
    from jsonschema import Draft4Validator

    document = _sarif(BROKEN)
    schema = json.loads(
        shared_path("external-schemas", "sarif-schema-2.1.0.json").read_text(encoding="utf-8")
    )
    errors = list(Draft4Validator(schema).iter_errors(document))
    assert errors == []
    text = json.dumps(document, ensure_ascii=False, indent=2) + "\n"
    text = text.replace(BROKEN.resolve().as_uri(), "file:///ROOT")
    golden("broken.sarif.json", text)
    run = document["runs"][0]  # type: ignore[index]
    rule_ids = [r["id"] for r in run["tool"]["driver"]["rules"]]
    for result in run["results"]:
        assert rule_ids[result["ruleIndex"]] == result["ruleId"]


def test_clean_sarif_is_valid() -> None:
    from jsonschema import Draft4Validator

    schema = json.loads(
        shared_path("external-schemas", "sarif-schema-2.1.0.json").read_text(encoding="utf-8")
    )
    document = _sarif(EXAMPLES / "education")
    assert list(Draft4Validator(schema).iter_errors(document)) == []
    assert document["runs"][0]["results"] == []  # type: ignore[index]


# RFC 3986 relative-ref with a path only: unreserved, sub-delims, "@", "/" and %XX
_URI_PATH = re.compile(r"(?:[A-Za-z0-9\-._~!$&'()*+,;=@/]|%[0-9A-F]{2})*")


@pytest.mark.parametrize(
    ("name", "uri"),
    [
        # space -> %20, 目 = E7 9B AE, 标 = E6 A0 87 (UTF-8), # -> %23
        ("goals/Q4 目标#1.yaml", "goals/Q4%20%E7%9B%AE%E6%A0%87%231.yaml"),
        # "?" would start a query, "%" an escape, ":" in the first segment a scheme
        ("goals/100%?.yaml", "goals/100%25%3F.yaml"),
        ("c:goals.yaml", "c%3Agoals.yaml"),
    ],
)
def test_sarif_locations_are_percent_encoded_uris(make_repo: MakeRepo, name: str, uri: str) -> None:
    from urllib.parse import unquote, urljoin, urlsplit

    from jsonschema import Draft4Validator

    config = MINIMAL_CONFIG + 'goals: ["*.yaml", "goals/**/*.yaml"]\n'
    goal = MINIMAL_GOAL.replace("title: Grow", "title: Grow\n    bogus: 1")
    root = make_repo({name: goal}, config=config)
    document = _sarif(root)
    schema = json.loads(
        shared_path("external-schemas", "sarif-schema-2.1.0.json").read_text(encoding="utf-8")
    )
    assert list(Draft4Validator(schema).iter_errors(document)) == []
    run = document["runs"][0]  # type: ignore[index]
    (location,) = {
        r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        for r in run["results"]
        if r["ruleId"] == "S002"
    }
    assert location == uri
    assert _URI_PATH.fullmatch(location)
    # what a SARIF viewer does: resolve against SRCROOT and open that file
    base = run["originalUriBaseIds"]["SRCROOT"]["uri"]
    resolved = urlsplit(urljoin(base, location))
    assert (resolved.query, resolved.fragment) == ("", "")
    assert Path(unquote(resolved.path)) == (root / name).resolve()


def test_github_is_default_under_actions_and_writes_a_job_summary(tmp_path: Path) -> None:
    summary = tmp_path / "summary.md"
    summary.write_text("previous step\n", encoding="utf-8")
    result = run_okrctl(
        "check",
        "-C",
        str(BROKEN),
        env={"GITHUB_ACTIONS": "true", "GITHUB_STEP_SUMMARY": str(summary)},
    )
    assert result.returncode == 1
    assert result.stdout.startswith("::warning file=")
    text = summary.read_text(encoding="utf-8")
    assert text.startswith("previous step\n## ")
    assert "| error | goals/company.yaml:10:17 | W001 kr-weights |" in text


def test_annotations_are_relative_to_the_workspace() -> None:
    workspace = BROKEN.parents[1]
    out = run_okrctl(
        "check", "-f", "github", "-C", str(BROKEN), env={"GITHUB_WORKSPACE": str(workspace)}
    ).stdout
    assert out.startswith("::warning file=fixtures/broken/goals/company.yaml,line=6,")


def test_quiet_prints_only_diagnostics() -> None:
    result = run_okrctl("check", "--quiet", "-C", str(BROKEN))
    lines = result.stdout.splitlines()
    assert len(lines) == 23  # the 23 diagnostics of fixtures/broken/expected.txt
    assert not any(line.startswith("    hint") for line in lines)
    clean = run_okrctl("check", "--quiet", "-C", str(EXAMPLES / "startup"))
    assert (clean.returncode, clean.stdout) == (0, "")


def test_strict_fails_on_warnings(make_repo: MakeRepo) -> None:
    root = make_repo(
        {
            "goals/a.yaml": """\
            defaults: {cycle: 2026-Q4, unit: acme}
            objectives:
              - id: CO-1
                title: Grow
                key_results:
                  - {id: users, target: 10, baseline: 1}
            """
        }
    )
    assert run_okrctl("check", "-C", str(root)).returncode == 0
    strict = run_okrctl("check", "--strict", "-C", str(root))
    assert strict.returncode == 1
    assert "A012" in strict.stdout


ANSI = re.compile(r"\x1b\[[0-9;]*m")


def test_colors_follow_terminal_conventions() -> None:
    plain = run_okrctl("check", "-C", str(BROKEN))
    assert not ANSI.search(plain.stdout)  # not a terminal
    forced = run_okrctl("check", "-C", str(BROKEN), env={"FORCE_COLOR": "1"})
    assert ANSI.search(forced.stdout)
    assert ANSI.sub("", forced.stdout).splitlines()[0] == plain.stdout.splitlines()[0]
    assert not ANSI.search(
        run_okrctl("check", "-C", str(BROKEN), env={"FORCE_COLOR": "1", "NO_COLOR": "1"}).stdout
    )
    assert not ANSI.search(
        run_okrctl("check", "--no-color", "-C", str(BROKEN), env={"FORCE_COLOR": "1"}).stdout
    )


HOSTILE = """\
defaults: {cycle: 2026-Q4, unit: acme}
objectives:
  - id: CO-1
    title: t
    type: "[bold red]x[/] \\e[31mred\\e[0m\\n::error::injected 100%, a:b"
    key_results:
      - {id: users, target: 10, baseline: 1}
"""


@pytest.mark.parametrize("force_color", ["", "1"])
def test_user_text_prints_literally(make_repo: MakeRepo, force_color: str) -> None:
    root = make_repo({"goals/a.yaml": HOSTILE})
    env = {"FORCE_COLOR": force_color} if force_color else {}
    out = run_okrctl("check", "-C", str(root), env=env).stdout
    text = ANSI.sub("", out)
    assert "[bold red]x[/]" in text
    assert "\\x1b[31mred\\x1b[0m\\n::error::injected" in text
    assert "\x1b[31mred" not in out
    assert not any(line.startswith("::error::") for line in out.splitlines())


def test_github_annotations_escape_like_the_runner(make_repo: MakeRepo) -> None:
    root = make_repo({"goals/odd, name: here.yaml": HOSTILE})
    out = run_okrctl("check", "-f", "github", "-C", str(root)).stdout
    line = next(x for x in out.splitlines() if "S001" in x)
    assert line.startswith(
        "::error file=goals/odd%2C name%3A here.yaml,line=5,col=11,title=S001 schema::"
    )
    # the newline in the value is shown as \n: it starts no line of the annotation
    assert "\\n::error::injected 100%25, a:b" in line
    lines = out.splitlines()
    # S001 and A012, then the summary: nothing wrapped, nothing split by the newline
    assert [x[:9] for x in lines[:-1]] == ["::error f", "::warning"]
    assert lines[-1].startswith("1 error, 1 warning")


def test_missing_config_is_a_usage_error(tmp_path: Path) -> None:
    result = run_okrctl("check", "-C", str(tmp_path))
    assert result.returncode == 2
    assert "no okrctl.yaml found" in result.stderr
    assert "hint: run `okrctl init`" in result.stderr
    assert "Traceback" not in result.stderr


def test_config_is_found_by_walking_up() -> None:
    result = run_okrctl("check", cwd=EXAMPLES / "education" / "goals" / "teams")
    assert result.returncode == 0
    assert "in 7 files" in result.stdout


def test_unknown_format_version(make_repo: MakeRepo) -> None:
    root = make_repo(config="okrctl: 2\n")
    result = run_okrctl("check", "-C", str(root))
    assert result.returncode == 2
    assert "okrctl.yaml:1:9: error C001 format version 2" in result.stdout


def test_broken_config_yaml_is_exit_2_with_position(make_repo: MakeRepo) -> None:
    root = make_repo(config="okrctl: 1\nunits:\n\t- x\n")
    result = run_okrctl("check", "-C", str(root))
    assert result.returncode == 2
    assert result.stdout.startswith("okrctl.yaml:3:1: error Y001")


def test_bad_option_is_exit_2() -> None:
    result = run_okrctl("check", "--format", "xml", "-C", str(BROKEN))
    assert result.returncode == 2
    assert "xml" in result.stderr


def test_internal_error_is_exit_3_and_asks_for_a_report(monkeypatch: pytest.MonkeyPatch) -> None:
    from typer.testing import CliRunner

    import okrctl.rules.runner
    from okrctl.cli.commands import app

    def boom(*args: object, **kwargs: object) -> None:
        raise RuntimeError("kaboom")

    monkeypatch.setattr(okrctl.rules.runner, "check", boom)
    runner = CliRunner()
    result = runner.invoke(app, ["check", "-C", str(BROKEN)])
    assert result.exit_code == 3
    assert "internal error: RuntimeError: kaboom" in result.output
    assert "Please report it" in result.output
    assert "Traceback" not in result.output
    debug = runner.invoke(app, ["check", "--debug", "-C", str(BROKEN)])
    assert debug.exit_code == 3
    assert "Traceback" in debug.output


def test_version_answers_before_the_heavy_imports() -> None:
    # `okrctl --version` must stay instant: the console script answers it before typer,
    # rich or any goal-reading module is imported (its time is measured in bench/)
    probe = (
        "import sys; sys.argv = ['okrctl', '--version']\n"
        "from okrctl.cli.app import main; main()\n"
        "heavy = {'typer', 'rich', 'click', 'yaml', 'duckdb', 'jsonschema', 'git'}\n"
        "print(sorted(heavy & {m.split('.')[0] for m in sys.modules}))"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    ).stdout
    assert out.startswith("okrctl ")
    assert out.splitlines()[1] == "[]"
    # and the real console script, end to end
    result = run_okrctl_process("--version")
    assert (result.returncode, result.stdout) == (0, out.splitlines()[0] + "\n")


def test_schema_command_writes_the_checked_in_schemas(tmp_path: Path) -> None:
    result = run_okrctl("schema", "--output", str(tmp_path))
    assert result.returncode == 0
    for name in ("okrctl.schema.json", "goals.schema.json"):
        checked_in = (Path(__file__).parents[1] / "schemas" / name).read_text(encoding="utf-8")
        assert (tmp_path / name).read_text(encoding="utf-8") == checked_in, (
            "schemas/ is out of date: run `make schemas`"
        )
    single = run_okrctl("schema", "goals.schema.json")
    assert json.loads(single.stdout)["title"] == "okrctl goal file"
    assert run_okrctl("schema", "nope.json").returncode == 2


def test_the_command_table_names_every_command_and_its_module() -> None:
    # `okrctl CMD` imports only the module MODULES names for CMD: a command missing from
    # the table, or listed under another module, would vanish from `okrctl CMD`
    from okrctl.cli.commands import MODULES, app

    registered = {
        (c.name or c.callback.__name__): c.callback.__module__  # type: ignore[union-attr]
        for c in app.registered_commands
    }
    for group in app.registered_groups:
        first = group.typer_instance.registered_commands[0]  # type: ignore[union-attr]
        registered[group.name] = first.callback.__module__  # type: ignore[union-attr,index]
    assert {name: f"okrctl.cli.{module}" for name, module in MODULES.items()} == registered


def test_a_command_imports_only_its_own_module() -> None:
    probe = (
        "import sys; sys.argv = ['okrctl', 'history', '--help']\n"
        "from okrctl.cli.app import main\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "print(sorted(m for m in sys.modules if m.startswith('okrctl.cli.cmd_')))"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    ).stdout
    assert "Usage: okrctl history [OPTIONS]" in out
    assert out.splitlines()[-1] == "['okrctl.cli.cmd_git']"
    # help and an unknown command still see every command
    assert "close" in run_okrctl_process("--help").stdout
    unknown = run_okrctl_process("chek")
    assert unknown.returncode == 2 and "Did you mean 'check'" in unknown.stderr
