"""What the automation targets (HubSpot, smoove) share: which rules an event-driven platform can
express, as plain data the two targets render in their own shapes.

A marketing platform scores by reacting to one event at a time ("+3 when a link is clicked") or by
comparing one stored property at a time ("+20 when company size is 50-200"). Everything else in
leadrules (sliding windows, counts, absence of events, combinations, negation under three-valued
logic, functions such as `domain()`, per-rule caps) has no exact counterpart there: `classify`
says which, and why, so that every target lists those rules with the same reasons and points to
the exact path (compute in the warehouse, sync the properties).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any, TypeGuard

from leadrules import model as m

# ---- criteria: one stored value compared with literals ------------------------------------------


@dataclass(frozen=True)
class Criterion:
    """One comparison a platform filter can hold.

    `field` is the lead attribute's source column, or the event property's name. `op` is one of
    == < <= > >= in between contains starts_with ends_with is_true is_present is_missing; `value`
    is a scalar, a tuple of values (`in`), a (lo, hi) pair (`between`) or None.
    """

    field: str
    op: str
    value: Any
    type: str

    def describe(self) -> str:
        v = self.value
        if self.op == "is_true":
            return f"{self.field} is true"
        if self.op in ("is_present", "is_missing"):
            return f"{self.field} {self.op.replace('_', ' ')}"
        if self.op == "between":
            return f"{self.field} between {_lit(v[0])} and {_lit(v[1])}"
        if self.op == "in":
            return f"{self.field} is any of {', '.join(_lit(x) for x in v)}"
        return f"{self.field} {self.op.replace('_', ' ')} {_lit(v)}"


def _lit(v: object) -> str:
    return json.dumps(v, ensure_ascii=False) if isinstance(v, str) else str(v)


_FLIP = {"<": ">", "<=": ">=", ">": "<", ">=": "<=", "==": "=="}

# reason key -> plain English; targets translate these keys (smoove's Hebrew recipe does).
REASONS: dict[str, str] = {
    "window": "counts events inside a sliding time window; a platform increment never expires",
    "count": "needs a count of events (N times); platforms add points per event, not per count",
    "absence": "depends on events NOT happening (inactivity); no event exists to trigger it",
    "combination": "combines several conditions or events; platform rules see one at a time",
    "negation": "a negation (`!=`, `not in`, `not`) under three-valued logic: leadrules gives no "
    "points when the value is missing, a platform filter may match a missing value",
    "function": "compares a computed value (`lower()`, `domain()`, `days_since()`); platforms "
    "compare stored property values only",
    "cap": "caps the rule's total; platforms cannot cap one rule's running total",
    "or": "an `or` of conditions; one platform rule holds criteria that must all match",
    "attribute": "a rule on lead attributes; event automations have nothing to trigger it",
    "time": "compares a date or time: leadrules compares instants in UTC, platform date filters "
    "work in the account's time zone",
}


@dataclass(frozen=True)
class Trigger:
    """An event-driven rule: `points` on every matching event, or `once` on the first one."""

    event: str  # EventType.name
    source: str  # the event's name in the data
    filter: tuple[Criterion, ...]
    once: bool


@dataclass(frozen=True)
class Verdict:
    """How a rule maps to a platform: an event trigger, attribute criteria, or neither (why)."""

    rule: m.Rule
    trigger: Trigger | None = None
    criteria: tuple[Criterion, ...] | None = None
    reasons: tuple[str, ...] = ()

    @property
    def kind(self) -> str:
        if self.trigger is not None:
            return "event"
        if self.criteria is not None:
            return "attribute"
        return "none"

    def conditions(self) -> tuple[Criterion, ...]:
        """The criteria of an attribute rule, or the event filter of an event rule."""
        if self.trigger is not None:
            return self.trigger.filter
        assert self.criteria is not None, "a rule that maps to nothing has no conditions"
        return self.criteria

    def event_trigger(self) -> Trigger:
        """The trigger of a rule whose kind is "event"."""
        assert self.trigger is not None, f"rule {self.rule.id} has no event trigger"
        return self.trigger


def criteria(expr: m.Expr, model: m.Model) -> tuple[Criterion, ...] | str:
    """The expression as criteria that must all hold, or the reason key it cannot be."""
    if isinstance(expr, m.And):
        out: list[Criterion] = []
        for item in expr.items:
            sub = criteria(item, model)
            if isinstance(sub, str):
                return sub
            out.extend(sub)
        return tuple(out)
    if isinstance(expr, m.Or):
        return "or"
    if isinstance(expr, m.Not):
        return "negation"
    if isinstance(expr, m.EventCount):
        return "combination"
    if isinstance(expr, (m.Attr, m.Prop)) and expr.type == "bool":
        return (Criterion(_field(expr, model), "is_true", True, "bool"),)
    if isinstance(expr, m.Cmp):
        left, right = expr.left, expr.right
        op: str = expr.op
        if isinstance(left, m.Const) and not isinstance(right, m.Const):
            left, right, op = right, left, _FLIP.get(op, op)
        if op == "!=":
            return "negation"
        if _stored(left) and isinstance(right, m.Const):
            if right.type == "time":
                return "time"
            return (Criterion(_field(left, model), op, right.value, right.type),)
        return "function"
    if isinstance(expr, m.InList):
        if expr.type == "time":
            return "time"
        if _stored(expr.operand):
            return (Criterion(_field(expr.operand, model), "in", tuple(expr.values), expr.type),)
        return "function"
    if isinstance(expr, m.InRange):
        if _stored(expr.operand):
            return (
                Criterion(_field(expr.operand, model), "between", (expr.lo, expr.hi), "number"),
            )
        return "function"
    if isinstance(expr, m.TextOp):
        if _stored(expr.operand) and isinstance(expr.value, m.Const):
            return (Criterion(_field(expr.operand, model), expr.op, expr.value.value, "text"),)
        return "function"
    if isinstance(expr, m.IsMissing):
        if _stored(expr.operand):
            test = "is_present" if expr.present else "is_missing"
            return (Criterion(_field(expr.operand, model), test, None, expr.operand.type),)
        return "function"
    return "function"


def _stored(e: m.Expr) -> TypeGuard[m.Attr | m.Prop]:
    return isinstance(e, (m.Attr, m.Prop))


def _field(e: m.Attr | m.Prop, model: m.Model) -> str:
    if isinstance(e, m.Attr):
        attr = model.attribute(e.name)
        return attr.column if attr else e.name
    return e.name


def _mentions_events(expr: m.Expr | None) -> bool:
    return expr is not None and any(isinstance(e, m.EventCount) for e in m.walk(expr))


def _trigger(events: m.EventSet, once: bool, model: m.Model) -> Trigger | str:
    flt: tuple[Criterion, ...] = ()
    if events.filter is not None:
        got = criteria(events.filter, model)
        if isinstance(got, str):
            return got
        flt = got
    et = model.event(events.event)
    return Trigger(events.event, et.source if et else events.event, flt, once)


def classify(rule: m.Rule, model: m.Model) -> Verdict:
    """Whether `rule` is one event trigger, one set of attribute criteria, or neither (and why)."""
    if rule.kind == "each":
        if rule.window is not None:
            return Verdict(rule, reasons=("window",))
        if rule.cap is not None:
            return Verdict(rule, reasons=("cap",))
        got = _trigger(rule.events, once=False, model=model)
        return (
            Verdict(rule, trigger=got)
            if isinstance(got, Trigger)
            else Verdict(rule, reasons=(got,))
        )
    cond = rule.cond
    if isinstance(cond, m.EventCount):
        if cond.events is None or (cond.op == "==" and cond.n == 0) or cond.op in ("<", "<="):
            return Verdict(rule, reasons=("absence",))
        if cond.window is not None:
            return Verdict(rule, reasons=("window",))
        if not (cond.op == ">=" and cond.n == 1) and not (cond.op == ">" and cond.n == 0):
            return Verdict(rule, reasons=("count",))
        got = _trigger(cond.events, once=True, model=model)
        return (
            Verdict(rule, trigger=got)
            if isinstance(got, Trigger)
            else Verdict(rule, reasons=(got,))
        )
    if _mentions_events(cond):
        return Verdict(rule, reasons=("combination",))
    found = criteria(cond, model)
    return (
        Verdict(rule, criteria=found)
        if not isinstance(found, str)
        else Verdict(rule, reasons=(found,))
    )


def verdicts(model: m.Model) -> tuple[Verdict, ...]:
    return tuple(classify(r, model) for r in model.rules)


# ---- names, tiers, output ------------------------------------------------------------------


def slug(name: str) -> str:
    """A lower-case identifier usable as a property or file name (`VP Sales` -> `vp_sales`)."""
    s = re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")
    return s or "x"


def tier_range(tier: m.Tier) -> tuple[int | float | None, int | float | None] | None:
    """(lo, hi) inclusive for a range tier (None is unbounded); None for a `when` tier."""
    return (tier.lo, tier.hi) if tier.kind == "range" else None


def rule_line(rule: m.Rule) -> int | None:
    return rule.loc.line if rule.loc else None


def unexpressed(v: Verdict, reasons: dict[str, str] = REASONS) -> dict:
    """The JSON entry for a rule a target cannot express: which, where, and why."""
    out = {
        "rule": v.rule.id,
        "group": v.rule.group,
        "text": v.rule.text,
        "points": v.rule.points,
        "line": rule_line(v.rule),
        "reasons": [reasons[r] for r in v.reasons],
    }
    if v.rule.cap is not None:
        out["cap"] = v.rule.cap
    return out


def rule_source(text: str, points: int, cap: int | None = None) -> str:
    """A rule as written: `each webinar_signup: +15 cap 30`."""
    return f"{text}: {points:+d}" + (f" cap {cap}" if cap is not None else "")


def dump_json(obj: object) -> str:
    """Stable JSON: keys in the order built, two-space indent, UTF-8 kept, final newline."""
    return json.dumps(obj, indent=2, ensure_ascii=False) + "\n"


def placeholders(text: str) -> tuple[str, ...]:
    """The `{name}` personalization placeholders of an action's text, in order, once each."""
    seen: list[str] = []
    for name in re.findall(r"\{([A-Za-z_][A-Za-z0-9_]*)\}", text):
        if name not in seen:
            seen.append(name)
    return tuple(seen)
