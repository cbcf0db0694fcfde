"""The terminal in the reader's language (issue 14): --lang and `lang:`, Chinese words and
万 numbers, names instead of ids, status words as filters, narrow terminals, and the
progress bar of long work."""

from __future__ import annotations

import os
import pty
import re
import select
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rich.cells import cell_len

from conftest import run_okrctl, write

EXAMPLES = Path(__file__).parents[1] / "examples"
DAY = "2026-11-30"
PEOPLE = """people:
  li.na: 李娜
  sun.hao: {name: 孙浩, wecom: SunHao, email: sun.hao@example.com}
  zhang.wei: {name: 张伟, feishu: ou_123, dingtalk: zw01, slack: U123}
"""


@pytest.fixture(scope="module")
def education(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("lang") / "education"
    shutil.copytree(EXAMPLES / "education", root, ignore=shutil.ignore_patterns(".okrctl_cache"))
    config = root / "okrctl.yaml"
    config.write_text(config.read_text(encoding="utf-8") + PEOPLE, encoding="utf-8")
    return root


def status(root: Path, *args: str, env: dict[str, str] | None = None) -> str:
    result = run_okrctl(
        "status", "-C", str(root), "--as-of", DAY, *args, env={"LANG": "C.UTF-8", **(env or {})}
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_status_in_chinese_with_wan_numbers(education: Path) -> None:
    out = status(education, "--lang", "zh")
    assert out.startswith("2026-Q4，截至 2026-11-30\n")
    header = out.splitlines()[1].split()
    assert header == ["目标", "进度", "数值", "%", "状态", "负责人"]
    # CO-1/users: 1,530,000 of 2,000,000 users, hand-read from metrics/crm.csv
    assert "153万 / 200万 users   53%  有风险  孙浩" in out
    assert "落后" in out and "正常" in out
    assert "29 行：8 正常，7 有风险，14 落后；┃ 标出预期进度" in out
    assert not re.search(r"\d\.\d\dK|万\.\d\d", out)


def test_status_in_english_never_prints_fixed_decimals(education: Path) -> None:
    out = status(education, "--lang", "en")
    assert "1.53M / 2M users" in out and "212K / 500K" in out
    assert not re.search(r"\.\d\dK|\.00M", out)


def test_lang_from_okrctl_yaml_and_from_the_locale(tmp_path: Path, education: Path) -> None:
    root = tmp_path / "repo"
    shutil.copytree(education, root)
    config = root / "okrctl.yaml"
    assert "有风险" in status(education, env={"LANG": "zh_CN.UTF-8"})
    config.write_text(config.read_text(encoding="utf-8") + "lang: zh\n", encoding="utf-8")
    assert "有风险" in status(root)
    assert "at risk" in status(root, "--lang", "en")
    bad = run_okrctl("status", "-C", str(root), "--lang", "fr")
    assert bad.returncode == 2 and "use en or zh" in bad.stderr


def test_people_names_replace_ids(education: Path) -> None:
    out = status(education, "--lang", "en")
    assert "李娜" in out and "孙浩" in out and "li.na" not in out
    json_out = status(education, "--format", "json")
    assert '"li.na"' in json_out and "李娜" not in json_out  # machine output keeps ids


def test_owner_and_unit_by_name_or_id(education: Path) -> None:
    by_name = status(education, "--owner", "李娜")
    by_id = status(education, "--owner", "li.na")
    assert by_name == by_id and "MKT-1" in by_name
    unit_by_name = status(education, "--unit", "市场部 Marketing")
    assert unit_by_name == status(education, "--unit", "marketing")


def test_unknown_owner_and_unit_list_the_choices(education: Path) -> None:
    owner = run_okrctl("status", "-C", str(education), "--owner", "li.nb")
    assert owner.returncode == 2
    assert "no owner 'li.nb'; did you mean 'li.na'?" in owner.stderr
    assert "li.na (李娜)" in owner.stderr and "zhou.min" in owner.stderr
    unit = run_okrctl("status", "-C", str(education), "--unit", "sales")
    assert unit.returncode == 2
    assert (
        "marketing (市场部 Marketing)" in unit.stderr and "courses (课程组 Courses)" in unit.stderr
    )


@pytest.mark.parametrize("word", ["at-risk", "yellow", "at risk", "AT_RISK", "有风险"])
def test_status_filter_accepts_printed_words(education: Path, word: str) -> None:
    out = status(education, "--status", word, "--lang", "en")
    rows = [line for line in out.splitlines()[2:-1] if line.strip()]
    shown = [line for line in rows if "at risk" in line]
    assert shown and all(("at risk" in line) or "·" not in line for line in rows)
    assert "rows: 7 at risk;" in out.splitlines()[-1]


def test_unknown_status_word_lists_the_words(education: Path) -> None:
    result = run_okrctl("status", "-C", str(education), "--status", "late")
    assert result.returncode == 2
    assert "on-track, at-risk, off-track, no-data" in result.stderr


def test_score_in_chinese_with_names(education: Path) -> None:
    result = run_okrctl("score", "-C", str(education), "--as-of", DAY, "--lang", "zh")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("评分卡，2026-Q4，截至 2026-11-30")
    assert "李娜" in result.stdout or "市场部 Marketing" in result.stdout


def test_check_text_in_chinese(tmp_path: Path) -> None:
    write(
        tmp_path,
        "okrctl.yaml",
        "okrctl: 1\ncycles:\n  - {id: Q4, start: 2026-10-01, end: 2026-12-31}\n",
    )
    write(
        tmp_path,
        "goals/a.yaml",
        "objectives:\n  - id: A\n    title: 甲\n    level: company\n    cycle: Q4\n"
        "    key_results:\n"
        "      - {id: k, milestone: true, weight: 0.5}\n"
        "      - {id: j, milestone: true, weight: 0.6}\n",
    )
    english = run_okrctl("check", "-C", str(tmp_path), "--no-color")
    chinese = run_okrctl("check", "-C", str(tmp_path), "--no-color", "--lang", "zh")
    assert english.returncode == chinese.returncode == 1
    assert "1 error, 2 warnings in 1 file: 1 objective, 2 KRs" in english.stdout
    assert "1 个错误，2 个警告，共 1 个文件：1 个目标，2 个关键结果" in chinese.stdout
    # the place, severity and code stay as they are for problem matchers
    assert "goals/a.yaml:7:42: error W001 " in chinese.stdout
    assert "提示：" in chinese.stdout
    as_json = run_okrctl("check", "-C", str(tmp_path), "--format", "json", "--lang", "zh")
    assert "提示" not in as_json.stdout and '"code": "W001"' in as_json.stdout


# -- narrow terminals ------------------------------------------------------------------

CJK_TITLE = st.text(
    alphabet=st.sampled_from(list("目标用户增长率市场部学员满意度abcXYZ 0123-/")),
    min_size=1,
    max_size=60,
)


def _narrow_repo(root: Path, titles: list[str]) -> None:
    units = "units:\n  - {id: co, level: company}\n  - {id: dept, level: department, parent: co}\n"
    write(
        root,
        "okrctl.yaml",
        "okrctl: 1\n" + units + "cycles:\n  - {id: Q4, start: 2026-10-01, end: 2026-12-31}\n"
        "people: {very.long.owner.name: 欧阳长名字很长的负责人}\n",
    )
    krs = "".join(
        f"      - {{id: k{i}, title: {title!r}, milestone: true, done: {done}}}\n"
        for i, title in enumerate(titles)
        for done in ["true" if i % 2 == 0 else "false"]
    )
    write(
        root,
        "goals/co.yaml",
        "defaults: {cycle: Q4, unit: co, owner: very.long.owner.name}\nobjectives:\n"
        f"  - id: CO-1\n    title: {titles[0]!r}\n    key_results:\n{krs}",
    )
    write(
        root,
        "goals/dept.yaml",
        "defaults: {cycle: Q4, unit: dept}\nobjectives:\n"
        f"  - id: DEPT-1\n    title: {titles[-1]!r}\n    aligns_to: CO-1/k0\n"
        "    key_results:\n"
        "      - {id: deep, title: 部门的关键结果, milestone: true, done: false}\n",
    )


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(width=st.integers(60, 200), titles=st.lists(CJK_TITLE, min_size=1, max_size=4))
def test_status_never_wraps_at_any_width(
    tmp_path_factory: pytest.TempPathFactory, width: int, titles: list[str]
) -> None:
    root = tmp_path_factory.mktemp("narrow")
    _narrow_repo(root, titles)
    out = status(root, env={"COLUMNS": str(width)})
    lines = out.splitlines()
    assert all(cell_len(line) <= width for line in lines), (width, out)
    assert all(line == line.rstrip() for line in lines)
    rows = [line for line in lines if re.match(r"^[│├└─ ]*[✓!✗?] ", line)]
    assert len(rows) == 2 + len(titles) + 1  # every goal is one line
    assert any("CO-1" in line for line in rows) and any("KR deep" in line for line in rows)


def test_columns_drop_owner_then_value(tmp_path: Path) -> None:
    _narrow_repo(tmp_path, ["用户增长到两百万 / Users to two million"])
    wide = status(tmp_path, env={"COLUMNS": "200"}).splitlines()[1].split()
    mid = status(tmp_path, env={"COLUMNS": "70"}).splitlines()[1].split()
    narrow = status(tmp_path, env={"COLUMNS": "60"}).splitlines()[1].split()
    assert wide == ["goal", "progress", "value", "%", "status", "owner"]
    assert mid == ["goal", "progress", "value", "%", "status"]
    assert narrow == ["goal", "progress", "%", "status"]
    cut = status(tmp_path, env={"COLUMNS": "60"})
    assert "…" in cut and max(cell_len(line) for line in cut.splitlines()) <= 60


def test_piped_output_without_columns_is_whole(education: Path) -> None:
    out = status(education, env={"COLUMNS": ""})
    assert "…" not in out and all(line == line.rstrip() for line in out.splitlines())


# -- the progress bar of long work -------------------------------------------------------


def _many_goals(root: Path, count: int) -> None:
    write(
        root,
        "okrctl.yaml",
        "okrctl: 1\ncycles:\n  - {id: Q4, start: 2026-10-01, end: 2026-12-31}\n",
    )
    for i in range(count):
        write(
            root,
            f"goals/g{i}.yaml",
            f"objectives:\n  - id: G-{i}\n    title: Goal {i}\n    cycle: Q4\n    key_results:\n"
            "      - {id: k, milestone: true, done: true}\n",
        )


def _run_on_a_terminal(args: list[str], env: dict[str, str]) -> tuple[int, str, str]:
    """Run okrctl with stderr on a pseudo-terminal and stdout on a pipe."""
    primary, secondary = pty.openpty()
    environment = {k: v for k, v in os.environ.items() if k not in ("CI", "GITHUB_ACTIONS")}
    environment.update({"TERM": "xterm-256color", "COLUMNS": "100", **env})
    process = subprocess.Popen(
        [sys.executable, "-m", "okrctl", *args],
        stdout=subprocess.PIPE,
        stderr=secondary,
        stdin=subprocess.DEVNULL,
        env=environment,
    )
    os.close(secondary)
    terminal = b""
    while True:
        ready, _, _ = select.select([primary], [], [], 60)
        if not ready:
            break
        try:
            chunk = os.read(primary, 65536)
        except OSError:  # the terminal closed: the process is done with it
            break
        if not chunk:
            break
        terminal += chunk
    stdout = process.stdout.read() if process.stdout else b""
    code = process.wait(60)
    os.close(primary)
    return code, stdout.decode(), terminal.decode(errors="replace")


@pytest.fixture
def many(tmp_path: Path) -> Path:
    """A fresh repository of 40 goal files: nothing of it is in the parse cache yet."""
    _many_goals(tmp_path, 40)
    return tmp_path


def test_progress_bar_on_a_terminal(many: Path) -> None:
    code, stdout, terminal = _run_on_a_terminal(
        ["status", "-C", str(many), "--as-of", DAY], {"OKRCTL_PROGRESS_AFTER": "0"}
    )
    assert code == 0, terminal
    assert "parsing goal files" in terminal and "40" in terminal
    assert "parsing goal files" not in stdout and "G-39" in stdout


@pytest.mark.parametrize(
    ("args", "env"),
    [
        (["--format", "json"], {}),  # never beside JSON
        ([], {"CI": "true"}),  # never in CI logs
        ([], {}),  # nor when the work is quicker than the threshold
    ],
)
def test_no_progress_bar(many: Path, args: list[str], env: dict[str, str]) -> None:
    env = {"OKRCTL_PROGRESS_AFTER": "0", **env} if env or args else env
    code, _, terminal = _run_on_a_terminal(["status", "-C", str(many), "--as-of", DAY, *args], env)
    assert code == 0, terminal
    assert "parsing goal files" not in terminal


def test_no_progress_bar_in_a_pipe(many: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "okrctl", "status", "-C", str(many), "--as-of", DAY],
        capture_output=True,
        text=True,
        env={**os.environ, "OKRCTL_PROGRESS_AFTER": "0"},
        check=False,
    )
    assert result.returncode == 0 and result.stderr == ""
