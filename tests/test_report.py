"""`okrctl report`: one model, four renderings, two languages, safe HTML."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import EXAMPLES, MINIMAL_CONFIG, MakeRepo, golden, run_okrctl
from okrctl.core.i18n import keys, text

DAY = "2026-11-30"


@pytest.fixture(scope="module")
def copies(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The examples outside any git repository, so reports do not depend on this repo's
    history."""
    root = tmp_path_factory.mktemp("examples")
    for name in ("education", "manufacturing", "startup"):
        shutil.copytree(
            EXAMPLES / name, root / name, ignore=shutil.ignore_patterns(".okrctl_cache")
        )
    return root


def report(root: Path, *args: str) -> str:
    result = run_okrctl(
        "report",
        "-C",
        str(root),
        "--as-of",
        DAY,
        *args,
        env={"LANG": "C.UTF-8", "GIT_CEILING_DIRECTORIES": str(root.parent)},
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


@pytest.mark.parametrize("example", ["education", "manufacturing", "startup"])
@pytest.mark.parametrize("fmt", ["md", "html", "json", "term"])
def test_report_goldens(copies: Path, example: str, fmt: str) -> None:
    out = report(copies / example, "-f", fmt)
    golden(f"report-{example}.{fmt}", out)


def test_education_numbers_from_the_domain(copies: Path) -> None:
    data = json.loads(
        run_okrctl(
            "report", "-C", str(copies / "education"), "--as-of", "2026-12-31", "-f", "json"
        ).stdout
    )
    co1 = next(o for o in data["objectives"] if o["id"] == "CO-1")
    assert round(co1["progress"] * 100, 1) == 74.4 and data["final"] is True
    krs = {k["id"]: k for k in co1["key_results"]}
    assert krs["CO-1/users"]["progress"] == pytest.approx(0.8)
    assert krs["CO-1/users"]["current"] == 1_800_000
    assert krs["CO-1/paid"]["progress"] == pytest.approx(250 / 300)
    assert krs["CO-1/satisfaction"]["progress"] == pytest.approx(0.6)
    # on 11-30 the linear trend of the users series lands on 1.8M at the cycle end
    mid = json.loads(report(copies / "education", "-f", "json"))
    users = next(k for o in mid["objectives"] for k in o["key_results"] if k["id"] == "CO-1/users")
    assert users["forecast"]["landing_value"] == pytest.approx(1_800_000, rel=1e-3)
    assert users["forecast"]["needed_per_week"] == pytest.approx(
        (2_000_000 - users["current"]) / (31 / 7)
    )


def test_report_json_matches_its_schema(copies: Path) -> None:
    from jsonschema import Draft7Validator

    schema = json.loads(
        (Path(__file__).parents[1] / "schemas" / "report.schema.json").read_text(encoding="utf-8")
    )
    for example in ("education", "manufacturing", "startup"):
        document = json.loads(report(copies / example, "-f", "json", "--include-scorecards"))
        assert list(Draft7Validator(schema).iter_errors(document)) == []


def test_every_text_exists_in_both_languages() -> None:
    for key in keys():
        english, chinese = text(key, "en"), text(key, "zh")
        assert english and chinese
        assert english != chinese or key in ("synergy",), key
        assert re.search(r"[\u4e00-\u9fff]", chinese), key


def test_chinese_report(copies: Path) -> None:
    out = run_okrctl(
        "report",
        "-C",
        str(copies / "education"),
        "--as-of",
        "2026-12-31",
        "-f",
        "md",
        "--lang",
        "zh",
    ).stdout
    assert out.startswith("# 季度复盘报告")
    assert "## 概览" in out and "## 复盘" in out and "正常" in out
    assert "180万 / 200万" not in out  # KR rows show progress, forecasts the values
    term = run_okrctl(
        "report",
        "-C",
        str(copies / "education"),
        "--as-of",
        "2026-12-31",
        "-f",
        "term",
        "--lang",
        "zh",
    ).stdout
    assert "180万 / 200万" in term  # numbers per language: 1.8M in English
    english = run_okrctl(
        "report",
        "-C",
        str(copies / "education"),
        "--as-of",
        "2026-12-31",
        "-f",
        "term",
        "--lang",
        "en",
    ).stdout
    assert "1.8M / 2M" in english
    zh_by_locale = run_okrctl(
        "report", "-C", str(copies / "education"), "-f", "md", env={"LANG": "zh_CN.UTF-8"}
    ).stdout
    assert zh_by_locale.startswith("# 季度复盘报告")


HOSTILE = '<script>alert(1)</script> "><img src=x onerror=alert(2)>'


def test_html_is_self_contained_and_escaped(copies: Path, tmp_path: Path) -> None:
    root = tmp_path / "hostile"
    shutil.copytree(copies / "education", root)
    path = root / "goals" / "company.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace(
            "成为在线教育前五 / Become a top-5 online education company", HOSTILE.replace('"', "'")
        ),
        encoding="utf-8",
    )
    html = report(root, "-f", "html")
    assert "<script" not in html and "<img" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;img src=x onerror=alert(2)&gt;" in html
    assert not re.search(r"<link|@import|src=\"http|href=\"http|url\((?!#)", html)
    assert [
        m for m in re.findall(r"https?://[^\"' )]+", html) if m != "http://www.w3.org/2000/svg"
    ] == []
    assert "@page{size:A4" in html and "break-before:page" in html
    md = report(root, "-f", "md")
    assert "<script" not in md and "<img" not in md


