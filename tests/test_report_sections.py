"""Every report renderer implements every section of SECTIONS (issue 12, item 4), so a
section added to the report cannot be forgotten in one of the four formats."""

from __future__ import annotations

from types import ModuleType

import pytest

from okrctl.render import report_html, report_json, report_md, report_term
from okrctl.render.report_sections import SECTIONS, walk

RENDERERS = [report_html, report_json, report_md, report_term]


@pytest.mark.parametrize("module", RENDERERS, ids=lambda m: m.__name__)
def test_every_renderer_implements_every_section(module: ModuleType) -> None:
    assert list(module.SECTION) == list(SECTIONS)
    assert all(callable(function) for function in module.SECTION.values())


def test_walk_takes_the_sections_in_the_one_order() -> None:
    table = {name: (lambda name=name: [name]) for name in reversed(SECTIONS)}
    assert walk(table) == list(SECTIONS)


def test_walk_refuses_a_table_missing_a_section() -> None:
    table = {name: (lambda: []) for name in SECTIONS if name != "forecast"}
    with pytest.raises(KeyError, match="forecast"):
        walk(table)
