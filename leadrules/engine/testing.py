"""Run a model's `test` blocks with the reference interpreter."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from leadrules import model as m
from leadrules.data.values import CONVERTERS
from leadrules.engine import LeadResult
from leadrules.engine.closures import CMP
from leadrules.engine.model_text import literal
from leadrules.engine.python import Scorer

TEST_LEAD = "test"


@dataclass(frozen=True)
class Failure:
    expectation: m.Expectation
    actual: object

    def describe(self) -> str:
        e = self.expectation
        expected = e.op if e.value is None else f"{e.op} {_show(e.value)}"
        return f"expected {e.target} {expected}, got {_show(self.actual)}"


@dataclass(frozen=True)
class Outcome:
    test: m.TestCase
    result: LeadResult
    failures: tuple[Failure, ...]
    fired: tuple[str, ...]  # "rule/id text (+points)" of every rule that fired

    @property
    def passed(self) -> bool:
        return not self.failures


def run_test(model: m.Model, test: m.TestCase) -> Outcome:
    scorer = Scorer(model, test.as_of)
    given = dict(test.lead)
    values = tuple(CONVERTERS[a.type](given.get(a.name)) for a in model.attributes)
    scorer.add_leads({TEST_LEAD: values})
    scorer.consume(_events(model, test))
    result = scorer.results(explain=True)[0]
    explanation = result.explanation
    assert explanation is not None  # asked for
    failures = tuple(
        Failure(e, actual)
        for e in test.expects
        if not _holds(e, actual := _actual(result, e.target))
    )
    fired = tuple(
        f"{r.id} {r.text} ({r.contribution:+d})"
        for g in explanation.groups
        for r in g.rules
        if r.status == "fired"
    )
    return Outcome(test, result, failures, fired)


def run_tests(model: m.Model) -> list[Outcome]:
    return [run_test(model, t) for t in model.tests]


def _events(model: m.Model, test: m.TestCase):
    index = {e.name: i for i, e in enumerate(model.events)}
    for event in test.events:
        kind = index[event.event]
        given = dict(event.props)
        props = tuple(CONVERTERS[p.type](given.get(p.name)) for p in model.events[kind].props)
        for _ in range(event.times):
            yield TEST_LEAD, kind, event.at, props


def _actual(result: LeadResult, target: str) -> object:
    if target == "score":
        return result.score
    if target == "tier":
        return result.tier
    return result.group(target)


def _holds(e: m.Expectation, actual: Any) -> bool:
    if e.op == "is missing":
        return actual is None
    if e.op == "is present":
        return actual is not None
    if actual is None or e.value is None:
        return (e.op == "==") == (actual == e.value)
    if e.target == "tier":
        return (e.op == "==") == (actual == e.value)
    expected: Any = e.value  # a number here
    return bool(CMP[e.op](actual, expected))


def _show(value: object) -> str:
    if value is None:
        return "no tier"
    if isinstance(value, str):
        return value
    return literal(value)
