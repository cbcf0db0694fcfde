"""The translation catalogs: every text marked in the source has a Chinese translation,
the compiled catalog is current, and the language is chosen as documented."""

from __future__ import annotations

import re
import string
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

from okrctl.cli.base import choose_language
from okrctl.core.errors import UsageError
from okrctl.core.i18n import localize, msg, tr, trn

ROOT = Path(__file__).parents[1]
LOCALE = ROOT / "src" / "okrctl" / "locale"
KEYWORDS = {"tr": None, "trn": (1, 2), "msg": None, "N_": None}


def _marked() -> set[str | tuple[str, str]]:
    found: set[str | tuple[str, str]] = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
        str(ROOT / "src"), method_map=[("**.py", "python")], keywords=KEYWORDS
    ):
        found.add(message if isinstance(message, str) else (message[0], message[1]))
    return found


def _po() -> dict[str, object]:
    with (LOCALE / "zh" / "LC_MESSAGES" / "okrctl.po").open("rb") as handle:
        catalog = read_po(handle, locale="zh")
    return {
        (m.id if isinstance(m.id, str) else m.id[0]): m
        for m in catalog
        if m.id and "fuzzy" not in m.flags
    }


def _fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def test_every_marked_text_is_translated() -> None:
    po = _po()
    missing = []
    for message in _marked():
        english = message if isinstance(message, str) else message[0]
        entry = po.get(english)
        strings = [] if entry is None else entry.string  # type: ignore[attr-defined]
        strings = [strings] if isinstance(strings, str) else list(strings)
        if not strings or not all(strings):
            missing.append(english)
    assert missing == [], "run `make messages` and translate these in okrctl.po"


def test_translations_keep_the_placeholders() -> None:
    for english, entry in _po().items():
        strings = entry.string  # type: ignore[attr-defined]
        for translated in [strings] if isinstance(strings, str) else strings:
            assert _fields(translated) <= _fields(english) | {"n"}, (english, translated)
            assert _fields(english) - {"n"} <= _fields(translated) | {"n"}, english


def test_compiled_catalog_is_current() -> None:
    def plain(value: object) -> object:
        return value if isinstance(value, str) else tuple(value)  # type: ignore[call-overload]

    with (LOCALE / "zh" / "LC_MESSAGES" / "okrctl.mo").open("rb") as handle:
        compiled = {plain(m.id): plain(m.string) for m in read_mo(handle) if m.id}
    written = {plain(m.id): plain(m.string) for m in _po().values()}  # type: ignore[attr-defined]
    assert compiled == written


def test_translate_now_and_later() -> None:
    assert tr("Quarterly review", "zh") == "季度复盘报告"
    assert tr("Quarterly review", "en") == "Quarterly review"
    later = msg("{n} weeks left", n=3)
    assert later == "3 weeks left"  # a plain str for JSON, SARIF and logs
    assert localize(later, "zh") == "剩余 3 周"
    assert localize("not marked", "zh") == "not marked"


def test_plural_forms() -> None:
    assert trn("{n} error", "{n} errors", 1, "en") == "1 error"
    assert trn("{n} error", "{n} errors", 2, "en") == "2 errors"
    assert trn("{n} error", "{n} errors", 2, "zh") == "2 个错误"


@pytest.mark.parametrize(
    ("option", "configured", "environment", "expected"),
    [
        ("zh", "en", {"LANG": "en_US.UTF-8"}, "zh"),
        (None, "zh", {"LANG": "en_US.UTF-8"}, "zh"),
        (None, None, {"LANG": "zh_CN.UTF-8"}, "zh"),
        (None, None, {"LC_ALL": "zh_TW.UTF-8", "LANG": "en_US"}, "zh"),
        (None, None, {"LC_ALL": "C.UTF-8", "LANG": "zh_CN"}, "en"),
        (None, None, {}, "en"),
        ("EN", "zh", {}, "en"),
    ],
)
def test_language_is_option_then_config_then_locale(
    monkeypatch: pytest.MonkeyPatch,
    option: str | None,
    configured: str | None,
    environment: dict[str, str],
    expected: str,
) -> None:
    for variable in ("LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(variable, raising=False)
    for variable, value in environment.items():
        monkeypatch.setenv(variable, value)
    assert choose_language(option, configured) == expected


def test_unknown_language_is_a_usage_error() -> None:
    with pytest.raises(UsageError, match=re.escape("use en or zh")):
        choose_language("fr", None)
