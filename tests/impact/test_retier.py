"""Re-tiering without rescoring gives exactly what the engine gives."""

from __future__ import annotations

import datetime as dt

from leadrules.engine import run
from leadrules.impact.retier import retier, same_scoring
from tests.conftest import EXAMPLES
from tests.impact.helpers import model

AS_OF = dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc)
COMBOS = (EXAMPLES / "combos.lrules").read_text()
LEADS = str(EXAMPLES / "data/combos/leads.csv")
EVENTS = str(EXAMPLES / "data/combos/events.jsonl")


def test_retier_equals_scoring_with_the_new_tiers(tmp_path):
    old = model(tmp_path, COMBOS, "old.lrules")
    variants = [
        COMBOS.replace("tier warm >= 30", "tier warm >= 10"),
        COMBOS.replace(
            "tier hot when engagement >= 40 and bant >= 20",
            "tier hot when engagement >= 20 or score > 60",
        ),
        COMBOS.replace("tier cold < 30", "tier cold < 5"),  # leaves leads with no tier
    ]
    scored = run(old, LEADS, EVENTS, AS_OF, engine="python")
    for i, text in enumerate(variants):
        new = model(tmp_path, text, f"v{i}.lrules")
        assert same_scoring(old, new)
        expected = run(new, LEADS, EVENTS, AS_OF, engine="python")
        assert [r.tier for r in expected] != [r.tier for r in scored]  # the variant matters
        assert retier(new, scored, AS_OF) == expected


def test_tiers_that_test_lead_attributes_need_the_data(tmp_path):
    old = model(tmp_path, COMBOS, "old.lrules")
    new = model(
        tmp_path, COMBOS.replace("tier warm >= 30", "tier warm when need_confirmed"), "new.lrules"
    )
    assert same_scoring(old, new)
    assert retier(new, run(old, LEADS, EVENTS, AS_OF, engine="python"), AS_OF) is None


def test_a_rule_change_is_not_the_same_scoring(tmp_path):
    old = model(tmp_path, COMBOS, "old.lrules")
    new = model(
        tmp_path, COMBOS.replace("need_confirmed: +10", "need_confirmed: +15"), "new.lrules"
    )
    assert not same_scoring(old, new)
