"""The language server's cached, block-by-block parse gives exactly the whole-file parse: the
same statements with the same spans, the same comments, the same diagnostics."""

from __future__ import annotations

import pytest
from parse_inputs import DOC_BLOCKS, FILES, dump

from leadrules.lsp.parsing import ParseCache, blocks
from leadrules.syntax.parser import parse_text
from tests.conftest import ROOT


def same(text, path="t.lrules"):
    want_tree, want_diags = parse_text(text, path)
    got_tree, got_diags = ParseCache()(text, path)
    assert dump(got_tree) == dump(want_tree)
    assert got_diags == want_diags


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_files(path):
    same(path.read_bytes(), str(path))


def test_documentation_blocks():
    assert len(DOC_BLOCKS) > 50
    for text in DOC_BLOCKS:
        same(text)


def test_an_edit_reparses_only_its_block_and_stays_exact():
    text = (ROOT / "examples/b2b_saas.lrules").read_text(encoding="utf-8")
    cache = ParseCache()
    cache(text, "b.lrules")
    parsed = set(cache._blocks)
    edited = text.replace("+20", "+21", 1)
    tree, diags = cache(edited, "b.lrules")
    new = set(cache._blocks) - parsed
    assert len(new) == 1 and "+21" in next(iter(new))[2]
    assert dump(tree) == dump(parse_text(edited, "b.lrules")[0]) and diags == []
    # a syntax error anywhere: the whole-file parse and its diagnostics, recovery included
    broken = edited.replace("tier warm 31..60", "tier warm 31..").replace(
        "lead role: text", "lead role text"
    )
    same(broken, "b.lrules")
    assert [d.code for d in cache(broken, "b.lrules")[1]] == ["LR0001", "LR0001"]


def test_what_spans_blocks_falls_back_to_the_whole_file():
    same('const xs = [\n"a", "b"]\nlead r: text\nfit:\n  r in xs: +1\n')
    same('lead r: text\nfit:\n  r in ["a",\n"b"]: +1\ntier t >= 1\n')
    same('lead r: text\nfit:\n  r == "a: +1\ntier t >= 1\n')
    same("lead r: text\nfit:\n\tr == 1: +1\ntier t >= 1\nx:\n  r == 2: +1\n")
    same("lead r: text\nfit:\n  (r == 1: +1\ntier t >= 1)\n")


def test_blocks_split_at_unindented_lines_only():
    text = '# c\nlead a: text\n\nfit:\n  a == "x": +1\n# note\n  a == "y": +2\ntier t >= 1\n'
    assert blocks(text) == [
        (0, "# c\n"),
        (1, "lead a: text\n\n"),
        (3, 'fit:\n  a == "x": +1\n# note\n  a == "y": +2\n'),
        (7, "tier t >= 1\n"),
    ]
