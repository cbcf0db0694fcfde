"""Reading YAML: 1.2 meaning, exact positions, and bounded work on hostile input."""

from __future__ import annotations

import time

import pytest

from okrctl.load.yamlread import MAX_FILE_BYTES, YamlList, YamlMap, read_yaml


def codes(data: bytes) -> list[str]:
    return [p.code for p in read_yaml(data)[1]]


def test_yaml_12_scalars_keep_their_meaning() -> None:
    value, problems = read_yaml(
        b"a: no\nb: on\nc: yes\nd: 1.10\ne: 2026-01-01\nf: 0x1F\ng: 010\nh: ~\ni: TRUE\nj: 1_000\n"
    )
    assert problems == []
    assert value == {
        "a": "no",
        "b": "on",
        "c": "yes",
        "d": 1.1,
        "e": "2026-01-01",
        "f": 31,
        "g": 10,
        "h": None,
        "i": True,
        "j": "1_000",
    }


def test_ids_and_names_are_read_as_written() -> None:
    value, _ = read_yaml(b"id: 1.10\ntitle: 2026\nowner: no\nmeasures: [1.0, 2]\nwhere: {x: 01}\n")
    assert value == {
        "id": "1.10",
        "title": "2026",
        "owner": "no",
        "measures": ["1.0", "2"],
        "where": {"x": "01"},
    }


def test_positions_of_keys_and_values() -> None:
    value, _ = read_yaml("# c\nobjectives:\n  - id: 标题\n    title:   x\n".encode())
    assert isinstance(value, YamlMap)
    items = value["objectives"]
    assert isinstance(items, YamlList)
    assert items.lc[0] == (3, 5)
    entry = items[0]
    assert entry.lc["id"] == (3, 5, 3, 9)
    assert entry.lc["title"] == (4, 5, 4, 14)


def test_duplicate_key_names_both_lines() -> None:
    value, problems = read_yaml(b"a: 1\nb: 2\na: 3\n")
    assert [(p.code, p.line, p.column) for p in problems] == [("Y002", 3, 1)]
    assert "first at line 1" in problems[0].message
    assert value == {"a": 1, "b": 2}


def test_tabs_give_a_position_and_a_hint() -> None:
    _, problems = read_yaml(b"a:\n\tb: 1\n")
    assert [(p.code, p.line, p.column) for p in problems] == [("Y001", 2, 1)]
    assert "spaces" in (problems[0].hint or "")


def test_percent_value_hint() -> None:
    _, problems = read_yaml(b"unit_label: %\n")
    assert problems[0].code == "Y001"
    assert "quote" in (problems[0].hint or "")


def test_bom_is_accepted() -> None:
    assert read_yaml(b"\xef\xbb\xbfa: 1\n") == ({"a": 1}, [])


def test_utf16_is_read_with_a_warning() -> None:
    value, problems = read_yaml("\ufeffa: 标题\n".encode("utf-16-le"))
    assert value == {"a": "标题"}
    assert [p.code for p in problems] == ["Y010"]


def test_gb18030_yaml_is_refused_with_a_position() -> None:
    _, problems = read_yaml("a: 1\nb: 标题\n".encode("gb18030"))
    assert [(p.code, p.line) for p in problems] == [("Y003", 2)]


def test_binary_file() -> None:
    assert codes(b"a: 1\x00\x01\x02") == ["Y005"]


def test_empty_file() -> None:
    assert read_yaml(b"") == (None, [])
    assert read_yaml(b"# only a comment\n") == (None, [])


def test_control_character() -> None:
    _, problems = read_yaml(b"a: \x07\n")
    assert problems[0].code == "Y001"
    assert "U+0007" in problems[0].message


def test_several_documents_are_refused() -> None:
    assert codes(b"a: 1\n---\nb: 2\n") == ["Y001"]


def test_unknown_tag() -> None:
    value, problems = read_yaml(b"a: !vault secret\nb: !!str 5\n")
    assert [p.code for p in problems] == ["Y008"]
    assert value["b"] == "5"


def test_complex_key() -> None:
    assert codes(b"? [a, b]\n: c\n") == ["Y009"]


BOMB = b"""\
a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]
b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]
c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]
d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]
e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]
f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]
g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f]
h: &h [*g, *g, *g, *g, *g, *g, *g, *g, *g]
i: [*h, *h, *h, *h, *h, *h, *h, *h, *h]
"""


def _timed(data: bytes) -> tuple[list[str], float]:
    start = time.perf_counter()
    found = codes(data)
    return found, time.perf_counter() - start


def test_billion_laughs_is_stopped_fast() -> None:
    found, seconds = _timed(BOMB)
    assert found == ["Y007"]
    assert seconds < 0.5


def test_small_aliases_are_fine() -> None:
    value, problems = read_yaml(b"a: &x {k: 1}\nb: *x\n")
    assert problems == []
    assert value == {"a": {"k": 1}, "b": {"k": 1}}


@pytest.mark.parametrize(
    "data",
    [
        b"[" * 5000 + b"]" * 5000,
        b"{a: " * 5000 + b"1" + b"}" * 5000,
        b"- " * 5000 + b"x\n",
        "".join("  " * i + "k:\n" for i in range(400)).encode(),
        b"[" * 200_000,
    ],
    ids=["flow-seq", "flow-map", "compact-seq", "block-map", "unclosed"],
)
def test_deep_nesting_is_refused_fast(data: bytes) -> None:
    found, seconds = _timed(data)
    assert found and found[0] in ("Y006", "Y001")
    assert seconds < 0.5


def test_large_file_is_refused_before_parsing() -> None:
    data = b"a: " + b"x" * (50 * 1024 * 1024) + b"\n"
    assert len(data) > MAX_FILE_BYTES
    found, seconds = _timed(data)
    assert found == ["Y004"]
    assert seconds < 0.5