def _chromium() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    pytest.skip("no Chromium on this machine (.ci/run installs Debian's chromium)")
    raise AssertionError  # unreachable


def test_html_renders_in_a_real_browser(copies: Path, tmp_path: Path) -> None:
    browser = _chromium()
    page = tmp_path / "report.html"
    page.write_text(report(copies / "education", "-f", "html"), encoding="utf-8")
    flags = [
        browser,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        f"--user-data-dir={tmp_path / 'profile'}",
        "--enable-logging=stderr",
        "--v=0",
    ]
    dom = subprocess.run(
        [*flags, "--dump-dom", page.as_uri()], capture_output=True, text=True, timeout=120
    )
    assert "Quarterly review" in dom.stdout
    assert "1.53M / 2M" in dom.stdout and "49%" in dom.stdout  # the numbers render
    assert dom.stdout.count("<svg") >= 10  # the charts are there
    # real charts: dates on x, values with units on y, a legend, titles over them
    assert ">Oct 1</text>" in dom.stdout and ">Dec 1</text>" in dom.stdout
    assert ">2.00M</text>" in dom.stdout and ">users</text>" in dom.stdout
    for word in ("Baseline", "Target", "Expected", "Actual", "Forecast"):
        assert f">{word}</text>" in dom.stdout
    assert "<strong>Paid users from 200k to 500k</strong>" in dom.stdout
    console = [
        line
        for line in dom.stderr.splitlines()
        if "CONSOLE" in line and ("ERROR" in line or "Uncaught" in line)
    ]
    assert console == []
    shot = tmp_path / "report.png"
    subprocess.run(
        [*flags, f"--screenshot={shot}", "--window-size=1280,2000", page.as_uri()],
        capture_output=True,
        timeout=120,
    )
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 10_000


def test_reviews_are_read_back(copies: Path, tmp_path: Path) -> None:
    root = tmp_path / "reviewed"
    shutil.copytree(copies / "education", root)
    (root / "reviews").mkdir()
    (root / "reviews" / "2026-Q4.yaml").write_text(
        "PRD-1:\n  went_wrong: 课程上线晚了两周 / Two courses shipped late\n"
        "  change_next: Plan course launches a month ahead\n  notes: Discussed 12-05\n",
        encoding="utf-8",
    )
    md = report(root, "-f", "md")
    assert "- ✍️ 课程上线晚了两周 / Two courses shipped late" in md
    assert "**Notes**: Discussed 12\\-05" in md or "**Notes**: Discussed 12-05" in md


def test_scorecards_only_when_asked(copies: Path) -> None:
    plain = json.loads(report(copies / "manufacturing", "-f", "json"))
    assert plain["scorecards"] is None
    full = json.loads(report(copies / "manufacturing", "-f", "json", "--include-scorecards"))
    assert {c["owner"] for c in full["scorecards"]} >= {"zheng.yu", "wu.hua"}


def test_changes_from_git(history: Path) -> None:
    data = json.loads(run_okrctl("report", "-C", str(history), "--as-of", DAY, "-f", "json").stdout)
    posts = [p for c in data["changes"] for p in c["goalposts"]]
    assert any(p["reason"] == "target lowered" and p["author"] == "Wang Fang" for p in posts)
    assert data["changes_note"] is None


