"""A Model compiled for one as-of: a lead's state layout, event counters and their dispatch by
event type, and closures for every condition.

Every event predicate and `each` rule needs one number per lead: the count of an event set (a
type with an optional filter, or every declared type) within a window. The plan gives each
distinct `(EventSet, window)` a counter; while events stream by, each event increments the
counters it belongs to. A lead's whole state is one flat list, whatever the number of events:

    [attribute values...][group scores...][total][event counts...]

Conditions are closures reading slots of that list (`compile.py`); `evaluate` fills in the group
scores and the total, which tier conditions then read.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import NamedTuple

from leadrules import model as m
from leadrules.engine.closures import Compiler, Fn

Counter = tuple  # (EventSet | None, window seconds | None)


class Dispatch(NamedTuple):
    """What one event of a type does: when `filter` (None = every event) is true, increment
    the `always` slots, and the `windowed` slots whose window starts at or before the event.
    A tuple, so that the hot loop unpacks it."""

    filter: Fn | None
    always: tuple[int, ...]
    windowed: tuple[tuple[int, dt.datetime], ...]


@dataclass(frozen=True)
class CompiledRule:
    rule: m.Rule
    cond: Fn | None  # kind "when"
    counter: int | None  # kind "each": the slot of its count


@dataclass(frozen=True)
class CompiledGroup:
    group: m.Group
    slot: int  # where the group's score goes in a lead's state
    rules: tuple[CompiledRule, ...]
    # the same rules, arranged for the fast path of `Plan.evaluate`
    when: tuple[tuple[Fn, int], ...]  # (condition, points)
    each: tuple[tuple[int, int, int | None], ...]  # (count slot, points, cap)

    @classmethod
    def of(cls, group: m.Group, slot: int, rules: tuple[CompiledRule, ...]) -> CompiledGroup:
        when = tuple((r.cond, r.rule.points) for r in rules if r.cond is not None)
        each = tuple((r.counter, r.rule.points, r.rule.cap) for r in rules if r.counter is not None)
        return cls(group, slot, rules, when, each)


class Plan:
    def __init__(self, model: m.Model, as_of: dt.datetime):
        if as_of.tzinfo is None:
            as_of = as_of.replace(tzinfo=dt.timezone.utc)
        self.model = model
        self.as_of = as_of
        n_attrs, n_groups = len(model.attributes), len(model.groups)
        self.attr_slots = {a.name: i for i, a in enumerate(model.attributes)}
        self.group_slots = {g.name: n_attrs + i for i, g in enumerate(model.groups)}
        self.total_slot = n_attrs + n_groups
        self.counters: list[Counter] = []
        self.counter_slots: dict[Counter, int] = {}
        self.lead = Compiler(
            as_of, self.attr_slots, self.counter, self.group_slots, self.total_slot
        )
        self.groups = tuple(
            CompiledGroup.of(g, self.group_slots[g.name], tuple(self._rule(r) for r in g.rules))
            for g in model.groups
        )
        self.tiers = tuple(
            (t, None if t.kind == "range" else self.lead(t.cond)) for t in model.tiers
        )
        self.dispatch = tuple(self._dispatch(e) for e in model.events)

    @property
    def first_counter(self) -> int:
        return self.total_slot + 1

    def counter(self, events: m.EventSet | None, window: int | None) -> int:
        """The slot of the count of `(events, window)`, registered on first use."""
        key = (events, window)
        slot = self.counter_slots.get(key)
        if slot is None:
            slot = self.counter_slots[key] = self.first_counter + len(self.counters)
            self.counters.append(key)
        return slot

    def _rule(self, rule: m.Rule) -> CompiledRule:
        if rule.kind == "each":
            return CompiledRule(rule, None, self.counter(rule.events, rule.window))
        return CompiledRule(rule, self.lead(rule.cond), None)

    def _dispatch(self, event: m.EventType) -> tuple[Dispatch, ...]:
        props = Compiler(self.as_of, {p.name: i for i, p in enumerate(event.props)})
        by_set: dict[m.EventSet | None, list[tuple[int, int | None]]] = {}
        for (events, window), slot in self.counter_slots.items():
            if events is not None and events.event != event.name:
                continue
            key = None if events is None or events.filter is None else events
            by_set.setdefault(key, []).append((slot, window))
        out = []
        for key, targets in by_set.items():
            always = tuple(i for i, w in targets if w is None)
            windowed = tuple((i, window_start(self.as_of, w)) for i, w in targets if w is not None)
            out.append(Dispatch(None if key is None else props(key.filter), always, windowed))
        return tuple(out)

    # ---- a lead's state
    def new_state(self, values: tuple) -> list:
        """Attribute values, then zeroed group scores, total and counts."""
        return [*values, *([0] * (len(self.groups) + 1 + len(self.counters)))]

    def values(self, state: list) -> list:
        return state[: len(self.attr_slots)]

    def evaluate(self, state: list) -> None:
        """Fill in the group scores (after caps) and the total (after clamp) of one lead. The
        hot path of scoring: `contributions` gives the same numbers rule by rule."""
        grand = 0
        for cg in self.groups:
            total = 0
            for cond, points in cg.when:
                if cond(state) is True:
                    total += points
            for slot, points, cap in cg.each:
                value = points * state[slot]
                if cap is not None:
                    value = -cap if value < -cap else cap if value > cap else value
                total += value
            cap = cg.group.cap
            state[cg.slot] = score = total if cap is None or total <= cap else cap
            grand += score
        state[self.total_slot] = clamp(grand, self.model.clamp)

    def contributions(self, state: list) -> list[list[int]]:
        """What each rule added to its group (after the rule's own cap), in rule order."""
        out = []
        for cg in self.groups:
            row = []
            for cr in cg.rules:
                if cr.cond is not None:
                    row.append(cr.rule.points if cr.cond(state) is True else 0)
                else:
                    assert cr.counter is not None  # an each rule counts
                    row.append(each_contribution(cr.rule, state[cr.counter]))
            out.append(row)
        return out

    def group_scores(self, state: list) -> tuple[tuple[str, int], ...]:
        return tuple((cg.group.name, state[cg.slot]) for cg in self.groups)

    def tier_for_scores(self, groups: dict[str, int], score: int) -> str | None:
        """The tier of a lead known only by its group scores and total (its attributes are
        missing and its event counts zero): for re-tiering results without rescoring."""
        state = self.new_state((None,) * len(self.attr_slots))
        for name, value in groups.items():
            state[self.group_slots[name]] = value
        state[self.total_slot] = score
        return self.tier(state)

    def tier(self, state: list) -> str | None:
        score = state[self.total_slot]
        for tier, cond in self.tiers:
            if tier_matches(tier, cond, state, score) is True:
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


def tier_matches(tier: m.Tier, cond: Fn | None, state: list, score: int) -> bool | None:
    """A range tier compares the total `score` (inclusive bounds); a `when` tier is its
    condition, read from the lead's state."""
    if cond is not None:
        return cond(state)
    return (tier.lo is None or tier.lo <= score) and (tier.hi is None or score <= tier.hi)


_EARLIEST = dt.datetime.min.replace(tzinfo=dt.timezone.utc)


def window_start(as_of: dt.datetime, seconds: int) -> dt.datetime:
    """`as_of - window`, or the earliest time there is when that is before year 1 (every
    event is then within the window): `--as-of 0001-01-01` with `within 30d`."""
    try:
        return as_of - dt.timedelta(seconds=seconds)
    except OverflowError:
        return _EARLIEST
