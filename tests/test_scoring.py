"""Scorecards, balanced scorecards, strategy maps and `okrctl why`, computed by hand."""

from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path

import pytest

from conftest import EXAMPLES, FIXTURES, MakeRepo, golden, run_okrctl
from okrctl.evaluate.scoring import bonus_for, rating_for
from okrctl.load.config import Config

DIAMOND = FIXTURES / "bsc-diamond"
MFG = EXAMPLES / "manufacturing"
DAY = "2026-11-30"


def score_json(root: Path, *args: str) -> dict[str, object]:
    result = run_okrctl("score", "-C", str(root), "--as-of", DAY, "-f", "json", *args)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)  # type: ignore[no-any-return]


def _card(report: dict[str, object], who: str) -> dict[str, object]:
    return next(c for c in report["scorecards"] if who in (c["owner"], c["unit"], c["id"]))  # type: ignore[union-attr,index,operator]


def test_individual_scorecard_by_hand() -> None:
    report = score_json(DIAMOND)
    ana = _card(report, "ana")
    # KPIs: K-A 85/100 and K-C 95/100, weights 0.5 each; OKR: O-1 committed, 100/100
    assert ana["kpi_score"] == pytest.approx(0.5 * 0.85 + 0.5 * 0.95)
    assert ana["okr_score"] == pytest.approx(1.0)
    assert ana["total"] == pytest.approx(0.4 * 1.0 + 0.6 * 0.9)  # 0.94
    assert ana["rating"] == "A"
    assert ana["declared"] is False  # owners without a scorecard get a default one
    bo = _card(report, "bo")
    assert (bo["okr_score"], bo["total"], bo["rating"]) == (None, 0.5, "D")


def test_balanced_scorecard_by_hand() -> None:
    (card,) = score_json(DIAMOND)["balanced"]  # type: ignore[misc]
    scores = {p["name"]: p["score"] for p in card["perspectives"]}
    assert scores == pytest.approx(
        {
            "financial": 1.0,
            "customer": 0.6,
            "internal_process": (0.5 + 0.95) / 2,
            "learning_growth": 0.85,
        }
    )
    assert card["total"] == pytest.approx(0.25 * (1.0 + 0.6 + 0.725 + 0.85))
    assert card["rating"] == "C"


def test_manufacturing_example_by_hand() -> None:
    report = score_json(MFG)
    zheng = _card(report, "zheng.yu")
    # training completion 97.5% on 11-28 -> stepped bands [0.9, 0.8] -> 0.8
    # key-staff attrition 5.2% against at most 5% (lower is better) -> 5 / 5.2
    attrition = 5 / 5.2
    assert zheng["kpi_score"] == pytest.approx(0.5 * 0.8 + 0.5 * attrition, abs=1e-6)
    assert zheng["total"] == zheng["kpi_score"]  # no objectives: the KPI score alone
    assert (zheng["rating"], zheng["bonus"]) == ("B", 1.0)
    wu = _card(report, "wu.hua")
    # QA-1 (aspirational): first-pass yield 94.7% on 11-27 from 93% toward 97%:
    # 1.7 / 4 = 0.425; the audits milestone is done: 1.0; equal weights: 0.7125.
    # Its score is its progress (no rescale by default): 0.7125 -> rating C (from 60%),
    # bonus 0.8
    (objective,) = wu["objectives"]
    assert objective["type"] == "aspirational"
    assert (objective["progress"], objective["graded"]) == (0.7125, 0.7125)
    assert (wu["okr_score"], wu["total"], wu["rating"], wu["bonus"]) == (0.7125, 0.7125, "C", 0.8)
    (bsc,) = report["balanced"]  # type: ignore[misc]
    learning = next(p for p in bsc["perspectives"] if p["name"] == "learning_growth")
    assert learning["score"] == pytest.approx((0.8 + attrition) / 2, abs=1e-6)
    weights = {"financial": 0.3, "customer": 0.3, "internal_process": 0.2, "learning_growth": 0.2}
    assert bsc["total"] == pytest.approx(
        sum(weights[p["name"]] * p["score"] for p in bsc["perspectives"])
    )