@pytest.mark.slow
def test_markdown_stays_under_the_job_summary_limit(tmp_path: Path) -> None:
    import sys

    sys.path.insert(0, str(Path(__file__).parents[1] / "bench"))
    from generate_org import generate

    org = tmp_path / "org"
    generate(org, files=300, mistakes=False)  # a report is refused with errors
    result = run_okrctl("report", "-C", str(org), "--as-of", DAY, "-f", "md", "--no-git")
    assert result.returncode == 0, result.stderr
    assert len(result.stdout.encode()) < 1024 * 1024
    assert (
        "… and " in result.stdout and "more (the HTML and JSON reports list all)" in result.stdout
    )


def test_every_change_names_its_commit(history: Path) -> None:
    data = json.loads(run_okrctl("report", "-C", str(history), "--as-of", DAY, "-f", "json").stdout)
    moved = next(c for c in data["changes"] if c["id"] == "S-1")
    assert moved["author"] == "Li Na" and moved["when"].startswith("2026-11-12")
    md = run_okrctl("report", "-C", str(history), "--as-of", DAY, "-f", "md").stdout
    assert "Wang Fang, 2026-11-10" in md


SUMMARY_GOALS = {
    "goals/company.yaml": """\
    defaults: {cycle: 2026-Q4, unit: acme, owner: ceo, type: committed}
    objectives:
      - id: CO-1
        title: Grow
        key_results:
          - {id: users, metric: crm:users, baseline: 100, target: 200}
          - {id: cost, metric: crm:cost, baseline: 50, target: 30}
    """,
    "goals/sales.yaml": """\
    defaults: {cycle: 2026-Q4, unit: sales, owner: li, type: committed}
    objectives:
      - id: S-1
        title: Sell
        aligns_to: CO-1/users
        key_results:
          - {id: deals, metric: crm:deals, baseline: 0, target: 10}
      - id: S-2
        title: Call
        key_results:
          - {id: calls, metric: crm:calls, baseline: 0, target: 4}
    """,
    "metrics/crm.csv": "date,metric,value\n2026-11-30,users,150\n2026-11-30,cost,40\n"
    "2026-11-30,deals,8\n2026-11-30,calls,1\n",
}


@pytest.mark.parametrize(
    ("unit", "expected"),
    [
        # progress: CO-1 (0.5 + 0.5) / 2, S-1 0.8, S-2 0.25; committed, so grade = progress.
        # e = 61/92 on 11-30: green from 0.9e = 0.597, yellow from 0.7e = 0.464.
        # S-1 aligns to CO-1/users, S-2 aligns to nothing: 1 of 2 below the top aligned;
        # CO-1/users is supported, CO-1/cost is not: coverage 1 of 2.
        (None, ({"green": 1, "yellow": 1, "red": 1}, (0.5 + 0.8 + 0.25) / 3, 0.5, 0.5)),
        # one department: its own objectives only; no top-level key result is in view
        ("sales", ({"green": 1, "red": 1}, (0.8 + 0.25) / 2, 0.5, None)),
    ],
)
def test_summary_by_hand(
    make_repo: MakeRepo, unit: str | None, expected: tuple[object, ...]
) -> None:
    root = make_repo(SUMMARY_GOALS)
    args = ["report", "-C", str(root), "--as-of", "2026-11-30", "-f", "json", "--no-git"]
    data = json.loads(run_okrctl(*args, *(["--unit", unit] if unit else [])).stdout)
    s = data["summary"]
    counts, average, alignment, coverage = expected
    assert s["by_status"] == counts
    assert s["average_score"] == pytest.approx(average)
    assert s["alignment_rate"] == alignment
    assert s["coverage"] == coverage


