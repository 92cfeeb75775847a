"""The examples of docs/commands/fmt.md are real: every ```lrules block checks clean; a block
after `<!-- fmt: input -->` formats to the next block; every other block is already formatted."""

from __future__ import annotations

import re

import pytest

from leadrules.check import check
from tests.fmt.helpers import ROOT, fmt

PAGE = ROOT / "docs" / "commands" / "fmt.md"
FENCE = re.compile(r"^(<!-- fmt: input -->\n)?```lrules\n(.*?)^```", re.S | re.M)


def blocks() -> list[tuple[bool, str]]:
    """(is an input, text) for every ```lrules block of the page."""
    text = PAGE.read_text(encoding="utf-8")
    return [(bool(m.group(1)), m.group(2)) for m in FENCE.finditer(text)]


def test_the_page_has_an_input_and_its_output():
    kinds = [is_input for is_input, _ in blocks()]
    assert kinds.count(True) >= 1 and kinds.index(True) + 1 < len(kinds)


@pytest.mark.parametrize("index", range(len(blocks())))
def test_block_checks_clean(index, tmp_path):
    _, text = blocks()[index]
    result = check(tmp_path / "doc.lrules", text)
    assert not result.errors, [d.message for d in result.errors]


@pytest.mark.parametrize("index", range(len(blocks())))
def test_block_formats_as_the_page_says(index):
    items = blocks()
    is_input, text = items[index]
    if is_input:
        assert fmt(text) == items[index + 1][1]
    else:
        assert fmt(text) == text
