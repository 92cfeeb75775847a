"""Every valid corpus file, example and ugly input: the formatted text (snapshot), formatting
twice changes nothing, the Model is unchanged, every comment survives in order, and the output
obeys the layout rules line by line."""

from __future__ import annotations

import pytest

from leadrules.check import check
from leadrules.syntax.formatter import format_text
from leadrules.syntax.parser import parse_text
from tests.fmt.helpers import INPUTS, ROOT, assert_canonical_lines, corpus_files, file_id, fmt

FILES = corpus_files()


def test_the_ugly_inputs_are_there():
    names = {p.name for p in INPUTS.glob("*.lrules")}
    assert {"comments.lrules", "semicolons.lrules", "spacing.lrules", "crlf_bom.lrules"} <= names


@pytest.mark.parametrize("path", FILES, ids=file_id)
def test_formatted_text(path, snapshot):
    assert fmt(path.read_bytes()) == snapshot


@pytest.mark.parametrize("path", FILES, ids=file_id)
def test_idempotent(path):
    once = fmt(path.read_bytes())
    assert fmt(once) == once


@pytest.mark.parametrize("path", FILES, ids=file_id)
def test_same_model(path):
    before = check(path)
    assert before.model is not None, [d.message for d in before.errors]
    after = check(path, fmt(path.read_bytes()))
    assert after.model == before.model
    assert [d.code for d in after.diagnostics] == [d.code for d in before.diagnostics]


@pytest.mark.parametrize("path", FILES, ids=file_id)
def test_comments_kept_in_order(path):
    source, _ = parse_text(path.read_bytes(), str(path))
    formatted, _ = parse_text(fmt(path.read_bytes()), str(path))
    assert [c.text.rstrip() for c in formatted.comments] == [
        c.text.rstrip() for c in sorted(source.comments, key=lambda c: (c.line, c.col))
    ]


@pytest.mark.parametrize("path", FILES, ids=file_id)
def test_layout_rules(path):
    assert_canonical_lines(fmt(path.read_bytes()))


INVALID = sorted((ROOT / "tests" / "corpus" / "invalid").glob("*.lrules"))


@pytest.mark.parametrize("path", INVALID, ids=file_id)
def test_files_with_errors_keep_their_errors(path):
    """A file the checker rejects is formatted too; the same diagnostics come out of it (a
    formatting that fixed or added an error would change what the file means)."""
    source, _ = parse_text(path.read_bytes(), str(path))
    if source is None:
        assert format_text(path.read_bytes(), str(path)).text is None
        return
    once = fmt(path.read_bytes())
    assert fmt(once) == once
    before, after = check(path), check(path, once)
    assert sorted((d.code, d.message) for d in after.diagnostics) == sorted(
        (d.code, d.message) for d in before.diagnostics
    )
