"""Every word okrctl prints for people, in English and Simplified Chinese.

The English text is the message id; the translations live in gettext catalogs
(``okrctl/locale/<lang>/LC_MESSAGES/okrctl.po``, compiled to ``.mo`` beside it) that Babel
extracts from the source and compiles (``make messages``; docs/i18n.md). Reading a catalog
needs only the standard library's ``gettext``, so translating costs no start-up.

* ``tr(message, lang, **values)``: a message in ``lang``, its ``{placeholders}`` filled;
* ``trn(singular, plural, n, lang, **values)``: the same with a plural form;
* ``msg(message, **values)``: a message translated later (a diagnostic made before anyone
  knows the reader's language): a ``str`` holding the English text, which ``localize``
  turns into any language;
* ``text(key, lang)``: the report's words by their key (sections and columns are named by
  keys in the report model).
"""

from __future__ import annotations

import gettext
import os
from functools import cache
from pathlib import Path
from typing import Any

LANGUAGES = ("en", "zh")
DOMAIN = "okrctl"
LOCALE_DIR = Path(__file__).parents[1] / "locale"
# the words of each language that `--lang` and `lang:` accept
_NAMES = {"en": "en", "english": "en", "zh": "zh", "zh-cn": "zh", "zh_cn": "zh", "chinese": "zh"}


def N_(message: str) -> str:
    """Mark ``message`` for the catalogs without translating it here."""
    return message


@cache
def _catalog(lang: str) -> gettext.NullTranslations:
    if lang == "en":
        return gettext.NullTranslations()
    return gettext.translation(DOMAIN, LOCALE_DIR, languages=[lang])


def tr(message: str, lang: str, **values: Any) -> str:
    """``message`` (its English text) in ``lang`` (``en`` or ``zh``), with ``values``
    filled into its ``{placeholders}``; values that are ``msg`` messages are translated
    too."""
    template = _catalog(lang).gettext(message) if lang != "en" else message
    if not values:
        return template
    return template.format(**{k: localize(v, lang) for k, v in values.items()})


def trn(singular: str, plural: str, n: int, lang: str, **values: Any) -> str:
    """``tr`` with the plural form ``n`` asks for (``{n}`` is filled with ``n``)."""
    if lang == "en":
        template = singular if n == 1 else plural
    else:
        template = _catalog(lang).ngettext(singular, plural, n)
    return template.format(n=n, **{k: localize(v, lang) for k, v in values.items()})


class Msg(str):
    """A message whose language is chosen when it is shown: as a ``str`` it is the English
    text; ``localize(message, "zh")`` gives the Chinese. ``template`` is the message id
    and ``values`` fill its placeholders (they may be ``Msg`` themselves)."""

    template: str
    values: dict[str, Any]

    def __new__(cls, template: str, values: dict[str, Any]) -> Msg:
        english = template.format(**values) if values else template
        made = super().__new__(cls, english)
        made.template = template
        made.values = values
        return made

    def __reduce__(self) -> tuple[Any, ...]:
        return (Msg, (self.template, self.values))


def msg(message: str, **values: Any) -> str:
    """``message`` to be translated when shown (``localize``)."""
    return Msg(message, values)


def localize(value: Any, lang: str) -> Any:
    """``value`` in ``lang`` when it is a ``msg`` message; anything else unchanged."""
    if isinstance(value, Msg) and lang != "en":
        return tr(value.template, lang, **value.values)
    return value


def parse_language(word: str) -> str | None:
    """``en`` or ``zh`` for the words ``--lang`` and ``lang:`` accept, else None."""
    return _NAMES.get(word.strip().lower())


def default_language() -> str:
    """The language of the locale: ``zh`` when LC_ALL, LC_MESSAGES or LANG (the first
    set) starts with ``zh``, else ``en``."""
    for variable in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(variable, "")
        if value:
            return "zh" if value.lower().startswith("zh") else "en"
    return "en"


# The words okrctl.yaml uses by default for levels and perspectives, shown translated
# (a repository's own words are shown as written)
TERMS = (
    N_("company"),
    N_("department"),
    N_("team"),
    N_("individual"),
    N_("financial"),
    N_("customer"),
    N_("internal_process"),
    N_("learning_growth"),
)

