"""Properties over random models in random layouts (strategies.py): the formatted text checks
to the same Model, formatting it again changes nothing, the output keeps the layout rules, and
no comment is lost. And over damaged models: fmt formats or reports, never breaks."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from leadrules.check import check
from leadrules.syntax.formatter import format_text
from leadrules.syntax.parser import parse_text
from tests.fmt.helpers import assert_canonical_lines, fmt
from tests.fmt.strategies import models

# each property stays well under 20 s on a busy 2-core machine
SETTINGS = dict(deadline=None, suppress_health_check=[HealthCheck.too_slow])


@settings(max_examples=60, **SETTINGS)
@given(models())
def test_same_model_and_idempotent(data: bytes):
    before = check("gen.lrules", data)
    assert before.model is not None, [d.message for d in before.errors]  # the strategy's promise
    once = fmt(data)
    assert check("gen.lrules", once).model == before.model
    assert fmt(once) == once
    assert_canonical_lines(once)


@settings(max_examples=40, **SETTINGS)
@given(models())
def test_comments_survive(data: bytes):
    source, _ = parse_text(data)
    formatted, _ = parse_text(fmt(data))
    assert sorted(c.text.rstrip() for c in formatted.comments) == sorted(
        c.text.rstrip() for c in source.comments
    )


@settings(max_examples=40, **SETTINGS)
@given(models(), st.data())
def test_damaged_models_are_formatted_or_reported(data: bytes, more):
    """Cut a random slice out of a model and paste random bytes of it elsewhere: the result
    either has syntax errors (reported, no text) or is formatted with its diagnostics intact."""
    text = data.decode("utf-8")
    a = more.draw(st.integers(0, len(text)))
    b = more.draw(st.integers(a, min(len(text), a + 40)))
    at = more.draw(st.integers(0, len(text) - (b - a)))
    rest = text[:a] + text[b:]
    damaged = (
        rest[:at] + more.draw(st.sampled_from([text[a:b], "", ";", ":", "(", "\n  "])) + rest[at:]
    )
    result = format_text(damaged, "gen.lrules")  # a FormatterBug would fail the test
    if result.text is None:
        assert result.diagnostics
        return
    assert fmt(result.text) == result.text
    codes = sorted(d.code for d in check("gen.lrules", damaged).diagnostics)
    assert sorted(d.code for d in check("gen.lrules", result.text).diagnostics) == codes
