"""`--lang zh` beyond status and score (issue 14): `check` text Chinese throughout, and
`explain`, `diff`, `history`, `map`, `new` and `checkin` in Chinese, pinned by golden
files."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from conftest import FIXTURES, MINIMAL_GOAL, MakeRepo, golden, run_okrctl

EXAMPLES = Path(__file__).parents[1] / "examples"
DAY = "2026-11-30"
ENV = {"LANG": "C.UTF-8"}

# What may stay in ASCII in a Chinese line of `check`: the place, severity and code in
# front, the rule name in brackets at the end, quoted user text ('CO-1', '营收'),
# configuration written as code (`aligns_to: CO-1/users`) and okrctl commands
_PREFIX = re.compile(r"^\S+:\d+:\d+: (?:error|warning|info) [A-Z]\d{3} ")
_RULE_NAME = re.compile(r" \[[a-z0-9-]+\]$")
_ALLOWED = re.compile(r"'[^']*'|`[^`]*`|okrctl [a-z]+")
# three or more ASCII words in a row: an English sentence left untranslated
_ENGLISH = re.compile(r"[A-Za-z]+(?: +[A-Za-z]+){2,}")


def english_runs(text: str) -> list[str]:
    """The runs of three or more English words in ``text`` outside what may stay ASCII."""
    found = []
    for line in text.splitlines():
        rest = _RULE_NAME.sub("", _PREFIX.sub("", line))
        found += [m.group() for m in _ENGLISH.finditer(_ALLOWED.sub(" ", rest))]
    return found


@pytest.mark.parametrize("fixture", ["broken", "broken-bsc", "broken-data"])
def test_check_in_chinese_has_no_english_sentence(fixture: str) -> None:
    root = FIXTURES / fixture
    zh = run_okrctl("check", "-C", str(root), "--lang", "zh", "--no-color", env=ENV)
    assert zh.returncode == 1, zh.stderr
    assert english_runs(zh.stdout) == []
    # the same findings in English are full of sentences: the scan sees them
    en = run_okrctl("check", "-C", str(root), "--lang", "en", "--no-color", env=ENV)
    assert len(english_runs(en.stdout)) >= len(zh.stdout.splitlines()) // 2


def test_the_scan_catches_an_english_hint() -> None:
    line = "goals/a.yaml:3:5: error M001 关键结果 'CO-1/x' 读取数据源 'crn' [unknown-metric-source]"
    assert english_runs(line) == []
    assert english_runs("    提示：add it under the metrics key") == [
        "add it under the metrics key"
    ]


def test_check_path_error_in_chinese(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    shutil.copytree(FIXTURES / "broken", root)
    result = run_okrctl("check", "-C", str(root), "--lang", "zh", str(root / "nowhere.yaml"))
    assert result.returncode == 2
    assert "nowhere.yaml：没有这个文件或文件夹" in result.stderr


@pytest.fixture(scope="module")
def education(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("lang-commands") / "education"
    shutil.copytree(EXAMPLES / "education", root, ignore=shutil.ignore_patterns(".okrctl_cache"))
    return root


@pytest.mark.parametrize(
    ("ident", "name"),
    [
        ("CO-1/users", "explain-kr.zh.txt"),
        ("CO-1", "explain-objective.zh.txt"),
    ],
)
def test_explain_in_chinese(education: Path, ident: str, name: str) -> None:
    result = run_okrctl(
        "explain", "-C", str(education), "--as-of", DAY, "--lang", "zh", ident, env=ENV
    )
    assert result.returncode == 0, result.stderr
    golden(name, result.stdout)
    first_line = result.stdout.splitlines()[0]
    assert first_line.startswith(("关键结果 CO-1/users：", "目标 CO-1："))


def test_explain_kpi_in_chinese() -> None:
    root = EXAMPLES / "manufacturing"
    kpis = run_okrctl("map", "-C", str(root), "--as-of", DAY, "--lang", "zh", env=ENV)
    assert kpis.returncode == 0, kpis.stderr
    ident = re.search(r"(KPI-[A-Z-]+)", kpis.stdout)
    assert ident is not None
    result = run_okrctl(
        "explain", "-C", str(root), "--as-of", DAY, "--lang", "zh", ident.group(1), env=ENV
    )
    assert result.returncode == 0, result.stderr
    golden("explain-kpi.zh.txt", result.stdout)
    assert "达成率 a = actual / target" in result.stdout


def test_map_in_chinese_in_every_format() -> None:
    root = str(EXAMPLES / "manufacturing")
    for form in ("text", "mermaid", "dot"):
        result = run_okrctl("map", "-C", root, "--as-of", DAY, "--lang", "zh", "-f", form)
        assert result.returncode == 0, result.stderr
        assert "财务" in result.stdout and "financial" not in result.stdout


@pytest.mark.parametrize(("form", "name"), [("text", "diff.zh.txt"), ("md", "diff.zh.md")])
def test_diff_in_chinese(history: Path, form: str, name: str) -> None:
    result = run_okrctl(
        "diff", "planned", "HEAD", "--as-of", DAY, "--lang", "zh", "-f", form, "-C", str(history)
    )
    assert result.returncode == 0, result.stderr
    golden(name, result.stdout)
    assert "目标调低" in result.stdout  # the goal post CO-1/users target 190 -> 150
    assert "target lowered" not in result.stdout


def test_diff_json_stays_english(history: Path) -> None:
    result = run_okrctl(
        "diff", "planned", "HEAD", "--as-of", DAY, "--lang", "zh", "-f", "json", "-C", str(history)
    )
    assert '"reason": "target lowered"' in result.stdout


def test_history_in_chinese(history: Path) -> None:
    result = run_okrctl("history", "CO-1/users", "--as-of", DAY, "--lang", "zh", "-C", str(history))
    assert result.returncode == 0, result.stderr
    golden("history.zh.txt", result.stdout)
    assert result.stdout.startswith("关键结果 CO-1/users")


def test_lang_from_okrctl_yaml_for_diff_and_history(history: Path) -> None:
    config = history / "okrctl.yaml"
    config.write_text(config.read_text(encoding="utf-8") + "lang: zh\n", encoding="utf-8")
    shown = run_okrctl("history", "CO-1/users", "--as-of", DAY, "-C", str(history), env=ENV)
    assert shown.stdout.startswith("关键结果 CO-1/users")
    english = run_okrctl(
        "history", "CO-1/users", "--as-of", DAY, "--lang", "en", "-C", str(history), env=ENV
    )
    assert english.stdout.startswith("key result CO-1/users")


def test_new_and_checkin_speak_chinese(education: Path, tmp_path: Path) -> None:
    root = tmp_path / "edu"
    shutil.copytree(education, root)
    missing = run_okrctl("new", "kr", "SOC-1", "--lang", "zh", "-C", str(root))
    assert missing.returncode == 2
    assert "需要 --id" in missing.stderr
    added = run_okrctl(
        "new", "kr", "SOC-1", "--id", "videos", "--title", "短视频", "--target", "20",
        "--lang", "zh", "-C", str(root),
    )  # fmt: skip
    assert added.returncode == 0, added.stderr
    assert added.stdout == "已添加关键结果 SOC-1/videos 到 goals/teams/social.yaml\n"
    recorded = run_okrctl(
        "checkin", "SOC-1/videos", "12", "--date", "2026-11-02", "--confidence", "7",
        "--lang", "zh", "-C", str(root),
    )  # fmt: skip
    assert recorded.returncode == 0, recorded.stderr
    assert recorded.stdout.startswith("已记录 SOC-1/videos = 12，日期 2026-11-02，信心 7/10，在 ")


def test_status_in_chinese_says_in_chinese_what_a_number_misses(make_repo: MakeRepo) -> None:
    """A refused cell: the row's marker and the footnote are Chinese under `--lang zh`
    (they were English inside a Chinese table)."""
    goal = MINIMAL_GOAL.replace("{id: users,", "{id: users, metric: crm:users,")
    rows = "date,metric,value\n2026-10-05,users,5\n2026-10-06,users,n/a\n2026-10-07,users,6\n"
    root = make_repo({"goals/a.yaml": goal, "metrics/crm.csv": rows})
    args = ("status", "--as-of", DAY, "--no-color", "-C", str(root))
    zh = run_okrctl(*args, "--lang", "zh", env={**ENV, "COLUMNS": "160"})
    en = run_okrctl(*args, "--lang", "en", env={**ENV, "COLUMNS": "160"})
    assert zh.returncode == en.returncode == 0, zh.stderr
    assert "1 cell rejected" in en.stdout and "metrics/crm.csv" in zh.stdout
    assert english_runs(zh.stdout) == [], zh.stdout