# The report's words by key: sections, columns and sentences of the review
_TEXT: dict[str, str] = {
    "title": N_("Quarterly review"),
    "as_of": N_("as of"),
    "final": N_("final"),
    "summary": N_("Summary"),
    "objectives": N_("Objectives"),
    "key_results": N_("Key results"),
    "kpis": N_("KPI attainment"),
    "synergy": N_("OKR–KPI synergy"),
    "balanced": N_("Balanced scorecard"),
    "strategy_map": N_("Strategy map"),
    "changes": N_("Changes during the cycle"),
    "forecast": N_("Forecast"),
    "risks": N_("Risks"),
    "retro": N_("Retrospective"),
    "scorecards": N_("Scorecards"),
    "status_count": N_("Objectives by status"),
    "average_score": N_("Average score"),
    "alignment": N_("Alignment rate"),
    "coverage": N_("Coverage of top-level key results"),
    "freshness": N_("Data freshness"),
    "source": N_("Source"),
    "latest": N_("Latest row"),
    "age_days": N_("Age (days)"),
    "stale": N_("stale"),
    "fresh": N_("fresh"),
    "no_rule": N_("no freshness rule (set stale_after)"),
    "rejected_mark": N_("* marks the numbers below that rest on this input"),
    "level": N_("Level"),
    "goal": N_("Goal"),
    "owner": N_("Owner"),
    "type": N_("Type"),
    "committed": N_("committed"),
    "aspirational": N_("aspirational"),
    "progress": N_("Progress"),
    "score": N_("Score"),
    "status": N_("Status"),
    "band": N_("Grade band"),
    "band_committed": N_("committed: pass at 100%"),
    "band_aspirational": N_("aspirational: pass at 70%"),
    "current": N_("Current"),
    "target": N_("Target"),
    "baseline": N_("Baseline"),
    "expected": N_("Expected"),
    "actual": N_("Actual"),
    "attainment": N_("Attainment"),
    "completion": N_("Completion"),
    "aligned_goals": N_("Aligned goals"),
    "note": N_("Note"),
    "perspective": N_("Perspective"),
    "weight": N_("Weight"),
    "measures": N_("Measures"),
    "total": N_("Total"),
    "rating": N_("Rating"),
    "bonus": N_("Bonus"),
    "landing": N_("Landing value"),
    "landing_score": N_("Landing score"),
    "needed_per_week": N_("Needed per week"),
    "trend_per_week": N_("Trend per week"),
    "no_trend": N_("not enough data for a trend"),
    "drivers": N_("Behind below or upstream"),
    "html_budget": N_(
        "This review would be {size} MB of HTML, over its {budget} MB budget, so it shows the"
        " summary and units of the whole {scope} and details only its first level ({level}). "
        "For the details of one unit and the units below it: okrctl report --format html "
        "--unit UNIT (units in the table below)."
    ),
    "html_budget_org": N_("organisation"),
    "html_budget_unit": N_("unit {unit}"),
    "units": N_("Units"),
    "unit": N_("Unit"),
    "no_risks": N_("No key result or KPI is at risk or off track."),
    "data_ends_early": N_(
        "These final numbers rest on data that ends before the cycle end ({end}): {sources}. "
        "Each value is as of its source's last row."
    ),
    "went_right": N_("What went right"),
    "went_wrong": N_("What went wrong"),
    "change_next": N_("Change next quarter"),
    "notes": N_("Notes"),
    "from_data": N_("from the data"),
    "from_review": N_("from reviews"),
    "commit": N_("Last changed (author, date, commit)"),
    "added": N_("added"),
    "removed": N_("removed"),
    "changed": N_("changed"),
    "goalpost": N_("goal post moved"),
    "no_changes": N_("No goal changed during the cycle."),
    "git_unavailable": N_("Change history unavailable: {reason}"),
    "history_incomplete": N_(
        "Incomplete: {reason}. This clone's history stops at commit {commit} ({date}), so the"
        " changes since the cycle started on {start} cannot be listed. {fix}"
    ),
    "shallow clone": N_("shallow clone"),
    "grafted history": N_("grafted history"),
    "fix_shallow": N_(
        "Fetch the whole history: git fetch --unshallow (in GitHub Actions: actions/checkout "
        "with fetch-depth: 0)."
    ),
    "fix_grafted": N_(
        "Remove the replacement (git replace -d {commit}) or the commit's line in .git/info/grafts."
    ),
    "green": N_("on track"),
    "yellow": N_("at risk"),
    "red": N_("off track"),
    "grey": N_("no data"),
    "undefined": N_("undefined"),
    "kr_on_track": N_("{kr} is on track ({p})."),
    "kr_behind": N_("{kr} is behind: {p} against an expected {e}."),
    "carry": N_("Carry {goal} into the next cycle with a re-based baseline (okrctl roll)."),
    "fix_data": N_("Get data flowing for {kr}: it has none yet."),
    "review_drivers": N_("Look upstream: {drivers}."),
    "weeks_left": N_("{n} weeks left"),
    "details": N_("Show all"),
    "empty": N_("None."),
    "more_rows": N_("… and {n} more (the HTML and JSON reports list all)"),
}


def text(key: str, lang: str, **values: object) -> str:
    """The report's word ``key`` in ``lang``, its placeholders filled."""
    return tr(_TEXT[key], lang, **values)


def keys() -> list[str]:
    """Every key ``text`` knows."""
    return list(_TEXT)
