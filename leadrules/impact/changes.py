"""The differences between two Models, one `Change` each, and `apply_change`: OLD with exactly
one change of NEW applied, to measure what that change alone does.

Rules are matched by group and canonical text (`Rule.text`, the rule without its points): the
same head with other points or another cap is a *changed* rule; a head found on one side only is
an added or removed rule. Duplicated heads in a group pair up in order. Tiers are matched by name.
Group caps, `clamp` and the order of the tiers are changes of their own.
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from dataclasses import dataclass

from leadrules import nodes
from leadrules.model import Attribute, EventType, Group, GroupScore, Model, Rule, Tier, walk

KINDS = ("declaration", "rule", "group", "clamp", "tier", "tier order")


@dataclass(frozen=True)
class Change:
    """One difference between OLD and NEW.

    `kind` is one of KINDS, `action` "added", "removed" or "changed". `subject` names what
    changed (`engagement: pricing_page_visit`, `tier SQL`); `before`/`after` describe each side
    (`+15`, `>= 81`), None on the side where it does not exist.
    """

    kind: str
    action: str
    subject: str
    before: str | None
    after: str | None
    old: object = dataclasses.field(default=None, compare=False, repr=False)
    new: object = dataclasses.field(default=None, compare=False, repr=False)


def points_text(rule: Rule) -> str:
    text = f"{rule.points:+d}"
    return f"{text} cap {rule.cap}" if rule.cap is not None else text


def rule_changes(old: Model, new: Model) -> list[Change]:
    olds: dict[tuple[str, str], list[Rule]] = defaultdict(list)
    for rule in old.rules:
        olds[(rule.group, rule.text)].append(rule)
    news: dict[tuple[str, str], list[Rule]] = defaultdict(list)
    for rule in new.rules:
        news[(rule.group, rule.text)].append(rule)
    out: list[Change] = []
    # OLD's rules in model order first (changed or removed), then NEW's additions in its order.
    used: dict[tuple[str, str], int] = defaultdict(int)
    for rule in old.rules:
        key = (rule.group, rule.text)
        i = used[key]
        used[key] += 1
        subject = f"{rule.group}: {rule.text}"
        if i < len(news[key]):
            other = news[key][i]
            if (other.points, other.cap) != (rule.points, rule.cap):
                out.append(
                    Change(
                        "rule",
                        "changed",
                        subject,
                        points_text(rule),
                        points_text(other),
                        rule,
                        other,
                    )
                )
            elif _meaning(other) != _meaning(rule):
                # same text, other meaning: a signal, constant or list it names was redefined
                out.append(
                    Change(
                        "rule",
                        "changed",
                        subject,
                        points_text(rule),
                        f"{points_text(other)}, redefined",
                        rule,
                        other,
                    )
                )
        else:
            out.append(Change("rule", "removed", subject, points_text(rule), None, rule, None))
    for key, rules in news.items():
        for other in rules[len(olds[key]) :]:
            out.append(
                Change(
                    "rule",
                    "added",
                    f"{other.group}: {other.text}",
                    None,
                    points_text(other),
                    None,
                    other,
                )
            )
    return out


def _meaning(rule: Rule) -> tuple:
    return (rule.kind, rule.cond, rule.events, rule.window)


def _column(a: Attribute) -> str:
    return f"{a.type} from {a.column!r}"


def _event(e: EventType) -> str:
    props = ", ".join(f"{p.name}: {p.type}" for p in e.props)
    return f"({props}) from {e.source!r}"


def declaration_changes(old: Model, new: Model) -> list[Change]:
    """Attributes read from another column, events under another source name or with other
    property types: the same rules then see other data."""
    out = []
    for a in old.attributes:
        b = new.attribute(a.name)
        if b is not None and (a.column, a.type) != (b.column, b.type):
            out.append(
                Change("declaration", "changed", f"lead {a.name}", _column(a), _column(b), a, b)
            )
    for e in old.events:
        f = new.event(e.name)
        if f is not None and (e.source, e.props) != (f.source, f.props):
            out.append(
                Change("declaration", "changed", f"event {e.name}", _event(e), _event(f), e, f)
            )
    return out


def _cap(group: Group | None) -> str | None:
    if group is None:
        return None
    return "no cap" if group.cap is None else f"cap {group.cap}"


def group_changes(old: Model, new: Model) -> list[Change]:
    out = []
    for group in old.groups:
        other = new.group(group.name)
        if other is not None and other.cap != group.cap:
            out.append(
                Change(
                    "group",
                    "changed",
                    f"group {group.name}",
                    _cap(group),
                    _cap(other),
                    group,
                    other,
                )
            )
    return out


def clamp_changes(old: Model, new: Model) -> list[Change]:
    if old.clamp == new.clamp:
        return []

    def show(c):
        return "no clamp" if c is None else f"clamp {c[0]}..{c[1]}"

    return [
        Change("clamp", "changed", "clamp", show(old.clamp), show(new.clamp), old.clamp, new.clamp)
    ]


def _tier_text(tier: Tier) -> str:
    return tier.text if tier.kind == "range" else f"when {tier.text}"


def _tier_def(tier: Tier):
    return (tier.kind, tier.lo, tier.hi, tier.cond)


def tier_changes(old: Model, new: Model) -> list[Change]:
    out = []
    for tier in old.tiers:
        other = next((t for t in new.tiers if t.name == tier.name), None)
        if other is None:
            out.append(
                Change("tier", "removed", f"tier {tier.name}", _tier_text(tier), None, tier, None)
            )
        elif _tier_def(other) != _tier_def(tier):
            out.append(
                Change(
                    "tier",
                    "changed",
                    f"tier {tier.name}",
                    _tier_text(tier),
                    _tier_text(other),
                    tier,
                    other,
                )
            )
    for tier in new.tiers:
        if tier.name not in old.tier_names:
            out.append(
                Change("tier", "added", f"tier {tier.name}", None, _tier_text(tier), None, tier)
            )
    common = [n for n in old.tier_names if n in new.tier_names]
    reordered = [n for n in new.tier_names if n in old.tier_names]
    if common != reordered:
        out.append(
            Change(
                "tier order",
                "changed",
                "tier order",
                ", ".join(common),
                ", ".join(reordered),
                tuple(common),
                tuple(reordered),
            )
        )
    return out


def changes(old: Model, new: Model) -> list[Change]:
    """Every difference that affects scores or tiers, in a stable order."""
    return (
        declaration_changes(old, new)
        + rule_changes(old, new)
        + group_changes(old, new)
        + clamp_changes(old, new)
        + tier_changes(old, new)
    )


# ---- applying one change ------------------------------------------------------------------


def _renumber(groups: list[Group]) -> tuple[Group, ...]:
    """Rule ids are `group/index`, 1-based; keep them unique after rules move."""
    out = []
    for group in groups:
        rules = tuple(
            nodes.replace(r, id=f"{group.name}/{i}", group=group.name)
            for i, r in enumerate(group.rules, 1)
        )
        out.append(nodes.replace(group, rules=rules))
    return tuple(out)


def merged_declarations(old: Model, new: Model) -> dict:
    """OLD's attributes and event types plus NEW's, so a rule or tier of NEW can be read."""
    attributes = list(old.attributes)
    attributes += [a for a in new.attributes if old.attribute(a.name) is None]
    events = []
    for event in old.events:
        other = new.event(event.name)
        extra = () if other is None else tuple(p for p in other.props if event.prop(p.name) is None)
        events.append(nodes.replace(event, props=event.props + extra))
    events += [e for e in new.events if old.event(e.name) is None]
    return {"attributes": tuple(attributes), "events": tuple(events)}


def _group_refs(expr) -> set[str]:
    """The groups an expression tests (`fit >= 40`), at any depth."""
    return {e.name for e in walk(expr, filters=True) if isinstance(e, GroupScore)}


def _with_rule(old: Model, new: Model, change: Change) -> tuple[Group, ...]:
    groups = list(old.groups)
    target = (change.old or change.new).group
    index = next((i for i, g in enumerate(groups) if g.name == target), None)
    if index is None:  # a rule of a group that OLD lacks: the group comes with NEW's cap
        groups.append(Group(target, new.group(target).cap, ()))
        index = len(groups) - 1
    rules = list(groups[index].rules)
    if change.action == "added":
        rules.append(change.new)
    else:
        at = next(i for i, r in enumerate(rules) if r is change.old)
        if change.action == "removed":
            del rules[at]
        else:
            rules[at] = nodes.replace(change.new, id=change.old.id)
    groups[index] = nodes.replace(groups[index], rules=tuple(rules))
    return _renumber(groups)


def _with_tier(old: Model, new: Model, change: Change) -> tuple[Tier, ...]:
    tiers = list(old.tiers)
    if change.action == "removed":
        return tuple(t for t in tiers if t.name != change.old.name)
    if change.action == "changed":
        return tuple(change.new if t.name == change.new.name else t for t in tiers)
    # added: right after the nearest tier that precedes it in NEW and exists in OLD
    names = list(new.tier_names)
    at = 0
    for name in reversed(names[: names.index(change.new.name)]):
        if name in old.tier_names:
            at = old.tier_names.index(name) + 1
            break
    tiers.insert(at, change.new)
    return tuple(tiers)


def _order_names(names: tuple[str, ...], order: tuple[str, ...]) -> list[str]:
    """`names` with the members of `order` placed in that order, the others where they were."""
    queue = iter(order)
    return [next(queue) if n in order else n for n in names]


def apply_change(old: Model, new: Model, change: Change) -> Model | None:
    """OLD with `change` (a change from OLD to NEW) applied, or None when the change cannot stand
    alone (a tier of NEW that tests a group OLD lacks)."""
    decls = merged_declarations(old, new)
    if change.kind == "rule":
        return nodes.replace(old, groups=_with_rule(old, new, change), **decls)
    if change.kind == "group":
        groups = tuple(
            nodes.replace(g, cap=change.new.cap) if g.name == change.new.name else g
            for g in old.groups
        )
        return nodes.replace(old, groups=groups, **decls)
    if change.kind == "declaration":
        swap = change.new
        attributes = tuple(swap if a.name == swap.name else a for a in decls["attributes"])
        events = tuple(swap if e.name == swap.name else e for e in decls["events"])
        if isinstance(swap, Attribute):
            return nodes.replace(old, attributes=attributes, events=decls["events"])
        return nodes.replace(old, attributes=decls["attributes"], events=events)
    if change.kind == "clamp":
        return nodes.replace(old, clamp=change.new, **decls)
    if change.kind == "tier":
        tiers = _with_tier(old, new, change)
        refs = set().union(*(_group_refs(t.cond) for t in tiers if t.cond is not None))
        if not refs <= set(old.group_names):
            return None
        return nodes.replace(old, tiers=tiers, **decls)
    if change.kind == "tier order":
        by_name = {t.name: t for t in old.tiers}
        tiers = tuple(by_name[n] for n in _order_names(old.tier_names, change.new))
        return nodes.replace(old, tiers=tiers, **decls)
    raise ValueError(f"unknown change kind {change.kind!r}")  # pragma: no cover
