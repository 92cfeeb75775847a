"""A Model compiled for one as-of: event counters, their dispatch by event type, closures.

Every event predicate and `each` rule needs one number per lead: the count of an event set
(a type with an optional filter, or every declared type) within a window. The plan gives each
distinct `(EventSet, window)` a counter index; while events stream by, each event increments
the counters it belongs to, so a lead's state is one list of integers, whatever the number of
events.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from leadrules import model as m
from leadrules.engine.compile import Compiler, Env, Fn

Counter = tuple  # (EventSet | None, window seconds | None)


@dataclass(frozen=True)
class Dispatch:
    """What one event of a type does: when `filter` (None = every event) is true, increment
    `always` counters, and `windowed` counters whose window starts at or before the event."""

    filter: Fn | None
    always: tuple[int, ...]
    windowed: tuple[tuple[int, dt.datetime], ...]


@dataclass(frozen=True)
class CompiledRule:
    rule: m.Rule
    cond: Fn | None  # kind "when"
    counter: int | None  # kind "each"


@dataclass(frozen=True)
class CompiledGroup:
    group: m.Group
    rules: tuple[CompiledRule, ...]


class Plan:
    def __init__(self, model: m.Model, as_of: dt.datetime):
        if as_of.tzinfo is None:
            as_of = as_of.replace(tzinfo=dt.timezone.utc)
        self.model = model
        self.as_of = as_of
        self.counters: list[Counter] = []
        self.counter_index: dict[Counter, int] = {}
        self.attr_index = {a.name: i for i, a in enumerate(model.attributes)}
        lead = Compiler(as_of, attrs=self.attr_index, counter=self.counter)
        self.groups = tuple(
            CompiledGroup(g, tuple(self._rule(r, lead) for r in g.rules)) for g in model.groups
        )
        self.tiers = tuple((t, None if t.kind == "range" else lead(t.cond)) for t in model.tiers)
        self.dispatch = tuple(self._dispatch(e) for e in model.events)

    def counter(self, events: m.EventSet | None, window: int | None) -> int:
        key = (events, window)
        index = self.counter_index.get(key)
        if index is None:
            index = self.counter_index[key] = len(self.counters)
            self.counters.append(key)
        return index

    def _rule(self, rule: m.Rule, lead: Compiler) -> CompiledRule:
        if rule.kind == "each":
            return CompiledRule(rule, None, self.counter(rule.events, rule.window))
        return CompiledRule(rule, lead(rule.cond), None)

    def _dispatch(self, event: m.EventType) -> tuple[Dispatch, ...]:
        props = Compiler(self.as_of, props={p.name: i for i, p in enumerate(event.props)})
        by_set: dict[m.EventSet | None, list[tuple[int, int | None]]] = {}
        for index, (events, window) in enumerate(self.counters):
            if events is not None and events.event != event.name:
                continue
            key = None if events is None or events.filter is None else events
            by_set.setdefault(key, []).append((index, window))
        out = []
        for key, targets in by_set.items():
            always = tuple(i for i, w in targets if w is None)
            windowed = tuple(
                (i, self.as_of - dt.timedelta(seconds=w)) for i, w in targets if w is not None
            )
            out.append(Dispatch(None if key is None else props(key.filter), always, windowed))
        return tuple(out)

    def new_counts(self) -> list[int]:
        return [0] * len(self.counters)

    # ---- scoring one lead
    def evaluate(self, values: tuple, counts: list[int]) -> tuple[Env, list[list[int]]]:
        """Group scores, total and tier of one lead: `Env` with groups and total filled, and each
        rule's contribution (per group, in rule order)."""
        env = Env(values, counts)
        contributions = []
        for cg in self.groups:
            row = []
            for cr in cg.rules:
                rule = cr.rule
                if cr.cond is not None:
                    row.append(rule.points if cr.cond(env) is True else 0)
                else:
                    row.append(each_contribution(rule, counts[cr.counter]))
            total = sum(row)
            cap = cg.group.cap
            env.groups[cg.group.name] = total if cap is None or total <= cap else cap
            contributions.append(row)
        env.total = clamp(sum(env.groups.values()), self.model.clamp)
        return env, contributions

    def tier(self, env: Env) -> str | None:
        for tier, cond in self.tiers:
            if tier_matches(tier, cond, env) is True:
                return tier.name
        return None


def each_contribution(rule: m.Rule, count: int) -> int:
    """`each E: P cap N`: P per event, bounded to [-N, N]."""
    value = rule.points * count
    if rule.cap is not None:
        value = max(-rule.cap, min(rule.cap, value))
    return value


def clamp(total: int, bounds: tuple[int, int] | None) -> int:
    if bounds is None:
        return total
    lo, hi = bounds
    return max(lo, min(hi, total))


def tier_matches(tier: m.Tier, cond: Fn | None, env: Env) -> bool | None:
    if cond is not None:
        return cond(env)
    score = env.total
    return (tier.lo is None or tier.lo <= score) and (tier.hi is None or score <= tier.hi)