def test_aspirational_rescale_is_an_explicit_opt_in(tmp_path: Path) -> None:
    # scoring: {aspirational_full_at: 0.7}: an aspirational objective scores
    # min(progress / 0.7, kr_cap): QA-1's 0.7125 / 0.7 = 1.0178... -> capped at 1.0 -> S, 1.5
    shutil.copytree(MFG, tmp_path / "mfg")
    config = tmp_path / "mfg" / "okrctl.yaml"
    text = config.read_text(encoding="utf-8")
    config.write_text(text.replace("scoring:\n", "scoring:\n  aspirational_full_at: 0.7\n"))
    wu = _card(score_json(tmp_path / "mfg"), "wu.hua")
    (objective,) = wu["objectives"]
    assert (objective["progress"], objective["graded"]) == (0.7125, 1.0)
    assert (wu["rating"], wu["bonus"]) == ("S", 1.5)
    # explain says how the score comes from the progress, as the scorecard uses it
    out = run_okrctl("explain", "QA-1", "-C", str(tmp_path / "mfg"), "--as-of", DAY).stdout
    assert "score = min(progress / 0.7, 1) = 100% (scoring.aspirational_full_at: 0.7)" in out
    plain = run_okrctl("explain", "QA-1", "-C", str(MFG), "--as-of", DAY).stdout
    assert "score = progress = 71%" in plain
    # a committed objective is never rescaled: CO-QUALITY's owner keeps score == progress
    report = score_json(tmp_path / "mfg")
    for card in report["scorecards"]:  # type: ignore[attr-defined]
        for goal in card["objectives"]:
            if goal["type"] == "committed":
                assert goal["graded"] == goal["progress"]


@pytest.mark.parametrize(
    ("total", "rating"),
    [
        (1.0, "S"),
        (0.99999, "A"),
        (0.9, "A"),
        (0.8, "B"),
        (0.7999, "C"),
        (0.6, "C"),
        (0.0, "D"),
        (1.3, "S"),
    ],
)
def test_rating_band_edges(total: float, rating: str) -> None:
    assert rating_for(total, Config(root=Path("."))) == rating


def test_bonus_formula() -> None:
    config = Config(
        root=Path("."),
        bonus_formula={"base": 1.0, "base_from": 1.0, "extra": 0.2, "extra_from": 1.2, "cap": 1.3},
    )
    assert bonus_for(1.0, 0.99, "A", config) == 0.0  # KPI below 100%: no base
    assert bonus_for(1.0, 1.05, "S", config) == pytest.approx(1.05)
    assert bonus_for(1.2, 1.05, "S", config) == pytest.approx(1.25)  # OKR >= 120%: extra
    assert bonus_for(1.2, 1.2, "S", config) == pytest.approx(1.3)  # capped
    by_rating = Config(root=Path("."), bonus_by_rating={"S": 1.5, "A": 1.2})
    assert bonus_for(None, None, "A", by_rating) == 1.2
    assert bonus_for(None, None, "C", by_rating) == 0.0


def test_weights_that_do_not_sum_are_refused() -> None:
    result = run_okrctl("score", "-C", str(FIXTURES / "broken-bsc"), "--as-of", DAY)
    assert result.returncode == 2
    assert (
        "goals/bsc.yaml:11:5: error W003 perspectives of scorecard 'SC': weights sum to 110%, "
        "not 100% [scorecard-weights]\n"
    ) in result.stderr
    assert result.stdout == ""


def test_weights_in_config_checked(make_repo: MakeRepo) -> None:
    config = """\
    okrctl: 1
    units: [{id: acme, level: company}]
    cycles: [{id: 2026-Q4, start: 2026-10-01, end: 2026-12-31}]
    scoring:
      okr_weight: 0.5
      kpi_weight: 0.6
      ratings: [{min: 90%, rating: A}, {min: 80%, rating: A}]
    """
    root = make_repo({"goals/a.yaml": "objectives: []\n"}, config=config)
    codes = [
        d["code"]
        for d in json.loads(run_okrctl("check", "-f", "json", "--no-data", "-C", str(root)).stdout)[
            "diagnostics"
        ]
    ]
    assert codes.count("W006") == 1 and codes.count("W009") == 2


def test_causal_walk_on_a_diamond() -> None:
    result = run_okrctl("why", "K-D", "-C", str(DIAMOND), "--as-of", DAY)
    assert result.returncode == 0
    assert result.stdout == (
        "K-D (customer, scorecard SC): 60%, off track\n"
        "  drivers off track, nearest first:\n"
        "  ✗ K-B (internal_process) 50% off track, drives K-D\n"
        "    ! K-A (learning_growth) 85% at risk, drives K-B\n"
    )  # K-C (95%) is on track; K-A, reached through B and C, is listed once
    green = run_okrctl("why", "K-E", "-C", str(DIAMOND), "--as-of", DAY).stdout
    assert "it is not off track" in green
    missing = run_okrctl("why", "K-Z", "-C", str(DIAMOND), "--as-of", DAY)
    assert missing.returncode == 2


