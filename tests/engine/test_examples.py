"""The four examples: clean, tested, and scoring their data sets as computed by hand."""

from __future__ import annotations

import pytest

from leadrules.check import check
from leadrules.engine.python import run_files
from leadrules.engine.testing import run_tests
from tests.conftest import ROOT
from tests.engine.helpers import AS_OF

EXAMPLES = {
    "b2b_saas": ("leads.csv", "events.csv"),
    "smoove_engagement": ("leads.csv", "events.csv"),
    "simple": ("leads.csv", "events.jsonl"),
    "combos": ("leads.csv", "events.jsonl"),
}


@pytest.mark.parametrize("name", sorted(EXAMPLES))
def test_example_checks_clean_and_its_tests_pass(name):
    result = check(str(ROOT / "examples" / f"{name}.lrules"))
    assert result.diagnostics == [] or list(result.diagnostics) == []
    outcomes = run_tests(result.model)
    assert outcomes, "every example has a test"
    assert [o.test.name for o in outcomes if not o.passed] == []


# Hand-computed (see the comments in examples/data/README.md for the edge cases).
EXPECTED = {
    "b2b_saas": {
        "1": (160, "SQL"),
        "2": (130, "SQL"),
        "3": (-20, "cold"),
        "4": (100, "SQL"),
        "5": (25, "cold"),
        "6": (75, "MQL"),
        "7": (35, "warm"),
        "8": (80, "MQL"),
        "9": (55, "warm"),
        "10": (0, "cold"),
        "11": (105, "SQL"),
        "12": (25, "cold"),
    },
    "smoove_engagement": {
        "101": (22, "ready_for_offer"),
        "102": (0, "cold"),
        "103": (17, "warm"),
        "104": (5, "cold"),
        "105": (0, "cold"),
    },
    "simple": {"A1": (6, "call"), "A2": (1, "not_yet"), "A3": (2, "not_yet"), "A4": (0, "not_yet")},
    "combos": {
        "c1": (86, "hot"),
        "c2": (37, "warm"),
        "c3": (21, "cold"),
        "c4": (56, "warm"),
        "c5": (77, "hot"),
    },
}


@pytest.mark.parametrize("name", sorted(EXAMPLES))
def test_example_data_scores(name):
    model = check(str(ROOT / "examples" / f"{name}.lrules")).model
    leads, events = (str(ROOT / "examples" / "data" / name / f) for f in EXAMPLES[name])
    results = run_files(model, leads, events, AS_OF, report=lambda _m: None)
    assert {r.lead_id: (r.score, r.tier) for r in results} == EXPECTED[name]
