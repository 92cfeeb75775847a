"""One scoring for a whole diff: the *probe* model.

A rule's contribution to a lead does not depend on the other rules, so one scoring can measure
every rule that differs between OLD and NEW. The probe is OLD's groups, unchanged, followed by
one extra group per rule that is on one side only (holding just that rule, uncapped: its score
is the rule's contribution) and one uncapped copy of each capped group of OLD (its score is the
group's sum before the cap). From the probe's results, any model whose rules are OLD's with some
of these added or taken out (OLD, NEW, OLD with one change applied) follows by arithmetic: group
sum, cap, total, clamp, and the tiers by the reference interpreter's tier logic (`retier`).

The engine still decides every rule; only caps, clamp and tiers are recomputed here, exactly as
the language defines them. Tiers that test lead attributes need the data, and a model that reads
an attribute or event from other columns than OLD needs its own reading: `Probe.build` then
returns None and the caller scores each model instead.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from leadrules import nodes
from leadrules.engine import LeadResult
from leadrules.impact.retier import needs_data, reads_like
from leadrules.model import Group, Model, Rule


def rule_key(rule: Rule) -> tuple:
    """What decides a rule's contribution (not its id or group)."""
    return (rule.kind, rule.points, rule.cond, rule.events, rule.window, rule.cap)


def _keys(group: Group | None) -> Counter:
    return Counter(rule_key(r) for r in group.rules) if group is not None else Counter()


@dataclass(frozen=True)
class Probe:
    """The probe model and where each measured quantity is among its groups (by index)."""

    model: Model
    old: Model
    group_index: dict[str, int]  # OLD's groups: their score
    rule_index: dict[tuple, int]  # a rule on one side only: its contribution
    raw_index: dict[str, int]  # a capped group of OLD: its sum before the cap

    @staticmethod
    def build(old: Model, new: Model, variants: Sequence[Model] = ()) -> Probe | None:
        models = (old, new, *variants)
        if any(needs_data(m) or not reads_like(old, m) for m in models):
            return None
        taken = set(old.group_names) | set(new.group_names)
        prefix = "probe_"
        while any(name.startswith(prefix) for name in taken):
            prefix = "_" + prefix
        extra: list[Group] = []
        rule_index: dict[tuple, int] = {}
        first = {rule_key(r): r for m in models for r in m.rules}
        old_keys = {g.name: _keys(g) for g in old.groups}
        for m in models:
            for g in m.groups:
                for key in _keys(g) - old_keys.get(g.name, Counter()):
                    rule_index.setdefault(key, -1)
            for g in old.groups:
                for key in old_keys[g.name] - _keys(m.group(g.name)):
                    rule_index.setdefault(key, -1)
        base = len(old.groups)
        for i, key in enumerate(sorted(rule_index, key=repr)):
            name = f"{prefix}rule_{i + 1}"
            rule = nodes.replace(first[key], id=f"{name}/1", group=name)
            extra.append(Group(name, None, (rule,)))
            rule_index[key] = base + i
        raw_index = {}
        for g in old.groups:
            if g.cap is not None:
                name = f"{prefix}raw_{g.name}"
                rules = tuple(
                    nodes.replace(r, id=f"{name}/{j}", group=name) for j, r in enumerate(g.rules, 1)
                )
                raw_index[g.name] = base + len(extra)
                extra.append(Group(name, None, rules))
        from leadrules.impact.changes import merged_declarations

        model = nodes.replace(
            old,
            groups=old.groups + tuple(extra),
            clamp=None,
            tiers=(),
            automations=(),
            tests=(),
            **merged_declarations(old, new),
        )
        index = {g.name: i for i, g in enumerate(old.groups)}
        return Probe(model, old, index, rule_index, raw_index)

    def results(
        self,
        model: Model,
        probed: Sequence[LeadResult],
        as_of: dt.datetime,
        base: Sequence[LeadResult] | None = None,
    ) -> list[LeadResult]:
        """`model`'s results, from the probe's (`model` is OLD with rules of the probe added or
        taken out, any caps, clamp and tiers).

        `base`: OLD's results, from `results(OLD, ...)`. When `model` has OLD's groups, caps and
        clamp, a lead on which every differing rule scores 0 keeps OLD's group scores and total
        (and OLD's result object, when the tiers are OLD's too); only the others are computed."""
        from leadrules.engine.plan import Plan

        plan = Plan(model, as_of)  # only its tiers are used
        recipe = [self._recipe(g) for g in model.groups]
        lo, hi = model.clamp if model.clamp is not None else (None, None)
        names = tuple(g.name for g in model.groups)
        memo: dict[tuple, str | None] = {}  # group scores -> tier: few distinct

        def tier_of(groups: tuple, total: int) -> str | None:
            found = memo.get(groups, memo)
            if found is memo:
                found = memo[groups] = plan.tier_for_scores(dict(groups), total)
            return found

        if all(
            start == i and not adds and not subs and cap is None
            for i, (start, adds, subs, cap) in enumerate(recipe)
        ):
            # OLD's own groups, as the probe scored them: take them as they are
            k = len(recipe)
            out = []
            for r in probed:
                groups = r.groups[:k]
                total = sum(v for _, v in groups)
                if lo is not None:
                    total = lo if total < lo else hi if total > hi else total
                out.append(LeadResult(r.lead_id, groups, total, tier_of(groups, total)))
            return out
        differing = sorted({i for _, adds, subs, _ in recipe for i in (*adds, *subs)})
        sparse = base is not None and self._same_shape(model)
        same_tiers = model.tiers == self.old.tiers
        out: list = []
        append = out.append
        for n, r in enumerate(probed):
            values = r.groups
            if sparse and not any([values[i][1] for i in differing]):
                b = base[n]
                append(
                    b
                    if same_tiers
                    else LeadResult(b.lead_id, b.groups, b.score, tier_of(b.groups, b.score))
                )
                continue
            scores = []
            for start, adds, subs, cap in recipe:
                score = 0 if start is None else values[start][1]
                for i in adds:
                    score += values[i][1]
                for i in subs:
                    score -= values[i][1]
                if cap is not None and score > cap:
                    score = cap
                scores.append(score)
            total = sum(scores)
            if lo is not None:
                total = lo if total < lo else hi if total > hi else total
            groups = tuple(zip(names, scores, strict=True))
            append(LeadResult(r.lead_id, groups, total, tier_of(groups, total)))
        return out

    def _recipe(self, g: Group) -> tuple:
        """How a group's score follows from the probe: (index of the score to start from or
        None for 0, indexes to add, indexes to subtract, cap to apply or None)."""
        old_g = self.old.group(g.name)
        plus = _keys(g) - _keys(old_g)
        minus = _keys(old_g) - _keys(g)
        adds = [self.rule_index[k] for k, n in plus.items() for _ in range(n)]
        subs = [self.rule_index[k] for k, n in minus.items() for _ in range(n)]
        if old_g is None:
            return (None, adds, subs, g.cap)
        if old_g.cap is None:  # OLD's score is the sum itself
            return (self.group_index[g.name], adds, subs, g.cap)
        if not adds and not subs and g.cap == old_g.cap:  # the same capped score
            return (self.group_index[g.name], adds, subs, None)
        return (self.raw_index[g.name], adds, subs, g.cap)

    def _same_shape(self, model: Model) -> bool:
        """`model` has OLD's groups, caps and clamp (its rules and tiers may differ)."""
        old = self.old
        return (
            model.group_names == old.group_names
            and all(g.cap == old.group(g.name).cap for g in model.groups)
            and model.clamp == old.clamp
        )