def test_forecast_and_freshness_by_hand(make_repo: MakeRepo) -> None:
    config = MINIMAL_CONFIG.replace("metrics/crm.csv}", "metrics/crm.csv, stale_after: 7d}")
    root = make_repo(
        {
            "goals/company.yaml": """\
            defaults: {cycle: 2026-Q4, unit: acme, owner: ceo, type: committed}
            objectives:
              - id: CO-1
                title: Grow
                key_results:
                  - {id: users, metric: crm:users, baseline: 100, target: 200}
            """,
            "metrics/crm.csv": "date,metric,value\n"
            "2026-10-01,users,100\n2026-10-31,users,130\n2026-11-30,users,160\n",
        },
        config=config,
    )
    args = ["report", "-C", str(root), "--as-of", "2026-12-10", "-f", "json", "--no-git"]
    data = json.loads(run_okrctl(*args).stdout)
    (users,) = data["objectives"][0]["key_results"]
    # the points lie on 100 + 1/day from 10-01; 12-31 is day 91: 191, progress 91/100;
    # 21 days (3 weeks) left from 12-10 and 200 - 160 still to go
    assert users["forecast"] == {
        "landing_value": pytest.approx(191),
        "landing_progress": pytest.approx(0.91),
        "landing_score": pytest.approx(0.91),
        "trend_per_week": pytest.approx(7),
        "needed_per_week": pytest.approx(40 / 3),
        "weeks_left": pytest.approx(3),
    }
    # the last row is 10 days old on 12-10, more than stale_after: 7d
    assert data["summary"]["freshness"] == [
        {
            "source": "crm",
            "latest": "2026-11-30",
            "age_days": 10,
            "stale": True,
            "stale_after": "7d",
            "rejected": 0,
            "rejected_lines": [],
        }
    ]


REVIEW_GOALS = {
    "goals/company.yaml": """\
    defaults: {cycle: 2026-Q4, unit: acme, owner: ceo}
    objectives:
      - id: CO-1
        title: Grow
        type: committed
        key_results:
          - {id: users, metric: crm:users, baseline: 100, target: 200}
          - {id: deals, metric: crm:deals, baseline: 0, target: 10}
      - id: CO-2
        title: Stretch
        type: aspirational
        key_results:
          - {id: reach, metric: crm:reach, baseline: 0, target: 100}
    """,
    # the data stops on 11-30, a month before the cycle end
    "metrics/crm.csv": "date,metric,value\n2026-10-01,users,100\n2026-11-30,users,199.6\n"
    "2026-11-30,deals,10\n2026-11-30,reach,75\n",
}


def _report(root: Path, as_of: str, fmt: str = "json") -> str:
    result = run_okrctl("report", "-C", str(root), "--as-of", as_of, "-f", fmt, "--no-git")
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_final_review_agrees_with_itself(make_repo: MakeRepo) -> None:
    root = make_repo(REVIEW_GOALS)
    data = json.loads(_report(root, "2027-01-05"))
    assert data["final"] is True
    # first: the final numbers rest on data that stops 31 days before 12-31
    assert data["warnings"][0]["kind"] == "report"
    assert data["warnings"][0]["message"].startswith(
        "These final numbers rest on data that ends before the cycle end (2026-12-31): "
        "crm (2026-11-30, 31 d)."
    )
    for fmt in ("md", "term", "html"):
        out = _report(root, "2027-01-05", fmt)
        assert "31 d" in out.split("Objectives")[0], fmt
    # users (199.6 - 100) / 100 = 0.996: below the committed bar of 1.0, so CO-1 (mean of
    # 0.996 and 1.0 = 0.998) is yellow; shown as 99.6%, never as "100% against 100%"
    (retro,) = [r for r in data["retrospective"] if r["id"] == "CO-1"]
    assert retro["went_wrong"] == ["users is behind: 99.6% against an expected 100.0%."]
    assert retro["went_right"] == ["deals is on track (100%)."]
    # CO-2 (aspirational) lands at 0.75, above its 0.7 bar: green, and nobody calls it
    # behind; the risks name the at-risk key result
    assert "CO-2" not in {r["id"] for r in data["retrospective"]}
    assert [(r["id"], r["status"]) for r in data["risks"]] == [("CO-1/users", "yellow")]
    # crm has no stale_after: its age is shown, with no verdict
    assert data["summary"]["freshness"] == [
        {
            "source": "crm",
            "latest": "2026-11-30",
            "age_days": 36,
            "stale": None,
            "stale_after": None,
            "rejected": 0,
            "rejected_lines": [],
        }
    ]
    assert "no freshness rule" in _report(root, "2027-01-05", "md")


