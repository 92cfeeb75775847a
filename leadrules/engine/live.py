"""The reference interpreter for one lead at a time, with the plan built once per model.

`leadrules serve` rescores a lead whenever one of its events arrives, its attributes change or
time passes. `python.Scorer` compiles a `Plan` for one as-of (its windows start at fixed
instants and `days_since` reads a fixed as-of), which costs far more than scoring one lead. Here
the same `Plan` (the same closures, the same `evaluate` and `tier`: no second implementation of
the semantics) is compiled once against a movable instant, and each call sets that instant:

    live = LivePlan(model)
    result = live.score(values, events, as_of)   # events: [(type index, occurred_at, props)]
    result.score, result.tier, result.groups, result.next_change

`next_change` is the earliest instant after `as_of` at which the lead's score may change by
time alone (an event entering the past, an event leaving a window, a `days_since` value
crossing a whole day), or None: the service's scheduler rescores the lead then. It is an upper
bound on waiting, never late: the score may turn out unchanged at that instant.

Calls are serialized by a lock (the instant is shared by the compiled closures).
"""

from __future__ import annotations

import datetime as dt
import threading
from dataclasses import dataclass

from leadrules import model as m
from leadrules.engine.plan import Plan

UTC = dt.timezone.utc
_DAY = dt.timedelta(days=1)
_TICK = dt.timedelta(microseconds=1)  # the finest instant a datetime can name


class _Instant:
    """The as-of the compiled closures read: `days_since` computes `as_of - value`, which
    this object answers with the instant of the current call."""

    __slots__ = ("now",)
    tzinfo = UTC

    def __init__(self) -> None:
        self.now = dt.datetime(1970, 1, 1, tzinfo=UTC)

    def __sub__(self, other):
        return self.now - other


@dataclass(frozen=True)
class LiveResult:
    groups: tuple[tuple[str, int], ...]
    score: int
    tier: str | None
    next_change: dt.datetime | None


class LivePlan:
    def __init__(self, model: m.Model):
        self.model = model
        self._instant = _Instant()
        self.plan = plan = Plan(model, self._instant)  # type: ignore[arg-type]
        first = plan.first_counter
        # per event type: (filter, always slots, ((slot, window), ...)), windows as timedeltas
        self.dispatch = tuple(
            tuple(
                (
                    d.filter,
                    d.always,
                    tuple(
                        (slot, dt.timedelta(seconds=plan.counters[slot - first][1]))
                        for slot, _start in d.windowed
                    ),
                )
                for d in entries
            )
            for entries in plan.dispatch
        )
        # per event type: the distinct windows its events may leave
        self.windows = tuple(
            tuple(sorted({w for _f, _a, windowed in entries for _s, w in windowed}))
            for entries in self.dispatch
        )
        uses_days = _uses_days_since(model)
        self.time_attrs = (
            tuple(i for i, a in enumerate(model.attributes) if a.type == "time")
            if uses_days
            else ()
        )
        self.time_props = tuple(
            tuple(i for i, p in enumerate(e.props) if p.type == "time") if uses_days else ()
            for e in model.events
        )
        self._lock = threading.Lock()

    def score(
        self, values: tuple, events, as_of: dt.datetime, next_change: bool = True
    ) -> LiveResult:
        """Score one lead: `values` its attribute values in model order, `events` an iterable
        of `(type index, occurred_at, props tuple)`, typed as the readers type them."""
        plan = self.plan
        with self._lock:
            self._instant.now = as_of
            state = plan.new_state(values)
            dispatch = self.dispatch
            for kind, occurred_at, props in events:
                if occurred_at > as_of:
                    continue
                for accept, always, windowed in dispatch[kind]:
                    if accept is None or accept(props) is True:
                        for i in always:
                            state[i] += 1
                        for i, window in windowed:
                            if occurred_at >= as_of - window:
                                state[i] += 1
            plan.evaluate(state)
            tier = plan.tier(state)
            groups = plan.group_scores(state)
        nxt = self.next_change(values, events, as_of) if next_change else None
        return LiveResult(groups, state[plan.total_slot], tier, nxt)

    def next_change(self, values: tuple, events, as_of: dt.datetime) -> dt.datetime | None:
        """The earliest instant after `as_of` at which time alone may change the score."""
        best = None
        windows, time_props = self.windows, self.time_props
        for kind, occurred_at, props in events:
            if occurred_at > as_of:  # it starts counting then
                if best is None or occurred_at < best:
                    best = occurred_at
                continue
            for window in windows[kind]:
                leaves = occurred_at + window + _TICK  # `occurred_at >= as_of - window` fails
                if leaves > as_of and (best is None or leaves < best):
                    best = leaves
            for i in time_props[kind]:
                best = _earliest(best, _next_day(props[i], as_of))
        for i in self.time_attrs:
            best = _earliest(best, _next_day(values[i], as_of))
        return best

    def explain_plan(self, as_of: dt.datetime) -> Plan:
        """A plan for one fixed as-of (for `explain`, which is not a hot path)."""
        return Plan(self.model, as_of)


def _next_day(value, as_of: dt.datetime) -> dt.datetime | None:
    """When `days_since(value)` next changes: `value` plus one more whole day."""
    if value is None:
        return None
    return value + ((as_of - value) // _DAY + 1) * _DAY


def _earliest(a, b):
    if b is None:
        return a
    return b if a is None or b < a else a


def _uses_days_since(model: m.Model) -> bool:
    exprs = [r.cond for r in model.rules if r.cond is not None]
    exprs += [t.cond for t in model.tiers if t.cond is not None]
    exprs += [r.events.filter for r in model.rules if r.events and r.events.filter is not None]
    return any(
        isinstance(e, m.Func) and e.name == "days_since"
        for x in exprs
        for e in m.walk(x, filters=True)
    )
