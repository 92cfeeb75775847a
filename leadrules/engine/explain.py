"""Why a lead has its score: every rule with its outcome, counts, group totals, clamp, tiers.

`explain_lead` builds an `Explanation` (frozen, JSON-ready with `to_json`); `render_text` prints
it for people.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from leadrules import model as m
from leadrules.engine import model_text as text
from leadrules.engine.plan import Plan, tier_matches

FIRED, NOT_FIRED, UNKNOWN = "fired", "not fired", "unknown"


@dataclass(frozen=True)
class CountTrace:
    """An event predicate or `each` rule: the events it counted in its window."""

    events: str
    window: str | None
    count: int


@dataclass(frozen=True)
class RuleTrace:
    id: str
    text: str
    status: str  # fired | not fired | unknown
    points: int  # the rule's points (per event for `each`)
    contribution: int  # what it added to its group (after its cap)
    cap: int | None
    missing: tuple[str, ...]  # the missing values that made it unknown
    counts: tuple[CountTrace, ...]


@dataclass(frozen=True)
class GroupTrace:
    name: str
    rules: tuple[RuleTrace, ...]
    total: int  # the sum of its rules, before the cap
    cap: int | None
    score: int  # after the cap


@dataclass(frozen=True)
class TierTrace:
    name: str
    text: str
    result: str  # matched | no | unknown | not tried


@dataclass(frozen=True)
class Explanation:
    lead_id: str
    as_of: dt.datetime
    attributes: tuple[tuple[str, object], ...]
    groups: tuple[GroupTrace, ...]
    total: int  # the sum of the groups, before clamp
    clamp: tuple[int, int] | None
    score: int
    tiers: tuple[TierTrace, ...]
    tier: str | None

    def to_json(self) -> dict:
        return {
            "lead_id": self.lead_id,
            "as_of": text.literal(self.as_of),
            "attributes": {k: _json_value(v) for k, v in self.attributes},
            "groups": [
                {
                    "name": g.name,
                    "total": g.total,
                    "cap": g.cap,
                    "score": g.score,
                    "rules": [
                        {
                            "id": r.id,
                            "text": r.text,
                            "status": r.status,
                            "points": r.points,
                            "contribution": r.contribution,
                            "cap": r.cap,
                            "missing": list(r.missing),
                            "counts": [
                                {"events": c.events, "window": c.window, "count": c.count}
                                for c in r.counts
                            ],
                        }
                        for r in g.rules
                    ],
                }
                for g in self.groups
            ],
            "total": self.total,
            "clamp": list(self.clamp) if self.clamp else None,
            "score": self.score,
            "tiers": [{"name": t.name, "text": t.text, "result": t.result} for t in self.tiers],
            "tier": self.tier,
        }


def _json_value(value):
    if isinstance(value, dt.datetime):
        return text.literal(value)
    return value


def explain_lead(plan: Plan, lead_id: str, state: list) -> Explanation:
    """The explanation of one lead, from its state after `Plan.evaluate`."""
    model = plan.model
    groups = []
    for cg, row in zip(plan.groups, plan.contributions(state), strict=True):
        rules = tuple(_rule(plan, cr, state, c) for cr, c in zip(cg.rules, row, strict=True))
        groups.append(GroupTrace(cg.group.name, rules, sum(row), cg.group.cap, state[cg.slot]))
    score = state[plan.total_slot]
    tiers, matched = [], None
    for tier, cond in plan.tiers:
        if matched is not None:
            tiers.append(TierTrace(tier.name, tier.text, "not tried"))
            continue
        result = tier_matches(tier, cond, state, score)
        tiers.append(TierTrace(tier.name, tier.text, _TIER_RESULT[result]))
        if result is True:
            matched = tier.name
    values = plan.values(state)
    attributes = tuple((a.name, v) for a, v in zip(model.attributes, values, strict=True))
    total = sum(g.score for g in groups)
    return Explanation(
        lead_id,
        plan.as_of,
        attributes,
        tuple(groups),
        total,
        model.clamp,
        score,
        tuple(tiers),
        matched,
    )


_TIER_RESULT = {True: "matched", False: "no", None: "unknown"}


def _rule(plan: Plan, cr, state: list, contribution: int) -> RuleTrace:
    rule = cr.rule
    if cr.cond is None:  # each
        count = state[cr.counter]
        window = None if rule.window is None else text.duration(rule.window)
        trace = (CountTrace(text.event_set(rule.events), window, count),)
        status = FIRED if count else NOT_FIRED
        return RuleTrace(rule.id, rule.text, status, rule.points, contribution, rule.cap, (), trace)
    result = cr.cond(state)
    status = FIRED if result is True else UNKNOWN if result is None else NOT_FIRED
    traces = []
    for node in m.walk(rule.cond):
        if isinstance(node, m.EventCount):
            count = state[plan.counter_slots[(node.events, node.window)]]
            window = None if node.window is None else text.duration(node.window)
            found = CountTrace(text.event_set(node.events), window, count)
            if found not in traces:
                traces.append(found)
    missing = _missing(plan, rule.cond, state) if result is None else ()
    return RuleTrace(
        rule.id, rule.text, status, rule.points, contribution, None, missing, tuple(traces)
    )


def _missing(plan: Plan, cond, state: list) -> tuple[str, ...]:
    """The missing values a condition reads: attributes, and functions missing on a present
    value (`domain(email)` of an address without `@`)."""
    compile_ = plan.lead
    out: list[str] = []
    for node in m.walk(cond):
        if isinstance(node, m.Attr) and compile_(node)(state) is None:
            name = node.name
        elif (
            isinstance(node, m.Func)
            and compile_(node)(state) is None
            and compile_(node.arg)(state) is not None
        ):
            name = text.expr(node)
        else:
            continue
        if name not in out:
            out.append(name)
    return tuple(out)


# ---- text --------------------------------------------------------------------------------


def render_text(x: Explanation) -> str:
    lines = [f"lead {x.lead_id} as of {text.literal(x.as_of)}"]
    for name, value in x.attributes:
        shown = "(missing)" if value is None else text.literal(value)
        lines.append(f"  {name} = {shown}")
    for g in x.groups:
        lines.append("")
        lines.append(f"{g.name}:")
        for r in g.rules:
            lines.append("  " + _rule_line(r))
        cap = "" if g.cap is None else f", cap {g.cap} -> {g.score}"
        lines.append(f"  = {g.total}{cap}")
    lines.append("")
    clamp = "" if x.clamp is None else f", clamp {x.clamp[0]}..{x.clamp[1]} -> {x.score}"
    parts = " + ".join(f"{g.name} {g.score}" for g in x.groups) or "0"
    lines.append(f"score: {parts} = {x.total}{clamp}")
    lines.append("tiers:")
    width = max((len(t.name) for t in x.tiers), default=0)
    for t in x.tiers:
        lines.append(f"  {t.name.ljust(width)}  {t.text}: {t.result}")
    lines.append(f"tier: {x.tier if x.tier is not None else '(none)'}")
    return "\n".join(lines) + "\n"


def _rule_line(r: RuleTrace) -> str:
    points = f"{r.contribution:+d}" if r.status == FIRED else "  ."
    line = f"{r.status:<9}  {points:>5}  {r.text}"
    notes = []
    for c in r.counts:
        window = "" if c.window is None else f" within {c.window}"
        notes.append(f"{c.count} x {c.events}{window}")
    if r.cap is not None and abs(r.points * r.counts[0].count) > r.cap:
        notes.append(f"{r.points * r.counts[0].count:+d} capped at {r.cap}")
    if r.missing:
        notes.append("missing: " + ", ".join(r.missing))
    return line + (f"   [{'; '.join(notes)}]" if notes else "")
