"""Tiers without rescoring: when two models score alike (same groups, rules, caps and clamp) and
differ only in their tiers, the second model's results follow from the first's group scores and
totals. `leadrules diff` uses it for NEW and for each tier change, so a threshold change costs no
scoring at all. Tier conditions that test lead attributes need the data: then it declines."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence

from leadrules.engine import LeadResult
from leadrules.model import Attr, Model, walk


def reads_like(base: Model, other: Model) -> bool:
    """Every attribute and event `other` shares with `base` is read from the data the same way
    (same column and type; same source name, and the same type for each shared property)."""
    for a in other.attributes:
        b = base.attribute(a.name)
        if b is not None and (a.column, a.type) != (b.column, b.type):
            return False
    for e in other.events:
        f = base.event(e.name)
        if f is None:
            continue
        if e.source != f.source:
            return False
        if any((q := f.prop(p.name)) is not None and q.type != p.type for p in e.props):
            return False
    return True


def same_scoring(a: Model, b: Model) -> bool:
    """Every lead gets the same group scores and total under `a` and `b`."""
    return a.groups == b.groups and a.clamp == b.clamp and reads_like(a, b)


def needs_data(model: Model) -> bool:
    """A tier condition tests a lead attribute."""
    return any(
        isinstance(n, Attr)
        for t in model.tiers
        if t.cond is not None
        for n in walk(t.cond, filters=True)
    )


def retier(
    model: Model, results: Sequence[LeadResult], as_of: dt.datetime
) -> list[LeadResult] | None:
    """`results` (scored by a model with the same scoring) with `model`'s tiers; None when the
    tiers need lead attributes. The reference interpreter's tier logic decides, so the answer
    is the one every engine gives."""
    if needs_data(model):
        return None
    from leadrules.engine.plan import Plan

    plan = Plan(model, as_of)
    out = []
    for r in results:
        tier = plan.tier_for_scores(dict(r.groups), r.score)
        out.append(dataclasses.replace(r, tier=tier, explanation=None))
    return out
