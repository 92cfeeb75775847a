"""Evaluation metrics on scored leads with known outcomes. Pure functions, no I/O.

- ROC AUC is the Mann-Whitney statistic with average ranks, so tied scores count one half.
- Deciles keep tied scores together: a lead's decile is 1 + floor(10 * (leads scored strictly
  higher) / n); decile 1 holds the highest scores, and a decile may be empty when many tie.
- A tier's threshold is its lower bound for a range tier with one, else the lowest score of a lead
  in that tier; precision and recall at a threshold count every lead with `score >= threshold`.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import NamedTuple

from leadrules.engine import key_order


class Outcome(NamedTuple):
    """What happened to one lead (named tuples: an evaluation holds one per lead, often 10^5+)."""

    lead_id: str
    converted: bool
    converted_at: dt.datetime | None = None
    value: float | None = None


class Scored(NamedTuple):
    """A scored lead with its outcome."""

    lead_id: str
    score: int
    tier: str | None
    converted: bool
    outcome: Outcome


@dataclass(frozen=True)
class Bucket:
    """A set of leads: how many, how many converted, their conversion rate and lift."""

    label: str
    leads: int
    converted: int
    base_rate: float
    lo: int | None = None  # lowest and highest score in the bucket
    hi: int | None = None

    @property
    def rate(self) -> float | None:
        return self.converted / self.leads if self.leads else None

    @property
    def lift(self) -> float | None:
        rate = self.rate
        return None if rate is None or not self.base_rate else rate / self.base_rate


@dataclass(frozen=True)
class Cut:
    """Every lead with `score >= threshold` called qualified."""

    label: str
    threshold: int | float
    selected: int
    true_positives: int
    positives: int

    @property
    def precision(self) -> float | None:
        return self.true_positives / self.selected if self.selected else None

    @property
    def recall(self) -> float | None:
        return self.true_positives / self.positives if self.positives else None


def base_rate(items: Sequence[Scored]) -> float:
    return sum(s.converted for s in items) / len(items) if items else 0.0


def average_ranks(values: Sequence[float]) -> list[float]:
    """1-based ranks, ascending; tied values share the average of their ranks."""
    order = sorted(range(len(values)), key=lambda i: values[i])
    ranks = [0.0] * len(values)
    i = 0
    while i < len(order):
        j = i
        while j + 1 < len(order) and values[order[j + 1]] == values[order[i]]:
            j += 1
        rank = (i + j) / 2 + 1
        for k in range(i, j + 1):
            ranks[order[k]] = rank
        i = j + 1
    return ranks


def roc_auc(scores: Sequence[float], labels: Sequence[bool]) -> float | None:
    """P(a random converted lead outscores a random other one), ties counting 1/2.
    None when every lead has the same outcome."""
    positives = sum(1 for x in labels if x)
    negatives = len(labels) - positives
    if not positives or not negatives:
        return None
    ranks = average_ranks(scores)
    rank_sum = sum(r for r, y in zip(ranks, labels, strict=True) if y)
    return (rank_sum - positives * (positives + 1) / 2) / (positives * negatives)


def _bucket(label: str, items: Sequence[Scored], base: float) -> Bucket:
    scores = [s.score for s in items]
    return Bucket(
        label,
        len(items),
        sum(s.converted for s in items),
        base,
        min(scores, default=None),
        max(scores, default=None),
    )


def by_tier(items: Sequence[Scored], tiers: Sequence[str]) -> list[Bucket]:
    """One bucket per tier in model order, then the leads with no tier (when there are any)."""
    base = base_rate(items)
    out = [_bucket(t, [s for s in items if s.tier == t], base) for t in tiers]
    none = [s for s in items if s.tier is None]
    if none:
        out.append(_bucket("(no tier)", none, base))
    return out


def deciles(items: Sequence[Scored]) -> list[Bucket]:
    n = len(items)
    base = base_rate(items)
    ordered = sorted(s.score for s in items)
    groups: list[list[Scored]] = [[] for _ in range(10)]
    if n:
        for s in items:
            higher = n - bisect.bisect_right(ordered, s.score)
            groups[10 * higher // n].append(s)
    return [_bucket(str(i + 1), g, base) for i, g in enumerate(groups)]


def tier_thresholds(model, items: Sequence[Scored]) -> list[tuple[str, int | float]]:
    out = []
    for tier in model.tiers:
        if tier.kind == "range" and tier.lo is not None:
            out.append((tier.name, tier.lo))
            continue
        scores = [s.score for s in items if s.tier == tier.name]
        if scores:
            out.append((tier.name, min(scores)))
    return out


def cut(label: str, threshold: float, items: Sequence[Scored]) -> Cut:
    chosen = [s for s in items if s.score >= threshold]
    return Cut(
        label,
        threshold,
        len(chosen),
        sum(s.converted for s in chosen),
        sum(s.converted for s in items),
    )


def missed(items: Sequence[Scored], limit: int = 10) -> list[Scored]:
    """Converted leads with the lowest scores: the ones the model would have let go."""
    won = [s for s in items if s.converted]
    return sorted(won, key=lambda s: (s.score, key_order(s.lead_id)))[:limit]


@dataclass(frozen=True)
class Capacity:
    per_week: float  # the target: qualified leads sales can take a week
    weeks: float  # the span the leads arrived over
    suggestion: Cut | None  # the lowest threshold whose weekly volume fits; None: none fits
    next_lower: Cut | None  # the threshold just below it (over capacity), for comparison

    def weekly(self, c: Cut) -> float:
        return c.selected / self.weeks


def capacity(items: Sequence[Scored], per_week: float, weeks: float) -> Capacity:
    """The lowest score threshold that sends at most `per_week` leads a week to sales, when the
    leads scored arrived evenly over `weeks` weeks."""
    allowed = per_week * weeks
    counts = Counter(s.score for s in items)
    wins = Counter(s.score for s in items if s.converted)
    positives = sum(wins.values())
    best = previous = None
    selected = caught = 0
    for t in sorted(counts, reverse=True):  # descending: the selected count grows as t falls
        selected += counts[t]
        caught += wins[t]
        c = Cut(f">= {t}", t, selected, caught, positives)
        if selected > allowed:
            previous = c
            break
        best = c
    return Capacity(per_week, weeks, best, previous)
