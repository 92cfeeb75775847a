"""The one-scoring probe gives exactly the diff that scoring OLD, NEW and every change does."""

from __future__ import annotations

import datetime as dt
import json
import random

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from leadrules.impact.changes import changes
from leadrules.impact.contributions import Probe
from leadrules.impact.diff import run_diff
from tests.conftest import EXAMPLES
from tests.impact.helpers import model

AS_OF = dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc)
COMBOS = (EXAMPLES / "combos.lrules").read_text()


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    """300 seeded random leads for combos.lrules, so caps, clamp and every tier are reached."""
    rng = random.Random(6)
    folder = tmp_path_factory.mktemp("combos")
    leads = ["lead_id,budget_confirmed,authority,need_confirmed,timeline_days,job_title"]
    events = []
    for i in range(300):
        leads.append(
            ",".join(
                [
                    str(i),
                    rng.choice(["true", "false", ""]),
                    rng.choice(["Decision Maker", "budget holder", "Intern", ""]),
                    rng.choice(["true", "false", ""]),
                    str(rng.randint(10, 200)),
                    rng.choice(["Decision Maker", "Intern"]),
                ]
            )
        )
        for _ in range(rng.randint(0, 14)):
            kind = rng.choice(["page_view", "page_view", "ebook_download", "webinar_signup"])
            when = AS_OF - dt.timedelta(days=rng.randint(0, 59), hours=rng.randint(0, 23))
            row = {
                "lead_id": str(i),
                "event": kind,
                "occurred_at": when.isoformat().replace("+00:00", "Z"),
            }
            if kind == "page_view":
                row["url"] = rng.choice(["/", "/pricing", "/blog"])
            events.append(json.dumps(row))
    (folder / "leads.csv").write_text("\n".join(leads) + "\n")
    (folder / "events.jsonl").write_text("\n".join(events) + "\n")
    return str(folder / "leads.csv"), str(folder / "events.jsonl")


# (text in combos.lrules, replacements) — each a change a reviewer could propose
EDITS = [
    (
        'signal pricing_page_visit = page_view where url contains "/pricing"',
        ['signal pricing_page_visit = page_view where url contains "/p"'],
    ),
    ("lead authority: text", ['lead authority: text from "job_title"']),
    ("  pricing_page_visit within 30d: +10", ["  pricing_page_visit within 30d: +25", ""]),
    ("  webinar_signup within 30d: +15", ["  webinar_signup within 30d: -5", ""]),
    (
        "  each page_view within 30d: +1 cap 10",
        ["  each page_view within 30d: +3 cap 4", "  each page_view within 30d: +2 cap 10"],
    ),
    ("bant cap 30:", ["bant cap 15:", "bant:", "bant cap 100:"]),
    (
        "  need_confirmed: +10",
        ["  need_confirmed: +10\n  need_confirmed: +10", "  need_confirmed: +30", ""],
    ),
    ("  timeline_days <= 90: +10", ["  timeline_days <= 90: +10\n  webinar_signup: +40"]),
    ("clamp 0..100", ["clamp 0..40", "", "clamp 10..60"]),
    (
        "tier hot when engagement >= 40 and bant >= 20",
        ["tier hot when engagement >= 20 and bant >= 10", "tier hot when score >= 50"],
    ),
    ("tier warm >= 30", ["tier warm >= 20", "tier warm 30..70"]),
]


@st.composite
def proposals(draw):
    text = COMBOS
    for old, options in EDITS:
        if draw(st.booleans()):
            text = text.replace(old, draw(st.sampled_from(options)))
    if draw(st.booleans()):  # a new group of rules
        text = (
            text.replace(
                "clamp", "extra cap 12:\n  ebook_download: +8\n  each page_view: +2\n\nclamp", 1
            )
            if "clamp" in text
            else text + "\nextra:\n  ebook_download: +8\n"
        )
    return text


def _diff(tmp_path, data, new_text: str, probe: bool) -> dict:
    old = model(tmp_path, COMBOS, "old.lrules")
    new = model(tmp_path, new_text, "new.lrules")
    return run_diff(old, new, *data, AS_OF, engine="python", probe=probe).to_json()


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(proposals())
def test_probe_equals_scoring_every_model(tmp_path, data, new_text):
    assert _diff(tmp_path, data, new_text, True) == _diff(tmp_path, data, new_text, False)


def test_the_random_data_reaches_every_tier_and_moves_leads(tmp_path, data):
    found = _diff(tmp_path, data, COMBOS.replace("bant cap 30:", "bant cap 15:"), True)
    old_tiers = {t["from"] for t in found["transitions"]}
    assert old_tiers == {"hot", "warm", "cold"}
    assert any(t["from"] != t["to"] for t in found["transitions"])


def test_probe_measures_only_what_differs(tmp_path):
    old = model(tmp_path, COMBOS, "old.lrules")
    text = COMBOS.replace("  need_confirmed: +10", "  need_confirmed: +30").replace(
        "bant cap 30:", "bant cap 40:"
    )
    new = model(tmp_path, text, "new.lrules")
    probe = Probe.build(old, new)
    extra = [g.name for g in probe.model.groups[len(old.groups) :]]
    # the old and new `need_confirmed` rules, and the capped group `bant` before its cap
    assert extra == ["probe_rule_1", "probe_rule_2", "probe_raw_bant"]
    assert probe.model.tiers == () and probe.model.clamp is None
    assert len(changes(old, new)) == 2


def test_tiers_on_lead_attributes_need_scoring_each_model(tmp_path, data):
    old = model(tmp_path, COMBOS, "old.lrules")
    new = model(
        tmp_path, COMBOS.replace("tier warm >= 30", "tier warm when need_confirmed"), "new.lrules"
    )
    assert Probe.build(old, new) is None
    text = COMBOS.replace("tier warm >= 30", "tier warm when need_confirmed")
    assert _diff(tmp_path, data, text, True) == _diff(tmp_path, data, text, False)
