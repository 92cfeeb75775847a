"""Evaluation metrics on cases whose answers are known by hand."""

from __future__ import annotations

import itertools
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from leadrules.impact import metrics


def scored(*rows):
    """(lead_id, score, tier, converted) rows."""
    return [
        metrics.Scored(lead, score, tier, won, metrics.Outcome(lead, won))
        for lead, score, tier, won in rows
    ]


def test_auc_of_a_perfect_an_inverted_and_a_fully_tied_ranking():
    labels = [True, True, False, False, False]
    assert metrics.roc_auc([9, 8, 3, 2, 1], labels) == 1.0
    assert metrics.roc_auc([1, 2, 3, 8, 9], labels) == 0.0
    assert metrics.roc_auc([5, 5, 5, 5, 5], labels) == 0.5


def test_auc_counts_ties_as_one_half():
    # positives 10, 5; negatives 5, 1: pairs (10>5) (10>1) (5=5: 1/2) (5>1) = 3.5 of 4
    assert metrics.roc_auc([10, 5, 5, 1], [True, True, False, False]) == pytest.approx(3.5 / 4)


def test_auc_is_undefined_with_one_outcome_only():
    assert metrics.roc_auc([1, 2], [True, True]) is None
    assert metrics.roc_auc([], []) is None


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.integers(-5, 5), st.booleans()), min_size=2, max_size=30))
def test_auc_equals_the_pairwise_definition(rows):
    scores = [s for s, _ in rows]
    labels = [y for _, y in rows]
    pos = [s for s, y in rows if y]
    neg = [s for s, y in rows if not y]
    if not pos or not neg:
        assert metrics.roc_auc(scores, labels) is None
        return
    wins = sum(1.0 if p > n else 0.5 if p == n else 0.0 for p, n in itertools.product(pos, neg))
    assert metrics.roc_auc(scores, labels) == pytest.approx(wins / (len(pos) * len(neg)))


def test_average_ranks():
    assert metrics.average_ranks([30, 10, 20, 10]) == [4.0, 1.5, 3.0, 1.5]


def test_deciles_keep_ties_together():
    items = scored(*[(str(i), i, None, i >= 15) for i in range(20)])  # 20 distinct scores
    buckets = metrics.deciles(items)
    assert [b.leads for b in buckets] == [2] * 10
    assert (buckets[0].lo, buckets[0].hi) == (18, 19)
    assert [b.converted for b in buckets] == [2, 2, 1, 0, 0, 0, 0, 0, 0, 0]
    assert buckets[0].lift == pytest.approx(1.0 / 0.25)

    tied = scored(*[(str(i), 50 if i < 6 else i, None, False) for i in range(10)])
    buckets = metrics.deciles(tied)
    assert buckets[0].leads == 6 and (buckets[0].lo, buckets[0].hi) == (50, 50)
    assert sum(b.leads for b in buckets) == 10
    assert buckets[0].rate == 0.0


def test_conversion_and_lift_by_tier_in_model_order():
    items = scored(
        ("a", 90, "hot", True),
        ("b", 80, "hot", False),
        ("c", 10, "cold", False),
        ("d", 5, None, True),
    )
    tiers = metrics.by_tier(items, ["hot", "warm", "cold"])
    assert [(b.label, b.leads, b.converted) for b in tiers] == [
        ("hot", 2, 1),
        ("warm", 0, 0),
        ("cold", 1, 0),
        ("(no tier)", 1, 1),
    ]
    assert tiers[0].lift == pytest.approx(1.0)  # 50% against a base of 50%
    assert tiers[1].rate is None and tiers[1].lift is None
    assert tiers[3].lift == pytest.approx(2.0)


def test_precision_and_recall_by_hand(tmp_path):
    from tests.impact.helpers import model

    mdl = model(
        tmp_path,
        "lead s: number\ns > 0: +1\ntier top when s > 100\ntier hot >= 60\ntier low < 60\n",
    )
    items = scored(
        ("1", 90, "hot", True),
        ("2", 70, "hot", False),
        ("3", 60, "hot", True),
        ("4", 40, "low", True),
        ("5", 10, "low", False),
    )
    thresholds = metrics.tier_thresholds(mdl, items)
    assert thresholds == [("hot", 60), ("low", 10)]  # `top` has no leads and no lower bound
    hot = metrics.cut("hot", 60, items)
    assert (hot.selected, hot.true_positives) == (3, 2)
    assert hot.precision == pytest.approx(2 / 3)
    assert hot.recall == pytest.approx(2 / 3)
    assert metrics.cut("x", 1000, items).precision is None


def test_missed_lists_converted_leads_from_the_lowest_score():
    items = scored(
        ("b", 50, None, True), ("a", 50, None, True), ("c", 5, None, True), ("d", 1, None, False)
    )
    assert [s.lead_id for s in metrics.missed(items)] == ["c", "a", "b"]
    assert [s.lead_id for s in metrics.missed(items, limit=1)] == ["c"]


def test_capacity_picks_the_lowest_threshold_that_fits():
    # 10 weeks, 2 a week: at most 20 leads. Scores 0..29 once each.
    items = scored(*[(str(i), i, None, i % 3 == 0) for i in range(30)])
    cap = metrics.capacity(items, per_week=2, weeks=10)
    assert cap.suggestion.threshold == 10 and cap.suggestion.selected == 20
    assert cap.weekly(cap.suggestion) == 2.0
    assert cap.next_lower.threshold == 9 and cap.next_lower.selected == 21
    assert (
        metrics.capacity(scored(("a", 1, None, True), ("b", 1, None, False)), 0.1, 1).suggestion
        is None
    )


def test_random_scores_have_auc_near_one_half():
    rng = random.Random(7)
    labels = [rng.random() < 0.3 for _ in range(4000)]
    scores = [rng.randint(0, 100) for _ in labels]
    assert abs(metrics.roc_auc(scores, labels) - 0.5) < 0.03
