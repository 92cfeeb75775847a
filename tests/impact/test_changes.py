"""Finding the changes between two models and applying one of them alone."""

from __future__ import annotations

from leadrules.impact.changes import apply_change, changes
from tests.impact.helpers import model

OLD = """
lead size: number
event page_view(url: text)
event demo

fit:
  size > 100: +20
  size > 100: +5
engagement cap 50:
  page_view: +5
  demo: +30
  each page_view within 30d: +1 cap 10

tier cold < 20
tier warm 20..49
tier hot >= 50
"""

NEW = """
lead size: number
lead country: text
event page_view(url: text)
event demo
event webinar

fit:
  size > 100: +20
  country == "IL": +10
engagement cap 60:
  page_view: +5
  demo: +35
  each page_view within 30d: +1 cap 5
  webinar: +15

tier cold < 20
tier warm 20..39
tier MQL 40..49
tier hot >= 50
"""


def _summary(found):
    return [(c.kind, c.action, c.subject, c.before, c.after) for c in found]


def test_every_kind_of_change_is_found_in_a_stable_order(tmp_path):
    old, new = model(tmp_path, OLD, "old.lrules"), model(tmp_path, NEW, "new.lrules")
    assert _summary(changes(old, new)) == [
        ("rule", "removed", "fit: size > 100", "+5", None),
        ("rule", "changed", "engagement: demo", "+30", "+35"),
        ("rule", "changed", "engagement: each page_view within 30d", "+1 cap 10", "+1 cap 5"),
        ("rule", "added", 'fit: country == "IL"', None, "+10"),
        ("rule", "added", "engagement: webinar", None, "+15"),
        ("group", "changed", "group engagement", "cap 50", "cap 60"),
        ("tier", "changed", "tier warm", "20..49", "20..39"),
        ("tier", "added", "tier MQL", None, "40..49"),
    ]


def test_identical_models_have_no_changes(tmp_path):
    old = model(tmp_path, OLD, "a.lrules")
    assert changes(old, model(tmp_path, OLD + "\n# only a comment\n", "b.lrules")) == []


def test_duplicate_heads_pair_up_in_order(tmp_path):
    old = model(tmp_path, "lead s: number\ns > 1: +1\ns > 1: +2\ntier a >= 0\n", "a.lrules")
    new = model(
        tmp_path, "lead s: number\ns > 1: +1\ns > 1: +3\ns > 1: +4\ntier a >= 0\n", "b.lrules"
    )
    assert _summary(changes(old, new)) == [
        ("rule", "changed", "default: s > 1", "+2", "+3"),
        ("rule", "added", "default: s > 1", None, "+4"),
    ]


def test_applying_a_change_alone_touches_only_that_change(tmp_path):
    old, new = model(tmp_path, OLD, "old.lrules"), model(tmp_path, NEW, "new.lrules")
    found = {(c.kind, c.action, c.subject): c for c in changes(old, new)}

    demo = apply_change(old, new, found[("rule", "changed", "engagement: demo")])
    assert [(r.id, r.text, r.points) for r in demo.group("engagement").rules] == [
        ("engagement/1", "page_view", 5),
        ("engagement/2", "demo", 35),
        ("engagement/3", "each page_view within 30d", 1),
    ]
    assert demo.group("fit") == old.group("fit")
    assert demo.tiers == old.tiers
    assert demo.group("engagement").cap == 50

    added = apply_change(old, new, found[("rule", "added", 'fit: country == "IL"')])
    assert [r.id for r in added.group("fit").rules] == ["fit/1", "fit/2", "fit/3"]
    assert added.attribute("country") is not None  # NEW's declaration comes with the rule
    assert added.event("webinar") is not None

    removed = apply_change(old, new, found[("rule", "removed", "fit: size > 100")])
    assert [(r.id, r.points) for r in removed.group("fit").rules] == [("fit/1", 20)]

    cap = apply_change(old, new, found[("group", "changed", "group engagement")])
    assert (
        cap.group("engagement").cap == 60
        and cap.group("engagement").rules == old.group("engagement").rules
    )

    mql = apply_change(old, new, found[("tier", "added", "tier MQL")])
    assert mql.tier_names == ("cold", "warm", "MQL", "hot")
    assert mql.tiers[1] == old.tiers[1]


