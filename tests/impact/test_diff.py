"""Transition counts, score shift and attribution on hand-built results."""

from __future__ import annotations

import json

import pytest

from leadrules.impact.changes import Change
from leadrules.impact.diff import attribute, compare, histogram, tier_order
from leadrules.impact.render_diff import render_json, render_markdown, render_text
from tests.impact.helpers import model, results

TIERS = "lead s: number\ns > 0: +1\n{tiers}"


@pytest.fixture
def models(tmp_path):
    old = model(
        tmp_path,
        TIERS.format(tiers="tier cold < 31\ntier warm 31..60\ntier SQL >= 61\n"),
        "old.lrules",
    )
    new = model(
        tmp_path,
        TIERS.format(tiers="tier cold < 31\ntier warm 31..60\ntier MQL 61..80\ntier SQL >= 81\n"),
        "new.lrules",
    )
    return old, new


OLD = results(
    ("1", 10, "cold"),
    ("2", 40, "warm"),
    ("3", 70, "SQL"),
    ("4", 90, "SQL"),
    ("5", 35, "warm"),
    ("6", -5, None),
)
NEW = results(
    ("1", 10, "cold"),
    ("2", 65, "MQL"),
    ("3", 70, "MQL"),
    ("4", 95, "SQL"),
    ("5", 20, "cold"),
    ("6", 45, "warm"),
)


def test_tier_order_is_old_order_with_new_tiers_in_place():
    assert tier_order(["cold", "warm", "SQL"], ["cold", "warm", "MQL", "SQL"]) == (
        "cold",
        "warm",
        "MQL",
        "SQL",
        None,
    )
    assert tier_order(["b"], ["a", "b", "c"]) == ("a", "b", "c", None)
    assert tier_order([], []) == (None,)


def test_transitions_count_every_pair_including_unchanged_and_no_tier(models):
    diff = compare(*models, OLD, NEW)
    assert diff.tiers == ("cold", "warm", "MQL", "SQL", None)
    assert [t.to_json() for t in diff.transitions] == [
        {"from": "cold", "to": "cold", "count": 1},
        {"from": "warm", "to": "cold", "count": 1},
        {"from": "warm", "to": "MQL", "count": 1},
        {"from": "SQL", "to": "MQL", "count": 1},
        {"from": "SQL", "to": "SQL", "count": 1},
        {"from": None, "to": "warm", "count": 1},
    ]
    assert sum(t.count for t in diff.transitions) == len(OLD)
    assert [d.lead_id for d in diff.moved] == ["2", "3", "5", "6"]


def test_score_shift(models):
    shift = compare(*models, OLD, NEW).shift
    # deltas: 0, +25, 0, +5, -15, +50
    assert (shift.up, shift.down, shift.same) == (3, 1, 2)
    assert shift.mean_delta == pytest.approx(65 / 6)
    assert shift.median_delta == 2.5
    assert shift.old_mean == pytest.approx(240 / 6)
    assert [(b.lo, b.hi, b.count) for b in shift.histogram] == [
        (-15, -15, 1),
        (0, 0, 2),
        (5, 5, 1),
        (25, 25, 1),
        (50, 50, 1),
    ]


def test_histogram_bins_many_distinct_deltas_into_equal_ranges():
    bins = histogram(list(range(-10, 14)), max_bins=6)  # 24 values, width 4
    assert [(b.lo, b.hi, b.count) for b in bins] == [
        (-10, -7, 4),
        (-6, -3, 4),
        (-2, 1, 4),
        (2, 5, 4),
        (6, 9, 4),
        (10, 13, 4),
    ]
    assert sum(b.count for b in histogram([3] * 5 + list(range(40)))) == 45


def test_attribution_counts_leads_moved_and_rescored_by_one_change():
    old = results(("a", 10, "cold"), ("b", 30, "cold"), ("c", 50, "warm"))
    alone = results(("a", 15, "cold"), ("b", 35, "warm"), ("c", 50, "warm"))
    change = Change("rule", "changed", "default: s > 0", "+1", "+6")
    found = attribute(change, old, alone)
    assert (found.moved, found.rescored) == (1, 2)
    assert attribute(change, old, None).moved is None


def test_changes_are_listed_by_leads_moved(models):
    a = attribute(Change("rule", "added", "x", None, "+1"), OLD, OLD)
    b = attribute(Change("tier", "added", "tier MQL", None, "61..80"), OLD, NEW)
    c = attribute(Change("tier", "added", "tier Z", None, "when s > 1"), OLD, None)
    diff = compare(*models, OLD, NEW, [a, c, b])
    assert [x.change.subject for x in diff.attributions] == ["tier MQL", "x", "tier Z"]


def test_different_leads_are_an_error(models):
    with pytest.raises(ValueError):
        compare(*models, OLD, NEW[:-1])


def test_json_keeps_the_contract_shape(models):
    data = json.loads(render_json(compare(*models, OLD, NEW)))
    assert list(data)[:2] == ["transitions", "leads"]
    assert data["leads"][1] == {
        "lead_id": "2",
        "old_score": 40,
        "new_score": 65,
        "old_tier": "warm",
        "new_tier": "MQL",
    }
    assert list(data["leads"][1]) == ["lead_id", "old_score", "new_score", "old_tier", "new_tier"]
    assert data["leads"][5]["old_tier"] is None


def test_text_and_markdown_on_hand_built_results(models, snapshot):
    b = attribute(Change("tier", "added", "tier MQL", None, "61..80"), OLD, NEW)
    diff = compare(*models, OLD, NEW, [b])
    assert render_text(diff) == snapshot(name="text")
    assert render_markdown(diff) == snapshot(name="markdown")


def test_the_streamed_json_is_the_json_of_the_diff(models):
    old = results(("1", 10, "cold"), ('q"uo\\te', 40, "warm"), ("שלום", 70, "SQL"))
    new = results(("1", 10, "cold"), ('q"uo\\te', 65, "MQL"), ("שלום", 70, None))
    diff = compare(*models, old, new)
    text = render_json(diff)
    assert json.loads(text) == diff.to_json()
    assert "שלום" in text  # not escaped: the output is UTF-8
    empty = compare(*models, [], [])
    assert json.loads(render_json(empty)) == empty.to_json()
