"""Properties over random models in random layouts (strategies.py): the formatted text checks
to the same Model, formatting it again changes nothing, and no comment is lost."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings

from leadrules.check import check
from leadrules.syntax.parser import parse_text
from tests.fmt.helpers import fmt
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


@settings(max_examples=40, **SETTINGS)
@given(models())
def test_comments_survive(data: bytes):
    source, _ = parse_text(data)
    formatted, _ = parse_text(fmt(data))
    assert sorted(c.text.rstrip() for c in formatted.comments) == sorted(
        c.text.rstrip() for c in source.comments
    )