def test_csv_opens_in_excel_and_neutralises_formulas(make_repo: MakeRepo) -> None:
    goals = """\
    defaults: {cycle: 2026-Q4, unit: acme}
    kpis:
      - {id: K1, title: t, owner: "=HYPERLINK(\\"http://x\\")", target: 1, weight: 1}
      - {id: K2, title: t, owner: "@SUM(A1)", target: 1, weight: 1}
      - {id: K3, title: t, owner: "+1", target: 1, weight: 1}
      - {id: K4, title: t, owner: "-1", target: 1, weight: 1}
      - {id: K5, title: t, owner: 张伟, target: 1, weight: 1}
    """
    root = make_repo({"goals/a.yaml": goals})
    raw = run_okrctl("score", "-C", str(root), "--as-of", DAY, "-f", "csv").stdout
    assert raw.startswith("\ufeffscorecard,kind,owner")
    rows = list(csv.DictReader(io.StringIO(raw.lstrip("\ufeff"))))
    owners = {r["owner"] for r in rows}
    assert owners == {'\'=HYPERLINK("http://x")', "'@SUM(A1)", "'+1", "'-1", "张伟"}


def test_markdown_escapes_user_text(make_repo: MakeRepo) -> None:
    goals = """\
    defaults: {cycle: 2026-Q4, unit: acme}
    kpis:
      - {id: K1, title: t, owner: "a|b <img src=x onerror=alert(1)> [x](http://y)", target: 1}
    """
    root = make_repo({"goals/a.yaml": goals})
    out = run_okrctl("score", "-C", str(root), "--as-of", DAY, "-f", "md").stdout
    assert "<img" not in out and "a\\|b" in out and "\\[x\\]\\(http://y\\)" in out


@pytest.mark.parametrize("fmt", ["text", "json", "csv", "md"])
def test_score_golden(fmt: str) -> None:
    result = run_okrctl("score", "-C", str(MFG), "--as-of", DAY, "-f", fmt, "--synergy")
    assert result.returncode == 0, result.stderr
    golden(f"score-manufacturing.{fmt}", result.stdout)


@pytest.mark.parametrize("fmt", ["text", "mermaid", "dot"])
def test_map_golden(fmt: str) -> None:
    result = run_okrctl("map", "-C", str(MFG), "--as-of", DAY, "-f", fmt)
    assert result.returncode == 0, result.stderr
    golden(f"map-manufacturing.{fmt}", result.stdout)


def test_why_golden() -> None:
    result = run_okrctl("why", "KPI-NEW-CUST", "-C", str(MFG), "--as-of", DAY)
    golden("why-manufacturing.txt", result.stdout)


def test_map_escapes_ids_and_titles(make_repo: MakeRepo) -> None:
    goals = """\
    defaults: {cycle: 2026-Q4, unit: acme}
    kpis:
      - {id: K.1, title: 'x"]; evil', target: 1, weight: 0.5, perspective: financial}
      - {id: K-2, title: t, target: 1, weight: 0.5, perspective: customer}
    scorecards:
      - id: SC
        kind: balanced
        perspectives:
          financial: {weight: 0.5, measures: [K.1], title: 'Money "now"'}
          customer: {weight: 0.5, measures: [K-2]}
        links: [[K-2, K.1]]
    """
    root = make_repo({"goals/a.yaml": goals})
    mermaid = run_okrctl("map", "-C", str(root), "--as-of", DAY, "-f", "mermaid").stdout
    assert 'subgraph p0["Money #quot;now#quot; —"]' in mermaid
    assert "n_K_2e_1" in mermaid and "n_K_2d_2 --> n_K_2e_1" in mermaid
    dot = run_okrctl("map", "-C", str(root), "--as-of", DAY, "-f", "dot").stdout
    assert 'label="Money \\"now\\" —";' in dot


def test_status_by_perspective() -> None:
    out = run_okrctl(
        "status", "-C", str(MFG), "--as-of", DAY, "--by", "perspective", "-f", "json"
    ).stdout
    rows = json.loads(out)["rows"]
    heads = [r["id"] for r in rows if r["kind"] == "perspective"]
    assert heads[:4] == ["financial", "customer", "internal_process", "learning_growth"]
    under = {}
    current = None
    for row in rows:
        if row["kind"] == "perspective":
            current = row["id"]
        elif row["depth"] == 1:
            under[row["id"]] = current
    assert under["KPI-SALES"] == "financial"
    assert under["CO-QUALITY"] == "internal_process"
    assert under["KPI-TRAINING"] == "learning_growth"