def test_rule_of_a_new_group_brings_the_group(tmp_path):
    old = model(tmp_path, "event a\na: +1\ntier t >= 0\n", "a.lrules")
    new = model(tmp_path, "event a\na: +1\nbonus cap 3:\n  a: +5\ntier t >= 0\n", "b.lrules")
    (change,) = changes(old, new)
    variant = apply_change(old, new, change)
    assert variant.group_names == ("default", "bonus")
    assert variant.group("bonus").cap == 3
    assert [r.id for r in variant.group("bonus").rules] == ["bonus/1"]


def test_tier_order_and_clamp_are_changes(tmp_path):
    old = model(
        tmp_path,
        "lead s: number\ns > 1: +1\nclamp 0..10\ntier a when s > 5\ntier b >= 0\n",
        "a.lrules",
    )
    new = model(
        tmp_path,
        "lead s: number\ns > 1: +1\nclamp 0..20\ntier b >= 0\ntier a when s > 5\n",
        "b.lrules",
    )
    found = changes(old, new)
    assert _summary(found) == [
        ("clamp", "changed", "clamp", "clamp 0..10", "clamp 0..20"),
        ("tier order", "changed", "tier order", "a, b", "b, a"),
    ]
    assert apply_change(old, new, found[0]).clamp == (0, 20)
    assert apply_change(old, new, found[1]).tier_names == ("b", "a")


def test_a_tier_that_tests_a_group_old_lacks_cannot_stand_alone(tmp_path):
    old = model(tmp_path, "event a\nfit:\n  a: +1\ntier t >= 0\n", "a.lrules")
    new = model(
        tmp_path,
        "event a\nfit:\n  a: +1\nbonus:\n  a: +2\ntier top when bonus > 1\ntier t >= 0\n",
        "b.lrules",
    )
    found = {c.subject: c for c in changes(old, new)}
    assert apply_change(old, new, found["tier top"]) is None
    assert apply_change(old, new, found["bonus: a"]) is not None


def test_a_redefined_signal_or_constant_changes_rules_with_the_same_text(tmp_path):
    text = (
        "lead email: text\nevent page_view(url: text)\nsignal pricing = page_view where url "
        'contains "/pricing"\nconst personal = ["gmail.com"]\npricing: +15\n'
        "domain(email) in personal: -10\ntier t >= 0\n"
    )
    old = model(tmp_path, text, "a.lrules")
    new = model(
        tmp_path,
        text.replace('"/pricing"', '"/plans"').replace(
            '["gmail.com"]', '["gmail.com", "yahoo.com"]'
        ),
        "b.lrules",
    )
    assert _summary(changes(old, new)) == [
        ("rule", "changed", "default: pricing", "+15", "+15, redefined"),
        ("rule", "changed", "default: domain(email) in personal", "-10", "-10, redefined"),
    ]


def test_reading_another_column_is_a_change(tmp_path):
    text = 'lead role: text\nevent demo(kind: text)\nrole == "CEO": +5\ndemo: +1\ntier t >= 0\n'
    old = model(tmp_path, text, "a.lrules")
    new = model(
        tmp_path,
        text.replace("lead role: text", 'lead role: text from "Job Title"').replace(
            "event demo(kind: text)", 'event demo(kind: text) from "Demo Booked"'
        ),
        "b.lrules",
    )
    found = changes(old, new)
    assert _summary(found) == [
        ("declaration", "changed", "lead role", "text from 'role'", "text from 'Job Title'"),
        (
            "declaration",
            "changed",
            "event demo",
            "(kind: text) from 'demo'",
            "(kind: text) from 'Demo Booked'",
        ),
    ]
    variant = apply_change(old, new, found[0])
    assert variant.attribute("role").column == "Job Title"
    assert variant.event("demo").source == "demo"