def test_risks_list_key_results_at_risk_mid_cycle(make_repo: MakeRepo) -> None:
    root = make_repo(REVIEW_GOALS)
    data = json.loads(_report(root, "2026-11-30"))
    # 11-30: e = 61/92 = 0.663; users 0.996 and deals 1.0 green; reach 0.75 >= 0.9e (0.597):
    # green too. Nothing is behind: no risks, and the section says what it looks for
    assert data["risks"] == []
    assert "No key result or KPI is at risk or off track." in _report(root, "2026-11-30", "md")
    # on 12-20 (e = 81/92 = 0.880): reach 0.75 is below 0.9e = 0.792 but above
    # 0.7e = 0.616: at risk, and listed
    late = json.loads(_report(root, "2026-12-20"))
    assert [(r["id"], r["status"]) for r in late["risks"]] == [("CO-2/reach", "yellow")]


def test_terminal_report_prints_markup_literally(copies: Path, tmp_path: Path) -> None:
    """Rich markup in user text reaches the terminal as text, in colour or not."""
    root = tmp_path / "markup"
    shutil.copytree(copies / "education", root)
    path = root / "goals" / "departments" / "marketing.yaml"
    hostile = "[bold red]5 campaigns[/] [link=http://x]y[/link]"
    path.write_text(
        path.read_text(encoding="utf-8").replace("5 brand campaigns a month", f'"{hostile}"'),
        encoding="utf-8",
    )
    for env in ({}, {"FORCE_COLOR": "1"}):
        term = run_okrctl(
            "report", "-C", str(root), "--as-of", "2026-11-30", "--no-git", "-f", "term", env=env
        ).stdout
        plain = re.sub(r"\x1b\[[0-9;]*m", "", term)
        assert plain.count(hostile) == 2, plain  # the KPI table and the risks


def _cells(text: str) -> int:
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_terminal_report_puts_each_number_under_its_own_header(copies: Path, lang: str) -> None:
    """An objective's score sits under Score (得分); a key result's value against its
    target under Current / Target (当前值 / 目标值), never under Score."""
    lines = report(copies / "education", "-f", "term", "--lang", lang).splitlines()
    score, value = text("score", lang), f"{text('current', lang)} / {text('target', lang)}"
    header = next(i for i, line in enumerate(lines) if line.startswith(text("goal", lang)))
    head = lines[header]
    score_at, value_at = _cells(head[: head.index(score)]), _cells(head[: head.index(value)])
    assert score_at < value_at
    objective, kr = lines[header + 1], lines[header + 2]  # CO-1 and CO-1/users
    assert objective.startswith("CO-1") and kr.lstrip().startswith("users")
    progress_end = objective.index("49%") + 3
    assert _cells(objective[: objective.index("49%", progress_end)]) == score_at
    found = re.search(r"\S+ / \S+", kr[kr.index("53%") :])
    assert found is not None and found.group().endswith(("2M", "200万"))
    assert _cells(kr[: kr.index(found.group())]) == value_at


def test_html_charts_are_deterministic_and_clip_a_runaway_forecast(copies: Path) -> None:
    """The same review twice is the same bytes (no dates or random ids in the SVG); every
    chart's ids are its own; a forecast far beyond the target is clipped to the axes."""
    first, second = (
        report(copies / "education", "-f", "html"),
        report(copies / "education", "-f", "html"),
    )
    assert first == second
    assert "<?xml" not in first and "<metadata>" not in first and "Matplotlib" not in first
    ids = re.findall(r'\bid="([^"]+)"', first)
    assert len(ids) == len(set(ids))
    import datetime as dt

    from okrctl.core.progress import Status
    from okrctl.evaluate.forecast import Forecast
    from okrctl.render.report_plot import draw
    from okrctl.review.report import KREntry

    day = dt.date(2026, 10, 1)
    runaway = KREntry(
        path="CO-1/users",
        id="users",
        title="Users",
        status=Status.GREEN,
        progress=0.5,
        expected=0.5,
        current=150.0,
        target=200.0,
        baseline=100.0,
        percent=False,
        unit_label="users",
        series=((day, 100.0), (dt.date(2026, 11, 15), 150.0)),
        forecast=Forecast(1e9, None, None, 1.0, None, 6.0),
        note=None,
    )
    svg = draw(runaway, day, dt.date(2026, 12, 31), "en")
    assert "clip-path" in svg and 'id="k' in svg
    assert ">1e9" not in svg and "1,000,000,000" not in svg  # the axis did not stretch
    assert ">200</text>" in svg or ">200.0</text>" in svg
